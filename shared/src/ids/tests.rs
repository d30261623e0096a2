use super::*;

#[test]
fn round_trips_through_bs58check() {
    let id = DocumentId::from_bytes([7; 16]);
    let s = id.to_string();
    assert_eq!(s.parse::<DocumentId>(), Ok(id));
    assert_eq!(format!("automerge:{s}").parse::<DocumentId>(), Ok(id));
}

#[test]
fn rejects_bad_checksum_and_paths() {
    let s = DocumentId::from_bytes([1; 16]).to_string();
    let mut bad = s.clone().into_bytes();
    let last = bad.len() - 1;
    bad[last] = if bad[last] == b'2' { b'3' } else { b'2' };
    assert!(
        String::from_utf8(bad)
            .unwrap_or_default()
            .parse::<DocumentId>()
            .is_err()
    );
    assert!("../../etc/passwd".parse::<DocumentId>().is_err());
    assert!("".parse::<DocumentId>().is_err());
}

#[test]
fn matches_automerge_repo_encoding() {
    // bs58check of 16 zero bytes, as automerge-repo's `bs58check.encode` prints it.
    let id = DocumentId::from_bytes([0; 16]);
    let decoded = bs58::decode(id.to_string()).into_vec().unwrap_or_default();
    assert_eq!(decoded.len(), 20, "payload + 4 checksum bytes");
    assert_eq!(&decoded[..16], &[0; 16]);
}

#[test]
fn id_cache_agrees_with_parsing_and_stays_bounded() {
    let mut cache = IdCache::default();
    let ids: Vec<DocumentId> = (0..20u8).map(|b| DocumentId::from_bytes([b; 16])).collect();
    // Round after round over more ids than fit: every answer equals the uncached one.
    for _ in 0..3 {
        for id in &ids {
            let text = id.to_string();
            assert_eq!(cache.text(*id), text);
            assert_eq!(cache.parse(&text), Ok(*id));
            assert_eq!(cache.parse(&format!("automerge:{text}")), Ok(*id));
            assert!(cache.entries.len() <= IdCache::CAPACITY);
        }
    }
    // A hit moves to the front, and so does an id parsed for the first time; the least
    // recently used one goes.
    let text = ids[19].to_string();
    assert_eq!(cache.parse(&text), Ok(ids[19]));
    assert_eq!(cache.entries[0].1, text);
    let new = DocumentId::from_bytes([99; 16]);
    assert_eq!(cache.parse(&new.to_string()), Ok(new));
    assert_eq!(cache.entries[0].0, new);
    assert_eq!(cache.entries[1].0, ids[19]);
    assert_eq!(cache.entries.len(), IdCache::CAPACITY);
    assert!(!cache.entries.iter().any(|(i, _)| *i == ids[12]));
    // Bad input is refused, cached or not.
    let mut bad = ids[19].to_string().into_bytes();
    bad[3] = if bad[3] == b'2' { b'3' } else { b'2' };
    let bad = String::from_utf8(bad).unwrap_or_default();
    assert!(cache.parse(&bad).is_err());
    assert!(cache.parse(&bad).is_err());
}
