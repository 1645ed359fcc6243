//! The `odop` binary: command line, configuration and wiring. Everything it
//! does is delegated to `odop-store` and `odop-web`; this crate only decides
//! which database to open and what to start.

pub mod cli;
pub mod config;
pub mod generate;
pub mod keys;
pub mod search_eval;
pub mod serve;
mod telemetry;

use anyhow::Context;
use odop_store::{Db, redact_url};

use std::io::BufRead;
use std::sync::Arc;

use crate::cli::{
    AuditCommand, AuditVerifyArgs, BooksCommand, Cli, Command, GenArgs, KeysCommand, RoleArg, SearchEvalArgs,
    UserCommand, UserCreateArgs,
};
use crate::config::{Database, DatabaseSettings, FileConfig, LogSettings, ServeSettings, SmsConfig};

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
            Command::Worker(args) => {
                let sms = file.sms.clone().unwrap_or(SmsConfig::Log);
                worker(&DatabaseSettings::resolve(args, &file), &sms, serve::shutdown_signal()).await
            }
            Command::Reindex(args) => reindex(&DatabaseSettings::resolve(args, &file)).await,
            Command::Gen(args) => generate_data(args, &DatabaseSettings::resolve(&args.database, &file)).await,
            Command::User(UserCommand::Create(args)) => {
                create_user(args, &DatabaseSettings::resolve(&args.database, &file)).await
            }
            Command::SearchEval(args) => search_eval(args).await,
            Command::Books(BooksCommand::Backfill(args)) => {
                let db = open(&DatabaseSettings::resolve(args, &file)).await?;
                serve::prepare(&db).await?;
                keep_the_books(&db).await?;
                db.close().await;
                Ok(())
            }
            Command::Keys(KeysCommand::Generate(args)) => {
                let settings = DatabaseSettings::resolve(args, &file);
                let (key, path) = keys::generate(&settings.keys_dir, chrono::Utc::now())?;
                println!("made key {} in {}; it signs from now on", key.id(), path.display());
                Ok(())
            }
            Command::Keys(KeysCommand::List(args)) => {
                let settings = DatabaseSettings::resolve(args, &file);
                let ring = keys::load(&settings.keys_dir)?;
                let signing = ring.signing().map(|key| key.id().clone());
                for key in ring.published().keys {
                    let role = if Some(&key.kid) == signing.as_ref() {
                        "signs"
                    } else {
                        "published"
                    };
                    println!("{} {role}", key.kid);
                }
                if signing.is_none() {
                    println!(
                        "no keys in {}: make one with `odop keys generate`",
                        settings.keys_dir.display()
                    );
                }
                Ok(())
            }
            Command::Audit(AuditCommand::Verify(args)) => verify_audit_log(args, &file).await,
            Command::Audit(AuditCommand::Checkpoint(args)) => {
                let settings = DatabaseSettings::resolve(args, &file);
                let ring = keys::load(&settings.keys_dir)?;
                let key = ring
                    .signing()
                    .context("no signing key: make one with `odop keys generate`")?;
                let db = open(&settings).await?;
                let signed = odop_store::audit::sign_checkpoint(&db, key, chrono::Utc::now()).await?;
                db.close().await;
                match signed {
                    Some(checkpoint) => println!(
                        "checkpoint at entry {}: {} signed by key {}",
                        checkpoint.head.seq, checkpoint.head.hash, checkpoint.key_id
                    ),
                    None => println!("the audit log is empty: nothing to sign"),
                }
                Ok(())
            }
        }
    })
}

/// A checkpoint as `/audit/checkpoints.json` publishes it.
#[derive(Debug, serde::Deserialize)]
struct KeptCheckpoint {
    seq: i64,
    hash: String,
}

#[derive(Debug, serde::Deserialize)]
struct KeptCheckpoints {
    checkpoints: Vec<KeptCheckpoint>,
}

