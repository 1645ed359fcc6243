//! Endpoints for those who run the platform: liveness, readiness, metrics.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::{AppError, NotFound};

/// How long readiness waits for the database before calling it unreachable.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

/// The process is up and answering.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is up", body = String, content_type = "text/plain"))
)]
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// The node can serve requests: its database answers a query.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = String, content_type = "text/plain"),
        (status = 503, description = "The database does not answer", body = String, content_type = "text/plain")
    )
)]
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(READINESS_TIMEOUT, state.db().ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready\n".to_owned()),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n".to_owned())
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database did not answer in time\n".to_owned(),
            )
        }
    }
}

/// Request counts and latency histograms by route, in the Prometheus text
/// format. On the site's address only with the metrics token configured on
/// the node (`Authorization: Bearer …`): they say how the site is used and
/// how fast it answers, which is nobody else's business. Without a token,
/// metrics are read on the node's separate metrics address
/// (`--metrics-listen`), which needs none.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    params(("Authorization" = Option<String>, Header, description = "`Bearer` and the node's metrics token")),
    responses(
        (status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain"),
        (status = 404, description = "No metrics token is configured, or this is not it: the site's page for a path that does not exist", body = String, content_type = "text/html")
    )
)]
pub async fn metrics(state: State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match (&state.config().metrics_token, presented) {
        (Some(token), Some(presented)) if crate::auth::crypto::same_secret(token, presented) => {
            Ok(crate::metrics::export(state).await.into_response())
        }
        _ => Err(AppError::NotFound(NotFound::Route)),
    }
}

/// The separate metrics address: metrics, liveness and readiness, without a
/// token, for a monitoring system on a network the public cannot reach.
pub fn metrics_app(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(crate::metrics::export))
        .route("/healthz", axum::routing::get(healthz))
        .route("/readyz", axum::routing::get(readyz))
        .with_state(state)
}
