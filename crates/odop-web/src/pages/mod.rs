//! The HTML pages: server-rendered, usable without JavaScript, in the
//! visitor's language.

mod account;
mod admin;
pub(crate) mod audit;
mod cards;
pub(crate) mod cart;
pub(crate) mod catalogue;
mod commission;
mod desk;
mod dev;
mod districts;
mod documents;
pub(crate) mod forms;
mod gst_rates;
pub(crate) mod listings;
mod money;
mod order_desk;
mod orders;
mod payouts;
mod poll_admin;
mod polls;
pub(crate) mod product;
mod quiz;
mod reports;
pub(crate) mod search;
mod sell;
mod share;
mod signin;
mod vendor;

use std::sync::LazyLock;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use odop_domain::Locale;
use odop_domain::registry::{District, Registry};

use crate::AppState;
use crate::error::{AppError, BadRequest, ErrorPage, NotFound};
use crate::extract::{Path, Query};
use crate::i18n::{Arg, Tr};
use crate::localize::LANG_COOKIE;

pub use districts::district_href;

pub fn router(config: &crate::WebConfig) -> Router<AppState> {
    let router = Router::new()
        .route("/", get(home))
        .route("/districts", get(districts::index))
        .route("/districts/{slug}", get(districts::show))
        .route("/lang/{code}", get(switch_language))
        .route("/static/{file}", get(asset))
        .route("/robots.txt", get(robots))
        // Browsers ask for this path whatever the page says; send them to the icon.
        .route("/favicon.ico", get(|| async { Redirect::permanent(&ICON.href) }))
        .merge(signin::router())
        .merge(account::router())
        .merge(sell::router())
        .merge(desk::router())
        .merge(vendor::router())
        .merge(admin::router())
        .merge(gst_rates::router())
        .merge(commission::router())
        .merge(audit::router())
        .merge(search::router())
        .merge(product::router())
        .merge(listings::router())
        .merge(cart::router())
        .merge(orders::router())
        .merge(order_desk::router())
        .merge(documents::router())
        .merge(money::router())
        .merge(payouts::router())
        .merge(reports::router())
        .merge(quiz::router())
        .merge(polls::router())
        .merge(poll_admin::router())
        .merge(cards::router());
    if config.dev {
        router.merge(dev::router())
    } else {
        router
    }
}

/// What the layout of every page needs besides the translator.
pub struct Chrome {
    pub css_href: &'static str,
    pub icon_href: &'static str,
    /// Where the language switch leads: this very page in the other language.
    pub switch_href: String,
    pub other_code: &'static str,
    pub other_name: &'static str,
    /// Where "sign in" leads: the sign-in page, then back here.
    pub sign_in_href: String,
    /// The signed-in person's name, when someone is signed in.
    pub account: Option<String>,
    /// The visitor's CSRF token, for the forms of the page.
    pub csrf: String,
    /// A one-line confirmation of what was just done, if any.
    pub notice: Option<String>,
}

/// `?next=` with this address, for links that come back here.
pub fn next_query(here: &str) -> String {
    serde_urlencoded::to_string([("next", here)]).unwrap_or_default()
}

impl Chrome {
    /// The layout for a visitor nobody has identified (error pages).
    pub fn new(tr: &Tr, here: &Uri) -> Self {
        let other = tr.locale().other();
        let next = here.path_and_query().map_or("/", |pq| pq.as_str());
        Self {
            css_href: &CSS.href,
            icon_href: &ICON.href,
            switch_href: format!("/lang/{}?{}", other.code(), next_query(next)),
            other_code: other.code(),
            other_name: other.endonym(),
            sign_in_href: format!("/signin?{}", next_query(next)),
            account: None,
            csrf: String::new(),
            notice: None,
        }
    }
}

