//! What a buyer pays, decided before anything is stored: the delivery
//! address (whose state is the GST place of supply), each seller's delivery
//! charge, the tax inside each price and how it splits, and whether cash on
//! delivery is open. Every amount is integer paise.

use crate::gst::GstRate;
use crate::identity::{Phone, Pin};
use crate::money::Money;
use crate::onboarding::{FieldError, Problems};
use crate::orders::PaymentMethod;
use crate::{ListingId, UserId};

/// A state or union territory of India, as GST and India Post know it.
#[derive(Debug, PartialEq, Eq)]
pub struct IndianState {
    /// The GST state code, the first two characters of a GSTIN there.
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_hi: &'static str,
    /// The first two digits of its PIN codes (its postal circle). Circles
    /// do not follow state lines exactly, so several states share some.
    pub pin_prefixes: &'static [u8],
}

/// Uttar Pradesh's GST state code: every seller on odop is registered here.
pub const UTTAR_PRADESH: &str = "09";

macro_rules! states {
    ($(($code:literal, $en:literal, $hi:literal, [$($prefix:literal),+])),+ $(,)?) => {
        /// Every state and union territory, by name.
        pub const STATES: &[IndianState] = &[
            $(IndianState { code: $code, name_en: $en, name_hi: $hi, pin_prefixes: &[$($prefix),+] }),+
        ];
    };
}

states![
    ("35", "Andaman and Nicobar Islands", "अंडमान और निकोबार द्वीपसमूह", [74]),
    ("37", "Andhra Pradesh", "आंध्र प्रदेश", [51, 52, 53]),
    ("12", "Arunachal Pradesh", "अरुणाचल प्रदेश", [79]),
    ("18", "Assam", "असम", [78]),
    ("10", "Bihar", "बिहार", [80, 81, 82, 84, 85]),
    ("04", "Chandigarh", "चंडीगढ़", [16]),
    ("22", "Chhattisgarh", "छत्तीसगढ़", [46, 49]),
    (
        "26",
        "Dadra and Nagar Haveli and Daman and Diu",
        "दादरा और नगर हवेली और दमन और दीव",
        [36, 39]
    ),
    ("07", "Delhi", "दिल्ली", [11]),
    ("30", "Goa", "गोवा", [40]),
    ("24", "Gujarat", "गुजरात", [36, 37, 38, 39]),
    ("06", "Haryana", "हरियाणा", [12, 13]),
    ("02", "Himachal Pradesh", "हिमाचल प्रदेश", [17]),
    ("01", "Jammu and Kashmir", "जम्मू और कश्मीर", [18, 19]),
    ("20", "Jharkhand", "झारखंड", [81, 82, 83]),
    ("29", "Karnataka", "कर्नाटक", [56, 57, 58, 59]),
    ("32", "Kerala", "केरल", [67, 68, 69]),
    ("38", "Ladakh", "लद्दाख", [19]),
    ("31", "Lakshadweep", "लक्षद्वीप", [68]),
    ("23", "Madhya Pradesh", "मध्य प्रदेश", [45, 46, 47, 48]),
    ("27", "Maharashtra", "महाराष्ट्र", [40, 41, 42, 43, 44]),
    ("14", "Manipur", "मणिपुर", [79]),
    ("17", "Meghalaya", "मेघालय", [79]),
    ("15", "Mizoram", "मिज़ोरम", [79]),
    ("13", "Nagaland", "नागालैंड", [79]),
    ("21", "Odisha", "ओडिशा", [75, 76, 77]),
    ("34", "Puducherry", "पुडुचेरी", [53, 60, 67]),
    ("03", "Punjab", "पंजाब", [14, 15, 16]),
    ("08", "Rajasthan", "राजस्थान", [30, 31, 32, 33, 34]),
    ("11", "Sikkim", "सिक्किम", [73]),
    ("33", "Tamil Nadu", "तमिलनाडु", [60, 61, 62, 63, 64]),
    ("36", "Telangana", "तेलंगाना", [50]),
    ("16", "Tripura", "त्रिपुरा", [79]),
    ("09", "Uttar Pradesh", "उत्तर प्रदेश", [20, 21, 22, 23, 24, 25, 26, 27, 28]),
    ("05", "Uttarakhand", "उत्तराखंड", [24, 26]),
    ("19", "West Bengal", "पश्चिम बंगाल", [70, 71, 72, 73, 74]),
];

