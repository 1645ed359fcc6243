//! The GST rate table as state admins keep it: one use case, adding a line
//! or correcting one from a date, behind both the admin page and the API.

use chrono::Utc;
use odop_domain::authz::{self, Action};
use odop_domain::gst::RateLineInput;
use odop_domain::onboarding::FieldError;
use odop_store::gst::Put;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, NotFound};

/// Puts a line into the rate table for `me`, a state admin; a line that
/// breaks a rule comes back with its problems, and nothing is written.
pub async fn put_line(
    state: &AppState,
    me: &SignedIn,
    input: &RateLineInput,
) -> Result<Result<Put, Vec<FieldError>>, AppError> {
    if !authz::may(&me.actor, Action::ManageGstRates) {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let line = match input.validate() {
        Ok(line) => line,
        Err(problems) => return Ok(Err(problems)),
    };
    let put = odop_store::gst::put_line(state.db(), &line, me.user.id, Utc::now()).await?;
    tracing::info!(
        admin = %me.user.id,
        prefix = %line.rule.hsn_prefix,
        from = %line.rule.effective_from,
        rate_bp = line.rule.rate.0,
        ?put,
        "GST rate table changed"
    );
    Ok(Ok(put))
}
