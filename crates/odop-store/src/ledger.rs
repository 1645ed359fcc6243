//! The books in storage: each money event's posting written in the
//! transaction of the event, the commission table, and what a seller's
//! statement reads back. The rules (accounts, postings, settlements) are
//! `odop_domain::ledger`'s; this module only stores and sums them.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use odop_domain::UserId;
use odop_domain::ledger::{CommissionRule, CommissionTable, MoneyEvent, PostingError, Settlement, tcs_rate_bp};
use odop_domain::money::Money;
use odop_domain::orders::FAULT_REPORT_DAYS;
use odop_domain::quiz::ist_day;

use crate::StoreError;
use crate::db::{Db, dispatch};
use crate::statements::{Statements, args, write_transaction};
use crate::time::Timestamp;

/// Writes the posting of `event`, tied to the order and part it concerns.
/// An event that moves no money posts nothing.
pub(crate) async fn post(
    s: &mut impl Statements,
    event: &MoneyEvent,
    order: Option<i64>,
    sub_order: Option<i64>,
    payable_from: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    write(s, event, [order, sub_order, None], payable_from, now).await
}

/// Writes the posting of a payout line's event (paid out, or failed).
pub(crate) async fn post_payout(
    s: &mut impl Statements,
    event: &MoneyEvent,
    line: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    write(s, event, [None, None, Some(line)], None, now).await
}

/// Writes a posting tied to its order, part of an order and payout line.
async fn write(
    s: &mut impl Statements,
    event: &MoneyEvent,
    [order, sub_order, payout_line]: [Option<i64>; 3],
    payable_from: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let posting = match event.posting() {
        Ok(posting) => posting,
        Err(PostingError::Empty) => return Ok(()),
        Err(e) => return Err(StoreError::Corrupt(format!("{}: {e}", event.code()))),
    };
    let id: i64 = s
        .scalar(
            "INSERT INTO ledger_postings (event, order_id, sub_order_id, payout_line_id, payable_from, at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            args![
                event.code(),
                order,
                sub_order,
                payout_line,
                payable_from.map(Timestamp),
                Timestamp(now)
            ],
        )
        .await?;
    for entry in posting.entries() {
        s.execute(
            "INSERT INTO ledger_entries (posting_id, account, seller_user_id, amount_paise) VALUES ($1, $2, $3, $4)",
            args![
                id,
                entry.account.code(),
                entry.account.seller().map(|seller| seller.0),
                entry.amount
            ],
        )
        .await?;
    }
    Ok(())
}

/// The commission table as the transaction sees it.
async fn commission_table(s: &mut impl Statements) -> Result<CommissionTable, StoreError> {
    let rows: Vec<(Option<String>, String, i64)> = s
        .fetch_all(
            "SELECT craft, effective_from, rate_bp FROM commission_rules ORDER BY id",
            args![],
        )
        .await?;
    let rules = rows
        .into_iter()
        .filter_map(|(craft, from, rate_bp)| {
            Some(CommissionRule {
                craft,
                effective_from: NaiveDate::parse_from_str(&from, "%Y-%m-%d").ok()?,
                rate_bp,
            })
        })
        .collect();
    Ok(CommissionTable(rules))
}

/// What the books need to know of a part of an order: who is paid for it
/// (the supplier on its invoice: the seller, or the vendor for a
/// sub-vendor), its value before tax, whether TCS is collected (a
/// registered supplier's tax invoice), its total, its order, how it was
/// paid and its ODOP product.
struct PartFacts {
    payee: i64,
    taxable: i64,
    registered: bool,
    total: i64,
    order: i64,
    cash_on_delivery: bool,
    craft: String,
}

async fn part_facts(s: &mut impl Statements, sub_order: i64) -> Result<PartFacts, StoreError> {
    type Row = (i64, i64, String, i64, i64, String, Option<String>);
    let (payee, taxable, kind, total, order, method, craft): Row = s
        .fetch_optional(
            "SELECT COALESCE(d.supplier_user_id, s.seller_user_id), \
             COALESCE(d.taxable_paise, s.total_paise - s.cgst_paise - s.sgst_paise - s.igst_paise), \
             COALESCE(d.kind, s.supply_document), s.total_paise, s.order_id, o.payment_method, a.craft \
             FROM sub_orders s JOIN orders o ON o.id = s.order_id \
             LEFT JOIN tax_documents d ON d.sub_order_id = s.id AND d.kind <> 'credit-note' \
             LEFT JOIN seller_applications a ON a.id = (SELECT MAX(x.id) FROM seller_applications x \
                 WHERE x.user_id = s.seller_user_id AND x.status = 'approved') \
             WHERE s.id = $1",
            args![sub_order],
        )
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("sub-order {sub_order} is missing")))?;
    Ok(PartFacts {
        payee,
        taxable,
        registered: kind == "tax-invoice",
        total,
        order,
        cash_on_delivery: method == "cod",
        craft: craft.unwrap_or_default(),
    })
}

