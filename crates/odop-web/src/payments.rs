//! Money in and out: starting a payment with the configured gateway,
//! receiving its webhooks (the sandbox's come through the same function),
//! sending the refunds the store records as owed, and the housekeeping that
//! lapses unpaid holds and unanswered orders.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use odop_domain::OrderId;
use odop_domain::money::Money;
use odop_domain::orders::SubOrderStatus;
use odop_pay::{EventKind, PayError, PaymentGateway, PaymentRequest, SandboxGateway, WebhookDelivery};
use odop_store::orders::{self, BuyerNotice, Notices, ReturnNotice, SellerNotice};
use odop_store::outbox::{Channel, NewMessage};
use odop_store::payments::{self as store, NewsOutcome, PaymentNews, PaymentRecord, RefundAnswer};

use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Arg, Catalog, Tr};

/// The secret the sandbox signs its events with unless configured. The
/// sandbox moves no money, so a known secret harms nothing; it must be the
/// same on every node, since any node may receive the event.
pub const SANDBOX_SECRET: &str = "odop-sandbox-webhook-secret";

/// The gateway this node takes payments through.
#[derive(Clone)]
pub struct Payments {
    gateway: Arc<dyn PaymentGateway>,
    /// Present when the gateway is the sandbox, for its local payment page.
    sandbox: Option<Arc<SandboxGateway>>,
}

impl fmt::Debug for Payments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payments")
            .field("gateway", &self.gateway.code())
            .finish()
    }
}

impl Payments {
    /// The local sandbox: a payment page where the payer chooses the outcome.
    pub fn sandbox() -> Self {
        Self::sandbox_with_fee(0)
    }

    /// The sandbox keeping a fee of `fee_bp` basis points (plus GST) of
    /// each payment, booked as the gateway's fees.
    pub fn sandbox_with_fee(fee_bp: u32) -> Self {
        let sandbox = Arc::new(SandboxGateway::new(SANDBOX_SECRET.as_bytes().to_vec()).with_fee_bp(fee_bp));
        Self {
            gateway: sandbox.clone(),
            sandbox: Some(sandbox),
        }
    }

    /// A real gateway.
    pub fn through(gateway: Arc<dyn PaymentGateway>) -> Self {
        Self { gateway, sandbox: None }
    }

    pub fn gateway(&self) -> &dyn PaymentGateway {
        self.gateway.as_ref()
    }

    pub fn sandbox_gateway(&self) -> Option<&SandboxGateway> {
        self.sandbox.as_deref()
    }
}

/// Words order notices for SMS: in the language each recipient chose for
/// their messages, and as short as their content allows (an SMS in
/// Devanagari carries 70 characters a part, so every word costs).
pub struct SmsNotices {
    hi: Tr,
    en: Tr,
}

/// Items named in a new-order SMS; the rest are counted.
const ITEMS_IN_SMS: usize = 2;
/// Characters of a person's note quoted in an SMS.
const NOTE_IN_SMS: usize = 80;

impl SmsNotices {
    pub fn new(catalog: &Arc<Catalog>) -> Self {
        Self {
            hi: Tr::new(odop_domain::Locale::Hi, catalog.clone()),
            en: Tr::new(odop_domain::Locale::En, catalog.clone()),
        }
    }

    fn tr(&self, locale: odop_domain::Locale) -> &Tr {
        match locale {
            odop_domain::Locale::Hi => &self.hi,
            odop_domain::Locale::En => &self.en,
        }
    }

    /// What a buyer or seller wrote, cut to fit and quoted, so that it
    /// reads as theirs and never runs into the sentence after it.
    fn quoted(tr: &Tr, note: &str) -> String {
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        if note.is_empty() {
            return String::new();
        }
        let cut: String = note.chars().take(NOTE_IN_SMS).collect();
        let cut = if cut.len() < note.len() {
            format!("{}…", cut.trim_end())
        } else {
            cut
        };
        tr.t1("sms-quoted-note", "note", cut)
    }
}

