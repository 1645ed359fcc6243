//! Signing in: with a one-time code sent by SMS (everyone), or with a
//! password (staff); and signing out.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use odop_domain::auth::{OtpPurpose, OtpState, limits};
use odop_domain::identity::Phone;
use odop_store::outbox::{Channel, NewMessage};
use odop_store::{accounts, otp, rate_limit, second_factor, sessions};
use serde::Deserialize;

use super::forms::Errors;
use super::{Chrome, Page, is_local_path, render};
use crate::AppState;
use crate::auth::csrf::{self, CsrfForm};
use crate::auth::{ClientIp, SESSION_COOKIE, crypto, set_cookie, totp};
use crate::error::AppError;
use crate::extract::Query;
use crate::i18n::{Arg, Tr};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(phone_form).post(send_code))
        .route("/signin/code", get(code_form).post(check_code))
        .route("/signin/staff", get(staff_form).post(staff_sign_in))
        .route("/signin/staff/code", get(staff_code_form).post(staff_check_code))
        .route("/signout", post(sign_out))
}

/// Runs slow hashing off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(format!("hashing task failed: {e}")))
}

fn safe_next(next: Option<&str>) -> Option<String> {
    next.filter(|n| is_local_path(n) && !n.starts_with("/signin"))
        .map(str::to_owned)
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
    phone: Option<String>,
}

#[derive(Template)]
#[template(path = "signin/phone.html")]
struct PhoneForm {
    tr: Tr,
    chrome: Chrome,
    phone: String,
    next: String,
    errors: Errors,
}

async fn phone_form(page: Page, Query(query): Query<NextQuery>) -> Result<Response, AppError> {
    if page.visitor.is_some() {
        return Ok(
            Redirect::to(&safe_next(query.next.as_deref()).unwrap_or_else(|| "/account".into())).into_response(),
        );
    }
    Ok(render(&PhoneForm {
        chrome: page.chrome(),
        tr: page.tr,
        phone: query.phone.unwrap_or_default(),
        next: safe_next(query.next.as_deref()).unwrap_or_default(),
        errors: Errors::default(),
    })?
    .into_response())
}

#[derive(Deserialize)]
struct PhoneSubmission {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    next: String,
}

/// Why a code was not sent, for the person who asked.
pub(crate) enum NotSent {
    TooSoon(i64),
    TooMany(i64),
}

/// Sends a one-time code to `phone` for `purpose`, through the outbox.
pub(crate) async fn send_one_time_code(
    state: &AppState,
    tr: &Tr,
    phone: &Phone,
    purpose: OtpPurpose,
    subject: Option<i64>,
    ip: ClientIp,
) -> Result<Result<(), NotSent>, AppError> {
    let code = crypto::new_code();
    let code_for_hash = code.clone();
    let code_hash = blocking(move || crypto::hash_code(&code_for_hash)).await?;
    let message_id = match purpose {
        OtpPurpose::SignIn => "sms-sign-in-code",
        OtpPurpose::AcceptInvitation => "sms-invitation-code",
    };
    let request = otp::Issue {
        phone,
        purpose,
        subject,
        code_hash,
        message: NewMessage {
            channel: Channel::Sms,
            recipient: phone.to_string(),
            body: tr.t1(message_id, "code", &code),
            sensitive: true,
            kind: "otp",
        },
        limits: vec![
            (limits::OTP_SEND_PER_PHONE, phone.to_string()),
            (limits::OTP_SEND_PER_IP, ip.0.to_string()),
        ],
    };
    Ok(
        match otp::issue(state.db(), state.otp_policy(), request, Utc::now()).await? {
            Ok(_) => Ok(()),
            Err(otp::IssueRefused::TooSoon(wait)) => Err(NotSent::TooSoon(wait.num_seconds().max(1))),
            Err(otp::IssueRefused::RateLimited(exceeded)) => Err(NotSent::TooMany(exceeded.retry_after.num_seconds())),
        },
    )
}

