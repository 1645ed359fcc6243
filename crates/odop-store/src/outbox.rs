//! The notification outbox: every message to a person (a one-time code, a
//! decision on an application, later an order) is written here in the same
//! transaction as the event it reports, and delivered by a worker that
//! retries. Nothing is sent from inside a request.

use chrono::{DateTime, Duration, Utc};

use crate::StoreError;
use crate::db::{Backend, Db, Tx, dispatch, dispatch_write};
use crate::statements::{Arg, Statements, args};
use crate::time::Timestamp;

/// How messages travel. Only SMS for now; WhatsApp goes through the same
/// HTTP sender with another template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Sms,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
        }
    }
}

/// A message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    pub channel: Channel,
    /// A phone number in E.164 form.
    pub recipient: String,
    pub body: String,
    /// Whether the body must be erased once delivered (one-time codes).
    pub sensitive: bool,
    /// What the message is about, for logs and the dev outbox: `otp`, `application`…
    pub kind: &'static str,
}

/// Writes a message to the outbox, inside the caller's transaction.
pub async fn enqueue(tx: &mut Tx, message: &NewMessage, now: DateTime<Utc>) -> Result<i64, StoreError> {
    enqueue_in(tx, message, now).await
}

/// Writes a message to the outbox, inside the caller's statements.
pub(crate) async fn enqueue_in(
    s: &mut impl Statements,
    message: &NewMessage,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    s.scalar(
        "INSERT INTO outbox (channel, recipient, body, sensitive, kind, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6) RETURNING id",
        args![
            message.channel.code(),
            &message.recipient,
            &message.body,
            message.sensitive,
            message.kind,
            Timestamp(now)
        ],
    )
    .await
}

/// Writes several messages to the outbox in one statement, inside the
/// caller's transaction.
pub(crate) async fn enqueue_all(
    s: &mut impl Statements,
    messages: &[NewMessage],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if messages.is_empty() {
        return Ok(());
    }
    let rows: Vec<String> = (0..messages.len())
        .map(|i| {
            let p = 5 * i + 2;
            format!(
                "(${p}, ${}, ${}, ${}, ${}, 'pending', 0, $1, $1)",
                p + 1,
                p + 2,
                p + 3,
                p + 4
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO outbox (channel, recipient, body, sensitive, kind, status, attempts, next_attempt_at, created_at) \
         VALUES {}",
        rows.join(", ")
    );
    let mut values: Vec<Arg<'_>> = Vec::with_capacity(1 + 5 * messages.len());
    values.push(Timestamp(now).into());
    for message in messages {
        values.extend([
            Arg::from(message.channel.code()),
            Arg::from(&message.recipient),
            Arg::from(&message.body),
            Arg::from(message.sensitive),
            Arg::from(message.kind),
        ]);
    }
    s.execute(&sql, &values).await?;
    Ok(())
}

/// A message a worker has taken to deliver.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub body: Option<String>,
    pub sensitive: bool,
    pub kind: String,
    /// Including this one.
    pub attempts: i64,
}

/// Takes up to `limit` messages that are due, holding them for `lease` so
/// that no other worker takes them meanwhile. A worker that dies releases
/// them when the lease runs out.
pub async fn claim_due(db: &Db, now: DateTime<Utc>, lease: Duration, limit: i64) -> Result<Vec<Claimed>, StoreError> {
    // PostgreSQL lets several workers claim at once without waiting on each
    // other (SKIP LOCKED); SQLite has one writer at a time, so the plain
    // statement is already exclusive there.
    const CLAIM: &str = "UPDATE outbox SET locked_until = $1, attempts = attempts + 1 WHERE id IN ( \
         SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
         AND (locked_until IS NULL OR locked_until <= $2) ORDER BY id LIMIT $3 {lock}) \
         RETURNING id, channel, recipient, body, sensitive, kind, attempts";
    let lease_end = Timestamp(now + lease);
    let now = Timestamp(now);
    let lock = match db.backend() {
        Backend::Sqlite => "",
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
    };
    let sql = CLAIM.replace("{lock}", lock);
    // One statement with the writer's turn: on SQLite it queues with the
    // other writers instead of sleeping in SQLite's busy handler.
    let mut claimed: Vec<Claimed> = dispatch_write!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(lease_end)
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?
    });
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// Records deliveries, all in one statement (one commit and one round trip
/// for a batch rather than one per message); a sensitive body is erased at
/// the same time unless `keep_sensitive` (development, where the dev outbox
/// page shows codes).
pub async fn mark_sent(db: &Db, ids: &[i64], now: DateTime<Utc>, keep_sensitive: bool) -> Result<(), StoreError> {
    // A claimed batch is small; chunks keep any caller within SQLite's limit
    // on a statement's parameters.
    for chunk in ids.chunks(500) {
        let list = (3..chunk.len() + 3)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE outbox SET status = 'sent', sent_at = $1, locked_until = NULL, last_error = NULL, \
             body = CASE WHEN sensitive AND NOT $2 THEN NULL ELSE body END WHERE id IN ({list})"
        );
        dispatch_write!(db, pool => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(Timestamp(now)).bind(keep_sensitive);
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(pool).await?;
        });
    }
    Ok(())
}

/// Records a failed attempt: the message is tried again at `retry_at`, or
/// given up (and its sensitive body erased) when `retry_at` is `None`.
pub async fn mark_failed(db: &Db, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<(), StoreError> {
    let error: String = error.chars().take(500).collect();
    dispatch_write!(db, pool => {
        match retry_at {
            Some(at) => {
                sqlx::query("UPDATE outbox SET next_attempt_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1")
                    .bind(id)
                    .bind(Timestamp(at))
                    .bind(&error)
                    .execute(pool)
                    .await?;
            }
            None => {
                sqlx::query(
                    "UPDATE outbox SET status = 'failed', locked_until = NULL, last_error = $2, \
                     body = CASE WHEN sensitive THEN NULL ELSE body END WHERE id = $1",
                )
                .bind(id)
                .bind(&error)
                .execute(pool)
                .await?;
            }
        }
    });
    Ok(())
}

/// A message as the dev outbox page and the tests see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub recipient: String,
    pub body: Option<String>,
    pub kind: String,
    pub status: String,
    pub attempts: i64,
    pub created_at: Timestamp,
    pub last_error: Option<String>,
}

/// The newest messages first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Entry>, StoreError> {
    let entries = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT id, recipient, body, kind, status, attempts, created_at, last_error \
             FROM outbox ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(entries)
}
