//! Razorpay's signing and webhook conventions, shared by the Razorpay and
//! sandbox gateways so that sandbox payments travel the same code path as
//! real ones.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::signature::{hmac_sha256_hex, verify_hmac_sha256_hex};
use crate::{EventKind, PayError, WebhookDelivery, WebhookEvent};

/// The message a checkout signature covers.
fn checkout_message(gateway_order_id: &str, payment_id: &str) -> String {
    format!("{gateway_order_id}|{payment_id}")
}

/// The signature a gateway gives the payer's browser after checkout.
pub(crate) fn checkout_signature(secret: &[u8], gateway_order_id: &str, payment_id: &str) -> String {
    hmac_sha256_hex(secret, checkout_message(gateway_order_id, payment_id).as_bytes())
}

pub(crate) fn verify_checkout(
    secret: &[u8],
    gateway_order_id: &str,
    payment_id: &str,
    signature: &str,
) -> Result<(), PayError> {
    if verify_hmac_sha256_hex(
        secret,
        checkout_message(gateway_order_id, payment_id).as_bytes(),
        signature,
    ) {
        Ok(())
    } else {
        tracing::warn!(gateway_order_id, payment_id, "checkout signature does not match");
        Err(PayError::BadSignature)
    }
}

/// Checks a delivery's signature and, only if it is genuine, parses it.
///
/// The signature is checked first, over the bytes as received, so that
/// nothing an outsider sends ever reaches the JSON parser.
pub(crate) fn parse_webhook(secret: &[u8], delivery: &WebhookDelivery<'_>) -> Result<WebhookEvent, PayError> {
    let signature = present(delivery.signature).ok_or(PayError::MissingSignature)?;
    if !verify_hmac_sha256_hex(secret, delivery.body, signature) {
        tracing::warn!(event_id = ?delivery.event_id, "webhook signature does not match");
        return Err(PayError::BadSignature);
    }
    let kind = parse_event_kind(delivery.body)?;
    let id = match present(delivery.event_id) {
        Some(id) => id.to_owned(),
        None => fallback_event_id(delivery.body),
    };
    Ok(WebhookEvent { id, kind })
}

/// A header's value, treating an empty one as absent.
fn present(header: Option<&str>) -> Option<&str> {
    header.map(str::trim).filter(|value| !value.is_empty())
}

