//! The signed-in person's own page, and their privacy rights: what is kept
//! and why, a copy of it, and erasure.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use odop_domain::auth::limits;
use odop_domain::authz::{self, Action, SellerRole};
use odop_domain::onboarding::ApplicationStatus;
use odop_store::{accounts, onboarding, privacy, rate_limit, second_factor, vendors};
use serde::Deserialize;

use super::catalogue::district_name;
use super::forms::Errors;
use super::signin::invalid;
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{SESSION_COOKIE, SignedIn, set_cookie, totp};
use crate::error::AppError;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(account))
        .route("/account/language", post(set_language))
        .route("/account/sessions/end", post(end_all_sessions))
        .route("/account/authenticator", get(authenticator).post(change_authenticator))
        .route("/account/data", get(download_data))
        .route("/account/delete", get(delete_form).post(delete_account))
        .route("/privacy", get(privacy_notice))
        .route("/terms", get(terms_of_sale))
}

pub struct TieView {
    pub id: i64,
    pub vendor: String,
}

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    tr: Tr,
    chrome: Chrome,
    name: String,
    phone: String,
    roles: Vec<String>,
    /// The newest application's status, translated, with its CSS class.
    application: Option<(String, &'static str)>,
    may_apply: bool,
    seller: Option<String>,
    is_vendor: bool,
    invitations: Vec<TieView>,
    ties: Vec<TieView>,
    uses_desk: bool,
    manages_staff: bool,
    keeps_books: bool,
    /// The language of this person's SMS.
    sms_locale: String,
    /// For staff: whether their second factor is an authenticator app.
    staff_app: Option<bool>,
}

pub(crate) fn status_label(tr: &Tr, status: ApplicationStatus) -> (String, &'static str) {
    let class = match status {
        ApplicationStatus::Submitted => "status status-submitted",
        ApplicationStatus::Returned => "status status-returned",
        ApplicationStatus::Approved => "status status-approved",
        ApplicationStatus::Rejected => "status status-rejected",
    };
    (tr.t(&format!("status-{}", status.code())), class)
}

async fn account(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let me: &SignedIn = page.signed_in()?;
    let tr = &page.tr;
    let registry = state.registry().await?;
    let mut roles = Vec::new();
    if !me.actor.officer_of.is_empty() {
        let districts: Vec<String> = me
            .actor
            .officer_of
            .iter()
            .map(|d| district_name(tr, &registry, d.as_str()))
            .collect();
        roles.push(tr.t1("account-role-officer-of", "districts", districts.join(", ")));
    }
    if me.actor.state_admin {
        roles.push(tr.t("role-state-admin"));
    }
    if me.actor.outlet_operator {
        roles.push(tr.t("role-outlet-operator"));
    }
    if me.actor.finance {
        roles.push(tr.t("role-finance"));
    }
    let application = onboarding::latest_for(state.db(), me.user.id).await?;
    let application = match application {
        Some(a) => Some(status_label(tr, a.status()?)),
        None => None,
    };
    let seller = me.actor.seller.as_ref().map(|seller| {
        let district = district_name(tr, &registry, seller.district.as_str());
        match seller.role {
            SellerRole::Vendor => tr.t1("seller-verified-vendor", "district", district),
            SellerRole::SubVendor { .. } => tr.t1("seller-verified-sub-vendor", "district", district),
            SellerRole::Enrolled => tr.t1("seller-verified-enrolled", "district", district),
        }
    });
    let (mut invitations, mut ties) = (Vec::new(), Vec::new());
    if let Some(phone) = &me.user.phone {
        for link in vendors::of_artisan(state.db(), phone, me.user.id).await? {
            let view = TieView {
                id: link.id,
                vendor: link.vendor_name.clone().unwrap_or_default(),
            };
            if link.status == "invited" {
                invitations.push(view);
            } else {
                ties.push(view);
            }
        }
    }
    render(&AccountPage {
        chrome: page.chrome(),
        name: me.label(),
        phone: me.user.phone.as_ref().map(|p| p.display()).unwrap_or_default(),
        roles,
        application,
        may_apply: authz::may(&me.actor, Action::ApplyToSell),
        seller,
        is_vendor: me.actor.is_vendor(),
        invitations,
        ties,
        uses_desk: authz::may(&me.actor, Action::UseOfficerDesk),
        manages_staff: authz::may(&me.actor, Action::ManageStaff),
        keeps_books: authz::may(&me.actor, Action::ManagePayouts),
        sms_locale: me.user.locale.code().to_owned(),
        staff_app: if me.actor.is_staff() {
            Some(second_factor::app_secret(state.db(), me.user.id).await?.is_some())
        } else {
            None
        },
        tr: page.tr.clone(),
    })
}