async fn send_code(
    page: Page,
    State(state): State<AppState>,
    ip: ClientIp,
    CsrfForm(form): CsrfForm<PhoneSubmission>,
) -> Result<Response, AppError> {
    let next = safe_next(Some(&form.next)).unwrap_or_default();
    let again = |errors: Errors| PhoneForm {
        chrome: page.chrome(),
        tr: page.tr.clone(),
        phone: form.phone.clone(),
        next: next.clone(),
        errors,
    };
    let phone = match Phone::parse(&form.phone) {
        Ok(phone) => phone,
        Err(error) => {
            let mut errors = Errors::default();
            errors.add("phone", page.tr.t(error.message_id()));
            return Ok(invalid(render(&again(errors))?));
        }
    };
    match send_one_time_code(&state, &page.tr, &phone, OtpPurpose::SignIn, None, ip).await? {
        Ok(()) => {
            let query =
                serde_urlencoded::to_string([("phone", phone.as_str()), ("next", next.as_str())]).unwrap_or_default();
            Ok(Redirect::to(&format!("/signin/code?{query}")).into_response())
        }
        Err(NotSent::TooSoon(seconds)) => {
            // A code is on its way; go to where it is typed in.
            let query = serde_urlencoded::to_string([
                ("phone", phone.as_str()),
                ("next", next.as_str()),
                ("wait", &seconds.to_string()),
            ])
            .unwrap_or_default();
            Ok(Redirect::to(&format!("/signin/code?{query}")).into_response())
        }
        Err(NotSent::TooMany(seconds)) => Err(AppError::TooManyRequests {
            retry_after_seconds: seconds,
        }),
    }
}

/// A form answered with problems: 400, the same page with the reasons.
pub(crate) fn invalid(page: Html<String>) -> Response {
    (axum::http::StatusCode::BAD_REQUEST, page).into_response()
}

#[derive(Template)]
#[template(path = "signin/code.html")]
struct CodeForm {
    tr: Tr,
    chrome: Chrome,
    action: String,
    phone: String,
    phone_display: String,
    next: String,
    /// How long until another code may be sent, when one was just refused.
    wait: Option<String>,
    resend_href: String,
    errors: Errors,
}

impl CodeForm {
    /// The page where a code sent to `phone` is typed in.
    fn new(page: &Page, phone: &Phone, next: String, wait: Option<String>, errors: Errors) -> Self {
        let resend =
            serde_urlencoded::to_string([("phone", phone.as_str()), ("next", next.as_str())]).unwrap_or_default();
        Self {
            chrome: page.chrome(),
            tr: page.tr.clone(),
            action: "/signin/code".into(),
            phone: phone.to_string(),
            phone_display: phone.display(),
            next,
            wait,
            resend_href: format!("/signin?{resend}"),
            errors,
        }
    }
}

#[derive(Deserialize, Default)]
struct CodeQuery {
    #[serde(default)]
    phone: String,
    next: Option<String>,
    wait: Option<i64>,
}

async fn code_form(page: Page, Query(query): Query<CodeQuery>) -> Result<Response, AppError> {
    let Ok(phone) = Phone::parse(&query.phone) else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let next = safe_next(query.next.as_deref()).unwrap_or_default();
    let wait = query
        .wait
        .filter(|w| *w > 0)
        .map(|seconds| page.tr.with("code-wait", &[("seconds", Arg::Number(seconds))]));
    Ok(render(&CodeForm::new(&page, &phone, next, wait, Errors::default()))?.into_response())
}

#[derive(Deserialize)]
pub(crate) struct CodeSubmission {
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub next: String,
}

/// What became of a code someone typed.
pub(crate) enum CodeCheck {
    /// Right, and now used up; the stored code's subject comes with it.
    Accepted { subject: Option<i64> },
    /// A problem to show, as a message id, with the attempts left if any.
    Refused {
        message_id: &'static str,
        attempts_left: Option<u32>,
    },
}

/// What to tell a person whose code was refused.
pub(crate) fn refusal_text(tr: &Tr, message_id: &str, attempts_left: Option<u32>) -> String {
    match attempts_left {
        Some(left) => tr.with(message_id, &[("left", Arg::from(left as usize))]),
        None => tr.t(message_id),
    }
}

