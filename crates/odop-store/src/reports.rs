//! The operator's tax reports, read from the tax documents as issued: the
//! month's TCS per supplier GSTIN (GSTR-8, table 3) and a supplier's GST
//! sales register (supplies to consumers by place of supply and rate, and
//! the HSN summary). Credit notes issued in the month reduce it.

use chrono::{DateTime, NaiveTime, Utc};
use odop_domain::UserId;
use odop_domain::checkout::TaxSplit;
use odop_domain::ledger::{Month, tcs_cut_day, tcs_on};
use odop_domain::money::Money;

use crate::StoreError;
use crate::db::{Db, dispatch};
use crate::time::Timestamp;

/// The first instant of a day in India, in UTC.
fn start_of_ist_day(day: chrono::NaiveDate) -> DateTime<Utc> {
    (day.and_time(NaiveTime::MIN) - chrono::Duration::minutes(330)).and_utc()
}

/// The month's bounds in UTC: from its first moment in India to the next
/// month's.
fn bounds(month: Month) -> (Timestamp, Timestamp) {
    (
        Timestamp(start_of_ist_day(month.first_day())),
        Timestamp(start_of_ist_day(month.next_first_day())),
    )
}

/// One row of GSTR-8's table 3: a supplier's supplies through odop in the
/// month, what came back, the net value and the TCS on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcsRow {
    pub gstin: String,
    pub gross: Money,
    pub returned: Money,
    pub net: Money,
    pub tcs: TaxSplit,
}

/// The month's TCS per supplier GSTIN, in GSTIN order. Supplies without a
/// GSTIN (bills of supply of enrolled suppliers) bear none. It reads the
/// month's running totals, which issuing each document adds to.
pub async fn tcs_month(db: &Db, month: Month) -> Result<Vec<TcsRow>, StoreError> {
    // One row per GSTIN, summed by the database from that GSTIN's adjacent
    // rows of the primary key (no sorting): what was supplied, what came
    // back, and the net value of each part TCS is reckoned on (within or
    // across states, before or after the rate changed). Half as many rows
    // cross over to Rust as there are totals, which is most of the cost.
    type Row = (String, i64, i64, i64, i64, i64, i64);
    let rows: Vec<Row> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT supplier_gstin, \
             CAST(SUM(CASE WHEN kind = 'credit-note' THEN 0 ELSE taxable_paise END) AS BIGINT), \
             CAST(SUM(CASE WHEN kind = 'credit-note' THEN taxable_paise ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN intra_state AND NOT after_tcs_cut THEN signed ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN NOT intra_state AND NOT after_tcs_cut THEN signed ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN intra_state AND after_tcs_cut THEN signed ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN NOT intra_state AND after_tcs_cut THEN signed ELSE 0 END) AS BIGINT) \
             FROM (SELECT supplier_gstin, kind, intra_state, after_tcs_cut, taxable_paise, \
                   CASE WHEN kind = 'credit-note' THEN -taxable_paise ELSE taxable_paise END AS signed \
                   FROM supply_totals WHERE month = $1) t \
             GROUP BY supplier_gstin ORDER BY supplier_gstin",
        )
        .bind(month.number())
        .fetch_all(pool)
        .await?
    });
    let before_cut = tcs_cut_day().pred_opt().expect("a day before");
    Ok(rows
        .into_iter()
        .map(
            |(gstin, gross, returned, intra_before, inter_before, intra_after, inter_after)| {
                let mut tcs = TaxSplit::default();
                for (net, day, intra) in [
                    (intra_before, before_cut, true),
                    (inter_before, before_cut, false),
                    (intra_after, tcs_cut_day(), true),
                    (inter_after, tcs_cut_day(), false),
                ] {
                    let part = tcs_on(Money(net), day, intra);
                    tcs.cgst.0 += part.cgst.0;
                    tcs.sgst.0 += part.sgst.0;
                    tcs.igst.0 += part.igst.0;
                }
                TcsRow {
                    gstin,
                    gross: Money(gross),
                    returned: Money(returned),
                    net: Money(gross - returned),
                    tcs,
                }
            },
        )
        .collect())
}

/// A line of a sales register: the net value and tax of what was supplied
/// under one key (a place of supply and rate, or an HSN code and rate).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterLine {
    pub key: String,
    pub rate_bp: i64,
    pub quantity: i64,
    pub taxable: Money,
    pub tax: TaxSplit,
}

/// A supplier's sales register for a month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SalesRegister {
    /// Supplies to consumers (B2C) by place of supply (GST state code) and rate.
    pub by_place: Vec<RegisterLine>,
    /// The HSN summary.
    pub by_hsn: Vec<RegisterLine>,
}

/// A register's rows as the database sums them: the key, the kind of
/// document, the rate, then quantity, value before tax, CGST, SGST, IGST.
type RegisterRow = (String, String, i64, i64, i64, i64, i64, i64);

pub async fn sales_register(db: &Db, supplier: UserId, month: Month) -> Result<SalesRegister, StoreError> {
    let (from, until) = bounds(month);
    let grouped = |key: &'static str| {
        format!(
            "SELECT {key}, d.kind, l.rate_bp, CAST(SUM(l.quantity) AS BIGINT), CAST(SUM(l.taxable_paise) AS BIGINT), \
             CAST(SUM(l.cgst_paise) AS BIGINT), CAST(SUM(l.sgst_paise) AS BIGINT), CAST(SUM(l.igst_paise) AS BIGINT) \
             FROM tax_document_lines l JOIN tax_documents d ON d.id = l.document_id \
             WHERE d.supplier_user_id = $1 AND d.issued_at >= $2 AND d.issued_at < $3 \
             GROUP BY {key}, d.kind, l.rate_bp ORDER BY {key}, l.rate_bp"
        )
    };
    let (places, hsns): (Vec<RegisterRow>, Vec<RegisterRow>) = dispatch!(db, pool => {
        let places = sqlx::query_as(sqlx::AssertSqlSafe(grouped("d.place_of_supply_code")))
            .bind(supplier.0)
            .bind(from)
            .bind(until)
            .fetch_all(pool)
            .await?;
        let hsns = sqlx::query_as(sqlx::AssertSqlSafe(grouped("l.hsn")))
            .bind(supplier.0)
            .bind(from)
            .bind(until)
            .fetch_all(pool)
            .await?;
        (places, hsns)
    });
    Ok(SalesRegister {
        by_place: net_lines(places),
        by_hsn: net_lines(hsns),
    })
}

/// Adds up rows by key and rate, credit notes taken away.
fn net_lines(rows: Vec<RegisterRow>) -> Vec<RegisterLine> {
    let mut lines: Vec<RegisterLine> = Vec::new();
    for (key, kind, rate_bp, quantity, taxable, cgst, sgst, igst) in rows {
        let sign = if kind == "credit-note" { -1 } else { 1 };
        let index = match lines.iter().position(|l| l.key == key && l.rate_bp == rate_bp) {
            Some(index) => index,
            None => {
                lines.push(RegisterLine {
                    key,
                    rate_bp,
                    ..RegisterLine::default()
                });
                lines.len() - 1
            }
        };
        let line = &mut lines[index];
        line.quantity += sign * quantity;
        line.taxable.0 += sign * taxable;
        line.tax.cgst.0 += sign * cgst;
        line.tax.sgst.0 += sign * sgst;
        line.tax.igst.0 += sign * igst;
    }
    lines
}
