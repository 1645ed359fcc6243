//! The state admin's page of the GST rate table: every line with its
//! source, a form to add a line or correct one from a date, and the trail
//! of changes (who, when, from which rate to which).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use axum::routing::get;
use odop_domain::authz::{self, Action};
use odop_domain::gst::{GstRate, RateLineInput};
use odop_domain::money::Money;
use odop_store::gst::Put;

use super::forms::Errors;
use super::signin::invalid;
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::csrf::CsrfForm;
use crate::error::{AppError, NotFound};
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/gst", get(rates).post(put))
}

pub struct LineRow {
    pub prefix: String,
    pub from: String,
    pub up_to: String,
    pub rate: String,
    pub note: String,
}

pub struct ChangeRow {
    pub when: String,
    pub who: String,
    pub prefix: String,
    pub from: String,
    pub up_to: String,
    pub rate: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "admin/gst.html")]
struct RatesPage {
    tr: Tr,
    chrome: Chrome,
    /// The prefix the lines are narrowed to, as typed.
    hsn: String,
    lines: Vec<LineRow>,
    changes: Vec<ChangeRow>,
    input: RateLineInput,
    errors: Errors,
}

#[derive(serde::Deserialize, Default)]
struct Narrow {
    #[serde(default)]
    hsn: String,
}

fn as_admin(page: &Page) -> Result<(), AppError> {
    let me = page.signed_in()?;
    if authz::may(&me.actor, Action::ManageGstRates) {
        Ok(())
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

fn band(tr: &Tr, paise: Option<i64>) -> String {
    paise.map_or_else(|| tr.t("gst-any-price"), |p| Money(p).to_string())
}

async fn rates_page(
    page: &Page,
    state: &AppState,
    hsn: String,
    input: RateLineInput,
    errors: Errors,
) -> Result<Html<String>, AppError> {
    let tr = &page.tr;
    let wanted: String = hsn.chars().filter(char::is_ascii_digit).take(8).collect();
    // A line is shown for a typed code when one is a start of the other:
    // "7018" shows the lines of "70" and of "701810".
    let lines = odop_store::gst::lines(state.db())
        .await?
        .into_iter()
        .filter(|l| wanted.starts_with(&l.rule.hsn_prefix) || l.rule.hsn_prefix.starts_with(&wanted))
        .map(|l| LineRow {
            prefix: l.rule.hsn_prefix,
            from: l.rule.effective_from.format("%Y-%m-%d").to_string(),
            up_to: band(tr, l.rule.up_to_unit_price.map(|m| m.0)),
            rate: l.rule.rate.label(),
            note: l.note,
        })
        .collect();
    let changes = odop_store::gst::changes(state.db(), 50)
        .await?
        .into_iter()
        .map(|c| ChangeRow {
            when: tr.when(c.changed_at.0),
            who: c.changed_by_name.unwrap_or_else(|| format!("#{}", c.changed_by)),
            prefix: c.hsn_prefix,
            from: c.effective_from,
            up_to: band(tr, c.up_to_price_paise),
            rate: match c.previous_rate_bp {
                Some(previous) => format!(
                    "{} → {}",
                    GstRate(previous as u16).label(),
                    GstRate(c.rate_bp as u16).label()
                ),
                None => GstRate(c.rate_bp as u16).label(),
            },
            note: c.note,
        })
        .collect();
    render(&RatesPage {
        chrome: page.chrome(),
        tr: tr.clone(),
        hsn: wanted,
        lines,
        changes,
        input,
        errors,
    })
}

async fn rates(
    page: Page,
    State(state): State<AppState>,
    Query(narrow): Query<Narrow>,
) -> Result<Html<String>, AppError> {
    as_admin(&page)?;
    rates_page(&page, &state, narrow.hsn, RateLineInput::default(), Errors::default()).await
}

async fn put(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(input): CsrfForm<RateLineInput>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    match crate::gst_rates::put_line(&state, &me, &input).await? {
        Ok(put) => {
            let notice = match put {
                Put::Added => "gst-rate-added",
                Put::Corrected { .. } => "gst-rate-corrected",
                Put::Unchanged => "gst-rate-unchanged",
            };
            let prefix: String = input.hsn_prefix.chars().filter(char::is_ascii_digit).collect();
            Ok(super::redirect_with_notice(
                &format!("/admin/gst?hsn={prefix}"),
                notice,
                state.config().secure_cookies,
            ))
        }
        Err(problems) => {
            let errors = Errors::from_fields(&page.tr, &problems);
            let hsn = input.hsn_prefix.clone();
            Ok(invalid(rates_page(&page, &state, hsn, input, errors).await?))
        }
    }
}
