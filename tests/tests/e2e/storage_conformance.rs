//! One behaviour, two databases: every `Storage` method checked the same way on SQLite (a
//! file in a temp folder) and on Postgres (a throwaway cluster; `--ignored`, run by
//! `cargo xtask test`).

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::auth::hash_token;
use samtal_server::storage::PostgresStorage;
use samtal_server::storage::accounts::{Account, OwnedWorkshop, Owner, SessionRow};
use samtal_server::storage::{
    Capability, DocRecord, MAX_OPEN_DAYS, NewOwnerRecord, NewWorkshopRecord, SqliteStorage,
    Storage, StorageError,
};
use samtal_shared::DocumentId;
use samtal_shared::roles::{DocKind, Role};
use samtal_tests::pg::PgCluster;

fn doc(n: u8) -> DocumentId {
    DocumentId::from_bytes([n; 16])
}

fn cap(role: Role) -> Capability {
    Capability {
        workshop_id: "w1".into(),
        role,
        expires_at: None,
    }
}

/// A real Automerge document, saved, plus one incremental change on top.
fn saved_and_change() -> (Vec<u8>, Vec<u8>, String) {
    use automerge::transaction::Transactable;
    let mut d = automerge::AutoCommit::new();
    d.put(automerge::ROOT, "k", "first").unwrap();
    let first = d.save();
    d.put(automerge::ROOT, "k", "second").unwrap();
    let more = d.save_incremental();
    (first, more, "second".into())
}

fn read_k(bytes: &[u8]) -> String {
    use automerge::ReadDoc;
    let d = samtal_shared::guard::load(bytes).unwrap();
    match d.get(automerge::ROOT, "k").unwrap() {
        Some((automerge::Value::Scalar(s), _)) => s.as_str().unwrap_or_default().to_owned(),
        other => panic!("unexpected {other:?}"),
    }
}

