//! Statements inside a write transaction, written once for both backends,
//! and SQLite write transactions that run without leaving the caller's
//! thread.
//!
//! sqlx runs each SQLite connection on a thread of its own: every statement
//! is a message to that thread and an answer back (`BEGIN` and `COMMIT` two
//! of each). SQLite lets one transaction write at a time, so while one
//! waits for those hand-offs every other writer waits for it. Measured on
//! two cores during checkout: the write lock was held 97 % of the time, for
//! about 450 µs per transaction of which SQLite's own work was a fraction,
//! and the hand-offs put 45 % of the CPU in the kernel.
//!
//! So use cases that write on a SQLite file run on a connection of their
//! own, opened with rusqlite (`db::DirectWriter`): `BEGIN IMMEDIATE`, the
//! statements (prepared once and kept), `COMMIT`, all at once on the
//! caller's thread while it holds the writer's turn. On PostgreSQL the same
//! code runs through sqlx. A use case is written once, generic over
//! [`Statements`], with the same SQL (`$1` parameters) for both;
//! [`write_transaction!`] picks the connection.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Postgres, Sqlite};

use crate::Db;
use crate::StoreError;
use crate::db::{Tx, dispatch_write, on_tx};
use crate::time::Timestamp;

/// A value bound to a statement's parameter. A null says which type it
/// lacks, because PostgreSQL checks parameter types against their columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Arg<'a> {
    Int(i64),
    Text(&'a str),
    Bool(bool),
    NullInt,
    NullText,
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}

impl From<bool> for Arg<'_> {
    fn from(value: bool) -> Self {
        Arg::Bool(value)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Arg::Text(value)
    }
}

impl From<Timestamp> for Arg<'_> {
    fn from(value: Timestamp) -> Self {
        Arg::Int(value.millis())
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(value: Option<i64>) -> Self {
        value.map_or(Arg::NullInt, Arg::Int)
    }
}

impl From<Option<Timestamp>> for Arg<'_> {
    fn from(value: Option<Timestamp>) -> Self {
        value.map_or(Arg::NullInt, |at| Arg::Int(at.millis()))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(value: Option<&'a str>) -> Self {
        value.map_or(Arg::NullText, Arg::Text)
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(value: &'a Option<String>) -> Self {
        value.as_deref().into()
    }
}

/// The arguments of a statement, each converted into an [`Arg`]:
/// `args![order, "placed", Timestamp(now)]`.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        &[$($crate::statements::Arg::from($value)),*]
    };
}
pub(crate) use args;

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match *self {
            Arg::Int(value) => ToSqlOutput::Owned(Value::Integer(value)),
            // As sqlx stores a bool on SQLite.
            Arg::Bool(value) => ToSqlOutput::Owned(Value::Integer(i64::from(value))),
            Arg::Text(value) => ToSqlOutput::Borrowed(ValueRef::Text(value.as_bytes())),
            Arg::NullInt | Arg::NullText => ToSqlOutput::Owned(Value::Null),
        })
    }
}

/// Binds `args` to a sqlx query of either backend.
fn bind_all<'q, DB>(
    mut query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>,
    args: &[Arg<'q>],
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for arg in args {
        query = match *arg {
            Arg::Int(value) => query.bind(value),
            Arg::Bool(value) => query.bind(value),
            Arg::Text(value) => query.bind(value),
            Arg::NullInt => query.bind(None::<i64>),
            Arg::NullText => query.bind(None::<&str>),
        };
    }
    query
}

/// A column type every driver here decodes.
pub(crate) trait Column:
    rusqlite::types::FromSql
    + for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
{
}

impl<T> Column for T where
    T: rusqlite::types::FromSql
        + for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
{
}

impl rusqlite::types::FromSql for Timestamp {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let millis = value.as_i64()?;
        Timestamp::from_millis(millis).ok_or(rusqlite::types::FromSqlError::OutOfRange(millis))
    }
}

/// A row as any driver here returns it, read by position or by name.
pub(crate) trait Columns {
    fn at<T: Column>(&self, index: usize) -> Result<T, StoreError>;
    fn named<T: Column>(&self, name: &str) -> Result<T, StoreError>;
}

impl Columns for rusqlite::Row<'_> {
    fn at<T: Column>(&self, index: usize) -> Result<T, StoreError> {
        Ok(self.get(index)?)
    }

    fn named<T: Column>(&self, name: &str) -> Result<T, StoreError> {
        Ok(self.get(name)?)
    }
}

impl Columns for SqliteRow {
    fn at<T: Column>(&self, index: usize) -> Result<T, StoreError> {
        Ok(sqlx::Row::try_get(self, index)?)
    }

    fn named<T: Column>(&self, name: &str) -> Result<T, StoreError> {
        Ok(sqlx::Row::try_get(self, name)?)
    }
}

