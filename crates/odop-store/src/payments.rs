//! Payments: the attempts to collect an order's total through a gateway (at
//! most one open per order), the gateways' news applied once each, the
//! refunds owed, and the exceptions: money received that no order took,
//! each owed back in full on its own.

use chrono::{DateTime, Utc};
use odop_domain::ledger::MoneyEvent;
use odop_domain::money::Money;
use odop_domain::orders::{OrderEvent, Party, ReturnTerms, SubOrderStatus};
use odop_domain::payments::{self as rules, Capture, PaymentException};
use odop_domain::{OrderId, UserId};

use crate::StoreError;
use crate::audit::{self, AuditActor, Change};
use crate::db::{Db, dispatch, dispatch_write};
use crate::orders::{
    Notices, SubOrderNow, accept_deadline, log_move, move_unlogged, notify_buyer, notify_sellers, record_event,
    take_stock,
};
use crate::statements::{Statements, args, execute_alone, write_transaction};
use crate::time::Timestamp;

/// One attempt to collect an order's total: a gateway's order.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PaymentRecord {
    pub id: i64,
    pub gateway: String,
    pub gateway_order_id: String,
    pub amount_paise: i64,
    /// `created` (open: the payer may pay it), `captured` (paid the order)
    /// or `failed` (closed: declined, superseded, or its money given back).
    pub status: String,
    pub method: Option<String>,
    pub failure: Option<String>,
}

pub(crate) const SELECT_PAYMENTS: &str = "SELECT id, gateway, gateway_order_id, amount_paise, status, method, failure \
     FROM payments WHERE order_id = $1 ORDER BY id";

/// An order's payment attempts, oldest first: what changes when a payment
/// starts, read without the rest of the order.
pub async fn of_order(db: &Db, id: OrderId) -> Result<Vec<PaymentRecord>, StoreError> {
    let payments = dispatch!(db, pool => {
        sqlx::query_as(SELECT_PAYMENTS).bind(id.0).fetch_all(pool).await?
    });
    Ok(payments)
}

/// The order's open attempt, if it has one.
pub async fn open_attempt(db: &Db, order: OrderId) -> Result<Option<PaymentRecord>, StoreError> {
    Ok(of_order(db, order).await?.into_iter().find(|p| p.status == "created"))
}

/// Closes an open attempt that can no longer be paid here (its gateway is
/// no longer this site's), so that another may open.
pub async fn close_attempt(db: &Db, attempt: i64, why: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    write_transaction!(db, s => {
        s.execute(
            "UPDATE payments SET status = 'failed', failure = $2, updated_at = $3 WHERE id = $1 AND status = 'created'",
            args![attempt, why, Timestamp(now)],
        )
        .await
    })?;
    Ok(())
}

/// Records a gateway's order as the order's open attempt. When another
/// request opened one first (a double click, a retried request, another
/// node), that one is the answer and this gateway order is left unused:
/// nobody is ever shown it, so nobody can pay it.
pub async fn record_attempt(
    db: &Db,
    order: OrderId,
    gateway: &str,
    gateway_order_id: &str,
    amount: Money,
    now: DateTime<Utc>,
) -> Result<PaymentRecord, StoreError> {
    // Each try is one statement on its own: on PostgreSQL without a
    // transaction around it, one round trip on checkout's path. A try
    // refused for another open attempt that is gone by the time it is read
    // (paid, or failed, a moment later) is answered with the payment that
    // paid, or tried again.
    for _ in 0..3 {
        let inserted = execute_alone(
            db,
            "INSERT INTO payments (order_id, gateway, gateway_order_id, amount_paise, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'created', $5, $5) ON CONFLICT DO NOTHING",
            args![order.0, gateway, gateway_order_id, amount.0, Timestamp(now)],
        )
        .await?;
        let attempts = of_order(db, order).await?;
        let found = if inserted == 1 {
            attempts
                .into_iter()
                .find(|p| p.gateway == gateway && p.gateway_order_id == gateway_order_id)
        } else {
            let (open, paid): (Vec<_>, Vec<_>) = attempts
                .into_iter()
                .filter(|p| p.status == "created" || p.status == "captured")
                .partition(|p| p.status == "created");
            open.into_iter().next().or_else(|| paid.into_iter().next())
        };
        if let Some(attempt) = found {
            return Ok(attempt);
        }
    }
    Err(StoreError::Corrupt(format!(
        "order {} has no open payment after opening one",
        order.0
    )))
}

