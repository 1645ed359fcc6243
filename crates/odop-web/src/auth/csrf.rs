//! Protection against cross-site request forgery.
//!
//! Every visitor carries a token in an HttpOnly cookie; every form repeats
//! it in a hidden `_csrf` field, which the server compares with the cookie
//! (a "double-submit" token, so no server state is needed and any node can
//! check it). A site elsewhere can make a browser send the cookie but cannot
//! read it to fill in the field.
//!
//! The token is also bound to the session: it is 16 random bytes followed
//! by the first 16 bytes of their HMAC-SHA256 keyed with the session's own
//! secret token (from the HttpOnly session cookie). Someone who can plant a
//! cookie in a victim's browser (a sibling subdomain, a network on plain
//! HTTP) could otherwise plant a token of their choosing and submit forms
//! with it; a planted token now fails for any session but the planter's. A
//! token that does not fit the visitor's session (after signing in or out)
//! is replaced on the next page.
//!
//! As a second line, a request whose `Origin` is another site, or that the
//! browser labels cross-site (`Sec-Fetch-Site`), is refused outright.

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{SESSION_COOKIE, cookie, crypto, set_cookie};
use crate::AppState;
use crate::error::{AppError, BadRequest};

pub const CSRF_COOKIE: &str = "odop_csrf";
/// The form field carrying the token.
pub const CSRF_FIELD: &str = "_csrf";
/// A year: the token is not a secret of the session, only of the browser.
const CSRF_MAX_AGE: i64 = 365 * 24 * 3600;

/// The visitor's token, for templates to put in their forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// The MAC binding a token's random half to a session (none: the empty key).
fn binding(session: Option<&str>, nonce: &[u8]) -> [u8; 16] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(session.unwrap_or("").as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(b"odop-csrf:");
    mac.update(nonce);
    let digest = mac.finalize().into_bytes();
    let mut half = [0u8; 16];
    half.copy_from_slice(&digest[..16]);
    half
}

/// A fresh token bound to `session` (the raw session token, if signed in).
pub fn new_token_for(session: Option<&str>) -> String {
    let nonce: [u8; 16] = rand::random();
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(&nonce);
    bytes[16..].copy_from_slice(&binding(session, &nonce));
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `token` is one of ours, bound to `session`.
fn bound_to(token: &str, session: Option<&str>) -> bool {
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(token) else {
        return false;
    };
    let Ok(bytes) = <[u8; 32]>::try_from(bytes.as_slice()) else {
        return false;
    };
    let expected = binding(session, &bytes[..16]);
    // Compared in constant time, like every secret.
    expected.iter().zip(&bytes[16..]).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Gives every visitor a token: the one their cookie holds if it is bound
/// to their session, or a new one set on the response.
pub async fn ensure_token(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let session = cookie(request.headers(), SESSION_COOKIE).map(str::to_owned);
    let existing = cookie(request.headers(), CSRF_COOKIE)
        .filter(|t| bound_to(t, session.as_deref()))
        .map(str::to_owned);
    let (token, fresh) = match existing {
        Some(token) => (token, false),
        None => (new_token_for(session.as_deref()), true),
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    // A handler that rotated the token (at sign-in) has set its own cookie.
    let rotated = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(CSRF_COOKIE.as_bytes()));
    if fresh && !rotated {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &token, CSRF_MAX_AGE, state.config().secure_cookies),
        );
    }
    response
}

/// A `Set-Cookie` that replaces the visitor's token with one bound to the
/// session `session_token` opens, for sign-in.
pub fn rotate(secure: bool, session_token: &str) -> (String, HeaderValue) {
    let token = new_token_for(Some(session_token));
    let value = set_cookie(CSRF_COOKIE, &token, CSRF_MAX_AGE, secure);
    (token, value)
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .unwrap_or_else(|| CsrfToken(String::new())))
    }
}

/// Refuses a request from another site, or whose submitted token does not
/// match the visitor's cookie.
pub fn verify(headers: &HeaderMap, submitted: &str) -> Result<(), AppError> {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return Err(AppError::CsrfRejected);
    }
    if let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, host)| host.to_owned());
        if origin_host.as_deref() != host.to_str().ok() {
            return Err(AppError::CsrfRejected);
        }
    }
    let session = cookie(headers, SESSION_COOKIE);
    match cookie(headers, CSRF_COOKIE) {
        Some(expected) if bound_to(expected, session) && crypto::same_secret(expected, submitted) => Ok(()),
        _ => Err(AppError::CsrfRejected),
    }
}

#[derive(Deserialize)]
struct TokenField {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// A URL-encoded form whose CSRF token has been checked. Every
/// state-changing form of the site is read through this.
pub struct CsrfForm<T>(pub T);

impl<T, S> FromRequest<S> for CsrfForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| AppError::bad_request(BadRequest::InvalidForm, e.body_text()))?;
        let token: TokenField = serde_urlencoded::from_bytes(&bytes).unwrap_or(TokenField { csrf: String::new() });
        verify(&headers, &token.csrf)?;
        let value =
            serde_urlencoded::from_bytes(&bytes).map_err(|e| AppError::bad_request(BadRequest::InvalidForm, e))?;
        Ok(CsrfForm(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn only_a_matching_token_from_this_site_passes() {
        let token = new_token_for(None);
        let cookie_header = format!("{CSRF_COOKIE}={token}");
        let ok = headers(&[
            ("cookie", &cookie_header),
            ("host", "odop.example"),
            ("origin", "https://odop.example"),
        ]);
        assert!(verify(&ok, &token).is_ok());
        assert!(
            verify(&headers(&[("cookie", &cookie_header)]), &token).is_ok(),
            "no Origin: older browsers"
        );

        let other = new_token_for(None);
        let refused: Vec<(HeaderMap, &str)> = vec![
            (headers(&[("cookie", &cookie_header)]), other.as_str()),
            (headers(&[("cookie", &cookie_header)]), ""),
            (headers(&[]), token.as_str()),
            (headers(&[("cookie", &format!("{CSRF_COOKIE}=short"))]), "short"),
            (
                headers(&[
                    ("cookie", &cookie_header),
                    ("host", "odop.example"),
                    ("origin", "https://evil.example"),
                ]),
                token.as_str(),
            ),
            (
                headers(&[("cookie", &cookie_header), ("sec-fetch-site", "cross-site")]),
                token.as_str(),
            ),
        ];
        for (request, submitted) in refused {
            assert!(
                matches!(verify(&request, submitted), Err(AppError::CsrfRejected)),
                "{request:?}"
            );
        }
    }

    #[test]
    fn a_token_works_only_with_the_session_it_was_made_for() {
        let session = crypto::new_token();
        let mine = new_token_for(Some(&session));
        let with = |token: &str, session: Option<&str>| {
            let mut cookies = format!("{CSRF_COOKIE}={token}");
            if let Some(session) = session {
                cookies.push_str(&format!("; {SESSION_COOKIE}={session}"));
            }
            verify(&headers(&[("cookie", &cookies)]), token)
        };
        assert!(with(&mine, Some(&session)).is_ok());
        // A token planted by someone else, however it was obtained (their
        // own anonymous visit, their own session), fails for this session.
        let planted_anonymous = new_token_for(None);
        let planted_other_session = new_token_for(Some(&crypto::new_token()));
        assert!(with(&planted_anonymous, Some(&session)).is_err());
        assert!(with(&planted_other_session, Some(&session)).is_err());
        // A random value of the right shape is no token at all.
        assert!(with(&crypto::new_token(), None).is_err());
        // Signed out, the session's token is no longer good either.
        assert!(with(&mine, None).is_err());
    }
}