/// The state with this GST code.
pub fn state(code: &str) -> Option<&'static IndianState> {
    STATES.iter().find(|s| s.code == code)
}

impl IndianState {
    /// Whether `pin` belongs to this state's postal circle. This catches a
    /// state picked by mistake; it cannot prove an address exists.
    pub fn accepts(&self, pin: &Pin) -> bool {
        let circle: u8 = pin.as_str()[..2].parse().unwrap_or(0);
        self.pin_prefixes.contains(&circle)
    }
}

/// Where the goods go, as the buyer typed it.
#[derive(Clone, Debug, Default)]
pub struct AddressInput {
    pub name: String,
    pub phone: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub state: String,
    pub pin: String,
}

/// A checked delivery address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryAddress {
    pub name: String,
    pub phone: Phone,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: &'static IndianState,
    pub pin: Pin,
}

impl DeliveryAddress {
    /// The address whole, or every problem with it.
    pub fn parse(input: &AddressInput) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::default();
        let name = problems.text("name", &input.name, 2, 100);
        let phone = problems.check(Phone::parse(&input.phone), |e| FieldError::id("phone", e));
        let line1 = problems.text("line1", &input.line1, 3, 200);
        let line2 = problems.optional_text("line2", &input.line2, 200);
        let city = problems.text("city", &input.city, 2, 80);
        let state = problems.check(state(input.state.trim()).ok_or(()), |()| {
            FieldError::new("state", "address-state-missing")
        });
        let pin = problems.check(Pin::parse(&input.pin), |e| FieldError::id("pin", e));
        if let (Some(state), Some(pin)) = (state, &pin)
            && !state.accepts(pin)
        {
            problems.0.push(FieldError::new("pin", "address-pin-not-in-state"));
        }
        match (name, phone, line1, line2, city, state, pin) {
            (Some(name), Some(phone), Some(line1), Some(line2), Some(city), Some(state), Some(pin))
                if problems.0.is_empty() =>
            {
                Ok(DeliveryAddress {
                    name,
                    phone,
                    line1,
                    line2,
                    city,
                    state,
                    pin,
                })
            }
            _ => Err(problems.0),
        }
    }
}

/// A seller's delivery charge: flat per sub-order, free from an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeliveryRule {
    pub flat: Money,
    pub free_from: Option<Money>,
}

impl DeliveryRule {
    /// What a seller charges until they set their own rule.
    pub const DEFAULT: DeliveryRule = DeliveryRule {
        flat: Money(6_000),
        free_from: Some(Money(99_900)),
    };

    /// The charge on goods worth `items` (prices inclusive of GST).
    pub fn charge(self, items: Money) -> Money {
        match self.free_from {
            Some(threshold) if items.0 >= threshold.0 => Money(0),
            _ => self.flat,
        }
    }
}

/// Whether a seller takes cash on delivery, and up to what sub-order total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodRule {
    pub allowed: bool,
    pub limit: Money,
}

impl CodRule {
    /// Until a seller says otherwise: allowed up to ₹5,000.
    pub const DEFAULT: CodRule = CodRule {
        allowed: true,
        limit: Money(500_000),
    };

    pub fn permits(self, total: Money) -> bool {
        self.allowed && total.0 <= self.limit.0
    }
}

/// The GST inside an amount, split by place of supply: within Uttar
/// Pradesh half CGST and half SGST, to another state all IGST.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaxSplit {
    pub cgst: Money,
    pub sgst: Money,
    pub igst: Money,
}

