//! Helpers for tests in other crates (feature `test-support`): never compiled
//! into the `odop` binary.

use crate::db::{Db, dispatch};

/// Runs one statement, panicking on failure: tests use it to disturb data.
pub async fn execute(db: &Db, statement: &'static str) {
    dispatch!(db, pool => {
        sqlx::query(statement).execute(pool).await.expect("the test statement runs");
    });
}

/// Runs one statement and says whether the database refused it.
pub async fn try_execute(db: &Db, statement: &'static str) -> Result<u64, String> {
    dispatch!(db, pool => {
        sqlx::query(statement).execute(pool).await.map(|done| done.rows_affected()).map_err(|e| e.to_string())
    })
}

/// Runs one statement made at run time (benchmarks set up data with it).
pub async fn execute_owned(db: &Db, statement: String) {
    dispatch!(db, pool => {
        sqlx::query(sqlx::AssertSqlSafe(statement)).execute(pool).await.expect("the statement runs");
    });
}

/// Every (table, column) of the application's schema, sorted, so that the
/// two backends' migrations can be compared.
pub async fn columns(db: &Db) -> Vec<(String, String)> {
    let mut columns: Vec<(String, String)> = match db {
        Db::Sqlite(sqlite) => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
        )
        .fetch_all(sqlite.reads())
        .await
        .expect("the schema is readable"),
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(pool)
        .await
        .expect("the schema is readable"),
    };
    columns.sort();
    columns
}

/// The pairs of integers a query made at run time returns (benchmarks pick
/// their work with it).
pub async fn pairs(db: &Db, query: String) -> Vec<(i64, i64)> {
    dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(query)).fetch_all(pool).await.expect("the query runs")
    })
}
