//! `cargo xtask dist`: the release tarball — one binary with the app inside, the deployment
//! guide, the licence, a systemd unit and a sample package — with its SHA-256, smoke-tested
//! from an empty folder before it is called done.

use super::loopback::{free_port, get, stop, token_after, wait_ready};
use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Command, Stdio};

/// What goes in beside the binary: (from the repository, name in the tarball).
const FILES: [(&str, &str); 4] = [
    ("docs/deploy.md", "README.md"),
    ("LICENSE", "LICENSE"),
    ("docs/samtal.service", "samtal.service"),
    ("packages/barnkonventionen.json", "barnkonventionen.json"),
];

/// The server's source that embeds `dist/`: touched so a release build takes the client just
/// built (cargo does not see a folder that was missing at the last build appear).
const EMBEDDING: &str = "server/src/api/app_files.rs";

/// The tarball's name without extension: `samtal-<version>-<host triple>`.
pub fn name(version: &str, triple: &str) -> String {
    format!("samtal-{version}-{triple}")
}

/// The workspace's version (`[workspace.package] version`).
pub fn version(cargo_toml: &str) -> Option<String> {
    cargo_toml
        .split("[workspace.package]")
        .nth(1)?
        .lines()
        .find_map(|l| l.trim().strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(str::to_owned)
}

fn host_triple() -> Result<String> {
    let out = super::output_of("rustc", &["-vV"]).context("rustc -vV")?;
    out.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV names no host")
}

pub fn dist() -> Result<()> {
    super::ensure_tools()?;
    if super::output_of("npm", &["--version"]).is_some() {
        super::js_packages("wasm-opt")?;
    } else {
        println!("(no npm: the app is built without wasm-opt, about 17 % larger)");
    }
    super::build_client()?;
    super::step("building the server with the app inside (release)");
    let touched = std::fs::File::options().append(true).open(EMBEDDING)?;
    touched.set_modified(std::time::SystemTime::now())?;
    super::run(super::cargo().args(["build", "--release", "-p", "samtal-server"]))?;

    let version = version(&std::fs::read_to_string("Cargo.toml")?)
        .context("no [workspace.package] version in Cargo.toml")?;
    let name = name(&version, &host_triple()?);
    let out = Path::new("target/dist");
    let stage = out.join(&name);
    if stage.exists() {
        std::fs::remove_dir_all(&stage)?;
    }
    std::fs::create_dir_all(&stage)?;
    std::fs::copy("target/release/samtal-server", stage.join("samtal-server"))?;
    for (from, to) in FILES {
        std::fs::copy(from, stage.join(to)).with_context(|| format!("copying {from}"))?;
    }
    let tarball = out.join(format!("{name}.tar.gz"));
    // Files owned by root in the archive, whoever built it.
    super::run(
        Command::new("tar")
            .args(["--owner=0", "--group=0", "-czf"])
            .arg(std::path::absolute(&tarball)?)
            .arg("-C")
            .arg(out)
            .arg(&name),
    )?;
    let bytes = std::fs::read(&tarball)?;
    let sum = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let sha_file = out.join(format!("{name}.tar.gz.sha256"));
    std::fs::write(&sha_file, format!("{sum}  {name}.tar.gz\n"))?;
    let binary = std::fs::metadata(stage.join("samtal-server"))?.len();
    super::step("smoke test: the tarball's binary alone, in an empty folder");
    smoke(&tarball, &name)?;
    println!(
        "\n{} ({} KiB; the binary {} KiB)\n{}",
        tarball.display(),
        bytes.len() / 1024,
        binary / 1024,
        sha_file.display()
    );
    Ok(())
}

/// Unpack into an empty folder and run it there: create the demo from the sample package,
/// serve, and ask for the app, a group link and its session.
fn smoke(tarball: &Path, name: &str) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("samtal-smoke-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let tarball = std::fs::canonicalize(tarball)?;
    super::run(
        Command::new("tar")
            .arg("-xzf")
            .arg(&tarball)
            .current_dir(&dir),
    )?;
    let root = dir.join(name);
    let server = root.join("samtal-server");
    let created = Command::new(&server)
        .args([
            "create",
            "--package",
            "barnkonventionen.json",
            "--data",
            "data",
        ])
        .env_clear()
        .current_dir(&root)
        .output()?;
    let links = String::from_utf8_lossy(&created.stdout).into_owned();
    if !created.status.success() {
        bail!(
            "create failed: {}",
            String::from_utf8_lossy(&created.stderr)
        );
    }
    let group = token_after(&links, "Grupp ", "/g/").context("no group link printed")?;
    let port = free_port()?;
    let mut child = Command::new(&server)
        .args(["--data", "data", "--bind", &format!("127.0.0.1:{port}")])
        .env_clear()
        .current_dir(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let checked = (|| -> Result<()> {
        wait_ready(port)?;
        for (path, want) in [
            ("/".to_owned(), "<html"),
            (format!("/g/{group}"), "<html"),
            (format!("/api/session/{group}"), "\"workshop_doc\""),
        ] {
            let (status, body) = get(port, &path)?;
            if status != 200 || !body.contains(want) {
                bail!("GET {path}: {status}, no {want:?}");
            }
            println!("GET {path}: {status}");
        }
        Ok(())
    })();
    stop(&mut child);
    let _ = std::fs::remove_dir_all(&dir);
    checked
}

/// For `tests.rs`: where the staged files come from.
#[cfg(test)]
pub fn staged_files() -> Vec<std::path::PathBuf> {
    FILES
        .iter()
        .map(|(from, _)| std::path::PathBuf::from(from))
        .collect()
}
