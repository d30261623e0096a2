//! automerge 0.12 trusts the bytes it parses more than a server can (found by fuzzing):
//!
//! - a truncated column in a bundle chunk panics; natively, every call that parses bytes from
//!   outside — a peer's sync message, a stored document — goes through [`catch`], so such a
//!   panic becomes an error for that one message or document (in the browser, built with
//!   `panic = "abort"`, it is a plain call; the page's crash screen covers it there);
//! - a bundle chunk of 151 bytes can claim a run of billions of values and take all memory, and
//!   a compressed change chunk is inflated without a limit. [`check_chunks`] refuses bundle
//!   chunks (automerge's sync never sends them) and inflates compressed changes with a cap
//!   before automerge sees them.

use automerge::AutoCommit;

/// Run `f`; `None` if it panicked. Whatever `f` was changing may be half-changed then.
#[cfg(not(target_arch = "wasm32"))]
pub fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Run `f` (panics abort in the browser).
#[cfg(target_arch = "wasm32")]
pub fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    Some(f())
}

/// Why bytes could not be loaded as a document.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum LoadError {
    #[error("the document bytes are not valid: {0}")]
    Invalid(String),
    #[error("the document bytes could not be processed")]
    Crashed,
}

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The kind byte of a whole-document chunk.
pub const DOCUMENT: u8 = 0;
const CHANGE: u8 = 1;
const COMPRESSED_CHANGE: u8 = 2;

/// Most bytes one compressed change may inflate to (twice the largest document a server keeps
/// by default).
pub const MAX_INFLATED: u64 = 64 * 1024 * 1024;

/// Walk a sequence of Automerge chunks (a save, or a sync message's changes) and refuse what
/// automerge would choke on: anything that is not a chunk, bundle chunks, and compressed
/// changes that inflate past [`MAX_INFLATED`].
pub fn check_chunks(bytes: &[u8]) -> Result<(), LoadError> {
    for chunk in chunks(bytes) {
        let chunk = chunk?;
        match chunk.kind {
            DOCUMENT | CHANGE => {}
            COMPRESSED_CHANGE => inflated_within_cap(chunk.body)?,
            _ => {
                return Err(LoadError::Invalid(
                    "only document and change chunks are accepted".into(),
                ));
            }
        }
    }
    Ok(())
}

/// One Automerge chunk in a sequence of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// 0 document, 1 change, 2 compressed change (3 bundle).
    pub kind: u8,
    /// The whole chunk, header included (what [`automerge::Change`] parses).
    pub bytes: &'a [u8],
    /// What follows the header.
    pub body: &'a [u8],
}

/// The chunks of a sequence of Automerge chunks; an error ends it. (One byte string of a sync
/// message's changes can hold several: automerge-repo's JS server sends them so.)
pub fn chunks(mut bytes: &[u8]) -> impl Iterator<Item = Result<Chunk<'_>, LoadError>> {
    let invalid = |m: &str| Some(Err(LoadError::Invalid(m.to_owned())));
    std::iter::from_fn(move || {
        if bytes.is_empty() {
            return None;
        }
        let all = std::mem::take(&mut bytes);
        if all.len() < 9 || all[..4] != MAGIC {
            return invalid("not an Automerge chunk");
        }
        let mut rest = &all[9..];
        let Some(len) = leb128(&mut rest) else {
            return invalid("truncated chunk header");
        };
        let header = all.len() - rest.len();
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| header.checked_add(len))
            .filter(|&end| end <= all.len());
        let Some(end) = end else {
            return invalid("truncated chunk");
        };
        let (whole, tail) = all.split_at(end);
        bytes = tail;
        Some(Ok(Chunk {
            kind: all[8],
            bytes: whole,
            body: &whole[header..],
        }))
    })
}

