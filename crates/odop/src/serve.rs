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
    settings.check()?;
    let db = open(&settings.database).await?;
    if settings.migrate {
        prepare(&db).await?;
    }
    let listener = TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr()?;

    let files = odop_store::files::FileStore::local(&settings.database.data_dir.join("files"))?;
    let config = odop_web::WebConfig {
        dev: settings.dev,
        secure_cookies: settings.secure_cookies,
        trust_forwarded_for: settings.trust_forwarded_for,
        payment_hold_minutes: settings.payment_hold_minutes,
        public_url: settings.public_url.clone(),
        metrics_token: settings.metrics_token.clone(),
        keys: std::sync::Arc::new(crate::keys::load(&settings.database.keys_dir)?),
    };
    if config.keys.signing().is_none() {
        tracing::warn!(
            keys_dir = %settings.database.keys_dir.display(),
            "no signing key: the audit log is kept but its checkpoints are not signed; make a key with `odop keys generate`"
        );
    }
    if settings.dev {
        tracing::warn!("development mode: /dev/outbox shows every message sent, one-time codes included");
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = if settings.worker {
        let sender = crate::sender(&settings.sms)?;
        let options = odop_notify::worker::WorkerOptions {
            keep_sensitive: settings.dev,
            ..Default::default()
        };
        let worker = odop_notify::worker::Worker::new(db.clone(), sender, options);
        let mut stopped = stopped.clone();
        Some(tokio::spawn(worker.run(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        })))
    } else {
        None
    };
    let registry = odop_store::registry::load(&db).await?;
    let index_dir = settings.database.data_dir.join("index");
    let (index, checkpoint) = odop_search::follow::open_or_rebuild(&db, &index_dir, &registry)
        .await
        .context("cannot open or rebuild the search index")?;
    let index = std::sync::Arc::new(index);
    let payments = match &settings.payments {
        crate::config::PaymentsConfig::Sandbox { fee_bp } => {
            tracing::warn!(fee_bp, "payments go to the sandbox gateway: no money moves");
            odop_web::payments::Payments::sandbox_with_fee(*fee_bp)
        }
        crate::config::PaymentsConfig::Razorpay(razorpay) => {
            odop_web::payments::Payments::through(std::sync::Arc::new(odop_pay::RazorpayGateway::new(razorpay.clone())))
        }
    };
    let state = odop_web::AppState::with_payments(db.clone(), files, index.clone(), config, payments);
    let follower = follower(&db, index, &state, registry, checkpoint);
    let mut follower_stopped = stopped.clone();
    let follower = tokio::spawn(follower.run(std::time::Duration::from_millis(250), async move {
        let _ = follower_stopped.wait_for(|stop| *stop).await;
    }));
    let mut housekeeping_stopped = stopped.clone();
    let housekeeping = tokio::spawn(odop_web::payments::housekeeping(
        state.clone(),
        std::time::Duration::from_secs(15),
        async move {
            let _ = housekeeping_stopped.wait_for(|stop| *stop).await;
        },
    ));
    let metrics = match settings.metrics_listen {
        Some(metrics_address) => {
            let listener = TcpListener::bind(metrics_address)
                .await
                .with_context(|| format!("cannot listen on {metrics_address} for metrics"))?;
            tracing::info!(address = %listener.local_addr()?, "metrics, health and readiness served");
            let mut metrics_stopped = stopped.clone();
            let app = odop_web::ops::metrics_app(state.clone());
            Some(tokio::spawn(async move {
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = metrics_stopped.wait_for(|stop| *stop).await;
                    })
                    .await
            }))
        }
        None => None,
    };
    let app = odop_web::app(state);
    // Announced once everything is ready to answer, index included.
    announce(address, &describe(&settings.database.database), started);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stop.send(true);
        })
        .await
        .context("the server failed")?;
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    let _ = follower.await;
    let _ = housekeeping.await;
    if let Some(metrics) = metrics {
        let _ = metrics.await;
    }
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

/// The node's change-log follower: it keeps `index` current and drops the
/// listings that changed from the product pages' cache of `state`.
pub fn follower(
    db: &Db,
    index: std::sync::Arc<odop_search::SearchIndex>,
    state: &odop_web::AppState,
    registry: odop_domain::registry::Registry,
    checkpoint: i64,
) -> odop_search::follow::Follower {
    let kept = state.listing_cache().clone();
    odop_search::follow::Follower::new(db.clone(), index, registry, checkpoint)
        .on_listings_changed(move |ids| kept.forget(ids))
}
