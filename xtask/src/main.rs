//! `cargo xtask serve` and `cargo xtask test`: install what is missing, build, run.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

const TRUNK_VERSION: &str = "0.21.14";
/// The wasm-bindgen-cli must be the very version of the `wasm-bindgen` crate the client links:
/// read from `Cargo.lock` (the workspace pins it with `=`); Trunk.toml and the Dockerfile are
/// checked against it (`pinned_tools_agree`).
fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    locked_version(&lock, "wasm-bindgen").context("wasm-bindgen is not in Cargo.lock")
}

/// The version `Cargo.lock` resolves a package to (the first, if there are several).
fn locked_version(lock: &str, name: &str) -> Option<String> {
    lock.split("[[package]]")
        .find(|p| p.lines().any(|l| l.trim() == format!("name = \"{name}\"")))?
        .lines()
        .find_map(|l| l.trim().strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(str::to_owned)
}

/// Where else the tool versions are written: every copy must say what xtask installs.
fn pinned_tools_disagree(root: &Path) -> Result<Vec<String>> {
    let wasm_bindgen = wasm_bindgen_version(root)?;
    let mut wrong = Vec::new();
    let trunk_toml = std::fs::read_to_string(root.join("Trunk.toml"))?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{wasm_bindgen}\"")) {
        wrong.push(format!(
            "Trunk.toml: wasm_bindgen must be \"{wasm_bindgen}\""
        ));
    }
    let dockerfile = std::fs::read_to_string(root.join("Dockerfile"))?;
    if !dockerfile.contains(&format!("wasm-bindgen-cli --version {wasm_bindgen}")) {
        wrong.push(format!(
            "Dockerfile: wasm-bindgen-cli must be {wasm_bindgen}"
        ));
    }
    if !dockerfile.contains(&format!("trunk --version {TRUNK_VERSION}")) {
        wrong.push(format!("Dockerfile: trunk must be {TRUNK_VERSION}"));
    }
    Ok(wrong)
}
const WASM_TARGET: &str = "wasm32-unknown-unknown";

mod dist;
mod loopback;
mod schemathesis;
mod system;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = root()?;
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => test(),
        Some("dist") => dist::dist(),
        Some("schemathesis") => schemathesis::schemathesis(),
        Some("chaos") => chaos(&args[1..]),
        Some("fuzz") => fuzz(&args[1..]),
        Some("load") => load(&args[1..]),
        Some("bench-browser") => bench_browser(&args[1..]),
        Some("build-client") => {
            ensure_tools()?;
            build_client()
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <serve|test|dist|schemathesis|chaos|fuzz|load|bench-browser|build-client>"
            );
            eprintln!(
                "  serve  install tools, build the client, start the server on http://localhost:8080"
            );
            eprintln!("  test   fmt, clippy, all tests, wasm build, interop and browser tests");
            eprintln!(
                "  dist   the release tarball: one binary with the app inside, smoke-tested (target/dist/)"
            );
            eprintln!(
                "  schemathesis  the API contract: schemathesis against a running server and docs/openapi.json"
            );
            eprintln!(
                "  chaos  [KILLS] [EDITS]: kill -9 the server at random, check no acknowledged edit is lost (default 50 over 1000)"
            );
            eprintln!(
                "  load   [samtal-load flags]: the load generator against Samtal, the automerge-repo JS server and samod (no flags: every scenario of BENCHMARKS.md)"
            );
            eprintln!(
                "  bench-browser  [samtal-load flags]: the facilitator's pages in headless Chromium while the groups type (no flags: 10 and 50 groups, and 50 with 5,000 keystrokes each, then the cold loads and the phone on slow 4G)"
            );
            eprintln!(
                "  fuzz   [SECONDS] [TARGET...]: cargo-fuzz each target (default 300 s each); new corpus inputs go to fuzz/corpus, crashers to tests/fuzz-regressions"
            );
            std::process::exit(2);
        }
    }
}

