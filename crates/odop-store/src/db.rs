//! Connecting to either backend, migrating it, and the few places where the
//! two SQL dialects differ.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Postgres, Sqlite, Transaction};

use crate::StoreError;
use crate::group_commit::GroupCommit;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a request waits for a connection, or SQLite for a lock, before
/// giving up with an error instead of hanging.
const WAIT_LIMIT: Duration = Duration::from_secs(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A pool of connections to one database. Cloning is cheap and shares the pool.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqliteDb),
    Postgres(PgPool),
}

/// A SQLite file opened for reading and for writing. SQLite lets one
/// connection write at a time, so writes get a connection of their own
/// instead of sharing the readers' pool. Shared, a write transaction that
/// had its turn still waited for a free connection while readers held all
/// of them, and every writer queued behind it. Its own connection also keeps
/// its page cache: SQLite drops a connection's cache whenever another one
/// has committed, so writes spread over the readers' connections read their
/// index pages from scratch on every commit.
#[derive(Clone, Debug)]
pub struct SqliteDb {
    reads: SqlitePool,
    writes: SqlitePool,
    /// None for an in-memory database, which another connection would not see.
    direct: Option<DirectWriter>,
}

impl SqliteDb {
    /// The pool for reading (several connections, each reading a snapshot).
    pub fn reads(&self) -> &SqlitePool {
        &self.reads
    }

    /// The one connection that writes, taken after the writer's turn.
    pub(crate) fn writes(&self) -> &SqlitePool {
        &self.writes
    }
}

/// The SQLite connection that use cases written with `statements` write
/// through: opened with rusqlite, so that a transaction's statements run on
/// the caller's thread instead of one hand-off each to sqlx's connection
/// thread (see `statements`). Used only while holding the writer's turn,
/// which is what serialises writers; the mutex only satisfies the compiler.
/// It has its own page cache and statement cache; the other writing
/// connection (sqlx's, for migrations and the remaining use cases) is rarely
/// used, so the caches survive most commits.
#[derive(Clone)]
pub(crate) struct DirectWriter {
    connection: Arc<std::sync::Mutex<rusqlite::Connection>>,
    /// The writers' pool, whose file names the writer's turn.
    writes: SqlitePool,
}

impl std::fmt::Debug for DirectWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectWriter").finish_non_exhaustive()
    }
}

impl DirectWriter {
    /// Statements kept prepared: every statement of the write use cases,
    /// with room for the ones whose text depends on a count.
    const KEPT_STATEMENTS: usize = 128;

    fn open(writes: &SqlitePool) -> Result<Self, StoreError> {
        use rusqlite::OpenFlags;
        let path = writes.connect_options().get_filename().to_path_buf();
        // sqlx's writer has created the file and switched it to WAL.
        let connection = rusqlite::Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(WAIT_LIMIT)?;
        connection.execute_batch(&format!(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = {WRITER_CACHE};"
        ))?;
        connection.set_prepared_statement_cache_capacity(Self::KEPT_STATEMENTS);
        Ok(Self {
            connection: Arc::new(std::sync::Mutex::new(connection)),
            writes: writes.clone(),
        })
    }

    /// Takes the writer's turn for one transaction.
    pub(crate) async fn begin(&self) -> Result<DirectWriting<'_>, StoreError> {
        let turn = writer_turn(&self.writes).await?;
        Ok(DirectWriting { writer: self, turn })
    }
}

/// The writer's turn, held for one transaction on the [`DirectWriter`].
pub(crate) struct DirectWriting<'w> {
    writer: &'w DirectWriter,
    turn: WriterTurn,
}

impl DirectWriting<'_> {
    /// The connection, for statements that do not wait.
    pub(crate) fn connection(&self) -> std::sync::MutexGuard<'_, rusqlite::Connection> {
        // A panic inside a transaction left nothing behind: the transaction
        // rolled back as it unwound (`DirectTx`'s drop).
        self.writer
            .connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Hands the turn to the next writer and, after a commit, returns once
    /// the commit is on disk.
    pub(crate) async fn finish(self, committed: bool) -> Result<(), StoreError> {
        if committed {
            self.turn.committed().await?;
        }
        Ok(())
    }
}

