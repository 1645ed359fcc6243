//! The books for orders from before they were kept: tax documents and
//! postings for what the order history says happened, written as if at the
//! time it happened, oldest first. A deployment runs it once after
//! upgrading (`odop books backfill`); `odop gen --orders` runs it for its
//! made-up history. It is idempotent: each step is taken only where its
//! document or posting is missing, so a second run finds nothing to do.
//!
//! Times come from each part's timeline (its `ship`, `deliver` and
//! `receive-return` events), falling back to the part's last move. Steps
//! are taken in the order of their times so that invoice serials rise with
//! their dates in every supplier's series, as the law expects. A capture
//! found this way carries no gateway fee: the fee is only known from the
//! gateway's own record of the payment.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use odop_domain::ledger::MoneyEvent;
use odop_domain::money::Money;
use odop_domain::orders::{ReturnReason, SubOrderStatus};

use crate::StoreError;
use crate::db::{Db, dispatch};
use crate::statements::write_transaction;
use crate::time::Timestamp;

/// How many steps one transaction takes.
const STEPS_PER_TRANSACTION: usize = 500;

/// What a run wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backfilled {
    /// Online payments booked as received.
    pub captures: u64,
    /// Tax invoices and bills of supply issued for shipped parts.
    pub invoices: u64,
    /// Deliveries booked as completed sales.
    pub sales: u64,
    /// Returns: a credit note and the sale's reversal.
    pub returns: u64,
    /// Paid parts cancelled or refused before shipping, given back.
    pub refunds: u64,
    /// Returned parts whose recorded reason could not be read, left alone.
    pub unreadable: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    // The order of the variants breaks ties of time: money in before goods
    // out, shipped before delivered before returned.
    Capture {
        order: i64,
        amount: i64,
    },
    Refund {
        order: i64,
        part: i64,
        amount: i64,
    },
    Ship {
        part: i64,
    },
    Deliver {
        part: i64,
        change_of_mind_days: Option<i64>,
    },
    Return {
        part: i64,
        amount: i64,
        seller_at_fault: bool,
    },
}

/// A part of an order as the backfill reads it.
#[derive(sqlx::FromRow)]
struct PartRow {
    id: i64,
    order_id: i64,
    status: String,
    payment_method: String,
    total_paise: i64,
    delivery_paise: i64,
    reason: Option<String>,
    updated_at: Timestamp,
    change_of_mind_days: Option<i64>,
    shipped_at: Option<Timestamp>,
    delivered_at: Option<Timestamp>,
    returned_at: Option<Timestamp>,
    invoiced: bool,
    sold: bool,
    reversed: bool,
    refunded: bool,
    captured: bool,
}

/// Online orders paid for whose payment is not in the books: those with a
/// captured payment, and those from before payments were recorded (no
/// payment row at all, and no part still waiting for one).
const UNBOOKED_CAPTURES: &str = "SELECT o.id, \
     COALESCE((SELECT MAX(p.amount_paise) FROM payments p WHERE p.order_id = o.id AND p.status = 'captured'), o.total_paise), \
     COALESCE((SELECT MIN(p.updated_at) FROM payments p WHERE p.order_id = o.id AND p.status = 'captured'), o.created_at) \
     FROM orders o WHERE o.payment_method = 'online' \
     AND NOT EXISTS (SELECT 1 FROM ledger_postings l WHERE l.order_id = o.id AND l.event = 'payment-captured') \
     AND (EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'captured') \
          OR (NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id) \
              AND NOT EXISTS (SELECT 1 FROM sub_orders w WHERE w.order_id = o.id AND w.status = 'awaiting_payment')))";

fn parts_query() -> String {
    format!(
        "SELECT s.id, s.order_id, s.status, o.payment_method, s.total_paise, s.delivery_paise, s.reason, s.updated_at, \
         {}, \
         (SELECT MIN(e.at) FROM sub_order_events e WHERE e.sub_order_id = s.id AND e.event = 'ship') AS shipped_at, \
         (SELECT MIN(e.at) FROM sub_order_events e WHERE e.sub_order_id = s.id AND e.event = 'deliver') AS delivered_at, \
         (SELECT MIN(e.at) FROM sub_order_events e WHERE e.sub_order_id = s.id AND e.event = 'receive-return') AS returned_at, \
         EXISTS (SELECT 1 FROM tax_documents d WHERE d.sub_order_id = s.id AND d.kind <> 'credit-note') AS invoiced, \
         EXISTS (SELECT 1 FROM ledger_postings l WHERE l.sub_order_id = s.id AND l.event = 'sale-completed') AS sold, \
         EXISTS (SELECT 1 FROM ledger_postings l WHERE l.sub_order_id = s.id AND l.event = 'returned') AS reversed, \
         EXISTS (SELECT 1 FROM ledger_postings l WHERE l.sub_order_id = s.id AND l.event = 'refunded-undelivered') AS refunded, \
         EXISTS (SELECT 1 FROM ledger_postings l WHERE l.order_id = s.order_id AND l.event = 'payment-captured') AS captured \
         FROM sub_orders s JOIN orders o ON o.id = s.order_id \
         WHERE s.status IN ('shipped', 'delivered', 'return_requested', 'return_approved', 'returned', 'return_refused', \
         'cancelled', 'rejected')",
        crate::orders::CHANGE_OF_MIND_DAYS
    )
}