fn root() -> Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Ok(manifest
        .parent()
        .context("xtask lives in the workspace")?
        .to_path_buf())
}

fn step(title: &str) {
    println!("\n==> {title}");
}

fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn cargo() -> Command {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // A clean clone builds once: incremental caches (over a GiB) only fill the CI machine's disk.
    if std::env::var_os("CI").is_some() {
        cargo.env("CARGO_INCREMENTAL", "0");
    }
    cargo
}

/// wasm32 target, trunk and wasm-bindgen-cli at the pinned versions. Nothing is downloaded
/// except crates from crates.io.
fn ensure_tools() -> Result<()> {
    step("checking tools");
    let targets = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets.lines().any(|t| t.trim() == WASM_TARGET) {
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    let trunk = output_of("trunk", &["--version"]).unwrap_or_default();
    if !trunk.contains(TRUNK_VERSION) {
        println!("installing trunk {TRUNK_VERSION} (about 5 minutes, once)");
        run(cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    }
    let wasm_bindgen = wasm_bindgen_version(Path::new("."))?;
    let wrong = pinned_tools_disagree(Path::new("."))?;
    if !wrong.is_empty() {
        bail!("pinned tool versions disagree:\n{}", wrong.join("\n"));
    }
    let wb = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    if !wb.contains(&wasm_bindgen) {
        println!("installing wasm-bindgen-cli {wasm_bindgen} (about 2 minutes, once)");
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &wasm_bindgen]))?;
    }
    Ok(())
}

/// `wasm-opt` from the npm package `binaryen@132` (Debian's binaryen is too old), installed
/// with the browser tests' packages.
const WASM_OPT_BIN: &str = "tests/js/node_modules/.bin";
/// The wasm features rustc's wasm32 target uses, which wasm-opt must accept.
const WASM_OPT_PARAMS: &str = "--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals";

/// The two pages trunk builds: the whole app into `dist/`, then the group page alone (the
/// client without its `full` feature) into `dist/group/`, which the server sends for `/g/…`.
/// The whole app's build empties `dist/`, so it goes first.
const CLIENT_PAGES: [(&str, &str, &str); 2] = [
    ("static/index.html", "dist", "/"),
    ("static/group.html", "dist/group", "/group/"),
];

fn build_client() -> Result<()> {
    let bin = root()?.join(WASM_OPT_BIN);
    let with_wasm_opt = bin.join("wasm-opt").exists();
    if with_wasm_opt {
        step(
            "building the client (trunk, wasm-release profile, wasm-opt -Oz): every page, and the group page alone",
        );
    } else {
        step(
            "building the client (trunk, wasm-release profile): every page, and the group page alone",
        );
        println!(
            "(no wasm-opt: `npm install` in tests/js adds binaryen's, for a bundle about 17 % smaller)"
        );
    }
    // Trunk finds binaryen's wasm-opt on PATH (the version Trunk.toml pins) and never
    // downloads one.
    let path = match std::env::var_os("PATH") {
        Some(p) => std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&p)))?,
        None => bin.into_os_string(),
    };
    for (page, dist, public_url) in CLIENT_PAGES {
        let source = std::fs::read_to_string(page)?;
        let built_from = Path::new(page).with_extension("wasm-opt.html");
        let target = if with_wasm_opt {
            // The same page with wasm-opt switched on.
            let optimised = source.replace(
                r#"data-wasm-opt="0""#,
                &format!(r#"data-wasm-opt="z" data-wasm-opt-params="{WASM_OPT_PARAMS}""#),
            );
            if optimised == source {
                bail!("{page} no longer has data-wasm-opt=\"0\" to switch on");
            }
            std::fs::write(&built_from, optimised)?;
            built_from.as_path()
        } else {
            Path::new(page)
        };
        let built = run(Command::new("trunk")
            .arg("build")
            .arg(target)
            .args([
                "--release",
                "--offline",
                "--dist",
                dist,
                "--public-url",
                public_url,
            ])
            .env("PATH", &path));
        if with_wasm_opt {
            let _ = std::fs::remove_file(&built_from);
        }
        built?;
        finish_client(Path::new(dist))?;
    }
    Ok(())
}

