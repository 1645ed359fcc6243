//! The web layer's one error type, and the one place where errors become
//! HTTP responses.
//!
//! Handlers of both surfaces return [`AppError`]. Its response carries the
//! JSON body that the API promises (`{"error": {"code", "message"}}`) and,
//! as a response extension, an [`ErrorPage`] describing the same error in
//! message ids; the `pages` middleware turns that into a page in the
//! visitor's language for every request outside `/api/`. Faults of the system
//! are logged here with their detail and shown to nobody.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use odop_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is malformed; `detail` says how, in English, for programs.
    #[error("{detail}")]
    BadRequest { reason: BadRequest, detail: String },
    #[error("{0}")]
    NotFound(NotFound),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The form's CSRF token is missing or wrong, or it came from another site.
    #[error("the form's security token is missing or does not match; reload the page and try again")]
    CsrfRejected,
    /// The page needs a signed-in person; `next` is where to return after.
    #[error("sign in to continue")]
    SignInRequired { next: String },
    /// The request conflicts with the current state of what it acts on.
    #[error("{0}")]
    Conflict(String),
    /// A well-formed request whose content breaks the rules: each field
    /// with what is wrong with it.
    #[error("{} field(s) are not valid", fields.len())]
    Invalid { fields: Vec<(String, String)> },
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; try again in {retry_after_seconds} seconds")]
    TooManyRequests { retry_after_seconds: i64 },
    /// The path exists, but not for this method.
    #[error("this path does not answer this method; the Allow header lists those it does")]
    MethodNotAllowed,
    /// An Idempotency-Key sent again with a different request.
    #[error("this Idempotency-Key was used for a different request; use a new key for a new order")]
    IdempotencyKeyReused,
    /// The payment gateway could not be reached; what was asked is kept
    /// and may be asked again.
    #[error(
        "the payment service could not be reached; nothing was charged, and the order is kept: send the same request again in a minute"
    )]
    PaymentUnavailable,
    /// A defect of ours, such as a template that failed to render.
    #[error("internal fault: {0}")]
    Internal(String),
}

/// Kinds of malformed request, each with its own code and page message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadRequest {
    InvalidSlug,
    InvalidQuery,
    QueryTooLong,
    InvalidLanguage,
    InvalidForm,
    InvalidId,
}