impl TaxSplit {
    pub fn new(tax: Money, seller_state: &str, buyer_state: &str) -> Self {
        if seller_state == buyer_state {
            // The odd paisa goes to SGST so the halves always add up.
            let cgst = Money(tax.0 / 2);
            TaxSplit {
                cgst,
                sgst: Money(tax.0 - cgst.0),
                igst: Money(0),
            }
        } else {
            TaxSplit {
                igst: tax,
                ..TaxSplit::default()
            }
        }
    }

    pub fn total(self) -> Money {
        Money(self.cgst.0 + self.sgst.0 + self.igst.0)
    }

    fn add(self, other: TaxSplit) -> TaxSplit {
        TaxSplit {
            cgst: Money(self.cgst.0 + other.cgst.0),
            sgst: Money(self.sgst.0 + other.sgst.0),
            igst: Money(self.igst.0 + other.igst.0),
        }
    }
}

/// Most of one variant in one order, and most lines in one cart: enough for
/// a family's shopping, too little to corner a craft's stock.
pub const MAX_QUANTITY: i64 = 10;
pub const MAX_CART_LINES: usize = 30;

/// A cart line with everything pricing needs, read from the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub listing: ListingId,
    pub variant: i64,
    pub seller: UserId,
    pub title: String,
    pub variant_label: String,
    pub sku: String,
    /// Inclusive of GST.
    pub unit_price: Money,
    pub gst_rate: GstRate,
    pub quantity: i64,
    /// Units available now.
    pub stock: i64,
}

/// A priced line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedLine {
    pub line: Line,
    pub amount: Money,
    pub tax: TaxSplit,
}

/// What one seller's part of the order costs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SellerQuote {
    pub seller: UserId,
    pub lines: Vec<PricedLine>,
    /// Goods, inclusive of GST.
    pub items: Money,
    pub tax: TaxSplit,
    pub delivery: Money,
    pub total: Money,
    pub cod: bool,
    /// The seller charges no GST: its document is a bill of supply.
    pub bill_of_supply: bool,
}

/// The whole order's price, split by seller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    pub sellers: Vec<SellerQuote>,
    pub items: Money,
    pub tax: TaxSplit,
    pub delivery: Money,
    pub total: Money,
}

impl Quote {
    /// Whether every seller in the order takes cash on delivery for its part.
    pub fn cod_possible(&self) -> bool {
        !self.sellers.is_empty() && self.sellers.iter().all(|s| s.cod)
    }
}

/// Why a cart cannot be checked out as it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckoutError {
    #[error("the cart is empty")]
    Empty,
    #[error("{title}: only {available} left")]
    NotEnoughStock { title: String, available: i64 },
    #[error("at most {MAX_QUANTITY} of one item per order")]
    TooMany,
    #[error("each quantity must be at least 1")]
    TooFew,
    #[error("at most {MAX_CART_LINES} different items per order")]
    TooManyLines,
    #[error("cash on delivery is not available for this order")]
    CodNotAvailable,
    #[error("{title} is no longer on sale")]
    NotOnSale { title: String },
    /// The seller is an enrolled supplier without GST, who by law may
    /// sell only within its own state (CGST Notification 34/2023).
    #[error("{title} can be delivered only within Uttar Pradesh: its seller is not registered for GST")]
    OnlyWithinUp { title: String },
}

impl CheckoutError {
    pub fn message_id(&self) -> &'static str {
        match self {
            CheckoutError::Empty => "checkout-empty",
            CheckoutError::NotEnoughStock { .. } => "checkout-sold-out",
            CheckoutError::TooMany => "checkout-too-many",
            CheckoutError::TooFew => "checkout-too-few",
            CheckoutError::TooManyLines => "checkout-too-many-lines",
            CheckoutError::CodNotAvailable => "checkout-cod-unavailable",
            CheckoutError::NotOnSale { .. } => "checkout-not-on-sale",
            CheckoutError::OnlyWithinUp { .. } => "checkout-only-within-up",
        }
    }
}

