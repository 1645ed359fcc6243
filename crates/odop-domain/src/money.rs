//! Money in integer paise. No floating point touches an amount anywhere.

use std::fmt;
use std::ops::{Add, Mul};

/// An amount in paise (1 rupee = 100 paise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Money(pub i64);

/// The largest price a listing may ask: ₹1 crore. Anything above is a typing mistake.
pub const MAX_PRICE: Money = Money(1_000_000_000);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("enter an amount in rupees, like 1250, 1,25,000 or 1250.50")]
    Malformed,
    #[error("an amount has at most two digits after the decimal point")]
    TooPrecise,
    #[error("the amount must be more than zero")]
    NotPositive,
    #[error("the amount is too large")]
    TooLarge,
}

impl MoneyError {
    pub fn message_id(self) -> &'static str {
        match self {
            MoneyError::Malformed => "money-malformed",
            MoneyError::TooPrecise => "money-too-precise",
            MoneyError::NotPositive => "money-not-positive",
            MoneyError::TooLarge => "money-too-large",
        }
    }
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn paise(self) -> i64 {
        self.0
    }

    pub fn from_rupees(rupees: i64) -> Self {
        Money(rupees * 100)
    }

    /// Parses an amount typed in rupees: `1250`, `1,250.50`, `₹ 1,25,000`,
    /// `100,000`, in Latin or Devanagari digits. Digit groups must be
    /// Indian (`1,00,000`: threes at the end, twos before) or international
    /// (`100,000`: threes throughout): `100,00` is refused rather than read
    /// as ₹10,000. Only positive amounts up to [`MAX_PRICE`] are prices.
    pub fn parse_price(input: &str) -> Result<Self, MoneyError> {
        let text = input.trim();
        let text = ["₹", "Rs.", "Rs", "INR"]
            .iter()
            .find_map(|sign| text.strip_prefix(sign))
            .unwrap_or(text)
            .trim_start();
        let text: String = text
            .chars()
            .map(|c| match c {
                // Devanagari digits ० to ९, as a Hindi keyboard types them.
                '\u{0966}'..='\u{096F}' => char::from(b'0' + (c as u32 - 0x0966) as u8),
                c => c,
            })
            .collect();
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let whole = ungroup(whole)?;
        if whole.is_empty() && fraction.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(MoneyError::Malformed);
        }
        if fraction.len() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        if whole.len() > 12 {
            return Err(MoneyError::TooLarge);
        }
        let rupees: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| MoneyError::Malformed)?
        };
        let paise: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| MoneyError::Malformed)? * 10,
            _ => fraction.parse().map_err(|_| MoneyError::Malformed)?,
        };
        let amount = Money(rupees * 100 + paise);
        if amount.0 <= 0 {
            Err(MoneyError::NotPositive)
        } else if amount > MAX_PRICE {
            Err(MoneyError::TooLarge)
        } else {
            Ok(amount)
        }
    }

    /// The amount in rupees for a form field: `1250` or `1250.50`.
    /// Rupees with two decimals and a minus sign when negative, without a
    /// symbol or grouping: `-1234.50`. What CSV files carry.
    pub fn to_decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let paise = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", paise / 100, paise % 100)
    }

    pub fn to_input(self) -> String {
        if self.0 % 100 == 0 {
            format!("{}", self.0 / 100)
        } else {
            format!("{}.{:02}", self.0 / 100, self.0 % 100)
        }
    }
}

/// The rupees of an amount without its group separators, if they are
/// placed as Indian (`12,34,567`) or international (`1,234,567`) grouping
/// places them; an amount without commas is returned as it is.
fn ungroup(whole: &str) -> Result<String, MoneyError> {
    if !whole.contains(',') {
        return Ok(whole.to_owned());
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let (first, rest) = groups.split_first().ok_or(MoneyError::Malformed)?;
    let (last, middle) = rest.split_last().ok_or(MoneyError::Malformed)?;
    let digits = |group: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&group.len()) && group.bytes().all(|b| b.is_ascii_digit())
    };
    let indian = digits(first, 1..=2) && middle.iter().all(|g| digits(g, 2..=2));
    let international = digits(first, 1..=3) && middle.iter().all(|g| digits(g, 3..=3));
    if digits(last, 3..=3) && (indian || international) {
        Ok(groups.concat())
    } else {
        Err(MoneyError::Malformed)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl Mul<i64> for Money {
    type Output = Money;
    fn mul(self, count: i64) -> Money {
        Money(self.0 * count)
    }
}

/// Rupees with Indian digit grouping (lakhs and crores): `₹1,25,000` or
/// `₹1,250.50`; paise are shown only when there are some.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let paise = self.0.unsigned_abs();
        let rupees = (paise / 100).to_string();
        let grouped = if rupees.len() <= 3 {
            rupees
        } else {
            let (head, last3) = rupees.split_at(rupees.len() - 3);
            let mut groups: Vec<&str> = Vec::new();
            let mut rest = head;
            while rest.len() > 2 {
                let (left, pair) = rest.split_at(rest.len() - 2);
                groups.push(pair);
                rest = left;
            }
            groups.push(rest);
            groups.reverse();
            format!("{},{last3}", groups.join(","))
        };
        match paise % 100 {
            0 => write!(f, "{sign}₹{grouped}"),
            p => write!(f, "{sign}₹{grouped}.{p:02}"),
        }
    }
}

