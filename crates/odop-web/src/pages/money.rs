//! A seller's money: what the operator owes it and from when, and the
//! statement of every sale, return and payout behind that figure, as a
//! page and as CSV. A vendor is paid for its sub-vendors' sales (it
//! invoices them), so their lines are in its statement.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use odop_cards::pdf::{Column, Sheet};
use odop_domain::authz::{self, Action};
use odop_domain::money::Money;
use odop_domain::orders::order_number;
use odop_store::ledger::{self, StatementLine};

use super::{Chrome, Page, csv_response, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, NotFound};
use crate::extract::Query;
use crate::i18n::Tr;

/// The most lines the CSV and PDF statements hold.
const STATEMENT_LINES: i64 = 1_000;

/// The lines a statement page shows, older ones a link away: a busy
/// vendor has thousands, and the page must stay small for a phone.
const PAGE_LINES: i64 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sell/money", get(statement))
        .route("/sell/money.csv", get(statement_csv))
        .route("/sell/money.pdf", get(statement_pdf))
}

fn as_seller(page: &Page) -> Result<&SignedIn, AppError> {
    let me = page.signed_in()?;
    if authz::may(&me.actor, Action::PublishListings) {
        Ok(me)
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

pub struct LineView {
    pub date: String,
    pub what: String,
    pub order: Option<(String, String)>,
    pub gross: String,
    pub deductions: String,
    pub tcs: String,
    pub net: String,
    pub payable_from: Option<String>,
    /// The sub-vendor whose sale it was, on its vendor's statement.
    pub made_by: Option<String>,
}

fn event_label(tr: &Tr, line: &StatementLine) -> String {
    tr.t(match line.event.as_str() {
        "sale-completed" => "money-sale",
        "returned" => "money-return",
        "paid-out" => "money-payout",
        "payout-failed" => "money-payout-failed",
        _ => "money-other",
    })
}

fn line_view(tr: &Tr, line: &StatementLine) -> LineView {
    LineView {
        date: tr.when(line.at.0),
        what: event_label(tr, line),
        order: line.order_id.zip(line.sub_order_id).map(|(order, part)| {
            (
                format!("{}-{part}", order_number(order)),
                format!("/sell/orders/{part}"),
            )
        }),
        gross: Money(line.gross_paise.abs()).to_string(),
        deductions: Money(line.commission_paise + line.gst_on_commission_paise).to_string(),
        tcs: Money(line.tcs_paise).to_string(),
        net: Money(line.net_paise).to_string(),
        payable_from: line.payable_from.map(|at| tr.when(at.0)),
        made_by: line.made_by.clone(),
    }
}

#[derive(Template)]
#[template(path = "money/statement.html")]
struct StatementPage {
    tr: Tr,
    chrome: Chrome,
    owed: String,
    payable_now: String,
    /// A sub-vendor is not paid by the platform: its vendor invoices its
    /// sales and is paid for them.
    through_vendor: bool,
    /// Whether any line is a sub-vendor's sale (a vendor's statement).
    shows_makers: bool,
    lines: Vec<LineView>,
    /// The link to the older lines, when there are more.
    older_href: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct Older {
    /// Lines before this posting.
    #[serde(default)]
    before: Option<String>,
}

fn sells_through_vendor(me: &SignedIn) -> bool {
    matches!(
        me.actor.seller.as_ref().map(|s| s.role),
        Some(odop_domain::authz::SellerRole::SubVendor { .. })
    )
}

async fn statement(
    page: Page,
    State(state): State<AppState>,
    Query(older): Query<Older>,
) -> Result<Html<String>, AppError> {
    let me = as_seller(&page)?;
    // A cursor that is not a number is only a link gone stale: the newest lines.
    let before = older.before.as_deref().and_then(|raw| raw.parse::<i64>().ok());
    let balance = ledger::balance(state.db(), me.user.id, Utc::now()).await?;
    let mut lines = ledger::statement(state.db(), me.user.id, PAGE_LINES + 1, before).await?;
    let more = lines.len() as i64 > PAGE_LINES;
    lines.truncate(PAGE_LINES as usize);
    let older_href = more
        .then(|| {
            lines
                .last()
                .map(|line| format!("/sell/money?before={}", line.posting_id))
        })
        .flatten();
    render(&StatementPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        owed: balance.owed.to_string(),
        payable_now: balance.payable_now.to_string(),
        through_vendor: sells_through_vendor(me),
        shows_makers: lines.iter().any(|line| line.made_by.is_some()),
        lines: lines.iter().map(|line| line_view(&page.tr, line)).collect(),
        older_href,
    })
}

/// The statement as CSV: amounts in rupees with two decimals (no symbol,
/// no grouping) so that spreadsheets read them as numbers.
async fn statement_csv(page: Page, State(state): State<AppState>) -> Result<Response, AppError> {
    let me = as_seller(&page)?;
    let lines = ledger::statement(state.db(), me.user.id, STATEMENT_LINES, None).await?;
    let rupees = |paise: i64| Money(paise).to_decimal();
    let ist = |at: chrono::DateTime<Utc>| {
        let india = chrono::FixedOffset::east_opt(5 * 3600 + 30 * 60).expect("IST is a valid offset");
        at.with_timezone(&india).format("%Y-%m-%d %H:%M").to_string()
    };
    let mut rows = vec![
        [
            "date_ist",
            "event",
            "order",
            "sub_order",
            "gross_inr",
            "commission_inr",
            "gst_on_commission_inr",
            "tcs_inr",
            "net_inr",
            "payable_from_ist",
            "made_by",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for line in &lines {
        rows.push(vec![
            ist(line.at.0),
            line.event.clone(),
            line.order_id.map(order_number).unwrap_or_default(),
            line.sub_order_id.map(|id| id.to_string()).unwrap_or_default(),
            rupees(line.gross_paise.abs()),
            rupees(line.commission_paise),
            rupees(line.gst_on_commission_paise),
            rupees(line.tcs_paise),
            rupees(line.net_paise),
            line.payable_from.map(|at| ist(at.0)).unwrap_or_default(),
            line.made_by.clone().unwrap_or_default(),
        ]);
    }
    Ok(csv_response("odop-statement.csv", rows))
}

/// The statement as a PDF, in the seller's language: the figures owed and
/// payable now, then every line.
async fn statement_pdf(page: Page, State(state): State<AppState>) -> Result<Response, AppError> {
    let me = as_seller(&page)?;
    let now = Utc::now();
    let balance = ledger::balance(state.db(), me.user.id, now).await?;
    let lines = ledger::statement(state.db(), me.user.id, STATEMENT_LINES, None).await?;
    let tr = &page.tr;
    let column = |id: &str, share: f32, numeric: bool| Column {
        heading: tr.t(id),
        share,
        numeric,
    };
    let sheet = Sheet {
        title: tr.t("money-title"),
        language: tr.lang().to_owned(),
        subtitle: vec![me.label(), format!("{}: {}", tr.t("money-date"), tr.when(now))],
        blocks: Vec::new(),
        columns: vec![
            column("money-date", 2.2, false),
            column("money-what", 1.6, false),
            column("order-number", 1.8, false),
            column("money-gross", 1.3, true),
            column("money-commission", 1.3, true),
            column("money-tcs", 1.0, true),
            column("money-net", 1.3, true),
        ],
        rows: lines
            .iter()
            .map(|line| {
                let view = line_view(tr, line);
                vec![
                    view.date,
                    view.what,
                    match (view.order, view.made_by) {
                        (Some((number, _)), Some(maker)) => format!("{number} ({maker})"),
                        (order, _) => order.map(|(number, _)| number).unwrap_or_default(),
                    },
                    view.gross,
                    view.deductions,
                    view.tcs,
                    view.net,
                ]
            })
            .collect(),
        // The platform owes a sub-vendor nothing itself: its vendor is paid.
        totals: if sells_through_vendor(me) {
            Vec::new()
        } else {
            vec![
                (tr.t("money-owed"), balance.owed.to_string()),
                (tr.t("money-payable-now"), balance.payable_now.to_string()),
            ]
        },
        notes: if sells_through_vendor(me) {
            vec![tr.t("money-how"), tr.t("money-through-vendor")]
        } else {
            vec![tr.t("money-how")]
        },
    };
    let bytes = tokio::task::spawn_blocking(move || odop_cards::pdf::render(&sheet))
        .await
        .map_err(|e| AppError::Internal(format!("PDF task failed: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"odop-statement.pdf\"".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
