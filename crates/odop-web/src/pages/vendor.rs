//! Vendors and sub-vendors: a vendor invites artisans by phone and manages
//! them; an artisan accepts an invitation with a one-time code, declines
//! it, or later leaves the vendor.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use odop_domain::InvitationId;
use odop_domain::auth::OtpPurpose;
use odop_domain::authz::{self, Action};
use odop_domain::identity::Phone;
use odop_store::outbox::{Channel, NewMessage};
use odop_store::vendors::{self, InviteError};
use serde::Deserialize;

use super::forms::Errors;
use super::signin::{
    CodeCheck, CodeSubmission, NotSent, check_one_time_code, invalid, refusal_text, send_one_time_code,
};
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{ClientIp, SignedIn};
use crate::error::{AppError, NotFound};
use crate::extract::Path;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/vendor/sub-vendors", get(sub_vendors).post(invite))
        .route("/vendor/sub-vendors/{id}/remove", post(remove))
        .route("/invitations/{id}/accept", post(accept))
        .route("/invitations/{id}/confirm", get(confirm_form).post(confirm))
        .route("/invitations/{id}/decline", post(decline))
        .route("/vendor-ties/{id}/leave", post(leave))
}

pub struct LinkRow {
    pub id: i64,
    pub who: String,
    pub status: String,
    pub since: String,
    pub removable: bool,
}

#[derive(Template)]
#[template(path = "vendor/sub_vendors.html")]
struct SubVendorsPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<LinkRow>,
    phone: String,
    errors: Errors,
}

