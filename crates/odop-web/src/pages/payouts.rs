//! Payouts for state admins: make a batch of everything payable up to a
//! day, download it for the bank, mark it sent, then record the bank's
//! answer for each line (a failed line is owed to its payee again).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, Response};
use axum::routing::{get, post};
use chrono::{NaiveDate, Utc};
use odop_domain::authz::{self, Action};
use odop_domain::money::Money;
use odop_store::payouts::{self, BatchRecord};
use serde::Deserialize;

use super::{Chrome, Nothing, Page, csv_response, redirect_with_notice, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::auth::csrf::CsrfForm;
use crate::error::{AppError, NotFound};
use crate::extract::Path;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/payouts", get(index).post(create))
        .route("/admin/payouts/{id}", get(show))
        .route("/admin/payouts/{id}/bank.csv", get(bank_file))
        .route("/admin/payouts/{id}/sent", post(sent))
        .route("/admin/payouts/lines/{line}", post(answer))
}

fn as_finance(page: &Page) -> Result<&SignedIn, AppError> {
    let me = page.signed_in()?;
    if authz::may(&me.actor, Action::ManagePayouts) {
        Ok(me)
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

fn id_of(raw: &str) -> Result<i64, AppError> {
    raw.parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound(NotFound::Object))
}

pub struct BatchRow {
    pub href: String,
    pub number: i64,
    pub up_to: String,
    pub status: String,
    pub lines: i64,
    pub total: String,
}

fn batch_row(tr: &Tr, batch: &BatchRecord) -> BatchRow {
    BatchRow {
        href: format!("/admin/payouts/{}", batch.id),
        number: batch.id,
        up_to: tr.when(batch.up_to.0),
        status: tr.t(&format!("payout-batch-{}", batch.status)),
        lines: batch.lines,
        total: Money(batch.total_paise).to_string(),
    }
}

#[derive(Template)]
#[template(path = "payouts/index.html")]
struct IndexPage {
    tr: Tr,
    chrome: Chrome,
    today: String,
    batches: Vec<BatchRow>,
}

async fn index(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    as_finance(&page)?;
    let batches = payouts::batches(state.db(), 100).await?;
    render(&IndexPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        today: odop_domain::quiz::ist_day(Utc::now()).to_string(),
        batches: batches.iter().map(|batch| batch_row(&page.tr, batch)).collect(),
    })
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    up_to: String,
}

/// Makes a batch of what is payable at the end of the chosen day in India
/// (today at the latest).
async fn create(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<CreateForm>,
) -> Result<Response, AppError> {
    let me = as_finance(&page)?;
    let secure = state.config().secure_cookies;
    let day = NaiveDate::parse_from_str(form.up_to.trim(), "%Y-%m-%d")
        .ok()
        .filter(|day| crate::payouts::payable_up_to(*day, Utc::now()).is_some())
        .ok_or_else(|| AppError::Invalid {
            fields: vec![("up_to".to_owned(), page.tr.t("payout-day-invalid"))],
        })?;
    match crate::payouts::make_batch(&state, me, day).await? {
        Some(batch) => Ok(redirect_with_notice(
            &format!("/admin/payouts/{batch}"),
            "payout-batch-made",
            secure,
        )),
        None => Ok(redirect_with_notice("/admin/payouts", "payout-nothing-payable", secure)),
    }
}

pub struct LineRow {
    pub id: i64,
    pub beneficiary: String,
    pub account: String,
    pub ifsc: String,
    pub amount: String,
    pub reference: String,
    pub status: String,
    pub pending: bool,
    pub failure: Option<String>,
}

#[derive(Template)]
#[template(path = "payouts/show.html")]
struct BatchPage {
    tr: Tr,
    chrome: Chrome,
    batch: BatchRow,
    sendable: bool,
    answerable: bool,
    csv_href: String,
    lines: Vec<LineRow>,
}

async fn show(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Html<String>, AppError> {
    as_finance(&page)?;
    let (batch, lines) = payouts::batch(state.db(), id_of(&id)?)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let tr = &page.tr;
    render(&BatchPage {
        tr: tr.clone(),
        chrome: page.chrome(),
        sendable: batch.status == "created",
        answerable: batch.status == "sent",
        csv_href: format!("/admin/payouts/{}/bank.csv", batch.id),
        batch: batch_row(tr, &batch),
        lines: lines
            .into_iter()
            .map(|line| LineRow {
                id: line.id,
                beneficiary: line.beneficiary_name,
                account: line.account_number,
                ifsc: line.ifsc,
                amount: Money(line.amount_paise).to_string(),
                reference: line.reference,
                status: tr.t(&format!("payout-line-{}", line.status)),
                pending: line.status == "pending",
                failure: line.failure,
            })
            .collect(),
    })
}

/// The batch as a bank's bulk-transfer file: one row per payee with its
/// name, account, IFSC, the amount in rupees and the reference.
async fn bank_file(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    as_finance(&page)?;
    let (batch, lines) = payouts::batch(state.db(), id_of(&id)?)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let mut rows = vec![
        ["beneficiary_name", "account_number", "ifsc", "amount_inr", "reference"]
            .map(str::to_owned)
            .to_vec(),
    ];
    for line in lines {
        rows.push(vec![
            line.beneficiary_name,
            line.account_number,
            line.ifsc,
            Money(line.amount_paise).to_decimal(),
            line.reference,
        ]);
    }
    Ok(csv_response(&format!("odop-payouts-{}.csv", batch.id), rows))
}

async fn sent(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    let me = as_finance(&page)?;
    let id = id_of(&id)?;
    let notice = if crate::payouts::mark_sent(&state, me, id).await? {
        "payout-batch-sent"
    } else {
        "payout-unchanged"
    };
    Ok(redirect_with_notice(
        &format!("/admin/payouts/{id}"),
        notice,
        state.config().secure_cookies,
    ))
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    batch: String,
}

async fn answer(
    page: Page,
    State(state): State<AppState>,
    Path(line): Path<String>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<Response, AppError> {
    let me = as_finance(&page)?;
    let line = id_of(&line)?;
    let batch = id_of(&form.batch)?;
    let answer = crate::payouts::Answer::read(&form.outcome, &form.reason).ok_or_else(|| AppError::Invalid {
        fields: vec![("reason".to_owned(), page.tr.t("payout-answer-invalid"))],
    })?;
    let moved = crate::payouts::answer_line(&state, me, line, &answer).await?;
    let notice = if moved { "payout-answered" } else { "payout-unchanged" };
    Ok(redirect_with_notice(
        &format!("/admin/payouts/{batch}"),
        notice,
        state.config().secure_cookies,
    ))
}
