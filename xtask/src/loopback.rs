//! A server this task started, on loopback: a free port, waiting until it is ready, a plain
//! GET, stopping it.

use anyhow::{Context, Result, bail};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::time::{Duration, Instant};

pub fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

pub fn wait_ready(port: u16) -> Result<()> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if get(port, "/readyz").is_ok_and(|(s, _)| s == 200) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("the server did not become ready in 30 s")
}

/// One HTTP/1.1 GET on loopback: the status and the body (not decoded: no Accept-Encoding).
pub fn get(port: u16, path: &str) -> Result<(u16, String)> {
    let mut tcp = TcpStream::connect(("127.0.0.1", port))?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        tcp,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    tcp.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status")?;
    Ok((status, text))
}

/// In what `samtal-server create` printed: the token after `marker` (`/g/`) on the first line
/// that starts with `label` (`Grupp `).
pub fn token_after(printed: &str, label: &str, marker: &str) -> Option<String> {
    printed
        .lines()
        .find(|l| l.trim().starts_with(label))
        .and_then(|l| l.split(marker).nth(1))
        .map(|t| t.trim().to_owned())
}