impl BadRequest {
    fn code(self) -> &'static str {
        match self {
            BadRequest::InvalidSlug => "invalid_slug",
            BadRequest::InvalidQuery => "invalid_query",
            BadRequest::QueryTooLong => "query_too_long",
            BadRequest::InvalidLanguage => "invalid_language",
            BadRequest::InvalidForm => "invalid_form",
            BadRequest::InvalidId => "invalid_id",
        }
    }

    fn message_id(self) -> &'static str {
        match self {
            BadRequest::InvalidSlug => "error-invalid-slug",
            BadRequest::InvalidQuery => "error-invalid-query",
            BadRequest::QueryTooLong => "error-query-too-long",
            BadRequest::InvalidLanguage => "error-invalid-language",
            BadRequest::InvalidForm => "error-invalid-form",
            BadRequest::InvalidId => "error-not-found-body",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotFound {
    #[error("no page or API route at this path")]
    Route,
    #[error("no district with slug {0:?}")]
    District(String),
    #[error("no division with slug {0:?}; GET /api/v1/divisions lists them")]
    Division(String),
    /// Something that does not exist, or that the asker may not see: both
    /// answer alike, so that existence does not leak.
    #[error("not found")]
    Object,
}

impl AppError {
    pub fn bad_request(reason: BadRequest, detail: impl std::fmt::Display) -> Self {
        AppError::BadRequest {
            reason,
            detail: detail.to_string(),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::SignInRequired { .. } => StatusCode::UNAUTHORIZED,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PaymentUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Store(e) if is_unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { reason, .. } => reason.code(),
            AppError::NotFound(NotFound::Route) => "not_found",
            AppError::NotFound(NotFound::District(_)) => "district_not_found",
            AppError::NotFound(NotFound::Division(_)) => "division_not_found",
            AppError::NotFound(NotFound::Object) => "not_found",
            AppError::CsrfRejected => "csrf_rejected",
            AppError::Invalid { .. } => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::SignInRequired { .. } => "sign_in_required",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::PaymentUnavailable => "payment_unavailable",
            AppError::IdempotencyKeyReused => "idempotency_key_reused",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Store(e) if is_unavailable(e) => "unavailable",
            AppError::Store(_) | AppError::Internal(_) => "internal",
        }
    }

    /// What a program is told; a fault's detail stays in the log.
    fn public_message(&self) -> String {
        match self {
            AppError::BadRequest { .. }
            | AppError::NotFound(_)
            | AppError::CsrfRejected
            | AppError::Invalid { .. }
            | AppError::Conflict(_)
            | AppError::SignInRequired { .. }
            | AppError::TooManyRequests { .. }
            | AppError::PaymentUnavailable
            | AppError::IdempotencyKeyReused
            | AppError::MethodNotAllowed => self.to_string(),
            AppError::Store(e) if is_unavailable(e) => "the database is unreachable; retry shortly".to_owned(),
            AppError::Store(_) | AppError::Internal(_) => {
                "internal error; the request id in the x-request-id header identifies it".to_owned()
            }
        }
    }

    fn page(&self) -> ErrorPage {
        match self {
            AppError::BadRequest { reason, .. } => ErrorPage::new("error-bad-request-title", reason.message_id()),
            AppError::NotFound(NotFound::Route) => ErrorPage::new("error-not-found-title", "error-not-found-body"),
            AppError::NotFound(NotFound::District(slug)) => {
                ErrorPage::new("error-not-found-title", "error-district-not-found").with_slug(slug)
            }
            AppError::NotFound(NotFound::Division(_)) => {
                ErrorPage::new("error-not-found-title", "error-not-found-body")
            }
            AppError::NotFound(NotFound::Object) => ErrorPage::new("error-not-found-title", "error-not-found-body"),
            AppError::CsrfRejected => ErrorPage::new("error-csrf-title", "error-csrf-body"),
            AppError::Invalid { .. } => ErrorPage::new("error-bad-request-title", "error-invalid-form"),
            AppError::Conflict(_) => ErrorPage::new("error-bad-request-title", "error-invalid-form"),
            AppError::SignInRequired { .. } => ErrorPage::new("error-sign-in-title", "error-sign-in-body"),
            AppError::TooManyRequests { retry_after_seconds } => {
                let mut page = ErrorPage::new("error-too-many-title", "error-too-many-body");
                page.wait_minutes = Some((retry_after_seconds + 59) / 60);
                page
            }
            AppError::PaymentUnavailable => {
                ErrorPage::new("error-payment-unavailable-title", "error-payment-unavailable-body")
            }
            AppError::IdempotencyKeyReused => ErrorPage::new("error-bad-request-title", "error-invalid-form"),
            AppError::MethodNotAllowed => ErrorPage::new("error-method-title", "error-method-body"),
            AppError::Store(e) if is_unavailable(e) => {
                ErrorPage::new("error-unavailable-title", "error-unavailable-body")
            }
            AppError::Store(_) | AppError::Internal(_) => ErrorPage::new("error-internal-title", "error-internal-body"),
        }
    }
}

fn is_unavailable(error: &StoreError) -> bool {
    error.is_transient()
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable, machine-readable code such as `district_not_found` or `invalid_slug`.
    #[schema(example = "district_not_found")]
    pub code: String,
    /// What is wrong, in English, for the programmer reading it.
    #[schema(example = "no district with slug \"atlantis\"")]
    pub message: String,
    /// For `invalid`: each field with what is wrong with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct FieldProblem {
    #[schema(example = "variant-0-price")]
    pub field: String,
    #[schema(example = "The price must be more than zero.")]
    pub message: String,
}

/// An error described in message ids, for the `pages` middleware to render
/// in the visitor's language.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub title_id: &'static str,
    pub body_id: &'static str,
    /// The slug the visitor asked for, when the message names it.
    pub slug: Option<String>,
    /// Minutes to wait, for rate-limit messages.
    pub wait_minutes: Option<i64>,
    /// Where to sign in and come back from, for pages that need a session.
    pub sign_in_next: Option<String>,
}

