//! The sandbox gateway: payments that never leave this machine, reported
//! through webhooks in Razorpay's exact format.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;
use uuid::Uuid;

use crate::signature::hmac_sha256_hex;
use crate::{GatewayOrder, PayError, PaymentGateway, PaymentRequest, Refund, WebhookDelivery, WebhookEvent, protocol};

/// The smallest order Razorpay accepts, 1 rupee. The sandbox refuses
/// smaller ones too, so that a bug producing them is found in development.
const MINIMUM_ORDER_PAISE: i64 = 100;

/// A gateway that approves or declines payments as it is told, for
/// development, demonstrations and tests.
///
/// It keeps no state: order, payment and refund ids are random, and what
/// happens to a payment is decided by whoever calls
/// [`simulate`](Self::simulate), usually the shop's local payment page.
pub struct SandboxGateway {
    secret: Vec<u8>,
    /// The fee it keeps of each payment, in basis points before the 18 %
    /// GST on it, as Razorpay reports `fee` (tax included) and `tax`.
    fee_bp: i64,
}

/// Written by hand so that the secret never ends up in a log line.
impl fmt::Debug for SandboxGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxGateway").finish_non_exhaustive()
    }
}

/// How a simulated payment ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SandboxOutcome {
    Success,
    Failure,
}

/// A webhook delivery ready to be handed to the shop's webhook handler, as
/// if the gateway had sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedEvent {
    /// What Razorpay sends as `X-Razorpay-Event-Id`.
    pub event_id: String,
    pub body: Vec<u8>,
    /// What Razorpay sends as `X-Razorpay-Signature`.
    pub signature: String,
}

/// 32 random hex digits for a fresh id.
fn random_hex() -> String {
    Uuid::new_v4().simple().to_string()
}

impl SandboxGateway {
    pub fn new(secret: Vec<u8>) -> Self {
        Self { secret, fee_bp: 0 }
    }

    /// The same sandbox keeping a fee of `fee_bp` basis points (plus GST)
    /// of every payment, so that the books can be tried with fees.
    pub fn with_fee_bp(self, fee_bp: u32) -> Self {
        Self {
            fee_bp: i64::from(fee_bp),
            ..self
        }
    }

    /// The fee and the GST in it for a payment of `amount_paise`, each
    /// rounded half up to the paisa; never more than the payment.
    pub fn fee_of(&self, amount_paise: i64) -> (i64, i64) {
        let half_up = |value: i128, per: i128| ((value * 2 + per) / (per * 2)) as i64;
        let base = half_up(i128::from(amount_paise) * i128::from(self.fee_bp), 10_000);
        let tax = half_up(i128::from(base) * 18, 100);
        ((base + tax).min(amount_paise.max(0)), tax)
    }

    /// Signs a webhook body as the sandbox does, so that tests can forge or
    /// replay deliveries.
    pub fn sign(&self, body: &[u8]) -> String {
        hmac_sha256_hex(&self.secret, body)
    }

    /// The signature a payer's browser brings back from sandbox checkout
    /// for this order and payment, as Razorpay's checkout would give it.
    pub fn checkout_signature(&self, gateway_order_id: &str, payment_id: &str) -> String {
        protocol::checkout_signature(&self.secret, gateway_order_id, payment_id)
    }