/// The attempt a gateway knows by `gateway_order_id`, with its order.
pub async fn by_gateway_order(
    db: &Db,
    gateway: &str,
    gateway_order_id: &str,
) -> Result<Option<(PaymentRecord, i64)>, StoreError> {
    let row: Option<(i64, i64)> = dispatch!(db, pool => {
        sqlx::query_as("SELECT id, order_id FROM payments WHERE gateway = $1 AND gateway_order_id = $2")
            .bind(gateway)
            .bind(gateway_order_id)
            .fetch_optional(pool)
            .await?
    });
    let Some((id, order)) = row else { return Ok(None) };
    Ok(of_order(db, OrderId(order))
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .map(|p| (p, order)))
}

/// What a gateway reported, as the store needs it.
#[derive(Clone, Debug)]
pub enum PaymentNews {
    Captured {
        gateway_order_id: String,
        payment_id: String,
        /// In the smallest unit of `currency`.
        amount: i64,
        /// What the gateway kept of it as its fee, GST included.
        fee: i64,
        currency: Option<String>,
        method: String,
    },
    Failed {
        gateway_order_id: String,
        payment_id: String,
        reason: String,
    },
    Refunded {
        payment_id: String,
        refund_id: String,
        /// The receipt the refund was sent with, naming it.
        receipt: Option<String>,
    },
    Other,
}

/// What applying a gateway event did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewsOutcome {
    /// Seen before: nothing changed.
    Duplicate,
    /// About a payment this platform does not know: recorded, ignored.
    Unknown,
    Applied,
    /// Money received that the order did not take (the wrong amount or
    /// currency, an order paid already, a hold lapsed and its stock gone):
    /// recorded as an exception and owed back in full.
    RefundOwed,
}

