//! The servers under load as processes: started on a free loopback port with a fresh data
//! folder (on given CPUs), stopped when dropped, and read from /proc for CPU time and memory.

use anyhow::{Context, Result, bail};
use samtal_bench::cpus::{self, CpuList};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server process under load.
pub struct Spawned {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Spawned {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

async fn wait_for_port(port: u16) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        if Instant::now() > deadline {
            bail!("server on port {port} did not start");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Start a server on a free loopback port with a fresh data folder (`command` gets both), on
/// `cpus` when given.
pub async fn spawn(
    cpus: Option<&CpuList>,
    command: impl FnOnce(u16, &std::path::Path) -> Command,
) -> Result<Spawned> {
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let mut command = command(port, dir.path());
    // Owned by `Spawned` as soon as it runs: should moving this thread back fail, dropping it
    // stops the server instead of leaving it behind.
    let s = cpus::with_cpus(cpus, || {
        command.stdout(Stdio::null()).spawn().map(|child| Spawned {
            child,
            port,
            _dir: dir,
        })
    })
    .context("moving to the server's CPUs")?
    .context("starting the server")?;
    wait_for_port(port).await?;
    Ok(s)
}

/// CPU seconds (user + system) a process has used so far.
pub fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line; USER_HZ is 100 on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// (resident, peak resident, anonymous resident) memory in MiB. The anonymous part is the
/// process's own heap and stacks; the rest of the resident memory is mostly its executable's
/// pages, shared with the page cache (the kernel maps them in 64 KiB runs as code runs).
pub fn memory_mib(pid: u32) -> (u64, u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map_or(0, |kib| kib / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"), field("RssAnon:"))
}