fn settle(gross: i64, taxable: i64, commission_bp: i64, tcs_bp: i64) -> Result<Settlement, StoreError> {
    Settlement::of(Money(gross), Money(taxable), commission_bp, tcs_bp)
        .map_err(|e| StoreError::Corrupt(format!("settling {gross} paise: {e}")))
}

/// A part was delivered: the sale completes. The buyer's advance becomes
/// the payee's, less commission, its GST and TCS at the rates of the day;
/// it may be paid out once the buyer can no longer return it for a change
/// of mind or a fault. Cash on delivery reaches the books here, as the
/// courier collects it.
pub(crate) async fn sale_delivered(
    s: &mut impl Statements,
    sub_order: i64,
    change_of_mind_days: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let part = part_facts(s, sub_order).await?;
    let day = ist_day(now);
    let table = commission_table(s).await?;
    let settlement = settle(
        part.total,
        part.taxable,
        table.rate_bp(&part.craft, day),
        tcs_rate_bp(day, part.registered),
    )?;
    if part.cash_on_delivery {
        let collected = MoneyEvent::PaymentCaptured {
            amount: Money(part.total),
            fee: Money(0),
        };
        post(s, &collected, Some(part.order), Some(sub_order), None, now).await?;
    }
    let returnable_days = change_of_mind_days.unwrap_or(0).max(FAULT_REPORT_DAYS);
    let sale = MoneyEvent::SaleCompleted {
        seller: UserId(part.payee),
        settlement,
    };
    post(
        s,
        &sale,
        Some(part.order),
        Some(sub_order),
        Some(now + Duration::days(returnable_days)),
        now,
    )
    .await
}

/// Delivered goods came back and `refund` paise are owed to the buyer:
/// the sale is reversed for that part, at the rates it was settled at. A
/// part delivered before the books were kept has no sale to reverse.
pub(crate) async fn goods_returned(
    s: &mut impl Statements,
    sub_order: i64,
    refund: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sale: Option<(i64, Timestamp)> = s
        .fetch_optional(
            "SELECT id, at FROM ledger_postings WHERE sub_order_id = $1 AND event = 'sale-completed' ORDER BY id LIMIT 1",
            args![sub_order],
        )
        .await?;
    let Some((sale, sold_at)) = sale else {
        return Ok(());
    };
    let part = part_facts(s, sub_order).await?;
    let credited: Option<i64> = s
        .optional_scalar(
            "SELECT taxable_paise FROM tax_documents WHERE sub_order_id = $1 AND kind = 'credit-note'",
            args![sub_order],
        )
        .await?;
    // Without a credit note, the same share of the value before tax as of the total.
    let taxable = credited
        .unwrap_or_else(|| (i128::from(part.taxable) * i128::from(refund) / i128::from(part.total.max(1))) as i64);
    let payee: i64 = s
        .scalar(
            "SELECT seller_user_id FROM ledger_entries WHERE posting_id = $1 AND account = 'seller-payable'",
            args![sale],
        )
        .await?;
    let day = ist_day(sold_at.0);
    let table = commission_table(s).await?;
    let settlement = settle(
        refund,
        taxable,
        table.rate_bp(&part.craft, day),
        tcs_rate_bp(day, part.registered),
    )?;
    let returned = MoneyEvent::Returned {
        seller: UserId(payee),
        settlement,
    };
    post(s, &returned, Some(part.order), Some(sub_order), None, now).await
}

/// One line of a seller's statement: a posting that moved the seller's
/// payable, with the part of the order it concerns and the rest of the
/// posting (commission, TCS) alongside.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StatementLine {
    pub posting_id: i64,
    pub event: String,
    pub order_id: Option<i64>,
    pub sub_order_id: Option<i64>,
    pub at: Timestamp,
    pub payable_from: Option<Timestamp>,
    /// What the buyer paid for it (for a sale, or given back for a return).
    pub gross_paise: i64,
    pub commission_paise: i64,
    pub gst_on_commission_paise: i64,
    pub tcs_paise: i64,
    /// The change to what the payee is owed: positive for a sale. For a
    /// sub-vendor's own sales, the payee is its vendor.
    pub net_paise: i64,
    /// The artisan who made the sale, when it is not the statement's owner:
    /// a vendor sees its sub-vendors' shares by name.
    pub made_by: Option<String>,
}