impl Columns for PgRow {
    fn at<T: Column>(&self, index: usize) -> Result<T, StoreError> {
        Ok(sqlx::Row::try_get(self, index)?)
    }

    fn named<T: Column>(&self, name: &str) -> Result<T, StoreError> {
        Ok(sqlx::Row::try_get(self, name)?)
    }
}

/// A value made from one row: tuples of columns by position, structs by
/// column name.
pub(crate) trait FromColumns: Sized {
    fn from_columns(row: &impl Columns) -> Result<Self, StoreError>;
}

macro_rules! tuple_from_columns {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Column),+> FromColumns for ($($t,)+) {
            fn from_columns(row: &impl Columns) -> Result<Self, StoreError> {
                Ok(($(row.at::<$t>($i)?,)+))
            }
        }
    };
}
tuple_from_columns!(A 0);
tuple_from_columns!(A 0, B 1);
tuple_from_columns!(A 0, B 1, C 2);
tuple_from_columns!(A 0, B 1, C 2, D 3);
tuple_from_columns!(A 0, B 1, C 2, D 3, E 4);
tuple_from_columns!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_from_columns!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);

/// The statements of a transaction, on either backend: a SQLite
/// [`DirectTx`], or a [`Tx`] (sqlx, on PostgreSQL or SQLite).
pub(crate) trait Statements {
    /// Which SQL dialect the few statements that differ must use.
    fn is_sqlite(&self) -> bool;

    /// Runs a statement that returns no rows; how many rows it changed.
    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, StoreError>;

    /// Every row a statement returns.
    async fn fetch_all<R: FromColumns>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<R>, StoreError>;

    /// The first row, if any.
    async fn fetch_optional<R: FromColumns>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Option<R>, StoreError> {
        Ok(self.fetch_all(sql, args).await?.into_iter().next())
    }

    /// The first row, which must be there.
    async fn fetch_one<R: FromColumns>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<R, StoreError> {
        self.fetch_optional(sql, args)
            .await?
            .ok_or_else(|| StoreError::from(sqlx::Error::RowNotFound))
    }

    /// The first column of the first row, which must be there.
    async fn scalar<T: Column>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<T, StoreError> {
        Ok(self.fetch_one::<(T,)>(sql, args).await?.0)
    }

    /// The first column of the first row, if any.
    async fn optional_scalar<T: Column>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Option<T>, StoreError> {
        Ok(self.fetch_optional::<(T,)>(sql, args).await?.map(|(value,)| value))
    }
}

impl Statements for Tx {
    fn is_sqlite(&self) -> bool {
        matches!(self, Tx::Sqlite(..))
    }

    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, StoreError> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        Ok(on_tx!(self, t => bind_all(sqlx::query(sql), args).execute(&mut **t).await?.rows_affected()))
    }

    async fn fetch_all<R: FromColumns>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<R>, StoreError> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        on_tx!(self, t => {
            let rows = bind_all(sqlx::query(sql), args).fetch_all(&mut **t).await?;
            rows.iter().map(R::from_columns).collect()
        })
    }
}

/// A write transaction on the SQLite connection kept for them
/// (`db::DirectWriter`): every statement runs at once on the
/// caller's thread, prepared once per connection.
pub(crate) struct DirectTx<'c> {
    connection: &'c rusqlite::Connection,
}

impl<'c> DirectTx<'c> {
    pub(crate) fn begin(connection: &'c rusqlite::Connection) -> Result<Self, StoreError> {
        connection.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Self { connection })
    }

    /// Commits. A commit SQLite refuses leaves the transaction open, and
    /// dropping it rolls back.
    pub(crate) fn commit(self) -> Result<(), StoreError> {
        Ok(self.connection.execute_batch("COMMIT")?)
    }

    /// Prepares `sql` (or takes it from the connection's cache) with `args`
    /// bound by their `$n` numbers: SQLite numbers a statement's parameters
    /// in order of first appearance, so `$2` may be its first and `$1` may
    /// appear twice.
    fn prepare(&self, sql: &str, args: &[Arg<'_>]) -> Result<rusqlite::CachedStatement<'c>, StoreError> {
        let mut statement = self.connection.prepare_cached(sql)?;
        for index in 1..=statement.parameter_count() {
            let number = statement
                .parameter_name(index)
                .and_then(|name| name.strip_prefix('$'))
                .and_then(|number| number.parse::<usize>().ok())
                .ok_or_else(|| StoreError::Corrupt(format!("statement parameters must be $1, $2…: {sql}")))?;
            let arg = args
                .get(number.wrapping_sub(1))
                .ok_or_else(|| StoreError::Corrupt(format!("no argument ${number} for: {sql}")))?;
            statement.raw_bind_parameter(index, arg)?;
        }
        Ok(statement)
    }
}

/// Rolls back whatever is still open: an error, a refused commit, or a
/// panic in the body. The handle goes back to sqlx outside any transaction.
impl Drop for DirectTx<'_> {
    fn drop(&mut self) {
        if !self.connection.is_autocommit()
            && let Err(error) = self.connection.execute_batch("ROLLBACK")
        {
            tracing::error!(%error, "rolling back a SQLite write transaction");
        }
    }
}

