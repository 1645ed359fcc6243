//! An order's life. One buyer order becomes one sub-order per seller, and
//! each sub-order moves through its own states: the artisan in Lucknow and
//! the vendor in Varanasi accept, pack and ship independently. Every
//! transition is decided here, with who may make it; the store records it
//! with who and when.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

/// Where a sub-order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubOrderStatus {
    /// Paid online, payment not yet confirmed; its stock is held.
    AwaitingPayment,
    /// Paid (or cash on delivery): waiting for the seller to accept.
    Placed,
    Accepted,
    Packed,
    Shipped,
    Delivered,
    /// Cancelled by the buyer, or by the platform (payment failed, hold
    /// expired, seller did not answer in time).
    Cancelled,
    /// Refused by the seller, with a reason.
    Rejected,
    /// Delivered, and the buyer asked to send it back (within the
    /// [`ReturnTerms`] of its listings); the seller has
    /// [`ANSWER_RETURN_WITHIN_HOURS`] to answer.
    ReturnRequested,
    /// The seller (or the platform, when the seller did not answer) agreed
    /// to take it back; the buyer sends it.
    ReturnApproved,
    /// The seller received it back; what the buyer paid is refunded.
    Returned,
    /// The seller refused the return, with a reason.
    ReturnRefused,
}

/// Why a buyer sends something back. The first three are the seller's
/// doing, so the delivery charge is refunded too; a change of mind is
/// refunded without it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnReason {
    Damaged,
    WrongItem,
    NotAsDescribed,
    ChangedMind,
}

impl ReturnReason {
    pub const ALL: [ReturnReason; 4] = [
        ReturnReason::Damaged,
        ReturnReason::WrongItem,
        ReturnReason::NotAsDescribed,
        ReturnReason::ChangedMind,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReturnReason::Damaged => "damaged",
            ReturnReason::WrongItem => "wrong-item",
            ReturnReason::NotAsDescribed => "not-as-described",
            ReturnReason::ChangedMind => "changed-mind",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether the seller is to blame.
    pub fn seller_at_fault(self) -> bool {
        self != ReturnReason::ChangedMind
    }

    /// What the buyer gets back for a returned sub-order of `total` paise,
    /// `delivery` of which paid for delivery.
    pub fn refund_paise(self, total: i64, delivery: i64) -> i64 {
        if self.seller_at_fault() {
            total
        } else {
            total - delivery
        }
    }
}

/// How long after delivery a buyer may report a fault of the seller's
/// (damaged, wrong, not as described), even for a product that takes no
/// returns for a change of mind.
pub const FAULT_REPORT_DAYS: i64 = 7;

/// How long a seller has to approve or refuse a return before the platform
/// approves it.
pub const ANSWER_RETURN_WITHIN_HOURS: i64 = 48;

/// A parcel's return terms, from the listings its items were bought from:
/// each listing says how many days it takes returns for (or none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReturnTerms {
    /// The shortest return period among the parcel's items; `None` when one
    /// of them takes no returns for a change of mind.
    pub change_of_mind_days: Option<i64>,
}

impl ReturnTerms {
    /// Terms of a parcel whose items' listings take returns for these many
    /// days (`None`: no returns).
    pub fn of_items(days: impl IntoIterator<Item = Option<i64>>) -> Self {
        let mut shortest = Some(i64::MAX);
        for item in days {
            shortest = match (shortest, item) {
                (Some(a), Some(b)) => Some(a.min(b)),
                _ => None,
            };
        }
        ReturnTerms {
            change_of_mind_days: shortest.filter(|&d| d != i64::MAX),
        }
    }

    /// How many days after delivery a return for `reason` may be asked for
    /// (0: never).
    pub fn days_for(self, reason: ReturnReason) -> i64 {
        let change_of_mind = self.change_of_mind_days.unwrap_or(0);
        if reason.seller_at_fault() {
            change_of_mind.max(FAULT_REPORT_DAYS)
        } else {
            change_of_mind
        }
    }