/// The seller's statement, newest first: every posting that moved its
/// payable, with commission, its GST and TCS of the same posting; and for
/// a sub-vendor, the postings of its own sales, paid to its vendor. At most
/// `limit` lines, older than posting `before` when given (the next page).
pub async fn statement(
    db: &Db,
    seller: UserId,
    limit: i64,
    before: Option<i64>,
) -> Result<Vec<StatementLine>, StoreError> {
    let lines = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT p.id AS posting_id, p.event, p.order_id, p.sub_order_id, p.at, p.payable_from, \
             CAST(COALESCE(SUM(CASE WHEN e.account IN ('buyer-advances', 'gateway-clearing') THEN e.amount_paise END), 0) AS BIGINT) AS gross_paise, \
             CAST(COALESCE(-SUM(CASE WHEN e.account = 'commission' THEN e.amount_paise END), 0) AS BIGINT) AS commission_paise, \
             CAST(COALESCE(-SUM(CASE WHEN e.account = 'gst-on-commission' THEN e.amount_paise END), 0) AS BIGINT) AS gst_on_commission_paise, \
             CAST(COALESCE(-SUM(CASE WHEN e.account = 'tcs-payable' THEN e.amount_paise END), 0) AS BIGINT) AS tcs_paise, \
             CAST(COALESCE(-SUM(CASE WHEN e.account = 'seller-payable' THEN e.amount_paise END), 0) AS BIGINT) AS net_paise, \
             CASE WHEN so.seller_user_id <> $1 THEN COALESCE(mu.display_name, '') END AS made_by \
             FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id \
             LEFT JOIN sub_orders so ON so.id = p.sub_order_id LEFT JOIN users mu ON mu.id = so.seller_user_id \
             WHERE p.id IN (SELECT x.id FROM (SELECT posting_id AS id FROM ledger_entries WHERE seller_user_id = $1 \
                 UNION SELECT lp.id FROM sub_orders mine JOIN ledger_postings lp ON lp.sub_order_id = mine.id \
                 WHERE mine.seller_user_id = $1 AND mine.vendor_user_id IS NOT NULL) x \
                 WHERE x.id < $3 ORDER BY x.id DESC LIMIT $2) \
             GROUP BY p.id, p.event, p.order_id, p.sub_order_id, p.at, p.payable_from, so.seller_user_id, mu.display_name \
             ORDER BY p.id DESC LIMIT $2",
        )
        .bind(seller.0)
        .bind(limit)
        .bind(before.unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await?
    });
    Ok(lines)
}

/// What the operator owes a seller: all of it, and the part that may be
/// paid out at `now` (sales past their return period, less returns and
/// payouts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Balance {
    pub owed: Money,
    pub payable_now: Money,
}

pub async fn balance(db: &Db, seller: UserId, now: DateTime<Utc>) -> Result<Balance, StoreError> {
    let (owed, waiting): (i64, i64) = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT CAST(COALESCE(-SUM(e.amount_paise), 0) AS BIGINT), \
             CAST(COALESCE(-SUM(CASE WHEN p.payable_from > $2 THEN e.amount_paise END), 0) AS BIGINT) \
             FROM ledger_entries e JOIN ledger_postings p ON p.id = e.posting_id \
             WHERE e.seller_user_id = $1",
        )
        .bind(seller.0)
        .bind(Timestamp(now))
        .fetch_one(pool)
        .await?
    });
    Ok(Balance {
        owed: Money(owed),
        payable_now: Money(owed - waiting),
    })
}

/// Every account's balance (debits positive), from all postings: what the
/// books say as a whole. Tests check that it sums to zero.
pub async fn trial_balance(db: &Db) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT account, CAST(SUM(amount_paise) AS BIGINT) FROM ledger_entries GROUP BY account ORDER BY account",
        )
        .fetch_all(pool)
        .await?
    });
    Ok(rows)
}

/// A line of the commission table with who set it and when.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CommissionRuleRow {
    pub id: i64,
    /// A craft slug; `None` for every product without a rule of its own.
    pub craft: Option<String>,
    /// YYYY-MM-DD.
    pub effective_from: String,
    pub rate_bp: i64,
    pub created_by_name: Option<String>,
    pub created_at: Timestamp,
}

/// The commission table, newest first. Rules are only ever added: a
/// correction is a later rule for the same product and day, which wins.
pub async fn commission_rules(db: &Db) -> Result<Vec<CommissionRuleRow>, StoreError> {
    let rows = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT r.id, r.craft, r.effective_from, r.rate_bp, u.display_name AS created_by_name, r.created_at \
             FROM commission_rules r LEFT JOIN users u ON u.id = r.created_by ORDER BY r.id DESC",
        )
        .fetch_all(pool)
        .await?
    });
    Ok(rows)
}

/// Adds a rule to the commission table, by `by`.
pub async fn add_commission_rule(
    db: &Db,
    rule: &CommissionRule,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let from = rule.effective_from.format("%Y-%m-%d").to_string();
    write_transaction!(db, s => {
        let id: i64 = s
            .scalar(
                "INSERT INTO commission_rules (craft, effective_from, rate_bp, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                args![rule.craft.as_deref(), &from, rule.rate_bp, by.0, Timestamp(now)],
            )
            .await?;
        let rate = format!("{} bp from {from}", rule.rate_bp);
        let change = crate::audit::Change {
            action: "commission_rule.added",
            object_kind: "commission_rule",
            object_id: id.to_string(),
            after: Some(&rate),
            note: rule.craft.as_deref(),
            ..crate::audit::Change::default()
        };
        crate::audit::append(&mut s, crate::audit::AuditActor::user(by, "admin"), change, now).await?;
        Ok::<_, StoreError>(id)
    })
}
