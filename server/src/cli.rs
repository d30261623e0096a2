//! The `samtal-server` command line: `serve` (also the bare command) and the operator's
//! commands — `create`, `list`, `erase`, `backup`, `check` — over the same settings (flags or
//! `SAMTAL_*` variables) and the same code paths as the server.

use crate::settings::Settings;
use crate::{Server, workshops};
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use samtal_shared::account::AdminWorkshop;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "samtal-server",
    version,
    about = "Samtal: group discussions on training days — the sync server and its operator's commands"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the app and the sync endpoint (what the bare command does).
    Serve,
    /// Create a workshop from a course package file and print its links (as the admin API).
    Create {
        /// The package file (JSON; see docs/package-format.md).
        #[arg(long)]
        package: PathBuf,
        /// The day of the workshop, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// List the workshops: title, phase, open until, size, last write. No notes, no links.
    List,
    /// Erase a workshop and everything in it, for good.
    Erase {
        /// The workshop's id (from `list`).
        id: String,
        /// Yes, erase it (nothing is erased without).
        #[arg(long)]
        yes: bool,
    },
    /// Erase a signed-in facilitator's account: her name, e-mail, sessions and which
    /// workshops she owns (the workshops stay). The subject is the provider's id for her.
    EraseAccount {
        subject: String,
        /// Yes, erase it.
        #[arg(long)]
        yes: bool,
    },
    /// Copy the SQLite database to FILE, consistent while the server runs (Postgres: pg_dump).
    Backup {
        /// Where the copy goes (a new file; readable by its owner only).
        file: PathBuf,
    },
    /// Check the settings, the database (reachable, writable, intact) and the app's files.
    Check,
    /// Print the HTTP API's OpenAPI document (as served at /api/openapi.json).
    Openapi,
}

/// Run the command line; `serve` runs until `shutdown` completes.
pub async fn run(
    cli: Cli,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let Cli { command, settings } = cli;
    match command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings, shutdown).await,
        Command::Create { package, date } => create(settings, &package, date).await,
        Command::Openapi => {
            print!("{}", crate::api::openapi::document());
            Ok(())
        }
        Command::List => {
            let storage = crate::open_storage(&settings).await?;
            let rows =
                tokio::task::spawn_blocking(move || crate::admin::overview(storage.as_ref()))
                    .await??;
            print!("{}", list_table(&rows, crate::clock::now_secs()));
            Ok(())
        }
        Command::Erase { id, yes } => erase(settings, &id, yes).await,
        Command::EraseAccount { subject, yes } => erase_account(settings, subject, yes).await,
        Command::Backup { file } => backup(settings, file).await,
        Command::Check => check(settings).await,
    }
}

async fn serve(
    settings: Settings,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let server = Server::start(settings).await?;
    println!("Samtal kör på {}", server.base_url());
    if let Some(links) = server.demo_links() {
        println!("\n{links}");
    }
    server.run_until(shutdown).await
}

/// The server's state without its listener: the operator's commands take the same paths as
/// the HTTP API. Links use `SAMTAL_PUBLIC_URL`, or the address the server serves on.
async fn offline_server(mut settings: Settings) -> anyhow::Result<Server> {
    if settings.public_url.is_none() {
        let bind = settings.bind;
        settings.public_url = Some(if bind.ip().is_loopback() {
            format!("http://localhost:{}", bind.port())
        } else {
            format!("http://{bind}")
        });
    }
    settings.bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    settings.demo = false;
    Server::start(settings).await
}