/// `odop audit verify`: recomputes the chain and names the first entry
/// altered, missing or out of place; fails if there is one.
async fn verify_audit_log(args: &AuditVerifyArgs, file: &FileConfig) -> anyhow::Result<()> {
    let mut extra = Vec::new();
    if let Some(path) = &args.checkpoints {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let kept: KeptCheckpoints = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a saved /audit/checkpoints.json", path.display()))?;
        for checkpoint in kept.checkpoints {
            let hash = odop_trust::Hash::from_hex(&checkpoint.hash)
                .with_context(|| format!("checkpoint {} has no readable hash", checkpoint.seq))?;
            extra.push(odop_trust::Head {
                seq: checkpoint.seq,
                hash,
            });
        }
    }
    let db = open(&DatabaseSettings::resolve(&args.database, file)).await?;
    let verification = odop_store::audit::verify(&db, &extra).await;
    db.close().await;
    let verification = verification?;
    match verification.outcome {
        Ok(head) => {
            println!(
                "the audit log is intact: {} entries, head {} at entry {}, {} checkpoint(s) matched",
                verification.entries, head.hash, head.seq, verification.checkpoints
            );
            Ok(())
        }
        Err(broken) => anyhow::bail!("the audit log was tampered with: {broken}"),
    }
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

/// The sender the outbox is delivered through.
pub fn sender(sms: &SmsConfig) -> anyhow::Result<Arc<dyn odop_notify::Sender>> {
    Ok(match sms {
        SmsConfig::Log => Arc::new(odop_notify::LogSender),
        SmsConfig::Http(config) => {
            Arc::new(odop_notify::HttpSender::new(config.clone()).context("invalid [sms] configuration")?)
        }
    })
}

async fn worker(
    settings: &DatabaseSettings,
    sms: &SmsConfig,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let db = open(settings).await?;
    let sender = sender(sms)?;
    println!("odop worker delivering the outbox through the {} sender", sender.name());
    odop_notify::worker::Worker::new(db.clone(), sender, odop_notify::worker::WorkerOptions::default())
        .run(shutdown)
        .await;
    db.close().await;
    Ok(())
}

/// Reads the new password: from standard input's first line, or asked twice
/// at the terminal without echo.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first =
        rpassword::prompt_password("Password: ").context("cannot ask for the password (use --password-stdin)")?;
    let second = rpassword::prompt_password("Password again: ").context("cannot ask for the password")?;
    anyhow::ensure!(first == second, "the two passwords differ");
    Ok(first)
}

