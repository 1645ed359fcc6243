//! Staff sign in with two factors: after their password, a code sent by
//! SMS or one from their authenticator app. A sign-in waiting for its
//! second factor is a row found by the hash of a token in the browser's
//! cookie, so any node can finish it; it lives five minutes and allows
//! five tries, and is used once.

use chrono::{DateTime, Duration, Utc};
use odop_domain::UserId;

use crate::StoreError;
use crate::db::{Db, dispatch, dispatch_write};
use crate::outbox::{self, NewMessage};
use crate::statements::{Statements, args, write_transaction};
use crate::time::Timestamp;

/// How long a password stays accepted while its second factor is awaited.
pub const LIFETIME: Duration = Duration::minutes(5);
/// Wrong codes allowed before the sign-in must start again.
pub const MAX_ATTEMPTS: i64 = 5;

/// A sign-in waiting for its second factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub id: i64,
    pub user: UserId,
    /// The SMS code's hash; `None` when the code comes from the user's app.
    pub code_hash: Option<String>,
    pub attempts: i64,
}

/// Records an accepted password for `user` under the hash of a new token,
/// and (for an SMS second factor) writes the code's message to the outbox
/// in the same transaction.
pub async fn begin(
    db: &Db,
    token_hash: &str,
    user: UserId,
    code_hash: Option<&str>,
    sms: Option<&NewMessage>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    write_transaction!(db, s => {
        s.execute(
            "INSERT INTO staff_sign_ins (token_hash, user_id, code_hash, attempts, created_at, expires_at) \
             VALUES ($1, $2, $3, 0, $4, $5)",
            args![token_hash, user.0, code_hash, Timestamp(now), Timestamp(now + LIFETIME)],
        )
        .await?;
        if let Some(message) = sms {
            outbox::enqueue_in(&mut s, message, now).await?;
        }
        Ok::<_, StoreError>(())
    })
}

/// The sign-in waiting under this token hash, if it is still usable: not
/// expired, not used, tries left.
pub async fn pending(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Pending>, StoreError> {
    let row: Option<(i64, i64, Option<String>, i64)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT id, user_id, code_hash, attempts FROM staff_sign_ins \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3",
        )
        .bind(token_hash)
        .bind(Timestamp(now))
        .bind(MAX_ATTEMPTS)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(|(id, user, code_hash, attempts)| Pending {
        id,
        user: UserId(user),
        code_hash,
        attempts,
    }))
}

/// Counts a wrong code; returns the tries left.
pub async fn wrong_code(db: &Db, id: i64) -> Result<i64, StoreError> {
    let attempts: Option<i64> = write_transaction!(db, s => {
        s.optional_scalar(
            "UPDATE staff_sign_ins SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 RETURNING attempts",
            args![id, MAX_ATTEMPTS],
        )
        .await
    })?;
    Ok(MAX_ATTEMPTS - attempts.unwrap_or(MAX_ATTEMPTS))
}

/// Marks the sign-in used; `false` if another request used it first.
pub async fn finish(db: &Db, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let updated = write_transaction!(db, s => {
        s.execute(
            "UPDATE staff_sign_ins SET used_at = $2 WHERE id = $1 AND used_at IS NULL",
            args![id, Timestamp(now)],
        )
        .await
    })?;
    Ok(updated == 1)
}

/// The user's authenticator app secret (base32), if they set one up.
pub async fn app_secret(db: &Db, user: UserId) -> Result<Option<String>, StoreError> {
    let secret: Option<Option<String>> = dispatch!(db, pool => {
        sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(secret.flatten())
}

/// Sets (or with `None`, removes) the user's authenticator app secret.
pub async fn set_app_secret(db: &Db, user: UserId, secret: Option<&str>) -> Result<(), StoreError> {
    dispatch_write!(db, pool => {
        sqlx::query("UPDATE users SET totp_secret = $2, totp_last_step = NULL WHERE id = $1")
            .bind(user.0)
            .bind(secret)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Records that the app's code of time step `step` was used, if no code
/// of that step or a later one was: so that a code seen over someone's
/// shoulder cannot be used again. `false` means it was.
pub async fn use_app_step(db: &Db, user: UserId, step: i64) -> Result<bool, StoreError> {
    let updated = write_transaction!(db, s => {
        s.execute(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
            args![user.0, step],
        )
        .await
    })?;
    Ok(updated == 1)
}

/// Deletes sign-ins that ended (used or expired) over a day ago.
pub async fn prune(db: &Db, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let before = Timestamp(now - Duration::days(1));
    let deleted = dispatch_write!(db, pool => {
        sqlx::query("DELETE FROM staff_sign_ins WHERE expires_at < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(deleted)
}
