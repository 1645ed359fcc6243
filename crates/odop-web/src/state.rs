use std::sync::Arc;

use odop_store::Db;

use crate::i18n::Catalog;
use crate::metrics::Metrics;

/// What every handler may use. Cloning is cheap: it is one `Arc`.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    db: Db,
    catalog: Arc<Catalog>,
    metrics: Metrics,
}

impl AppState {
    pub fn new(db: Db) -> Self {
        let catalog = Catalog::load().expect("the message catalogue compiled into the binary is valid");
        Self(Arc::new(Inner {
            db,
            catalog: Arc::new(catalog),
            metrics: Metrics::new(),
        }))
    }

    pub fn db(&self) -> &Db {
        &self.0.db
    }

    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.0.catalog
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }
}
