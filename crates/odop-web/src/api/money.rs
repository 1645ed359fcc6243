//! Money after the sale for programs: a seller's statement and GST sales
//! register; the operator's TCS report, payout batches and commission
//! table for those who keep the books. The same use cases and permissions
//! as the pages under `/sell/money` and `/admin`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{NaiveDate, Utc};
use odop_domain::authz::{self, Action, SellerRole};
use odop_domain::ledger::{CommissionInput, Month};
use odop_store::payouts::{BatchRecord, LineRecord};
use odop_store::reports::RegisterLine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::catalogue::check_csrf;
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, BadRequest, ErrorBody, NotFound};
use crate::extract::{Json as JsonBody, Path, Query};

/// The most statement lines one answer holds, as on the page.
const STATEMENT_LINES: i64 = 1_000;

fn may(me: &SignedIn, action: Action<'_>) -> Result<(), AppError> {
    if authz::may(&me.actor, action) {
        Ok(())
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

fn rfc3339(at: odop_store::time::Timestamp) -> String {
    at.0.to_rfc3339()
}

fn positive_id(raw: &str) -> Result<i64, AppError> {
    raw.parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound(NotFound::Object))
}

/// A posting that moved the seller's payable.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineDto {
    pub posting_id: i64,
    /// `sale-completed`, `returned`, `paid-out` or `payout-failed`.
    pub event: String,
    pub order_id: Option<i64>,
    pub sub_order_id: Option<i64>,
    /// When it was booked (RFC 3339, UTC).
    pub at: String,
    /// For a sale: from when it may be paid out (RFC 3339, UTC).
    pub payable_from: Option<String>,
    /// What the buyer paid for it, or was given back for a return.
    pub gross_paise: i64,
    pub commission_paise: i64,
    pub gst_on_commission_paise: i64,
    pub tcs_paise: i64,
    /// The change to what the payee is owed; negative for a return or payout.
    pub net_paise: i64,
    /// The sub-vendor whose sale it was, on its vendor's statement.
    pub made_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementDto {
    /// Everything the platform owes the caller.
    pub owed_paise: i64,
    /// The part of it that may be paid out now.
    pub payable_now_paise: i64,
    /// A sub-vendor is paid by its vendor, which the platform pays: its
    /// lines are its own sales, and `net_paise` goes to the vendor.
    pub paid_through_vendor: bool,
    /// Newest first, at most 1,000.
    pub lines: Vec<StatementLineDto>,
    /// When there are older lines: the `before` that asks for them.
    pub next_before: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct StatementParams {
    /// Only lines older than this posting (the previous answer's `next_before`).
    #[param(minimum = 1)]
    before: Option<i64>,
}

/// The signed-in seller's statement: what it is owed, what may be paid out
/// now, and every sale, return and payout behind those figures.
#[utoipa::path(
    get,
    path = "/api/v1/money/statement",
    tag = "money",
    params(StatementParams),
    responses(
        (status = 200, description = "The statement", body = StatementDto),
        (status = 400, description = "`before` is not a posting number", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 404, description = "The signed-in person is not a seller", body = ErrorBody)
    )
)]
pub(super) async fn statement(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<StatementParams>,
) -> Result<Json<StatementDto>, AppError> {
    may(&me, Action::PublishListings)?;
    if params.before.is_some_and(|before| before < 1) {
        return Err(AppError::bad_request(
            BadRequest::InvalidQuery,
            "before is a posting number, 1 or more",
        ));
    }
    let balance = odop_store::ledger::balance(state.db(), me.user.id, Utc::now()).await?;
    let mut lines = odop_store::ledger::statement(state.db(), me.user.id, STATEMENT_LINES + 1, params.before).await?;
    let more = lines.len() as i64 > STATEMENT_LINES;
    lines.truncate(STATEMENT_LINES as usize);
    let next_before = more.then(|| lines.last().map(|line| line.posting_id)).flatten();
    Ok(Json(StatementDto {
        owed_paise: balance.owed.0,
        payable_now_paise: balance.payable_now.0,
        paid_through_vendor: matches!(
            me.actor.seller.as_ref().map(|s| s.role),
            Some(SellerRole::SubVendor { .. })
        ),
        lines: lines
            .into_iter()
            .map(|line| StatementLineDto {
                posting_id: line.posting_id,
                event: line.event,
                order_id: line.order_id,
                sub_order_id: line.sub_order_id,
                at: rfc3339(line.at),
                payable_from: line.payable_from.map(rfc3339),
                gross_paise: line.gross_paise.abs(),
                commission_paise: line.commission_paise,
                gst_on_commission_paise: line.gst_on_commission_paise,
                tcs_paise: line.tcs_paise,
                net_paise: line.net_paise,
                made_by: line.made_by,
            })
            .collect(),
        next_before,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct MonthParams {
    /// YYYY-MM, from 2017 (GST) on; this month in India when absent.
    #[param(pattern = "^(20(1[7-9]|[2-9][0-9])|2[1-9][0-9]{2}|[3-9][0-9]{3})-(0[1-9]|1[0-2])$")]
    month: Option<String>,
}

fn month_of(params: &MonthParams) -> Result<Month, AppError> {
    match params.month.as_deref() {
        None => Ok(Month::of(odop_domain::quiz::ist_day(Utc::now()))),
        Some(text) => Month::parse(text).ok_or_else(|| {
            AppError::bad_request(BadRequest::InvalidQuery, "month is YYYY-MM from 2017 on, like 2026-11")
        }),
    }
}

/// Value and tax under one key of a register.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterLineDto {
    /// The GST state code of the place of supply, or the HSN code.
    pub key: String,
    /// The GST rate in basis points.
    pub rate_bp: i64,
    pub quantity: i64,
    pub taxable_paise: i64,
    pub igst_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterDto {
    /// YYYY-MM.
    pub month: String,
    /// Supplies to consumers (B2C) by place of supply and rate, net of credit notes.
    pub by_place: Vec<RegisterLineDto>,
    /// The HSN summary.
    pub by_hsn: Vec<RegisterLineDto>,
}

fn register_line(line: RegisterLine) -> RegisterLineDto {
    RegisterLineDto {
        key: line.key,
        rate_bp: line.rate_bp,
        quantity: line.quantity,
        taxable_paise: line.taxable.0,
        igst_paise: line.tax.igst.0,
        cgst_paise: line.tax.cgst.0,
        sgst_paise: line.tax.sgst.0,
    }
}

/// The signed-in seller's GST sales register for a month, from the
/// documents it issued (or its vendor issued for it).
#[utoipa::path(
    get,
    path = "/api/v1/money/register",
    tag = "money",
    params(MonthParams),
    responses(
        (status = 200, description = "The register", body = RegisterDto),
        (status = 400, description = "The month is not YYYY-MM", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 404, description = "The signed-in person is not a seller", body = ErrorBody)
    )
)]
pub(super) async fn register(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<MonthParams>,
) -> Result<Json<RegisterDto>, AppError> {
    may(&me, Action::PublishListings)?;
    let month = month_of(&params)?;
    let register = odop_store::reports::sales_register(state.db(), me.user.id, month).await?;
    Ok(Json(RegisterDto {
        month: month.to_string(),
        by_place: register.by_place.into_iter().map(register_line).collect(),
        by_hsn: register.by_hsn.into_iter().map(register_line).collect(),
    }))
}

/// GSTR-8 table 3: one supplier's supplies through the platform in a month.
#[derive(Debug, Serialize, ToSchema)]
pub struct TcsRowDto {
    #[schema(example = "09AAACH7409R1ZZ")]
    pub gstin: String,
    pub gross_paise: i64,
    pub returned_paise: i64,
    pub net_paise: i64,
    pub igst_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TcsReportDto {
    /// YYYY-MM.
    pub month: String,
    /// In GSTIN order.
    pub rows: Vec<TcsRowDto>,
}

/// The month's tax collected at source per supplier GSTIN, as GSTR-8's
/// table 3 reports it (state admins and finance).
#[utoipa::path(
    get,
    path = "/api/v1/reports/tcs",
    tag = "money",
    params(MonthParams),
    responses(
        (status = 200, description = "The report", body = TcsReportDto),
        (status = 400, description = "The month is not YYYY-MM", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 404, description = "The signed-in person does not keep the books", body = ErrorBody)
    )
)]
pub(super) async fn tcs_report(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<MonthParams>,
) -> Result<Json<TcsReportDto>, AppError> {
    may(&me, Action::ReadTaxReports)?;
    let month = month_of(&params)?;
    let rows = odop_store::reports::tcs_month(state.db(), month).await?;
    Ok(Json(TcsReportDto {
        month: month.to_string(),
        rows: rows
            .into_iter()
            .map(|row| TcsRowDto {
                gstin: row.gstin,
                gross_paise: row.gross.0,
                returned_paise: row.returned.0,
                net_paise: row.net.0,
                igst_paise: row.tcs.igst.0,
                cgst_paise: row.tcs.cgst.0,
                sgst_paise: row.tcs.sgst.0,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutBatchDto {
    pub id: i64,
    /// What was payable up to this moment is in it (RFC 3339, UTC).
    pub up_to: String,
    /// `created`, `sent` or `settled`.
    pub status: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub lines: i64,
    pub total_paise: i64,
}

fn batch_dto(batch: BatchRecord) -> PayoutBatchDto {
    PayoutBatchDto {
        id: batch.id,
        up_to: rfc3339(batch.up_to),
        status: batch.status,
        created_at: rfc3339(batch.created_at),
        sent_at: batch.sent_at.map(rfc3339),
        lines: batch.lines,
        total_paise: batch.total_paise,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutBatchesDto {
    /// Newest first, at most 100.
    pub batches: Vec<PayoutBatchDto>,
}

/// The latest payout batches (state admins and finance).
#[utoipa::path(
    get,
    path = "/api/v1/payouts",
    tag = "money",
    responses(
        (status = 200, description = "The batches", body = PayoutBatchesDto),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 404, description = "The signed-in person does not keep the books", body = ErrorBody)
    )
)]
pub(super) async fn list_payouts(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<PayoutBatchesDto>, AppError> {
    may(&me, Action::ManagePayouts)?;
    let batches = odop_store::payouts::batches(state.db(), 100).await?;
    Ok(Json(PayoutBatchesDto {
        batches: batches.into_iter().map(batch_dto).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MakeBatchDto {
    /// YYYY-MM-DD, today in India at the latest: what is payable by the end
    /// of that day goes into the batch.
    #[schema(example = "2026-12-07")]
    pub up_to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MadeBatchDto {
    /// The new batch; absent when nothing was payable.
    pub batch: Option<PayoutBatchDetailDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutLineDto {
    pub id: i64,
    /// The payee: the seller, or the vendor of a sub-vendor.
    pub seller_id: i64,
    pub amount_paise: i64,
    pub beneficiary_name: String,
    pub account_number: String,
    pub ifsc: String,
    /// What the bank shows the payee.
    pub reference: String,
    /// `pending`, `paid` or `failed`.
    pub status: String,
    pub failure: Option<String>,
}

fn line_dto(line: LineRecord) -> PayoutLineDto {
    PayoutLineDto {
        id: line.id,
        seller_id: line.seller_user_id,
        amount_paise: line.amount_paise,
        beneficiary_name: line.beneficiary_name,
        account_number: line.account_number,
        ifsc: line.ifsc,
        reference: line.reference,
        status: line.status,
        failure: line.failure,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutBatchDetailDto {
    pub batch: PayoutBatchDto,
    pub lines: Vec<PayoutLineDto>,
}

/// Makes a payout batch of everything payable by the end of a day (state
/// admins and finance). One batch is made at a time, across nodes.
#[utoipa::path(
    post,
    path = "/api/v1/payouts",
    tag = "money",
    request_body = MakeBatchDto,
    params(("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 201, description = "The batch made", body = MadeBatchDto),
        (status = 200, description = "Nothing was payable; no batch was made", body = MadeBatchDto),
        (status = 400, description = "The body is not the JSON this operation takes", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "The signed-in person does not keep the books", body = ErrorBody),
        (status = 422, description = "The day is not YYYY-MM-DD, or is after today in India", body = ErrorBody)
    )
)]
pub(super) async fn make_payouts(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    JsonBody(body): JsonBody<MakeBatchDto>,
) -> Result<(StatusCode, Json<MadeBatchDto>), AppError> {
    check_csrf(&headers)?;
    may(&me, Action::ManagePayouts)?;
    let day = NaiveDate::parse_from_str(body.up_to.trim(), "%Y-%m-%d")
        .ok()
        .filter(|day| crate::payouts::payable_up_to(*day, Utc::now()).is_some())
        .ok_or_else(|| AppError::Invalid {
            fields: vec![(
                "up_to".to_owned(),
                "Enter a day as YYYY-MM-DD, today in India at the latest.".to_owned(),
            )],
        })?;
    match crate::payouts::make_batch(&state, &me, day).await? {
        None => Ok((StatusCode::OK, Json(MadeBatchDto { batch: None }))),
        Some(id) => {
            let (batch, lines) = crate::payouts::batch(&state, &me, id).await?;
            Ok((
                StatusCode::CREATED,
                Json(MadeBatchDto {
                    batch: Some(PayoutBatchDetailDto {
                        batch: batch_dto(batch),
                        lines: lines.into_iter().map(line_dto).collect(),
                    }),
                }),
            ))
        }
    }
}

/// A payout batch with its lines (state admins and finance).
#[utoipa::path(
    get,
    path = "/api/v1/payouts/{id}",
    tag = "money",
    params(("id" = i64, Path, description = "The batch's id")),
    responses(
        (status = 200, description = "The batch", body = PayoutBatchDetailDto),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 404, description = "No such batch, or the signed-in person does not keep the books", body = ErrorBody)
    )
)]
pub(super) async fn get_payout(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<PayoutBatchDetailDto>, AppError> {
    may(&me, Action::ManagePayouts)?;
    let (batch, lines) = crate::payouts::batch(&state, &me, positive_id(&id)?).await?;
    Ok(Json(PayoutBatchDetailDto {
        batch: batch_dto(batch),
        lines: lines.into_iter().map(line_dto).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedDto {
    /// Whether this call changed anything (`false`: it was so already).
    pub changed: bool,
}

/// Marks a batch as sent to the bank (state admins and finance).
#[utoipa::path(
    post,
    path = "/api/v1/payouts/{id}/sent",
    tag = "money",
    params(
        ("id" = i64, Path, description = "The batch's id"),
        ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")
    ),
    responses(
        (status = 200, description = "Sent, or not waiting to be", body = ChangedDto),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such batch, or the signed-in person does not keep the books", body = ErrorBody)
    )
)]
pub(super) async fn payout_sent(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ChangedDto>, AppError> {
    check_csrf(&headers)?;
    let id = positive_id(&id)?;
    crate::payouts::batch(&state, &me, id).await?;
    let changed = crate::payouts::mark_sent(&state, &me, id).await?;
    Ok(Json(ChangedDto { changed }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerDto {
    /// `paid` or `failed`.
    #[schema(example = "paid")]
    pub outcome: String,
    /// Why it failed, as the bank says (1 to 200 characters); only for `failed`.
    #[serde(default)]
    pub reason: String,
}

/// Records the bank's answer for one line of a sent batch: paid, or failed
/// (the money is owed to the payee again). The payee is told by SMS.
#[utoipa::path(
    post,
    path = "/api/v1/payouts/lines/{line}",
    tag = "money",
    request_body = AnswerDto,
    params(
        ("line" = i64, Path, description = "The line's id"),
        ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")
    ),
    responses(
        (status = 200, description = "Recorded, or answered already", body = ChangedDto),
        (status = 400, description = "The body is not the JSON this operation takes", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "The signed-in person does not keep the books", body = ErrorBody),
        (status = 422, description = "The outcome is neither, or a failure has no reason", body = ErrorBody)
    )
)]
pub(super) async fn answer_payout_line(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(line): Path<String>,
    JsonBody(body): JsonBody<AnswerDto>,
) -> Result<Json<ChangedDto>, AppError> {
    check_csrf(&headers)?;
    may(&me, Action::ManagePayouts)?;
    let line = positive_id(&line)?;
    let answer = crate::payouts::Answer::read(&body.outcome, &body.reason).ok_or_else(|| AppError::Invalid {
        fields: vec![(
            "outcome".to_owned(),
            "Say paid, or failed with the bank's reason (up to 200 characters).".to_owned(),
        )],
    })?;
    let changed = crate::payouts::answer_line(&state, &me, line, &answer).await?;
    Ok(Json(ChangedDto { changed }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionRuleDto {
    pub id: i64,
    /// An ODOP product's craft slug; absent for every product without a rule of its own.
    pub craft: Option<String>,
    /// YYYY-MM-DD.
    pub effective_from: String,
    /// Of the sale's value, in basis points (250 = 2.5 %).
    pub rate_bp: i64,
    pub created_by: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionRulesDto {
    /// Newest first.
    pub rules: Vec<CommissionRuleDto>,
}

/// The operator's commission table (state admins).
#[utoipa::path(
    get,
    path = "/api/v1/commission/rules",
    tag = "money",
    responses(
        (status = 200, description = "The rules", body = CommissionRulesDto),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 404, description = "The signed-in person is not a state admin", body = ErrorBody)
    )
)]
pub(super) async fn list_commission(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<CommissionRulesDto>, AppError> {
    may(&me, Action::SetCommission)?;
    let rules = odop_store::ledger::commission_rules(state.db()).await?;
    Ok(Json(CommissionRulesDto {
        rules: rules
            .into_iter()
            .map(|rule| CommissionRuleDto {
                id: rule.id,
                craft: rule.craft,
                effective_from: rule.effective_from,
                rate_bp: rule.rate_bp,
                created_by: rule.created_by_name,
                created_at: rfc3339(rule.created_at),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CommissionInputDto {
    /// An ODOP product's craft slug; empty or absent for every product.
    #[serde(default)]
    #[schema(example = "chikankari")]
    pub craft: String,
    /// YYYY-MM-DD, today in India or later.
    #[schema(example = "2027-04-01")]
    pub effective_from: String,
    /// In per cent, at most two decimals, up to 50.
    #[schema(example = "2.5")]
    pub rate_percent: String,
}

/// Adds a rule to the commission table (state admins). Rules are never
/// changed: a later rule for the same product and day takes the place of
/// an earlier one.
#[utoipa::path(
    post,
    path = "/api/v1/commission/rules",
    tag = "money",
    request_body = CommissionInputDto,
    params(("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 201, description = "Added", body = CommissionRulesDto),
        (status = 400, description = "The body is not the JSON this operation takes", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "The signed-in person is not a state admin", body = ErrorBody),
        (status = 422, description = "The rule breaks a rule; `fields` says which", body = ErrorBody)
    )
)]
pub(super) async fn add_commission(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    JsonBody(body): JsonBody<CommissionInputDto>,
) -> Result<(StatusCode, Json<CommissionRulesDto>), AppError> {
    check_csrf(&headers)?;
    let input = CommissionInput {
        craft: body.craft,
        effective_from: body.effective_from,
        rate: body.rate_percent,
    };
    match crate::commission::add_rule(&state, &me, &input).await? {
        Ok(_) => {
            let Json(rules) = list_commission(State(state), me).await?;
            Ok((StatusCode::CREATED, Json(rules)))
        }
        Err(problems) => Err(super::invalid_fields(&state, &problems, &[("rate", "rate_percent")])),
    }
}
