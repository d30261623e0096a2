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
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ENCODINGS: [TextEncoding; 3] = [
        TextEncoding::UnicodeCodePoint,
        TextEncoding::Utf8CodeUnit,
        TextEncoding::Utf16CodeUnit,
    ];

    #[test]
    fn typing_is_one_small_splice() {
        let s = diff(
            "Hej värld",
            "Hej stora värld",
            TextEncoding::UnicodeCodePoint,
        );
        assert_eq!(
            s,
            Some(Splice {
                pos: 4,
                delete: 0,
                insert: "stora ".into()
            })
        );
        assert_eq!(diff("abc", "abc", TextEncoding::Utf8CodeUnit), None);
    }

    #[test]
    fn repeated_letters_do_not_overlap() {
        // "aa" -> "aaa": prefix "aa", nothing left to overlap.
        let s = diff("aa", "aaa", TextEncoding::Utf8CodeUnit).unwrap();
        assert_eq!((s.pos, s.delete, s.insert.as_str()), (2, 0, "a"));
    }

    #[test]
    fn utf16_counts_surrogate_pairs() {
        let s = diff("😀a", "😀ba", TextEncoding::Utf16CodeUnit).unwrap();
        assert_eq!(s.pos, 2);
        assert_eq!(s.transform(3, TextEncoding::Utf16CodeUnit), 4);
    }

    #[test]
    fn caret_follows_remote_edits() {
        let enc = TextEncoding::UnicodeCodePoint;
        let remote = Splice {
            pos: 0,
            delete: 0,
            insert: "Ny rad\n".into(),
        };
        // Caret at 5 in "hello": after an insertion before it, it moves right by 7.
        assert_eq!(remote.transform(5, enc), 12);
        let after = Splice {
            pos: 10,
            delete: 2,
            insert: "x".into(),
        };
        assert_eq!(after.transform(5, enc), 5);
        assert_eq!(after.transform(11, enc), 11);
        assert_eq!(after.transform(20, enc), 19);
    }

    #[test]
    fn an_edit_on_a_stale_screen_keeps_the_remote_text() {
        let enc = TextEncoding::Utf16CodeUnit;
        // The screen shows "Från flik ett." and the user types " E" at the end, while the
        // document already holds a remote "Först: " at the start.
        let seen = "Från flik ett.";
        let typed = diff(seen, "Från flik ett. E", enc).unwrap();
        let remote = diff(seen, "Först: Från flik ett.", enc).unwrap();
        let got = typed
            .rebase(&remote, enc)
            .apply("Först: Från flik ett.", enc);
        assert_eq!(got.as_deref(), Some("Först: Från flik ett. E"));
        // A deletion across text that was replaced remotely keeps what is still there.
        let cut = diff("abcdef", "af", enc).unwrap();
        let remote = diff("abcdef", "abXYef", enc).unwrap();
        let got = cut.rebase(&remote, enc).apply("abXYef", enc);
        assert_eq!(got.as_deref(), Some("af"));
    }

    proptest! {
        /// Typing at one place while a remote edit lands at another, disjoint place: the
        /// rebased edit gives exactly both edits, whatever the screen showed.
        #[test]
        fn rebased_typing_keeps_both_edits(
            // Inserted letters never occur in the text, so each diff is the one splice typed.
            text in "[a-m ]{0,30}",
            a in 0usize..31, b in 0usize..31,
            mine in "[n-zåäö😀]{1,5}", theirs in "[n-zåäö😀]{1,5}",
        ) {
            let chars: Vec<char> = text.chars().collect();
            let (a, b) = (a.min(chars.len()), b.min(chars.len()));
            prop_assume!(a != b);
            let at = |i: usize, ins: &str, base: &[char]| -> String {
                let mut s: String = base[..i].iter().collect();
                s.push_str(ins);
                s.extend(&base[i..]);
                s
            };
            let enc = TextEncoding::UnicodeCodePoint;
            let typed = diff(&text, &at(a, &mine, &chars), enc).unwrap();
            let remote = diff(&text, &at(b, &theirs, &chars), enc).unwrap();
            let doc = at(b, &theirs, &chars);
            let got = typed.rebase(&remote, enc).apply(&doc, enc).unwrap();
            // Both insertions are there, and everything of the original text.
            prop_assert_eq!(got.chars().count(), chars.len() + mine.chars().count() + theirs.chars().count());
            prop_assert!(got.contains(theirs.as_str()));
            let expected = if a < b {
                let first = at(a, &mine, &chars);
                let shifted: Vec<char> = first.chars().collect();
                at(b + mine.chars().count(), &theirs, &shifted)
            } else {
                let first: Vec<char> = doc.chars().collect();
                at(a + theirs.chars().count(), &mine, &first)
            };
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn diff_then_apply_gives_new_text(old in "\\PC{0,40}", new in "\\PC{0,40}") {
            for enc in ENCODINGS {
                let got = match diff(&old, &new, enc) {
                    None => old.clone(),
                    Some(s) => s.apply(&old, enc).unwrap(),
                };
                prop_assert_eq!(&got, &new);
            }
        }
    }
}
