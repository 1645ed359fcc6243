//! The state admin's page for staff accounts: district officers (for one or
//! more districts), state admins and outlet operators.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::extract::State;
use axum::response::{Html, Response};
use axum::routing::{get, post};
use chrono::Utc;
use odop_domain::auth::check_password;
use odop_domain::authz::{self, Action};
use odop_domain::identity::Phone;
use odop_domain::money::Money;
use odop_domain::{Slug, text};
use odop_store::accounts::{self, NewStaff, StaffError, StaffRole};

use super::catalogue::district_name;
use super::forms::Errors;
use super::sell::{DistrictGroup, district_groups};
use super::signin::{blocking, invalid};
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{SignedIn, crypto};
use crate::error::{AppError, NotFound};
use crate::i18n::{Arg, Tr};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/staff", get(staff).post(create))
        .route("/admin/payments", get(payment_exceptions))
        .route("/admin/payments/refunds/{id}/release", post(release_refund))
}

pub struct StaffRow {
    pub name: String,
    pub phone: String,
    pub roles: String,
}

/// What the state admin typed, kept to show again with any problems.
#[derive(Clone, Debug, Default)]
pub struct StaffInput {
    phone: String,
    name: String,
    role: String,
    districts: Vec<String>,
    password: String,
}

impl StaffInput {
    /// From the form's fields; `districts` may repeat (a multiple select).
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut input = StaffInput::default();
        for (name, value) in pairs {
            match name.as_str() {
                "phone" => input.phone = value,
                "name" => input.name = value,
                "role" => input.role = value,
                "districts" => input.districts.push(value),
                "password" => input.password = value,
                _ => {}
            }
        }
        input
    }
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<StaffRow>,
    input: StaffInput,
    divisions: Vec<DistrictGroup>,
    errors: Errors,
}

/// A stored role code (`district_officer`) as a label.
fn role_label(tr: &Tr, role: &str) -> String {
    tr.t(&format!("role-{}", role.replace('_', "-")))
}