/// Applies a verified gateway event exactly once (by its id).
pub async fn apply_news(
    db: &Db,
    gateway: &str,
    event_id: &str,
    news: &PaymentNews,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<NewsOutcome, StoreError> {
    write_transaction!(db, s => apply_news_in(&mut s, gateway, event_id, news, notices, now).await)
}

async fn apply_news_in(
    s: &mut impl Statements,
    gateway: &str,
    event_id: &str,
    news: &PaymentNews,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<NewsOutcome, StoreError> {
    let kind = match news {
        PaymentNews::Captured { .. } => "captured",
        PaymentNews::Failed { .. } => "failed",
        PaymentNews::Refunded { .. } => "refunded",
        PaymentNews::Other => "other",
    };
    let fresh = s
        .execute(
            "INSERT INTO payment_events (gateway, event_id, kind, received_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (gateway, event_id) DO NOTHING",
            args![gateway, event_id, kind, Timestamp(now)],
        )
        .await?;
    if fresh == 0 {
        return Ok(NewsOutcome::Duplicate);
    }
    Ok(match news {
        PaymentNews::Captured {
            gateway_order_id,
            payment_id,
            amount,
            fee,
            currency,
            method,
        } => {
            let capture = CaptureNews {
                gateway,
                gateway_order_id,
                payment_id,
                amount: *amount,
                fee: *fee,
                currency: currency.as_deref(),
                method,
            };
            captured(s, &capture, notices, now).await?
        }
        PaymentNews::Failed {
            gateway_order_id,
            payment_id,
            reason,
        } => {
            let updated = s
                .execute(
                    "UPDATE payments SET status = 'failed', gateway_payment_id = $3, failure = $4, updated_at = $5 \
                     WHERE gateway = $1 AND gateway_order_id = $2 AND status = 'created'",
                    args![gateway, gateway_order_id, payment_id, reason, Timestamp(now)],
                )
                .await?;
            if updated == 1 {
                NewsOutcome::Applied
            } else {
                NewsOutcome::Unknown
            }
        }
        PaymentNews::Refunded {
            payment_id,
            refund_id,
            receipt,
        } => {
            // The refund is the one the gateway's id was recorded for, or,
            // when its answer was lost, the one its receipt names: never
            // just any refund of the payment, since a payment may owe
            // several (one per sub-order) and each is settled on its own.
            let named = receipt.as_deref().and_then(rules::refund_in_receipt);
            let updated = s
                .execute(
                    "UPDATE refunds SET status = 'processed', gateway_refund_id = $2, updated_at = $3 \
                     WHERE gateway_payment_id = $1 AND payment_id IN (SELECT id FROM payments WHERE gateway = $4) \
                     AND (gateway_refund_id = $2 OR (gateway_refund_id IS NULL AND id = $5)) AND status <> 'processed'",
                    args![payment_id, refund_id, Timestamp(now), gateway, named],
                )
                .await?;
            if updated > 0 {
                let change = Change {
                    action: "refund.processed",
                    object_kind: "gateway_refund",
                    object_id: format!("{gateway}:{refund_id}"),
                    after: Some("processed"),
                    ..Change::default()
                };
                audit::append(s, AuditActor::system("gateway"), change, now).await?;
                NewsOutcome::Applied
            } else {
                NewsOutcome::Unknown
            }
        }
        PaymentNews::Other => NewsOutcome::Unknown,
    })
}

/// A capture as the gateway reported it.
struct CaptureNews<'a> {
    gateway: &'a str,
    gateway_order_id: &'a str,
    payment_id: &'a str,
    amount: i64,
    fee: i64,
    currency: Option<&'a str>,
    method: &'a str,
}

/// The attempt a capture was made against, read after its order was locked.
struct AttemptNow {
    id: i64,
    order: i64,
    expected: i64,
    status: String,
    paid_by: Option<String>,
}

async fn captured(
    s: &mut impl Statements,
    news: &CaptureNews<'_>,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<NewsOutcome, StoreError> {
    // The order first, locked against other news about it: on PostgreSQL
    // this update holds the order's row until commit, so two payments of
    // one order arriving at two nodes are weighed one after the other, each
    // seeing what the other did. SQLite's writers take turns anyway.
    let order: Option<i64> = s
        .optional_scalar(
            "UPDATE orders SET hold_until = hold_until \
             WHERE id = (SELECT order_id FROM payments WHERE gateway = $1 AND gateway_order_id = $2) RETURNING id",
            args![news.gateway, news.gateway_order_id],
        )
        .await?;
    let Some(order) = order else {
        return Ok(NewsOutcome::Unknown);
    };
    let (id, expected, status, paid_by): (i64, i64, String, Option<String>) = s
        .fetch_one(
            "SELECT id, amount_paise, status, gateway_payment_id FROM payments WHERE gateway = $1 AND gateway_order_id = $2",
            args![news.gateway, news.gateway_order_id],
        )
        .await?;
    let attempt = AttemptNow {
        id,
        order,
        expected,
        status,
        paid_by,
    };
    // A gateway may report one payment under two events (Razorpay sends
    // payment.captured and order.paid): it counts once, applied or not.
    if attempt.status == "captured" && attempt.paid_by.as_deref() == Some(news.payment_id) {
        return Ok(NewsOutcome::Duplicate);
    }
    let seen: Option<i64> = s
        .optional_scalar(
            "SELECT id FROM payment_exceptions WHERE gateway = $1 AND gateway_payment_id = $2",
            args![news.gateway, news.payment_id],
        )
        .await?;
    if seen.is_some() {
        return Ok(NewsOutcome::Duplicate);
    }
    let paid_already: i64 = s
        .scalar(
            "SELECT COUNT(*) FROM payments WHERE order_id = $1 AND status = 'captured'",
            args![order],
        )
        .await?;
    let capture = Capture {
        amount: news.amount,
        currency: news.currency,
    };
    if let Err(exception) = rules::judge(capture, attempt.expected, paid_already > 0) {
        give_back(s, &attempt, news, exception, false, now).await?;
        return Ok(NewsOutcome::RefundOwed);
    }
    s.execute(
        "UPDATE payments SET status = 'captured', gateway_payment_id = $2, method = $3, updated_at = $4 WHERE id = $1",
        args![attempt.id, news.payment_id, news.method, Timestamp(now)],
    )
    .await?;
    let received = MoneyEvent::PaymentCaptured {
        amount: Money(news.amount),
        fee: Money(news.fee),
    };
    crate::ledger::post(s, &received, Some(order), None, None, now).await?;
    let parts: Vec<(i64, String, i64, i64, Timestamp)> = s
        .fetch_all(
            "SELECT id, status, total_paise, delivery_paise, updated_at FROM sub_orders WHERE order_id = $1 ORDER BY id",
            args![order],
        )
        .await?;
    if parts.iter().any(|p| p.1 == "awaiting_payment") {
        let mut paid = Vec::new();
        for (id, status, total, delivery, since) in &parts {
            if status == "awaiting_payment" {
                let part = SubOrderNow {
                    id: *id,
                    status: SubOrderStatus::AwaitingPayment,
                    order,
                    total: *total,
                    delivery: *delivery,
                    since: since.0,
                    return_reason: None,
                    terms: ReturnTerms {
                        change_of_mind_days: None,
                    },
                };
                let next = move_unlogged(
                    s,
                    part,
                    &OrderEvent::PaymentSucceeded,
                    Party::Platform,
                    None,
                    notices,
                    now,
                )
                .await
                .map_err(|e| StoreError::Corrupt(format!("paying sub-order {id}: {e}")))?;
                paid.push((*id, next));
            } else {
                // The buyer cancelled this part before paying for all.
                refund_undelivered(s, order, *id, *total, "cancelled-before-payment", now).await?;
            }
        }
        for (id, next) in paid {
            let event = OrderEvent::PaymentSucceeded;
            log_move(
                s,
                id,
                SubOrderStatus::AwaitingPayment,
                next,
                &event,
                Party::Platform,
                None,
                now,
            )
            .await?;
        }
        return Ok(NewsOutcome::Applied);
    }
    // Every part lapsed before the money came: take the stock again if it
    // is all still there; otherwise the whole payment goes back.
    let lapsed: i64 = s
        .scalar(
            "SELECT COUNT(*) FROM sub_order_events e JOIN sub_orders s ON s.id = e.sub_order_id \
             WHERE s.order_id = $1 AND e.event = 'payment-lapsed'",
            args![order],
        )
        .await?;
    let ids: Vec<i64> = parts.iter().map(|p| p.0).collect();
    if lapsed == parts.len() as i64 && retake_stock(s, &ids).await? {
        for id in &ids {
            s.execute(
                "UPDATE sub_orders SET status = 'placed', accept_by = $2, updated_at = $3 WHERE id = $1",
                args![*id, accept_deadline(now), Timestamp(now)],
            )
            .await?;
            record_event(
                s,
                *id,
                SubOrderStatus::Placed,
                "payment",
                Party::Platform,
                None,
                Some("reserved again".into()),
                now,
            )
            .await?;
            notify_sellers(s, *id, notices, now).await?;
        }
        notify_buyer(s, order, SubOrderStatus::Placed, None, notices, now).await?;
        for id in &ids {
            let change = Change {
                action: "sub_order.payment",
                object_kind: "sub_order",
                object_id: id.to_string(),
                before: Some(SubOrderStatus::Cancelled.code()),
                after: Some(SubOrderStatus::Placed.code()),
                note: Some("reserved again"),
            };
            audit::append(s, AuditActor::system("gateway"), change, now).await?;
        }
        return Ok(NewsOutcome::Applied);
    }
    give_back(s, &attempt, news, PaymentException::PaidAfterHold, true, now).await?;
    Ok(NewsOutcome::RefundOwed)
}

/// Owes a captured payment back in full and records why, for the admins'
/// list of payment exceptions. An attempt still open is closed, so that the
/// buyer's next try starts a fresh one rather than paying this one again.
/// Money in rupees is booked as received (unless `booked` already) and as
/// owed back; money in another currency never enters the books, which are
/// kept in rupees: the exception records it.
async fn give_back(
    s: &mut impl Statements,
    attempt: &AttemptNow,
    news: &CaptureNews<'_>,
    exception: PaymentException,
    booked: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tracing::warn!(
        gateway = news.gateway,
        gateway_order_id = news.gateway_order_id,
        payment = news.payment_id,
        amount = news.amount,
        currency = ?news.currency,
        expected = attempt.expected,
        kind = exception.code(),
        "a payment was not applied to its order and is owed back"
    );
    // The attempt is closed if still open, and if this very payment was
    // taken as paying it a moment ago (before its hold was found lapsed),
    // that is undone: a payment owed back in full does not read as paid.
    s.execute(
        "UPDATE payments SET status = 'failed', gateway_payment_id = COALESCE(gateway_payment_id, $2), \
         failure = $3, updated_at = $4 WHERE id = $1 \
         AND (status = 'created' OR (status = 'captured' AND gateway_payment_id = $2))",
        args![attempt.id, news.payment_id, exception.code(), Timestamp(now)],
    )
    .await?;
    let refund: Option<i64> = s
        .optional_scalar(
            "INSERT INTO refunds (payment_id, sub_order_id, amount_paise, reason, status, gateway_payment_id, created_at, \
             updated_at) VALUES ($1, NULL, $2, $3, 'pending', $4, $5, $5) ON CONFLICT DO NOTHING RETURNING id",
            args![attempt.id, news.amount, exception.code(), news.payment_id, Timestamp(now)],
        )
        .await?;
    if refund.is_some() && news.currency == Some("INR") {
        if !booked {
            let received = MoneyEvent::PaymentCaptured {
                amount: Money(news.amount),
                fee: Money(news.fee),
            };
            crate::ledger::post(s, &received, Some(attempt.order), None, None, now).await?;
        }
        let owed = MoneyEvent::RefundedUndelivered {
            amount: Money(news.amount),
        };
        crate::ledger::post(s, &owed, Some(attempt.order), None, None, now).await?;
    }
    s.execute(
        "INSERT INTO payment_exceptions (payment_id, order_id, gateway, gateway_payment_id, kind, amount, currency, \
         expected_paise, refund_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
        args![
            attempt.id,
            attempt.order,
            news.gateway,
            news.payment_id,
            exception.code(),
            news.amount,
            news.currency,
            attempt.expected,
            refund,
            Timestamp(now)
        ],
    )
    .await?;
    let change = Change {
        action: "payment.given_back",
        object_kind: "payment",
        object_id: attempt.id.to_string(),
        after: Some("refund-owed"),
        note: Some(exception.code()),
        ..Change::default()
    };
    audit::append(s, AuditActor::system("gateway"), change, now).await?;
    Ok(())
}

/// Takes the stock of all these sub-orders' items again, all or nothing.
async fn retake_stock(s: &mut impl Statements, parts: &[i64]) -> Result<bool, StoreError> {
    let mut items: Vec<(i64, i64)> = Vec::new();
    for id in parts {
        let rows: Vec<(i64, i64)> = s
            .fetch_all(
                "SELECT variant_id, quantity FROM order_items WHERE sub_order_id = $1",
                args![*id],
            )
            .await?;
        items.extend(rows);
    }
    items.sort_unstable();
    let mut taken: Vec<(i64, i64)> = Vec::new();
    for (variant, quantity) in items {
        if take_stock(s, variant, quantity).await? {
            taken.push((variant, quantity));
        } else {
            // Give back what this attempt took; the caller refunds instead.
            for (variant, quantity) in taken {
                s.execute(
                    "UPDATE listing_variants SET stock = stock + $2 WHERE id = $1",
                    args![variant, quantity],
                )
                .await?;
            }
            return Ok(false);
        }
    }
    Ok(true)
}

/// Records a refund owed for one sub-order of `order`, against the payment
/// that paid the order (nothing when nothing was paid online); says
/// whether a refund was newly owed.
pub(crate) async fn owe_for_part(
    s: &mut impl Statements,
    order: i64,
    sub_order: i64,
    amount: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let payment: Option<(i64, Option<String>)> = s
        .fetch_optional(
            "SELECT id, gateway_payment_id FROM payments WHERE order_id = $1 AND status = 'captured' ORDER BY id LIMIT 1",
            args![order],
        )
        .await?;
    let Some((payment, gateway_payment)) = payment else {
        return Ok(false);
    };
    let owed = s
        .execute(
            "INSERT INTO refunds (payment_id, sub_order_id, amount_paise, reason, status, gateway_payment_id, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $6) ON CONFLICT DO NOTHING",
            args![payment, sub_order, amount, reason, &gateway_payment, Timestamp(now)],
        )
        .await?;
    Ok(owed == 1)
}

/// Owes back the payment for a part of an order that was never delivered
/// (cancelled or refused), and books it: the buyer's advance goes back.
pub(crate) async fn refund_undelivered(
    s: &mut impl Statements,
    order: i64,
    sub_order: i64,
    amount: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if owe_for_part(s, order, sub_order, amount, reason, now).await? {
        let event = MoneyEvent::RefundedUndelivered { amount: Money(amount) };
        crate::ledger::post(s, &event, Some(order), Some(sub_order), None, now).await?;
    }
    Ok(())
}

/// A refund to send to the gateway.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RefundToSend {
    pub id: i64,
    pub gateway: String,
    /// The gateway's payment the money goes back to.
    pub gateway_payment_id: Option<String>,
    /// In the smallest unit of the payment's currency.
    pub amount_paise: i64,
    pub order_id: i64,
}

