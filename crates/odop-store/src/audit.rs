//! The tamper-evident audit log in storage: entries appended in the
//! transaction of the change they record, chained by `odop_trust::chain`;
//! reading them for state admins; checking the whole chain; and the signed
//! checkpoints of its head.
//!
//! Appending takes the chain's head with one conditional update of its
//! single row, which PostgreSQL keeps locked until the writer commits, and
//! SQLite's writers take turns anyway: so numbers never repeat or skip,
//! and every entry names the one committed before it. That row is the one
//! place every audited transaction meets; an audited change appends its
//! entry as its last statement, so the row is held for as short a time as
//! the commit allows.

use chrono::{DateTime, Utc};
use odop_domain::UserId;
use odop_trust::chain::{Break, ChainCheck, Entry, Hash, Head, link};
use odop_trust::keys::SigningKey;

use crate::StoreError;
use crate::db::{Db, dispatch};
use crate::statements::{Statements, args, write_transaction};
use crate::time::Timestamp;

/// Who made a change: an account in the capacity it acted in, or a part of
/// the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuditActor {
    pub user: Option<UserId>,
    pub role: &'static str,
}

impl AuditActor {
    pub fn buyer(user: UserId) -> Self {
        Self::user(user, "buyer")
    }

    pub fn seller(user: UserId) -> Self {
        Self::user(user, "seller")
    }

    pub fn user(user: UserId, role: &'static str) -> Self {
        AuditActor { user: Some(user), role }
    }

    /// A part of the system: `gateway`, `housekeeping`, `cli`…
    pub fn system(part: &'static str) -> Self {
        AuditActor { user: None, role: part }
    }
}

/// A change to record: what happened to which object, and its state
/// before and after.
#[derive(Clone, Debug, Default)]
pub struct Change<'a> {
    /// `object.verb`: `order.placed`, `sub_order.shipped`, `listing.paused`…
    pub action: &'a str,
    pub object_kind: &'a str,
    pub object_id: String,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// Appends `change` to the chain, in the caller's transaction; its number.
pub(crate) async fn append(
    s: &mut impl Statements,
    actor: AuditActor,
    change: Change<'_>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let (seq, previous): (i64, String) = s
        .fetch_one(
            "UPDATE audit_head SET seq = seq + 1 WHERE one = 1 RETURNING seq, hash",
            args![],
        )
        .await?;
    let previous = Hash::from_hex(&previous).ok_or_else(|| StoreError::Corrupt("the audit head's hash".into()))?;
    let stored = link(
        Head {
            seq: seq - 1,
            hash: previous,
        },
        Entry {
            seq,
            at_ms: Timestamp(now).millis(),
            actor: actor.user.map(|user| user.0),
            actor_role: actor.role.to_owned(),
            action: change.action.to_owned(),
            object_kind: change.object_kind.to_owned(),
            object_id: change.object_id,
            before: change.before.map(str::to_owned),
            after: change.after.map(str::to_owned),
            note: change.note.map(str::to_owned),
        },
    );
    let entry = &stored.entry;
    s.execute(
        "INSERT INTO audit_entries (seq, at, actor_user_id, actor_role, action, object_kind, object_id, \
         before_state, after_state, note, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        args![
            seq,
            entry.at_ms,
            entry.actor,
            &entry.actor_role,
            &entry.action,
            &entry.object_kind,
            &entry.object_id,
            &entry.before,
            &entry.after,
            &entry.note,
            &stored.prev_hash.to_hex(),
            &stored.hash.to_hex()
        ],
    )
    .await?;
    s.execute(
        "UPDATE audit_head SET hash = $1 WHERE one = 1",
        args![&stored.hash.to_hex()],
    )
    .await?;
    Ok(seq)
}

/// Appends one change in a transaction of its own, for changes made
/// outside the store's own use cases (a command-line tool).
pub async fn record(db: &Db, actor: AuditActor, change: Change<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
    write_transaction!(db, s => append(&mut s, actor, change, now).await)
}

