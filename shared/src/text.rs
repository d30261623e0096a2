//! Turning a textarea's new value into one minimal Automerge splice, keeping a caret in place
//! when a remote splice arrives, and moving a local edit over a remote one the screen has not
//! shown yet.

use automerge::TextEncoding;

/// Replace `delete` units at `pos` with `insert`. Units are those of the document's
/// [`TextEncoding`] (UTF-16 code units in the browser, matching `selectionStart`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Splice {
    pub pos: usize,
    pub delete: usize,
    pub insert: String,
}

fn width(s: &str, enc: TextEncoding) -> usize {
    match enc {
        TextEncoding::Utf8CodeUnit => s.len(),
        TextEncoding::Utf16CodeUnit => s.encode_utf16().count(),
        // Grapheme clusters are never used by Samtal; code points are the safe fallback.
        TextEncoding::UnicodeCodePoint | TextEncoding::GraphemeCluster => s.chars().count(),
    }
}

/// The single splice that turns `old` into `new`: common prefix and suffix are kept, the
/// middle is replaced. `None` when the texts are equal.
pub fn diff(old: &str, new: &str, enc: TextEncoding) -> Option<Splice> {
    if old == new {
        return None;
    }
    // Common prefix, on char boundaries.
    let prefix: usize = old
        .char_indices()
        .zip(new.chars())
        .take_while(|((_, a), b)| a == b)
        .map(|((_, a), _)| a.len_utf8())
        .sum();
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    // Common suffix of what is left, so prefix and suffix never overlap.
    let suffix: usize = old_rest
        .chars()
        .rev()
        .zip(new_rest.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    let removed = &old_rest[..old_rest.len() - suffix];
    let inserted = &new_rest[..new_rest.len() - suffix];
    Some(Splice {
        pos: width(&old[..prefix], enc),
        delete: width(removed, enc),
        insert: inserted.to_owned(),
    })
}

impl Splice {
    /// Length of the inserted text in the given encoding.
    pub fn insert_width(&self, enc: TextEncoding) -> usize {
        width(&self.insert, enc)
    }

    /// Where a caret at `index` (before this splice) sits after it. A caret inside the
    /// replaced range moves to the end of the insertion; one exactly at `pos` stays put so
    /// remote typing just before the caret does not push it along.
    pub fn transform(&self, index: usize, enc: TextEncoding) -> usize {
        if index <= self.pos {
            index
        } else if index >= self.pos + self.delete {
            index - self.delete + self.insert_width(enc)
        } else {
            self.pos + self.insert_width(enc)
        }
    }

    /// This edit was made on a text that `over` has changed since (a remote edit that reached
    /// the document but not yet the screen): the same edit where it now belongs. Both ends move
    /// like carets, so typing lands where the user typed and remote text beside it is kept; a
    /// deletion keeps only what is still there of the range the user selected.
    pub fn rebase(&self, over: &Splice, enc: TextEncoding) -> Splice {
        let pos = over.transform(self.pos, enc);
        let end = over.transform(self.pos + self.delete, enc).max(pos);
        Splice {
            pos,
            delete: end - pos,
            insert: self.insert.clone(),
        }
    }

    /// Apply to a plain string whose units are `enc` (used by tests and the client mirror).
    pub fn apply(&self, s: &str, enc: TextEncoding) -> Option<String> {
        let start = byte_offset(s, self.pos, enc)?;
        let end = byte_offset(s, self.pos + self.delete, enc)?;
        let mut out = String::with_capacity(s.len() + self.insert.len());
        out.push_str(&s[..start]);
        out.push_str(&self.insert);
        out.push_str(&s[end..]);
        Some(out)
    }
}

/// Byte offset of the `units`-th unit in `s`, if it falls on a char boundary.
pub fn byte_offset(s: &str, units: usize, enc: TextEncoding) -> Option<usize> {
    let mut seen = 0;
    for (i, c) in s.char_indices() {
        if seen == units {
            return Some(i);
        }
        if seen > units {
            return None;
        }
        seen += width(c.encode_utf8(&mut [0; 4]), enc);
    }
    (seen == units).then_some(s.len())
}

#[cfg(test)]
mod tests;
