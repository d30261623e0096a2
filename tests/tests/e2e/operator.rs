//! The operator's command line (`samtal-server create|list|erase|backup|check`) run as a
//! separate program against a real data folder, as an IT department would.

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::auth::hash_token;
use samtal_server::storage::{SqliteStorage, Storage};
use std::path::Path;
use std::process::{Command, Output};

/// Run the server program with `args` (and no `SAMTAL_*` from the environment).
fn samtal(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_samtal-server-under-test"));
    for (k, _) in std::env::vars() {
        if k.starts_with("SAMTAL_") {
            cmd.env_remove(k);
        }
    }
    cmd.args(args).env("RUST_LOG", "warn").output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn package() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../packages/barnkonventionen.json")
        .display()
        .to_string()
}

#[test]
fn create_list_backup_check_and_erase_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();

    // create: the links, as the admin API gives them, under the public address.
    let out = samtal(&[
        "create",
        "--package",
        &package(),
        "--date",
        "2027-01-15",
        "--data",
        data,
        "--public-url",
        "https://samtal.example.se",
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let facilitator = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("Facilitator: "))
        .unwrap_or_else(|| panic!("no facilitator link in:\n{stdout}"));
    let token = facilitator
        .strip_prefix("https://samtal.example.se/f/")
        .unwrap_or_else(|| panic!("{facilitator}"));
    let id = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Workshop id: "))
        .unwrap()
        .to_owned();
    {
        let storage = SqliteStorage::open(Path::new(data)).unwrap();
        let cap = storage.capability(&hash_token(token)).unwrap().unwrap();
        assert_eq!(cap.workshop_id, id, "the printed link opens the workshop");
    }
    // A package that is not one creates nothing and says why.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"schema": "samtal-package/1", "title": ""}"#).unwrap();
    let out = samtal(&["create", "--package", bad.to_str().unwrap(), "--data", data]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("bad.json"), "{}", text(&out).1);

    // list: one row, no notes and no links.
    let out = samtal(&["list", "--data", data]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    let rows: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{stdout}");
    let cells: Vec<&str> = rows[0].split('\t').collect();
    assert_eq!(cells[0], id);
    assert_eq!(cells[1], "Barnkonventionen i praktiken");
    assert_eq!(cells[3], "2027-01-29", "open until: the day + 14");
    assert_eq!(
        cells[5], "6",
        "workshop, plenary, three groups, question box"
    );
    assert!(cells[6].ends_with("KiB"), "{}", cells[6]);
    assert!(cells[7].ends_with("s ago"), "{}", cells[7]);
    assert!(!stdout.contains(token), "list shows no links");

    // check: storage and app files; missing app files are named.
    let app = dir.path().join("dist");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("index.html"), "<!doctype html>").unwrap();
    let out = samtal(&[
        "check",
        "--data",
        data,
        "--static-dir",
        app.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out)
            .0
            .contains("storage: reachable, writable, intact")
    );
    let out = samtal(&["check", "--data", data, "--static-dir", "/nonexistent"]);
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("cargo xtask build-client"),
        "{:?}",
        text(&out)
    );

    // backup: a copy that opens as a data folder of its own.
    let copy = dir.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    let file = copy.join("samtal.sqlite3");
    let out = samtal(&["backup", file.to_str().unwrap(), "--data", data]);
    assert!(out.status.success(), "{:?}", text(&out));
    let out = samtal(&["list", "--data", copy.to_str().unwrap()]);
    assert!(text(&out).0.contains(&id), "{:?}", text(&out));
    let out = samtal(&["backup", file.to_str().unwrap(), "--data", data]);
    assert!(!out.status.success(), "a backup never overwrites a file");

    // erase: only with --yes, then gone.
    let out = samtal(&["erase", &id, "--data", data]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("--yes"), "{:?}", text(&out));
    assert!(text(&samtal(&["list", "--data", data])).0.contains(&id));
    let out = samtal(&["erase", &id, "--yes", "--data", data]);
    assert!(out.status.success(), "{:?}", text(&out));
    let (stdout, _) = text(&samtal(&["list", "--data", data]));
    assert_eq!(
        stdout.lines().count(),
        1,
        "only the header is left: {stdout}"
    );
    let out = samtal(&["erase", &id, "--yes", "--data", data]);
    assert!(
        !out.status.success(),
        "erasing it again says it is not there"
    );
}

#[test]
fn an_account_is_erased_on_request_and_only_with_yes() {
    use samtal_server::storage::accounts::{Account, AccountStore, SessionRow};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let s = SqliteStorage::open(&data).unwrap();
        s.upsert_account(&Account {
            subject: "sub-anna".into(),
            name: "Anna".into(),
            email: Some("anna@kommun.se".into()),
        })
        .unwrap();
        s.create_session(
            &hash_token("cookie"),
            &SessionRow {
                subject: "sub-anna".into(),
                csrf: "c".into(),
                expires_at: i64::MAX,
                may_create: true,
                admin: false,
            },
        )
        .unwrap();
    }
    let data_s = data.to_str().unwrap();
    let o = samtal(&["erase-account", "sub-anna", "--data", data_s]);
    assert!(!o.status.success());
    assert!(text(&o).1.contains("--yes"), "{:?}", text(&o));
    let o = samtal(&["erase-account", "nobody", "--yes", "--data", data_s]);
    assert!(!o.status.success());
    let o = samtal(&["erase-account", "sub-anna", "--yes", "--data", data_s]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.contains("Anna"));
    let s = SqliteStorage::open(&data).unwrap();
    assert_eq!(s.account("sub-anna").unwrap(), None);
    assert_eq!(s.session(&hash_token("cookie"), 0).unwrap(), None);
}