/// Refunds owed, not yet sent and not being sent, oldest first.
pub async fn pending_refunds(db: &Db, limit: i64) -> Result<Vec<RefundToSend>, StoreError> {
    let refunds = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT r.id, p.gateway, COALESCE(r.gateway_payment_id, p.gateway_payment_id) AS gateway_payment_id, \
             r.amount_paise, p.order_id FROM refunds r \
             JOIN payments p ON p.id = r.payment_id WHERE r.status = 'pending' AND r.claimed_at IS NULL \
             ORDER BY r.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(refunds)
}

/// Takes a pending refund for sending: `true` for the one caller that got
/// it, `false` for any other (another node is sending it, or it is done).
pub async fn claim_refund(db: &Db, refund: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let claimed = dispatch_write!(db, pool => {
        sqlx::query("UPDATE refunds SET claimed_at = $2 WHERE id = $1 AND status = 'pending' AND claimed_at IS NULL")
            .bind(refund)
            .bind(Timestamp(now))
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(claimed == 1)
}

/// What the gateway answered to a refund sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundAnswer<'a> {
    /// Taken: under this id, and processed already or not.
    Taken {
        gateway_refund_id: &'a str,
        processed: bool,
    },
    /// Refused: nothing happened, so it is owed still and sent again later.
    Refused,
    /// No answer, or one that could not be read: the gateway may have
    /// taken it. It stays claimed and is not sent again by itself (see
    /// [`unanswered_refunds`]).
    Unknown,
}

/// Records the gateway's answer to a refund this node claimed and sent.
pub async fn refund_answered(
    db: &Db,
    refund: i64,
    answer: RefundAnswer<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (status, gateway_refund_id, still_claimed) = match answer {
        RefundAnswer::Taken {
            gateway_refund_id,
            processed,
        } => (
            if processed { "processed" } else { "sent" },
            Some(gateway_refund_id),
            true,
        ),
        RefundAnswer::Refused => ("pending", None, false),
        RefundAnswer::Unknown => ("pending", None, true),
    };
    write_transaction!(db, s => {
        let updated = s
            .execute(
                "UPDATE refunds SET status = $3, gateway_refund_id = COALESCE($2, gateway_refund_id), \
                 claimed_at = CASE WHEN $5 THEN claimed_at ELSE NULL END, \
                 attempts = attempts + 1, updated_at = $4 WHERE id = $1 AND status = 'pending'",
                args![refund, gateway_refund_id, status, Timestamp(now), still_claimed],
            )
            .await?;
        // Money leaving is recorded; a refusal or silence changes nothing yet.
        if updated == 1 && status != "pending" {
            let change = Change {
                action: "refund.sent",
                object_kind: "refund",
                object_id: refund.to_string(),
                before: Some("pending"),
                after: Some(status),
                note: gateway_refund_id,
            };
            audit::append(&mut s, AuditActor::system("gateway"), change, now).await?;
        }
        Ok::<_, StoreError>(())
    })
}

/// A refund sent without an answer, as the admins' list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UnansweredRefund {
    pub id: i64,
    pub order_id: i64,
    pub gateway: String,
    pub gateway_payment_id: Option<String>,
    /// In the smallest unit of `currency`.
    pub amount: i64,
    /// The payment's currency: INR, unless it was a payment exception in
    /// another (or none said).
    pub currency: Option<String>,
    pub claimed_at: Timestamp,
}

