//! The ODOP platform's storage: one interface over SQLite (embedded, the
//! default) and PostgreSQL (for several nodes).
//!
//! Both backends run the same SQL text wherever the dialects agree (sqlx binds
//! `$1`-style parameters on both). Where they differ, the difference lives in
//! the migrations (`migrations/sqlite`, `migrations/postgres`) or in one named
//! function of [`db`]; nowhere else.

pub mod accounts;
pub mod audit;
pub mod backfill;
pub mod bulk;
pub mod carts;
pub mod catalogue;
mod db;
pub mod documents;
mod error;
pub mod files;
mod group_commit;
pub mod gst;
pub mod ledger;
pub mod onboarding;
pub mod orders;
pub mod otp;
pub mod outbox;
pub mod payments;
pub mod payouts;
pub mod polls;
pub mod privacy;
pub mod quiz;
pub mod rate_limit;
pub mod registry;
pub mod reports;
pub mod second_factor;
pub mod seed;
pub mod sessions;
mod statements;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod time;
pub mod vendors;

pub use db::{Backend, Db, MigrationReport, SqliteDb, Tx, redact_url};
pub use error::StoreError;