#[cfg(test)]
// Amounts below are written rupees_paise (`1_250_50` is ₹1,250.50), which
// reads better here than uniform groups of three.
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;

    #[test]
    fn amounts_show_with_indian_grouping() {
        let cases = [
            (0, "₹0"),
            (5_00, "₹5"),
            (1_250_50, "₹1,250.50"),
            (12_345_00, "₹12,345"),
            (1_25_000_00, "₹1,25,000"),
            (1_00_00_000_00, "₹1,00,00,000"),
            (5, "₹0.05"),
            (-2_500_00, "-₹2,500"),
        ];
        for (paise, shown) in cases {
            assert_eq!(Money(paise).to_string(), shown);
        }
    }

    #[test]
    fn prices_are_parsed_from_what_people_type() {
        let cases = [
            ("1250", 1_250_00),
            ("1,250.5", 1_250_50),
            ("₹ 1,25,000", 1_25_000_00),
            ("₹1,00,000", 1_00_000_00),
            ("100,000", 1_00_000_00),
            ("10,00,000.50", 10_00_000_50),
            ("1,000,000", 10_00_000_00),
            ("INR 2,979", 2_979_00),
            ("१२५०", 1_250_00),
            ("Rs. 99.99", 99_99),
            (".5", 50),
            ("0.01", 1),
        ];
        for (typed, paise) in cases {
            assert_eq!(Money::parse_price(typed), Ok(Money(paise)), "{typed}");
            assert_eq!(Money::parse_price(&Money(paise).to_input()), Ok(Money(paise)));
        }
        let refused = [
            ("", MoneyError::Malformed),
            ("12a", MoneyError::Malformed),
            ("100,00", MoneyError::Malformed),
            ("1,0000", MoneyError::Malformed),
            ("12,34", MoneyError::Malformed),
            ("1,00,0000", MoneyError::Malformed),
            ("123,45,678", MoneyError::Malformed),
            (",250", MoneyError::Malformed),
            ("1,250,", MoneyError::Malformed),
            ("1,,250", MoneyError::Malformed),
            ("1 250", MoneyError::Malformed),
            ("-5", MoneyError::Malformed),
            ("1e5", MoneyError::Malformed),
            ("12.345", MoneyError::TooPrecise),
            ("0", MoneyError::NotPositive),
            ("0.00", MoneyError::NotPositive),
            ("10000001", MoneyError::TooLarge),
            ("99999999999999999999", MoneyError::TooLarge),
        ];
        for (typed, error) in refused {
            assert_eq!(Money::parse_price(typed), Err(error), "{typed}");
        }
    }

    proptest::proptest! {
        /// Any typed text is a price or a reason, never a panic; a price
        /// shown back in the form reads as the same price.
        #[test]
        fn prices_parse_or_say_why_and_read_back_the_same(input in "[₹Rs. 0-9,.a-z-]{0,20}") {
            if let Ok(price) = Money::parse_price(&input) {
                proptest::prop_assert!(price.0 > 0);
                proptest::prop_assert_eq!(Money::parse_price(&price.to_input()), Ok(price));
            }
        }
    }

    #[test]
    fn decimals_for_files_keep_the_sign_and_both_paise_digits() {
        assert_eq!(Money(123_450).to_decimal(), "1234.50");
        assert_eq!(Money(-150).to_decimal(), "-1.50");
        assert_eq!(Money(-5).to_decimal(), "-0.05");
        assert_eq!(Money(0).to_decimal(), "0.00");
    }
}