/// An entry as state admins browse it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    /// The actor's name as it is now (none once the account is erased).
    pub actor_name: Option<String>,
    pub actor_role: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub note: Option<String>,
    pub hash: String,
}

/// Which entries to show: any of an object, an actor and a period, newest
/// first, before an entry number for the next page.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub object: Option<(String, String)>,
    pub actor: Option<UserId>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub before_seq: Option<i64>,
}

type RawRow = (
    i64,
    Timestamp,
    Option<i64>,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

pub async fn entries(db: &Db, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditRow>, StoreError> {
    // Every condition is written once, an absent one made true by its NULL.
    let (kind, id) = filter.object.clone().unzip();
    let rows: Vec<RawRow> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT a.seq, a.at, a.actor_user_id, u.display_name, a.actor_role, a.action, a.object_kind, a.object_id, \
             a.before_state, a.after_state, a.note, a.hash \
             FROM audit_entries a LEFT JOIN users u ON u.id = a.actor_user_id \
             WHERE ($1 IS NULL OR (a.object_kind = $1 AND a.object_id = $2)) AND ($3 IS NULL OR a.actor_user_id = $3) \
             AND ($4 IS NULL OR a.at >= $4) AND ($5 IS NULL OR a.at < $5) AND ($6 IS NULL OR a.seq < $6) \
             ORDER BY a.seq DESC LIMIT $7",
        )
        .bind(kind)
        .bind(id)
        .bind(filter.actor.map(|user| user.0))
        .bind(filter.from.map(|at| Timestamp(at).millis()))
        .bind(filter.until.map(|at| Timestamp(at).millis()))
        .bind(filter.before_seq)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(
            |(seq, at, actor, actor_name, actor_role, action, object_kind, object_id, before, after, note, hash)| {
                AuditRow {
                    seq,
                    at: at.0,
                    actor: actor.map(UserId),
                    actor_name,
                    actor_role,
                    action,
                    object_kind,
                    object_id,
                    before,
                    after,
                    note,
                    hash,
                }
            },
        )
        .collect())
}

/// What checking the whole chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// Entries read.
    pub entries: u64,
    /// Checkpoints the chain was compared with.
    pub checkpoints: usize,
    /// Where the chain ends, or where it first breaks.
    pub outcome: Result<Head, Break>,
}

/// How many entries are read at a time: memory stays flat however long the
/// chain.
const PAGE: i64 = 5_000;

/// Recomputes the chain from the database, comparing it with the signed
/// checkpoints stored there and any others the caller kept (`extra`), and
/// says where it first breaks: an entry altered, missing or out of place.
pub async fn verify(db: &Db, extra: &[Head]) -> Result<Verification, StoreError> {
    let mut heads: Vec<Head> = checkpoints(db, i64::MAX)
        .await?
        .iter()
        .map(|checkpoint| checkpoint.head)
        .collect();
    heads.extend_from_slice(extra);
    let compared = heads.len();
    let mut check = ChainCheck::new(heads);
    let mut after = 0i64;
    let mut read = 0u64;
    loop {
        let page: Vec<RawChainRow> = dispatch!(db, pool => {
            sqlx::query_as(
                "SELECT seq, at, actor_user_id, actor_role, action, object_kind, object_id, before_state, after_state, note, \
                 prev_hash, hash FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after)
            .bind(PAGE)
            .fetch_all(pool)
            .await?
        });
        let Some(last) = page.last() else { break };
        after = last.0;
        for row in page {
            read += 1;
            check.push(&stored_entry(row));
        }
    }
    Ok(Verification {
        entries: read,
        checkpoints: compared,
        outcome: check.finish(),
    })
}

type RawChainRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

/// A stored row as the chain sees it. A hash that is not 64 hex digits
/// reads as one that matches nothing, so the check reports the row.
fn stored_entry(row: RawChainRow) -> odop_trust::chain::StoredEntry {
    let (seq, at_ms, actor, actor_role, action, object_kind, object_id, before, after, note, prev_hash, hash) = row;
    let unreadable = Hash([0xff; 32]);
    odop_trust::chain::StoredEntry {
        entry: Entry {
            seq,
            at_ms,
            actor,
            actor_role,
            action,
            object_kind,
            object_id,
            before,
            after,
            note,
        },
        prev_hash: Hash::from_hex(&prev_hash).unwrap_or(unreadable),
        hash: Hash::from_hex(&hash).unwrap_or(unreadable),
    }
}

/// The chain's head as the platform's key signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub head: Head,
    pub signed_at: DateTime<Utc>,
    pub key_id: String,
    pub signature: String,
}

