//! Typed settings: every flag has a `SAMTAL_*` environment variable and an explicit default.
//! Where the data is, the app's files and the public address may also follow a subcommand
//! (`samtal-server list --data /var/lib/samtal`).

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Parser)]
#[command(name = "samtal-server", version, about = "Samtal sync server")]
pub struct Settings {
    /// Address to listen on.
    #[arg(
        long,
        env = "SAMTAL_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,
    /// Folder for the SQLite database (created if missing).
    #[arg(long, env = "SAMTAL_DATA", default_value = "./data", global = true)]
    pub data: PathBuf,
    /// Where documents are stored: `sqlite://FOLDER` (default: SQLite in `SAMTAL_DATA`) or
    /// `postgres://USER:PASSWORD@HOST:PORT/DB` (several instances can share one Postgres).
    #[arg(
        long,
        env = "SAMTAL_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<String>,
    /// Folder with the built client (trunk's output). Unset: the app built into the binary
    /// (`cargo xtask dist`), or a page saying how to build it.
    #[arg(long, env = "SAMTAL_STATIC", global = true)]
    pub static_dir: Option<PathBuf>,
    /// Public base URL used in links (default: http://<bind>, with localhost for loopback).
    #[arg(long, env = "SAMTAL_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Address of the metrics listener (`GET /metrics`, Prometheus text format), e.g.
    /// `127.0.0.1:9464`. Unset: no metrics listener. Never the public address.
    #[arg(long, env = "SAMTAL_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
    /// Log lines as text (for people) or JSON (for log shippers); tokens are never logged.
    #[arg(long, env = "SAMTAL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Token that may create workshops. Without it, only clients on loopback may.
    #[arg(long, env = "SAMTAL_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Create the demo workshop on first start and print its links.
    #[arg(long, env = "SAMTAL_DEMO", default_value_t = false)]
    pub demo: bool,
    /// Largest WebSocket frame accepted, in bytes.
    #[arg(long, env = "SAMTAL_MAX_FRAME_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_frame_bytes: usize,
    /// Largest stored document, in bytes.
    #[arg(long, env = "SAMTAL_MAX_DOC_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub max_doc_bytes: usize,
    /// Concurrent sync connections per workshop.
    #[arg(
        long,
        env = "SAMTAL_MAX_CONNECTIONS_PER_WORKSHOP",
        default_value_t = 200
    )]
    pub max_connections_per_workshop: usize,
    /// Concurrent sync connections of one group link (a room's screen and phones).
    #[arg(long, env = "SAMTAL_MAX_CONNECTIONS_PER_LINK", default_value_t = 40)]
    pub max_connections_per_link: usize,
    /// Concurrent sync connections of a workshop's catch-up link.
    #[arg(long, env = "SAMTAL_MAX_CATCH_UP_CONNECTIONS", default_value_t = 50)]
    pub max_catch_up_connections: usize,
    /// Concurrent sync connections of the facilitator's link; they do not count towards the
    /// workshop's limit, so no other link can lock her out.
    #[arg(long, env = "SAMTAL_MAX_FACILITATOR_CONNECTIONS", default_value_t = 10)]
    pub max_facilitator_connections: usize,
    /// Concurrent sync connections of this server, all workshops together.
    #[arg(long, env = "SAMTAL_MAX_CONNECTIONS", default_value_t = 20_000)]
    pub max_connections: usize,
    /// Seconds a new sync connection has to send `join`.
    #[arg(long, env = "SAMTAL_JOIN_TIMEOUT_SECS", default_value_t = 10)]
    pub join_timeout_secs: u64,
    /// Seconds between WebSocket pings to an otherwise quiet connection.
    #[arg(long, env = "SAMTAL_PING_SECS", default_value_t = 30)]
    pub ping_secs: u64,
    /// A connection from which nothing (not even a pong) arrives for this long is closed.
    #[arg(long, env = "SAMTAL_IDLE_TIMEOUT_SECS", default_value_t = 90)]
    pub idle_timeout_secs: u64,
    /// Seconds a client has to send a request's headers (slowly trickled headers are cut off).
    #[arg(long, env = "SAMTAL_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,
    /// Seconds a device (link and peer id) whose sync message was refused waits before it
    /// is served again; doubled after each further refusal, at most 300. 0: no wait.
    #[arg(long, env = "SAMTAL_REFUSED_WAIT_SECS", default_value_t = 2)]
    pub refused_wait_secs: u64,
    /// Messages one sync connection may send per second on average (bursts of 5 s worth).
    #[arg(long, env = "SAMTAL_MAX_MESSAGES_PER_SECOND", default_value_t = 200)]
    pub max_messages_per_second: u32,
    /// Questions one link (a group's, the catch-up link) may add to the question box in an
    /// hour; more wait on the device until the hour has passed.
    #[arg(long, env = "SAMTAL_MAX_QUESTIONS_PER_HOUR", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_questions_per_hour: u32,
    /// A client that does not take a frame for this long is disconnected.
    #[arg(long, env = "SAMTAL_SEND_TIMEOUT_SECS", default_value_t = 20)]
    pub send_timeout_secs: u64,
    /// Seconds a document nobody has open stays in memory.
    #[arg(long, env = "SAMTAL_IDLE_DOC_SECS", default_value_t = 60)]
    pub idle_doc_secs: u64,
    /// Workshops this server will hold.
    #[arg(long, env = "SAMTAL_MAX_WORKSHOPS", default_value_t = 1000)]
    pub max_workshops: usize,
    /// Days after a workshop closes (phase "closed", or its catch-up window ends) before it is
    /// deleted with all its notes.
    #[arg(long, env = "SAMTAL_RETENTION_DAYS", default_value_t = 90)]
    pub retention_days: u32,
    /// The OpenID Connect provider facilitators sign in with: its issuer URL (Entra ID:
    /// `https://login.microsoftonline.com/TENANT/v2.0`; Keycloak:
    /// `https://HOST/realms/REALM`). Unset: no sign-in; workshops are created with the admin
    /// token (or on this computer), as before. Its callback is `PUBLIC_URL/auth/callback`.
    #[arg(long, env = "SAMTAL_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// This server's client id at the provider.
    #[arg(long, env = "SAMTAL_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// The client secret (or `SAMTAL_OIDC_CLIENT_SECRET_FILE`); none for a public client.
    #[arg(long, env = "SAMTAL_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// A file holding the client secret.
    #[arg(long, env = "SAMTAL_OIDC_CLIENT_SECRET_FILE")]
    pub oidc_client_secret_file: Option<PathBuf>,
    /// Who may create workshops, comma-separated, any one suffices: `@kommun.se` (a verified
    /// address in that domain), `anna@kommun.se`, `CLAIM=VALUE` (e.g.
    /// `groups=samtal-facilitators`, Entra ID's `tid=TENANT`), `*` (everyone who signs in).
    /// Empty: nobody.
    #[arg(long, env = "SAMTAL_OIDC_ALLOWED", default_value = "")]
    pub oidc_allowed: String,
    /// Operators (the admin page), in the same form as `SAMTAL_OIDC_ALLOWED`. Empty: none.
    #[arg(long, env = "SAMTAL_OIDC_ADMINS", default_value = "")]
    pub oidc_admins: String,
    /// The server's secret key (64 hex digits; `openssl rand -hex 32`), which seals sign-ins
    /// under way and owners' facilitator links. Unset: `DATA/secret.key`, made on first start
    /// (one instance on SQLite); several instances must share one file.
    #[arg(long, env = "SAMTAL_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,
    /// Hours a facilitator stays signed in.
    #[arg(long, env = "SAMTAL_SESSION_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=720))]
    pub session_hours: u32,
}

