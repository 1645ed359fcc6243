//! `odop serve`: open the database, prepare it, and answer HTTP until told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context;
use odop_store::Db;
use tokio::net::TcpListener;

use crate::config::ServeSettings;
use crate::{describe, open};

/// Migrates and seeds `db` so that a fresh database serves the registry at once.
pub async fn prepare(db: &Db) -> anyhow::Result<()> {
    let migrations = db.migrate().await.context("migration failed")?;
    if migrations.applied > 0 {
        tracing::info!(
            applied = migrations.applied,
            total = migrations.total,
            "database migrated"
        );
    }
    let registry = odop_store::seed::registry()?;
    let report = odop_store::seed::apply(db, &registry).await.context("seeding failed")?;
    if report.changed() {
        tracing::info!(%report, "registry seeded");
    }
    Ok(())
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn run(settings: ServeSettings, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
    let started = Instant::now();
    let db = open(&settings.database).await?;
    if settings.migrate {
        prepare(&db).await?;
    }
    let listener = TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr()?;
    announce(address, &describe(&settings.database.database), started);

    let app = odop_web::app(odop_web::AppState::new(db.clone()));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("the server failed")?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn announce(address: SocketAddr, database: &str, started: Instant) {
    let elapsed = started.elapsed();
    tracing::info!(%address, database, startup_ms = elapsed.as_millis() as u64, "listening");
    // On standard output too, for the person who just typed the command.
    println!("odop listening on http://{address} (database: {database}, ready in {elapsed:.0?})");
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