impl Statements for DirectTx<'_> {
    fn is_sqlite(&self) -> bool {
        true
    }

    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, StoreError> {
        let mut statement = self.prepare(sql, args)?;
        let changed = statement.raw_execute()?;
        Ok(changed as u64)
    }

    async fn fetch_all<R: FromColumns>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<R>, StoreError> {
        let mut statement = self.prepare(sql, args)?;
        let mut rows = statement.raw_query();
        let mut read = Vec::new();
        while let Some(row) = rows.next()? {
            read.push(R::from_columns(row)?);
        }
        Ok(read)
    }
}

/// Runs a future that must not wait: the body of a [`DirectTx`], whose
/// statements all complete at once. Waiting there would be a bug (it would
/// block the write lock on something else), so it is an error, not a hang.
pub(crate) fn run_now<T, E: From<StoreError>>(body: impl Future<Output = Result<T, E>>) -> Result<T, E> {
    let mut body = pin!(body);
    match body.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(outcome) => outcome,
        Poll::Pending => Err(StoreError::Corrupt("a SQLite write transaction waited on something else".into()).into()),
    }
}

/// Runs one statement that writes, on its own: on PostgreSQL without a
/// transaction around it (one round trip instead of three), on a SQLite
/// file on the direct connection in the writer's turn. Returns how many rows
/// it changed, once the change is durable.
pub(crate) async fn execute_alone(db: &Db, sql: &str, args: &[Arg<'_>]) -> Result<u64, StoreError> {
    if db.direct_writer().is_some() {
        return write_transaction!(db, s => s.execute(sql, args).await);
    }
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    Ok(dispatch_write!(db, pool => bind_all(sqlx::query(sql), args).execute(pool).await?.rows_affected()))
}

/// Runs `$body` in one write transaction with `$s` bound to its
/// [`Statements`]: a [`DirectTx`] on a SQLite file, a [`Tx`] on PostgreSQL
/// (or an in-memory SQLite database, which a second connection would not
/// see). The body is compiled for both and evaluates to a `Result`: `Ok`
/// commits, `Err` rolls back. On SQLite the body must await nothing but
/// `$s`'s statements.
macro_rules! write_transaction {
    ($db:expr, $s:ident => $body:expr) => {
        match $db.direct_writer() {
            Some(writer) => {
                let writing = writer.begin().await?;
                let outcome = {
                    let connection = writing.connection();
                    let mut $s = $crate::statements::DirectTx::begin(&connection)?;
                    match $crate::statements::run_now(async { $body }) {
                        Ok(value) => $s.commit().map(|()| value).map_err(Into::into),
                        Err(error) => Err(error),
                    }
                };
                writing.finish(outcome.is_ok()).await?;
                outcome
            }
            None => {
                let mut $s = $db.begin().await?;
                let outcome = async { $body }.await;
                if outcome.is_ok() {
                    $s.commit().await?;
                }
                outcome
            }
        }
    };
}
pub(crate) use write_transaction;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Db;

    /// `write_transaction!` where `?` cannot leave the test itself.
    macro_rules! in_transaction {
        ($db:expr, $s:ident => $body:expr) => {
            async { write_transaction!($db, $s => $body) }.await
        };
    }

    /// A SQLite file in a fresh directory, with a table `t`.
    async fn fresh_file(name: &str) -> Db {
        let dir = std::env::temp_dir().join(format!("odop-statements-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::open_sqlite_file(&dir.join("odop.db")).await.unwrap();
        let created: Result<(), StoreError> = in_transaction!(&db, s => {
            s.execute("CREATE TABLE t (name TEXT, n BIGINT, flag BOOLEAN)", &[]).await.map(|_| ())
        });
        created.unwrap();
        db
    }

    async fn rows(db: &Db) -> Vec<(Option<String>, Option<i64>, Option<bool>)> {
        let mut tx = db.begin_read().await.unwrap();
        tx.fetch_all("SELECT name, n, flag FROM t ORDER BY n", &[])
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_sqlite_file_writes_through_its_own_connection_and_memory_through_sqlx() {
        let db = fresh_file("which").await;
        assert!(db.direct_writer().is_some());
        let memory = Db::connect("sqlite::memory:").await.unwrap();
        assert!(memory.direct_writer().is_none());
        let written: Result<Vec<(i64,)>, StoreError> = in_transaction!(&memory, s => {
            s.execute("CREATE TABLE m (n BIGINT)", &[]).await?;
            s.execute("INSERT INTO m (n) VALUES ($1)", args![5]).await?;
            s.fetch_all("SELECT n FROM m", &[]).await
        });
        assert_eq!(written.unwrap(), vec![(5,)]);
    }

    #[tokio::test]
    async fn arguments_bind_by_their_numbers_on_both_connections() {
        let db = fresh_file("numbers").await;
        // `$2` comes first and `$1` twice: SQLite would number them 1 and 2
        // in order of appearance, the other way round.
        let sql = "INSERT INTO t (n, name, flag) VALUES ($2, $1 || '-' || $1, $3)";
        let direct: Result<u64, StoreError> = in_transaction!(&db, s => {
            s.execute(sql, args!["direct", 1, true]).await
        });
        assert_eq!(direct.unwrap(), 1);
        let mut tx = db.begin().await.unwrap();
        tx.execute(sql, args!["sqlx", 2, false]).await.unwrap();
        tx.commit().await.unwrap();
        let nulls: Result<u64, StoreError> = in_transaction!(&db, s => {
            s.execute(sql, args![None::<&str>, 3, Arg::NullInt]).await
        });
        nulls.unwrap();
        assert_eq!(
            rows(&db).await,
            vec![
                (Some("direct-direct".into()), Some(1), Some(true)),
                (Some("sqlx-sqlx".into()), Some(2), Some(false)),
                (None, Some(3), None),
            ]
        );
    }

    #[tokio::test]
    async fn an_argument_missing_or_unnumbered_is_an_error_that_writes_nothing() {
        let db = fresh_file("missing").await;
        let missing: Result<u64, StoreError> = in_transaction!(&db, s => {
            s.execute("INSERT INTO t (n) VALUES ($1)", args![1]).await?;
            s.execute("INSERT INTO t (n) VALUES ($2)", args![2]).await
        });
        assert!(matches!(missing, Err(StoreError::Corrupt(message)) if message.contains("$2")));
        let unnumbered: Result<u64, StoreError> = in_transaction!(&db, s => {
            s.execute("INSERT INTO t (n) VALUES (?)", args![1]).await
        });
        assert!(matches!(unnumbered, Err(StoreError::Corrupt(_))));
        assert!(rows(&db).await.is_empty());
    }

    #[tokio::test]
    async fn an_error_rolls_back_the_whole_transaction() {
        let db = fresh_file("error").await;
        let failed: Result<(), StoreError> = in_transaction!(&db, s => {
            s.execute("INSERT INTO t (n) VALUES ($1)", args![1]).await?;
            s.execute("INSERT INTO no_such_table (n) VALUES ($1)", args![2]).await?;
            Ok(())
        });
        assert!(matches!(failed, Err(StoreError::Sqlite(_))));
        assert!(rows(&db).await.is_empty());
        // The connection is free again, outside any transaction.
        let next: Result<u64, StoreError> = in_transaction!(&db, s => {
            s.execute("INSERT INTO t (n) VALUES ($1)", args![3]).await
        });
        next.unwrap();
        assert_eq!(rows(&db).await, vec![(None, Some(3), None)]);
    }

    fn a_bug() -> Result<(), StoreError> {
        panic!("a bug in the middle of a transaction")
    }

    #[tokio::test]
    async fn a_panic_in_a_transaction_rolls_it_back_and_writers_go_on() {
        let db = fresh_file("panic").await;
        let panicking = db.clone();
        let outcome = tokio::spawn(async move {
            let _: Result<(), StoreError> = in_transaction!(&panicking, s => {
                s.execute("INSERT INTO t (n) VALUES ($1)", args![1]).await?;
                a_bug()
            });
        })
        .await;
        assert!(outcome.unwrap_err().is_panic());
        let next: Result<u64, StoreError> = in_transaction!(&db, s => {
            s.execute("INSERT INTO t (n) VALUES ($1)", args![2]).await
        });
        next.unwrap();
        assert_eq!(rows(&db).await, vec![(None, Some(2), None)]);
    }

    #[tokio::test]
    async fn a_body_that_waits_on_anything_else_is_refused_and_writes_nothing() {
        let db = fresh_file("waits").await;
        let waited: Result<(), StoreError> = in_transaction!(&db, s => {
            s.execute("INSERT INTO t (n) VALUES ($1)", args![1]).await?;
            tokio::task::yield_now().await;
            Ok(())
        });
        assert!(matches!(waited, Err(StoreError::Corrupt(message)) if message.contains("waited")));
        assert!(rows(&db).await.is_empty());
    }
}
