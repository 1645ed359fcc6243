//! Protection against cross-site request forgery.
//!
//! Every visitor carries a random token in an HttpOnly cookie; every form
//! repeats it in a hidden `_csrf` field, which the server compares with the
//! cookie (a "double-submit" token, so no server state is needed and any
//! node can check it). A site elsewhere can make a browser send the cookie
//! but cannot read it to fill in the field. As a second line, a request
//! whose `Origin` is another site, or that the browser labels cross-site
//! (`Sec-Fetch-Site`), is refused outright.

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{cookie, crypto, set_cookie};
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

fn well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Gives every visitor a token: the one their cookie holds, or a new one
/// set on the response.
pub async fn ensure_token(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let existing = cookie(request.headers(), CSRF_COOKIE)
        .filter(|t| well_formed(t))
        .map(str::to_owned);
    let (token, fresh) = match existing {
        Some(token) => (token, false),
        None => (crypto::new_token(), true),
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

/// A `Set-Cookie` that replaces the visitor's token, for sign-in.
pub fn rotate(secure: bool) -> (String, HeaderValue) {
    let token = crypto::new_token();
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
    match cookie(headers, CSRF_COOKIE) {
        Some(expected) if well_formed(expected) && crypto::same_secret(expected, submitted) => Ok(()),
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
        let token = crypto::new_token();
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

        let other = crypto::new_token();
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
}
