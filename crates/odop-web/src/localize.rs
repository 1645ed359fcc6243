//! Choosing each visitor's language, and rendering error pages in it.
//!
//! The language is the `lang` cookie when it holds a known code (the visitor
//! chose it with the switch on every page), otherwise the best match for the
//! browser's `Accept-Language`. The choice is put in the request's extensions
//! for [`Tr`] to find.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use odop_domain::Locale;

use crate::AppState;
use crate::error::ErrorPage;
use crate::i18n::{Tr, negotiate};
use crate::pages;

/// The cookie that remembers the visitor's language.
pub const LANG_COOKIE: &str = "lang";

pub fn locale_of(headers: &HeaderMap) -> Locale {
    let chosen = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANG_COOKIE)
        .and_then(|(_, value)| value.parse().ok());
    chosen.unwrap_or_else(|| {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .map(negotiate)
            .unwrap_or_default()
    })
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

pub async fn localize(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let locale = locale_of(request.headers());
    request.extensions_mut().insert(locale);
    let notice = crate::auth::cookie(request.headers(), pages::NOTICE_COOKIE).and_then(pages::Notice::parse);
    if let Some(notice) = notice {
        request.extensions_mut().insert(notice);
    }
    let api = is_api(request.uri().path());
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();

    let mut response = next.run(request).await;

    if let Some(page) = response.extensions_mut().remove::<ErrorPage>()
        && !api
    {
        response = match &page.sign_in_next {
            // A page that needs a session sends the visitor to sign in, and back after.
            Some(next) => axum::response::Redirect::to(&format!("/signin?{}", pages::next_query(next))).into_response(),
            None => {
                let tr = Tr::new(locale, state.catalog().clone());
                let status = response.status();
                let headers = response.headers().clone();
                let mut page_response = (status, pages::error_page(&tr, &page, &request_id)).into_response();
                if let Some(retry) = headers.get(header::RETRY_AFTER) {
                    page_response.headers_mut().insert(header::RETRY_AFTER, retry.clone());
                }
                page_response
            }
        };
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let headers = response.headers_mut();
        // The page has shown the notice; it is not shown again.
        if notice.is_some() {
            headers.append(
                header::SET_COOKIE,
                crate::auth::set_cookie(pages::NOTICE_COOKIE, "", 0, state.config().secure_cookies),
            );
        }
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.code()));
        // The same URL is served in two languages, chosen by these headers.
        headers.append(header::VARY, HeaderValue::from_static("cookie, accept-language"));
    }
    response
}

impl FromRequestParts<AppState> for Tr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let locale = parts
            .extensions
            .get::<Locale>()
            .copied()
            .unwrap_or_else(|| locale_of(&parts.headers));
        Ok(Tr::new(locale, state.catalog().clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn a_chosen_language_wins_over_the_browser() {
        let cases: &[(&[(&str, &str)], Locale)] = &[
            (&[], Locale::En),
            (&[("accept-language", "hi-IN,hi;q=0.9")], Locale::Hi),
            (&[("cookie", "lang=en"), ("accept-language", "hi-IN")], Locale::En),
            (&[("cookie", "theme=dark; lang=hi")], Locale::Hi),
            (&[("cookie", "lang=xx"), ("accept-language", "hi")], Locale::Hi),
            (&[("cookie", "lang=")], Locale::En),
            (&[("cookie", "slang=hi")], Locale::En),
        ];
        for (pairs, expected) in cases {
            assert_eq!(locale_of(&headers(pairs)), *expected, "{pairs:?}");
        }
    }

    #[test]
    fn api_paths_are_recognised_exactly() {
        assert!(is_api("/api/v1/districts"));
        assert!(is_api("/api"));
        assert!(!is_api("/apiary"));
        assert!(!is_api("/districts"));
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any header a client sends yields a language, never a panic.
        #[test]
        fn any_cookie_or_accept_language_header_yields_a_language(cookie in "[ -~]{0,120}", accept in "[ -~]{0,120}") {
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, HeaderValue::from_str(&cookie).unwrap());
            headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(&accept).unwrap());
            let locale = locale_of(&headers);
            prop_assert!(Locale::ALL.contains(&locale));
        }
    }
}