impl ErrorPage {
    fn new(title_id: &'static str, body_id: &'static str) -> Self {
        Self {
            title_id,
            body_id,
            slug: None,
            wait_minutes: None,
            sign_in_next: None,
        }
    }

    fn with_slug(mut self, slug: &str) -> Self {
        self.slug = Some(slug.chars().take(64).collect());
        self
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, code = self.code(), "request failed");
        } else {
            tracing::debug!(error = %self, code = self.code(), "request refused");
        }
        let fields = match &self {
            AppError::Invalid { fields } => fields
                .iter()
                .map(|(field, message)| FieldProblem {
                    field: field.clone(),
                    message: message.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.public_message(),
                fields,
            },
        };
        let mut page = self.page();
        if let AppError::SignInRequired { next } = &self {
            page.sign_in_next = Some(next.clone());
        }
        let mut response = (status, Json(body)).into_response();
        let retry_after = match self {
            AppError::TooManyRequests { retry_after_seconds } => Some(retry_after_seconds.max(1)),
            AppError::PaymentUnavailable => Some(30),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(page);
        if let AppError::Store(StoreError::ConnectionLost(_)) = self {
            response.extensions_mut().insert(crate::edge::ConnectionLost);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_its_status_and_code() {
        let cases = [
            (
                AppError::bad_request(BadRequest::InvalidSlug, "x"),
                StatusCode::BAD_REQUEST,
                "invalid_slug",
            ),
            (AppError::NotFound(NotFound::Route), StatusCode::NOT_FOUND, "not_found"),
            (
                AppError::NotFound(NotFound::District("atlantis".into())),
                StatusCode::NOT_FOUND,
                "district_not_found",
            ),
            (
                AppError::Store(StoreError::Unavailable("pool timed out".into())),
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
            ),
            (
                AppError::Store(StoreError::Corrupt("bad row".into())),
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
            ),
        ];
        for (error, status, code) in cases {
            assert_eq!(error.status(), status, "{error}");
            assert_eq!(error.code(), code, "{error}");
        }
    }

    #[test]
    fn every_error_page_message_exists_in_both_languages() {
        use crate::i18n::Catalog;
        use odop_domain::Locale;
        let errors = [
            AppError::bad_request(BadRequest::InvalidSlug, ""),
            AppError::bad_request(BadRequest::InvalidQuery, ""),
            AppError::bad_request(BadRequest::QueryTooLong, ""),
            AppError::bad_request(BadRequest::InvalidLanguage, ""),
            AppError::bad_request(BadRequest::InvalidForm, ""),
            AppError::bad_request(BadRequest::InvalidId, ""),
            AppError::NotFound(NotFound::Object),
            AppError::CsrfRejected,
            AppError::SignInRequired { next: "/".into() },
            AppError::TooManyRequests {
                retry_after_seconds: 60,
            },
            AppError::NotFound(NotFound::Route),
            AppError::NotFound(NotFound::District(String::new())),
            AppError::Store(StoreError::Unavailable(String::new())),
            AppError::PaymentUnavailable,
            AppError::MethodNotAllowed,
            AppError::IdempotencyKeyReused,
            AppError::Internal(String::new()),
        ];
        for locale in Locale::ALL {
            let ids = Catalog::ids(locale);
            for error in &errors {
                let page = error.page();
                for id in [page.title_id, page.body_id] {
                    assert!(ids.iter().any(|known| known == id), "{locale}.ftl lacks {id}");
                }
            }
        }
    }

    #[test]
    fn a_fault_never_shows_its_detail() {
        let error = AppError::Store(StoreError::Corrupt("password column holds hunter2".into()));
        assert!(!error.public_message().contains("hunter2"));
    }
}