/// The built files the server may send compressed.
const COMPRESSIBLE: [&str; 5] = ["wasm", "js", "css", "html", "svg"];

/// Brotli (`.br`) and gzip (`.gz`) copies of the built files, next to them: the server sends a
/// browser the smallest copy it accepts, with no compression work per request. Returns the
/// sizes (raw, gzip, brotli) of each file.
fn precompress(dist: &Path) -> Result<Vec<(PathBuf, [u64; 3])>> {
    use std::io::Write;
    let mut sizes = Vec::new();
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let raw = std::fs::read(&path)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&raw)?;
        let gz = gz.finish()?;
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 24,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut raw.as_slice(), &mut br, &params)?;
        let mut gz_path = path.clone().into_os_string();
        gz_path.push(".gz");
        let mut br_path = path.clone().into_os_string();
        br_path.push(".br");
        std::fs::write(&gz_path, &gz)?;
        std::fs::write(&br_path, &br)?;
        let len = |b: &[u8]| u64::try_from(b.len()).unwrap_or(u64::MAX);
        sizes.push((path, [len(&raw), len(&gz), len(&br)]));
    }
    sizes.sort();
    Ok(sizes)
}

/// Compress the built files and print the bundle's size (the performance goal is on gzip).
fn finish_client(dist: &Path) -> Result<()> {
    for (path, [raw, gz, br]) in precompress(dist)? {
        if path.extension().is_some_and(|e| e == "wasm") {
            println!(
                "wasm bundle: {} KiB raw, {} KiB gzip, {} KiB brotli ({})",
                raw / 1024,
                gz / 1024,
                br / 1024,
                path.display()
            );
        }
    }
    Ok(())
}

fn serve(extra: &[String]) -> Result<()> {
    ensure_tools()?;
    // wasm-opt comes from npm (binaryen); without npm the app is built without it.
    if output_of("npm", &["--version"]).is_some() {
        js_packages("wasm-opt")?;
    } else {
        println!(
            "(no npm: the app is built without wasm-opt, about 17 % larger; install npm for the smaller one)"
        );
    }
    build_client()?;
    step("starting the server on http://localhost:8080 (data in ./data)");
    let mut cmd = cargo();
    cmd.args(["run", "--release", "-p", "samtal-server", "--", "--demo"])
        .args(["--static-dir", "dist"])
        .args(extra);
    run(&mut cmd)
}

/// The crash-durability run at full size (`cargo test` runs it with 5 kills).
fn chaos(args: &[String]) -> Result<()> {
    let kills = args.first().map_or("50", String::as_str);
    let edits = args.get(1).map_or("1000", String::as_str);
    step(&format!(
        "chaos: {kills} SIGKILLs over {edits} edits (release build)"
    ));
    run(cargo()
        .args([
            "test",
            "--release",
            "-p",
            "samtal-tests",
            "--test",
            "e2e",
            "--",
            "--nocapture",
            "chaos::",
        ])
        .env("CHAOS_KILLS", kills)
        .env("CHAOS_EDITS", edits))
}

/// The scenarios of BENCHMARKS.md, each against Samtal and the JS reference server.
const LOAD_SCENARIOS: [&[&str]; 4] = [
    &[
        "--groups",
        "1",
        "--clients",
        "5",
        "--rate",
        "2",
        "--duration",
        "20",
    ],
    &[
        "--groups",
        "10",
        "--clients",
        "20",
        "--rate",
        "1",
        "--duration",
        "20",
    ],
    &[
        "--groups",
        "50",
        "--clients",
        "20",
        "--rate",
        "1",
        "--duration",
        "20",
    ],
    &["--groups", "10", "--idle", "10000", "--duration", "10"],
];

/// Install the npm packages of `tests/js` (versions pinned by its lock file), needed for `what`.
fn js_packages(what: &str) -> Result<()> {
    step(&format!("npm packages for {what} (tests/js)"));
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund"])
        .current_dir("tests/js"))
}

