//! Signed-in sessions, in the database so that any node can serve any
//! request. Only the SHA-256 of a session's token is stored.

use chrono::{DateTime, Duration, Utc};
use odop_domain::UserId;
use odop_domain::auth::SessionPolicy;

use crate::StoreError;
use crate::db::{Db, dispatch, dispatch_write};
use crate::time::Timestamp;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub user: UserId,
    pub staff: bool,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

impl Session {
    pub fn policy(&self) -> SessionPolicy {
        if self.staff {
            SessionPolicy::STAFF
        } else {
            SessionPolicy::MEMBER
        }
    }
}

/// Opens a session for `user` under the hash of its new token.
pub async fn create(
    db: &Db,
    token_hash: &str,
    user: UserId,
    staff: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    dispatch_write!(db, pool => {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, staff, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(staff)
        .bind(Timestamp(now))
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// The live session with this token hash. An expired one is deleted and
/// not returned; a live one is marked as seen (at most once a minute, to
/// spare the database a write per request).
pub async fn find(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>, StoreError> {
    let row: Option<(i64, bool, Timestamp, Timestamp)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT s.user_id, s.staff, s.created_at, s.last_seen_at FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.deleted_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await?
    });
    let Some((user, staff, created_at, last_seen_at)) = row else {
        return Ok(None);
    };
    let session = Session {
        user: UserId(user),
        staff,
        created_at,
        last_seen_at,
    };
    keep_if_live(db, token_hash, session, now).await
}

/// The session found under `token_hash`, if it is still live: an expired
/// one is deleted; a live one is marked as seen at most once a minute.
pub(crate) async fn keep_if_live(
    db: &Db,
    token_hash: &str,
    session: Session,
    now: DateTime<Utc>,
) -> Result<Option<Session>, StoreError> {
    let (created_at, last_seen_at) = (session.created_at, session.last_seen_at);
    if !session.policy().is_live(created_at.0, last_seen_at.0, now) {
        delete(db, token_hash).await?;
        return Ok(None);
    }
    if now - last_seen_at.0 >= Duration::minutes(1) {
        dispatch_write!(db, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
                .bind(token_hash)
                .bind(Timestamp(now))
                .execute(pool)
                .await?;
        });
    }
    Ok(Some(session))
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<(), StoreError> {
    dispatch_write!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
    });
    Ok(())
}

/// Ends every session of a user: on every device at their asking, and at
/// account deletion.
pub async fn delete_all(db: &Db, user: UserId) -> Result<(), StoreError> {
    dispatch_write!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(pool).await?;
    });
    Ok(())
}

/// Deletes sessions past even the longest absolute lifetime.
pub async fn prune(db: &Db, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let oldest = Timestamp(now - SessionPolicy::MEMBER.absolute);
    let deleted = dispatch_write!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE created_at < $1").bind(oldest).execute(pool).await?.rows_affected()
    });
    Ok(deleted)
}