impl SmsNotices {
    /// The payee's message when the bank has answered for its payout.
    pub fn payout(&self, notice: &odop_store::payouts::PayoutNotice) -> NewMessage {
        let tr = self.tr(notice.locale);
        let id = if notice.paid {
            "sms-payout-paid"
        } else {
            "sms-payout-failed"
        };
        NewMessage {
            channel: Channel::Sms,
            recipient: notice.recipient.clone(),
            body: tr.with(
                id,
                &[
                    ("amount", notice.amount.to_string().into()),
                    ("reference", notice.reference.clone().into()),
                ],
            ),
            sensitive: false,
            kind: "payout",
        }
    }
}

impl Notices for SmsNotices {
    fn to_seller(&self, notice: &SellerNotice) -> NewMessage {
        let tr = self.tr(notice.locale);
        let mut items: Vec<String> = notice
            .items
            .iter()
            .take(ITEMS_IN_SMS)
            .map(|(title, variant, quantity)| format!("{quantity}× {title} ({variant})"))
            .collect();
        if notice.items.len() > ITEMS_IN_SMS {
            items.push(tr.t1("sms-more-items", "count", notice.items.len() - ITEMS_IN_SMS));
        }
        NewMessage {
            channel: Channel::Sms,
            recipient: notice.recipient.clone(),
            body: tr.with(
                "sms-new-order",
                &[
                    ("number", Arg::from(notice.order_number.as_str())),
                    ("items", Arg::from(items.join(", "))),
                    ("pickup", Arg::from(notice.pickup.as_str())),
                ],
            ),
            sensitive: false,
            kind: "order",
        }
    }

    fn to_buyer(&self, notice: &BuyerNotice) -> NewMessage {
        let tr = self.tr(notice.locale);
        let note = notice.note.as_deref().map(|n| Self::quoted(tr, n)).unwrap_or_default();
        NewMessage {
            channel: Channel::Sms,
            recipient: notice.recipient.clone(),
            body: tr.with(
                "sms-order-moved",
                &[
                    ("number", Arg::from(notice.order_number.as_str())),
                    (
                        "status",
                        Arg::from(tr.t(&format!("order-status-{}", notice.status.code()))),
                    ),
                    ("note", Arg::from(note)),
                ],
            ),
            sensitive: false,
            kind: "order",
        }
    }

    fn return_to_seller(&self, notice: &ReturnNotice) -> NewMessage {
        let tr = self.tr(notice.locale);
        NewMessage {
            channel: Channel::Sms,
            recipient: notice.recipient.clone(),
            body: tr.with(
                "sms-return-requested",
                &[
                    ("number", Arg::from(notice.number.as_str())),
                    (
                        "reason",
                        Arg::from(tr.t(&format!("return-reason-{}", notice.reason.code()))),
                    ),
                    ("note", Arg::from(Self::quoted(tr, &notice.note))),
                ],
            ),
            sensitive: false,
            kind: "order",
        }
    }
}

pub fn notices(state: &AppState) -> SmsNotices {
    SmsNotices::new(state.catalog())
}

/// The order's open payment attempt with this site's gateway, opened now if
/// it has none: requests racing to pay one order (a double click, a retried
/// request, two nodes) all get the same attempt, never one each.
pub async fn start(state: &AppState, order: OrderId, number: &str, total: Money) -> Result<PaymentRecord, AppError> {
    let gateway = state.payments().gateway();
    if let Some(open) = store::open_attempt(state.db(), order).await? {
        if open.gateway == gateway.code() {
            return Ok(open);
        }
        // Opened with a gateway this site no longer uses: nobody can pay it here.
        store::close_attempt(state.db(), open.id, "superseded", Utc::now()).await?;
    }
    let request = PaymentRequest {
        receipt: number.to_owned(),
        amount_paise: total.0,
        notes: vec![("order".into(), number.to_owned())],
    };
    let created = gateway.create_order(&request).await.map_err(|error| match error {
        PayError::Unreachable(detail) => {
            tracing::warn!(order = number, %detail, "the payment gateway could not be reached");
            AppError::PaymentUnavailable
        }
        other => AppError::Internal(format!("the payment gateway refused an order: {other}")),
    })?;
    if created.amount_paise != total.0 {
        return Err(AppError::Internal(format!(
            "the gateway recorded {} paise for order {number} of {} paise",
            created.amount_paise, total.0
        )));
    }
    Ok(store::record_attempt(state.db(), order, gateway.code(), &created.id, total, Utc::now()).await?)
}