/// The release server and the load generator, which the load and browser benchmarks run.
fn build_release_load() -> Result<()> {
    step("building the server and the load generator (release)");
    run(cargo().args([
        "build",
        "--release",
        "-p",
        "samtal-server",
        "-p",
        "samtal-bench",
    ]))?;
    Ok(())
}

/// The samod server the load generator drives beside Samtal (`bench/samod-server`: its own
/// workspace and lock file, so its build stays out of `cargo xtask test`).
fn build_samod_server() -> Result<()> {
    step("building the samod server (release, bench/samod-server)");
    run(cargo().args([
        "build",
        "--release",
        "--locked",
        "--manifest-path",
        "bench/samod-server/Cargo.toml",
        "--target-dir",
        "target/samod-server",
    ]))
}

/// `cargo xtask load [samtal-load flags]`: release builds of the server, the generator and the
/// samod server, the npm packages of the JS reference server, then the generator (no flags:
/// every scenario of BENCHMARKS.md, each against all three servers).
fn load(args: &[String]) -> Result<()> {
    build_release_load()?;
    build_samod_server()?;
    js_packages("the reference server")?;
    let generator = Path::new("target/release/samtal-load");
    if args.is_empty() {
        for scenario in LOAD_SCENARIOS {
            step(&format!("samtal-load {}", scenario.join(" ")));
            run(Command::new(generator).args(scenario))?;
        }
        Ok(())
    } else {
        run(Command::new(generator).args(args))
    }
}

/// The browser benchmarks of BENCHMARKS.md ("Issue 27"): the facilitator's pages while 10 and
/// 50 groups type, fresh and with a 5,000-keystroke history each.
const BROWSER_SCENARIOS: [&[&str]; 3] = [
    &["--groups", "10"],
    &["--groups", "50"],
    &["--groups", "50", "--prefill", "5000"],
];

/// `cargo xtask bench-browser [samtal-load flags]`: the client with wasm-opt, the release
/// server and load generator, then the generator's groups typing (one client each, a burst a
/// second) while `tests/js/bench-facilitator.mjs` measures the pages in headless Chromium;
/// without flags, the cold-load and phone measurement after the three scenarios.
fn bench_browser(args: &[String]) -> Result<()> {
    system::ensure()?;
    ensure_tools()?;
    js_packages("the browser benchmark")?;
    build_client()?;
    build_release_load()?;
    let base = [
        "--target",
        "samtal",
        "--clients",
        "1",
        "--rate",
        "1",
        "--browser",
        "bench-facilitator.mjs",
    ];
    let generator = Path::new("target/release/samtal-load");
    let scenarios: Vec<Vec<&str>> = if args.is_empty() {
        BROWSER_SCENARIOS.iter().map(|s| s.to_vec()).collect()
    } else {
        vec![args.iter().map(String::as_str).collect()]
    };
    for scenario in scenarios {
        step(&format!("browser benchmark: {}", scenario.join(" ")));
        run(Command::new(generator).args(base).args(scenario))?;
    }
    if args.is_empty() {
        // The rest of the issue's browser figures: cold loads, the phone on slow 4G (first and
        // repeat visit, bytes, where the time goes), localStorage (its `measured:` lines).
        step("cold loads and the phone on a weak network (tests/js/coldload.mjs)");
        let root = root()?;
        run(cargo()
            .args(["test", "-q", "-p", "samtal-tests", "--test", "e2e", "--"])
            .args(["--ignored", "--nocapture", "js_clients::measure_cold_load"])
            .env("SAMTAL_DIST", root.join("dist"))
            .env("SAMTAL_JS", root.join("tests/js")))?;
    }
    Ok(())
}

const FUZZ_TARGETS: [&str; 4] = ["protocol", "server", "load", "splice"];