/// Checks a typed code against the newest code sent to `phone` for `purpose`.
pub(crate) async fn check_one_time_code(
    state: &AppState,
    phone: &Phone,
    purpose: OtpPurpose,
    typed: &str,
    ip: ClientIp,
) -> Result<CodeCheck, AppError> {
    if let Err(exceeded) =
        rate_limit::hit_now(state.db(), &limits::OTP_VERIFY_PER_IP, &ip.0.to_string(), Utc::now()).await?
    {
        return Err(AppError::TooManyRequests {
            retry_after_seconds: exceeded.retry_after.num_seconds(),
        });
    }
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(CodeCheck::Refused {
            message_id: "code-format",
            attempts_left: None,
        });
    }
    let policy = *state.otp_policy();
    let Some(stored) = otp::latest(state.db(), phone, purpose).await? else {
        return Ok(CodeCheck::Refused {
            message_id: "code-none",
            attempts_left: None,
        });
    };
    let refused = |message_id| CodeCheck::Refused {
        message_id,
        attempts_left: None,
    };
    match policy.state(&stored.challenge, Utc::now()) {
        OtpState::Usable { attempts_left } => {
            let hash = stored.code_hash.clone();
            if blocking(move || crypto::verify_code(&typed, &hash)).await? {
                if otp::consume(state.db(), stored.id, &policy, Utc::now()).await? {
                    Ok(CodeCheck::Accepted {
                        subject: stored.subject,
                    })
                } else {
                    Ok(refused("code-used"))
                }
            } else if otp::record_wrong_attempt(state.db(), stored.id, &policy).await? && attempts_left > 1 {
                Ok(CodeCheck::Refused {
                    message_id: "code-wrong",
                    attempts_left: Some(attempts_left - 1),
                })
            } else {
                Ok(refused("code-locked"))
            }
        }
        OtpState::Expired => Ok(refused("code-expired")),
        OtpState::Locked => Ok(refused("code-locked")),
        OtpState::Used => Ok(refused("code-used")),
    }
}

/// Opens a session for `user` and answers with its cookie (and a fresh CSRF
/// token: a new session never reuses the old one's), redirecting to `to`.
async fn start_session(
    state: &AppState,
    user: odop_domain::UserId,
    staff: bool,
    to: &str,
) -> Result<Response, AppError> {
    let token = crypto::new_token();
    sessions::create(state.db(), &crypto::token_hash(&token), user, staff, Utc::now()).await?;
    let policy = if staff {
        odop_domain::auth::SessionPolicy::STAFF
    } else {
        odop_domain::auth::SessionPolicy::MEMBER
    };
    let secure = state.config().secure_cookies;
    let mut response = Redirect::to(to).into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &token, policy.absolute.num_seconds(), secure),
    );
    headers.append(header::SET_COOKIE, csrf::rotate(secure, &token).1);
    Ok(response)
}

async fn end_current_session(state: &AppState, page: &Page) -> Result<(), AppError> {
    if let Some(visitor) = &page.visitor {
        sessions::delete(state.db(), &visitor.token_hash).await?;
    }
    Ok(())
}

async fn check_code(
    page: Page,
    State(state): State<AppState>,
    ip: ClientIp,
    cart: super::cart::CartCookie,
    CsrfForm(form): CsrfForm<CodeSubmission>,
) -> Result<Response, AppError> {
    let Ok(phone) = Phone::parse(&form.phone) else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let next = safe_next(Some(&form.next));
    match check_one_time_code(&state, &phone, OtpPurpose::SignIn, &form.code, ip).await? {
        CodeCheck::Accepted { .. } => {
            let mut tx = state.db().begin().await?;
            let user = accounts::find_or_create(&mut tx, &phone, page.tr.locale(), Utc::now()).await?;
            tx.commit().await?;
            // A code alone is one factor: staff need their password too.
            if accounts::actor(state.db(), user).await?.is_staff() {
                let mut errors = Errors::default();
                errors.add("code", page.tr.t("staff-use-password"));
                let form = CodeForm::new(&page, &phone, next.unwrap_or_default(), None, errors);
                return Ok(invalid(render(&form)?));
            }
            accounts::set_locale(state.db(), user, page.tr.locale()).await?;
            // Signing in replaces any session this browser had.
            end_current_session(&state, &page).await?;
            // What the guest put in the cart stays in the buyer's cart; when
            // it met lines kept from before, the buyer is told to check.
            let merged = match &cart.0 {
                Some(guest_cart) => odop_store::carts::merge(state.db(), guest_cart, user, Utc::now()).await?,
                None => Default::default(),
            };
            let notice = if merged.combined > 0 {
                "cart-combined"
            } else {
                "signed-in"
            };
            let mut response = start_session(&state, user, false, next.as_deref().unwrap_or("/account")).await?;
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(super::NOTICE_COOKIE, notice, 60, state.config().secure_cookies),
            );
            Ok(response)
        }
        CodeCheck::Refused {
            message_id,
            attempts_left,
        } => {
            let mut errors = Errors::default();
            errors.add("code", refusal_text(&page.tr, message_id, attempts_left));
            Ok(invalid(render(&CodeForm::new(
                &page,
                &phone,
                next.unwrap_or_default(),
                None,
                errors,
            ))?))
        }
    }
}