/// The lines of an order as a program sent them, one per variant: a
/// variant named twice (3 + 5) is one line of the sum, never a line dropped.
/// Every quantity must be at least 1, and each sum at most
/// [`MAX_QUANTITY`]; lines come out ordered by variant, the order in which
/// stock is taken.
pub fn combine_lines(items: &[(i64, i64)]) -> Result<Vec<(i64, i64)>, CheckoutError> {
    if items.is_empty() {
        return Err(CheckoutError::Empty);
    }
    if items.iter().any(|(_, quantity)| *quantity < 1) {
        return Err(CheckoutError::TooFew);
    }
    let mut combined: Vec<(i64, i64)> = Vec::with_capacity(items.len());
    let mut sorted = items.to_vec();
    sorted.sort_unstable();
    for (variant, quantity) in sorted {
        match combined.last_mut() {
            Some((last, sum)) if *last == variant => *sum = sum.saturating_add(quantity),
            _ => combined.push((variant, quantity)),
        }
    }
    if combined.iter().any(|(_, quantity)| *quantity > MAX_QUANTITY) {
        return Err(CheckoutError::TooMany);
    }
    if combined.len() > MAX_CART_LINES {
        return Err(CheckoutError::TooManyLines);
    }
    Ok(combined)
}

/// What a seller's standing and terms make of its part of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SellerRules {
    pub delivery: DeliveryRule,
    pub cod: CodRule,
    /// Registered for GST (itself, or through its vendor): its prices
    /// include GST and it gives a tax invoice. An enrolled supplier without
    /// GST charges none, gives a bill of supply, and sells only within UP.
    pub gst_registered: bool,
}

impl SellerRules {
    pub const DEFAULT: SellerRules = SellerRules {
        delivery: DeliveryRule::DEFAULT,
        cod: CodRule::DEFAULT,
        gst_registered: true,
    };
}

/// Prices `lines` for delivery to `buyer_state`, with each seller's rules.
/// Sellers appear in the order their first line does.
pub fn quote(lines: &[Line], buyer_state: &str, rules: impl Fn(UserId) -> SellerRules) -> Result<Quote, CheckoutError> {
    if lines.is_empty() {
        return Err(CheckoutError::Empty);
    }
    let mut sellers: Vec<SellerQuote> = Vec::new();
    for line in lines {
        let seller_rules = rules(line.seller);
        if !seller_rules.gst_registered && buyer_state != UTTAR_PRADESH {
            return Err(CheckoutError::OnlyWithinUp {
                title: line.title.clone(),
            });
        }
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            return Err(CheckoutError::TooMany);
        }
        if line.quantity > line.stock {
            return Err(CheckoutError::NotEnoughStock {
                title: line.title.clone(),
                available: line.stock.max(0),
            });
        }
        let amount = Money(line.unit_price.0 * line.quantity);
        let mut line = line.clone();
        if !seller_rules.gst_registered {
            line.gst_rate = GstRate(0);
        }
        let tax = TaxSplit::new(line.gst_rate.tax_in(amount), UTTAR_PRADESH, buyer_state);
        let seller = line.seller;
        let priced = PricedLine { line, amount, tax };
        match sellers.iter_mut().find(|s| s.seller == seller) {
            Some(seller) => seller.lines.push(priced),
            None => sellers.push(SellerQuote {
                seller,
                lines: vec![priced],
                items: Money(0),
                tax: TaxSplit::default(),
                delivery: Money(0),
                total: Money(0),
                cod: false,
                bill_of_supply: !seller_rules.gst_registered,
            }),
        }
    }
    for seller in &mut sellers {
        let SellerRules { delivery, cod, .. } = rules(seller.seller);
        seller.items = Money(seller.lines.iter().map(|l| l.amount.0).sum());
        seller.tax = seller.lines.iter().fold(TaxSplit::default(), |sum, l| sum.add(l.tax));
        seller.delivery = delivery.charge(seller.items);
        seller.total = Money(seller.items.0 + seller.delivery.0);
        seller.cod = cod.permits(seller.total);
    }
    let sum = |f: fn(&SellerQuote) -> i64| Money(sellers.iter().map(f).sum());
    Ok(Quote {
        items: sum(|s| s.items.0),
        delivery: sum(|s| s.delivery.0),
        total: sum(|s| s.total.0),
        tax: sellers.iter().fold(TaxSplit::default(), |sum, s| sum.add(s.tax)),
        sellers,
    })
}

