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
    type Row = (String, String, bool, bool, i64);
    let rows: Vec<Row> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT supplier_gstin, kind, intra_state, after_tcs_cut, taxable_paise FROM supply_totals \
             WHERE month = $1 ORDER BY supplier_gstin",
        )
        .bind(month.number())
        .fetch_all(pool)
        .await?
    });
    // Rows come in GSTIN order: each supplier's row is summed from its
    // consecutive rows, and its TCS reckoned on the net value of each of its
    // parts (within or across states, before or after the rate changed).
    let mut report: Vec<TcsRow> = Vec::new();
    let mut parts: Vec<(bool, bool, i64)> = Vec::new();
    for (gstin, kind, intra, after_cut, taxable) in rows {
        if report.last().is_none_or(|row| row.gstin != gstin) {
            if let Some(row) = report.last_mut() {
                add_tcs(row, &mut parts);
            }
            report.push(TcsRow {
                gstin,
                gross: Money(0),
                returned: Money(0),
                net: Money(0),
                tcs: TaxSplit::default(),
            });
        }
        let row = report.last_mut().expect("just pushed");
        let signed = if kind == "credit-note" {
            row.returned.0 += taxable;
            -taxable
        } else {
            row.gross.0 += taxable;
            taxable
        };
        row.net.0 += signed;
        match parts.iter_mut().find(|(i, c, _)| *i == intra && *c == after_cut) {
            Some(part) => part.2 += signed,
            None => parts.push((intra, after_cut, signed)),
        }
    }
    if let Some(row) = report.last_mut() {
        add_tcs(row, &mut parts);
    }
    Ok(report)
}

/// Adds to a supplier's row the TCS on each of its parts, and empties them.
fn add_tcs(row: &mut TcsRow, parts: &mut Vec<(bool, bool, i64)>) {
    for (intra, after_cut, net) in parts.drain(..) {
        let day = if after_cut {
            tcs_cut_day()
        } else {
            tcs_cut_day().pred_opt().expect("a day before")
        };
        let tcs = tcs_on(Money(net), day, intra);
        row.tcs.cgst.0 += tcs.cgst.0;
        row.tcs.sgst.0 += tcs.sgst.0;
        row.tcs.igst.0 += tcs.igst.0;
    }
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
