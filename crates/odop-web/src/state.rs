use std::sync::Arc;

use odop_domain::auth::OtpPolicy;
use odop_search::SearchIndex;
use odop_store::Db;
use odop_store::files::FileStore;

use crate::i18n::Catalog;
use crate::listing_cache::ListingCache;
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
    /// absolute links that share cards need; without it, the request's host
    /// (which `odop serve` allows only when it listens on loopback).
    pub public_url: Option<String>,
    /// A token that opens `/metrics` on the site's own address (sent as
    /// `Authorization: Bearer …`); without it, `/metrics` there is not
    /// found, and metrics are read on the separate metrics address.
    pub metrics_token: Option<String>,
    /// The platform's signing keys, read from their directory at start.
    pub keys: Arc<odop_trust::KeyRing>,
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
    /// The registry as last read, and when: it changes only when seeded.
    registry: Kept<odop_domain::registry::Registry>,
    /// Listings on sale per district slug, as last counted.
    on_sale: Kept<Vec<(String, i64)>>,
    /// Public listings for product pages (see `listing_cache`).
    listings: Arc<ListingCache>,
    /// The listings sold most lately, as last counted.
    best_sellers: Kept<Vec<i64>>,
}

/// How long a copy of the registry or of the per-district counts serves
/// before it is read again. Both change rarely (the registry only when
/// seeded); a minute of staleness costs nothing, while reading them for
/// every page cost milliseconds each (the registry is three queries and a
/// consistency check; the counts scan every listing).
const KEEP_FOR: std::time::Duration = std::time::Duration::from_secs(60);

/// A value read from the database, kept for `KEEP_FOR`.
#[derive(Debug)]
struct Kept<T>(std::sync::RwLock<Option<(std::time::Instant, Arc<T>)>>);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept(std::sync::RwLock::new(None))
    }
}

impl<T> Kept<T> {
    fn fresh(&self) -> Option<Arc<T>> {
        let kept = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.as_ref()
            .filter(|(at, _)| at.elapsed() < KEEP_FOR)
            .map(|(_, value)| value.clone())
    }

    fn keep(&self, value: T) -> Arc<T> {
        let value = Arc::new(value);
        *self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some((std::time::Instant::now(), value.clone()));
        value
    }
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
            registry: Kept::default(),
            on_sale: Kept::default(),
            listings: Arc::default(),
            best_sellers: Kept::default(),
        }))
    }

    /// The listings kept for product pages; the search follower tells it
    /// which listings changed.
    pub fn listing_cache(&self) -> &Arc<ListingCache> {
        &self.0.listings
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

    /// The districts, divisions and ODOP products, read at most once a
    /// minute (several requests may read it at once when it expires).
    pub async fn registry(&self) -> Result<Arc<odop_domain::registry::Registry>, odop_store::StoreError> {
        if let Some(registry) = self.0.registry.fresh() {
            return Ok(registry);
        }
        Ok(self.0.registry.keep(odop_store::registry::load(&self.0.db).await?))
    }

    /// The listings that sold the most units in the last 90 days, best
    /// first, counted at most once a minute: the home page's "popular".
    pub async fn best_sellers(&self) -> Result<Arc<Vec<i64>>, odop_store::StoreError> {
        if let Some(ids) = self.0.best_sellers.fresh() {
            return Ok(ids);
        }
        let since = chrono::Utc::now() - chrono::Duration::days(90);
        Ok(self
            .0
            .best_sellers
            .keep(odop_store::orders::best_sellers(&self.0.db, since, 12).await?))
    }

    /// How many listings are on sale in each district, by slug, counted at
    /// most once a minute.
    pub async fn listings_on_sale(&self) -> Result<Arc<Vec<(String, i64)>>, odop_store::StoreError> {
        if let Some(counts) = self.0.on_sale.fresh() {
            return Ok(counts);
        }
        Ok(self
            .0
            .on_sale
            .keep(odop_store::quiz::listings_by_district(&self.0.db).await?))
    }
}