impl Settings {
    /// Settings for tests and embedding: loopback, port 0, the given data folder.
    pub fn for_tests(data: PathBuf) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data,
            database_url: None,
            static_dir: Some(PathBuf::from("dist")),
            public_url: None,
            metrics_bind: None,
            log_format: LogFormat::Text,
            admin_token: None,
            demo: false,
            max_frame_bytes: 4 * 1024 * 1024,
            max_doc_bytes: 32 * 1024 * 1024,
            max_connections_per_workshop: 200,
            max_connections_per_link: 40,
            max_catch_up_connections: 50,
            max_facilitator_connections: 10,
            max_connections: 20_000,
            join_timeout_secs: 10,
            ping_secs: 30,
            idle_timeout_secs: 90,
            header_read_timeout_secs: 10,
            refused_wait_secs: 2,
            max_messages_per_second: 200,
            max_questions_per_hour: 60,
            send_timeout_secs: 20,
            idle_doc_secs: 60,
            max_workshops: 1000,
            retention_days: 90,
            oidc_issuer: None,
            oidc_client_id: None,
            oidc_client_secret: None,
            oidc_client_secret_file: None,
            oidc_allowed: String::new(),
            oidc_admins: String::new(),
            secret_key_file: None,
            session_hours: 12,
        }
    }
}
