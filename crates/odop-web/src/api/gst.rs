//! The GST rate table over the API: anyone may read it (rates are public
//! law); state admins add a line or correct one from a date.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use odop_domain::gst::RateLineInput;
use odop_store::gst::Put;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::catalogue::check_csrf;
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, ErrorBody};
use crate::extract::{Json as JsonBody, Query};

/// A line of the rate table.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RateLineDto {
    /// Every HSN code starting with these digits takes this rate (the
    /// longest matching prefix wins).
    #[schema(example = "7018")]
    pub hsn_prefix: String,
    /// YYYY-MM-DD: the rate applies to sales on and after this day, until
    /// a later line of the same prefix.
    #[schema(example = "2025-09-22")]
    pub effective_from: String,
    /// The rate in basis points of the price before tax: 500 is 5 %.
    #[schema(example = 500)]
    pub rate_bp: u16,
    /// The line holds only for pieces priced (GST included) up to this, in
    /// paise; `null` for every price.
    pub up_to_price_paise: Option<i64>,
    /// What the codes cover and the notification that sets the rate.
    pub note: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RatesResponse {
    pub lines: Vec<RateLineDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RatesParams {
    /// An HSN code or its first digits: only the lines that apply to it, or
    /// to codes under it.
    #[serde(default)]
    #[param(max_length = 8, pattern = "^[0-9]*$")]
    hsn: String,
}

/// The GST rate table, or the lines that bear on one HSN code.
#[utoipa::path(
    get,
    path = "/api/v1/gst/rates",
    tag = "gst",
    params(RatesParams),
    responses(
        (status = 200, description = "The lines, by prefix, date and price limit", body = RatesResponse),
        (status = 400, description = "The code is not digits", body = ErrorBody)
    )
)]
pub(super) async fn list_rates(
    State(state): State<AppState>,
    Query(params): Query<RatesParams>,
) -> Result<Json<RatesResponse>, AppError> {
    let wanted = params.hsn.trim();
    if wanted.len() > 8 || !wanted.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::bad_request(
            crate::error::BadRequest::InvalidQuery,
            "hsn is up to 8 digits",
        ));
    }
    let lines = odop_store::gst::lines(state.db())
        .await?
        .into_iter()
        .filter(|l| wanted.starts_with(&l.rule.hsn_prefix) || l.rule.hsn_prefix.starts_with(wanted))
        .map(|l| RateLineDto {
            hsn_prefix: l.rule.hsn_prefix,
            effective_from: l.rule.effective_from.format("%Y-%m-%d").to_string(),
            rate_bp: l.rule.rate.0,
            up_to_price_paise: l.rule.up_to_unit_price.map(|m| m.0),
            note: l.note,
        })
        .collect();
    Ok(Json(RatesResponse { lines }))
}

/// A line to add, or to correct the line of the same prefix, date and
/// price limit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RateLineInputDto {
    /// 2 to 8 digits.
    #[schema(example = "7018")]
    pub hsn_prefix: String,
    /// YYYY-MM-DD, on or after 2017-07-01.
    #[schema(example = "2025-09-22")]
    pub effective_from: String,
    /// In per cent, with at most two decimals.
    #[schema(example = "5")]
    pub rate_percent: String,
    /// In rupees; omit for every price.
    pub up_to_rupees: Option<String>,
    /// What the codes cover and the notification that sets the rate (10 to 300 characters).
    #[schema(example = "Glass bangles. Source: Notification 9/2025-Central Tax (Rate)")]
    pub note: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PutRateResponse {
    /// `added`, `corrected` or `unchanged`.
    #[schema(example = "added")]
    pub outcome: String,
    /// The rate before a correction, in basis points.
    pub previous_rate_bp: Option<u16>,
}

/// Adds a line to the GST rate table, or corrects one (state admins). The
/// change is recorded with who made it; listings under the codes take the
/// rate in force today.
#[utoipa::path(
    post,
    path = "/api/v1/gst/rates",
    tag = "gst",
    request_body = RateLineInputDto,
    params(("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 200, description = "Corrected, or already so", body = PutRateResponse),
        (status = 201, description = "Added", body = PutRateResponse),
        (status = 400, description = "The body is not the JSON this operation takes", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "The signed-in person is not a state admin", body = ErrorBody),
        (status = 422, description = "The line breaks a rule; `fields` says which", body = ErrorBody)
    )
)]
pub(super) async fn put_rate(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    JsonBody(body): JsonBody<RateLineInputDto>,
) -> Result<(StatusCode, Json<PutRateResponse>), AppError> {
    check_csrf(&headers)?;
    let input = RateLineInput {
        hsn_prefix: body.hsn_prefix,
        effective_from: body.effective_from,
        rate: body.rate_percent,
        up_to_price: body.up_to_rupees.unwrap_or_default(),
        note: body.note,
    };
    match crate::gst_rates::put_line(&state, &me, &input).await? {
        Ok(put) => {
            let (status, outcome, previous) = match put {
                Put::Added => (StatusCode::CREATED, "added", None),
                Put::Corrected { previous } => (StatusCode::OK, "corrected", Some(previous.0)),
                Put::Unchanged => (StatusCode::OK, "unchanged", None),
            };
            Ok((
                status,
                Json(PutRateResponse {
                    outcome: outcome.into(),
                    previous_rate_bp: previous,
                }),
            ))
        }
        Err(problems) => Err(super::invalid_fields(
            &state,
            &problems,
            &[("rate", "rate_percent"), ("up_to_price", "up_to_rupees")],
        )),
    }
}