/// Runs `$body` with `$pool` bound to the concrete pool of either backend
/// (on SQLite, the readers' pool). The body is compiled once per backend, so
/// it may use any sqlx API that both support, with each backend's native
/// types.
macro_rules! dispatch {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite(sqlite) => {
                let $pool = sqlite.reads();
                $body
            }
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use dispatch;

/// Like `dispatch!`, for a statement that writes on its own (outside a
/// `Tx`): on SQLite it first takes this process's turn to write and then
/// the writing connection, so that it queues with the write transactions
/// instead of sleeping in SQLite's busy handler. Untaken, a payment's insert
/// waited there up to 2 s during checkout load. Like a transaction's commit,
/// it returns once the change is on disk (see `group_commit`).
macro_rules! dispatch_write {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite(sqlite) => {
                let turn = $crate::db::writer_turn(sqlite.writes()).await?;
                let $pool = sqlite.writes();
                let done = $body;
                turn.committed().await?;
                done
            }
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use dispatch_write;

/// The writing connection's page cache (negative: KiB), larger than
/// SQLite's 2 MiB default because that one connection touches the indexes of
/// every table written during checkout, and keeps them between commits.
const WRITER_CACHE: &str = "-16384";

/// Whether a commit waits for the disk before it is acknowledged. By default
/// it does, so an acknowledged order survives a power cut, not only a crash
/// of odop; commits close together share one flush (`group_commit`).
/// `ODOP_SQLITE_SYNCHRONOUS=normal`: commits reach the disk at the next WAL
/// checkpoint; an acknowledged order still survives `kill -9` of odop (the
/// operating system holds it), but a power cut or kernel crash may lose the
/// last moments. For machines whose disk is the bottleneck and whose power
/// is protected.
fn commits_wait_for_disk() -> bool {
    !matches!(
        std::env::var("ODOP_SQLITE_SYNCHRONOUS").as_deref(),
        Ok("normal") | Ok("NORMAL")
    )
}

/// A transaction on either backend. Use cases that write several rows
/// together run them in one of these, through helpers that take `&mut Tx`.
/// A SQLite write transaction also holds this process's turn to write.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>, Option<WriterTurn>),
    Postgres(Transaction<'static, Postgres>),
}

/// The turn of one write transaction on a SQLite file in this process.
pub struct WriterTurn {
    queue: tokio::sync::OwnedMutexGuard<()>,
    commits: Arc<GroupCommit>,
}

impl WriterTurn {
    /// Call once SQLite has committed: hands the turn to the next writer,
    /// then returns when the commit is on disk.
    pub(crate) async fn committed(self) -> Result<(), StoreError> {
        let WriterTurn { queue, commits } = self;
        let commit = commits.record();
        drop(queue);
        commits.durable(commit).await
    }
}

/// What the writers to one SQLite file in this process share.
#[derive(Debug, Default)]
struct Writers {
    queue: Arc<tokio::sync::Mutex<()>>,
    commits: std::sync::OnceLock<Arc<GroupCommit>>,
}

/// Writers to a SQLite file queue here, in this process, for their turn.
/// SQLite lets one writer in at a time; without a queue the others wait in
/// SQLite's busy handler, which sleeps 1, 2, 5… up to 100 ms between tries,
/// so the lock often stands idle while they sleep, and under load a few
/// unlucky writers wait for seconds. A fair queue hands the lock on at once.
/// (Other processes on the same file, such as `odop gen`, still meet the
/// busy handler.)
pub(crate) async fn writer_turn(pool: &SqlitePool) -> Result<WriterTurn, StoreError> {
    let writers = writers_of(pool.connect_options().get_filename());
    let commits = writers.commits.get_or_init(|| Arc::new(group_commit_for(pool))).clone();
    // As long as SQLite itself would wait for the lock, and then the same
    // error: a transaction that waits on itself fails instead of hanging.
    let queue = tokio::time::timeout(WAIT_LIMIT, writers.queue.clone().lock_owned())
        .await
        .map_err(|_| StoreError::from(sqlx::Error::PoolTimedOut))?;
    Ok(WriterTurn { queue, commits })
}

/// The writers' queue and commits of the SQLite file at `path`, shared by
/// every pool this process opens on it.
fn writers_of(path: &std::path::Path) -> Arc<Writers> {
    static WRITERS: std::sync::LazyLock<std::sync::Mutex<HashMap<std::path::PathBuf, Arc<Writers>>>> =
        std::sync::LazyLock::new(Default::default);
    WRITERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(path.to_path_buf())
        .or_default()
        .clone()
}

fn group_commit_for(pool: &SqlitePool) -> GroupCommit {
    let options = pool.connect_options();
    let path = options.get_filename();
    if commits_wait_for_disk() && path != std::path::Path::new(":memory:") {
        GroupCommit::flushing(path)
    } else {
        GroupCommit::unflushed()
    }
}

/// Runs `$body` with `$tx` bound to the concrete transaction; the body
/// passes `&mut **$tx` as the executor.
macro_rules! on_tx {
    ($tx:expr, $t:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite($t, _) => $body,
            $crate::db::Tx::Postgres($t) => $body,
        }
    };
}
pub(crate) use on_tx;

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            // The turn passes to the next writer once SQLite has committed,
            // before the commit is on disk.
            Tx::Sqlite(tx, turn) => {
                tx.commit().await?;
                if let Some(turn) = turn {
                    turn.committed().await?;
                }
            }
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// What `migrate` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MigrationReport {
    /// Migrations applied by this call.
    pub applied: usize,
    /// Migrations the database now has.
    pub total: usize,
}

