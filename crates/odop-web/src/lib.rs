//! The ODOP platform's HTTP surface.
//!
//! * [`pages`]: HTML for people, server-rendered with askama, in English and
//!   Hindi ([`i18n`], [`localize`]).
//! * [`api`]: JSON for programs under `/api/v1`, with its OpenAPI document.
//! * [`ops`] and [`metrics`]: health, readiness, Prometheus metrics.
//! * [`error`]: the one error type of this layer and its mapping to HTTP.
//!
//! Handlers are thin: they parse input into domain types, call the store,
//! and render. This crate never writes SQL.

pub mod api;
pub mod auth;
pub mod checkout;
pub mod commission;
pub mod documents;
pub mod edge;
pub mod error;
pub mod extract;
pub mod gst_rates;
pub mod i18n;
pub mod listing_cache;
pub mod localize;
pub mod metrics;
pub mod ops;
pub mod pages;
pub mod payments;
pub mod payouts;
mod state;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{Request, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::AppError;
pub use state::{AppState, WebConfig};

/// A request still unanswered after this long is abandoned with an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Content Security Policy: everything from this origin only, no scripts yet.
/// Forms post to this origin only.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                   base-uri 'none'; frame-ancestors 'none'";

/// Strict-Transport-Security under an `https` public address: a year, for
/// this host only (other hosts of the domain may not serve HTTPS yet).
const HSTS: &str = "max-age=31536000";

/// The OpenAPI document of every API route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::router().into_openapi()
}

/// The whole application: pages, API, operations endpoints and middleware.
pub fn app(state: AppState) -> Router {
    let (api_routes, openapi) = api::router().split_for_parts();
    let openapi_json: Arc<str> = openapi
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
        .into();

    let request_id = HeaderName::from_static("x-request-id");
    let routes = Router::new()
        .merge(pages::router(state.config()))
        .merge(api_routes)
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let body = openapi_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body.to_string()) }
            }),
        )
        .fallback(pages::not_found)
        .method_not_allowed_fallback(pages::method_not_allowed)
        // Applied per route, so both see the route template (MatchedPath).
        .layer(from_fn_with_state(state.clone(), metrics::record))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        })
        // One line per answered request, with its status and latency: the access log.
        .on_response(DefaultOnResponse::new().level(Level::INFO)));

    // Served over HTTPS (an `https` public address), browsers are told to
    // come back only over HTTPS for a year, so that nobody on the way can
    // strip the encryption from a later visit.
    let hsts = state.config().secure_cookies.then(|| {
        SetResponseHeaderLayer::if_not_present(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS))
    });

    // Outermost first. The headers and compression sit outside `localize`
    // so that error pages it renders get them too.
    routes.with_state(state.clone()).layer(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn(edge::plain_request_ids))
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            ))
            .option_layer(hsts)
            // The fastest level: most of the saving for a fraction of the CPU.
            .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
            .layer(from_fn_with_state(state.clone(), localize::localize))
            .layer(from_fn_with_state(state, auth::csrf::ensure_token))
            .layer(CatchPanicLayer::custom(|_| {
                AppError::Internal("a handler panicked".to_owned()).into_response()
            }))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                REQUEST_TIMEOUT,
            ))
            .layer(axum::middleware::from_fn(edge::retry_lost_reads)),
    )
}
