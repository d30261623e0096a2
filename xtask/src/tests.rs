use super::*;
use std::io::Read;

#[test]
fn precompressed_copies_decode_to_the_original() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("samtal-xtask-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let wasm: Vec<u8> = (0..200_000u32)
        .flat_map(|i| (i % 251).to_le_bytes())
        .collect();
    std::fs::write(dir.join("app.wasm"), &wasm)?;
    std::fs::write(dir.join("notes.txt"), "not sent compressed")?;
    let sizes = precompress(&dir)?;
    assert_eq!(sizes.len(), 1, "only the app's kinds of files: {sizes:?}");
    let [raw, gz, br] = sizes[0].1;
    assert_eq!(raw, 800_000);
    assert!(br < gz && gz < raw / 10, "{raw} {gz} {br}");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(dir.join("app.wasm.gz"))?)
        .read_to_end(&mut unzipped)?;
    let mut unbrotlied = Vec::new();
    brotli::BrotliDecompress(
        &mut std::fs::File::open(dir.join("app.wasm.br"))?,
        &mut unbrotlied,
    )?;
    assert!(unzipped == wasm && unbrotlied == wasm);
    assert!(!dir.join("notes.txt.br").exists());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
#[test]
fn pinned_tools_agree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert_eq!(pinned_tools_disagree(&root).unwrap(), Vec::<String>::new());
}

#[test]
fn locked_version_reads_the_lock_file() {
    let lock = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
    assert_eq!(
        locked_version(lock, "wasm-bindgen").as_deref(),
        Some("0.2.130")
    );
    assert_eq!(locked_version(lock, "wasm"), None);
}

#[test]
fn missing_system_packages_are_installed_as_root_and_asked_for_otherwise() {
    use system::{Plan, Probe, missing, plan};
    let all = missing(|_| false);
    assert_eq!(
        all,
        [
            "chromium",
            "chromium-driver",
            "nodejs",
            "npm",
            "postgresql",
            "poppler-utils",
            "python3",
            "python3-venv"
        ]
    );
    // A machine with node from elsewhere is not given Debian's (they conflict).
    let some = missing(|p| {
        matches!(
            p,
            Probe::Command("node" | "npm" | "chromium" | "python3") | Probe::PythonVenv
        )
    });
    assert_eq!(some, ["chromium-driver", "postgresql", "poppler-utils"]);
    assert_eq!(plan(Vec::new(), false, false), Plan::Nothing);
    assert_eq!(plan(some.clone(), true, true), Plan::Install(some.clone()));
    assert_eq!(
        plan(some.clone(), false, true),
        Plan::Ask("sudo apt-get install -y chromium-driver postgresql poppler-utils".into())
    );
    assert!(matches!(plan(some, true, false), Plan::Ask(m) if m.contains("poppler-utils")));
}

#[test]
fn ci_is_the_readme_s_test_command() {
    let ci =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/run")).unwrap();
    let commands: Vec<&str> = ci
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(
        commands,
        [
            "set -euo pipefail",
            "cd \"$(dirname \"$0\")/..\"",
            "cargo xtask test"
        ]
    );
}

#[test]
fn the_tarball_is_named_by_version_and_target_and_holds_files_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let toml = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let v = dist::version(&toml).unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        dist::name(&v, "x86_64-unknown-linux-gnu"),
        format!("samtal-{v}-x86_64-unknown-linux-gnu")
    );
    for f in dist::staged_files() {
        assert!(root.join(&f).is_file(), "{} is missing", f.display());
    }
}