fn conformance(s: &dyn Storage) -> Result<(), StorageError> {
    let (first, more, latest) = saved_and_change();
    let group = DocKind::Group {
        group_id: "g1".into(),
    };
    s.create_workshop(&NewWorkshopRecord {
        workshop_id: "w1".into(),
        title: "Titel".into(),
        access_until: "2026-12-08".into(),
        link_secret: vec![1, 2, 3],
        docs: vec![
            (
                DocRecord {
                    doc_id: doc(1),
                    workshop_id: "w1".into(),
                    kind: DocKind::Workshop,
                },
                first.clone(),
            ),
            (
                DocRecord {
                    doc_id: doc(2),
                    workshop_id: "w1".into(),
                    kind: group.clone(),
                },
                first.clone(),
            ),
        ],
        capabilities: vec![
            (hash_token("fac"), cap(Role::Facilitator)),
            (
                hash_token("g1"),
                cap(Role::Group {
                    group_id: "g1".into(),
                }),
            ),
            (hash_token("cu"), cap(Role::CatchUp)),
        ],
        owner: None,
    })?;
    assert_eq!(s.workshop_count()?, 1);
    assert_eq!(
        s.capability(&hash_token("g1"))?.map(|c| c.role),
        Some(Role::Group {
            group_id: "g1".into()
        })
    );
    // Catch-up expiry follows the workshop's access window.
    assert_eq!(
        s.capability(&hash_token("cu"))?.and_then(|c| c.expires_at),
        Some("2026-12-08".into())
    );
    assert_eq!(s.capability(&hash_token("nobody"))?, None);
    let mut kinds: Vec<DocKind> = s.workshop_docs("w1")?.into_iter().map(|d| d.kind).collect();
    kinds.sort_by_key(|k| format!("{k:?}"));
    assert_eq!(kinds, vec![group.clone(), DocKind::Workshop]);
    // What a document is, from the records alone.
    assert_eq!(
        s.doc_record(&doc(1))?.map(|r| (r.workshop_id, r.kind)),
        Some(("w1".to_owned(), DocKind::Workshop))
    );
    assert_eq!(s.doc_record(&doc(9))?, None);

    // Chunks: append, load in order, compact.
    let (n, total) = s.append_chunk(&doc(2), &more)?;
    assert_eq!(n, 2);
    assert_eq!(total, u64::try_from(first.len() + more.len()).unwrap());
    assert_eq!(read_k(&s.load_doc(&doc(2))?.unwrap()), latest);
    assert_eq!(s.load_doc(&doc(9))?, None);
    let full = s.load_doc(&doc(2))?.unwrap();
    let snapshot = samtal_shared::guard::load(&full).unwrap().save();
    s.compact(&doc(2), &snapshot)?;
    assert_eq!(read_k(&s.load_doc(&doc(2))?.unwrap()), latest);
    assert_eq!(
        s.append_chunk(&doc(2), &more)?.0,
        2,
        "one snapshot, then appends again"
    );

    // Meta, workshop row and its mirror of the workshop document.
    assert_eq!(s.get_meta("k")?, None);
    s.set_meta("k", "v1")?;
    s.set_meta("k", "v2")?;
    assert_eq!(s.get_meta("k")?, Some("v2".into()));
    let row = s.workshop("w1")?.unwrap();
    assert_eq!(
        (row.title.as_str(), row.phase.as_str()),
        ("Titel", "groups")
    );
    assert_eq!(row.link_secret, Some(vec![1, 2, 3]));
    s.update_workshop_meta("w1", "Ny", "closed", "2026-12-08", "2026-11-30")?;
    s.update_workshop_meta("w1", "Ny", "closed", "2026-12-08", "2026-12-01")?;
    let row = s.workshop("w1")?.unwrap();
    assert_eq!(
        row.closed_at.as_deref(),
        Some("2026-11-30"),
        "first close kept"
    );
    s.set_link_secret("w1", &[9])?;
    assert_eq!(s.workshop("w1")?.unwrap().link_secret, Some(vec![9]));

    // Documents added later, capabilities, link generations.
    let rec = DocRecord {
        doc_id: doc(3),
        workshop_id: "w1".into(),
        kind: DocKind::Plenary,
    };
    assert!(s.add_doc(&rec, &first)?);
    assert!(!s.add_doc(&rec, &first)?, "added once");
    s.ensure_capability(
        &hash_token("g1b"),
        &cap(Role::Group {
            group_id: "g1".into(),
        }),
    )?;
    s.ensure_capability(
        &hash_token("g1b"),
        &cap(Role::Group {
            group_id: "g1".into(),
        }),
    )?;
    assert_eq!(s.link_generation("w1", "group:g1")?, 0);
    assert_eq!(s.rotate_link("w1", "group:g1")?, 1);
    assert_eq!(s.rotate_link("w1", "group:g1")?, 2);
    assert_eq!(s.link_generation("w1", "group:g1")?, 2);
    assert_eq!(s.capability(&hash_token("g1"))?, None, "rotation revokes");
    assert_eq!(s.capability(&hash_token("g1b"))?, None);
    assert!(
        s.capability(&hash_token("cu"))?.is_some(),
        "other links stay"
    );
    s.replace_facilitator("w1", &hash_token("fac2"), &[7])?;
    assert_eq!(s.capability(&hash_token("fac"))?, None);
    assert_eq!(
        s.capability(&hash_token("fac2"))?.map(|c| c.role),
        Some(Role::Facilitator)
    );
    assert_eq!(s.workshop("w1")?.unwrap().link_secret, Some(vec![7]));

    // The operator's list: what each workshop is and how big, and the storage's self-check.
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let listed = s.list_workshops()?;
    assert_eq!(listed.len(), 1);
    let w = &listed[0];
    assert_eq!(
        (w.workshop_id.as_str(), w.title.as_str(), w.phase.as_str()),
        ("w1", "Ny", "closed")
    );
    assert_eq!(w.access_until.as_deref(), Some("2026-12-08"));
    assert_eq!(w.documents, 3);
    let stored: u64 = [doc(1), doc(2), doc(3)]
        .iter()
        .map(|d| s.load_doc(d).unwrap().unwrap().len() as u64)
        .sum();
    assert_eq!(w.bytes, stored, "the size is what its documents take");
    let written = w.last_write.expect("the last write is recorded");
    assert!(
        written.abs_diff(i64::try_from(before).unwrap()) < 120,
        "{written}"
    );
    assert_eq!(
        w.created_at.len(),
        "2026-12-06 10:00:00".len(),
        "{}",
        w.created_at
    );
    s.check()?;
    let count_before = s.workshop_count()?;
    assert_eq!(
        s.get_meta("check")?,
        None,
        "the check's write is rolled back"
    );
    assert_eq!(s.workshop_count()?, count_before);

    // Retention and erase.
    assert_eq!(s.closed_before("2026-11-30")?, Vec::<String>::new());
    assert_eq!(s.closed_before("2026-12-01")?, vec!["w1".to_owned()]);
    // The backstop: a workshop whose window never ends is erased a year after its creation.
    let today = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            / 86_400,
    )
    .unwrap();
    let day = |d: i64| samtal_shared::doc::format_date(today + d);
    s.update_workshop_meta("w1", "Titel", "groups", "2099-01-01", &day(0))?;
    assert_eq!(s.closed_before(&day(300))?, Vec::<String>::new());
    assert_eq!(
        s.closed_before(&day(i64::from(MAX_OPEN_DAYS) + 2))?,
        vec!["w1".to_owned()]
    );
    let mut erased = s.erase_workshop("w1")?;
    erased.sort();
    assert_eq!(erased, vec![doc(1), doc(2), doc(3)]);
    assert_eq!(s.workshop_count()?, 0);
    assert_eq!(s.load_doc(&doc(2))?, None);
    assert_eq!(s.capability(&hash_token("cu"))?, None);
    Ok(())
}

