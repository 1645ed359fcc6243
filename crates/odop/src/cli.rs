//! The command line. Every option can also come from an `ODOP_*` environment
//! variable or the configuration file; see [`crate::config`] for the order.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// odop: the platform of Uttar Pradesh's One District One Product scheme.
///
/// Settings come from, in increasing priority: built-in defaults, the
/// configuration file (odop.toml), ODOP_* environment variables, and flags.
#[derive(Debug, Parser)]
#[command(name = "odop", version, propagate_version = true)]
pub struct Cli {
    /// Configuration file (TOML) [default: odop.toml in the working directory, if present]
    #[arg(long, global = true, env = "ODOP_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Log filter, e.g. "info" or "odop_web=debug,info" [default: info]
    #[arg(long, global = true, env = "ODOP_LOG", value_name = "FILTER")]
    pub log: Option<String>,

    /// Log format [default: text]
    #[arg(long, global = true, env = "ODOP_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web site and the API (migrates and seeds the database first)
    Serve(ServeArgs),
    /// Bring the database schema up to date, then exit
    Migrate(DatabaseArgs),
    /// Load the district registry shipped with this binary (idempotent), then exit
    Seed(DatabaseArgs),
    /// Deliver the notification outbox (SMS) without serving HTTP; `serve` runs one too
    Worker(DatabaseArgs),
    /// Rebuild this node's search index from the database, with a progress bar
    Reindex(DatabaseArgs),
    /// Fill the database with made-up sellers and listings (the same for the same seed), for demos and benchmarks
    Gen(GenArgs),
    /// Manage accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Measure search relevance: build a fixed catalogue in a temporary database, run the judged buyer queries, and print found@5, precision@5 and MRR per class of query
    SearchEval(SearchEvalArgs),
    /// The marketplace's books
    #[command(subcommand)]
    Books(BooksCommand),
    /// The platform's signing keys (audit checkpoints, certificates)
    #[command(subcommand)]
    Keys(KeysCommand),
    /// The tamper-evident audit log
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a new Ed25519 signing key in the keys directory; it signs from now on, and the older keys stay published so that what they signed still verifies
    Generate(DatabaseArgs),
    /// List the keys and which one signs
    List(DatabaseArgs),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit log's hash chain from the database and say where it first breaks (an entry altered, missing or out of place); exits with failure if it does
    Verify(AuditVerifyArgs),
    /// Sign the chain's head now with the newest key (serving nodes do it once a day)
    Checkpoint(DatabaseArgs),
}

#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    /// Checkpoints kept outside the database (a saved copy of /audit/checkpoints.json), compared too
    #[arg(long, value_name = "FILE")]
    pub checkpoints: Option<PathBuf>,

    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub enum BooksCommand {
    /// Issue the tax documents and write the postings that orders from before the books were kept lack, as of when each thing happened, oldest first (idempotent)
    Backfill(DatabaseArgs),
}

#[derive(Debug, Args)]
pub struct SearchEvalArgs {
    /// Generated listings around the hand-written ones
    #[arg(long, default_value_t = 20_000, value_name = "N")]
    pub generated: u64,

    /// Seed of the generated listings
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,

    /// Also write the report as <DIR>/<date>-search-eval-<N>.md and .json (the history is kept in bench/results)
    #[arg(long, value_name = "DIR")]
    pub record: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account (or give an existing account a password and more roles)
    Create(UserCreateArgs),
}

#[derive(Debug, Args)]
pub struct UserCreateArgs {
    /// Mobile number, the staff member's sign-in name (+91 optional)
    #[arg(long, value_name = "PHONE")]
    pub phone: String,

    /// Name shown to colleagues and applicants
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// Role to give
    #[arg(long, value_enum)]
    pub role: RoleArg,

    /// District a district officer serves (repeat for several), by slug, e.g. lucknow
    #[arg(long = "district", value_name = "SLUG")]
    pub districts: Vec<String>,

    /// Read the password from the first line of standard input instead of asking for it
    #[arg(long)]
    pub password_stdin: bool,

    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// District officer (DIC): verifies sellers of their districts
    DistrictOfficer,
    /// State admin (ODOP cell): every district, staff accounts
    StateAdmin,
    /// Operator of an ODOP outlet
    OutletOperator,
    /// Finance: payout batches and the tax reports, nothing else
    Finance,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// Listings to create
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub listings: u64,

    /// Verified sellers to create (vendors and the artisans under them), spread over the districts
    #[arg(long, default_value_t = 100, value_name = "M")]
    pub sellers: u64,

    /// Seed: the same seed makes the same data
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,

    /// Past orders to create, over the three years before the generated data's date, with festival and wedding-season peaks, cancellations and returns
    #[arg(long, default_value_t = 0, value_name = "K")]
    pub orders: u64,

    /// Buyers who placed those orders [default: a quarter of the orders]
    #[arg(long, value_name = "B")]
    pub buyers: Option<u64>,

    /// Add to a catalogue that has listings already (otherwise refused, so that running the same command twice changes nothing)
    #[arg(long)]
    pub append: bool,

    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "ODOP_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// Do not migrate or seed at start (for deployments that run `odop migrate` and `odop seed` themselves)
    #[arg(long, env = "ODOP_NO_MIGRATE")]
    pub no_migrate: bool,

    /// Do not deliver the outbox from this node (when `odop worker` runs elsewhere)
    #[arg(long, env = "ODOP_NO_WORKER")]
    pub no_worker: bool,

    /// Development mode: /dev/outbox shows sent messages, one-time codes included. Never on a public server
    #[arg(long, env = "ODOP_DEV")]
    pub dev: bool,

    /// The address people reach the site at, e.g. https://odop.example; with https, cookies are Secure
    #[arg(long, env = "ODOP_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Behind a reverse proxy: take the client's address from X-Forwarded-For
    #[arg(long, env = "ODOP_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// A second address serving /metrics, /healthz and /readyz only, for monitoring (keep it off the public network)
    #[arg(long, env = "ODOP_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,

    /// A token that opens /metrics on the site's own address (Authorization: Bearer TOKEN); without it, /metrics there is not found
    #[arg(long, env = "ODOP_METRICS_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// How long an unpaid online order holds its stock, in minutes [default: 15]
    #[arg(long, env = "ODOP_PAYMENT_HOLD_MINUTES", value_name = "MINUTES", value_parser = clap::value_parser!(i64).range(1..=1440))]
    pub payment_hold_minutes: Option<i64>,

    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Directory for the platform's files, including the SQLite database [default: ./data]
    #[arg(long, env = "ODOP_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Database URL: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, or sqlite:PATH
    /// [default: the SQLite file odop.db in the data directory]
    #[arg(long, env = "ODOP_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,

    /// Directory of the platform's signing keys (Ed25519, PKCS#8 PEM; keep it out of backups of the database) [default: keys in the data directory]
    #[arg(long, env = "ODOP_KEYS_DIR", value_name = "DIR")]
    pub keys_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines
    #[default]
    Text,
    /// One JSON object per line, for log collectors
    Json,
}
