use std::sync::Arc;

use odop_domain::auth::OtpPolicy;
use odop_search::SearchIndex;
use odop_store::Db;
use odop_store::files::FileStore;

use crate::i18n::Catalog;
use crate::metrics::Metrics;
use crate::payments::Payments;

/// How this node serves, from the command line and configuration.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Development mode: `/dev/outbox` lists the messages sent, one-time
    /// codes included. Never on a public server.
    pub dev: bool,
    /// The site is served over HTTPS: cookies carry `Secure`.
    pub secure_cookies: bool,
    /// Behind a reverse proxy: the client's address is the last hop of
    /// `X-Forwarded-For` (rate limits count per address).
    pub trust_forwarded_for: bool,
    /// How long an unpaid online order holds its stock (default 15 minutes).
    pub payment_hold_minutes: Option<i64>,
    /// Where the public reaches the site (`https://odop.example`), for the
    /// absolute links that share cards need; without it, the request's host.
    pub public_url: Option<String>,
}

impl WebConfig {
    pub fn payment_hold(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.payment_hold_minutes.unwrap_or(15).max(1))
    }
}

/// What every handler may use. Cloning is cheap: it is one `Arc`.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    db: Db,
    files: FileStore,
    search: Arc<SearchIndex>,
    config: WebConfig,
    otp: OtpPolicy,
    catalog: Arc<Catalog>,
    metrics: Metrics,
    payments: Payments,
}

impl AppState {
    /// A node taking payments through the local sandbox gateway.
    pub fn new(db: Db, files: FileStore, search: Arc<SearchIndex>, config: WebConfig) -> Self {
        Self::with_payments(db, files, search, config, Payments::sandbox())
    }

    pub fn with_payments(
        db: Db,
        files: FileStore,
        search: Arc<SearchIndex>,
        config: WebConfig,
        payments: Payments,
    ) -> Self {
        let catalog = Catalog::load().expect("the message catalogue compiled into the binary is valid");
        Self(Arc::new(Inner {
            db,
            files,
            search,
            config,
            otp: OtpPolicy::default(),
            catalog: Arc::new(catalog),
            metrics: Metrics::new(),
            payments,
        }))
    }

    pub fn db(&self) -> &Db {
        &self.0.db
    }

    pub fn files(&self) -> &FileStore {
        &self.0.files
    }

    pub fn search(&self) -> &SearchIndex {
        &self.0.search
    }

    pub fn config(&self) -> &WebConfig {
        &self.0.config
    }

    pub fn otp_policy(&self) -> &OtpPolicy {
        &self.0.otp
    }

    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.0.catalog
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    pub fn payments(&self) -> &Payments {
        &self.0.payments
    }
}