/// The steps one part needs, with their times.
fn steps_of(part: &PartRow, paid_now: &HashSet<i64>, steps: &mut Vec<(DateTime<Utc>, Step)>, unreadable: &mut u64) {
    let Some(status) = SubOrderStatus::parse(&part.status) else {
        return;
    };
    let last_move = part.updated_at.0;
    let delivered = part.delivered_at.map(|at| at.0);
    if status.has_left_seller() && !part.invoiced {
        let at = part.shipped_at.map(|at| at.0).or(delivered).unwrap_or(last_move);
        steps.push((at, Step::Ship { part: part.id }));
    }
    let was_delivered = status == SubOrderStatus::Delivered || status.is_return();
    if was_delivered && !part.sold {
        steps.push((
            delivered.unwrap_or(last_move),
            Step::Deliver {
                part: part.id,
                change_of_mind_days: part.change_of_mind_days,
            },
        ));
    }
    if status == SubOrderStatus::Returned && !part.reversed {
        match part.reason.as_deref().and_then(ReturnReason::parse) {
            Some(reason) => steps.push((
                part.returned_at.map(|at| at.0).unwrap_or(last_move),
                Step::Return {
                    part: part.id,
                    amount: reason.refund_paise(part.total_paise, part.delivery_paise),
                    seller_at_fault: reason.seller_at_fault(),
                },
            )),
            None => *unreadable += 1,
        }
    }
    let paid = part.payment_method == "online" && (part.captured || paid_now.contains(&part.order_id));
    let undelivered = matches!(status, SubOrderStatus::Cancelled | SubOrderStatus::Rejected);
    if undelivered && paid && !part.refunded {
        steps.push((
            last_move,
            Step::Refund {
                order: part.order_id,
                part: part.id,
                amount: part.total_paise,
            },
        ));
    }
}

/// Writes the missing documents and postings of the order history, oldest
/// first; `progress(done, total)` is told after each transaction.
pub async fn books(db: &Db, mut progress: impl FnMut(u64, u64)) -> Result<Backfilled, StoreError> {
    let parts_sql = parts_query();
    let (captures, parts): (Vec<(i64, i64, Timestamp)>, Vec<PartRow>) = dispatch!(db, pool => {
        let captures = sqlx::query_as(UNBOOKED_CAPTURES).fetch_all(pool).await?;
        let parts = sqlx::query_as(sqlx::AssertSqlSafe(parts_sql)).fetch_all(pool).await?;
        (captures, parts)
    });
    let mut report = Backfilled::default();
    let paid_now: HashSet<i64> = captures.iter().map(|(order, _, _)| *order).collect();
    let mut steps: Vec<(DateTime<Utc>, Step)> = captures
        .into_iter()
        .map(|(order, amount, at)| (at.0, Step::Capture { order, amount }))
        .collect();
    for part in &parts {
        steps_of(part, &paid_now, &mut steps, &mut report.unreadable);
    }
    drop(parts);
    steps.sort_unstable();
    let total = steps.len() as u64;
    let mut done = 0;
    progress(done, total);
    for chunk in steps.chunks(STEPS_PER_TRANSACTION) {
        let counted = write_transaction!(db, s => {
            let mut counted = Backfilled::default();
            for &(at, step) in chunk {
                match step {
                    Step::Capture { order, amount } => {
                        let received = MoneyEvent::PaymentCaptured {
                            amount: Money(amount),
                            fee: Money(0),
                        };
                        crate::ledger::post(&mut s, &received, Some(order), None, None, at).await?;
                        counted.captures += 1;
                    }
                    Step::Refund { order, part, amount } => {
                        let given_back = MoneyEvent::RefundedUndelivered { amount: Money(amount) };
                        crate::ledger::post(&mut s, &given_back, Some(order), Some(part), None, at).await?;
                        counted.refunds += 1;
                    }
                    Step::Ship { part } => {
                        crate::documents::issue_for_shipment(&mut s, part, at).await?;
                        counted.invoices += 1;
                    }
                    Step::Deliver { part, change_of_mind_days } => {
                        crate::ledger::sale_delivered(&mut s, part, change_of_mind_days, at).await?;
                        counted.sales += 1;
                    }
                    Step::Return { part, amount, seller_at_fault } => {
                        crate::documents::issue_credit_note(&mut s, part, seller_at_fault, at).await?;
                        crate::ledger::goods_returned(&mut s, part, amount, at).await?;
                        counted.returns += 1;
                    }
                }
            }
            Ok::<_, StoreError>(counted)
        })?;
        report.captures += counted.captures;
        report.refunds += counted.refunds;
        report.invoices += counted.invoices;
        report.sales += counted.sales;
        report.returns += counted.returns;
        done += chunk.len() as u64;
        progress(done, total);
    }
    Ok(report)
}