/// Accounts, sessions and owners (sign-in), the same on both databases.
fn accounts_conformance(s: &dyn Storage) -> Result<(), StorageError> {
    let workshop = |id: &str, title: &str| NewWorkshopRecord {
        workshop_id: id.into(),
        title: title.into(),
        access_until: "2026-12-08".into(),
        link_secret: vec![],
        docs: vec![],
        capabilities: vec![],
        owner: None,
    };
    s.create_workshop(&workshop("wa", "Anna's"))?;
    s.create_workshop(&workshop("wb", "Shared by e-mail"))?;
    s.create_workshop(&workshop("wc", "Someone else's"))?;
    let anna = Account {
        subject: "sub-anna".into(),
        name: "Anna".into(),
        email: Some("anna@kommun.se".into()),
    };
    s.upsert_account(&anna)?;
    s.upsert_account(&Account {
        name: "Anna Andersson".into(),
        ..anna.clone()
    })?;
    assert_eq!(
        s.account("sub-anna")?.map(|a| a.name),
        Some("Anna Andersson".into())
    );
    assert_eq!(s.account("nobody")?, None);

    // Sessions: found by hash until they expire; an expired one is gone; sign-out removes one.
    let session = SessionRow {
        subject: "sub-anna".into(),
        csrf: "csrf-1".into(),
        expires_at: 1_000,
        may_create: true,
        admin: false,
    };
    s.create_session(&hash_token("cookie-1"), &session)?;
    assert_eq!(
        s.session(&hash_token("cookie-1"), 999)?,
        Some(session.clone())
    );
    assert_eq!(s.session(&hash_token("cookie-2"), 999)?, None);
    assert_eq!(s.session(&hash_token("cookie-1"), 1_000)?, None);
    assert_eq!(
        s.session(&hash_token("cookie-1"), 0)?,
        None,
        "expired and deleted"
    );
    s.create_session(
        &hash_token("cookie-3"),
        &SessionRow {
            expires_at: i64::MAX,
            ..session
        },
    )?;
    s.delete_session(&hash_token("cookie-3"))?;
    assert_eq!(s.session(&hash_token("cookie-3"), 0)?, None);

    // Owners: by subject, and by an e-mail address given before its owner signed in.
    s.add_owner("wa", &Owner::Subject("sub-anna".into()))?;
    s.add_owner("wa", &Owner::Subject("sub-anna".into()))?;
    s.add_owner("wa", &Owner::Email("bo@kommun.se".into()))?;
    s.add_owner("wb", &Owner::Email("anna@kommun.se".into()))?;
    s.add_owner("wc", &Owner::Subject("sub-carl".into()))?;
    assert_eq!(
        s.owners("wa")?,
        vec![
            Owner::Subject("sub-anna".into()),
            Owner::Email("bo@kommun.se".into())
        ]
    );
    let ids = |v: Vec<OwnedWorkshop>| v.into_iter().map(|w| w.workshop_id).collect::<Vec<_>>();
    let mut mine = ids(s.owned_workshops("sub-anna", Some("anna@kommun.se"))?);
    mine.sort();
    assert_eq!(mine, vec!["wa".to_owned(), "wb".to_owned()]);
    assert_eq!(
        ids(s.owned_workshops("sub-anna", None)?),
        vec!["wa".to_owned()]
    );
    assert_eq!(
        ids(s.owned_workshops("sub-bo", Some("bo@kommun.se"))?),
        vec!["wa".to_owned()]
    );
    assert_eq!(ids(s.owned_workshops("sub-x", None)?), Vec::<String>::new());
    let listed = s.owned_workshops("sub-carl", None)?;
    assert_eq!(listed[0].title, "Someone else's");
    assert_eq!(listed[0].created_at.len(), "2026-12-06 10:00:00".len());

    // The sealed facilitator token: set, replaced, gone with its workshop.
    assert_eq!(s.facilitator_seal("wa")?, None);
    s.set_facilitator_seal("wa", &[1, 2, 3])?;
    s.set_facilitator_seal("wa", &[4, 5])?;
    assert_eq!(s.facilitator_seal("wa")?, Some(vec![4, 5]));
    s.erase_workshop("wa")?;
    assert_eq!(s.facilitator_seal("wa")?, None);
    assert_eq!(s.owners("wa")?, vec![]);

    // Created signed in: the owner and the sealed token come with the workshop, in its
    // transaction; a second workshop with the same id changes neither.
    let owned = |sealed: Vec<u8>| NewWorkshopRecord {
        owner: Some(NewOwnerRecord {
            owner: Owner::Subject("sub-dora".into()),
            sealed_token: sealed,
        }),
        ..workshop("wd", "Dora's")
    };
    s.create_workshop(&owned(vec![7, 7]))?;
    assert_eq!(s.owners("wd")?, vec![Owner::Subject("sub-dora".into())]);
    assert_eq!(s.facilitator_seal("wd")?, Some(vec![7, 7]));
    assert!(s.create_workshop(&owned(vec![8])).is_err());
    assert_eq!(s.facilitator_seal("wd")?, Some(vec![7, 7]));
    assert_eq!(
        ids(s.owned_workshops("sub-dora", None)?),
        vec!["wd".to_owned()]
    );
    s.erase_workshop("wd")?;
    assert_eq!(s.owners("wd")?, vec![]);
    assert_eq!(s.facilitator_seal("wd")?, None);

    // Erasing an account takes its sessions and ownerships, not the workshops.
    s.create_session(
        &hash_token("cookie-4"),
        &SessionRow {
            subject: "sub-anna".into(),
            csrf: "c".into(),
            expires_at: i64::MAX,
            may_create: false,
            admin: true,
        },
    )?;
    assert!(s.erase_account("sub-anna")?);
    assert!(!s.erase_account("sub-anna")?);

    // Idle accounts: one with a live session stays, one with only an expired session goes
    // (and the session with it), one invited by address to a workshop stays; owners stay.
    for (subject, email) in [
        ("sub-live", None),
        ("sub-gone", None),
        ("sub-inv", Some("inv@kommun.se")),
    ] {
        s.upsert_account(&Account {
            subject: subject.into(),
            name: subject.into(),
            email: email.map(str::to_owned),
        })?;
    }
    let session_of = |subject: &str, expires_at: i64| SessionRow {
        subject: subject.into(),
        csrf: "c".into(),
        expires_at,
        may_create: true,
        admin: false,
    };
    s.create_session(&hash_token("live"), &session_of("sub-live", 2_000))?;
    s.create_session(&hash_token("gone"), &session_of("sub-gone", 1_000))?;
    s.add_owner("wc", &Owner::Email("inv@kommun.se".into()))?;
    assert_eq!(s.forget_idle_accounts(1_500)?, 1);
    assert!(s.account("sub-gone")?.is_none());
    assert!(s.account("sub-live")?.is_some());
    assert!(s.account("sub-inv")?.is_some());
    assert!(
        s.account("sub-carl")?.is_none(),
        "never signed in: no account to forget"
    );
    assert_eq!(
        s.session(&hash_token("live"), 1_500)?.map(|r| r.subject),
        Some("sub-live".into())
    );
    assert_eq!(s.forget_idle_accounts(1_500)?, 0);
    assert_eq!(s.forget_idle_accounts(2_000)?, 1, "its session ended");
    assert!(s.account("sub-live")?.is_none());
    assert!(s.owners("wc")?.contains(&Owner::Subject("sub-carl".into())));
    assert!(s.erase_account("sub-inv")?);
    assert_eq!(s.session(&hash_token("cookie-4"), 0)?, None);
    assert_eq!(s.owners("wb")?, vec![]);
    assert_eq!(s.workshop_count()?, 2);
    s.erase_workshop("wb")?;
    s.erase_workshop("wc")?;
    Ok(())
}

