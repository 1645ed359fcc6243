//! Tax reports from the documents as issued: the operator's monthly TCS
//! per supplier (GSTR-8, table 3) for state admins, and each seller's GST
//! sales register (B2C supplies by place of supply and rate, HSN summary).
//! Each is a page and a CSV file.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, Response};
use axum::routing::get;
use chrono::Utc;
use odop_domain::authz::{self, Action};
use odop_domain::checkout;
use odop_domain::gst::GstRate;
use odop_domain::ledger::Month;
use odop_domain::money::Money;
use odop_store::reports::{self, RegisterLine};
use serde::Deserialize;

use super::{Chrome, Page, csv_response, render};
use crate::AppState;
use crate::error::{AppError, NotFound};
use crate::extract::Query;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/reports/tcs", get(tcs))
        .route("/admin/reports/tcs.csv", get(tcs_csv))
        .route("/sell/money/register", get(register))
        .route("/sell/money/register.csv", get(register_csv))
}

#[derive(Deserialize)]
struct MonthQuery {
    #[serde(default)]
    month: Option<String>,
}

/// The month asked for, this month in India when none is.
fn month_of(tr: &Tr, query: &MonthQuery) -> Result<Month, AppError> {
    match query.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => Ok(Month::of(odop_domain::quiz::ist_day(Utc::now()))),
        Some(text) => Month::parse(text).ok_or_else(|| AppError::Invalid {
            fields: vec![("month".to_owned(), tr.t("report-month-invalid"))],
        }),
    }
}