    /// A payment of `amount_paise` for `gateway_order_id` by `method`
    /// ("upi" or "card"), ending as `outcome`: the `payment.captured` or
    /// `payment.failed` webhook Razorpay would send, with a fresh payment id
    /// and event id, signed with the sandbox secret.
    pub fn simulate(
        &self,
        gateway_order_id: &str,
        amount_paise: i64,
        method: &str,
        outcome: SandboxOutcome,
    ) -> SignedEvent {
        let payment_id = format!("pay_sbx_{}", random_hex());
        let event_id = format!("evt_sbx_{}", random_hex());
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let (fee, fee_tax) = match outcome {
            SandboxOutcome::Success => self.fee_of(amount_paise),
            SandboxOutcome::Failure => (0, 0),
        };
        let (event, status, error_code, error_description) = match outcome {
            SandboxOutcome::Success => ("payment.captured", "captured", None, None),
            SandboxOutcome::Failure => (
                "payment.failed",
                "failed",
                Some("BAD_REQUEST_ERROR"),
                Some("The payment was declined in the sandbox."),
            ),
        };
        let body = json!({
            "entity": "event",
            "account_id": "acc_sandbox",
            "event": event,
            "contains": ["payment"],
            "payload": {
                "payment": {
                    "entity": {
                        "id": payment_id,
                        "entity": "payment",
                        "amount": amount_paise,
                        "currency": "INR",
                        "status": status,
                        "order_id": gateway_order_id,
                        "international": false,
                        "method": method,
                        "amount_refunded": 0,
                        "fee": fee,
                        "tax": fee_tax,
                        "refund_status": null,
                        "captured": outcome == SandboxOutcome::Success,
                        "description": "Sandbox payment",
                        "notes": [],
                        "error_code": error_code,
                        "error_description": error_description,
                        "created_at": now,
                    }
                }
            },
            "created_at": now,
        })
        .to_string()
        .into_bytes();
        tracing::info!(gateway_order_id, %payment_id, amount_paise, method, ?outcome, "sandbox payment simulated");
        SignedEvent {
            signature: self.sign(&body),
            event_id,
            body,
        }
    }
}

