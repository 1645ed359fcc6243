//! What every request goes through on its way in and out, apart from the
//! language (`localize`) and CSRF tokens (`auth::csrf`): a client's request
//! id is kept only when it is short and plain, and a read that lost its
//! database connection is tried once more.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;

/// Marks a response that failed because the database connection was lost
/// (a PostgreSQL restart ends every pooled connection): the same request on
/// a fresh connection will likely succeed.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLost;

/// A request id a client may choose: up to 64 letters, digits and `-_.:`.
/// Anything else (long, spaced, with quotes or control characters) would be
/// echoed into logs and responses verbatim, so it is replaced by our own.
pub fn acceptable_request_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    (1..=64).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Drops an `X-Request-Id` the client sent unless it is acceptable, so that
/// the id layer makes a fresh one.
pub async fn plain_request_ids(mut request: Request, next: Next) -> Response {
    if let Some(id) = request.headers().get("x-request-id")
        && !acceptable_request_id(id)
    {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

/// Runs a GET or HEAD once more when it failed only because its database
/// connection was lost. Reads change nothing, so running one twice is safe;
/// the pool checks, and replaces, every connection older than the loss
/// before handing it out, so the second run gets a live one. Writes are not
/// repeated: their answer (503) tells the client to retry.
pub async fn retry_lost_reads(request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let again = Request::from_parts(parts.clone(), Body::empty());
    let response = next.clone().run(Request::from_parts(parts, body)).await;
    if response.extensions().get::<ConnectionLost>().is_none() {
        return response;
    }
    tracing::warn!("a read lost its database connection; trying it once more");
    next.run(again).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        for ok in [
            "abc",
            "5f0c2a1e-9b7d-4c1e-8a57-2d1f0e9c3b4a",
            "req_1.2:3",
            &"a".repeat(64),
        ] {
            assert!(acceptable_request_id(&HeaderValue::from_str(ok).unwrap()), "{ok}");
        }
        for bad in [
            "",
            &"a".repeat(65),
            "has space",
            "quote\"d",
            "<script>",
            "semi;colon",
            "new\tline",
        ] {
            assert!(!acceptable_request_id(&HeaderValue::from_str(bad).unwrap()), "{bad:?}");
        }
    }
}
