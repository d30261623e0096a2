#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;

fn open(name: &str, docs: u8) -> (SqliteStorage, Vec<DocumentId>, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("samtal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let storage = SqliteStorage::open(&dir).unwrap();
    let ids: Vec<DocumentId> = (0..docs)
        .map(|i| DocumentId::from_bytes([i + 1; 16]))
        .collect();
    storage
        .create_workshop(&NewWorkshopRecord {
            workshop_id: "w".into(),
            title: "W".into(),
            access_until: "2026-12-31".into(),
            link_secret: vec![0; 32],
            docs: ids
                .iter()
                .map(|id| {
                    let rec = DocRecord {
                        doc_id: *id,
                        workshop_id: "w".into(),
                        kind: DocKind::Plenary,
                    };
                    (rec, vec![0])
                })
                .collect(),
            capabilities: vec![],
            owner: None,
        })
        .unwrap();
    (storage, ids, dir)
}

/// Appends that wait for the connection together are committed together, each with its
/// own count and size; one that fails (a document that does not exist) fails alone.
#[test]
fn waiting_appends_share_one_commit_and_fail_alone() {
    let (storage, ids, dir) = open("group-commit", 6);
    let missing = DocumentId::from_bytes([99; 16]);
    std::thread::scope(|s| {
        // Hold the connection so that every append queues up behind it.
        let conn = storage.conn().unwrap();
        let handles: Vec<_> = ids
            .iter()
            .chain([&missing])
            .enumerate()
            .map(|(i, id)| {
                let storage = &storage;
                s.spawn(move || storage.append_chunk(id, &vec![7; 10 + i]))
            })
            .collect();
        while storage.appends.lock().unwrap().len() < ids.len() + 1 {
            std::thread::yield_now();
        }
        let commits = || storage.append_commits.load(Ordering::Relaxed);
        let before = commits();
        drop(conn);
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        for (i, r) in results[..ids.len()].iter().enumerate() {
            // The first snapshot (1 byte) and this chunk.
            assert_eq!(r.as_ref().unwrap(), &(2, 1 + 10 + i as u64), "append {i}");
        }
        assert!(results[ids.len()].is_err(), "an append to no document");
        // All in one transaction (one fsync).
        assert!(storage.appends.lock().unwrap().is_empty());
        assert_eq!(commits() - before, 1);
    });
    for (i, id) in ids.iter().enumerate() {
        let bytes = storage.load_doc(id).unwrap().unwrap();
        assert_eq!(bytes.len(), 1 + 10 + i);
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Many threads appending at once: every chunk is stored exactly once, in order.
#[test]
fn concurrent_appends_all_land() {
    let (storage, ids, dir) = open("concurrent-appends", 8);
    std::thread::scope(|s| {
        for id in &ids {
            let storage = &storage;
            s.spawn(move || {
                for k in 0..25u8 {
                    let (n, _) = storage.append_chunk(id, &[k]).unwrap();
                    assert_eq!(n, u64::from(k) + 2);
                }
            });
        }
    });
    for id in &ids {
        let mut want = vec![0u8];
        want.extend(0..25u8);
        assert_eq!(storage.load_doc(id).unwrap().unwrap(), want);
    }
    let _ = std::fs::remove_dir_all(dir);
}