#[async_trait::async_trait]
impl PaymentGateway for SandboxGateway {
    fn code(&self) -> &'static str {
        "sandbox"
    }

    async fn create_order(&self, request: &PaymentRequest) -> Result<GatewayOrder, PayError> {
        if request.amount_paise < MINIMUM_ORDER_PAISE {
            return Err(PayError::Refused(format!(
                "the amount must be at least {MINIMUM_ORDER_PAISE} paise, not {}",
                request.amount_paise
            )));
        }
        Ok(GatewayOrder {
            id: format!("sbx_order_{}", random_hex()),
            amount_paise: request.amount_paise,
        })
    }

    fn verify_checkout(&self, gateway_order_id: &str, payment_id: &str, signature: &str) -> Result<(), PayError> {
        protocol::verify_checkout(&self.secret, gateway_order_id, payment_id, signature)
    }

    fn parse_webhook(&self, delivery: &WebhookDelivery<'_>) -> Result<WebhookEvent, PayError> {
        protocol::parse_webhook(&self.secret, delivery)
    }

    async fn refund(&self, payment_id: &str, amount_paise: i64, receipt: &str) -> Result<Refund, PayError> {
        if amount_paise <= 0 {
            return Err(PayError::Refused(format!(
                "a refund must be of a positive amount, not {amount_paise} paise"
            )));
        }
        if payment_id.is_empty() {
            return Err(PayError::Refused("a refund needs a payment id".to_owned()));
        }
        let refund = Refund {
            id: format!("sbx_rfnd_{}", random_hex()),
            payment_id: payment_id.to_owned(),
            amount_paise,
            processed: true,
        };
        tracing::info!(payment_id, refund_id = %refund.id, amount_paise, receipt, "sandbox refund");
        Ok(refund)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::verify_hmac_sha256_hex;
    use crate::{EventKind, RazorpayConfig, RazorpayGateway};

    const SECRET: &[u8] = b"sandbox secret for tests";

    fn sandbox() -> SandboxGateway {
        SandboxGateway::new(SECRET.to_vec())
    }

    fn deliver(gateway: &dyn PaymentGateway, event: &SignedEvent) -> Result<WebhookEvent, PayError> {
        gateway.parse_webhook(&WebhookDelivery {
            signature: Some(&event.signature),
            event_id: Some(&event.event_id),
            body: &event.body,
        })
    }

    fn is_hex_of_length(text: &str, length: usize) -> bool {
        text.len() == length && text.bytes().all(|b| b.is_ascii_hexdigit())
    }

    #[test]
    fn the_sandbox_calls_itself_sandbox() {
        assert_eq!(sandbox().code(), "sandbox");
    }

    #[tokio::test]
    async fn an_order_gets_a_fresh_sandbox_id_and_keeps_its_amount() {
        let gateway = sandbox();
        let request = PaymentRequest {
            receipt: "OD-2026-000123".into(),
            amount_paise: 149_900,
            notes: vec![],
        };
        let first = gateway.create_order(&request).await.unwrap();
        let second = gateway.create_order(&request).await.unwrap();
        assert_eq!(first.amount_paise, 149_900);
        let hex = first.id.strip_prefix("sbx_order_").expect("prefixed id");
        assert!(is_hex_of_length(hex, 32), "{}", first.id);
        assert_ne!(first.id, second.id);
    }

    #[tokio::test]
    async fn an_order_below_one_rupee_is_refused_as_razorpay_would() {
        let request = PaymentRequest {
            receipt: "OD-2026-000123".into(),
            amount_paise: 99,
            notes: vec![],
        };
        let result = sandbox().create_order(&request).await;
        assert!(matches!(result, Err(PayError::Refused(_))), "{result:?}");
    }

    #[test]
    fn a_simulated_success_comes_back_through_the_webhook_parser_as_a_capture() {
        let gateway = sandbox();
        let simulated = gateway.simulate("sbx_order_abc", 149_900, "upi", SandboxOutcome::Success);
        let event = deliver(&gateway, &simulated).unwrap();
        assert_eq!(event.id, simulated.event_id);
        let EventKind::PaymentCaptured {
            gateway_order_id,
            payment_id,
            amount_paise,
            fee_paise,
            method,
            currency,
        } = event.kind
        else {
            panic!("not a capture: {:?}", event.kind);
        };
        assert_eq!(currency.as_deref(), Some("INR"));
        assert_eq!(gateway_order_id, "sbx_order_abc");
        assert!(payment_id.starts_with("pay_sbx"), "{payment_id}");
        assert_eq!(amount_paise, 149_900);
        assert_eq!(fee_paise, Some(0), "no fee unless one is configured");
        assert_eq!(method, "upi");
    }

    /// Worked by hand: 2 % of ₹1,499 is 2998 paise, GST on it 539.64 → 540.
    #[test]
    fn a_configured_fee_is_kept_with_its_gst_as_razorpay_reports_it() {
        let gateway = sandbox().with_fee_bp(200);
        assert_eq!(gateway.fee_of(149_900), (3_538, 540));
        assert_eq!(gateway.fee_of(1), (0, 0));
        let simulated = gateway.simulate("sbx_order_abc", 149_900, "upi", SandboxOutcome::Success);
        let EventKind::PaymentCaptured { fee_paise, .. } = deliver(&gateway, &simulated).unwrap().kind else {
            panic!("not a capture");
        };
        assert_eq!(fee_paise, Some(3_538));
        assert_eq!(
            SandboxGateway::new(vec![1]).with_fee_bp(20_000).fee_of(100).0,
            100,
            "never more than the payment"
        );
    }

    #[test]
    fn a_simulated_failure_comes_back_as_a_failure_with_a_reason() {
        let gateway = sandbox();
        let simulated = gateway.simulate("sbx_order_abc", 149_900, "card", SandboxOutcome::Failure);
        let EventKind::PaymentFailed {
            gateway_order_id,
            payment_id,
            reason,
        } = deliver(&gateway, &simulated).unwrap().kind
        else {
            panic!("not a failure");
        };
        assert_eq!(gateway_order_id, "sbx_order_abc");
        assert!(payment_id.starts_with("pay_sbx"), "{payment_id}");
        assert!(reason.contains("declined"), "{reason}");
    }

    #[test]
    fn every_simulation_has_its_own_payment_and_event_ids() {
        let gateway = sandbox();
        let first = gateway.simulate("sbx_order_abc", 10_000, "upi", SandboxOutcome::Success);
        let second = gateway.simulate("sbx_order_abc", 10_000, "upi", SandboxOutcome::Success);
        assert_ne!(first.event_id, second.event_id);
        assert_ne!(first.body, second.body);
    }

    #[test]
    fn a_simulated_event_is_signed_over_its_body_with_the_sandbox_secret() {
        let simulated = sandbox().simulate("sbx_order_abc", 10_000, "upi", SandboxOutcome::Success);
        assert!(verify_hmac_sha256_hex(SECRET, &simulated.body, &simulated.signature));
        assert_eq!(sandbox().sign(&simulated.body), simulated.signature);
    }

    #[test]
    fn a_replayed_delivery_parses_to_the_same_event_id() {
        let gateway = sandbox();
        let simulated = gateway.simulate("sbx_order_abc", 10_000, "upi", SandboxOutcome::Success);
        assert_eq!(
            deliver(&gateway, &simulated).unwrap(),
            deliver(&gateway, &simulated).unwrap()
        );
    }

    #[test]
    fn a_forged_amount_is_rejected_unless_re_signed_with_the_secret() {
        let gateway = sandbox();
        let mut simulated = gateway.simulate("sbx_order_abc", 10_000, "upi", SandboxOutcome::Success);
        let body = String::from_utf8(simulated.body.clone()).unwrap();
        simulated.body = body.replace("\"amount\":10000", "\"amount\":1").into_bytes();
        assert_ne!(simulated.body, body.as_bytes());
        assert!(matches!(deliver(&gateway, &simulated), Err(PayError::BadSignature)));

        simulated.signature = gateway.sign(&simulated.body);
        let EventKind::PaymentCaptured { amount_paise, .. } = deliver(&gateway, &simulated).unwrap().kind else {
            panic!("not a capture");
        };
        assert_eq!(amount_paise, 1);
    }

    #[test]
    fn a_sandbox_with_another_secret_rejects_the_event() {
        let simulated = sandbox().simulate("sbx_order_abc", 10_000, "upi", SandboxOutcome::Success);
        let other = SandboxGateway::new(b"another secret".to_vec());
        assert!(matches!(deliver(&other, &simulated), Err(PayError::BadSignature)));
    }

    #[test]
    fn a_razorpay_event_is_rejected_by_the_sandbox() {
        // A real Razorpay webhook, signed with Razorpay's webhook secret:
        // accepted by the Razorpay gateway, refused by the sandbox.
        let razorpay = RazorpayGateway::new(RazorpayConfig::new(
            "rzp_test_x",
            "key secret",
            "razorpay webhook secret",
        ));
        let body = br#"{"entity":"event","event":"payment.captured","payload":{"payment":{"entity":{"id":"pay_1","amount":100,"currency":"INR","order_id":"order_1","method":"upi"}}}}"#;
        let event = SignedEvent {
            event_id: "evt_1".into(),
            body: body.to_vec(),
            signature: hmac_sha256_hex(b"razorpay webhook secret", body),
        };
        assert!(deliver(&razorpay, &event).is_ok());
        assert!(matches!(deliver(&sandbox(), &event), Err(PayError::BadSignature)));
    }

    #[test]
    fn the_checkout_signature_verifies_for_its_own_order_and_payment_only() {
        let gateway = sandbox();
        let signature = gateway.checkout_signature("sbx_order_abc", "pay_sbx_1");
        assert_eq!(signature, hmac_sha256_hex(SECRET, b"sbx_order_abc|pay_sbx_1"));
        gateway
            .verify_checkout("sbx_order_abc", "pay_sbx_1", &signature)
            .unwrap();
        assert!(matches!(
            gateway.verify_checkout("sbx_order_abc", "pay_sbx_2", &signature),
            Err(PayError::BadSignature)
        ));
        assert!(matches!(
            gateway.verify_checkout("sbx_order_xyz", "pay_sbx_1", &signature),
            Err(PayError::BadSignature)
        ));
    }

    #[tokio::test]
    async fn a_refund_is_processed_at_once_for_the_full_amount_asked() {
        let refund = sandbox()
            .refund("pay_sbx_1", 20_000, "OD-2026-000123-R1")
            .await
            .unwrap();
        assert_eq!(refund.payment_id, "pay_sbx_1");
        assert_eq!(refund.amount_paise, 20_000);
        assert!(refund.processed);
        let hex = refund.id.strip_prefix("sbx_rfnd_").expect("prefixed id");
        assert!(is_hex_of_length(hex, 32), "{}", refund.id);
    }

    #[tokio::test]
    async fn a_refund_of_nothing_or_of_no_payment_is_refused() {
        let gateway = sandbox();
        assert!(matches!(
            gateway.refund("pay_sbx_1", 0, "r").await,
            Err(PayError::Refused(_))
        ));
        assert!(matches!(
            gateway.refund("pay_sbx_1", -5, "r").await,
            Err(PayError::Refused(_))
        ));
        assert!(matches!(gateway.refund("", 100, "r").await, Err(PayError::Refused(_))));
    }

    #[test]
    fn the_secret_never_shows_when_debug_printed() {
        let shown = format!("{:?}", sandbox());
        assert!(!shown.contains("sandbox secret"), "{shown}");
    }
}