/// A pooled connection used this recently is handed out without a ping.
const TRUSTED_AFTER_USE: Duration = Duration::from_secs(1);

/// Pool settings shared by every pool: a bounded wait for a connection,
/// and a liveness check only for connections that have sat idle.
///
/// By default sqlx pings every connection it hands out. That is one more
/// round trip per request: on PostgreSQL a message to the server and back
/// before the page's one query, on SQLite a hop to the connection's worker
/// thread, which for the writer happens inside the writer's turn. A
/// connection that answered a moment ago is almost surely still there, so
/// (as HikariCP does with its alive-bypass window) only one idle for longer
/// than `TRUSTED_AFTER_USE` is pinged; a dead one is then replaced before
/// anyone sees it.
fn checked_when_idle<DB: sqlx::Database>(options: sqlx::pool::PoolOptions<DB>) -> sqlx::pool::PoolOptions<DB> {
    use sqlx::Connection;
    options
        .acquire_timeout(WAIT_LIMIT)
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                // A connection last used before a connection was found lost
                // may have been lost with it (a server restart ends them
                // all): it is checked too, and replaced if dead.
                let last_used = chrono::Utc::now().timestamp_millis()
                    - i64::try_from(meta.idle_for.as_millis()).unwrap_or(i64::MAX);
                if meta.idle_for > TRUSTED_AFTER_USE || last_used <= crate::error::connection_lost_at() {
                    connection.ping().await?;
                }
                Ok(true)
            })
        })
}