#[derive(Deserialize)]
struct LanguageForm {
    #[serde(default)]
    locale: String,
}

/// `POST /account/language`: the language of the person's messages.
async fn set_language(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    let locale: odop_domain::Locale = form
        .locale
        .parse()
        .map_err(|e| AppError::bad_request(crate::error::BadRequest::InvalidLanguage, e))?;
    odop_store::accounts::set_locale(state.db(), me.user.id, locale).await?;
    Ok(super::redirect_with_notice(
        "/account",
        "sms-language-saved",
        state.config().secure_cookies,
    ))
}

/// `POST /account/sessions/end`: signs the person out on every device,
/// this one included, as after a lost phone.
async fn end_all_sessions(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(_): CsrfForm<super::Nothing>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    odop_store::sessions::delete_all(state.db(), me.user.id).await?;
    tracing::info!(user = %me.user.id, "signed out everywhere");
    let mut response = super::redirect_with_notice("/", "signed-out-everywhere", state.config().secure_cookies);
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.config().secure_cookies),
    );
    Ok(response)
}

/// `GET /account/data`: everything kept about the person, as a JSON file.
async fn download_data(page: Page, State(state): State<AppState>) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    let data = privacy::export(state.db(), me.user.id).await?;
    let body = serde_json::to_string_pretty(&data).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"odop-my-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "account/delete.html")]
struct DeletePage {
    tr: Tr,
    chrome: Chrome,
    errors: Errors,
}

async fn delete_form(page: Page) -> Result<Html<String>, AppError> {
    page.signed_in()?;
    render(&DeletePage {
        chrome: page.chrome(),
        tr: page.tr,
        errors: Errors::default(),
    })
}

#[derive(Deserialize)]
struct DeleteSubmission {
    /// The unticked-by-default box that confirms the person understands.
    #[serde(default)]
    confirm: String,
}

async fn delete_account(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<DeleteSubmission>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    if form.confirm != "yes" {
        let mut errors = Errors::default();
        errors.add("confirm", page.tr.t("delete-confirm-required"));
        return Ok(invalid(render(&DeletePage {
            chrome: page.chrome(),
            tr: page.tr.clone(),
            errors,
        })?));
    }
    let deleted_files = privacy::delete_account(state.db(), state.files(), me.user.id, Utc::now()).await?;
    tracing::info!(user = %me.user.id, deleted_files, "account deleted at its owner's request");
    let mut response = super::redirect_with_notice("/", "account-deleted", state.config().secure_cookies);
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.config().secure_cookies),
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "account/privacy.html")]
struct PrivacyPage {
    tr: Tr,
    chrome: Chrome,
}

#[derive(Template)]
#[template(path = "account/terms.html")]
struct TermsPage {
    tr: Tr,
    chrome: Chrome,
    /// The stock hold of an unpaid online order, in minutes.
    hold_minutes: i64,
}

/// `/terms`: the terms of sale, returns and delivery a buyer accepts at
/// checkout, in plain words; the figures come from the rules that apply them.
async fn terms_of_sale(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    render(&TermsPage {
        chrome: page.chrome(),
        tr: page.tr,
        hold_minutes: state.config().payment_hold().num_minutes(),
    })
}

async fn privacy_notice(page: Page) -> Result<Html<String>, AppError> {
    render(&PrivacyPage {
        chrome: page.chrome(),
        tr: page.tr,
    })
}

#[derive(Template)]
#[template(path = "account/authenticator.html")]
struct AuthenticatorPage {
    tr: Tr,
    chrome: Chrome,
    /// Set up already: the page offers to remove it.
    active: bool,
    /// For setting one up: the new secret, its link and QR code (SVG).
    secret: String,
    uri: String,
    qr_svg: String,
    errors: Errors,
}