/// Notices a page may show once after a redirect; they travel in a short-lived
/// cookie, and anything else in it is ignored, so no one can make the site
/// say anything.
pub(crate) const NOTICES: &[&str] = &[
    "signed-in",
    "signed-out",
    "application-submitted",
    "decision-recorded",
    "invitation-sent",
    "invitation-accepted",
    "invitation-declined",
    "sub-vendor-removed",
    "vendor-left",
    "staff-created",
    "account-deleted",
    "listing-saved",
    "listing-published",
    "listing-paused",
    "listing-deleted",
    "photo-added",
    "order-placed",
    "order-cancelled",
    "return-requested",
    "order-updated",
    "payment-received",
    "payment-failed",
    "terms-saved",
    "payment-confirming",
    "cart-combined",
    "sms-language-saved",
    "signed-out-everywhere",
    "authenticator-added",
    "authenticator-removed",
    "refund-released",
    "refund-settled-already",
    "gst-rate-added",
    "gst-rate-corrected",
    "gst-rate-unchanged",
    "commission-rule-added",
    "payout-batch-made",
    "payout-nothing-payable",
    "payout-batch-sent",
    "payout-answered",
    "payout-unchanged",
];

/// The cookie that carries a notice to the page after a redirect.
pub const NOTICE_COOKIE: &str = "odop_notice";

/// A notice for the next page, found in the request by `localize`.
#[derive(Clone, Copy, Debug)]
pub struct Notice(pub &'static str);

impl Notice {
    pub fn parse(value: &str) -> Option<Self> {
        NOTICES.iter().find(|n| **n == value).map(|n| Notice(n))
    }
}

/// Redirects to `to`, where the page will say `notice` once.
pub fn redirect_with_notice(to: &str, notice: &'static str, secure: bool) -> Response {
    debug_assert!(NOTICES.contains(&notice), "unknown notice {notice}");
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        crate::auth::set_cookie(NOTICE_COOKIE, notice, 60, secure),
    );
    response
}

/// Everything a page handler needs to know about the visitor: language,
/// address, CSRF token and, if signed in, who they are.
pub struct Page {
    pub tr: Tr,
    pub uri: Uri,
    pub csrf: String,
    pub visitor: Option<crate::auth::SignedIn>,
    pub notice: Option<Notice>,
}

impl axum::extract::FromRequestParts<AppState> for Page {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, AppError> {
        let tr = Tr::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let crate::auth::csrf::CsrfToken(csrf) = crate::auth::csrf::CsrfToken::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let crate::auth::MaybeSignedIn(visitor) = crate::auth::MaybeSignedIn::from_request_parts(parts, state).await?;
        Ok(Page {
            tr,
            uri: parts.uri.clone(),
            csrf,
            visitor,
            notice: parts.extensions.get::<Notice>().copied(),
        })
    }
}

impl Page {
    pub fn chrome(&self) -> Chrome {
        let mut chrome = Chrome::new(&self.tr, &self.uri);
        chrome.account = self.visitor.as_ref().map(|v| v.label());
        chrome.csrf = self.csrf.clone();
        chrome.notice = self.notice.map(|Notice(id)| self.tr.t(&format!("notice-{id}")));
        chrome
    }

    /// The signed-in person, or the sign-in page for everyone else.
    pub fn signed_in(&self) -> Result<&crate::auth::SignedIn, AppError> {
        self.visitor.as_ref().ok_or_else(|| AppError::SignInRequired {
            next: self.uri.path_and_query().map_or("/", |pq| pq.as_str()).to_owned(),
        })
    }
}

/// A form that carries nothing but its CSRF token.
#[derive(serde::Deserialize)]
pub(crate) struct Nothing {}

