//! One-time codes: issuing one (rate limits, the code's hash and its SMS in
//! one transaction) and checking one (attempts counted atomically, so that
//! concurrent guesses cannot exceed the limit).

use chrono::{DateTime, Duration, Utc};
use odop_domain::auth::{OtpChallenge, OtpPolicy, OtpPurpose, RateLimit};
use odop_domain::identity::Phone;

use crate::StoreError;
use crate::db::{Db, dispatch, dispatch_write, on_tx};
use crate::outbox::{self, NewMessage};
use crate::rate_limit::{self, Exceeded};
use crate::time::Timestamp;

/// A code to issue. The caller hashes the code (argon2id) and writes the
/// message; the code itself never reaches this module.
pub struct Issue<'a> {
    pub phone: &'a Phone,
    pub purpose: OtpPurpose,
    /// What the code confirms, for purposes about one thing.
    pub subject: Option<i64>,
    pub code_hash: String,
    pub message: NewMessage,
    /// Limits to count this request against, each with its key.
    pub limits: Vec<(RateLimit, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueRefused {
    /// A code was sent moments ago; wait this long.
    TooSoon(Duration),
    RateLimited(Exceeded),
}

/// Issues a code unless a limit forbids it. Any earlier code for the same
/// phone and purpose stops working.
pub async fn issue(
    db: &Db,
    policy: &OtpPolicy,
    request: Issue<'_>,
    now: DateTime<Utc>,
) -> Result<Result<i64, IssueRefused>, StoreError> {
    let mut tx = db.begin().await?;
    let last: Option<Timestamp> = on_tx!(&mut tx, t => {
        sqlx::query_scalar("SELECT MAX(created_at) FROM otp_challenges WHERE phone = $1 AND purpose = $2")
            .bind(request.phone.as_str())
            .bind(request.purpose.code())
            .fetch_one(&mut **t)
            .await?
    });
    if let Some(wait) = last.and_then(|last| policy.resend_wait(last.0, now)) {
        return Ok(Err(IssueRefused::TooSoon(wait)));
    }
    for (limit, key) in &request.limits {
        if let Err(exceeded) = rate_limit::hit(&mut tx, limit, key, now).await? {
            // The count stays: commit it, so that a flood keeps being refused.
            tx.commit().await?;
            return Ok(Err(IssueRefused::RateLimited(exceeded)));
        }
    }
    let id: i64 = on_tx!(&mut tx, t => {
        sqlx::query(
            "UPDATE otp_challenges SET consumed_at = $3 WHERE phone = $1 AND purpose = $2 AND consumed_at IS NULL",
        )
        .bind(request.phone.as_str())
        .bind(request.purpose.code())
        .bind(Timestamp(now))
        .execute(&mut **t)
        .await?;
        sqlx::query_scalar(
            "INSERT INTO otp_challenges (phone, purpose, subject_id, code_hash, attempts, created_at) \
             VALUES ($1, $2, $3, $4, 0, $5) RETURNING id",
        )
        .bind(request.phone.as_str())
        .bind(request.purpose.code())
        .bind(request.subject)
        .bind(&request.code_hash)
        .bind(Timestamp(now))
        .fetch_one(&mut **t)
        .await?
    });
    outbox::enqueue(&mut tx, &request.message, now).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// The newest code for a phone and purpose, as stored.
#[derive(Clone, Debug)]
pub struct Stored {
    pub id: i64,
    pub subject: Option<i64>,
    pub code_hash: String,
    pub challenge: OtpChallenge,
}

#[derive(sqlx::FromRow)]
struct ChallengeRow {
    id: i64,
    subject_id: Option<i64>,
    code_hash: String,
    attempts: i64,
    created_at: Timestamp,
    consumed_at: Option<Timestamp>,
}

pub async fn latest(db: &Db, phone: &Phone, purpose: OtpPurpose) -> Result<Option<Stored>, StoreError> {
    let row: Option<ChallengeRow> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT id, subject_id, code_hash, attempts, created_at, consumed_at FROM otp_challenges \
             WHERE phone = $1 AND purpose = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(phone.as_str())
        .bind(purpose.code())
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(|row| Stored {
        id: row.id,
        subject: row.subject_id,
        code_hash: row.code_hash,
        challenge: OtpChallenge {
            created_at: row.created_at.0,
            attempts: u32::try_from(row.attempts).unwrap_or(u32::MAX),
            consumed: row.consumed_at.is_some(),
        },
    }))
}

/// Counts a wrong code, unless the code is already locked. Returns whether
/// the attempt was counted: a `false` means another request used the last
/// attempt first, and this one must be refused as locked.
pub async fn record_wrong_attempt(db: &Db, id: i64, policy: &OtpPolicy) -> Result<bool, StoreError> {
    let updated = dispatch_write!(db, pool => {
        sqlx::query("UPDATE otp_challenges SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 AND consumed_at IS NULL")
            .bind(id)
            .bind(i64::from(policy.max_attempts))
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(updated == 1)
}

/// Uses up a code. Returns whether this call did: of two requests with the
/// right code at once, only one signs in.
pub async fn consume(db: &Db, id: i64, policy: &OtpPolicy, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let updated = dispatch_write!(db, pool => {
        sqlx::query(
            "UPDATE otp_challenges SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL AND attempts < $3",
        )
        .bind(id)
        .bind(Timestamp(now))
        .bind(i64::from(policy.max_attempts))
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(updated == 1)
}
