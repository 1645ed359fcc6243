//! Taking payments: the [`PaymentGateway`] trait and its two implementations.
//!
//! A payment goes through three steps, whichever gateway handles it:
//!
//! 1. The shop asks the gateway to [create an order](PaymentGateway::create_order)
//!    for a [`PaymentRequest`] and gets back a [`GatewayOrder`], whose id the
//!    payer's browser takes to the gateway's checkout.
//! 2. After checkout, the browser comes back with a payment id and a
//!    signature, which [`PaymentGateway::verify_checkout`] checks. This only
//!    tells the shop what to show the payer; it is not proof of payment,
//!    because the payer might never come back at all.
//! 3. The gateway sends a webhook. [`PaymentGateway::parse_webhook`] checks
//!    its signature over the raw body and turns it into a [`WebhookEvent`].
//!    The webhook is what marks an order paid, so the shop's records stay
//!    right even when the browser is closed half way.
//!
//! Two gateways implement the trait. [`RazorpayGateway`] talks to Razorpay
//! over HTTP. [`SandboxGateway`], the default, runs entirely on this machine:
//! it invents order ids, and its [`simulate`](SandboxGateway::simulate)
//! method produces webhook deliveries in Razorpay's exact format, signed the
//! same way. Because both gateways share one webhook parser, the shop's
//! webhook path is exercised in development exactly as in production, and a
//! bug in it shows up long before real money is involved.
//!
//! Money is always an integer number of paise (`i64`), as Razorpay itself
//! counts it; there are no floating-point amounts anywhere.
//!
//! Webhooks may arrive more than once and in any order. Each
//! [`WebhookEvent`] has an [`id`](WebhookEvent::id) that is the same for
//! every delivery of the same event, so the shop can ignore repeats. Note
//! that Razorpay may report one payment through two different events
//! (`payment.captured` and `order.paid`), which both become
//! [`EventKind::PaymentCaptured`] with different event ids: marking an order
//! paid must therefore also be idempotent on the payment id.

mod protocol;
mod razorpay;
mod sandbox;
pub mod signature;

pub use razorpay::{RazorpayConfig, RazorpayGateway};
pub use sandbox::{SandboxGateway, SandboxOutcome, SignedEvent};

/// What the shop asks a gateway to collect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRequest {
    /// Our order number, e.g. "OD-2026-000123", which the gateway stores
    /// with its own order so that the two can be matched in its dashboard.
    pub receipt: String,
    pub amount_paise: i64,
    /// Free-form key-value pairs the gateway keeps with the order.
    pub notes: Vec<(String, String)>,
}

/// The gateway's side of one payment attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayOrder {
    pub id: String,
    /// The amount as the gateway recorded it, which the caller may compare
    /// with what it asked for.
    pub amount_paise: i64,
}

/// A refund the gateway has accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refund {
    pub id: String,
    pub payment_id: String,
    pub amount_paise: i64,
    /// Whether the money has already gone back. When it has not, a
    /// [`EventKind::RefundProcessed`] webhook follows once it has.
    pub processed: bool,
}

/// A webhook delivery as received: the raw body and the headers that matter.
#[derive(Clone, Copy, Debug)]
pub struct WebhookDelivery<'a> {
    /// For Razorpay and the sandbox, the `X-Razorpay-Signature` header.
    pub signature: Option<&'a str>,
    /// For Razorpay and the sandbox, the `X-Razorpay-Event-Id` header.
    pub event_id: Option<&'a str>,
    /// The body exactly as received: the signature covers these bytes, so
    /// it must not be parsed and re-serialised before checking.
    pub body: &'a [u8],
}

/// A webhook whose signature has been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookEvent {
    /// Unique per event and the same on every redelivery, used to make
    /// processing idempotent.
    pub id: String,
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    PaymentCaptured {
        gateway_order_id: String,
        payment_id: String,
        /// In the smallest unit of `currency`: paise when it is INR.
        amount_paise: i64,
        /// What the gateway kept of it as its fee (GST included), when it
        /// says: Razorpay's `fee`.
        fee_paise: Option<i64>,
        /// As the gateway reported it, `None` when it left it out. The shop
        /// applies only INR payments of the exact amount; any other capture
        /// is still money received, so it is passed on, not refused, to be
        /// recorded and given back.
        currency: Option<String>,
        /// How the payer paid: "upi", "card", "netbanking", "wallet"…
        method: String,
    },
    PaymentFailed {
        gateway_order_id: String,
        payment_id: String,
        /// The gateway's explanation, fit to show the payer.
        reason: String,
    },
    RefundProcessed {
        payment_id: String,
        refund_id: String,
        /// In the smallest unit of the payment's currency.
        amount: i64,
        /// The receipt the shop sent with the refund, if any.
        receipt: Option<String>,
    },
    /// Any other event type; acknowledged and ignored.
    Other(String),
}

#[derive(Debug, thiserror::Error)]
pub enum PayError {
    #[error("the signature does not match")]
    BadSignature,
    #[error("the webhook carries no signature")]
    MissingSignature,
    #[error("the payload is not a valid event: {0}")]
    BadPayload(String),
    /// The gateway answered and said no; nothing happened.
    #[error("the gateway refused: {0}")]
    Refused(String),
    /// The gateway did not answer, or answered something unintelligible.
    /// The request may or may not have taken effect.
    #[error("the gateway could not be reached: {0}")]
    Unreachable(String),
}

/// A payment provider, as the shop sees it.
#[async_trait::async_trait]
pub trait PaymentGateway: Send + Sync {
    /// The code used in URLs and storage: "sandbox" or "razorpay".
    fn code(&self) -> &'static str;

    async fn create_order(&self, request: &PaymentRequest) -> Result<GatewayOrder, PayError>;

    /// Checks the signature a payer's browser brings back after checkout.
    fn verify_checkout(&self, gateway_order_id: &str, payment_id: &str, signature: &str) -> Result<(), PayError>;

    /// Checks a webhook's signature over the raw body, then parses it.
    fn parse_webhook(&self, delivery: &WebhookDelivery<'_>) -> Result<WebhookEvent, PayError>;

    /// Returns `amount_paise` of a captured payment to the payer; `receipt`
    /// is our reference for the refund.
    async fn refund(&self, payment_id: &str, amount_paise: i64, receipt: &str) -> Result<Refund, PayError>;

    /// The public key the gateway's checkout in the payer's browser needs,
    /// for gateways that have one.
    fn checkout_key(&self) -> Option<&str> {
        None
    }
}
