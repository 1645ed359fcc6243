use std::sync::atomic::{AtomicI64, Ordering};

/// What can go wrong below the web layer. Callers decide what a user sees:
/// every variant here is a fault of the system or its data, never of the
/// request, because requests are validated before they reach the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unreachable: {0}")]
    Unavailable(String),
    /// The connection a statement ran on was lost: the server restarted,
    /// an administrator ended it, the network dropped it. The same
    /// statement on another connection may well succeed.
    #[error("database connection lost: {0}")]
    ConnectionLost(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// From a SQLite write transaction run on the connection's handle
    /// (`statements::DirectTx`).
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("the database holds invalid data: {0}")]
    Corrupt(String),
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://USER@HOST/DATABASE")]
    UnsupportedUrl(String),
    #[error("the embedded seed data is invalid: {0}")]
    Seed(String),
    #[error("file storage failed: {0}")]
    Files(String),
}

impl StoreError {
    /// Whether the fault may go away by itself (the database is down,
    /// restarting or overloaded), so that a client should retry later.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Unavailable(_) | StoreError::ConnectionLost(_))
    }
}

/// Whether a database error says that the connection itself is gone:
/// SQLSTATE class 08 (connection exceptions) and 57P01–57P03 (the server
/// shutting down by an administrator's command, crashing, or not yet
/// accepting connections), as PostgreSQL reports them.
fn connection_lost(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(database) => database
            .code()
            .is_some_and(|code| code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

/// The moment (milliseconds since the Unix epoch) a connection was last
/// found lost, or 0. Pools ping every connection last used before it, so
/// that the connections a restart killed are replaced before anyone gets
/// them, instead of failing one request each.
static CONNECTION_LOST_AT: AtomicI64 = AtomicI64::new(0);

pub(crate) fn connection_lost_at() -> i64 {
    CONNECTION_LOST_AT.load(Ordering::Relaxed)
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if connection_lost(&error) {
            CONNECTION_LOST_AT.fetch_max(chrono::Utc::now().timestamp_millis(), Ordering::Relaxed);
            return StoreError::ConnectionLost(error.to_string());
        }
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => StoreError::Unavailable(error.to_string()),
            other => StoreError::Database(other),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match error.sqlite_error_code() {
            // Another process held the file's write lock past the busy
            // timeout: like a pool that timed out, it may pass.
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Unavailable(error.to_string()),
            _ => StoreError::Sqlite(error),
        }
    }
}