#[derive(Template)]
#[template(path = "signin/staff.html")]
struct StaffForm {
    tr: Tr,
    chrome: Chrome,
    phone: String,
    next: String,
    errors: Errors,
}

async fn staff_form(page: Page, Query(query): Query<NextQuery>) -> Result<Html<String>, AppError> {
    render(&StaffForm {
        chrome: page.chrome(),
        tr: page.tr,
        phone: String::new(),
        next: safe_next(query.next.as_deref()).unwrap_or_default(),
        errors: Errors::default(),
    })
}

#[derive(Deserialize)]
struct StaffSubmission {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// A hash to verify against when the phone has no password, so that a
/// wrong phone takes as long as a wrong password and reveals nothing.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| crypto::hash_password("no account has this password").unwrap_or_default());

async fn staff_sign_in(
    page: Page,
    State(state): State<AppState>,
    ip: ClientIp,
    CsrfForm(form): CsrfForm<StaffSubmission>,
) -> Result<Response, AppError> {
    let next = safe_next(Some(&form.next));
    let refuse = |page: &Page| -> Result<Response, AppError> {
        let mut errors = Errors::default();
        errors.add("password", page.tr.t("password-wrong"));
        Ok(invalid(render(&StaffForm {
            chrome: page.chrome(),
            tr: page.tr.clone(),
            phone: form.phone.clone(),
            next: next.clone().unwrap_or_default(),
            errors,
        })?))
    };
    let phone = Phone::parse(&form.phone).ok();
    let now = Utc::now();
    let mut tx = state.db().begin().await?;
    let mut limited = rate_limit::hit(&mut tx, &limits::PASSWORD_PER_IP, &ip.0.to_string(), now).await?;
    if let (Ok(()), Some(phone)) = (&limited, &phone) {
        limited = rate_limit::hit(&mut tx, &limits::PASSWORD_PER_PHONE, phone.as_str(), now).await?;
    }
    tx.commit().await?;
    if let Err(exceeded) = limited {
        return Err(AppError::TooManyRequests {
            retry_after_seconds: exceeded.retry_after.num_seconds(),
        });
    }
    let stored = match &phone {
        Some(phone) => accounts::password_hash(state.db(), phone).await?,
        None => None,
    };
    let (user, hash) = match stored {
        Some((user, hash)) => (Some(user), hash),
        None => (None, DUMMY_HASH.clone()),
    };
    let password = form.password.clone();
    let matches = blocking(move || crypto::verify_password(&password, &hash)).await?;
    match (user, matches) {
        (Some(user), true) => begin_second_factor(&state, user, next).await,
        _ => refuse(&page),
    }
}

/// The cookie holding the token of a staff sign-in whose password was
/// accepted and whose second factor is awaited.
const STAFF_SIGN_IN_COOKIE: &str = "odop_staff_sign_in";

/// After the password: sends a code by SMS (or, for staff with an
/// authenticator app, expects the app's code) and asks for it.
async fn begin_second_factor(
    state: &AppState,
    user: odop_domain::UserId,
    next: Option<String>,
) -> Result<Response, AppError> {
    let now = Utc::now();
    let token = crypto::new_token();
    let app = second_factor::app_secret(state.db(), user).await?;
    if app.is_some() {
        second_factor::begin(state.db(), &crypto::token_hash(&token), user, None, None, now).await?;
    } else {
        let account = accounts::user(state.db(), user)
            .await?
            .ok_or(AppError::NotFound(crate::error::NotFound::Object))?;
        let Some(phone) = account.phone else {
            return Err(AppError::Internal(format!(
                "staff account {user} has no phone for its code"
            )));
        };
        let code = crypto::new_code();
        let code_for_hash = code.clone();
        let code_hash = blocking(move || crypto::hash_code(&code_for_hash)).await?;
        // In the language the person chose for their messages.
        let tr = Tr::new(account.locale, state.catalog().clone());
        let message = NewMessage {
            channel: Channel::Sms,
            recipient: phone.to_string(),
            body: tr.t1("sms-staff-code", "code", &code),
            sensitive: true,
            kind: "otp",
        };
        second_factor::begin(
            state.db(),
            &crypto::token_hash(&token),
            user,
            Some(&code_hash),
            Some(&message),
            now,
        )
        .await?;
    }
    let query = serde_urlencoded::to_string([("next", next.unwrap_or_default())]).unwrap_or_default();
    let mut response = Redirect::to(&format!("/signin/staff/code?{query}")).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            STAFF_SIGN_IN_COOKIE,
            &token,
            second_factor::LIFETIME.num_seconds(),
            state.config().secure_cookies,
        ),
    );
    Ok(response)
}

