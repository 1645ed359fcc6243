//! The district officer's desk: the queue of applications from the
//! officer's districts, each application in full, and the decision.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use odop_domain::authz::{self, Action, ApplicationRef};
use odop_domain::onboarding::{ApplicationStatus, Decision};
use odop_domain::{ApplicationId, Locale};
use odop_store::onboarding::{self as store, ApplicationRecord, DecideError};
use odop_store::outbox::{Channel, NewMessage};
use serde::Deserialize;

use super::account::status_label;
use super::catalogue::{craft_name, district_name};
use super::forms::Errors;
use super::sell::{DocumentView, EventView, document_views, history};
use super::signin::invalid;
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::auth::csrf::CsrfForm;
use crate::error::{AppError, NotFound};
use crate::extract::Path;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/desk", get(queue))
        .route("/desk/applications/{id}", get(detail))
        .route("/desk/applications/{id}/decision", post(decide))
}

pub struct QueueRow {
    pub href: String,
    pub name: String,
    pub district: String,
    pub craft: String,
    pub kind: String,
    pub age: String,
}

#[derive(Template)]
#[template(path = "desk/queue.html")]
struct QueuePage {
    tr: Tr,
    chrome: Chrome,
    scope: String,
    rows: Vec<QueueRow>,
}

async fn queue(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?;
    if !authz::may(&me.actor, Action::UseOfficerDesk) {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let tr = &page.tr;
    let registry = state.registry().await?;
    let scope_districts = (!me.actor.state_admin).then_some(me.actor.officer_of.as_slice());
    let items = store::queue(state.db(), scope_districts).await?;
    let now = Utc::now();
    let rows = items
        .into_iter()
        .map(|item| QueueRow {
            href: format!("/desk/applications/{}", item.id),
            name: item.display_name,
            district: district_name(tr, &registry, &item.district),
            craft: craft_name(tr, &registry, &item.craft),
            kind: tr.t(&format!("kind-{}", item.seller_kind)),
            age: tr.age(item.submitted_at.0, now),
        })
        .collect();
    let scope = match scope_districts {
        None => tr.t("desk-scope-all"),
        Some(districts) => {
            let names: Vec<String> = districts
                .iter()
                .map(|d| district_name(tr, &registry, d.as_str()))
                .collect();
            tr.t1("desk-scope", "districts", names.join(", "))
        }
    };
    render(&QueuePage {
        chrome: page.chrome(),
        tr: tr.clone(),
        scope,
        rows,
    })
}

/// The application with `id`, if `me` may see it; otherwise the same 404
/// as for an application that does not exist.
async fn visible_application(state: &AppState, me: &SignedIn, id: &str) -> Result<ApplicationRecord, AppError> {
    let id: ApplicationId = id.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    let record = store::get(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let district = record.district()?;
    let reference = ApplicationRef {
        applicant: record.applicant(),
        district: &district,
    };
    // The desk is for officers: an applicant looks at their own on /sell/application.
    if authz::may(&me.actor, Action::UseOfficerDesk) && authz::may(&me.actor, Action::ViewApplication(reference)) {
        Ok(record)
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

#[derive(Template)]
#[template(path = "desk/detail.html")]
struct DetailPage {
    tr: Tr,
    chrome: Chrome,
    id: i64,
    record: ApplicationRecord,
    status: (String, &'static str),
    district: String,
    craft: String,
    kind: String,
    submitted: String,
    documents: Vec<DocumentView>,
    history: Vec<EventView>,
    may_decide: bool,
    reason: String,
    errors: Errors,
}

async fn detail_page(
    page: &Page,
    state: &AppState,
    me: &SignedIn,
    record: ApplicationRecord,
    reason: String,
    errors: Errors,
) -> Result<Html<String>, AppError> {
    let tr = &page.tr;
    let registry = state.registry().await?;
    let district = record.district()?;
    let may_decide = record.status()? == ApplicationStatus::Submitted
        && authz::may(
            &me.actor,
            Action::DecideApplication(ApplicationRef {
                applicant: record.applicant(),
                district: &district,
            }),
        );
    let kind = match record.vendor_name.as_deref() {
        Some(vendor) if record.seller_kind == "sub-vendor" => tr.t1("kind-sub-vendor-of", "vendor", vendor),
        _ => tr.t(&format!("kind-{}", record.seller_kind)),
    };
    render(&DetailPage {
        chrome: page.chrome(),
        id: record.id,
        status: status_label(tr, record.status()?),
        district: district_name(tr, &registry, &record.district),
        craft: craft_name(tr, &registry, &record.craft),
        kind,
        submitted: tr.when(record.submitted_at.0),
        documents: document_views(tr, state, &record).await?,
        history: history(tr, state, &record).await?,
        may_decide,
        reason,
        errors,
        record,
        tr: tr.clone(),
    })
}

async fn detail(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?.clone();
    let record = visible_application(&state, &me, &id).await?;
    detail_page(&page, &state, &me, record, String::new(), Errors::default()).await
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

/// The SMS telling an applicant of the decision, in their language.
fn decision_message(state: &AppState, record: &ApplicationRecord, decision: &Decision) -> Option<NewMessage> {
    let phone = record.applicant_phone.clone()?;
    let locale: Locale = record
        .applicant_locale
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or_default();
    let tr = Tr::new(locale, state.catalog().clone());
    let body = match decision {
        Decision::Approve => tr.t("sms-application-approved"),
        Decision::Return { reason } => tr.t1("sms-application-returned", "reason", reason),
        Decision::Reject { reason } => tr.t1("sms-application-rejected", "reason", reason),
    };
    Some(NewMessage {
        channel: Channel::Sms,
        recipient: phone,
        body,
        sensitive: false,
        kind: "application",
    })
}

async fn decide(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    let record = visible_application(&state, &me, &id).await?;
    let district = record.district()?;
    let reference = ApplicationRef {
        applicant: record.applicant(),
        district: &district,
    };
    if !authz::may(&me.actor, Action::DecideApplication(reference)) {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let decision = match Decision::parse(&form.action, &form.reason) {
        Ok(decision) => decision,
        Err(problem) => {
            let errors = Errors::from_fields(&page.tr, &[problem]);
            return Ok(invalid(
                detail_page(&page, &state, &me, record, form.reason, errors).await?,
            ));
        }
    };
    let message = decision_message(&state, &record, &decision);
    match store::decide(
        state.db(),
        record.id(),
        me.user.id,
        &decision,
        message.as_ref(),
        Utc::now(),
    )
    .await
    {
        Ok(_) => Ok(super::redirect_with_notice(
            "/desk",
            "decision-recorded",
            state.config().secure_cookies,
        )),
        Err(DecideError::Transition(_)) => {
            let mut errors = Errors::default();
            errors.add("action", page.tr.t("decision-already-made"));
            let fresh = visible_application(&state, &me, &id).await?;
            Ok((
                axum::http::StatusCode::CONFLICT,
                detail_page(&page, &state, &me, fresh, String::new(), errors).await?,
            )
                .into_response())
        }
        Err(DecideError::Store(e)) => Err(e.into()),
    }
}
