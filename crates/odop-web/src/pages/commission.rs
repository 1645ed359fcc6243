//! The state admin's page of the operator's commission: the rules in force
//! and to come, who set each, and a form to add one for an ODOP product (or
//! for every product) from a day on.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, Response};
use axum::routing::get;
use odop_domain::authz::{self, Action};
use odop_domain::ledger::CommissionInput;

use super::forms::Errors;
use super::signin::invalid;
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::csrf::CsrfForm;
use crate::error::{AppError, NotFound};
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/commission", get(rules).post(add))
}

pub struct RuleRow {
    pub product: String,
    pub from: String,
    pub rate: String,
    pub who: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "admin/commission.html")]
struct RulesPage {
    tr: Tr,
    chrome: Chrome,
    rules: Vec<RuleRow>,
    /// Every craft slug with its name in the reader's language.
    crafts: Vec<(String, String)>,
    input: CommissionInput,
    errors: Errors,
}

/// A rate in basis points as per cent: 250 is "2.5 %".
pub fn percent(bp: i64) -> String {
    let whole = bp / 100;
    match bp % 100 {
        0 => format!("{whole} %"),
        hundredths if hundredths % 10 == 0 => format!("{whole}.{} %", hundredths / 10),
        hundredths => format!("{whole}.{hundredths:02} %"),
    }
}

async fn rules_page(
    page: &Page,
    state: &AppState,
    input: CommissionInput,
    errors: Errors,
) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?;
    if !authz::may(&me.actor, Action::SetCommission) {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let tr = &page.tr;
    let registry = state.registry().await?;
    let crafts: Vec<(String, String)> = crate::commission::crafts(&registry)
        .into_iter()
        .map(|(slug, name)| (slug, name.get(tr.locale()).to_owned()))
        .collect();
    let name_of = |craft: &Option<String>| match craft {
        None => tr.t("commission-every-product"),
        Some(slug) => crafts
            .iter()
            .find(|(known, _)| known == slug)
            .map_or_else(|| slug.clone(), |(_, name)| name.clone()),
    };
    let rules = odop_store::ledger::commission_rules(state.db())
        .await?
        .into_iter()
        .map(|rule| RuleRow {
            product: name_of(&rule.craft),
            from: rule.effective_from,
            rate: percent(rule.rate_bp),
            who: rule.created_by_name.unwrap_or_default(),
            when: tr.when(rule.created_at.0),
        })
        .collect();
    render(&RulesPage {
        chrome: page.chrome(),
        tr: tr.clone(),
        rules,
        crafts,
        input,
        errors,
    })
}

async fn rules(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    rules_page(&page, &state, CommissionInput::default(), Errors::default()).await
}

async fn add(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(input): CsrfForm<CommissionInput>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    match crate::commission::add_rule(&state, &me, &input).await? {
        Ok(_) => Ok(super::redirect_with_notice(
            "/admin/commission",
            "commission-rule-added",
            state.config().secure_cookies,
        )),
        Err(problems) => {
            let errors = Errors::from_fields(&page.tr, &problems);
            Ok(invalid(rules_page(&page, &state, input, errors).await?))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_read_as_short_percentages() {
        assert_eq!(super::percent(0), "0 %");
        assert_eq!(super::percent(250), "2.5 %");
        assert_eq!(super::percent(1), "0.01 %");
        assert_eq!(super::percent(1_225), "12.25 %");
    }
}