/// Long fuzzing runs with cargo-fuzz (needs a nightly toolchain for libFuzzer's
/// instrumentation). The same harnesses run briefly in `cargo test` (tests/tests/fuzz.rs).
fn fuzz(args: &[String]) -> Result<()> {
    let seconds: u64 = match args.first() {
        Some(s) => s
            .parse()
            .context("the first argument is seconds per target")?,
        None => 300,
    };
    let targets: Vec<&str> = if args.len() > 1 {
        args[1..].iter().map(String::as_str).collect()
    } else {
        FUZZ_TARGETS.to_vec()
    };
    let toolchains = output_of("rustup", &["toolchain", "list"]).unwrap_or_default();
    if !toolchains.lines().any(|t| t.starts_with("nightly")) {
        bail!("cargo-fuzz needs a nightly toolchain: rustup toolchain install nightly");
    }
    if output_of("cargo", &["fuzz", "--version"]).is_none() {
        println!("installing cargo-fuzz (once)");
        run(cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    step("seeding the corpus with valid inputs");
    run(cargo().args([
        "run",
        "-q",
        "-p",
        "samtal-tests",
        "--bin",
        "fuzz-seeds",
        "--",
        "fuzz/corpus",
    ]))?;
    for t in &targets {
        step(&format!("fuzzing `{t}` for {seconds} s"));
        let corpus = format!("corpus/{t}");
        let outcome = run(Command::new("cargo")
            .current_dir("fuzz")
            .args(["+nightly", "fuzz", "run", "-O", "-s", "none", t, &corpus])
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-rss_limit_mb=2048"));
        // Every crasher becomes a regression input replayed by `cargo test`.
        let artifacts = Path::new("fuzz/artifacts").join(t);
        if let Ok(entries) = std::fs::read_dir(&artifacts) {
            let keep = Path::new("tests/fuzz-regressions").join(t);
            std::fs::create_dir_all(&keep)?;
            for e in entries {
                let path = e?.path();
                if let Some(name) = path.file_name() {
                    std::fs::copy(&path, keep.join(name))?;
                    println!("crasher kept: {}", keep.join(name).display());
                }
            }
        }
        outcome?;
        step(&format!("minimising the corpus of `{t}`"));
        run(Command::new("cargo")
            .current_dir("fuzz")
            .args(["+nightly", "fuzz", "cmin", "-O", "-s", "none", t, &corpus]))?;
    }
    Ok(())
}

fn test() -> Result<()> {
    let started = std::time::Instant::now();
    // Before anything else: a missing browser or Postgres stops here, not after the build.
    step("system packages (chromium, node, Postgres, pdftotext)");
    system::ensure()?;
    ensure_tools()?;
    step("rustfmt");
    run(cargo().args(["fmt", "--all", "--check"]))?;
    // The benchmark's samod server is a workspace of its own (never compiled here).
    run(cargo().args([
        "fmt",
        "--check",
        "--manifest-path",
        "bench/samod-server/Cargo.toml",
    ]))?;
    step("clippy (host crates)");
    run(cargo().args(["clippy", "--all-targets", "--", "-D", "warnings"]))?;
    step("clippy (wasm client: every page, and the group page alone)");
    for features in [&[][..], &["--no-default-features"][..]] {
        run(cargo()
            .args(["clippy", "-p", "samtal-client", "--target", WASM_TARGET])
            .args(features)
            .args(["--", "-D", "warnings"]))?;
    }
    step("unit and integration tests");
    run(cargo().args(["test"]))?;
    schemathesis::schemathesis()?;
    js_packages("interop and browser tests, and wasm-opt")?;
    build_client()?;
    step("interop (stock automerge-repo client) and browser (headless chromium) tests");
    let root = root()?;
    run(cargo()
        .args([
            "test",
            "-p",
            "samtal-tests",
            "--",
            "--ignored",
            "--test-threads=1",
        ])
        .env("SAMTAL_DIST", root.join("dist"))
        .env("SAMTAL_JS", root.join("tests/js")))?;
    println!(
        "\nall checks passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests;
