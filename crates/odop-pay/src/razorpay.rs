//! Razorpay, reached over its REST API (`/v1/orders`, `/v1/payments/{id}/refund`)
//! with HTTP Basic authentication, as its public documentation describes.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::{GatewayOrder, PayError, PaymentGateway, PaymentRequest, Refund, WebhookDelivery, WebhookEvent, protocol};

/// How long to wait for Razorpay before giving up on a request. The payer
/// is waiting too, and a hung request must not hold a server task forever.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The credentials and address of a Razorpay account.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RazorpayConfig {
    /// The public key id, `rzp_live_…` or `rzp_test_…`.
    pub key_id: String,
    pub key_secret: String,
    /// The secret set on the webhook in Razorpay's dashboard, which is
    /// separate from the API key secret.
    pub webhook_secret: String,
    /// Where the API lives; tests point this at a local fake.
    #[serde(default = "default_base_url")]
    pub base_url: String,
}

fn default_base_url() -> String {
    RazorpayConfig::DEFAULT_BASE_URL.to_owned()
}

impl RazorpayConfig {
    pub const DEFAULT_BASE_URL: &str = "https://api.razorpay.com";

    /// A configuration for Razorpay's real API.
    pub fn new(key_id: impl Into<String>, key_secret: impl Into<String>, webhook_secret: impl Into<String>) -> Self {
        Self {
            key_id: key_id.into(),
            key_secret: key_secret.into(),
            webhook_secret: webhook_secret.into(),
            base_url: default_base_url(),
        }
    }
}

/// Written by hand so that the secrets never end up in a log line.
impl fmt::Debug for RazorpayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RazorpayConfig")
            .field("key_id", &self.key_id)
            .field("key_secret", &"<redacted>")
            .field("webhook_secret", &"<redacted>")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// The Razorpay gateway.
pub struct RazorpayGateway {
    config: RazorpayConfig,
    client: reqwest::Client,
}

impl fmt::Debug for RazorpayGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RazorpayGateway").field("config", &self.config).finish()
    }
}

/// Razorpay's error body: `{"error": {"code": "...", "description": "..."}}`.
#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    description: Option<String>,
}

#[derive(Deserialize)]
struct OrderResponse {
    id: String,
    amount: i64,
}

#[derive(Deserialize)]
struct RefundResponse {
    id: String,
    payment_id: String,
    amount: i64,
    status: String,
}

impl RazorpayGateway {
    /// # Panics
    ///
    /// If the HTTP client cannot be built, which happens only when the
    /// system's certificate store cannot be read; the shop cannot take
    /// payments then anyway, and finding out at start-up is best.
    pub fn new(config: RazorpayConfig) -> Self {
        // rustls needs its cryptography chosen once per process; whichever
        // client is built first does it (a second attempt changes nothing).
        // ring builds with a C compiler alone (aws-lc needs more); it lacks
        // only post-quantum key exchange, which rustls marks by deprecating
        // this provider, and which the gateways do not offer today.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .expect("the HTTP client for Razorpay can be built");
        Self { config, client }
    }

    /// Posts `body` to `path` and reads the answer as `T`.
    async fn post<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, PayError> {
        let url = format!("{}{path}", self.config.base_url.trim_end_matches('/'));
        let response = self
            .client
            .post(&url)
            .basic_auth(&self.config.key_id, Some(&self.config.key_secret))
            .json(body)
            .send()
            .await
            .map_err(|e| {
                tracing::warn!(%url, error = %e, "Razorpay unreachable");
                PayError::Unreachable(e.to_string())
            })?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| PayError::Unreachable(format!("reading Razorpay's answer: {e}")))?;
        if !status.is_success() {
            let reason = serde_json::from_str::<ErrorBody>(&text)
                .ok()
                .and_then(|body| body.error.description)
                .filter(|description| !description.trim().is_empty())
                .unwrap_or_else(|| format!("HTTP {status}"));
            tracing::warn!(%url, %status, %reason, "Razorpay refused");
            return Err(PayError::Refused(reason));
        }
        // A success whose body cannot be read leaves the outcome unknown,
        // just like a timeout: the order or refund may well exist. It is
        // reported the same way, so that nobody assumes nothing happened.
        serde_json::from_str(&text).map_err(|e| {
            tracing::warn!(%url, error = %e, "Razorpay answered something unexpected");
            PayError::Unreachable(format!("unexpected answer from Razorpay: {e}"))
        })
    }
}