/// The page to set up (or remove) an authenticator app, for staff.
async fn authenticator_page(
    page: &Page,
    state: &AppState,
    secret: Option<String>,
    errors: Errors,
) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?;
    if !me.actor.is_staff() {
        return Err(AppError::NotFound(crate::error::NotFound::Object));
    }
    let active = second_factor::app_secret(state.db(), me.user.id).await?.is_some();
    let secret = secret.unwrap_or_else(totp::new_secret);
    let account = me
        .user
        .phone
        .as_ref()
        .map(|p| p.display())
        .unwrap_or_else(|| me.label());
    let uri = totp::otpauth_uri(&secret, "ODOP UP", &account);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| AppError::Internal(format!("cannot draw the QR code: {e}")))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Inline in HTML, the SVG needs no XML declaration.
    let qr_svg = match qr_svg.find("<svg") {
        Some(start) => qr_svg[start..].to_owned(),
        None => qr_svg,
    };
    render(&AuthenticatorPage {
        chrome: page.chrome(),
        tr: page.tr.clone(),
        active,
        secret,
        uri,
        qr_svg,
        errors,
    })
}

/// A secret as this page makes them (20 random bytes), or any other of 16
/// to 40 bytes: the page comes back with it, and a longer one would not fit
/// in its QR code.
fn app_secret_acceptable(secret: &str) -> bool {
    totp::base32_decode(secret).is_some_and(|bytes| (16..=40).contains(&bytes.len()))
}

async fn authenticator(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    authenticator_page(&page, &state, None, Errors::default()).await
}

#[derive(Deserialize)]
struct AuthenticatorForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

/// Whether `password` is the signed-in staff member's. Changing the second
/// factor asks for it again, so that a session left open (or stolen) cannot
/// swap the app for its own or remove it; tries are limited like signing in.
async fn password_confirmed(state: &AppState, me: &SignedIn, password: &str) -> Result<bool, AppError> {
    let Some(phone) = me.user.phone.clone() else {
        return Ok(false);
    };
    if let Err(exceeded) = rate_limit::hit_now(
        state.db(),
        &limits::PASSWORD_CONFIRM_PER_USER,
        &me.user.id.0.to_string(),
        Utc::now(),
    )
    .await?
    {
        return Err(AppError::TooManyRequests {
            retry_after_seconds: exceeded.retry_after.num_seconds(),
        });
    }
    let Some((user, hash)) = accounts::password_hash(state.db(), &phone).await? else {
        return Ok(false);
    };
    let password = password.to_owned();
    let matches = super::signin::blocking(move || crate::auth::crypto::verify_password(&password, &hash)).await?;
    Ok(matches && user == me.user.id)
}

/// The authenticator page again, with `message` by `field` and the secret
/// being set up kept (so the app already scanned still matches).
async fn refuse_change(
    page: &Page,
    state: &AppState,
    secret: Option<String>,
    field: &str,
    message: &str,
) -> Result<Response, AppError> {
    let mut errors = Errors::default();
    errors.add(field, page.tr.t(message));
    Ok(invalid(authenticator_page(page, state, secret, errors).await?))
}

/// Sets up an app (once it shows a right code for the new secret, so that
/// nobody is locked out by a mistyped secret) or removes it (SMS codes are
/// the second factor again).
async fn change_authenticator(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<AuthenticatorForm>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    if !me.actor.is_staff() {
        return Err(AppError::NotFound(crate::error::NotFound::Object));
    }
    let remove = match form.action.as_str() {
        "add" => false,
        "remove" => true,
        _ => {
            return Err(AppError::bad_request(
                crate::error::BadRequest::InvalidForm,
                "action must be add or remove",
            ));
        }
    };
    let secret = form.secret.trim().to_owned();
    let valid_secret = app_secret_acceptable(&secret);
    let keep = valid_secret.then(|| secret.clone());
    if !password_confirmed(&state, me, &form.password).await? {
        let field = if remove { "remove-password" } else { "password" };
        return refuse_change(&page, &state, keep, field, "authenticator-password-wrong").await;
    }
    let notice = if remove {
        second_factor::set_app_secret(state.db(), me.user.id, None).await?;
        "authenticator-removed"
    } else {
        let step = valid_secret
            .then(|| totp::check(&secret, &form.code, Utc::now().timestamp()))
            .flatten();
        let Some(step) = step else {
            return refuse_change(&page, &state, keep, "code", "authenticator-code-wrong").await;
        };
        second_factor::set_app_secret(state.db(), me.user.id, Some(&secret)).await?;
        second_factor::use_app_step(state.db(), me.user.id, step).await?;
        "authenticator-added"
    };
    Ok(super::redirect_with_notice(
        "/account",
        notice,
        state.config().secure_cookies,
    ))
}