fn as_finance(page: &Page) -> Result<(), AppError> {
    let me = page.signed_in()?;
    if authz::may(&me.actor, Action::ReadTaxReports) {
        Ok(())
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

pub struct TcsView {
    pub gstin: String,
    pub gross: String,
    pub returned: String,
    pub net: String,
    pub igst: String,
    pub cgst: String,
    pub sgst: String,
}

#[derive(Template)]
#[template(path = "reports/tcs.html")]
struct TcsPage {
    tr: Tr,
    chrome: Chrome,
    month: String,
    csv_href: String,
    rows: Vec<TcsView>,
    /// Every supplier's figures added up, when there are any.
    total: Option<TcsView>,
    /// Says how many suppliers the month has, when the page shows only some.
    only_some: Option<String>,
}

/// The most suppliers the page lists: a state has tens of thousands in a
/// month, which the CSV holds for the filing; the page stays small enough
/// for a phone and shows the month's totals over all of them.
const TCS_PAGE_ROWS: usize = 100;

async fn tcs(
    page: Page,
    State(state): State<AppState>,
    Query(query): Query<MonthQuery>,
) -> Result<Html<String>, AppError> {
    as_finance(&page)?;
    let month = month_of(&page.tr, &query)?;
    let rows = reports::tcs_month(state.db(), month).await?;
    let view = |gstin: String, row: &reports::TcsRow| TcsView {
        gstin,
        gross: row.gross.to_string(),
        returned: row.returned.to_string(),
        net: row.net.to_string(),
        igst: row.tcs.igst.to_string(),
        cgst: row.tcs.cgst.to_string(),
        sgst: row.tcs.sgst.to_string(),
    };
    let total = (!rows.is_empty()).then(|| {
        let mut sum = reports::TcsRow {
            gstin: String::new(),
            gross: Money(0),
            returned: Money(0),
            net: Money(0),
            tcs: checkout::TaxSplit::default(),
        };
        for row in &rows {
            sum.gross.0 += row.gross.0;
            sum.returned.0 += row.returned.0;
            sum.net.0 += row.net.0;
            sum.tcs.igst.0 += row.tcs.igst.0;
            sum.tcs.cgst.0 += row.tcs.cgst.0;
            sum.tcs.sgst.0 += row.tcs.sgst.0;
        }
        view(
            page.tr.t1("report-total-suppliers", "count", rows.len().to_string()),
            &sum,
        )
    });
    render(&TcsPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        month: month.to_string(),
        csv_href: format!("/admin/reports/tcs.csv?month={month}"),
        only_some: (rows.len() > TCS_PAGE_ROWS).then(|| {
            page.tr.with(
                "report-tcs-first",
                &[
                    ("shown", crate::i18n::Arg::from(TCS_PAGE_ROWS)),
                    ("count", crate::i18n::Arg::from(rows.len())),
                ],
            )
        }),
        rows: rows
            .iter()
            .take(TCS_PAGE_ROWS)
            .map(|row| view(row.gstin.clone(), row))
            .collect(),
        total,
    })
}

/// GSTR-8 table 3 in its column order, amounts in rupees.
async fn tcs_csv(
    page: Page,
    State(state): State<AppState>,
    Query(query): Query<MonthQuery>,
) -> Result<Response, AppError> {
    as_finance(&page)?;
    let month = month_of(&page.tr, &query)?;
    let mut rows = vec![
        [
            "gstin_of_supplier",
            "gross_value_of_supplies",
            "value_of_supplies_returned",
            "net_amount_liable_for_tcs",
            "integrated_tax",
            "central_tax",
            "state_ut_tax",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for row in reports::tcs_month(state.db(), month).await? {
        rows.push(vec![
            row.gstin,
            row.gross.to_decimal(),
            row.returned.to_decimal(),
            row.net.to_decimal(),
            row.tcs.igst.to_decimal(),
            row.tcs.cgst.to_decimal(),
            row.tcs.sgst.to_decimal(),
        ]);
    }
    Ok(csv_response(&format!("odop-gstr8-{month}.csv"), rows))
}

pub struct RegisterView {
    pub key: String,
    pub rate: String,
    pub quantity: i64,
    pub taxable: String,
    pub igst: String,
    pub cgst: String,
    pub sgst: String,
}

fn register_view(line: &RegisterLine, key: String) -> RegisterView {
    RegisterView {
        key,
        rate: GstRate(u16::try_from(line.rate_bp).unwrap_or(0)).label(),
        quantity: line.quantity,
        taxable: line.taxable.to_string(),
        igst: line.tax.igst.to_string(),
        cgst: line.tax.cgst.to_string(),
        sgst: line.tax.sgst.to_string(),
    }
}

fn place_name(tr: &Tr, code: &str) -> String {
    checkout::state(code)
        .map(|state| match tr.locale() {
            odop_domain::Locale::En => format!("{code} {}", state.name_en),
            odop_domain::Locale::Hi => format!("{code} {}", state.name_hi),
        })
        .unwrap_or_else(|| code.to_owned())
}

#[derive(Template)]
#[template(path = "reports/register.html")]
struct RegisterPage {
    tr: Tr,
    chrome: Chrome,
    month: String,
    csv_href: String,
    places: Vec<RegisterView>,
    hsns: Vec<RegisterView>,
}

fn as_seller(page: &Page) -> Result<odop_domain::UserId, AppError> {
    let me = page.signed_in()?;
    if authz::may(&me.actor, Action::PublishListings) {
        Ok(me.user.id)
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

async fn register(
    page: Page,
    State(state): State<AppState>,
    Query(query): Query<MonthQuery>,
) -> Result<Html<String>, AppError> {
    let supplier = as_seller(&page)?;
    let month = month_of(&page.tr, &query)?;
    let register = reports::sales_register(state.db(), supplier, month).await?;
    let tr = &page.tr;
    render(&RegisterPage {
        tr: tr.clone(),
        chrome: page.chrome(),
        month: month.to_string(),
        csv_href: format!("/sell/money/register.csv?month={month}"),
        places: register
            .by_place
            .iter()
            .map(|line| register_view(line, place_name(tr, &line.key)))
            .collect(),
        hsns: register
            .by_hsn
            .iter()
            .map(|line| register_view(line, line.key.clone()))
            .collect(),
    })
}

async fn register_csv(
    page: Page,
    State(state): State<AppState>,
    Query(query): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let supplier = as_seller(&page)?;
    let month = month_of(&page.tr, &query)?;
    let register = reports::sales_register(state.db(), supplier, month).await?;
    let mut rows = vec![
        [
            "section",
            "place_of_supply_or_hsn",
            "rate_percent",
            "quantity",
            "taxable_value_inr",
            "integrated_tax_inr",
            "central_tax_inr",
            "state_ut_tax_inr",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for (section, lines) in [("b2c", &register.by_place), ("hsn", &register.by_hsn)] {
        for line in lines {
            rows.push(vec![
                section.to_owned(),
                line.key.clone(),
                format!("{}.{:02}", line.rate_bp / 100, line.rate_bp % 100),
                line.quantity.to_string(),
                line.taxable.to_decimal(),
                line.tax.igst.to_decimal(),
                line.tax.cgst.to_decimal(),
                line.tax.sgst.to_decimal(),
            ]);
        }
    }
    Ok(csv_response(&format!("odop-sales-register-{month}.csv"), rows))
}
