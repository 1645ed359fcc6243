/// What can go wrong below the web layer. Callers decide what a user sees:
/// every variant here is a fault of the system or its data, never of the
/// request, because requests are validated before they reach the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unreachable: {0}")]
    Unavailable(String),
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
        matches!(self, StoreError::Unavailable(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(error.to_string())
            }
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