#[test]
fn sqlite_storage_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStorage::open(dir.path()).unwrap();
    conformance(&s).unwrap();
    accounts_conformance(&s).unwrap();
}

#[test]
fn a_sqlite_backup_is_a_database_with_everything_and_only_for_its_owner() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStorage::open(&dir.path().join("data")).unwrap();
    let (first, more, latest) = saved_and_change();
    s.create_workshop(&NewWorkshopRecord {
        workshop_id: "w1".into(),
        title: "Titel".into(),
        access_until: "2026-12-08".into(),
        link_secret: vec![1],
        docs: vec![(
            DocRecord {
                doc_id: doc(1),
                workshop_id: "w1".into(),
                kind: DocKind::Plenary,
            },
            first,
        )],
        capabilities: vec![(hash_token("fac"), cap(Role::Facilitator))],
        owner: None,
    })
    .unwrap();
    s.append_chunk(&doc(1), &more).unwrap();
    let copy = dir.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    assert!(s.backup(&copy.join("samtal.sqlite3")).unwrap());
    // Never over another file.
    assert!(s.backup(&copy.join("samtal.sqlite3")).is_err());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(copy.join("samtal.sqlite3"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the copy is readable by others: {mode:o}");
    }
    // The copy opens as a data folder of its own, with the notes and the links.
    let restored = SqliteStorage::open(&copy).unwrap();
    assert_eq!(
        read_k(&restored.load_doc(&doc(1)).unwrap().unwrap()),
        latest
    );
    assert!(restored.capability(&hash_token("fac")).unwrap().is_some());
    restored.check().unwrap();
}