/// Why a webhook was refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookRefusal {
    #[error("no such payment gateway")]
    UnknownGateway,
    #[error(transparent)]
    Pay(#[from] PayError),
}

/// Verifies and applies one webhook delivery from gateway `code`. A forged
/// or malformed delivery changes nothing and is logged; a repeated one is
/// acknowledged and changes nothing.
pub async fn receive(
    state: &AppState,
    code: &str,
    delivery: &WebhookDelivery<'_>,
) -> Result<Result<NewsOutcome, WebhookRefusal>, AppError> {
    let gateway = state.payments().gateway();
    if gateway.code() != code {
        return Ok(Err(WebhookRefusal::UnknownGateway));
    }
    let event = match gateway.parse_webhook(delivery) {
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(gateway = code, %error, "refused a payment webhook");
            return Ok(Err(error.into()));
        }
    };
    let news = match event.kind {
        EventKind::PaymentCaptured {
            gateway_order_id,
            payment_id,
            amount_paise,
            fee_paise,
            currency,
            method,
        } => PaymentNews::Captured {
            gateway_order_id,
            payment_id,
            amount: amount_paise,
            fee: fee_paise.unwrap_or(0),
            currency,
            method,
        },
        EventKind::PaymentFailed {
            gateway_order_id,
            payment_id,
            reason,
        } => PaymentNews::Failed {
            gateway_order_id,
            payment_id,
            reason,
        },
        EventKind::RefundProcessed {
            payment_id,
            refund_id,
            receipt,
            ..
        } => PaymentNews::Refunded {
            payment_id,
            refund_id,
            receipt,
        },
        EventKind::Other(_) => PaymentNews::Other,
    };
    let outcome = store::apply_news(state.db(), code, &event.id, &news, &notices(state), Utc::now()).await?;
    tracing::info!(gateway = code, event = %event.id, ?outcome, "payment webhook");
    if outcome == NewsOutcome::RefundOwed {
        send_refunds(state).await?;
    }
    Ok(Ok(outcome))
}

/// Sends owed refunds to the gateway; returns how many it accepted. Each is
/// claimed first, so that nodes sending at once never send one twice; one
/// whose answer is lost is left for the gateway's event or an admin.
pub async fn send_refunds(state: &AppState) -> Result<usize, AppError> {
    let gateway = state.payments().gateway();
    let mut accepted = 0;
    for refund in store::pending_refunds(state.db(), 50).await? {
        if refund.gateway != gateway.code() {
            continue;
        }
        let Some(payment_id) = refund.gateway_payment_id.as_deref() else {
            continue;
        };
        if !store::claim_refund(state.db(), refund.id, Utc::now()).await? {
            continue;
        }
        let receipt = odop_domain::payments::refund_receipt(refund.order_id, refund.id);
        let answer = match gateway.refund(payment_id, refund.amount_paise, &receipt).await {
            Ok(done) => {
                accepted += 1;
                store::refund_answered(
                    state.db(),
                    refund.id,
                    RefundAnswer::Taken {
                        gateway_refund_id: &done.id,
                        processed: done.processed,
                    },
                    Utc::now(),
                )
                .await
            }
            Err(PayError::Refused(reason)) => {
                tracing::warn!(refund = refund.id, %reason, "a refund was refused; will retry");
                store::refund_answered(state.db(), refund.id, RefundAnswer::Refused, Utc::now()).await
            }
            Err(error) => {
                tracing::error!(refund = refund.id, %receipt, %error, "a refund got no answer; it may have been taken");
                store::refund_answered(state.db(), refund.id, RefundAnswer::Unknown, Utc::now()).await
            }
        };
        answer?;
    }
    Ok(accepted)
}

/// Lapses overdue orders and sends owed refunds, every `every`, until the
/// server stops. Every node may run it: each change is a conditional write.
pub async fn housekeeping(state: AppState, every: Duration, shutdown: impl Future<Output = ()> + Send) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = tick.tick() => {
                if let Err(error) = housekeeping_once(&state).await {
                    tracing::error!(%error, "order housekeeping failed; will retry");
                }
            }
        }
    }
}