fn as_admin(page: &Page) -> Result<SignedIn, AppError> {
    let me = page.signed_in()?;
    if authz::may(&me.actor, Action::ManageStaff) {
        Ok(me.clone())
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

async fn staff_page(
    page: &Page,
    state: &AppState,
    input: StaffInput,
    errors: Errors,
) -> Result<Html<String>, AppError> {
    let tr = &page.tr;
    let registry = state.registry().await?;
    let rows = accounts::staff(state.db())
        .await?
        .into_iter()
        .map(|entry| StaffRow {
            name: entry.display_name.unwrap_or_default(),
            phone: entry.phone.unwrap_or_default(),
            roles: entry
                .roles
                .iter()
                .map(|(role, district)| match district {
                    Some(d) => format!("{} ({})", role_label(tr, role), district_name(tr, &registry, d)),
                    None => role_label(tr, role),
                })
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let divisions = district_groups(tr, &registry);
    render(&StaffPage {
        chrome: page.chrome(),
        tr: tr.clone(),
        rows,
        input,
        divisions,
        errors,
    })
}

async fn staff(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    as_admin(&page)?;
    staff_page(&page, &state, StaffInput::default(), Errors::default()).await
}

async fn create(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let me = as_admin(&page)?;
    let input = StaffInput::from_pairs(pairs);
    let tr = &page.tr;
    let mut errors = Errors::default();
    let phone = Phone::parse(&input.phone)
        .map_err(|e| errors.add("phone", tr.t(e.message_id())))
        .ok();
    let name = text::required(&input.name, 2, 80)
        .map_err(|_| errors.add("name", tr.t("text-missing")))
        .ok();
    if check_password(&input.password).is_err() {
        errors.add("password", tr.t("password-length"));
    }
    let districts: Vec<Slug> = input.districts.iter().filter_map(|d| Slug::parse(d).ok()).collect();
    let roles = match input.role.as_str() {
        "district_officer" if districts.is_empty() => {
            errors.add("districts", tr.t("staff-districts-required"));
            Vec::new()
        }
        "district_officer" => districts.into_iter().map(StaffRole::DistrictOfficer).collect(),
        "state_admin" => vec![StaffRole::StateAdmin],
        "outlet_operator" => vec![StaffRole::OutletOperator],
        "finance" => vec![StaffRole::Finance],
        _ => {
            errors.add("role", tr.t("staff-role-required"));
            Vec::new()
        }
    };
    let (Some(phone), Some(name), true) = (phone, name, errors.is_empty()) else {
        let input = StaffInput {
            password: String::new(),
            ..input
        };
        return Ok(invalid(staff_page(&page, &state, input, errors).await?));
    };
    let password = input.password.clone();
    let password_hash = blocking(move || crypto::hash_password(&password))
        .await?
        .map_err(AppError::Internal)?;
    let staff = NewStaff {
        phone,
        display_name: name,
        password_hash,
        roles,
        granted_by: Some(me.user.id),
    };
    match accounts::create_staff(state.db(), &staff, Utc::now()).await {
        Ok(user) => {
            tracing::info!(admin = %me.user.id, %user, "staff account created");
            Ok(super::redirect_with_notice(
                "/admin/staff",
                "staff-created",
                state.config().secure_cookies,
            ))
        }
        Err(StaffError::UnknownDistrict(_)) => {
            let mut errors = Errors::default();
            errors.add("districts", tr.t("unknown-district"));
            Ok(invalid(
                staff_page(
                    &page,
                    &state,
                    StaffInput {
                        password: String::new(),
                        ..input
                    },
                    errors,
                )
                .await?,
            ))
        }
        Err(StaffError::Store(e)) => Err(e.into()),
    }
}

pub struct ExceptionRow {
    pub when: String,
    pub order: String,
    pub gateway: String,
    pub gateway_order: String,
    pub payment: String,
    pub what: String,
    pub received: String,
    pub expected: String,
    pub refund: String,
}

/// A refund sent without an answer, for an admin to look up at the gateway.
pub struct UnansweredRow {
    pub id: i64,
    pub since: String,
    pub order: String,
    pub receipt: String,
    pub amount: String,
    pub gateway: String,
    pub payment: String,
}

#[derive(Template)]
#[template(path = "admin/payments.html")]
struct PaymentsPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<ExceptionRow>,
    unanswered: Vec<UnansweredRow>,
}

/// How long a refund sent waits for the gateway's answer before an admin
/// is asked to look: the gateway's own timeout is seconds.
const REFUND_ANSWER_WAIT_MINUTES: i64 = 10;

/// An amount as a gateway reported it: rupees when it is INR, otherwise
/// the number in its currency's smallest unit, named, since it is not paise.
fn received(tr: &Tr, amount: i64, currency: Option<&str>) -> String {
    match currency {
        Some(c) if c.eq_ignore_ascii_case("INR") => Money(amount).to_string(),
        Some(c) => tr.with(
            "payment-exception-foreign",
            &[("amount", Arg::from(amount.to_string())), ("currency", Arg::from(c))],
        ),
        None => tr.t1("payment-exception-unknown-currency", "amount", amount.to_string()),
    }
}

/// `GET /admin/payments`: money received that no order took, newest first,
/// with where its refund stands.
async fn payment_exceptions(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?;
    if !authz::may(&me.actor, Action::ReviewPayments) {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let tr = &page.tr;
    let rows = odop_store::payments::exceptions(state.db(), 500)
        .await?
        .into_iter()
        .map(|e| ExceptionRow {
            when: tr.when(e.created_at.0),
            order: odop_domain::orders::order_number(e.order_id),
            what: e.kind().map(|k| tr.t(k.message_id())).unwrap_or_else(|| e.kind.clone()),
            received: received(tr, e.amount, e.currency.as_deref()),
            expected: Money(e.expected_paise).to_string(),
            refund: tr.t(&format!(
                "refund-status-{}",
                e.refund_status.as_deref().unwrap_or("none")
            )),
            gateway: e.gateway,
            gateway_order: e.gateway_order_id,
            payment: e.gateway_payment_id,
        })
        .collect();
    let before = Utc::now() - chrono::Duration::minutes(REFUND_ANSWER_WAIT_MINUTES);
    let unanswered = odop_store::payments::unanswered_refunds(state.db(), before, 200)
        .await?
        .into_iter()
        .map(|r| UnansweredRow {
            id: r.id,
            since: tr.when(r.claimed_at.0),
            order: odop_domain::orders::order_number(r.order_id),
            receipt: r.receipt(),
            amount: received(tr, r.amount, r.currency.as_deref()),
            gateway: r.gateway,
            payment: r.gateway_payment_id.unwrap_or_default(),
        })
        .collect();
    render(&PaymentsPage {
        chrome: page.chrome(),
        tr: tr.clone(),
        rows,
        unanswered,
    })
}

/// `POST /admin/payments/refunds/{id}/release`: an admin found that the
/// gateway has no refund with this one's receipt, so it may be sent again.
async fn release_refund(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<super::Nothing>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    if !authz::may(&me.actor, Action::ReviewPayments) {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let id: i64 = id.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    let now = Utc::now();
    let due = now - chrono::Duration::minutes(REFUND_ANSWER_WAIT_MINUTES);
    let notice = if odop_store::payments::release_refund(state.db(), id, me.user.id, due, now).await? {
        crate::payments::send_refunds(&state).await?;
        "refund-released"
    } else {
        "refund-settled-already"
    };
    Ok(super::redirect_with_notice(
        "/admin/payments",
        notice,
        state.config().secure_cookies,
    ))
}
