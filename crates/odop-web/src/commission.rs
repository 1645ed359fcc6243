//! The operator's commission table as state admins keep it: one use case,
//! adding a rule for an ODOP product (or for all) from a day on, behind both
//! the admin page and the API.

use chrono::Utc;
use odop_domain::authz::{self, Action};
use odop_domain::ledger::{CommissionInput, CommissionRule};
use odop_domain::locale::Bilingual;
use odop_domain::onboarding::FieldError;
use odop_domain::quiz::ist_day;
use odop_domain::registry::Registry;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, NotFound};

/// Every ODOP product's craft once, with its name, in the registry's order.
pub fn crafts(registry: &Registry) -> Vec<(String, Bilingual)> {
    let mut seen = std::collections::BTreeSet::new();
    registry
        .districts()
        .iter()
        .flat_map(|district| &district.products)
        .filter(|product| seen.insert(product.slug.to_string()))
        .map(|product| (product.slug.to_string(), product.name.clone()))
        .collect()
}

/// Adds a rule to the commission table for `me`, a state admin; a rule that
/// breaks one comes back with its problems, and nothing is written.
pub async fn add_rule(
    state: &AppState,
    me: &SignedIn,
    input: &CommissionInput,
) -> Result<Result<CommissionRule, Vec<FieldError>>, AppError> {
    if !authz::may(&me.actor, Action::SetCommission) {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let registry = state.registry().await?;
    let crafts = crafts(&registry);
    let known: Vec<&str> = crafts.iter().map(|(slug, _)| slug.as_str()).collect();
    let now = Utc::now();
    let rule = match input.validate(&known, ist_day(now)) {
        Ok(rule) => rule,
        Err(problems) => return Ok(Err(problems)),
    };
    odop_store::ledger::add_commission_rule(state.db(), &rule, me.user.id, now).await?;
    tracing::info!(
        admin = %me.user.id,
        craft = rule.craft.as_deref().unwrap_or("*"),
        from = %rule.effective_from,
        rate_bp = rule.rate_bp,
        "commission table changed"
    );
    Ok(Ok(rule))
}
