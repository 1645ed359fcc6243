//! What a captured payment does to its order: it pays it only when it is
//! exactly what was asked for, in rupees, and the order still needs paying.
//! Any other money received is owed back in full, on its own, and shown to
//! the state's admins as a payment exception.

/// The only currency orders are priced in.
pub const INR: &str = "INR";

/// Why a captured payment was not applied to its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentException {
    /// In rupees, but not the order's total: 1 paisa for a ₹2,979 order,
    /// or more than was asked.
    WrongAmount,
    /// In another currency: its amount is not paise at all.
    WrongCurrency,
    /// The gateway did not say which currency: the amount cannot be read.
    NoCurrency,
    /// The order was paid already, by another attempt or another payment
    /// of the same attempt (a double click, a retried request).
    AlreadyPaid,
    /// The order's stock hold lapsed, or the buyer cancelled it, before the
    /// money came, and its goods are gone.
    PaidAfterHold,
}

impl PaymentException {
    pub const ALL: [PaymentException; 5] = [
        PaymentException::WrongAmount,
        PaymentException::WrongCurrency,
        PaymentException::NoCurrency,
        PaymentException::AlreadyPaid,
        PaymentException::PaidAfterHold,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PaymentException::WrongAmount => "wrong-amount",
            PaymentException::WrongCurrency => "wrong-currency",
            PaymentException::NoCurrency => "no-currency",
            PaymentException::AlreadyPaid => "already-paid",
            PaymentException::PaidAfterHold => "paid-after-hold",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The id of the message explaining it to an admin.
    pub fn message_id(self) -> &'static str {
        match self {
            PaymentException::WrongAmount => "payment-exception-wrong-amount",
            PaymentException::WrongCurrency => "payment-exception-wrong-currency",
            PaymentException::NoCurrency => "payment-exception-no-currency",
            PaymentException::AlreadyPaid => "payment-exception-already-paid",
            PaymentException::PaidAfterHold => "payment-exception-paid-after-hold",
        }
    }
}

/// A payment a gateway reports as captured, as it reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capture<'a> {
    /// In the smallest unit of `currency`.
    pub amount: i64,
    pub currency: Option<&'a str>,
}

/// Whether a capture pays the attempt it was made against: only an INR
/// amount equal to the attempt's, for an order that no other payment has
/// paid. The amount is judged before the order's state, so that a payment
/// of the wrong amount is named as such even when the order was paid too.
pub fn judge(capture: Capture<'_>, expected_paise: i64, order_paid_already: bool) -> Result<(), PaymentException> {
    match capture.currency {
        None => Err(PaymentException::NoCurrency),
        Some(currency) if !currency.eq_ignore_ascii_case(INR) => Err(PaymentException::WrongCurrency),
        Some(_) if capture.amount != expected_paise => Err(PaymentException::WrongAmount),
        Some(_) if order_paid_already => Err(PaymentException::AlreadyPaid),
        Some(_) => Ok(()),
    }
}

/// The receipt a refund goes to the gateway with. It names the order (for
/// people reading the gateway's dashboard) and the refund (for the shop):
/// the gateway's event about the refund carries it back, so the refund is
/// found even when the gateway's first answer was lost on the way.
pub fn refund_receipt(order: i64, refund: i64) -> String {
    format!("{}-R{refund}", crate::orders::order_number(order))
}

/// The refund a receipt of ours names; `None` for any other text.
pub fn refund_in_receipt(receipt: &str) -> Option<i64> {
    let (order, refund) = receipt.rsplit_once("-R")?;
    let order_digits = order.strip_prefix("OD-")?;
    if order_digits.is_empty() || !order_digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if refund.is_empty() || !refund.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    refund.parse().ok().filter(|id| *id > 0)
}

#[cfg(test)]
// Amounts are written rupees_paise (`2_979_00` is ₹2,979.00).
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;

    #[test]
    fn a_refund_receipt_names_the_refund_and_nothing_else_does() {
        let receipt = refund_receipt(42, 7);
        assert_eq!(receipt, "OD-0000042-R7");
        assert_eq!(refund_in_receipt(&receipt), Some(7));
        for other in [
            "",
            "OD-0000042",
            "OD-0000042-R",
            "OD--R7",
            "X-0000042-R7",
            "OD-42-R7x",
            "OD-42-R-7",
            "OD-42-R0",
        ] {
            assert_eq!(refund_in_receipt(other), None, "{other}");
        }
    }

    #[test]
    fn only_the_exact_amount_in_rupees_for_an_unpaid_order_pays_it() {
        let inr = Some("INR");
        let cases = [
            // (amount, currency, expected, paid already) -> verdict
            ((2_979_00, inr, 2_979_00, false), Ok(())),
            ((1, inr, 2_979_00, false), Err(PaymentException::WrongAmount)),
            ((2_979_01, inr, 2_979_00, false), Err(PaymentException::WrongAmount)),
            ((5_000_00, inr, 2_979_00, false), Err(PaymentException::WrongAmount)),
            (
                (2_979_00, Some("USD"), 2_979_00, false),
                Err(PaymentException::WrongCurrency),
            ),
            ((2_979_00, None, 2_979_00, false), Err(PaymentException::NoCurrency)),
            ((2_979_00, inr, 2_979_00, true), Err(PaymentException::AlreadyPaid)),
            ((1, inr, 2_979_00, true), Err(PaymentException::WrongAmount)),
            ((2_979_00, Some("inr"), 2_979_00, false), Ok(())),
        ];
        for ((amount, currency, expected, paid), verdict) in cases {
            assert_eq!(
                judge(Capture { amount, currency }, expected, paid),
                verdict,
                "{amount} {currency:?} for {expected}, paid already: {paid}"
            );
        }
    }

    #[test]
    fn every_kind_reads_back_from_its_code() {
        for kind in PaymentException::ALL {
            assert_eq!(PaymentException::parse(kind.code()), Some(kind));
        }
        assert_eq!(PaymentException::parse("refunded"), None);
    }
}
