//! Group commit for a SQLite file: commits that come close together share
//! one flush to disk, and none is acknowledged before its flush.
//!
//! With `synchronous=FULL`, SQLite flushes the write-ahead log inside every
//! commit, while the writer still holds the only write lock. On this
//! project's machines a flush takes 0.3–0.7 ms; checkout makes four commits
//! per order, so the flushes alone capped it near 300 orders/s, with the
//! cores mostly idle. Here the writing connection commits with
//! `synchronous=NORMAL` (SQLite appends the log but does not flush it), hands
//! the write lock to the next writer, and only then waits until a flush of
//! the log covers its commit. Whoever finds no flush running starts one that
//! covers every commit made so far; commits made meanwhile wait for the next.
//!
//! Durability is unchanged for everything acknowledged: a caller returns from
//! a commit only after the log holding it is on disk, and the log is
//! replayed in order, so a power cut loses at most commits nobody was told
//! about, and always a suffix of them. What differs is that other
//! connections may read a commit a fraction of a millisecond before it is
//! on disk (never a commit that a power cut would keep while losing an
//! earlier one).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::StoreError;

/// How commits on one SQLite file reach the disk.
#[derive(Debug)]
pub(crate) struct GroupCommit {
    /// The write-ahead log to flush; `None` when commits are not flushed
    /// before they are acknowledged (an in-memory database, or
    /// `ODOP_SQLITE_SYNCHRONOUS=normal`).
    log: Option<PathBuf>,
    /// Commits made so far, numbered in the order the writer made them.
    committed: AtomicU64,
    /// Every commit numbered up to this one is on disk.
    flushed: AtomicU64,
    /// Flushes done, for tests and diagnostics.
    flushes: AtomicU64,
    /// Held while one flush runs; the queue of commits waiting for theirs.
    flushing: tokio::sync::Mutex<()>,
}

/// A commit that was made and may not be on disk yet.
#[must_use = "a commit is acknowledged only after `durable` returns"]
#[derive(Debug)]
pub(crate) struct Committed(u64);

impl GroupCommit {
    /// Commits on the database file `database` are flushed through its
    /// write-ahead log, `{database}-wal`.
    pub(crate) fn flushing(database: &std::path::Path) -> Self {
        let mut log = database.as_os_str().to_owned();
        log.push("-wal");
        Self::new(Some(PathBuf::from(log)))
    }

    /// Commits are acknowledged as soon as SQLite has made them.
    pub(crate) fn unflushed() -> Self {
        Self::new(None)
    }

    fn new(log: Option<PathBuf>) -> Self {
        Self {
            log,
            committed: AtomicU64::new(0),
            flushed: AtomicU64::new(0),
            flushes: AtomicU64::new(0),
            flushing: tokio::sync::Mutex::new(()),
        }
    }

    /// Numbers a commit SQLite has just made. Call it while still holding
    /// the writer's turn, so that numbers follow the order of the log.
    pub(crate) fn record(&self) -> Committed {
        Committed(self.committed.fetch_add(1, Ordering::SeqCst) + 1)
    }

    /// Returns once `commit` is on disk, flushing the log if no flush that
    /// covers it has run or is running.
    pub(crate) async fn durable(&self, commit: Committed) -> Result<(), StoreError> {
        let Some(log) = &self.log else { return Ok(()) };
        if self.flushed.load(Ordering::SeqCst) >= commit.0 {
            return Ok(());
        }
        let _flushing = self.flushing.lock().await;
        // The flush that held the lock may have covered this commit.
        if self.flushed.load(Ordering::SeqCst) >= commit.0 {
            return Ok(());
        }
        // Every commit numbered so far has been written to the log file, so
        // this flush covers all of them, not only this one.
        let covers = self.committed.load(Ordering::SeqCst);
        let log = log.clone();
        tokio::task::spawn_blocking(move || flush(&log))
            .await
            .map_err(|error| StoreError::Unavailable(format!("flushing the database log stopped: {error}")))??;
        self.flushes.fetch_add(1, Ordering::SeqCst);
        self.flushed.fetch_max(covers, Ordering::SeqCst);
        Ok(())
    }

    /// How many flushes have run (each may cover many commits).
    #[cfg(test)]
    pub(crate) fn flushes(&self) -> u64 {
        self.flushes.load(Ordering::SeqCst)
    }

    /// How many commits have been numbered.
    #[cfg(test)]
    pub(crate) fn committed(&self) -> u64 {
        self.committed.load(Ordering::SeqCst)
    }

    /// Whether every commit numbered so far is on disk.
    #[cfg(test)]
    pub(crate) fn all_flushed(&self) -> bool {
        self.flushed.load(Ordering::SeqCst) >= self.committed.load(Ordering::SeqCst)
    }

    /// Keeps flushes from starting while the guard lives, so that a test
    /// can gather commits into one group.
    #[cfg(test)]
    pub(crate) async fn hold_flushes(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.flushing.lock().await
    }
}

/// Flushes the log file's data to disk. The file is opened by name each
/// time: SQLite may have deleted and recreated it since the last flush, and
/// `fsync` on any descriptor of a file flushes all of that file's data.
fn flush(log: &std::path::Path) -> Result<(), StoreError> {
    match std::fs::File::open(log) {
        Ok(file) => file.sync_data(),
        // No log means SQLite has checkpointed it into the database and
        // removed it, which it does only after flushing both.
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
    .map_err(|error| StoreError::Unavailable(format!("could not flush {}: {error}", log.display())))
}
