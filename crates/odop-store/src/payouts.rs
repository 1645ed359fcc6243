//! Payouts: batches of what the operator owes its payees, each line a bank
//! transfer to one payee's account, marked paid or failed as the bank
//! answers. Every step is posted in the books in its own transaction.

use chrono::{DateTime, Utc};
use odop_domain::ledger::MoneyEvent;
use odop_domain::money::Money;
use odop_domain::{Locale, UserId};

use crate::StoreError;
use crate::audit::{self, AuditActor, Change};
use crate::db::{Db, dispatch};
use crate::outbox::{self, NewMessage};
use crate::statements::{Statements, args, write_transaction};
use crate::time::Timestamp;

/// What a payee is told when the bank answers for its line.
#[derive(Clone, Debug)]
pub struct PayoutNotice {
    pub recipient: String,
    pub locale: Locale,
    pub amount: Money,
    pub reference: String,
    pub paid: bool,
}

/// An arbitrary key for PostgreSQL's advisory lock that makes batches one
/// at a time across nodes (SQLite's writers take turns anyway): two batches
/// made at once must not both take the same money.
const BATCH_LOCK: i64 = 0x0D0D_9A70;

/// Gathers everything payable at `up_to` (sales past their return period,
/// less returns and earlier payouts) into a new batch, one line per payee
/// that is owed something and has a bank account on its approved
/// application; each line is posted as paid out. Returns the batch, or
/// `None` when nobody is owed anything.
pub async fn create_batch(
    db: &Db,
    admin: UserId,
    up_to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    write_transaction!(db, s => {
        if !s.is_sqlite() {
            s.execute("SELECT pg_advisory_xact_lock($1)", args![BATCH_LOCK]).await?;
        }
        type Owed = (i64, i64, Option<String>, Option<String>, Option<String>);
        let owed: Vec<Owed> = s
            .fetch_all(
                "SELECT t.seller_user_id, t.owed, a.account_holder, a.account_number, a.ifsc FROM ( \
                   SELECT e.seller_user_id, CAST(-SUM(e.amount_paise) AS BIGINT) AS owed \
                   FROM ledger_entries e JOIN ledger_postings p ON p.id = e.posting_id \
                   WHERE e.seller_user_id IS NOT NULL AND (p.payable_from IS NULL OR p.payable_from <= $1) \
                   GROUP BY e.seller_user_id) t \
                 LEFT JOIN seller_applications a ON a.id = (SELECT MAX(x.id) FROM seller_applications x \
                     WHERE x.user_id = t.seller_user_id AND x.status = 'approved') \
                 WHERE t.owed > 0 ORDER BY t.seller_user_id",
                args![Timestamp(up_to)],
            )
            .await?;
        let payable: Vec<(i64, i64, String, String, String)> = owed
            .into_iter()
            .filter_map(|(payee, amount, holder, account, ifsc)| {
                let present = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
                Some((payee, amount, present(holder)?, present(account)?, present(ifsc)?))
            })
            .collect();
        if payable.is_empty() {
            return Ok(None);
        }
        let batch: i64 = s
            .scalar(
                "INSERT INTO payout_batches (up_to, status, created_by, created_at) VALUES ($1, 'created', $2, $3) RETURNING id",
                args![Timestamp(up_to), admin.0, Timestamp(now)],
            )
            .await?;
        let lines = payable.len().to_string();
        for (payee, amount, holder, account, ifsc) in payable {
            let reference = format!("ODOP-{batch}-{payee}");
            let line: i64 = s
                .scalar(
                    "INSERT INTO payout_lines (batch_id, seller_user_id, amount_paise, beneficiary_name, account_number, \
                     ifsc, reference, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending') RETURNING id",
                    args![batch, payee, amount, &holder, &account, &ifsc, &reference],
                )
                .await?;
            let paid = MoneyEvent::PaidOut {
                seller: UserId(payee),
                amount: Money(amount),
            };
            crate::ledger::post_payout(&mut s, &paid, line, now).await?;
        }
        let change = Change {
            action: "payout_batch.created",
            object_kind: "payout_batch",
            object_id: batch.to_string(),
            after: Some("created"),
            note: Some(&lines),
            ..Change::default()
        };
        audit::append(&mut s, AuditActor::user(admin, "finance"), change, now).await?;
        Ok(Some(batch))
    })
}