    /// Whether a parcel delivered at `delivered_at` may be returned for
    /// `reason` at `now`.
    pub fn allow(self, reason: ReturnReason, delivered_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let days = self.days_for(reason);
        days > 0 && now - delivered_at <= Duration::days(days)
    }

    /// The reasons a return may still be asked for at `now`.
    pub fn open_reasons(self, delivered_at: DateTime<Utc>, now: DateTime<Utc>) -> Vec<ReturnReason> {
        ReturnReason::ALL
            .into_iter()
            .filter(|&reason| self.allow(reason, delivered_at, now))
            .collect()
    }
}

/// Who makes a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    Buyer,
    Seller,
    /// The platform itself: a payment gateway's word, a deadline passing.
    Platform,
}

/// Something that happens to a sub-order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderEvent {
    PaymentSucceeded,
    /// The payment failed or its stock hold expired before it was paid.
    PaymentLapsed,
    Accept,
    Reject {
        reason: String,
    },
    Pack,
    Ship {
        courier: String,
        tracking: String,
    },
    Deliver,
    Cancel,
    /// The seller did not accept or reject before the deadline.
    AcceptanceLapsed,
    /// The buyer asks to send a delivered sub-order back.
    RequestReturn {
        reason: ReturnReason,
        note: String,
    },
    ApproveReturn,
    RefuseReturn {
        reason: String,
    },
    /// The returned goods reached the seller.
    ReceiveReturn,
    /// The seller did not answer a return request before the deadline: the
    /// platform approves it.
    ReturnLapsed,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a {event} cannot happen to an order that is {from}")]
    NotNow { from: SubOrderStatus, event: &'static str },
    #[error("only the {allowed:?} may {event} an order")]
    WrongParty { allowed: Party, event: &'static str },
    #[error("{0}")]
    Invalid(&'static str),
}

impl TransitionError {
    /// The message id shown to people.
    pub fn message_id(&self) -> &'static str {
        match self {
            TransitionError::NotNow { .. } | TransitionError::WrongParty { .. } => "order-transition-not-now",
            TransitionError::Invalid(id) => id,
        }
    }
}

impl SubOrderStatus {
    pub const ALL: [SubOrderStatus; 12] = [
        SubOrderStatus::AwaitingPayment,
        SubOrderStatus::Placed,
        SubOrderStatus::Accepted,
        SubOrderStatus::Packed,
        SubOrderStatus::Shipped,
        SubOrderStatus::Delivered,
        SubOrderStatus::Cancelled,
        SubOrderStatus::Rejected,
        SubOrderStatus::ReturnRequested,
        SubOrderStatus::ReturnApproved,
        SubOrderStatus::Returned,
        SubOrderStatus::ReturnRefused,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SubOrderStatus::AwaitingPayment => "awaiting_payment",
            SubOrderStatus::Placed => "placed",
            SubOrderStatus::Accepted => "accepted",
            SubOrderStatus::Packed => "packed",
            SubOrderStatus::Shipped => "shipped",
            SubOrderStatus::Delivered => "delivered",
            SubOrderStatus::Cancelled => "cancelled",
            SubOrderStatus::Rejected => "rejected",
            SubOrderStatus::ReturnRequested => "return_requested",
            SubOrderStatus::ReturnApproved => "return_approved",
            SubOrderStatus::Returned => "returned",
            SubOrderStatus::ReturnRefused => "return_refused",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether nothing more can happen to it (a delivered sub-order may
    /// still be returned for a few days).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            SubOrderStatus::Cancelled
                | SubOrderStatus::Rejected
                | SubOrderStatus::Returned
                | SubOrderStatus::ReturnRefused
        )
    }

    /// Whether the goods have left the seller: stock no longer returns on
    /// cancellation, and the buyer can no longer cancel.
    pub fn has_left_seller(self) -> bool {
        matches!(
            self,
            SubOrderStatus::Shipped
                | SubOrderStatus::Delivered
                | SubOrderStatus::ReturnRequested
                | SubOrderStatus::ReturnApproved
                | SubOrderStatus::Returned
                | SubOrderStatus::ReturnRefused
        )
    }

    /// Whether it is somewhere in a return.
    pub fn is_return(self) -> bool {
        matches!(
            self,
            SubOrderStatus::ReturnRequested
                | SubOrderStatus::ReturnApproved
                | SubOrderStatus::Returned
                | SubOrderStatus::ReturnRefused
        )
    }

    /// The status after `event` made by `party`.
    pub fn after(self, event: &OrderEvent, party: Party) -> Result<SubOrderStatus, TransitionError> {
        use SubOrderStatus::*;
        let required = event.party();
        if party != required {
            return Err(TransitionError::WrongParty {
                allowed: required,
                event: event.code(),
            });
        }
        event.check()?;
        let next = match (self, event) {
            (AwaitingPayment, OrderEvent::PaymentSucceeded) => Placed,
            (AwaitingPayment, OrderEvent::PaymentLapsed) => Cancelled,
            (Placed, OrderEvent::Accept) => Accepted,
            (Placed, OrderEvent::Reject { .. }) => Rejected,
            (Placed, OrderEvent::AcceptanceLapsed) => Cancelled,
            (Accepted, OrderEvent::Pack) => Packed,
            (Accepted | Packed, OrderEvent::Ship { .. }) => Shipped,
            (Shipped, OrderEvent::Deliver) => Delivered,
            (AwaitingPayment | Placed | Accepted | Packed, OrderEvent::Cancel) => Cancelled,
            (Delivered, OrderEvent::RequestReturn { .. }) => ReturnRequested,
            (ReturnRequested, OrderEvent::ApproveReturn | OrderEvent::ReturnLapsed) => ReturnApproved,
            (ReturnRequested, OrderEvent::RefuseReturn { .. }) => ReturnRefused,
            (ReturnApproved, OrderEvent::ReceiveReturn) => Returned,
            _ => {
                return Err(TransitionError::NotNow {
                    from: self,
                    event: event.code(),
                });
            }
        };
        Ok(next)
    }
}

impl fmt::Display for SubOrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How long a seller has to accept or reject a placed order before it is
/// cancelled and the buyer refunded.
pub const ACCEPT_WITHIN_HOURS: i64 = 48;

/// The longest reason, courier name and tracking number taken.
pub const MAX_REASON_CHARS: usize = 500;
pub const MAX_COURIER_CHARS: usize = 60;
pub const MAX_TRACKING_CHARS: usize = 40;

/// The actions a seller sends by name (form and API), in the order of the
/// life cycle: each is understood by [`OrderEvent::from_seller_action`].
pub const SELLER_ACTIONS: [&str; 8] = [
    "accept",
    "reject",
    "pack",
    "ship",
    "deliver",
    "approve-return",
    "refuse-return",
    "receive-return",
];

impl OrderEvent {
    /// Builds a seller's action from a form or API call.
    pub fn from_seller_action(action: &str, reason: &str, courier: &str, tracking: &str) -> Option<Self> {
        Some(match action {
            "accept" => OrderEvent::Accept,
            "reject" => OrderEvent::Reject {
                reason: reason.trim().to_owned(),
            },
            "pack" => OrderEvent::Pack,
            "ship" => OrderEvent::Ship {
                courier: courier.trim().to_owned(),
                tracking: tracking.trim().to_ascii_uppercase(),
            },
            "deliver" => OrderEvent::Deliver,
            "approve-return" => OrderEvent::ApproveReturn,
            "refuse-return" => OrderEvent::RefuseReturn {
                reason: reason.trim().to_owned(),
            },
            "receive-return" => OrderEvent::ReceiveReturn,
            _ => return None,
        })
    }

    pub fn code(&self) -> &'static str {
        match self {
            OrderEvent::PaymentSucceeded => "payment",
            OrderEvent::PaymentLapsed => "payment-lapsed",
            OrderEvent::Accept => "accept",
            OrderEvent::Reject { .. } => "reject",
            OrderEvent::Pack => "pack",
            OrderEvent::Ship { .. } => "ship",
            OrderEvent::Deliver => "deliver",
            OrderEvent::Cancel => "cancel",
            OrderEvent::AcceptanceLapsed => "acceptance-lapsed",
            OrderEvent::RequestReturn { .. } => "request-return",
            OrderEvent::ApproveReturn => "approve-return",
            OrderEvent::RefuseReturn { .. } => "refuse-return",
            OrderEvent::ReceiveReturn => "receive-return",
            OrderEvent::ReturnLapsed => "return-lapsed",
        }
    }

    /// Who may make it.
    pub fn party(&self) -> Party {
        match self {
            OrderEvent::PaymentSucceeded
            | OrderEvent::PaymentLapsed
            | OrderEvent::AcceptanceLapsed
            | OrderEvent::ReturnLapsed => Party::Platform,
            OrderEvent::Accept
            | OrderEvent::Reject { .. }
            | OrderEvent::Pack
            | OrderEvent::Ship { .. }
            | OrderEvent::Deliver
            | OrderEvent::ApproveReturn
            | OrderEvent::RefuseReturn { .. }
            | OrderEvent::ReceiveReturn => Party::Seller,
            OrderEvent::Cancel | OrderEvent::RequestReturn { .. } => Party::Buyer,
        }
    }

    /// What it says beyond its kind, as recorded with the transition.
    pub fn note(&self) -> Option<String> {
        match self {
            OrderEvent::Reject { reason } | OrderEvent::RefuseReturn { reason } => Some(reason.clone()),
            OrderEvent::RequestReturn { note, .. } if !note.is_empty() => Some(note.clone()),
            OrderEvent::Ship { courier, tracking } => Some(format!("{courier} {tracking}")),
            _ => None,
        }
    }

    fn check(&self) -> Result<(), TransitionError> {
        match self {
            OrderEvent::Reject { reason } | OrderEvent::RefuseReturn { reason } => {
                let length = reason.chars().count();
                if length < 3 {
                    return Err(TransitionError::Invalid("order-reason-required"));
                }
                if length > MAX_REASON_CHARS {
                    return Err(TransitionError::Invalid("order-reason-too-long"));
                }
            }
            OrderEvent::RequestReturn { note, .. } if note.chars().count() > MAX_REASON_CHARS => {
                return Err(TransitionError::Invalid("order-reason-too-long"));
            }
            OrderEvent::Ship { courier, tracking } => {
                let courier_length = courier.chars().count();
                if !(2..=MAX_COURIER_CHARS).contains(&courier_length) || courier.chars().any(char::is_control) {
                    return Err(TransitionError::Invalid("order-courier-invalid"));
                }
                let tracking_ok = (4..=MAX_TRACKING_CHARS).contains(&tracking.len())
                    && tracking.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
                if !tracking_ok {
                    return Err(TransitionError::Invalid("order-tracking-invalid"));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// How a buyer pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentMethod {
    /// Through the payment gateway (UPI, card): stock is held until paid.
    Online,
    /// Paid to the courier: stock is taken at once.
    CashOnDelivery,
}

impl PaymentMethod {
    pub fn code(self) -> &'static str {
        match self {
            PaymentMethod::Online => "online",
            PaymentMethod::CashOnDelivery => "cod",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "online" => Some(PaymentMethod::Online),
            "cod" => Some(PaymentMethod::CashOnDelivery),
            _ => None,
        }
    }

    /// The status a new sub-order starts in.
    pub fn first_status(self) -> SubOrderStatus {
        match self {
            PaymentMethod::Online => SubOrderStatus::AwaitingPayment,
            PaymentMethod::CashOnDelivery => SubOrderStatus::Placed,
        }
    }
}

/// The number people quote: `OD-` and the order's id, zero-padded, so that
/// it reads well on a phone call and sorts with time.
pub fn order_number(id: i64) -> String {
    format!("OD-{id:07}")
}

/// Couriers whose own site a buyer may track a parcel on, by words of the
/// name a seller types, with that site. The tracking number is shown next
/// to the link to copy there: couriers change the paths of their tracking
/// pages more often than their addresses.
const COURIER_SITES: &[(&[&str], &str)] = &[
    (
        &["india post", "speed post", "indiapost"],
        "https://www.indiapost.gov.in",
    ),
    (&["delhivery"], "https://www.delhivery.com"),
    (&["dtdc"], "https://www.dtdc.in"),
    (&["blue dart", "bluedart"], "https://www.bluedart.com"),
    (&["ekart"], "https://ekartlogistics.com"),
    (&["xpressbees", "xpress bees"], "https://www.xpressbees.com"),
    (&["shadowfax"], "https://www.shadowfax.in"),
    (&["ecom express", "ecomexpress"], "https://www.ecomexpress.in"),
];

/// The site to track a parcel sent by `courier` on, when odop knows it.
pub fn courier_site(courier: &str) -> Option<&'static str> {
    let name = courier.to_lowercase();
    COURIER_SITES
        .iter()
        .find(|(names, _)| names.iter().any(|n| name.contains(n)))
        .map(|(_, site)| *site)
}

#[cfg(test)]
mod tests {
    use super::OrderEvent::*;
    use super::SubOrderStatus::*;
    use super::*;

    fn ship() -> OrderEvent {
        Ship {
            courier: "India Post".into(),
            tracking: "EE123456789IN".into(),
        }
    }

    #[test]
    fn every_seller_action_name_is_understood_and_made_by_the_seller() {
        for name in SELLER_ACTIONS {
            let event = OrderEvent::from_seller_action(name, "reason", "India Post", "EE1").expect(name);
            assert_eq!(event.code(), name);
            assert_eq!(event.party(), Party::Seller, "{name}");
        }
        assert!(OrderEvent::from_seller_action("cancel", "", "", "").is_none());
    }

    #[test]
    fn an_online_order_is_paid_accepted_packed_shipped_and_delivered() {
        let mut status = PaymentMethod::Online.first_status();
        assert_eq!(status, AwaitingPayment);
        for (event, party, expected) in [
            (PaymentSucceeded, Party::Platform, Placed),
            (Accept, Party::Seller, Accepted),
            (Pack, Party::Seller, Packed),
            (ship(), Party::Seller, Shipped),
            (Deliver, Party::Seller, Delivered),
        ] {
            status = status.after(&event, party).unwrap();
            assert_eq!(status, expected);
        }
        assert!(!status.is_final(), "a delivered order may still be returned");
    }

    #[test]
    fn cash_on_delivery_starts_placed() {
        assert_eq!(PaymentMethod::CashOnDelivery.first_status(), Placed);
    }

    #[test]
    fn the_buyer_may_cancel_until_the_order_ships() {
        for status in [AwaitingPayment, Placed, Accepted, Packed] {
            assert_eq!(status.after(&Cancel, Party::Buyer), Ok(Cancelled), "{status}");
        }
        for status in [Shipped, Delivered, Cancelled, Rejected] {
            assert!(status.after(&Cancel, Party::Buyer).is_err(), "{status}");
        }
    }

    #[test]
    fn only_the_right_party_makes_each_move() {
        assert!(matches!(
            Placed.after(&Accept, Party::Buyer),
            Err(TransitionError::WrongParty { .. })
        ));
        assert!(matches!(
            Placed.after(&Cancel, Party::Seller),
            Err(TransitionError::WrongParty { .. })
        ));
        assert!(matches!(
            AwaitingPayment.after(&PaymentSucceeded, Party::Buyer),
            Err(TransitionError::WrongParty { .. })
        ));
    }

    #[test]
    fn nothing_skips_a_step_or_moves_a_finished_order() {
        assert!(
            AwaitingPayment.after(&Accept, Party::Seller).is_err(),
            "unpaid orders are not accepted"
        );
        assert!(Placed.after(&Pack, Party::Seller).is_err());
        assert!(Placed.after(&ship(), Party::Seller).is_err());
        assert!(Accepted.after(&Deliver, Party::Seller).is_err());
        assert!(
            Placed.after(&PaymentSucceeded, Party::Platform).is_err(),
            "a payment counts once"
        );
        for status in [Delivered, Cancelled, Rejected] {
            for event in [Accept, Pack, ship(), Deliver, PaymentSucceeded, AcceptanceLapsed] {
                assert!(status.after(&event, event.party()).is_err(), "{status} {event:?}");
            }
        }
    }

    #[test]
    fn a_seller_may_ship_without_marking_packed() {
        assert_eq!(Accepted.after(&ship(), Party::Seller), Ok(Shipped));
    }

    #[test]
    fn a_rejection_needs_a_reason_and_a_shipment_a_courier_and_tracking_number() {
        let reject = |reason: &str| Reject { reason: reason.into() };
        assert_eq!(
            Placed.after(&reject(""), Party::Seller),
            Err(TransitionError::Invalid("order-reason-required"))
        );
        assert_eq!(Placed.after(&reject("Out of this colour"), Party::Seller), Ok(Rejected));
        let ship = |courier: &str, tracking: &str| Ship {
            courier: courier.into(),
            tracking: tracking.into(),
        };
        assert!(Accepted.after(&ship("", "EE123456789IN"), Party::Seller).is_err());
        assert!(Accepted.after(&ship("DTDC", "12"), Party::Seller).is_err());
        assert!(Accepted.after(&ship("DTDC", "<script>"), Party::Seller).is_err());
        assert_eq!(Accepted.after(&ship("DTDC", "D1234-5678"), Party::Seller), Ok(Shipped));
    }

    #[test]
    fn unanswered_and_unpaid_orders_lapse() {
        assert_eq!(Placed.after(&AcceptanceLapsed, Party::Platform), Ok(Cancelled));
        assert_eq!(AwaitingPayment.after(&PaymentLapsed, Party::Platform), Ok(Cancelled));
        assert!(Accepted.after(&AcceptanceLapsed, Party::Platform).is_err());
    }

    fn request(reason: ReturnReason) -> OrderEvent {
        RequestReturn {
            reason,
            note: String::new(),
        }
    }

    #[test]
    fn a_delivered_order_is_returned_after_the_seller_approves_and_receives_it() {
        let mut status = Delivered;
        for (event, party, expected) in [
            (request(ReturnReason::Damaged), Party::Buyer, ReturnRequested),
            (ApproveReturn, Party::Seller, ReturnApproved),
            (ReceiveReturn, Party::Seller, Returned),
        ] {
            status = status.after(&event, party).unwrap();
            assert_eq!(status, expected);
        }
        assert!(status.is_final());
        assert!(status.has_left_seller(), "a return never puts stock back by itself");
    }

    #[test]
    fn only_delivered_orders_can_be_returned_and_only_by_the_buyer() {
        for status in [
            AwaitingPayment,
            Placed,
            Accepted,
            Packed,
            Shipped,
            Cancelled,
            Rejected,
            Returned,
        ] {
            assert!(
                status.after(&request(ReturnReason::WrongItem), Party::Buyer).is_err(),
                "{status}"
            );
        }
        assert!(matches!(
            Delivered.after(&request(ReturnReason::WrongItem), Party::Seller),
            Err(TransitionError::WrongParty { .. })
        ));
        assert!(matches!(
            ReturnRequested.after(&ApproveReturn, Party::Buyer),
            Err(TransitionError::WrongParty { .. })
        ));
        assert!(
            ReturnRequested.after(&ReceiveReturn, Party::Seller).is_err(),
            "goods are received only once the return is approved"
        );
        assert!(
            ReturnApproved
                .after(&request(ReturnReason::Damaged), Party::Buyer)
                .is_err()
        );
    }

    #[test]
    fn a_refusal_needs_a_reason_and_an_unanswered_request_is_approved_by_the_platform() {
        let refuse = |reason: &str| RefuseReturn { reason: reason.into() };
        assert_eq!(
            ReturnRequested.after(&refuse(" "), Party::Seller),
            Err(TransitionError::Invalid("order-reason-required"))
        );
        assert_eq!(
            ReturnRequested.after(&refuse("Used and washed"), Party::Seller),
            Ok(ReturnRefused)
        );
        assert_eq!(
            ReturnRequested.after(&ReturnLapsed, Party::Platform),
            Ok(ReturnApproved)
        );
        assert!(ReturnApproved.after(&ReturnLapsed, Party::Platform).is_err());
        let long_note = RequestReturn {
            reason: ReturnReason::Damaged,
            note: "x".repeat(MAX_REASON_CHARS + 1),
        };
        assert_eq!(
            Delivered.after(&long_note, Party::Buyer),
            Err(TransitionError::Invalid("order-reason-too-long"))
        );
    }

    #[test]
    fn the_seller_pays_for_delivery_only_when_the_fault_is_theirs() {
        assert_eq!(ReturnReason::Damaged.refund_paise(154_800, 4_900), 154_800);
        assert_eq!(ReturnReason::WrongItem.refund_paise(154_800, 4_900), 154_800);
        assert_eq!(ReturnReason::ChangedMind.refund_paise(154_800, 4_900), 149_900);
    }

    #[test]
    fn a_change_of_mind_follows_the_listings_terms_and_a_fault_may_be_reported_for_a_week_at_least() {
        let delivered = DateTime::parse_from_rfc3339("2026-11-01T10:00:00Z").unwrap().to_utc();
        let day = |n: i64| delivered + Duration::days(n) + Duration::seconds(1);
        let ten_and_fifteen = ReturnTerms::of_items([Some(10), Some(15)]);
        assert_eq!(
            ten_and_fifteen.change_of_mind_days,
            Some(10),
            "the shortest period counts"
        );
        assert!(ten_and_fifteen.allow(ReturnReason::ChangedMind, delivered, day(9)));
        assert!(!ten_and_fifteen.allow(ReturnReason::ChangedMind, delivered, day(10)));
        assert!(
            ten_and_fifteen.allow(ReturnReason::Damaged, delivered, day(9)),
            "a fault: the longer of the two"
        );

        let one_final_sale = ReturnTerms::of_items([Some(10), None]);
        assert_eq!(one_final_sale.change_of_mind_days, None);
        assert!(!one_final_sale.allow(ReturnReason::ChangedMind, delivered, delivered));
        assert!(one_final_sale.allow(ReturnReason::WrongItem, delivered, day(6)));
        assert!(!one_final_sale.allow(ReturnReason::WrongItem, delivered, day(7)));
        assert_eq!(
            one_final_sale.open_reasons(delivered, day(1)),
            vec![
                ReturnReason::Damaged,
                ReturnReason::WrongItem,
                ReturnReason::NotAsDescribed
            ]
        );

        let three_days = ReturnTerms::of_items([Some(3)]);
        assert_eq!(three_days.days_for(ReturnReason::ChangedMind), 3);
        assert_eq!(three_days.days_for(ReturnReason::Damaged), FAULT_REPORT_DAYS);
        assert!(three_days.open_reasons(delivered, day(8)).is_empty());
    }

    #[test]
    fn codes_round_trip() {
        for reason in ReturnReason::ALL {
            assert_eq!(ReturnReason::parse(reason.code()), Some(reason));
        }
        assert_eq!(
            OrderEvent::from_seller_action("refuse-return", " Worn ", "", ""),
            Some(RefuseReturn { reason: "Worn".into() })
        );
        for status in SubOrderStatus::ALL {
            assert_eq!(SubOrderStatus::parse(status.code()), Some(status));
        }
        assert_eq!(order_number(42), "OD-0000042");
        assert_eq!(
            OrderEvent::from_seller_action("ship", "", " DTDC ", "d123-4"),
            Some(Ship {
                courier: "DTDC".into(),
                tracking: "D123-4".into()
            })
        );
        assert_eq!(OrderEvent::from_seller_action("refund", "", "", ""), None);
    }
}