async fn create(
    settings: Settings,
    package: &std::path::Path,
    date: Option<String>,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(package).with_context(|| format!("reading {}", package.display()))?;
    let setup = samtal_shared::package::read_package(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", package.display()))?;
    let date = date.unwrap_or_else(crate::clock::today);
    let spec = samtal_shared::doc::WorkshopSpec {
        setup,
        date,
        access_days: None,
    };
    spec.check()
        .map_err(|(field, why)| anyhow::anyhow!("{field}: {why}"))?;
    let server = offline_server(settings).await?;
    let links = workshops::create(&server.state(), spec, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{}", links.render());
    println!("Workshop id: {}", links.workshop_id);
    Ok(())
}

async fn erase(settings: Settings, id: &str, yes: bool) -> anyhow::Result<()> {
    let server = offline_server(settings).await?;
    let state = server.state();
    let id_owned = id.to_owned();
    let row = crate::blocking(&state, move |s| s.workshop(&id_owned))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let Some(row) = row else {
        bail!("no workshop {id} (see `samtal-server list`)");
    };
    if !yes {
        bail!(
            "this erases «{}» ({id}) and all its notes for good; run again with --yes",
            row.title
        );
    }
    workshops::erase(&state, id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("erased «{}» ({id})", row.title);
    Ok(())
}

async fn erase_account(settings: Settings, subject: String, yes: bool) -> anyhow::Result<()> {
    let storage = crate::open_storage(&settings).await?;
    let who = subject.clone();
    let s = std::sync::Arc::clone(&storage);
    let Some(account) = tokio::task::spawn_blocking(move || s.account(&who)).await?? else {
        bail!("no account {subject}");
    };
    if !yes {
        bail!(
            "this erases the account of {} ({subject}): name, e-mail, sessions and ownerships; run again with --yes",
            account.name
        );
    }
    tokio::task::spawn_blocking(move || storage.erase_account(&subject)).await??;
    println!("erased the account of {}", account.name);
    Ok(())
}

async fn backup(settings: Settings, file: PathBuf) -> anyhow::Result<()> {
    let storage = crate::open_storage(&settings).await?;
    let to = file.clone();
    if tokio::task::spawn_blocking(move || storage.backup(&to)).await?? {
        println!("backed up to {}", file.display());
        Ok(())
    } else {
        bail!(
            "this storage is Postgres: back it up with pg_dump, e.g. `pg_dump --format=custom --file=samtal.dump \"$SAMTAL_DATABASE_URL\"`"
        )
    }
}

async fn check(settings: Settings) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    println!(
        "settings: bind {}, data {}",
        settings.bind,
        settings.data.display()
    );
    match crate::open_storage(&settings).await {
        Ok(storage) => match tokio::task::spawn_blocking(move || storage.check()).await? {
            Ok(()) => println!("storage: reachable, writable, intact"),
            Err(e) => problems.push(format!("storage: {e}")),
        },
        Err(e) => problems.push(format!("storage: cannot open: {e}")),
    }
    let files = crate::api::app_files::AppFiles::choose(settings.static_dir.as_deref());
    if files.present() {
        println!("app: {}", files.describe());
    } else {
        problems.push(format!("app: {}", files.describe()));
    }
    if settings.admin_token.is_none() {
        println!("admin: no SAMTAL_ADMIN_TOKEN (workshops are created from this computer only)");
    }
    if problems.is_empty() {
        println!("ok");
        Ok(())
    } else {
        bail!("{}", problems.join("\n"))
    }
}

/// The workshops as a table for the terminal (`now`: unix seconds, for "last write").
pub fn list_table(rows: &[AdminWorkshop], now: u64) -> String {
    let mut out =
        String::from("ID\tTITLE\tPHASE\tOPEN UNTIL\tCREATED\tDOCS\tSIZE\tLAST WRITE\tOWNERS\n");
    for w in rows {
        let ago = w.last_write.map_or_else(
            || "-".to_owned(),
            |t| {
                let secs = now.saturating_sub(u64::try_from(t).unwrap_or(0));
                match secs {
                    0..120 => format!("{secs} s ago"),
                    120..7200 => format!("{} min ago", secs / 60),
                    7200..172_800 => format!("{} h ago", secs / 3600),
                    _ => format!("{} days ago", secs / 86_400),
                }
            },
        );
        // One line per workshop whatever its title holds.
        let title: String = w.title.chars().filter(|c| !c.is_control()).collect();
        let owners: String = w
            .owners
            .join(", ")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            w.workshop_id,
            title,
            w.phase,
            w.access_until.as_deref().unwrap_or("-"),
            w.created_at,
            w.documents,
            size(w.bytes),
            ago,
            if owners.is_empty() { "-" } else { &owners }
        ));
    }
    out
}

fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{} KiB", bytes / 1024),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}