/// Read one unsigned LEB128 number (as Automerge encodes lengths and counts) off the front of
/// `bytes`; `None` if it is truncated or longer than 64 bits.
pub(crate) fn leb128(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn inflated_within_cap(data: &[u8]) -> Result<(), LoadError> {
    use std::io::Read;
    let decoder = flate2::read::DeflateDecoder::new(data);
    let mut limited = decoder.take(MAX_INFLATED + 1);
    let n = std::io::copy(&mut limited, &mut std::io::sink())
        .map_err(|_| LoadError::Invalid("a compressed change does not inflate".into()))?;
    if n > MAX_INFLATED {
        return Err(LoadError::Invalid(format!(
            "a compressed change inflates past {MAX_INFLATED} bytes"
        )));
    }
    Ok(())
}

/// Like [`check_chunks`], for bytes from a peer (a sync message's changes): a whole-document
/// chunk's deflated columns are inflated too, with a cap on their total — automerge would
/// inflate them without one. (Stored documents are the server's own saves and are loaded
/// without this walk, so a wrong reading here can only fail to protect, never lose a stored
/// document: a layout this walk cannot read is left to automerge, which refuses it.)
pub fn check_incoming(bytes: &[u8]) -> Result<(), LoadError> {
    check_chunks(bytes)?;
    for chunk in chunks(bytes) {
        let chunk = chunk?;
        if chunk.kind == DOCUMENT {
            document_columns_within(chunk.body, MAX_INFLATED)?;
        }
    }
    Ok(())
}

/// A document chunk's body: actors, heads, the change and op column specs (each a LEB128
/// spec whose bit 3 marks a deflated column, and a length), then the columns' data in that
/// order. Refuse when the deflated columns inflate past `cap` bytes in total.
fn document_columns_within(body: &[u8], cap: u64) -> Result<(), LoadError> {
    use std::io::Read;
    let mut rest = body;
    let skip = |rest: &mut &[u8], n: u64| -> Option<()> {
        let n = usize::try_from(n).ok().filter(|&n| n <= rest.len())?;
        *rest = &rest[n..];
        Some(())
    };
    let columns = |rest: &mut &[u8]| -> Option<Vec<(u64, u64)>> {
        let count = leb128(rest)?;
        let mut out = Vec::new();
        for _ in 0..count {
            // Each entry takes at least two bytes, so a false count runs out of input.
            out.push((leb128(rest)?, leb128(rest)?));
        }
        Some(out)
    };
    let layout = (|| {
        let actors = leb128(&mut rest)?;
        for _ in 0..actors {
            let len = leb128(&mut rest)?;
            skip(&mut rest, len)?;
        }
        let heads = leb128(&mut rest)?;
        skip(&mut rest, heads.checked_mul(32)?)?;
        let mut all = columns(&mut rest)?;
        all.extend(columns(&mut rest)?);
        Some(all)
    })();
    let Some(columns) = layout else {
        return Ok(());
    };
    let mut inflated = 0u64;
    for (spec, len) in columns {
        let Some(n) = usize::try_from(len).ok().filter(|&n| n <= rest.len()) else {
            return Ok(());
        };
        let (data, tail) = rest.split_at(n);
        rest = tail;
        if spec & 0b1000 == 0 {
            continue;
        }
        let left = cap.saturating_sub(inflated);
        let mut limited = flate2::read::DeflateDecoder::new(data).take(left.saturating_add(1));
        let got = std::io::copy(&mut limited, &mut std::io::sink())
            .map_err(|_| LoadError::Invalid("a compressed column does not inflate".into()))?;
        inflated = inflated.saturating_add(got);
        if inflated > cap {
            return Err(LoadError::Invalid(format!(
                "a whole document's compressed columns inflate past {cap} bytes"
            )));
        }
    }
    Ok(())
}

/// Load a whole document from bytes (storage, a saved copy).
pub fn load(bytes: &[u8]) -> Result<AutoCommit, LoadError> {
    check_chunks(bytes)?;
    catch(|| AutoCommit::load(bytes))
        .ok_or(LoadError::Crashed)?
        .map_err(|e| LoadError::Invalid(e.to_string()))
}

/// Merge saved bytes into `doc`. On [`LoadError::Crashed`] `doc` may be half-changed: drop it.
pub fn load_incremental(doc: &mut AutoCommit, bytes: &[u8]) -> Result<usize, LoadError> {
    check_chunks(bytes)?;
    catch(|| doc.load_incremental(bytes))
        .ok_or(LoadError::Crashed)?
        .map_err(|e| LoadError::Invalid(e.to_string()))
}

#[cfg(test)]
mod tests;
