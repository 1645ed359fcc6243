//! Placing an order: the one use case behind the checkout page
//! (`POST /checkout`) and the API (`POST /api/v1/orders`). Each skin turns
//! its input into an [`OrderRequest`] and the [`Refusal`] back into its own
//! answer (a page with the reasons by their fields, or a JSON error); what
//! is checked, and in which order, is decided only here.

use chrono::Utc;
use odop_domain::UserId;
use odop_domain::checkout::{self, AddressInput, CheckoutError, DeliveryAddress};
use odop_domain::money::Money;
use odop_domain::onboarding::FieldError;
use odop_domain::orders::PaymentMethod;
use odop_store::orders::{self, PlaceError, PlaceOrder, Placed};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::AppError;
use crate::payments;

/// An order as a buyer asked for it, before any checking.
#[derive(Clone, Debug)]
pub struct OrderRequest {
    pub buyer: UserId,
    /// Makes a request sent twice one order: 16 to 100 characters.
    pub key: String,
    pub address: AddressInput,
    /// `online` or `cod`, as sent.
    pub method: String,
    pub accept_terms: bool,
    /// Variant and quantity; a variant may come more than once.
    pub items: Vec<(i64, i64)>,
    /// The total the buyer was shown, when they were shown one: if the
    /// price has changed since, they confirm again.
    pub shown_total: Option<Money>,
}

/// Why an order was not placed.
#[derive(Debug)]
pub enum Refusal {
    /// Fields to correct: the address's (`name`, `phone`, `line1`, `line2`,
    /// `city`, `state`, `pin`), `method` and `accept_terms`.
    Fields(Vec<FieldError>),
    /// The lines or the catalogue do not allow it: sold out, off sale, too
    /// many of one item, cash on delivery not available.
    Checkout(CheckoutError),
    /// The price changed since the buyer saw it: this is the new total.
    TotalChanged(Money),
    /// The key placed an order already, for a different request.
    KeyReused,
}

/// What identifies a request for the idempotency key: the lines, the
/// address and the method, in a canonical form (lines combined and sorted,
/// text as typed), digested.
fn fingerprint(address: &DeliveryAddress, method: PaymentMethod, items: &[(i64, i64)]) -> String {
    let mut digest = Sha256::new();
    let mut field = |value: &str| {
        // Lengths first, so that no two different requests read the same.
        digest.update((value.len() as u64).to_be_bytes());
        digest.update(value.as_bytes());
    };
    field(method.code());
    field(&address.name);
    field(address.phone.as_str());
    field(&address.line1);
    field(address.line2.as_deref().unwrap_or(""));
    field(&address.city);
    field(address.state.code);
    field(address.pin.as_str());
    for (variant, quantity) in items {
        field(&format!("{variant}x{quantity}"));
    }
    hex(&digest.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a request and places its order: every problem with the fields
/// at once, then the lines, then the price the buyer saw; then the order
/// is written in one transaction (stock taken, sellers told for cash on
/// delivery). The same key with the same request is the same order.
pub async fn place_order(state: &AppState, request: &OrderRequest) -> Result<Result<Placed, Refusal>, AppError> {
    let mut problems = Vec::new();
    let address = DeliveryAddress::parse(&request.address)
        .map_err(|mut fields| problems.append(&mut fields))
        .ok();
    let method = PaymentMethod::parse(&request.method);
    if method.is_none() {
        problems.push(FieldError::new("method", "checkout-method-required"));
    }
    if !request.accept_terms {
        problems.push(FieldError::new("accept_terms", "checkout-terms-required"));
    }
    let (Some(address), Some(method), true) = (address, method, problems.is_empty()) else {
        return Ok(Err(Refusal::Fields(problems)));
    };
    let items = match checkout::combine_lines(&request.items) {
        Ok(items) => items,
        Err(error) => return Ok(Err(Refusal::Checkout(error))),
    };
    if let Some(shown) = request.shown_total {
        match orders::quote(state.db(), address.state.code, &items, Utc::now()).await? {
            Ok(quote) if quote.total != shown => return Ok(Err(Refusal::TotalChanged(quote.total))),
            Ok(_) => {}
            Err(error) => return Ok(Err(Refusal::Checkout(error))),
        }
    }
    let fingerprint = fingerprint(&address, method, &items);
    let rates = odop_store::gst::table(state.db()).await?;
    let order = PlaceOrder {
        buyer: request.buyer,
        idempotency_key: &request.key,
        fingerprint: &fingerprint,
        address: &address,
        method,
        items: &items,
        hold: state.config().payment_hold(),
        rates: &rates,
    };
    match orders::place(state.db(), &order, &payments::notices(state), Utc::now()).await {
        Ok(placed) => Ok(Ok(placed)),
        Err(PlaceError::Checkout(error)) => Ok(Err(Refusal::Checkout(error))),
        Err(PlaceError::KeyReused) => Ok(Err(Refusal::KeyReused)),
        Err(PlaceError::Store(error)) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(pin: &str) -> DeliveryAddress {
        DeliveryAddress::parse(&AddressInput {
            name: "Asha Verma".into(),
            phone: "9876543210".into(),
            line1: "12 Hazratganj".into(),
            line2: String::new(),
            city: "Lucknow".into(),
            state: "09".into(),
            pin: pin.into(),
        })
        .unwrap()
    }

    #[test]
    fn a_request_differing_in_anything_has_another_fingerprint() {
        let one = fingerprint(&address("226001"), PaymentMethod::Online, &[(7, 2)]);
        assert_eq!(one, fingerprint(&address("226001"), PaymentMethod::Online, &[(7, 2)]));
        assert_eq!(one.len(), 64);
        for other in [
            fingerprint(&address("226010"), PaymentMethod::Online, &[(7, 2)]),
            fingerprint(&address("226001"), PaymentMethod::CashOnDelivery, &[(7, 2)]),
            fingerprint(&address("226001"), PaymentMethod::Online, &[(7, 3)]),
            fingerprint(&address("226001"), PaymentMethod::Online, &[(7, 2), (8, 1)]),
            fingerprint(&address("226001"), PaymentMethod::Online, &[(72, 2)]),
        ] {
            assert_ne!(one, other);
        }
    }
}