pub async fn housekeeping_once(state: &AppState) -> Result<(), AppError> {
    let lapsed = orders::lapse_overdue(state.db(), &notices(state), Utc::now()).await?;
    if lapsed > 0 {
        tracing::info!(lapsed, "cancelled overdue orders");
    }
    send_refunds(state).await?;
    // The audit log's head is signed once a day by whichever node gets to
    // it first (the others find today's checkpoint and do nothing).
    if let Some(key) = state.config().keys.signing()
        && let Some(checkpoint) = odop_store::audit::sign_daily_checkpoint(state.db(), key, Utc::now()).await?
    {
        tracing::info!(seq = checkpoint.head.seq, key = %checkpoint.key_id, "audit checkpoint signed");
    }
    Ok(())
}

/// Whether a buyer may still pay for a sub-order in this status.
pub fn payable(status: SubOrderStatus) -> bool {
    status == SubOrderStatus::AwaitingPayment
}

#[cfg(test)]
mod tests {
    use odop_domain::Locale;
    use odop_domain::orders::{ReturnReason, SubOrderStatus};

    use super::*;

    fn notices() -> SmsNotices {
        SmsNotices::new(&Arc::new(Catalog::load().unwrap()))
    }

    fn has_devanagari(text: &str) -> bool {
        text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
    }

    #[test]
    fn a_new_order_reaches_each_seller_in_their_own_language_only() {
        let items = vec![
            ("Chikankari kurta".to_owned(), "M".to_owned(), 2),
            ("Dupatta".to_owned(), "Free size".to_owned(), 1),
            ("Cushion cover".to_owned(), "Red".to_owned(), 1),
            ("Saree".to_owned(), "Blue".to_owned(), 3),
        ];
        let notice = |locale| SellerNotice {
            recipient: "+919822200001".into(),
            locale,
            order_number: "OD-0000042".into(),
            items: items.clone(),
            pickup: "12 Hazratganj, Lucknow, 226001".into(),
        };
        let english = notices().to_seller(&notice(Locale::En)).body;
        assert_eq!(
            english,
            "ODOP order OD-0000042: 2× Chikankari kurta (M), 1× Dupatta (Free size), 2 more. \
             Pickup: 12 Hazratganj, Lucknow, 226001. Accept it on your order desk."
        );
        let hindi = notices().to_seller(&notice(Locale::Hi)).body;
        assert!(
            has_devanagari(&hindi) && !hindi.contains("Accept") && !hindi.contains('\n'),
            "{hindi}"
        );
        assert!(hindi.contains("2 और"), "{hindi}");
    }

    #[test]
    fn a_note_is_quoted_cut_to_fit_and_never_runs_into_the_next_sentence() {
        let long = "The box was torn and the kurta has a stain on the sleeve; I would like it replaced, please, soon";
        let notice = ReturnNotice {
            recipient: "+919822200001".into(),
            locale: Locale::En,
            number: "OD-0000042-7".into(),
            reason: ReturnReason::Damaged,
            note: format!("  {long}\n\n"),
        };
        let body = notices().return_to_seller(&notice).body;
        assert!(body.contains(": Arrived damaged. “The box"), "{body}");
        assert!(body.contains("“The box was torn"), "{body}");
        assert!(body.contains("…” Answer on your order desk within 2 days."), "{body}");
        assert!(
            body.chars().count() <= 290,
            "{} characters: {body}",
            body.chars().count()
        );
        let without = ReturnNotice {
            note: "   ".into(),
            ..notice
        };
        let body = notices().return_to_seller(&without).body;
        assert!(
            body.contains(". Answer on your order desk") && !body.contains('“'),
            "{body}"
        );
    }

    #[test]
    fn a_buyer_hears_where_the_order_stands_in_their_language() {
        let notice = |locale, note: Option<&str>| BuyerNotice {
            recipient: "+919833300001".into(),
            locale,
            order_number: "OD-0000042".into(),
            status: SubOrderStatus::Shipped,
            note: note.map(str::to_owned),
        };
        assert_eq!(
            notices().to_buyer(&notice(Locale::En, None)).body,
            "ODOP order OD-0000042: Shipped."
        );
        let hindi = notices().to_buyer(&notice(Locale::Hi, Some("DTDC 1234"))).body;
        assert!(has_devanagari(&hindi) && hindi.ends_with("“DTDC 1234”"), "{hindi}");
    }
}