/// Whether `id` can go into a URL path as it is. Razorpay's ids are letters,
/// digits and underscores; anything else (a slash, a question mark) would
/// change which endpoint the request reaches.
fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[async_trait::async_trait]
impl PaymentGateway for RazorpayGateway {
    fn checkout_key(&self) -> Option<&str> {
        Some(&self.config.key_id)
    }

    fn code(&self) -> &'static str {
        "razorpay"
    }

    async fn create_order(&self, request: &PaymentRequest) -> Result<GatewayOrder, PayError> {
        let notes: serde_json::Map<String, serde_json::Value> = request
            .notes
            .iter()
            .map(|(key, value)| (key.clone(), json!(value)))
            .collect();
        let body = json!({
            "amount": request.amount_paise,
            "currency": "INR",
            "receipt": request.receipt,
            "notes": notes,
        });
        let order: OrderResponse = self.post("/v1/orders", &body).await?;
        tracing::info!(receipt = %request.receipt, gateway_order_id = %order.id, amount_paise = order.amount, "Razorpay order created");
        Ok(GatewayOrder {
            id: order.id,
            amount_paise: order.amount,
        })
    }

    fn verify_checkout(&self, gateway_order_id: &str, payment_id: &str, signature: &str) -> Result<(), PayError> {
        protocol::verify_checkout(
            self.config.key_secret.as_bytes(),
            gateway_order_id,
            payment_id,
            signature,
        )
    }

    fn parse_webhook(&self, delivery: &WebhookDelivery<'_>) -> Result<WebhookEvent, PayError> {
        protocol::parse_webhook(self.config.webhook_secret.as_bytes(), delivery)
    }

    async fn refund(&self, payment_id: &str, amount_paise: i64, receipt: &str) -> Result<Refund, PayError> {
        if !is_plain_id(payment_id) {
            return Err(PayError::Refused(format!(
                "{payment_id:?} is not a Razorpay payment id"
            )));
        }
        let body = json!({
            "amount": amount_paise,
            "receipt": receipt,
            "speed": "normal",
        });
        let refund: RefundResponse = self.post(&format!("/v1/payments/{payment_id}/refund"), &body).await?;
        tracing::info!(payment_id, refund_id = %refund.id, amount_paise = refund.amount, status = %refund.status, "Razorpay refund created");
        // A refund that Razorpay reports as failed straight away will never
        // be processed; calling it merely pending would leave the shop
        // waiting for a webhook that never comes.
        if refund.status == "failed" {
            return Err(PayError::Refused(format!("refund {} failed", refund.id)));
        }
        Ok(Refund {
            processed: refund.status == "processed",
            id: refund.id,
            payment_id: refund.payment_id,
            amount_paise: refund.amount,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::extract::{Path, State};
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;
    use axum::{Json, Router};
    use serde_json::Value;

    use super::*;
    use crate::signature::hmac_sha256_hex;
    use crate::{EventKind, SandboxGateway, SandboxOutcome};

    const KEY_ID: &str = "rzp_test_1DP5mmOlF5G5ag";
    const KEY_SECRET: &str = "thisissecret";
    const WEBHOOK_SECRET: &str = "whsec-for-tests";
    /// `Basic ` and the base64 of "rzp_test_1DP5mmOlF5G5ag:thisissecret",
    /// worked out independently of the code under test.
    const EXPECTED_AUTHORIZATION: &str = "Basic cnpwX3Rlc3RfMURQNW1tT2xGNUc1YWc6dGhpc2lzc2VjcmV0";

    fn gateway_at(base_url: &str, key_secret: &str) -> RazorpayGateway {
        RazorpayGateway::new(RazorpayConfig {
            base_url: base_url.to_owned(),
            ..RazorpayConfig::new(KEY_ID, key_secret, WEBHOOK_SECRET)
        })
    }

    fn gateway() -> RazorpayGateway {
        gateway_at(RazorpayConfig::DEFAULT_BASE_URL, KEY_SECRET)
    }

    // Checkout signatures.

    #[test]
    fn the_checkout_signature_is_the_hmac_of_order_and_payment_under_the_key_secret() {
        let expected = hmac_sha256_hex(KEY_SECRET.as_bytes(), b"order_IluGWxBm9U8zJ8|pay_29QQoUBi66xm2f");
        gateway()
            .verify_checkout("order_IluGWxBm9U8zJ8", "pay_29QQoUBi66xm2f", &expected)
            .unwrap();
    }

    #[test]
    fn a_checkout_signature_with_one_character_changed_is_rejected() {
        let expected = hmac_sha256_hex(KEY_SECRET.as_bytes(), b"order_IluGWxBm9U8zJ8|pay_29QQoUBi66xm2f");
        let last = expected.chars().last().unwrap();
        let changed = format!(
            "{}{}",
            &expected[..expected.len() - 1],
            if last == '0' { '1' } else { '0' }
        );
        let result = gateway().verify_checkout("order_IluGWxBm9U8zJ8", "pay_29QQoUBi66xm2f", &changed);
        assert!(matches!(result, Err(PayError::BadSignature)), "{result:?}");
    }

    #[test]
    fn a_checkout_signature_over_the_ids_in_the_wrong_order_is_rejected() {
        let swapped = hmac_sha256_hex(KEY_SECRET.as_bytes(), b"pay_29QQoUBi66xm2f|order_IluGWxBm9U8zJ8");
        let result = gateway().verify_checkout("order_IluGWxBm9U8zJ8", "pay_29QQoUBi66xm2f", &swapped);
        assert!(matches!(result, Err(PayError::BadSignature)), "{result:?}");
    }

    #[test]
    fn a_checkout_signature_made_with_the_webhook_secret_is_rejected() {
        let wrong_key = hmac_sha256_hex(WEBHOOK_SECRET.as_bytes(), b"order_IluGWxBm9U8zJ8|pay_29QQoUBi66xm2f");
        let result = gateway().verify_checkout("order_IluGWxBm9U8zJ8", "pay_29QQoUBi66xm2f", &wrong_key);
        assert!(matches!(result, Err(PayError::BadSignature)), "{result:?}");
    }

    // Webhooks, with bodies shaped like the examples in Razorpay's
    // documentation.

    const CAPTURED: &str = r#"{
  "entity": "event",
  "account_id": "acc_BFQ7uQEaa7j2z7",
  "event": "payment.captured",
  "contains": ["payment"],
  "payload": {
    "payment": {
      "entity": {
        "id": "pay_DESlfW9H8K9uqM",
        "entity": "payment",
        "amount": 50000,
        "currency": "INR",
        "status": "captured",
        "order_id": "order_DESlLckIVRkHWj",
        "invoice_id": null,
        "international": false,
        "method": "upi",
        "amount_refunded": 0,
        "fee": 1180,
        "tax": 180,
        "refund_status": null,
        "captured": true,
        "description": null,
        "card_id": null,
        "bank": null,
        "wallet": null,
        "vpa": "gaurav.kumar@exampleupi",
        "email": "gaurav.kumar@example.com",
        "contact": "+919876543210",
        "notes": [],
        "fee": 1180,
        "tax": 180,
        "error_code": null,
        "error_description": null,
        "created_at": 1567674599
      }
    }
  },
  "created_at": 1567674606
}"#;

    const FAILED: &str = r#"{
  "entity": "event",
  "account_id": "acc_BFQ7uQEaa7j2z7",
  "event": "payment.failed",
  "contains": ["payment"],
  "payload": {
    "payment": {
      "entity": {
        "id": "pay_DESmAkxJwMEQay",
        "entity": "payment",
        "amount": 50000,
        "currency": "INR",
        "status": "failed",
        "order_id": "order_DESlLckIVRkHWj",
        "method": "card",
        "captured": false,
        "error_code": "BAD_REQUEST_ERROR",
        "error_description": "Payment failed due to incorrect card details",
        "error_source": "customer",
        "error_step": "payment_authorization",
        "error_reason": "incorrect_card_details",
        "created_at": 1567674640
      }
    }
  },
  "created_at": 1567674642
}"#;

    const REFUNDED: &str = r#"{
  "entity": "event",
  "account_id": "acc_BFQ7uQEaa7j2z7",
  "event": "refund.processed",
  "contains": ["refund", "payment"],
  "payload": {
    "refund": {
      "entity": {
        "id": "rfnd_DfjjhJC6eDvUAi",
        "entity": "refund",
        "amount": 20000,
        "currency": "INR",
        "payment_id": "pay_DESlfW9H8K9uqM",
        "notes": [],
        "receipt": null,
        "acquirer_data": {"rrn": "991025781947"},
        "created_at": 1570445373,
        "batch_id": null,
        "status": "processed",
        "speed_processed": "normal",
        "speed_requested": "normal"
      }
    },
    "payment": {
      "entity": {
        "id": "pay_DESlfW9H8K9uqM",
        "entity": "payment",
        "amount": 50000,
        "currency": "INR",
        "status": "captured",
        "order_id": "order_DESlLckIVRkHWj",
        "method": "upi",
        "amount_refunded": 20000
      }
    }
  },
  "created_at": 1570445375
}"#;

    fn signed(body: &str) -> String {
        hmac_sha256_hex(WEBHOOK_SECRET.as_bytes(), body.as_bytes())
    }

    fn parse(body: &[u8], signature: Option<&str>, event_id: Option<&str>) -> Result<WebhookEvent, PayError> {
        gateway().parse_webhook(&WebhookDelivery {
            signature,
            event_id,
            body,
        })
    }

    #[test]
    fn a_signed_payment_captured_webhook_becomes_payment_captured() {
        let event = parse(CAPTURED.as_bytes(), Some(&signed(CAPTURED)), Some("DESlfZ8Y4U2eCv")).unwrap();
        assert_eq!(
            event,
            WebhookEvent {
                id: "DESlfZ8Y4U2eCv".into(),
                kind: EventKind::PaymentCaptured {
                    gateway_order_id: "order_DESlLckIVRkHWj".into(),
                    payment_id: "pay_DESlfW9H8K9uqM".into(),
                    amount_paise: 50_000,
                    fee_paise: Some(1_180),
                    currency: Some("INR".into()),
                    method: "upi".into(),
                },
            }
        );
    }

    #[test]
    fn a_webhook_body_with_one_byte_flipped_is_rejected_as_badly_signed() {
        let signature = signed(CAPTURED);
        let mut tampered = CAPTURED.as_bytes().to_vec();
        // Turning 50000 paise into 90000 is exactly the forgery to stop.
        let at = CAPTURED.find("50000").unwrap();
        tampered[at] = b'9';
        let result = parse(&tampered, Some(&signature), None);
        assert!(matches!(result, Err(PayError::BadSignature)), "{result:?}");
    }

    #[test]
    fn a_webhook_without_a_signature_is_rejected_as_unsigned() {
        let result = parse(CAPTURED.as_bytes(), None, Some("DESlfZ8Y4U2eCv"));
        assert!(matches!(result, Err(PayError::MissingSignature)), "{result:?}");
    }

    #[test]
    fn a_webhook_signed_with_the_api_key_secret_instead_of_the_webhook_secret_is_rejected() {
        let signature = hmac_sha256_hex(KEY_SECRET.as_bytes(), CAPTURED.as_bytes());
        let result = parse(CAPTURED.as_bytes(), Some(&signature), None);
        assert!(matches!(result, Err(PayError::BadSignature)), "{result:?}");
    }

    #[test]
    fn a_payment_failed_webhook_becomes_payment_failed_with_the_error_description() {
        let event = parse(FAILED.as_bytes(), Some(&signed(FAILED)), Some("DESmAnBiy2sR7K")).unwrap();
        assert_eq!(
            event.kind,
            EventKind::PaymentFailed {
                gateway_order_id: "order_DESlLckIVRkHWj".into(),
                payment_id: "pay_DESmAkxJwMEQay".into(),
                reason: "Payment failed due to incorrect card details".into(),
            }
        );
    }

    #[test]
    fn a_refund_processed_webhook_becomes_refund_processed() {
        let event = parse(REFUNDED.as_bytes(), Some(&signed(REFUNDED)), Some("DfjjiKRyTLk0fU")).unwrap();
        assert_eq!(
            event.kind,
            EventKind::RefundProcessed {
                payment_id: "pay_DESlfW9H8K9uqM".into(),
                refund_id: "rfnd_DfjjhJC6eDvUAi".into(),
                amount: 20_000,
                receipt: None,
            }
        );
    }

    #[test]
    fn an_unknown_event_is_acknowledged_as_other_with_its_name() {
        let body = CAPTURED.replace("\"payment.captured\"", "\"payment.dispute.created\"");
        let event = parse(body.as_bytes(), Some(&signed(&body)), Some("Eu3ErZ8d0PlbUy")).unwrap();
        assert_eq!(event.kind, EventKind::Other("payment.dispute.created".into()));
    }

    #[test]
    fn a_correctly_signed_body_that_is_not_json_is_a_bad_payload() {
        let body = "event=payment.captured&amount=50000";
        let result = parse(body.as_bytes(), Some(&signed(body)), Some("x"));
        assert!(matches!(result, Err(PayError::BadPayload(_))), "{result:?}");
    }

    #[test]
    fn a_badly_signed_body_is_rejected_before_its_json_is_looked_at() {
        // Garbage with a wrong signature must say "bad signature", not "bad
        // payload": the latter would tell an attacker the parser ran.
        let result = parse(b"not json at all", Some(&signed(CAPTURED)), None);
        assert!(matches!(result, Err(PayError::BadSignature)), "{result:?}");
    }

    #[test]
    fn the_event_id_comes_from_the_header_and_otherwise_from_the_body_so_redeliveries_match() {
        let signature = signed(CAPTURED);
        let from_header = parse(CAPTURED.as_bytes(), Some(&signature), Some("DESlfZ8Y4U2eCv")).unwrap();
        assert_eq!(from_header.id, "DESlfZ8Y4U2eCv");

        let first = parse(CAPTURED.as_bytes(), Some(&signature), None).unwrap();
        let again = parse(CAPTURED.as_bytes(), Some(&signature), None).unwrap();
        assert_eq!(first.id, again.id);
        assert!(!first.id.is_empty());
        assert_eq!(first.kind, from_header.kind);

        let other = parse(FAILED.as_bytes(), Some(&signed(FAILED)), None).unwrap();
        assert_ne!(first.id, other.id);
    }

    #[test]
    fn a_sandbox_event_is_rejected_by_razorpay() {
        let sandbox = SandboxGateway::new(b"sandbox secret".to_vec());
        let simulated = sandbox.simulate("sbx_order_1", 50_000, "upi", SandboxOutcome::Success);
        let result = parse(&simulated.body, Some(&simulated.signature), Some(&simulated.event_id));
        assert!(matches!(result, Err(PayError::BadSignature)), "{result:?}");
    }

    #[test]
    fn the_configuration_never_shows_its_secrets_when_debug_printed() {
        let shown = format!("{:?}", gateway());
        assert!(shown.contains(KEY_ID), "{shown}");
        assert!(!shown.contains(KEY_SECRET), "{shown}");
        assert!(!shown.contains(WEBHOOK_SECRET), "{shown}");
    }

    // The HTTP API, against a fake Razorpay on the loopback interface.

    /// One request as the fake received it.
    #[derive(Debug)]
    struct Received {
        path: String,
        authorization: Option<String>,
        body: Value,
    }

    type Log = Arc<Mutex<Vec<Received>>>;

    fn refusal(status: StatusCode, description: &str) -> (StatusCode, Json<Value>) {
        (
            status,
            Json(json!({"error": {"code": "BAD_REQUEST_ERROR", "description": description}})),
        )
    }

    /// Records the request and says whether its credentials are right.
    fn record(log: &Log, path: String, headers: &HeaderMap, body: Value) -> bool {
        let authorization = headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let authorised = authorization.as_deref() == Some(EXPECTED_AUTHORIZATION);
        log.lock().unwrap().push(Received {
            path,
            authorization,
            body,
        });
        authorised
    }

    async fn orders(State(log): State<Log>, headers: HeaderMap, Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
        if !record(&log, "/v1/orders".into(), &headers, body.clone()) {
            return refusal(StatusCode::UNAUTHORIZED, "Authentication failed");
        }
        let amount = body["amount"].as_i64().unwrap_or(0);
        if amount < 100 {
            return refusal(StatusCode::BAD_REQUEST, "The amount must be atleast INR 1.00");
        }
        let order = json!({
            "id": "order_IluGWxBm9U8zJ8",
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "amount_due": amount,
            "currency": body["currency"],
            "receipt": body["receipt"],
            "offer_id": null,
            "status": "created",
            "attempts": 0,
            "notes": body["notes"],
            "created_at": 1_642_662_092,
        });
        (StatusCode::OK, Json(order))
    }

    async fn refunds(
        State(log): State<Log>,
        Path(payment_id): Path<String>,
        headers: HeaderMap,
        Json(body): Json<Value>,
    ) -> (StatusCode, Json<Value>) {
        if !record(
            &log,
            format!("/v1/payments/{payment_id}/refund"),
            &headers,
            body.clone(),
        ) {
            return refusal(StatusCode::UNAUTHORIZED, "Authentication failed");
        }
        if payment_id == "pay_garbled" {
            return (StatusCode::OK, Json(json!({"unexpected": true})));
        }
        let status = match payment_id.as_str() {
            "pay_slowbank" => "pending",
            "pay_hopeless" => "failed",
            _ => "processed",
        };
        let refund = json!({
            "id": "rfnd_FP8QHiV938haTz",
            "entity": "refund",
            "amount": body["amount"],
            "receipt": body["receipt"],
            "currency": "INR",
            "payment_id": payment_id,
            "notes": [],
            "acquirer_data": {"arn": null},
            "created_at": 1_597_078_866,
            "batch_id": null,
            "status": status,
            "speed_processed": "normal",
            "speed_requested": "normal",
        });
        (StatusCode::OK, Json(refund))
    }

    async fn fake_razorpay() -> (String, Log) {
        let log = Log::default();
        let app = Router::new()
            .route("/v1/orders", post(orders))
            .route("/v1/payments/{payment_id}/refund", post(refunds))
            .with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (format!("http://{address}"), log)
    }

    fn request(amount_paise: i64) -> PaymentRequest {
        PaymentRequest {
            receipt: "OD-2026-000123".into(),
            amount_paise,
            notes: vec![
                ("district".into(), "Moradabad".into()),
                ("product".into(), "Brassware".into()),
            ],
        }
    }

    #[tokio::test]
    async fn an_order_is_created_with_basic_auth_and_the_documented_body() {
        let (url, log) = fake_razorpay().await;
        let order = gateway_at(&url, KEY_SECRET)
            .create_order(&request(149_900))
            .await
            .unwrap();
        assert_eq!(
            order,
            GatewayOrder {
                id: "order_IluGWxBm9U8zJ8".into(),
                amount_paise: 149_900,
            }
        );
        let log = log.lock().unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].path, "/v1/orders");
        assert_eq!(log[0].authorization.as_deref(), Some(EXPECTED_AUTHORIZATION));
        assert_eq!(
            log[0].body,
            json!({
                "amount": 149_900,
                "currency": "INR",
                "receipt": "OD-2026-000123",
                "notes": {"district": "Moradabad", "product": "Brassware"},
            })
        );
    }

    #[tokio::test]
    async fn a_trailing_slash_on_the_base_url_does_not_change_the_path() {
        let (url, log) = fake_razorpay().await;
        gateway_at(&format!("{url}/"), KEY_SECRET)
            .create_order(&request(10_000))
            .await
            .unwrap();
        assert_eq!(log.lock().unwrap()[0].path, "/v1/orders");
    }

    #[tokio::test]
    async fn a_refusal_carries_razorpays_description() {
        let (url, _) = fake_razorpay().await;
        let error = gateway_at(&url, KEY_SECRET)
            .create_order(&request(50))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, PayError::Refused(reason) if reason == "The amount must be atleast INR 1.00"),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn wrong_credentials_are_refused() {
        let (url, log) = fake_razorpay().await;
        let error = gateway_at(&url, "not the secret")
            .create_order(&request(10_000))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, PayError::Refused(reason) if reason == "Authentication failed"),
            "{error:?}"
        );
        assert_ne!(
            log.lock().unwrap()[0].authorization.as_deref(),
            Some(EXPECTED_AUTHORIZATION)
        );
    }

    #[tokio::test]
    async fn a_refund_is_posted_to_the_payment_and_reports_whether_it_is_processed() {
        let (url, log) = fake_razorpay().await;
        let gateway = gateway_at(&url, KEY_SECRET);

        let refund = gateway
            .refund("pay_29QQoUBi66xm2f", 20_000, "OD-2026-000123-R1")
            .await
            .unwrap();
        assert_eq!(
            refund,
            Refund {
                id: "rfnd_FP8QHiV938haTz".into(),
                payment_id: "pay_29QQoUBi66xm2f".into(),
                amount_paise: 20_000,
                processed: true,
            }
        );
        {
            let log = log.lock().unwrap();
            assert_eq!(log[0].path, "/v1/payments/pay_29QQoUBi66xm2f/refund");
            assert_eq!(log[0].authorization.as_deref(), Some(EXPECTED_AUTHORIZATION));
            assert_eq!(
                log[0].body,
                json!({"amount": 20_000, "receipt": "OD-2026-000123-R1", "speed": "normal"})
            );
        }

        let pending = gateway
            .refund("pay_slowbank", 5_000, "OD-2026-000124-R1")
            .await
            .unwrap();
        assert!(!pending.processed);
        assert_eq!(pending.amount_paise, 5_000);
    }

    #[tokio::test]
    async fn a_refund_that_razorpay_reports_as_failed_is_refused() {
        let (url, _) = fake_razorpay().await;
        let result = gateway_at(&url, KEY_SECRET)
            .refund("pay_hopeless", 5_000, "OD-2026-000125-R1")
            .await;
        assert!(matches!(result, Err(PayError::Refused(_))), "{result:?}");
    }

    #[tokio::test]
    async fn a_payment_id_that_would_change_the_url_is_refused_without_a_request() {
        let (url, log) = fake_razorpay().await;
        let gateway = gateway_at(&url, KEY_SECRET);
        for id in ["", "pay_1/../../orders", "pay_1?x=1", "pay 1"] {
            let result = gateway.refund(id, 5_000, "r").await;
            assert!(matches!(result, Err(PayError::Refused(_))), "{id:?}: {result:?}");
        }
        assert!(log.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_unintelligible_success_is_reported_as_unknown_rather_than_refused() {
        let (url, _) = fake_razorpay().await;
        let result = gateway_at(&url, KEY_SECRET).refund("pay_garbled", 5_000, "r").await;
        assert!(matches!(result, Err(PayError::Unreachable(_))), "{result:?}");
    }

    #[tokio::test]
    async fn a_gateway_that_is_not_listening_is_unreachable() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let result = gateway_at(&url, KEY_SECRET).create_order(&request(10_000)).await;
        assert!(matches!(result, Err(PayError::Unreachable(_))), "{result:?}");
    }
}