/// Checks the buyer's choice of payment against the quote.
pub fn check_method(quote: &Quote, method: PaymentMethod) -> Result<(), CheckoutError> {
    match method {
        PaymentMethod::CashOnDelivery if !quote.cod_possible() => Err(CheckoutError::CodNotAvailable),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(state: &str, pin: &str) -> AddressInput {
        AddressInput {
            name: "Asha Verma".into(),
            phone: "98765 43210".into(),
            line1: "12 Hazratganj".into(),
            line2: String::new(),
            city: "Lucknow".into(),
            state: state.into(),
            pin: pin.into(),
        }
    }

    fn line(seller: i64, price_rupees: i64, quantity: i64) -> Line {
        Line {
            listing: ListingId(seller * 10),
            variant: seller * 100 + price_rupees,
            seller: UserId(seller),
            title: format!("Item {price_rupees}"),
            variant_label: "M".into(),
            sku: "SKU".into(),
            unit_price: Money::from_rupees(price_rupees),
            gst_rate: GstRate(500),
            quantity,
            stock: 5,
        }
    }

    fn defaults(_: UserId) -> SellerRules {
        SellerRules::DEFAULT
    }

    #[test]
    fn every_state_has_a_distinct_gst_code() {
        let mut codes: Vec<&str> = STATES.iter().map(|s| s.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), STATES.len());
        assert_eq!(state("09").unwrap().name_en, "Uttar Pradesh");
    }

    #[test]
    fn a_pin_must_belong_to_the_chosen_state() {
        assert!(DeliveryAddress::parse(&address("09", "226001")).is_ok(), "Lucknow");
        assert!(
            DeliveryAddress::parse(&address("05", "248001")).is_ok(),
            "Dehradun, Uttarakhand"
        );
        assert!(DeliveryAddress::parse(&address("07", "110001")).is_ok(), "New Delhi");
        let errors = DeliveryAddress::parse(&address("07", "226001")).unwrap_err();
        assert_eq!(errors, vec![FieldError::new("pin", "address-pin-not-in-state")]);
        let errors = DeliveryAddress::parse(&address("99", "22600")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["state", "pin"]);
    }

    #[test]
    fn the_same_variant_twice_is_one_line_of_the_sum() {
        assert_eq!(combine_lines(&[(7, 3), (2, 1), (7, 5)]), Ok(vec![(2, 1), (7, 8)]));
        assert_eq!(combine_lines(&[(7, 5), (7, 5)]), Ok(vec![(7, 10)]));
        let refused = [
            (vec![(7, 6), (7, 5)], CheckoutError::TooMany),
            (vec![(7, 11)], CheckoutError::TooMany),
            (vec![(7, i64::MAX), (7, i64::MAX)], CheckoutError::TooMany),
            (vec![(7, 0)], CheckoutError::TooFew),
            (vec![(7, 3), (8, -1)], CheckoutError::TooFew),
            (vec![], CheckoutError::Empty),
            ((1..=31).map(|v| (v, 1)).collect(), CheckoutError::TooManyLines),
        ];
        for (items, error) in refused {
            assert_eq!(combine_lines(&items), Err(error), "{items:?}");
        }
    }

    #[test]
    fn every_missing_field_is_named() {
        let errors = DeliveryAddress::parse(&AddressInput::default()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "phone", "line1", "city", "state", "pin"]);
    }

    #[test]
    fn tax_splits_into_halves_inside_the_state_and_igst_outside() {
        let inside = TaxSplit::new(Money(4_763), UTTAR_PRADESH, "09");
        assert_eq!(
            (inside.cgst, inside.sgst, inside.igst),
            (Money(2_381), Money(2_382), Money(0))
        );
        let outside = TaxSplit::new(Money(4_763), UTTAR_PRADESH, "27");
        assert_eq!((outside.cgst, outside.igst), (Money(0), Money(4_763)));
        assert_eq!(inside.total(), outside.total());
    }

    #[test]
    fn delivery_is_flat_until_the_free_threshold() {
        assert_eq!(DeliveryRule::DEFAULT.charge(Money::from_rupees(998)), Money(6_000));
        assert_eq!(DeliveryRule::DEFAULT.charge(Money(99_900)), Money(0));
        let always = DeliveryRule {
            flat: Money(4_000),
            free_from: None,
        };
        assert_eq!(always.charge(Money::from_rupees(50_000)), Money(4_000));
    }

    #[test]
    fn a_cart_across_sellers_is_priced_per_seller_and_adds_up() {
        let lines = [line(1, 1_499, 1), line(2, 300, 2), line(1, 200, 1)];
        let quote = quote(&lines, "09", defaults).unwrap();
        assert_eq!(quote.sellers.len(), 2);
        let first = &quote.sellers[0];
        assert_eq!(first.seller, UserId(1));
        assert_eq!(first.items, Money::from_rupees(1_699));
        assert_eq!(first.delivery, Money(0), "above the free-delivery threshold");
        let second = &quote.sellers[1];
        assert_eq!(second.items, Money::from_rupees(600));
        assert_eq!(second.delivery, Money(6_000));
        assert_eq!(quote.total, Money::from_rupees(1_699 + 600 + 60));
        // 5% inside ₹1,499 is ₹71.38; tax is never added on top.
        assert_eq!(first.lines[0].tax.total(), Money(7_138));
        assert_eq!(
            quote.tax.total().0,
            quote.sellers.iter().map(|s| s.tax.total().0).sum::<i64>()
        );
    }

    #[test]
    fn stock_and_quantity_limits_refuse_the_cart() {
        let mut short = line(1, 100, 3);
        short.stock = 2;
        assert_eq!(
            quote(&[short], "09", defaults),
            Err(CheckoutError::NotEnoughStock {
                title: "Item 100".into(),
                available: 2
            })
        );
        assert_eq!(quote(&[line(1, 100, 0)], "09", defaults), Err(CheckoutError::TooMany));
        assert_eq!(quote(&[], "09", defaults), Err(CheckoutError::Empty));
    }

    #[test]
    fn cash_on_delivery_needs_every_seller_to_take_it() {
        let lines = [line(1, 100, 1), line(2, 100, 1)];
        let quote = quote(&lines, "09", |seller| {
            let cod = CodRule {
                allowed: seller != UserId(2),
                limit: Money::from_rupees(5_000),
            };
            SellerRules {
                cod,
                ..SellerRules::DEFAULT
            }
        })
        .unwrap();
        assert!(quote.sellers[0].cod && !quote.sellers[1].cod);
        assert_eq!(
            check_method(&quote, PaymentMethod::CashOnDelivery),
            Err(CheckoutError::CodNotAvailable)
        );
        assert_eq!(check_method(&quote, PaymentMethod::Online), Ok(()));
        assert!(!CodRule::DEFAULT.permits(Money::from_rupees(5_001)));
    }

    #[test]
    fn a_seller_without_gst_charges_none_and_delivers_only_within_up() {
        let lines = [line(1, 1_050, 1), line(2, 1_050, 1)];
        let rules = |seller: UserId| SellerRules {
            gst_registered: seller != UserId(2),
            ..SellerRules::DEFAULT
        };
        let quote = quote(&lines, "09", rules).unwrap();
        assert!(!quote.sellers[0].bill_of_supply);
        assert_eq!(quote.sellers[0].tax.total(), Money::from_rupees(50));
        assert!(quote.sellers[1].bill_of_supply);
        assert_eq!(quote.sellers[1].tax.total(), Money::ZERO);
        assert_eq!(quote.sellers[1].lines[0].line.gst_rate, GstRate(0));
        assert_eq!(
            super::quote(&lines, "07", rules),
            Err(CheckoutError::OnlyWithinUp {
                title: lines[1].title.clone()
            })
        );
        assert!(
            super::quote(&lines[..1], "07", rules).is_ok(),
            "a registered seller ships anywhere"
        );
    }
}