impl Checkpoint {
    /// The bytes signed.
    pub fn message(&self) -> Vec<u8> {
        odop_trust::checkpoint_message(self.head, Timestamp(self.signed_at).millis())
    }
}

/// Signs the chain's current head, unless a checkpoint already covers it;
/// `None` while the log is empty.
pub async fn sign_checkpoint(db: &Db, key: &SigningKey, now: DateTime<Utc>) -> Result<Option<Checkpoint>, StoreError> {
    let head = head(db).await?;
    let Head { seq, hash } = head;
    if seq == 0 {
        return Ok(None);
    }
    // Milliseconds only, as stored, so the signature verifies when read back.
    let signed_at = Timestamp::from_millis(Timestamp(now).millis()).map_or(now, |at| at.0);
    let checkpoint = Checkpoint {
        head,
        signed_at,
        key_id: key.id().0.clone(),
        signature: key.sign(&odop_trust::checkpoint_message(head, Timestamp(signed_at).millis())),
    };
    // Two nodes signing the same head keep the first signature.
    crate::statements::execute_alone(
        db,
        "INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (seq) DO NOTHING",
        args![
            seq,
            &hash.to_hex(),
            Timestamp(signed_at),
            &checkpoint.key_id,
            &checkpoint.signature
        ],
    )
    .await?;
    Ok(checkpoints(db, 1).await?.into_iter().next())
}

/// The chain's end as committed: the last entry's number and hash.
pub async fn head(db: &Db) -> Result<Head, StoreError> {
    let (seq, hash): (i64, String) = dispatch!(db, pool => {
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE one = 1").fetch_one(pool).await?
    });
    let hash = Hash::from_hex(&hash).ok_or_else(|| StoreError::Corrupt("the audit head's hash".into()))?;
    Ok(Head { seq, hash })
}

/// Signs the head once a day: when no checkpoint was signed since the
/// start of today in India and entries were added since the last one.
pub async fn sign_daily_checkpoint(
    db: &Db,
    key: &SigningKey,
    now: DateTime<Utc>,
) -> Result<Option<Checkpoint>, StoreError> {
    let today = odop_domain::quiz::ist_day(now);
    let start_of_today = (today.and_time(chrono::NaiveTime::MIN) - chrono::Duration::minutes(330)).and_utc();
    let latest = checkpoints(db, 1).await?.into_iter().next();
    let current = head(db).await?;
    if latest.is_some_and(|checkpoint| checkpoint.signed_at >= start_of_today || checkpoint.head == current) {
        return Ok(None);
    }
    sign_checkpoint(db, key, now).await
}

/// Signed checkpoints, newest first.
pub async fn checkpoints(db: &Db, limit: i64) -> Result<Vec<Checkpoint>, StoreError> {
    let rows: Vec<(i64, String, Timestamp, String, String)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT seq, hash, signed_at, key_id, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(seq, hash, signed_at, key_id, signature)| Checkpoint {
            head: Head {
                seq,
                hash: Hash::from_hex(&hash).unwrap_or(Hash([0xff; 32])),
            },
            signed_at: signed_at.0,
            key_id,
            signature,
        })
        .collect())
}