#[test]
#[ignore = "needs Postgres (apt-get install postgresql); run by `cargo xtask test`"]
fn postgres_storage_conforms_and_migrates_once() {
    let pg = PgCluster::start().unwrap();
    let s = PostgresStorage::open(&pg.url()).unwrap();
    conformance(&s).unwrap();
    accounts_conformance(&s).unwrap();
    drop(s);
    // Another instance may append while this one compacts with an older snapshot: on
    // Postgres compaction merges what is stored, so the newer chunk survives.
    let s = PostgresStorage::open(&pg.url()).unwrap();
    let (first, more, latest) = saved_and_change();
    let rec = DocRecord {
        doc_id: doc(5),
        workshop_id: "w2".into(),
        kind: DocKind::Plenary,
    };
    s.create_workshop(&NewWorkshopRecord {
        workshop_id: "w2".into(),
        title: "T".into(),
        access_until: "2026-12-08".into(),
        link_secret: vec![],
        docs: vec![(rec, first.clone())],
        capabilities: vec![],
        owner: None,
    })
    .unwrap();
    s.append_chunk(&doc(5), &more).unwrap();
    s.compact(&doc(5), &first).unwrap();
    assert_eq!(read_k(&s.load_doc(&doc(5)).unwrap().unwrap()), latest);
    s.erase_workshop("w2").unwrap();
    drop(s);
    // A second start (another instance, a restart) finds the schema in place.
    let again = PostgresStorage::open(&pg.url()).unwrap();
    assert_eq!(again.workshop_count().unwrap(), 0);
}

#[test]
#[ignore = "needs Postgres (apt-get install postgresql); run by `cargo xtask test`"]
fn postgres_over_tls_verified_or_only_encrypted_and_never_in_the_clear() {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert, key) = (certified.cert.pem(), certified.signing_key.serialize_pem());
    let pg = PgCluster::start_tls(&cert, &key).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root.pem");
    std::fs::write(&root, &cert).unwrap();
    // The cluster takes TCP connections with TLS only: one in the clear is refused.
    assert!(PostgresStorage::open(&pg.url()).is_err());
    // verify-full against the server's own root: the whole suite, over TLS.
    let verified = format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        pg.url(),
        root.display()
    );
    let s = PostgresStorage::open(&verified).unwrap();
    conformance(&s).unwrap();
    // require: encrypted, the certificate not checked (libpq's meaning).
    let required = PostgresStorage::open(&format!("{}?sslmode=require", pg.url())).unwrap();
    required.check().unwrap();
    // verify-full against another root: refused, with the reason.
    let other = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let other_root = dir.path().join("other.pem");
    std::fs::write(&other_root, other.cert.pem()).unwrap();
    let refused = PostgresStorage::open(&format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        pg.url(),
        other_root.display()
    ));
    assert!(refused.is_err());
}
