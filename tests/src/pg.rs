//! A throwaway Postgres cluster for tests: `initdb` into a temp folder, `pg_ctl start` on a free
//! loopback port, `pg_ctl stop` on drop. Debian's `postgresql` package provides the programs
//! (`.ci/run` installs it). Postgres refuses to run as root, so as root the cluster runs as the
//! `postgres` user the package creates.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    /// Serves TLS with the certificate it was started with (`start_tls`).
    ssl: bool,
}

/// The folder with `initdb` and `pg_ctl`: `SAMTAL_PG_BIN`, Debian's versioned folder, or PATH.
fn bin_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("SAMTAL_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    if let Some(dir) = versions
        .into_iter()
        .rev()
        .find(|d| d.join("initdb").exists())
    {
        return Ok(dir);
    }
    let which = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .context("looking for initdb")?;
    let path = String::from_utf8_lossy(&which.stdout).trim().to_owned();
    match Path::new(&path).parent() {
        Some(dir) if which.status.success() => Ok(dir.to_path_buf()),
        _ => bail!("Postgres is not installed (apt-get install postgresql), or set SAMTAL_PG_BIN"),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args…`, as the `postgres` user when we are root.
fn run(bin: &Path, program: &str, args: &[&str]) -> Result<()> {
    let exe = bin.join(program);
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let out = cmd
        .args(args)
        .output()
        .with_context(|| format!("running {program}"))?;
    if !out.status.success() {
        bail!(
            "{program} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl PgCluster {
    /// A new, empty cluster, started.
    pub fn start() -> Result<Self> {
        Self::start_with(None)
    }

    /// A new, empty cluster that also speaks TLS with this certificate and key (PEM).
    pub fn start_tls(cert_pem: &str, key_pem: &str) -> Result<Self> {
        Self::start_with(Some((cert_pem, key_pem)))
    }

    fn start_with(tls: Option<(&str, &str)>) -> Result<Self> {
        let bin = bin_dir()?;
        // As root the cluster runs as `postgres`, which must be able to reach the folder:
        // /tmp rather than a TMPDIR that may sit in root's home.
        let parent = if is_root() {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = tempfile::Builder::new()
            .prefix("samtal-pg")
            .tempdir_in(parent)?;
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()?;
            if !status.success() {
                bail!("chown of the cluster folder failed");
            }
        }
        let data = dir.path().join("data");
        let data_s = data.to_string_lossy().into_owned();
        run(
            &bin,
            "initdb",
            &[
                "-D",
                &data_s,
                "-U",
                "samtal",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-instructions",
            ],
        )?;
        if let Some((cert, key)) = tls {
            use std::os::unix::fs::PermissionsExt;
            std::fs::write(data.join("server.crt"), cert)?;
            std::fs::write(data.join("server.key"), key)?;
            // Over TCP only with TLS: a connection in the clear is refused, so one that works
            // is encrypted.
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
            )?;
            // Postgres refuses a key others can read.
            std::fs::set_permissions(
                data.join("server.key"),
                std::fs::Permissions::from_mode(0o600),
            )?;
            if is_root() {
                let status = Command::new("chown")
                    .args(["postgres:postgres"])
                    .arg(data.join("server.crt"))
                    .arg(data.join("server.key"))
                    .arg(data.join("pg_hba.conf"))
                    .status()?;
                if !status.success() {
                    bail!("chown of the certificate failed");
                }
            }
        }
        let cluster = Self {
            dir,
            bin,
            port: free_port()?,
            ssl: tls.is_some(),
        };
        cluster.pg_start()?;
        Ok(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").to_string_lossy().into_owned()
    }

    fn pg_start(&self) -> Result<()> {
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=on{}",
            self.port,
            self.dir.path().display(),
            if self.ssl { " -c ssl=on" } else { "" }
        );
        let log = self.dir.path().join("log").to_string_lossy().into_owned();
        run(
            &self.bin,
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &opts,
                "-l",
                &log,
                "-w",
                "-t",
                "30",
                "start",
            ],
        )
    }

    /// `postgres://…` for the cluster's default database.
    pub fn url(&self) -> String {
        format!("postgres://samtal@127.0.0.1:{}/postgres", self.port)
    }

    /// Stop the server at once (like a crash of the database machine) and start it again.
    pub fn restart(&self) -> Result<()> {
        run(
            &self.bin,
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        )?;
        self.pg_start()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = run(
            &self.bin,
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }
}
