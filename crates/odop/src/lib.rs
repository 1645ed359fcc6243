//! The `odop` binary: command line, configuration and wiring. Everything it
//! does is delegated to `odop-store` and `odop-web`; this crate only decides
//! which database to open and what to start.

pub mod cli;
pub mod config;
pub mod serve;
mod telemetry;

use anyhow::Context;
use odop_store::{Db, redact_url};

use crate::cli::{Cli, Command};
use crate::config::{Database, DatabaseSettings, FileConfig, LogSettings, ServeSettings};

/// Runs one command to completion.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let file = FileConfig::load(cli.config.as_deref())?;
    telemetry::init(&LogSettings::resolve(&cli, &file))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match &cli.command {
            Command::Serve(args) => serve::run(ServeSettings::resolve(args, &file), serve::shutdown_signal()).await,
            Command::Migrate(args) => migrate(&DatabaseSettings::resolve(args, &file)).await,
            Command::Seed(args) => seed(&DatabaseSettings::resolve(args, &file)).await,
        }
    })
}

/// A human-readable name of the database, without any password.
pub fn describe(database: &Database) -> String {
    match database {
        Database::SqliteFile(path) => format!("sqlite {}", path.display()),
        Database::Url(url) => redact_url(url),
    }
}

/// Opens the configured database, creating the data directory (and, for
/// SQLite, the database file) on first use.
pub async fn open(settings: &DatabaseSettings) -> anyhow::Result<Db> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("cannot create the data directory {}", settings.data_dir.display()))?;
    let db = match &settings.database {
        Database::SqliteFile(path) => Db::open_sqlite_file(path).await,
        Database::Url(url) => Db::connect(url).await,
    };
    db.with_context(|| format!("cannot open the database ({})", describe(&settings.database)))
}

async fn migrate(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let db = open(settings).await?;
    let report = db.migrate().await.context("migration failed")?;
    println!(
        "{}: applied {} migration(s); the schema has {} in all",
        describe(&settings.database),
        report.applied,
        report.total
    );
    db.close().await;
    Ok(())
}

async fn seed(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let db = open(settings).await?;
    let registry = odop_store::seed::registry()?;
    let report = odop_store::seed::apply(&db, &registry)
        .await
        .context("seeding failed; has the database been migrated (odop migrate)?")?;
    for (table, counts) in report.tables() {
        println!("{table}: {counts}");
    }
    db.close().await;
    Ok(())
}