fn as_vendor(page: &Page) -> Result<SignedIn, AppError> {
    let me = page.signed_in()?;
    if authz::may(&me.actor, Action::ManageSubVendorsOf(me.user.id)) {
        Ok(me.clone())
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

async fn sub_vendors_page(
    page: &Page,
    state: &AppState,
    me: &SignedIn,
    phone: String,
    errors: Errors,
) -> Result<Html<String>, AppError> {
    let tr = &page.tr;
    let rows = vendors::of_vendor(state.db(), me.user.id)
        .await?
        .into_iter()
        .map(|link| LinkRow {
            id: link.id,
            who: link
                .artisan_name
                .clone()
                .or_else(|| {
                    link.phone
                        .as_deref()
                        .and_then(|p| Phone::parse(p).ok())
                        .map(|p| p.display())
                })
                .unwrap_or_else(|| "—".into()),
            removable: matches!(link.status.as_str(), "invited" | "active"),
            status: tr.t(&format!("tie-status-{}", link.status)),
            since: tr.when(link.accepted_at.unwrap_or(link.invited_at).0),
        })
        .collect();
    render(&SubVendorsPage {
        chrome: page.chrome(),
        tr: tr.clone(),
        rows,
        phone,
        errors,
    })
}

async fn sub_vendors(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let me = as_vendor(&page)?;
    sub_vendors_page(&page, &state, &me, String::new(), Errors::default()).await
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    phone: String,
}

async fn invite(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<Response, AppError> {
    let me = as_vendor(&page)?;
    if !authz::may(&me.actor, Action::InviteSubVendors) {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let mut errors = Errors::default();
    let phone = match Phone::parse(&form.phone) {
        Ok(phone) if Some(&phone) == me.user.phone.as_ref() => {
            errors.add("phone", page.tr.t("invite-self"));
            None
        }
        Ok(phone) => Some(phone),
        Err(error) => {
            errors.add("phone", page.tr.t(error.message_id()));
            None
        }
    };
    let Some(phone) = phone else {
        return Ok(invalid(sub_vendors_page(&page, &state, &me, form.phone, errors).await?));
    };
    // The invitation names the vendor as buyers and officers know it: by the
    // name on its approved application. It is written in the invitee's
    // language when they have an account, else in Hindi and English.
    let vendor_name = odop_store::onboarding::latest_for(state.db(), me.user.id)
        .await?
        .map_or_else(|| me.label(), |application| application.display_name);
    let catalog = state.catalog().clone();
    let text = |locale| Tr::new(locale, catalog.clone()).t1("sms-invitation", "vendor", &vendor_name);
    let body = match odop_store::accounts::user_by_phone(state.db(), &phone).await? {
        Some(invitee) => text(invitee.locale),
        None => format!("{} / {}", text(odop_domain::Locale::Hi), text(odop_domain::Locale::En)),
    };
    let message = NewMessage {
        channel: Channel::Sms,
        recipient: phone.to_string(),
        body,
        sensitive: false,
        kind: "invitation",
    };
    match vendors::invite(state.db(), me.user.id, &phone, &message, Utc::now()).await {
        Ok(_) => Ok(super::redirect_with_notice(
            "/vendor/sub-vendors",
            "invitation-sent",
            state.config().secure_cookies,
        )),
        Err(InviteError::AlreadyInvited) => {
            errors.add("phone", page.tr.t("invite-already"));
            Ok(invalid(sub_vendors_page(&page, &state, &me, form.phone, errors).await?))
        }
        Err(InviteError::Store(e)) => Err(e.into()),
    }
}

fn invitation_id(raw: &str) -> Result<InvitationId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound(NotFound::Object))
}

async fn remove(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<super::Nothing>,
) -> Result<Response, AppError> {
    let me = as_vendor(&page)?;
    if vendors::remove(state.db(), invitation_id(&id)?, me.user.id, Utc::now()).await? {
        Ok(super::redirect_with_notice(
            "/vendor/sub-vendors",
            "sub-vendor-removed",
            state.config().secure_cookies,
        ))
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

/// The open invitation `id`, if it is addressed to the signed-in person.
async fn my_invitation(state: &AppState, me: &SignedIn, id: InvitationId) -> Result<(vendors::Link, Phone), AppError> {
    let phone = me.user.phone.clone().ok_or(AppError::NotFound(NotFound::Object))?;
    match vendors::get(state.db(), id).await? {
        Some(link) if link.status == "invited" && link.phone.as_deref() == Some(phone.as_str()) => Ok((link, phone)),
        _ => Err(AppError::NotFound(NotFound::Object)),
    }
}

async fn accept(
    page: Page,
    State(state): State<AppState>,
    ip: ClientIp,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<super::Nothing>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    let id = invitation_id(&id)?;
    let (_, phone) = my_invitation(&state, &me, id).await?;
    let confirm = format!("/invitations/{id}/confirm");
    match send_one_time_code(&state, &page.tr, &phone, OtpPurpose::AcceptInvitation, Some(id.0), ip).await? {
        Ok(()) | Err(NotSent::TooSoon(_)) => Ok(Redirect::to(&confirm).into_response()),
        Err(NotSent::TooMany(seconds)) => Err(AppError::TooManyRequests {
            retry_after_seconds: seconds,
        }),
    }
}

#[derive(Template)]
#[template(path = "vendor/confirm.html")]
struct ConfirmPage {
    tr: Tr,
    chrome: Chrome,
    action: String,
    vendor: String,
    phone: String,
    phone_display: String,
    errors: Errors,
}

async fn confirm_page(
    page: &Page,
    link: &vendors::Link,
    phone: &Phone,
    errors: Errors,
) -> Result<Html<String>, AppError> {
    render(&ConfirmPage {
        chrome: page.chrome(),
        tr: page.tr.clone(),
        action: format!("/invitations/{}/confirm", link.id),
        vendor: link.vendor_name.clone().unwrap_or_default(),
        phone: phone.to_string(),
        phone_display: phone.display(),
        errors,
    })
}

async fn confirm_form(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?.clone();
    let (link, phone) = my_invitation(&state, &me, invitation_id(&id)?).await?;
    confirm_page(&page, &link, &phone, Errors::default()).await
}

async fn confirm(
    page: Page,
    State(state): State<AppState>,
    ip: ClientIp,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CodeSubmission>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    let id = invitation_id(&id)?;
    let (link, phone) = my_invitation(&state, &me, id).await?;
    match check_one_time_code(&state, &phone, OtpPurpose::AcceptInvitation, &form.code, ip).await? {
        CodeCheck::Accepted { subject } if subject == Some(id.0) => {
            if vendors::accept(state.db(), id, &phone, me.user.id, Utc::now()).await? {
                Ok(super::redirect_with_notice(
                    "/account",
                    "invitation-accepted",
                    state.config().secure_cookies,
                ))
            } else {
                Err(AppError::NotFound(NotFound::Object))
            }
        }
        // A code sent for another invitation confirms nothing here.
        CodeCheck::Accepted { .. } => refuse_code(&page, &link, &phone, page.tr.t("code-none")).await,
        CodeCheck::Refused {
            message_id,
            attempts_left,
        } => refuse_code(&page, &link, &phone, refusal_text(&page.tr, message_id, attempts_left)).await,
    }
}

async fn refuse_code(page: &Page, link: &vendors::Link, phone: &Phone, message: String) -> Result<Response, AppError> {
    let mut errors = Errors::default();
    errors.add("code", message);
    Ok(invalid(confirm_page(page, link, phone, errors).await?))
}

async fn decline(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<super::Nothing>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    let id = invitation_id(&id)?;
    let (_, phone) = my_invitation(&state, &me, id).await?;
    vendors::decline(state.db(), id, &phone, Utc::now()).await?;
    Ok(super::redirect_with_notice(
        "/account",
        "invitation-declined",
        state.config().secure_cookies,
    ))
}

async fn leave(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<super::Nothing>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    if !authz::may(&me.actor, Action::LeaveVendor { artisan: me.user.id }) {
        return Err(AppError::NotFound(NotFound::Object));
    }
    if vendors::leave(state.db(), invitation_id(&id)?, me.user.id, Utc::now()).await? {
        Ok(super::redirect_with_notice(
            "/account",
            "vendor-left",
            state.config().secure_cookies,
        ))
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}