/// Renders a template into a response, reporting a failure as our fault.
/// One CSV field: quoted when it holds a separator, a quote or a line
/// break, and defused when a spreadsheet would read it as a formula.
pub(crate) fn csv_field(value: &str) -> String {
    // A plain number (a negative amount) is no formula: it stays as it is.
    let number = value
        .strip_prefix('-')
        .is_some_and(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.'));
    let value = if !number && value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

pub(crate) fn csv_response(name: &str, rows: Vec<Vec<String>>) -> Response {
    let mut body = String::new();
    for row in rows {
        let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        body.push_str(&fields.join(","));
        body.push_str("\r\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

pub fn render(template: &impl Template) -> Result<Html<String>, AppError> {
    template
        .render()
        .map(Html)
        .map_err(|e| AppError::Internal(format!("template failed to render: {e}")))
}

/// A district as a card: on the home page and wherever districts are listed.
pub struct DistrictCard {
    pub href: String,
    pub name: String,
    pub division: String,
    pub products: Vec<String>,
}

impl DistrictCard {
    pub fn new(tr: &Tr, registry: &Registry, district: &District) -> Self {
        let division = registry.division_of(district);
        Self {
            href: district_href(district),
            name: tr.pick(&district.name).to_owned(),
            division: tr.t1("division-heading", "name", tr.pick(&division.name)),
            products: district.products.iter().map(|p| tr.pick(&p.name).to_owned()).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    tr: Tr,
    chrome: Chrome,
    query: String,
    stats: String,
    featured: Vec<DistrictCard>,
    all_districts: String,
    /// The newest products in stock.
    new_arrivals: Vec<catalogue::ProductCard>,
    /// What sold most in the last 90 days.
    popular: Vec<catalogue::ProductCard>,
    /// The featured districts' crafts, each with a photo when one is listed.
    crafts: Vec<CraftCard>,
}

/// A craft on the home page: its name, where it comes from, and a photo of
/// one of its products.
pub struct CraftCard {
    pub href: String,
    pub name: String,
    pub district: String,
    pub photo: Option<catalogue::PhotoView>,
}

/// Products shown in each of the home page's rows.
const HOME_ROW: usize = 8;

async fn home(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let tr = page.tr.clone();
    let registry = state.registry().await?;
    let products: usize = registry.districts().iter().map(|d| d.products.len()).sum();
    let stats = tr.with(
        "home-stats",
        &[
            ("districts", Arg::from(registry.districts().len())),
            ("divisions", Arg::from(registry.divisions().len())),
            ("products", Arg::from(products)),
        ],
    );
    let featured = registry
        .featured()
        .into_iter()
        .map(|district| DistrictCard::new(&tr, &registry, district))
        .collect();
    // Shop rows come from the search index (kept until it next commits),
    // and best sellers from the database (counted once a minute): the home
    // page stays as fast as it was without them.
    let search_error = |e: odop_search::SearchError| AppError::Internal(e.to_string());
    let newest = odop_search::SearchRequest {
        sort: odop_search::Sort::Newest,
        in_stock_only: true,
        page: 1,
        per_page: HOME_ROW,
        ..odop_search::SearchRequest::default()
    };
    let new_arrivals = state
        .search()
        .top(&newest)
        .map_err(search_error)?
        .iter()
        .map(|hit| catalogue::ProductCard::from_hit(&tr, &registry, hit))
        .collect();
    let best: Vec<u64> = state.best_sellers().await?.iter().map(|id| *id as u64).collect();
    let popular = state
        .search()
        .by_ids(&best)
        .map_err(search_error)?
        .iter()
        .take(HOME_ROW)
        .map(|hit| catalogue::ProductCard::from_hit(&tr, &registry, hit))
        .collect();
    let mut crafts = Vec::new();
    for district in registry.featured() {
        let Some(product) = district.products.first() else {
            continue;
        };
        let one = odop_search::SearchRequest {
            craft: Some(product.slug.to_string()),
            page: 1,
            per_page: 1,
            ..odop_search::SearchRequest::default()
        };
        let photo = state
            .search()
            .top(&one)
            .map_err(search_error)?
            .first()
            .and_then(|hit| hit.photo.as_deref())
            .and_then(|p| catalogue::PhotoView::from_index(p, 240));
        crafts.push(CraftCard {
            href: format!("/crafts/{}", product.slug),
            name: tr.pick(&product.name).to_owned(),
            district: tr.pick(&district.name).to_owned(),
            photo,
        });
    }
    render(&HomePage {
        chrome: page.chrome(),
        all_districts: tr.with(
            "home-all-districts",
            &[("count", Arg::from(registry.districts().len()))],
        ),
        tr,
        query: String::new(),
        stats,
        featured,
        new_arrivals,
        popular,
        crafts,
    })
}

#[derive(serde::Deserialize)]
struct SwitchQuery {
    next: Option<String>,
}

/// How long the language choice is remembered: a year.
const LANG_COOKIE_MAX_AGE: i64 = 365 * 24 * 3600;

/// `GET /lang/{code}?next=/somewhere`: remembers the language in this
/// browser and goes back to the page the visitor was on. A plain link, so it works without
/// JavaScript; `next` must be a path on this site, never another site.
async fn switch_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<SwitchQuery>,
) -> Result<Response, AppError> {
    let locale: Locale = code
        .parse()
        .map_err(|e| AppError::bad_request(BadRequest::InvalidLanguage, e))?;
    let next = query
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".to_owned());
    // Only the cookie: a link any site can make a browser follow must not
    // change the account. The language of a person's messages (SMS) is
    // theirs to set on their account page (`POST /account/language`).
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        crate::auth::set_cookie(
            LANG_COOKIE,
            locale.code(),
            LANG_COOKIE_MAX_AGE,
            state.config().secure_cookies,
        ),
    );
    Ok(response)
}

/// A path on this site: starts with one slash, and nothing a browser would
/// read as another host (`//evil.example`, `/\evil.example`) or a header break.
fn is_local_path(candidate: &str) -> bool {
    candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.starts_with("/\\")
        && candidate.len() <= 2048
        && candidate.chars().all(|c| !c.is_control())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    tr: Tr,
    chrome: Chrome,
    title: String,
    body: String,
}

/// The page for an error, in the visitor's language (see `localize`).
pub fn error_page(tr: &Tr, page: &ErrorPage, request_id: &str) -> Html<String> {
    let body = match (page.slug.as_deref(), page.wait_minutes) {
        (Some(slug), _) => tr.t1(page.body_id, "slug", slug),
        (None, Some(minutes)) => tr.with(page.body_id, &[("minutes", Arg::Number(minutes))]),
        (None, None) => tr.t1(page.body_id, "request_id", request_id),
    };
    let template = ErrorTemplate {
        tr: tr.clone(),
        chrome: Chrome::new(tr, &Uri::from_static("/")),
        title: tr.t(page.title_id),
        body,
    };
    // The error page must not fail in turn; its template has no fallible part.
    Html(template.render().unwrap_or_else(|_| tr.t(page.title_id)))
}

/// Answers every path no route claims.
pub async fn not_found() -> AppError {
    AppError::NotFound(NotFound::Route)
}

/// Answers a method a route does not take, as every other error: a JSON
/// body for programs, a page in the visitor's language for people.
pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// A file compiled into the binary, served under a name that changes with
/// its content so that browsers may cache it for a year.
struct Asset {
    href: String,
    body: &'static [u8],
    content_type: &'static str,
}

impl Asset {
    fn new(stem: &str, extension: &str, body: &'static [u8], content_type: &'static str) -> Self {
        // FNV-1a: a stable fingerprint, unlike std's hasher whose output may change between releases.
        let hash = body.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
        Self {
            href: format!("/static/{stem}.{:08x}.{extension}", hash as u32),
            body,
            content_type,
        }
    }
}

static CSS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "app",
        "css",
        include_bytes!("../../assets/app.css"),
        "text/css; charset=utf-8",
    )
});
static ICON: LazyLock<Asset> =
    LazyLock::new(|| Asset::new("icon", "svg", include_bytes!("../../assets/icon.svg"), "image/svg+xml"));

async fn asset(Path(file): Path<String>) -> Result<Response, AppError> {
    let asset = [&*CSS, &*ICON]
        .into_iter()
        .find(|asset| asset.href.strip_prefix("/static/") == Some(file.as_str()))
        .ok_or(AppError::NotFound(NotFound::Route))?;
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        asset.body,
    )
        .into_response())
}