/// An event id for a delivery that came without one. Redeliveries of an
/// event carry the same body byte for byte, so a hash of the body still lets
/// the shop recognise them.
fn fallback_event_id(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

/// The outer object of every Razorpay webhook. The payload is kept as a raw
/// value because its shape depends on the event, and events the shop does
/// not handle must not fail to parse just because their payload is unusual.
#[derive(Deserialize)]
struct Envelope {
    event: String,
    #[serde(default)]
    payload: serde_json::Value,
}

/// Razorpay wraps each payload entity as `{"entity": {...}}`.
#[derive(Deserialize)]
struct Wrapped<T> {
    entity: T,
}

#[derive(Deserialize)]
struct PaymentEntity {
    id: String,
    amount: i64,
    /// What the gateway kept, GST included, in the payment's currency.
    #[serde(default)]
    fee: Option<i64>,
    currency: Option<String>,
    order_id: Option<String>,
    method: Option<String>,
    error_code: Option<String>,
    error_description: Option<String>,
}

#[derive(Deserialize)]
struct RefundEntity {
    id: String,
    payment_id: String,
    amount: i64,
    /// What the shop sent with the refund to name it; `null` for refunds
    /// made on the gateway's dashboard.
    receipt: Option<String>,
}

fn bad(event: &str, problem: impl std::fmt::Display) -> PayError {
    PayError::BadPayload(format!("{event}: {problem}"))
}

/// Takes `payload.<name>.entity` out of an event.
fn entity<T: DeserializeOwned>(event: &str, payload: &serde_json::Value, name: &str) -> Result<T, PayError> {
    let wrapped = payload
        .get(name)
        .ok_or_else(|| bad(event, format_args!("payload.{name} is missing")))?;
    let Wrapped { entity } =
        Wrapped::<T>::deserialize(wrapped).map_err(|e| bad(event, format_args!("payload.{name}: {e}")))?;
    Ok(entity)
}

fn required(event: &str, field: &str, value: Option<String>) -> Result<String, PayError> {
    value
        .filter(|value| !value.is_empty())
        .ok_or_else(|| bad(event, format_args!("{field} is missing")))
}

/// Turns a webhook body in Razorpay's format into the event it reports.
fn parse_event_kind(body: &[u8]) -> Result<EventKind, PayError> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| PayError::BadPayload(e.to_string()))?;
    let event = envelope.event.as_str();
    match event {
        // `order.paid` carries the payment that paid the order alongside
        // the order itself, so it can be read exactly like a capture.
        "payment.captured" | "order.paid" => {
            let payment: PaymentEntity = entity(event, &envelope.payload, "payment")?;
            // A capture in another currency, or without one, is still money
            // taken from someone: it is passed on with its currency for the
            // shop to record and give back, never read as paise.
            if payment.amount <= 0 {
                return Err(bad(
                    event,
                    format_args!("the amount {} is not positive", payment.amount),
                ));
            }
            // A fee outside 0..=amount is not believed: the payment still
            // counts, booked without a fee.
            let fee_paise = payment.fee.filter(|fee| (0..=payment.amount).contains(fee));
            Ok(EventKind::PaymentCaptured {
                gateway_order_id: required(event, "payment.order_id", payment.order_id)?,
                payment_id: required(event, "payment.id", Some(payment.id))?,
                amount_paise: payment.amount,
                fee_paise,
                currency: payment.currency.filter(|c| !c.trim().is_empty()),
                method: required(event, "payment.method", payment.method)?,
            })
        }
        "payment.failed" => {
            let payment: PaymentEntity = entity(event, &envelope.payload, "payment")?;
            // The description is written for the payer; the code is a
            // poorer but still useful fallback.
            let reason = [payment.error_description, payment.error_code]
                .into_iter()
                .flatten()
                .find(|reason| !reason.trim().is_empty())
                .unwrap_or_else(|| "failed".to_owned());
            Ok(EventKind::PaymentFailed {
                gateway_order_id: required(event, "payment.order_id", payment.order_id)?,
                payment_id: required(event, "payment.id", Some(payment.id))?,
                reason,
            })
        }
        "refund.processed" => {
            // A refund goes back in the currency the payment came in, which
            // is not always INR: the shop gives back captures of any
            // currency it did not ask for, and must hear when they are done.
            let refund: RefundEntity = entity(event, &envelope.payload, "refund")?;
            if refund.amount <= 0 {
                return Err(bad(event, format_args!("the amount {} is not positive", refund.amount)));
            }
            Ok(EventKind::RefundProcessed {
                payment_id: required(event, "refund.payment_id", Some(refund.payment_id))?,
                refund_id: required(event, "refund.id", Some(refund.id))?,
                amount: refund.amount,
                receipt: refund.receipt.filter(|r| !r.trim().is_empty()),
            })
        }
        _ if event.is_empty() => Err(PayError::BadPayload("the event name is empty".to_owned())),
        other => Ok(EventKind::Other(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn payment_event(event: &str, payment: serde_json::Value) -> Vec<u8> {
        json!({
            "entity": "event",
            "account_id": "acc_BFQ7uQEaa7j2z7",
            "event": event,
            "contains": ["payment"],
            "payload": {"payment": {"entity": payment}},
            "created_at": 1_700_000_000,
        })
        .to_string()
        .into_bytes()
    }

    fn captured_payment() -> serde_json::Value {
        json!({
            "id": "pay_29QQoUBi66xm2f",
            "entity": "payment",
            "amount": 50_000,
            "currency": "INR",
            "status": "captured",
            "order_id": "order_9A33XWu170gUtm",
            "method": "card",
            "error_code": null,
            "error_description": null,
        })
    }

    fn kind(body: &[u8]) -> Result<EventKind, PayError> {
        parse_event_kind(body)
    }

    #[test]
    fn order_paid_is_read_as_a_capture_of_its_payment() {
        let mut body: serde_json::Value =
            serde_json::from_slice(&payment_event("order.paid", captured_payment())).unwrap();
        body["contains"] = json!(["payment", "order"]);
        body["payload"]["order"] =
            json!({"entity": {"id": "order_9A33XWu170gUtm", "entity": "order", "status": "paid"}});
        assert_eq!(
            kind(body.to_string().as_bytes()).unwrap(),
            EventKind::PaymentCaptured {
                gateway_order_id: "order_9A33XWu170gUtm".into(),
                payment_id: "pay_29QQoUBi66xm2f".into(),
                amount_paise: 50_000,
                fee_paise: None,
                currency: Some("INR".into()),
                method: "card".into(),
            }
        );
    }

    #[test]
    fn a_failure_without_a_description_falls_back_to_the_code_and_then_to_failed() {
        let mut payment = captured_payment();
        payment["status"] = json!("failed");
        payment["error_code"] = json!("GATEWAY_ERROR");
        payment["error_description"] = json!("");
        let EventKind::PaymentFailed { reason, .. } = kind(&payment_event("payment.failed", payment.clone())).unwrap()
        else {
            panic!("not a failure");
        };
        assert_eq!(reason, "GATEWAY_ERROR");

        payment["error_code"] = json!(null);
        let EventKind::PaymentFailed { reason, .. } = kind(&payment_event("payment.failed", payment)).unwrap() else {
            panic!("not a failure");
        };
        assert_eq!(reason, "failed");
    }

    #[test]
    fn a_refund_of_a_capture_in_another_currency_is_heard_with_its_receipt() {
        let body = json!({
            "entity": "event",
            "event": "refund.processed",
            "contains": ["refund", "payment"],
            "payload": {"refund": {"entity": {
                "id": "rfnd_Usd1", "entity": "refund", "amount": 3_000, "currency": "USD",
                "payment_id": "pay_Usd1", "receipt": "OD-0000042-R7", "status": "processed",
            }}},
            "created_at": 1_700_000_000,
        })
        .to_string();
        assert_eq!(
            kind(body.as_bytes()).unwrap(),
            EventKind::RefundProcessed {
                payment_id: "pay_Usd1".into(),
                refund_id: "rfnd_Usd1".into(),
                amount: 3_000,
                receipt: Some("OD-0000042-R7".into()),
            }
        );
    }

    #[test]
    fn a_capture_in_another_currency_or_none_is_passed_on_with_what_it_said() {
        for (currency, read) in [
            (json!("USD"), Some("USD")),
            (json!(null), None),
            (json!(""), None),
            (json!("INR"), Some("INR")),
        ] {
            let mut payment = captured_payment();
            payment["currency"] = currency.clone();
            let EventKind::PaymentCaptured { currency: got, .. } =
                kind(&payment_event("payment.captured", payment)).unwrap()
            else {
                panic!("not a capture");
            };
            assert_eq!(got.as_deref(), read, "{currency}");
        }
        let mut payment = captured_payment();
        payment.as_object_mut().unwrap().remove("currency");
        let EventKind::PaymentCaptured { currency, .. } = kind(&payment_event("payment.captured", payment)).unwrap()
        else {
            panic!("not a capture");
        };
        assert_eq!(currency, None, "a missing currency is not taken to be INR");
    }

    /// Razorpay's `fee` (GST included) is what the gateway kept; one it
    /// could not have kept is not believed, and the payment still counts.
    #[test]
    fn a_captures_fee_is_read_when_it_is_believable() {
        for (fee, read) in [
            (json!(1_180), Some(1_180)),
            (json!(0), Some(0)),
            (json!(50_001), None),
            (json!(-1), None),
        ] {
            let mut payment = captured_payment();
            payment["fee"] = fee.clone();
            let EventKind::PaymentCaptured { fee_paise, .. } =
                kind(&payment_event("payment.captured", payment)).unwrap()
            else {
                panic!("not a capture");
            };
            assert_eq!(fee_paise, read, "{fee}");
        }
    }

    #[test]
    fn a_capture_of_a_zero_negative_or_fractional_amount_is_refused() {
        for amount in [json!(0), json!(-100), json!(500.5), json!("50000")] {
            let mut payment = captured_payment();
            payment["amount"] = amount.clone();
            let result = kind(&payment_event("payment.captured", payment));
            assert!(matches!(result, Err(PayError::BadPayload(_))), "{amount}: {result:?}");
        }
    }

    #[test]
    fn a_capture_missing_its_order_id_or_method_or_payload_is_refused() {
        for field in ["order_id", "method", "id", "amount"] {
            let mut payment = captured_payment();
            payment.as_object_mut().unwrap().remove(field);
            let result = kind(&payment_event("payment.captured", payment));
            assert!(matches!(result, Err(PayError::BadPayload(_))), "{field}: {result:?}");
        }
        let mut payment = captured_payment();
        payment["order_id"] = json!(null);
        assert!(matches!(
            kind(&payment_event("payment.captured", payment)),
            Err(PayError::BadPayload(_))
        ));
        let no_payload = br#"{"entity":"event","event":"payment.captured","payload":{}}"#;
        assert!(matches!(kind(no_payload), Err(PayError::BadPayload(_))));
    }

    #[test]
    fn an_unhandled_event_is_accepted_whatever_its_payload_looks_like() {
        let body = br#"{"entity":"event","event":"subscription.charged","payload":{"payment":"odd"}}"#;
        assert_eq!(kind(body).unwrap(), EventKind::Other("subscription.charged".into()));
    }

    #[test]
    fn a_body_without_an_event_name_is_refused() {
        assert!(matches!(kind(br#"{"entity":"event"}"#), Err(PayError::BadPayload(_))));
        assert!(matches!(kind(br#"{"event":""}"#), Err(PayError::BadPayload(_))));
        assert!(matches!(kind(br#"[1, 2, 3]"#), Err(PayError::BadPayload(_))));
    }

    #[test]
    fn an_empty_signature_header_counts_as_missing() {
        let body = payment_event("payment.captured", captured_payment());
        let delivery = WebhookDelivery {
            signature: Some("  "),
            event_id: None,
            body: &body,
        };
        assert!(matches!(
            parse_webhook(b"secret", &delivery),
            Err(PayError::MissingSignature)
        ));
    }

    #[test]
    fn an_empty_event_id_header_falls_back_to_the_hash_of_the_body() {
        let body = payment_event("payment.captured", captured_payment());
        let signature = hmac_sha256_hex(b"secret", &body);
        let delivery = WebhookDelivery {
            signature: Some(&signature),
            event_id: Some(""),
            body: &body,
        };
        let event = parse_webhook(b"secret", &delivery).unwrap();
        assert_eq!(event.id, format!("sha256:{}", hex::encode(Sha256::digest(&body))));
    }
}
