//! `cargo xtask schemathesis` (and a step of `cargo xtask test`): Schemathesis, from PyPI,
//! against a running server with the server's own OpenAPI document. Each pass generates a
//! bounded number of requests per operation — made-up links, then a real link of each role,
//! then replacing links and erasing on a workshop of its own — and checks every answer: no
//! server error, a documented status and content type, a body that matches its schema, refusals
//! of requests the schema forbids.

use super::loopback::{free_port, stop, token_after, wait_ready};
use super::{cargo, root, run, step};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The version installed (into `target/tools/`, a virtual environment of its own).
pub const VERSION: &str = "4.32.5";
/// Requests per operation and pass; `SAMTAL_SCHEMATHESIS_EXAMPLES` overrides.
const EXAMPLES: &str = "50";
/// The generator's seed, so a CI run can be repeated; `SAMTAL_SCHEMATHESIS_SEED` overrides.
const SEED: &str = "1";
/// The WebSocket upgrade is not for a plain HTTP client (the sync tests cover it).
const SYNC: &str = "/api/sync/{token}";

/// A workshop's links, as `samtal-server create` prints them: the tokens.
struct Links {
    facilitator: String,
    group: String,
    catch_up: String,
}

fn links(printed: &str) -> Option<Links> {
    Some(Links {
        facilitator: token_after(printed, "Facilitator:", "/f/")?,
        group: token_after(printed, "Grupp ", "/g/")?,
        catch_up: token_after(printed, "I efterhand", "/c/")?,
    })
}

/// The virtual environment's `schemathesis`, installed when missing or another version.
fn install(root: &Path) -> Result<PathBuf> {
    let venv = root.join(format!("target/tools/schemathesis-{VERSION}"));
    let st = venv.join("bin/schemathesis");
    let installed = Command::new(&st)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(VERSION));
    if !installed {
        println!("installing schemathesis {VERSION} from PyPI (about a minute, once)");
        let _ = std::fs::remove_dir_all(&venv);
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
        run(Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("schemathesis=={VERSION}"),
        ]))?;
    }
    Ok(st)
}

fn create(server: &Path, data: &Path, package: &Path) -> Result<Links> {
    let out = Command::new(server)
        .arg("--data")
        .arg(data)
        .arg("create")
        .arg("--package")
        .arg(package)
        .stderr(Stdio::inherit())
        .output()?;
    if !out.status.success() {
        bail!("samtal-server create failed");
    }
    links(&String::from_utf8_lossy(&out.stdout)).context("create printed no links")
}

pub fn schemathesis() -> Result<()> {
    step(&format!(
        "the API contract (schemathesis {VERSION} against docs/openapi.json)"
    ));
    let root = root()?;
    let st = install(&root)?;
    run(cargo().args(["build", "-q", "-p", "samtal-server"]))?;
    let server = root.join("target/debug/samtal-server");
    let dir = root.join("target/schemathesis");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let data = dir.join("data");
    let package = root.join("packages/barnkonventionen.json");
    let day = create(&server, &data, &package)?;
    let spare = create(&server, &data, &package)?;
    let admin = format!("schemathesis-admin-{}", std::process::id());
    let port = free_port()?;
    let log = std::fs::File::create(dir.join("server.log"))?;
    let mut child = Command::new(&server)
        .arg("--data")
        .arg(&data)
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .env("SAMTAL_ADMIN_TOKEN", &admin)
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()?;
    let base = std::fs::read_to_string(root.join("tests/schemathesis.toml"))?;
    let read_only = [
        "--exclude-path",
        SYNC,
        "--exclude-path",
        "/api/workshop/{token}",
        "--exclude-path",
        "/api/links/{token}/rotate",
    ];
    let passes: [(&str, Option<&str>, &[&str]); 5] = [
        (
            "made-up links; creating workshops",
            None,
            &["--exclude-path", SYNC],
        ),
        ("the facilitator's link", Some(&day.facilitator), &read_only),
        ("a group's link", Some(&day.group), &read_only),
        ("the catch-up link", Some(&day.catch_up), &read_only),
        (
            "replacing links and erasing (a workshop of its own)",
            Some(&spare.facilitator),
            &[
                "--include-path",
                "/api/links/{token}/rotate",
                "--include-path",
                "/api/workshop/{token}",
            ],
        ),
    ];
    let examples = std::env::var("SAMTAL_SCHEMATHESIS_EXAMPLES").unwrap_or(EXAMPLES.into());
    let seed = std::env::var("SAMTAL_SCHEMATHESIS_SEED").unwrap_or(SEED.into());
    let outcome = (|| -> Result<Vec<String>> {
        wait_ready(port)?;
        let mut failed = Vec::new();
        for (i, (what, token, filters)) in passes.iter().enumerate() {
            println!("\n--- schemathesis: {what}");
            let config = dir.join(format!("pass-{i}.toml"));
            let mut text = base.clone();
            if let Some(token) = token {
                text.push_str(&format!("\n[parameters]\n\"path.token\" = \"{token}\"\n"));
            }
            std::fs::write(&config, text)?;
            let ok = Command::new(&st)
                .arg("--config-file")
                .arg(&config)
                .arg("run")
                .arg(format!("http://127.0.0.1:{port}/api/openapi.json"))
                .args(["--max-examples", &examples, "--seed", &seed])
                // One worker: Python 3.11's parser is not safe across Hypothesis's threads.
                .args(["--workers", "1", "--no-color"])
                .args(["-H", &format!("Authorization: Bearer {admin}")])
                .args(*filters)
                .current_dir(&dir)
                .status()?
                .success();
            if !ok {
                failed.push((*what).to_owned());
            }
        }
        Ok(failed)
    })();
    stop(&mut child);
    let failed = outcome?;
    if !failed.is_empty() {
        bail!(
            "schemathesis found problems ({}); the server's log: {}",
            failed.join("; "),
            dir.join("server.log").display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_links_are_read_from_what_create_prints() {
        let printed = "Workshop «Dag»\n  Facilitator: http://h/f/AAA\n  \
            I efterhand (catch-up): http://h/c/CCC\n  Grupp Vuxen: http://h/g/GGG\n  \
            Grupp Barn: http://h/g/HHH\n\nWorkshop id: W\n";
        let l = links(printed).unwrap();
        assert_eq!(
            (l.facilitator, l.group, l.catch_up),
            ("AAA".into(), "GGG".into(), "CCC".into())
        );
        assert!(links("Workshop «Dag»\n").is_none());
    }
}
