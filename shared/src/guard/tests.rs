use super::*;
use automerge::transaction::Transactable;

#[test]
fn leb128_reads_one_number_and_refuses_truncated_or_overlong_ones() {
    let mut b: &[u8] = &[0x96, 0x01, 0x07];
    assert_eq!(leb128(&mut b), Some(150));
    assert_eq!(leb128(&mut b), Some(7));
    assert!(b.is_empty());
    assert_eq!(leb128(&mut &[0x80u8][..]), None, "truncated");
    assert_eq!(leb128(&mut &[0xffu8; 10][..]), None, "longer than 64 bits");
    let mut max: &[u8] = &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    assert_eq!(leb128(&mut max), Some(u64::MAX));
}

#[test]
fn a_whole_documents_deflated_columns_are_inflated_with_a_cap() {
    let (mut d, t) = text_doc();
    // Compressible text: automerge deflates the columns that hold it when it saves.
    d.splice_text(&t, 0, 0, &"Barnets bästa först. ".repeat(20_000))
        .unwrap();
    let saved = d.save();
    let doc: Vec<Chunk<'_>> = chunks(&saved).collect::<Result<_, _>>().unwrap();
    assert_eq!(doc[0].kind, DOCUMENT);
    // What the walk inflates is far more than the chunk: it found the deflated columns.
    assert!(saved.len() < 100_000, "{} bytes", saved.len());
    assert!(document_columns_within(doc[0].body, 400_000).is_err());
    document_columns_within(doc[0].body, MAX_INFLATED).unwrap();
    check_incoming(&saved).unwrap();
    // A layout the walk cannot read is left to automerge (which refuses it).
    document_columns_within(&doc[0].body[..5], 10).unwrap();
    document_columns_within(&[0xff; 3], 10).unwrap();
}

/// A document with one text field.
fn text_doc() -> (AutoCommit, automerge::ObjId) {
    let mut d = AutoCommit::new();
    let t = d
        .put_object(automerge::ROOT, "t", automerge::ObjType::Text)
        .unwrap();
    (d, t)
}

#[test]
fn chunks_splits_concatenated_changes_whole() {
    let (mut d, t) = text_doc();
    d.commit();
    let start = d.get_heads();
    let mut hashes = Vec::new();
    for (i, s) in ["a", &"b".repeat(3_000), "c"].iter().enumerate() {
        d.splice_text(&t, i, 0, s).unwrap();
        hashes.extend(d.commit());
    }
    // Three changes in one byte string (the middle one compressed), as a JS peer sends them.
    let mut joined = Vec::new();
    for mut c in d.get_changes(&start) {
        joined.extend_from_slice(&c.bytes());
    }
    let split: Vec<Chunk<'_>> = chunks(&joined).collect::<Result<_, _>>().unwrap();
    assert_eq!(
        split.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [CHANGE, COMPRESSED_CHANGE, CHANGE]
    );
    let parsed: Vec<automerge::ChangeHash> = split
        .iter()
        .map(|c| automerge::Change::try_from(c.bytes).unwrap().hash())
        .collect();
    assert_eq!(parsed, hashes);
    assert_eq!(
        split.iter().map(|c| c.bytes.len()).sum::<usize>(),
        joined.len()
    );
    // Cut short: the whole chunks first, then an error, then nothing.
    let cut = &joined[..joined.len() - 1];
    let outcomes: Vec<bool> = chunks(cut).map(|c| c.is_ok()).collect();
    assert_eq!(outcomes, [true, true, false]);
    assert!(chunks(&[]).next().is_none());
}

#[test]
fn real_saves_pass_and_bundles_and_bombs_do_not() {
    let (mut d, t) = text_doc();
    d.splice_text(&t, 0, 0, &"x".repeat(5_000)).unwrap();
    d.commit();
    let heads = d.get_heads();
    d.splice_text(&t, 0, 0, &"y".repeat(2_000)).unwrap();
    d.commit();
    assert!(check_chunks(&d.save()).is_ok());
    // A large change travels as a compressed change chunk.
    let mut changes = d.get_changes(&heads);
    let chunk = changes.remove(0).bytes().to_vec();
    assert_eq!(chunk[8], COMPRESSED_CHANGE);
    assert!(check_chunks(&chunk).is_ok());
    assert!(check_chunks(&d.save_after(&heads)).is_ok());
    let mut both = d.save();
    both.extend_from_slice(&chunk);
    assert!(check_chunks(&both).is_ok());

    let mut bundle = d.save();
    bundle[8] = 3;
    assert!(check_chunks(&bundle).is_err());
    assert!(check_chunks(&d.save()[..20]).is_err());
    assert!(check_chunks(b"not automerge").is_err());

    // A deflate bomb: 65 MiB of zeros in about 65 KiB.
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..65 {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = enc.finish().unwrap();
    let mut chunk = MAGIC.to_vec();
    chunk.extend_from_slice(&[0; 4]);
    chunk.push(COMPRESSED_CHANGE);
    let mut len = bomb.len();
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            chunk.push(byte);
            break;
        }
        chunk.push(byte | 0x80);
    }
    chunk.extend_from_slice(&bomb);
    let err = check_chunks(&chunk).unwrap_err();
    assert!(err.to_string().contains("inflates past"), "{err}");
}
