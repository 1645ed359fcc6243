//! An order's life. One buyer order becomes one sub-order per seller, and
//! each sub-order moves through its own states: the artisan in Lucknow and
//! the vendor in Varanasi accept, pack and ship independently. Every
//! transition is decided here, with who may make it; the store records it
//! with who and when.

use std::fmt;

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
    pub const ALL: [SubOrderStatus; 8] = [
        SubOrderStatus::AwaitingPayment,
        SubOrderStatus::Placed,
        SubOrderStatus::Accepted,
        SubOrderStatus::Packed,
        SubOrderStatus::Shipped,
        SubOrderStatus::Delivered,
        SubOrderStatus::Cancelled,
        SubOrderStatus::Rejected,
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
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether nothing more can happen to it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            SubOrderStatus::Delivered | SubOrderStatus::Cancelled | SubOrderStatus::Rejected
        )
    }

    /// Whether the goods have left the seller: stock no longer returns on
    /// cancellation, and the buyer can no longer cancel.
    pub fn has_left_seller(self) -> bool {
        matches!(self, SubOrderStatus::Shipped | SubOrderStatus::Delivered)
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
        }
    }

    /// Who may make it.
    pub fn party(&self) -> Party {
        match self {
            OrderEvent::PaymentSucceeded | OrderEvent::PaymentLapsed | OrderEvent::AcceptanceLapsed => Party::Platform,
            OrderEvent::Accept
            | OrderEvent::Reject { .. }
            | OrderEvent::Pack
            | OrderEvent::Ship { .. }
            | OrderEvent::Deliver => Party::Seller,
            OrderEvent::Cancel => Party::Buyer,
        }
    }

    /// What it says beyond its kind, as recorded with the transition.
    pub fn note(&self) -> Option<String> {
        match self {
            OrderEvent::Reject { reason } => Some(reason.clone()),
            OrderEvent::Ship { courier, tracking } => Some(format!("{courier} {tracking}")),
            _ => None,
        }
    }

    fn check(&self) -> Result<(), TransitionError> {
        match self {
            OrderEvent::Reject { reason } => {
                let length = reason.chars().count();
                if length < 3 {
                    return Err(TransitionError::Invalid("order-reason-required"));
                }
                if length > MAX_REASON_CHARS {
                    return Err(TransitionError::Invalid("order-reason-too-long"));
                }
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
        assert!(status.is_final());
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

    #[test]
    fn codes_round_trip() {
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