/// Marks a batch as handed to the bank; says whether it moved.
pub async fn mark_sent(db: &Db, batch: i64, by: UserId, now: DateTime<Utc>) -> Result<bool, StoreError> {
    write_transaction!(db, s => {
        let moved = s
            .execute(
                "UPDATE payout_batches SET status = 'sent', sent_at = $2 WHERE id = $1 AND status = 'created'",
                args![batch, Timestamp(now)],
            )
            .await?;
        if moved == 1 {
            let change = Change {
                action: "payout_batch.sent",
                object_kind: "payout_batch",
                object_id: batch.to_string(),
                before: Some("created"),
                after: Some("sent"),
                note: None,
            };
            audit::append(&mut s, AuditActor::user(by, "finance"), change, now).await?;
        }
        Ok::<_, StoreError>(moved == 1)
    })
}

/// Records the bank's answer for one line of a sent batch: paid, or failed
/// (the money is the payee's again, posted back). The payee is told by
/// SMS. Says whether the line moved: a line answered already, or of a
/// batch not yet sent, does not.
pub async fn decide_line(
    db: &Db,
    line: i64,
    by: UserId,
    paid: bool,
    failure: Option<&str>,
    notice: &(dyn Fn(&PayoutNotice) -> NewMessage + Sync),
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    write_transaction!(db, s => {
        let moved = s
            .execute(
                "UPDATE payout_lines SET status = $2, failure = $3, decided_at = $4 WHERE id = $1 AND status = 'pending' \
                 AND batch_id IN (SELECT id FROM payout_batches WHERE status = 'sent')",
                args![line, if paid { "paid" } else { "failed" }, failure, Timestamp(now)],
            )
            .await?;
        if moved != 1 {
            return Ok(false);
        }
        let (payee, amount, reference, phone, locale): (i64, i64, String, Option<String>, String) = s
            .fetch_one(
                "SELECT l.seller_user_id, l.amount_paise, l.reference, u.phone, u.locale FROM payout_lines l \
                 JOIN users u ON u.id = l.seller_user_id WHERE l.id = $1",
                args![line],
            )
            .await?;
        if !paid {
            let back = MoneyEvent::PayoutFailed {
                seller: UserId(payee),
                amount: Money(amount),
            };
            crate::ledger::post_payout(&mut s, &back, line, now).await?;
        }
        if let Some(recipient) = phone {
            let message = notice(&PayoutNotice {
                recipient,
                locale: if locale == "hi" { Locale::Hi } else { Locale::En },
                amount: Money(amount),
                reference,
                paid,
            });
            outbox::enqueue_in(&mut s, &message, now).await?;
        }
        let change = Change {
            action: if paid { "payout_line.paid" } else { "payout_line.failed" },
            object_kind: "payout_line",
            object_id: line.to_string(),
            before: Some("pending"),
            after: Some(if paid { "paid" } else { "failed" }),
            note: failure,
        };
        audit::append(&mut s, AuditActor::user(by, "finance"), change, now).await?;
        Ok(true)
    })
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BatchRecord {
    pub id: i64,
    pub up_to: Timestamp,
    pub status: String,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub lines: i64,
    pub total_paise: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LineRecord {
    pub id: i64,
    pub seller_user_id: i64,
    pub amount_paise: i64,
    pub beneficiary_name: String,
    pub account_number: String,
    pub ifsc: String,
    pub reference: String,
    pub status: String,
    pub failure: Option<String>,
}

const SELECT_BATCH: &str = "SELECT b.id, b.up_to, b.status, b.created_at, b.sent_at, \
     CAST(COUNT(l.id) AS BIGINT) AS lines, CAST(COALESCE(SUM(l.amount_paise), 0) AS BIGINT) AS total_paise \
     FROM payout_batches b LEFT JOIN payout_lines l ON l.batch_id = b.id";

/// The latest batches, newest first.
pub async fn batches(db: &Db, limit: i64) -> Result<Vec<BatchRecord>, StoreError> {
    let batches = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_BATCH} GROUP BY b.id, b.up_to, b.status, b.created_at, b.sent_at ORDER BY b.id DESC LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(batches)
}

/// A batch and its lines.
pub async fn batch(db: &Db, id: i64) -> Result<Option<(BatchRecord, Vec<LineRecord>)>, StoreError> {
    let found = dispatch!(db, pool => {
        let batch: Option<BatchRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_BATCH} WHERE b.id = $1 GROUP BY b.id, b.up_to, b.status, b.created_at, b.sent_at"
        )))
        .bind(id)
        .fetch_optional(pool)
        .await?;
        match batch {
            None => None,
            Some(batch) => {
                let lines = sqlx::query_as(
                    "SELECT id, seller_user_id, amount_paise, beneficiary_name, account_number, ifsc, reference, status, \
                     failure FROM payout_lines WHERE batch_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
                Some((batch, lines))
            }
        }
    });
    Ok(found)
}
