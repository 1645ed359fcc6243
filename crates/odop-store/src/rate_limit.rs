//! Counters of how often something happened per key and time window, in the
//! database so that every node counts together.

use chrono::{DateTime, Duration, Utc};
use odop_domain::auth::RateLimit;

use crate::StoreError;
use crate::db::{Db, Tx, dispatch_write, on_tx};

/// A limit was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exceeded {
    pub limit: RateLimit,
    pub retry_after: Duration,
}

const HIT: &str = "INSERT INTO rate_limits (bucket, window_start, count) VALUES ($1, $2, 1) \
                   ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_limits.count + 1 \
                   RETURNING count";

/// Counts one more event for `key` under `limit`, and says whether it went
/// over. The count is kept even when it goes over, so that hammering a
/// limit does not reset it.
pub async fn hit(
    tx: &mut Tx,
    limit: &RateLimit,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), Exceeded>, StoreError> {
    let bucket = format!("{}:{key}", limit.name);
    let window = limit.window_start(now);
    let count: i64 = on_tx!(tx, t => {
        sqlx::query_scalar(HIT).bind(&bucket).bind(window).fetch_one(&mut **t).await?
    });
    if count > i64::from(limit.max) {
        Ok(Err(Exceeded {
            limit: *limit,
            retry_after: limit.retry_after(now),
        }))
    } else {
        Ok(Ok(()))
    }
}

/// Deletes counters of windows that ended more than a day ago.
pub async fn prune(db: &Db, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let before = (now - Duration::days(1)).timestamp();
    let deleted = dispatch_write!(db, pool => {
        sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(deleted)
}

/// Counts one event in its own transaction (for limits checked alone).
pub async fn hit_now(
    db: &Db,
    limit: &RateLimit,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), Exceeded>, StoreError> {
    let mut tx = db.begin().await?;
    let outcome = hit(&mut tx, limit, key, now).await?;
    tx.commit().await?;
    Ok(outcome)
}
