//! The system packages `cargo xtask test` needs (a browser, node, Postgres, pdftotext):
//! installed with apt-get when this is Debian or Ubuntu and we are root; otherwise the one
//! command to run, before anything else starts.

use anyhow::{Result, bail};
use std::path::Path;
use std::process::Command;

/// How to tell that something is there.
#[derive(Clone, Copy, Debug)]
pub enum Probe {
    /// A program on `PATH`.
    Command(&'static str),
    /// Postgres's `initdb` in Debian's versioned folder (`/usr/lib/postgresql/*/bin`).
    Initdb,
    /// Python's `venv` with pip (Debian ships it apart from `python3`).
    PythonVenv,
}

/// What the tests use, and the Debian package that brings it.
pub const NEEDS: [(Probe, &str, &str); 8] = [
    (Probe::Command("chromium"), "chromium", "the browser tests"),
    (
        Probe::Command("chromedriver"),
        "chromium-driver",
        "the browser tests",
    ),
    (
        Probe::Command("node"),
        "nodejs",
        "the browser and interop tests",
    ),
    (
        Probe::Command("npm"),
        "npm",
        "the browser tests' packages and wasm-opt",
    ),
    (
        Probe::Initdb,
        "postgresql",
        "a throwaway Postgres for the scale-out tests",
    ),
    (
        Probe::Command("pdftotext"),
        "poppler-utils",
        "reading the PDF records as a reader would",
    ),
    (
        Probe::Command("python3"),
        "python3",
        "schemathesis, which checks the API against its contract",
    ),
    (
        Probe::PythonVenv,
        "python3-venv",
        "schemathesis's own environment",
    ),
];

/// Whether a probe finds its program.
pub fn present(probe: Probe) -> bool {
    match probe {
        Probe::Command(name) => std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file())),
        Probe::Initdb => std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|versions| {
            versions
                .flatten()
                .any(|v| v.path().join("bin/initdb").is_file())
        }),
        Probe::PythonVenv => Command::new("python3")
            .args(["-c", "import venv, ensurepip"])
            .output()
            .is_ok_and(|o| o.status.success()),
    }
}

/// The packages whose programs `present` does not find, each once, in [`NEEDS`] order.
pub fn missing(present: impl Fn(Probe) -> bool) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (probe, package, _) in NEEDS {
        if !present(probe) && !out.contains(&package) {
            out.push(package);
        }
    }
    out
}

/// What to do about missing packages here.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    Nothing,
    /// Root on a system with apt-get: install them.
    Install(Vec<&'static str>),
    /// Tell the user this exact command and stop.
    Ask(String),
}

pub fn plan(missing: Vec<&'static str>, root: bool, apt: bool) -> Plan {
    if missing.is_empty() {
        return Plan::Nothing;
    }
    let list = missing.join(" ");
    match (root, apt) {
        (true, true) => Plan::Install(missing),
        (false, true) => Plan::Ask(format!("sudo apt-get install -y {list}")),
        (_, false) => Plan::Ask(format!(
            "install these with your package manager (their Debian names): {list}"
        )),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Install what is missing, or say the one command that does and stop.
pub fn ensure() -> Result<()> {
    let apt = Path::new("/usr/bin/apt-get").is_file();
    match plan(missing(present), is_root(), apt) {
        Plan::Nothing => Ok(()),
        Plan::Install(packages) => {
            println!("installing {} (apt-get, once)", packages.join(", "));
            let apt_get = || {
                let mut c = Command::new("apt-get");
                c.env("DEBIAN_FRONTEND", "noninteractive");
                c
            };
            super::run(apt_get().args(["update", "-q"]))?;
            super::run(apt_get().args(["install", "-y", "-q"]).args(&packages))
        }
        Plan::Ask(command) => {
            let why: Vec<String> = NEEDS
                .iter()
                .filter(|(p, _, _)| !present(*p))
                .map(|(_, package, what)| format!("  {package}: {what}"))
                .collect();
            bail!(
                "the tests need system packages that are not installed:\n{}\nrun:\n  {command}\nthen `cargo xtask test` again",
                why.join("\n")
            )
        }
    }
}
