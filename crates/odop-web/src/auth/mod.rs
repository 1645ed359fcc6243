//! Who is asking: the session cookie and the signed-in person behind it,
//! the client's address for rate limits, and CSRF protection.

pub mod crypto;
pub mod csrf;
pub mod totp;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use chrono::Utc;
use odop_domain::authz::Actor;
use odop_store::accounts::{self, User};
use odop_store::sessions::Session;

use crate::AppState;
use crate::error::AppError;

/// The cookie holding the session's token.
pub const SESSION_COOKIE: &str = "odop_session";

/// The value of cookie `name` in the request, if present.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: HttpOnly and SameSite=Lax always, Secure on HTTPS.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("cookie names and values are ASCII tokens")
}

/// The address a request comes from: the peer, or behind a trusted reverse
/// proxy the last address it appended to `X-Forwarded-For`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let forwarded = state.config().trust_forwarded_for.then(|| {
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
                .next_back()
        });
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientIp(
            forwarded.flatten().or(peer).unwrap_or(IpAddr::from([127, 0, 0, 1])),
        ))
    }
}

/// A signed-in person: their account, what they may do, and their session.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: User,
    pub actor: Actor,
    pub session: Session,
    pub token_hash: String,
}

impl SignedIn {
    /// The name to greet them by: their name, else their masked phone.
    pub fn label(&self) -> String {
        self.user
            .display_name
            .clone()
            .or_else(|| self.user.phone.as_ref().map(|p| p.masked()))
            .unwrap_or_default()
    }
}

/// The session found for this request, looked up once and kept.
#[derive(Clone)]
struct Looked(Option<SignedIn>);

async fn look_up(parts: &mut Parts, state: &AppState) -> Result<Option<SignedIn>, AppError> {
    if let Some(Looked(found)) = parts.extensions.get::<Looked>() {
        return Ok(found.clone());
    }
    let found = match cookie(&parts.headers, SESSION_COOKIE) {
        Some(token) if !token.is_empty() && token.len() <= 64 => {
            let token_hash = crypto::token_hash(token);
            accounts::signed_in(state.db(), &token_hash, Utc::now())
                .await?
                .map(|(session, user, actor)| SignedIn {
                    actor,
                    user,
                    session,
                    token_hash,
                })
        }
        _ => None,
    };
    parts.extensions.insert(Looked(found.clone()));
    Ok(found)
}

/// Requires a signed-in person; anyone else is sent to sign in (pages) or
/// told 401 (API), and comes back to where they were after.
impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let next = parts.uri.path_and_query().map_or("/", |pq| pq.as_str()).to_owned();
        look_up(parts, state).await?.ok_or(AppError::SignInRequired { next })
    }
}

/// The signed-in person, if any.
pub struct MaybeSignedIn(pub Option<SignedIn>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(MaybeSignedIn(look_up(parts, state).await?))
    }
}