impl UnansweredRefund {
    /// What it was sent with: what to look for on the gateway's dashboard.
    pub fn receipt(&self) -> String {
        rules::refund_receipt(self.order_id, self.id)
    }
}

/// Refunds claimed for sending before `before` and still without the
/// gateway's answer: an admin checks the gateway for their receipts.
pub async fn unanswered_refunds(
    db: &Db,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<UnansweredRefund>, StoreError> {
    let refunds = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT r.id, p.order_id, p.gateway, COALESCE(r.gateway_payment_id, p.gateway_payment_id) AS gateway_payment_id, \
             r.amount_paise AS amount, CASE WHEN e.id IS NULL THEN 'INR' ELSE e.currency END AS currency, r.claimed_at \
             FROM refunds r JOIN payments p ON p.id = r.payment_id LEFT JOIN payment_exceptions e ON e.refund_id = r.id \
             WHERE r.status = 'pending' AND r.claimed_at < $1 ORDER BY r.id LIMIT $2",
        )
        .bind(Timestamp(before))
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(refunds)
}

/// Lets a refund sent without an answer (claimed before `claimed_before`)
/// be sent again, once an admin has found that the gateway did not take
/// it. `false` if it was settled meanwhile, or sent again lately (a second
/// click, another admin) and its answer is not yet due.
pub async fn release_refund(
    db: &Db,
    refund: i64,
    by: UserId,
    claimed_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    write_transaction!(db, s => {
        let released = s
            .execute(
                "UPDATE refunds SET claimed_at = NULL, updated_at = $2 \
                 WHERE id = $1 AND status = 'pending' AND claimed_at < $3",
                args![refund, Timestamp(now), Timestamp(claimed_before)],
            )
            .await?;
        if released == 1 {
            // Money may leave twice if the admin was wrong: who decided it is kept.
            let change = Change {
                action: "refund.released",
                object_kind: "refund",
                object_id: refund.to_string(),
                before: Some("sent-without-answer"),
                after: Some("pending"),
                note: None,
            };
            audit::append(&mut s, AuditActor::user(by, "admin"), change, now).await?;
        }
        Ok::<_, StoreError>(released == 1)
    })
}

/// A payment exception, as the admins' list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExceptionRecord {
    pub id: i64,
    pub order_id: i64,
    pub gateway: String,
    pub gateway_order_id: String,
    pub gateway_payment_id: String,
    pub kind: String,
    /// As received, in the smallest unit of `currency`.
    pub amount: i64,
    pub currency: Option<String>,
    pub expected_paise: i64,
    /// `pending`, `sent` or `processed`; `None` if no refund was recorded.
    pub refund_status: Option<String>,
    pub created_at: Timestamp,
}

impl ExceptionRecord {
    pub fn kind(&self) -> Option<PaymentException> {
        PaymentException::parse(&self.kind)
    }
}

/// The newest payment exceptions, at most `limit`.
pub async fn exceptions(db: &Db, limit: i64) -> Result<Vec<ExceptionRecord>, StoreError> {
    let rows = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT e.id, e.order_id, e.gateway, p.gateway_order_id, e.gateway_payment_id, e.kind, e.amount, e.currency, \
             e.expected_paise, r.status AS refund_status, e.created_at FROM payment_exceptions e \
             JOIN payments p ON p.id = e.payment_id LEFT JOIN refunds r ON r.id = e.refund_id \
             ORDER BY e.created_at DESC, e.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows)
}