async fn create_user(args: &UserCreateArgs, settings: &DatabaseSettings) -> anyhow::Result<()> {
    use odop_domain::identity::Phone;
    use odop_store::accounts::{NewStaff, StaffRole};
    let phone = Phone::parse(&args.phone).map_err(|e| anyhow::anyhow!("--phone: {e}"))?;
    let display_name = odop_domain::text::required(&args.name, 2, 80).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let roles = match args.role {
        RoleArg::DistrictOfficer => {
            anyhow::ensure!(
                !args.districts.is_empty(),
                "a district officer needs at least one --district"
            );
            args.districts
                .iter()
                .map(|d| {
                    odop_domain::Slug::parse(d)
                        .map(StaffRole::DistrictOfficer)
                        .map_err(|e| anyhow::anyhow!("--district {d:?}: {e}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?
        }
        RoleArg::StateAdmin => vec![StaffRole::StateAdmin],
        RoleArg::OutletOperator => vec![StaffRole::OutletOperator],
        RoleArg::Finance => vec![StaffRole::Finance],
    };
    anyhow::ensure!(
        args.role == RoleArg::DistrictOfficer || args.districts.is_empty(),
        "--district is only for district officers"
    );
    let password = read_password(args.password_stdin)?;
    odop_domain::auth::check_password(&password).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let password_hash = tokio::task::spawn_blocking(move || odop_web::auth::crypto::hash_password(&password))
        .await?
        .map_err(|e| anyhow::anyhow!(e))?;
    let db = open(settings).await?;
    let staff = NewStaff {
        phone: phone.clone(),
        display_name,
        password_hash,
        roles,
        granted_by: None,
    };
    let user = odop_store::accounts::create_staff(&db, &staff, chrono::Utc::now())
        .await
        .context("cannot create the account; has the database been migrated and seeded (odop migrate, odop seed)?")?;
    println!(
        "staff account {user} ready: {} signs in at /signin/staff",
        phone.display()
    );
    db.close().await;
    Ok(())
}

async fn generate_data(args: &GenArgs, settings: &DatabaseSettings) -> anyhow::Result<()> {
    let db = open(settings).await?;
    serve::prepare(&db).await?;
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} rows ({per_sec}, {eta} left)")
            .expect("the progress template is valid"),
    );
    bar.set_message("generating");
    let started = std::time::Instant::now();
    let options = generate::GenOptions {
        listings: args.listings,
        sellers: args.sellers,
        seed: args.seed,
        orders: args.orders,
        buyers: args.buyers.unwrap_or((args.orders / 4).max(u64::from(args.orders > 0))),
        append: args.append,
    };
    let files = odop_store::files::FileStore::local(&settings.data_dir.join("files"))?;
    let report = generate::generate(&db, Some(&files), options, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .context("generating failed")?;
    bar.finish_and_clear();
    println!(
        "{}: {} vendors and {} artisans, {} listings ({} on sale) with {} variants, {} buyers, {} orders ({} sub-orders), in {:.1?} (seed {})",
        describe(&settings.database),
        report.vendors,
        report.artisans,
        report.listings,
        report.active,
        report.variants,
        report.buyers,
        report.orders,
        report.sub_orders,
        started.elapsed(),
        args.seed
    );
    if report.orders > 0 {
        keep_the_books(&db).await?;
    }
    println!(
        "{} pictures drawn for the crafts, in {}",
        report.pictures,
        settings.data_dir.join("files").display()
    );
    println!("running nodes index the new listings from the change log; a node started later catches up at start");
    if let Some(vendor) = &report.vendor_phone {
        let phone =
            |e164: &str| odop_domain::identity::Phone::parse(e164).map_or_else(|_| e164.to_owned(), |p| p.display());
        println!(
            "to act as a generated seller: start `odop serve --dev`, sign in at /signin with {} (a vendor){}, and read \
             the code on /dev/outbox; your listings are at /sell/listings, your orders at /sell/orders",
            phone(vendor),
            report
                .artisan_phone
                .as_deref()
                .map(|artisan| format!(" or {} (an artisan under a vendor)", phone(artisan)))
                .unwrap_or_default()
        );
    }
    db.close().await;
    Ok(())
}

/// Issues the tax documents and writes the postings the order history
/// lacks, oldest first, with a progress bar.
async fn keep_the_books(db: &Db) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} steps ({per_sec}, {eta} left)")
            .expect("the progress template is valid"),
    );
    bar.set_message("keeping the books");
    let started = std::time::Instant::now();
    let done = odop_store::backfill::books(db, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .context("keeping the books of past orders failed")?;
    bar.finish_and_clear();
    println!(
        "the books of past orders: {} payments received, {} invoices and bills of supply, {} sales delivered, {} returns \
         with their credit notes, {} refunds of parts never sent, in {:.1?}",
        done.captures,
        done.invoices,
        done.sales,
        done.returns,
        done.refunds,
        started.elapsed()
    );
    if done.unreadable > 0 {
        println!(
            "{} returned parts have no readable return reason and were left out of the books",
            done.unreadable
        );
    }
    Ok(())
}

async fn reindex(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let db = open(settings).await?;
    let registry = odop_store::registry::load(&db).await?;
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} listings ({per_sec}, {eta} left)")
            .expect("the progress template is valid"),
    );
    bar.set_message("indexing");
    let started = std::time::Instant::now();
    let dir = settings.data_dir.join("index");
    let (index, checkpoint) = odop_search::follow::rebuild(&db, &dir, &registry, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .context("reindexing failed")?;
    bar.finish_and_clear();
    println!(
        "indexed {} listings in {:.1?} into {} (change log at {checkpoint})",
        index.document_count(),
        started.elapsed(),
        dir.display()
    );
    db.close().await;
    Ok(())
}

async fn search_eval(args: &SearchEvalArgs) -> anyhow::Result<()> {
    let options = search_eval::EvalOptions {
        generated: args.generated,
        seed: args.seed,
    };
    let report = search_eval::evaluate(options, |step| eprintln!("{step}…")).await?;
    let markdown = report.markdown();
    println!("{markdown}");
    if let Some(dir) = &args.record {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let stem = dir.join(format!(
            "{}-search-eval-{}",
            chrono::Utc::now().format("%Y-%m-%d"),
            args.generated
        ));
        std::fs::write(stem.with_extension("md"), &markdown)?;
        std::fs::write(stem.with_extension("json"), serde_json::to_string_pretty(&report)?)?;
        println!("written to {}.md and .json", stem.display());
    }
    Ok(())
}