impl Db {
    /// Opens a pool for `url`: `sqlite:PATH` (the file is created when
    /// missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Self::open_sqlite(SqliteConnectOptions::from_str(url)?).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?.application_name("odop");
            let pool = checked_when_idle(PgPoolOptions::new())
                .max_connections(16)
                .connect_with(options)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }

    /// Opens (creating when missing) the SQLite database in `path`. Taking a
    /// path rather than a URL spares data directories with spaces or `#` in
    /// their names from URL escaping.
    pub async fn open_sqlite_file(path: &std::path::Path) -> Result<Self, StoreError> {
        Self::open_sqlite(SqliteConnectOptions::new().filename(path)).await
    }

    async fn open_sqlite(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        tracing::debug!(commits_wait_for_disk = commits_wait_for_disk(), "opening SQLite");
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Commits do not flush the log themselves; the group commit
            // flushes it before they are acknowledged.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(WAIT_LIMIT)
            .foreign_keys(true);
        // The writer opens first: it creates the file and switches it to WAL
        // before the readers look at it.
        let writes = checked_when_idle(SqlitePoolOptions::new())
            .max_connections(1)
            .connect_with(options.clone().pragma("cache_size", WRITER_CACHE))
            .await?;
        let reads = checked_when_idle(SqlitePoolOptions::new())
            .max_connections(8)
            .connect_with(options)
            .await?;
        // A database in memory has no file a second connection could open.
        let direct = if writes.connect_options().get_filename().is_file() {
            Some(DirectWriter::open(&writes)?)
        } else {
            None
        };
        Ok(Db::Sqlite(SqliteDb { reads, writes, direct }))
    }

    /// The connection that write transactions written with `statements`
    /// run on, on a SQLite file.
    pub(crate) fn direct_writer(&self) -> Option<&DirectWriter> {
        match self {
            Db::Sqlite(sqlite) => sqlite.direct.as_ref(),
            Db::Postgres(_) => None,
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Brings the schema up to date. Safe to run from several nodes at once:
    /// on PostgreSQL sqlx holds an advisory lock while migrating.
    pub async fn migrate(&self) -> Result<MigrationReport, StoreError> {
        let before = self.applied_migrations().await;
        match self {
            Db::Sqlite(sqlite) => {
                let turn = writer_turn(sqlite.writes()).await?;
                SQLITE_MIGRATIONS.run(sqlite.writes()).await?;
                turn.committed().await?;
            }
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        let total = self.applied_migrations().await;
        Ok(MigrationReport {
            applied: total - before,
            total,
        })
    }

    /// How many migrations the database has recorded; none before the first run.
    async fn applied_migrations(&self) -> usize {
        let count: Result<i64, _> = dispatch!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await
        });
        count.map_or(0, |n| usize::try_from(n).unwrap_or(0))
    }

    /// Answers whether the database can run a query now.
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Starts a transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so that a transaction that reads and then writes
    /// waits for other writers instead of failing when it upgrades.
    /// A transaction that only reads: on SQLite it takes no write lock.
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(sqlite) => Tx::Sqlite(sqlite.reads().begin().await?, None),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(sqlite) => {
                let turn = writer_turn(sqlite.writes()).await?;
                Tx::Sqlite(sqlite.writes().begin_with("BEGIN IMMEDIATE").await?, Some(turn))
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(sqlite) => {
                sqlite.writes.close().await;
                sqlite.reads.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Opening a transaction that no other writer can interleave with, for work
/// such as seeding that reads, compares and then writes. The two backends
/// need different statements for it, which is why this is a trait.
pub(crate) trait ExclusiveWrite: sqlx::Database {
    async fn begin_exclusive(pool: &Pool<Self>) -> Result<Transaction<'static, Self>, StoreError>;
}

impl ExclusiveWrite for Sqlite {
    async fn begin_exclusive(pool: &Pool<Self>) -> Result<Transaction<'static, Self>, StoreError> {
        // IMMEDIATE takes the write lock at once, so a second writer waits
        // (busy_timeout) instead of failing when it later tries to upgrade.
        Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

impl ExclusiveWrite for Postgres {
    async fn begin_exclusive(pool: &Pool<Self>) -> Result<Transaction<'static, Self>, StoreError> {
        /// An arbitrary key shared by every node; released at commit or rollback.
        const EXCLUSIVE_WRITE_LOCK: i64 = 0x0D0D_5EED;
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(EXCLUSIVE_WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// Opening a transaction that reads one snapshot: several statements that
/// together describe one thing (an order and its parts) see the same
/// moment. SQLite's transactions always do; PostgreSQL's default isolation
/// takes a new snapshot for every statement.
pub(crate) trait SnapshotRead: sqlx::Database {
    async fn begin_snapshot(pool: &Pool<Self>) -> Result<Transaction<'static, Self>, StoreError>;
}

impl SnapshotRead for Sqlite {
    async fn begin_snapshot(pool: &Pool<Self>) -> Result<Transaction<'static, Self>, StoreError> {
        Ok(pool.begin().await?)
    }
}

impl SnapshotRead for Postgres {
    async fn begin_snapshot(pool: &Pool<Self>) -> Result<Transaction<'static, Self>, StoreError> {
        Ok(pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await?)
    }
}

/// The URL with any password replaced, fit for logs and error messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        let cases = [
            (
                "postgres://odop:s3cret@db:5432/odop",
                "postgres://odop:***@db:5432/odop",
            ),
            ("postgres://odop@db/odop", "postgres://odop@db/odop"),
            ("postgres://db/odop", "postgres://db/odop"),
            ("postgres://u:p@ss@db/odop", "postgres://u:***@db/odop"),
            ("sqlite:data/odop.db", "sqlite:data/odop.db"),
        ];
        for (url, shown) in cases {
            assert_eq!(redact_url(url), shown);
        }
    }

    /// A migrated SQLite database in a fresh directory, and its writers' commits.
    async fn fresh_sqlite(name: &str) -> (Db, Arc<GroupCommit>) {
        let dir = std::env::temp_dir().join(format!("odop-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("odop.db");
        let db = Db::open_sqlite_file(&path).await.unwrap();
        db.migrate().await.unwrap();
        let commits = writers_of(&path)
            .commits
            .get()
            .expect("migrating took the writer's turn")
            .clone();
        (db, commits)
    }

    async fn write_one_row(db: &Db, key: &str) {
        let mut tx = db.begin().await.unwrap();
        on_tx!(&mut tx, t => {
            sqlx::query("INSERT INTO rate_limits (bucket, window_start, count) VALUES ($1, 0, 1)")
                .bind(key)
                .execute(&mut **t)
                .await
                .unwrap();
        });
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_write_on_the_direct_connection_is_acknowledged_once_its_commit_is_on_disk() {
        use crate::statements::{Statements, args, write_transaction};
        let (db, commits) = fresh_sqlite("direct-durable").await;
        let before = commits.committed();
        let written: Result<u64, StoreError> = async {
            write_transaction!(&db, s => {
                s.execute(
                    "INSERT INTO rate_limits (bucket, window_start, count) VALUES ($1, 0, 1)",
                    args!["direct"],
                )
                .await
            })
        }
        .await;
        assert_eq!(written.unwrap(), 1);
        assert_eq!(commits.committed(), before + 1);
        assert!(commits.all_flushed());
        // And sqlx's connections read it at once.
        let Db::Sqlite(sqlite) = &db else { unreachable!() };
        let count: i64 = sqlx::query_scalar("SELECT count FROM rate_limits WHERE bucket = 'direct'")
            .fetch_one(sqlite.reads())
            .await
            .unwrap();
        assert_eq!(count, 1);
    }

    #[tokio::test]
    async fn the_sqlite_returns_migration_rebuilds_sub_orders_keeping_their_rows_and_references() {
        let dir = std::env::temp_dir().join(format!("odop-store-returns-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::open_sqlite_file(&dir.join("odop.db")).await.unwrap();
        let Db::Sqlite(sqlite) = &db else { unreachable!() };
        // The schema as it was before returns, with an order in it.
        SQLITE_MIGRATIONS.run_to(20261126000001, sqlite.writes()).await.unwrap();
        for sql in [
            "INSERT INTO users (id, phone, locale, created_at) VALUES (1, '+919800000001', 'hi', 0)",
            "INSERT INTO orders (id, buyer_user_id, idempotency_key, payment_method, ship_name, ship_phone, ship_line1, \
             ship_city, ship_state, ship_pin, items_paise, tax_paise, delivery_paise, total_paise, created_at) \
             VALUES (1, 1, 'k', 'cod', 'A', '+919800000001', 'L', 'Lucknow', '09', '226001', 100, 5, 0, 100, 0)",
            "INSERT INTO sub_orders (id, order_id, seller_user_id, status, items_paise, cgst_paise, sgst_paise, igst_paise, \
             delivery_paise, total_paise, courier, created_at, updated_at) \
             VALUES (7, 1, 1, 'delivered', 100, 2, 3, 0, 0, 100, 'DTDC', 0, 5)",
            "INSERT INTO order_items (sub_order_id, listing_id, variant_id, title, variant_label, sku, hsn, \
             unit_price_paise, quantity, gst_rate_bp, tax_paise) VALUES (7, 1, 1, 'Kurta', 'M', 'K-M', '6211', 100, 1, 500, 5)",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(sqlite.writes())
                .await
                .unwrap();
        }
        db.migrate().await.unwrap();
        let row: (String, Option<String>, i64) =
            sqlx::query_as("SELECT status, courier, updated_at FROM sub_orders WHERE id = 7")
                .fetch_one(sqlite.writes())
                .await
                .unwrap();
        assert_eq!(
            row,
            ("delivered".to_owned(), Some("DTDC".to_owned()), 5),
            "rows survive the rebuild"
        );
        let broken: Vec<(String, i64, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
            .fetch_all(sqlite.writes())
            .await
            .unwrap();
        assert!(broken.is_empty(), "{broken:?}");
        let enforced: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(sqlite.writes())
            .await
            .unwrap();
        assert_eq!(enforced, 1, "foreign keys are on again after the rebuild");
        let orphan = sqlx::query(
            "INSERT INTO order_items (sub_order_id, listing_id, variant_id, title, variant_label, sku, hsn, \
             unit_price_paise, quantity, gst_rate_bp, tax_paise) VALUES (99, 1, 1, 'K', 'M', 'K-M', '6211', 100, 1, 500, 5)",
        )
        .execute(sqlite.writes())
        .await;
        assert!(orphan.is_err(), "items still refer to the rebuilt sub_orders");
        let returned = sqlx::query("UPDATE sub_orders SET status = 'return_requested' WHERE id = 7")
            .execute(sqlite.writes())
            .await;
        assert!(returned.is_ok(), "{returned:?}");
        let bogus = sqlx::query("UPDATE sub_orders SET status = 'lost' WHERE id = 7")
            .execute(sqlite.writes())
            .await;
        assert!(bogus.is_err(), "the status is still checked");
        db.close().await;
    }

    #[tokio::test]
    async fn a_sqlite_commit_returns_only_once_the_log_holding_it_is_flushed() {
        let (db, commits) = fresh_sqlite("flushed").await;
        for n in 0..5 {
            write_one_row(&db, &format!("flushed-{n}")).await;
            assert!(commits.all_flushed(), "commit {n} was acknowledged before its flush");
        }
        db.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_commits_made_while_a_flush_runs_share_the_next_flush() {
        let (db, commits) = fresh_sqlite("grouped").await;
        let flushes_before = commits.flushes();
        let committed_before = commits.committed();
        let held = commits.hold_flushes().await;
        let writers: Vec<_> = (0..10)
            .map(|n| {
                let db = db.clone();
                tokio::spawn(async move { write_one_row(&db, &format!("grouped-{n}")).await })
            })
            .collect();
        // All ten commit while the flush is held back, then wait for it.
        while commits.committed() < committed_before + 10 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(
            writers.iter().all(|w| !w.is_finished()),
            "a commit was acknowledged before any flush"
        );
        drop(held);
        for writer in writers {
            writer.await.unwrap();
        }
        assert_eq!(
            commits.flushes(),
            flushes_before + 1,
            "one flush covers the ten commits"
        );
        assert!(commits.all_flushed());
        db.close().await;
    }

    #[tokio::test]
    async fn an_unknown_scheme_is_refused_without_echoing_secrets() {
        let err = Db::connect("mysql://root:hunter2@db/odop").await.unwrap_err();
        let message = err.to_string();
        assert!(message.contains("unsupported database URL"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}