async fn robots() -> impl IntoResponse {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "User-agent: *\nDisallow: /api/\nDisallow: /lang/\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_followed_after_a_language_switch() {
        for ok in ["/", "/districts", "/districts/lucknow?x=1", "/districts?q=%E0%A4%B2"] {
            assert!(is_local_path(ok), "{ok}");
        }
        for bad in [
            "",
            "districts",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/a\r\nSet-Cookie: x=1",
            &format!("/{}", "a".repeat(3000)),
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn asset_names_change_with_their_content() {
        let a = Asset::new("app", "css", b"body{}", "text/css");
        let b = Asset::new("app", "css", b"body{ }", "text/css");
        assert_ne!(a.href, b.href);
        assert!(a.href.starts_with("/static/app.") && a.href.ends_with(".css"));
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever `next` a link carries, a browser following the switch's
        /// redirect stays on this site (resolved the way browsers do, by the
        /// WHATWG URL parser, which reads backslashes as slashes).
        #[test]
        fn the_switch_never_leaves_the_site(next in "[/\\\\]{0,3}\\PC{0,40}") {
            if is_local_path(&next) {
                let site = url::Url::parse("https://odop.example/districts").unwrap();
                let target = site.join(&next).unwrap();
                prop_assert_eq!(target.host_str(), Some("odop.example"), "{:?} -> {}", next, target);
            }
        }
    }
}