/// The staff sign-in this browser is in the middle of, if any.
async fn pending_staff_sign_in(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Option<second_factor::Pending>, AppError> {
    let Some(token) = crate::auth::cookie(headers, STAFF_SIGN_IN_COOKIE) else {
        return Ok(None);
    };
    Ok(second_factor::pending(state.db(), &crypto::token_hash(token), Utc::now()).await?)
}

#[derive(Template)]
#[template(path = "signin/staff_code.html")]
struct StaffCodeForm {
    tr: Tr,
    chrome: Chrome,
    /// Whether the code comes from an authenticator app (else by SMS).
    app: bool,
    next: String,
    errors: Errors,
}

async fn staff_code_form(
    page: Page,
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let Some(pending) = pending_staff_sign_in(&state, &headers).await? else {
        return Ok(Redirect::to("/signin/staff").into_response());
    };
    Ok(render(&StaffCodeForm {
        chrome: page.chrome(),
        tr: page.tr,
        app: pending.code_hash.is_none(),
        next: safe_next(query.next.as_deref()).unwrap_or_default(),
        errors: Errors::default(),
    })?
    .into_response())
}

#[derive(Deserialize)]
struct StaffCodeSubmission {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

/// The second factor: the SMS code, or the authenticator app's. Right, it
/// opens a staff session; wrong five times, the sign-in starts again.
async fn staff_check_code(
    page: Page,
    State(state): State<AppState>,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    CsrfForm(form): CsrfForm<StaffCodeSubmission>,
) -> Result<Response, AppError> {
    let now = Utc::now();
    if let Err(exceeded) = rate_limit::hit_now(state.db(), &limits::OTP_VERIFY_PER_IP, &ip.0.to_string(), now).await? {
        return Err(AppError::TooManyRequests {
            retry_after_seconds: exceeded.retry_after.num_seconds(),
        });
    }
    let next = safe_next(Some(&form.next));
    let Some(pending) = pending_staff_sign_in(&state, &headers).await? else {
        // Expired, used, or out of tries: from the password again.
        return Ok(Redirect::to("/signin/staff").into_response());
    };
    let app = pending.code_hash.is_none();
    let again = |message: String| -> Result<Response, AppError> {
        let mut errors = Errors::default();
        errors.add("code", message);
        Ok(invalid(render(&StaffCodeForm {
            chrome: page.chrome(),
            tr: page.tr.clone(),
            app,
            next: next.clone().unwrap_or_default(),
            errors,
        })?))
    };
    let typed: String = form.code.chars().filter(|c| !c.is_whitespace()).collect();
    let right = match &pending.code_hash {
        Some(hash) => {
            let hash = hash.clone();
            let typed = typed.clone();
            blocking(move || crypto::verify_code(&typed, &hash)).await?
        }
        None => match second_factor::app_secret(state.db(), pending.user).await? {
            Some(secret) => match totp::check(&secret, &typed, now.timestamp()) {
                Some(step) => {
                    if !second_factor::use_app_step(state.db(), pending.user, step).await? {
                        return again(page.tr.t("code-used"));
                    }
                    true
                }
                None => false,
            },
            None => false,
        },
    };
    if !right {
        let left = second_factor::wrong_code(state.db(), pending.id).await?;
        if left == 0 {
            return Ok(Redirect::to("/signin/staff").into_response());
        }
        return again(refusal_text(&page.tr, "code-wrong", Some(left as u32)));
    }
    if !second_factor::finish(state.db(), pending.id, now).await? {
        return Ok(Redirect::to("/signin/staff").into_response());
    }
    end_current_session(&state, &page).await?;
    let actor = accounts::actor(state.db(), pending.user).await?;
    let home = if actor.state_admin || !actor.officer_of.is_empty() {
        "/desk"
    } else {
        "/account"
    };
    let mut response = start_session(
        &state,
        pending.user,
        actor.is_staff(),
        &next.unwrap_or_else(|| home.to_owned()),
    )
    .await?;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(STAFF_SIGN_IN_COOKIE, "", 0, state.config().secure_cookies),
    );
    Ok(response)
}

#[derive(Deserialize)]
struct Nothing {}

async fn sign_out(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(_): CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    end_current_session(&state, &page).await?;
    let mut response = super::redirect_with_notice("/", "signed-out", state.config().secure_cookies);
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.config().secure_cookies),
    );
    Ok(response)
}
