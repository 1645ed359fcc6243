//! GST rates by HSN code, as data with effective dates. Prices on the
//! platform include GST; the rate says how much of a price is tax.

use chrono::NaiveDate;

use crate::money::Money;

/// A Harmonised System of Nomenclature code: 4, 6 or 8 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Hsn(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an HSN code has 4, 6 or 8 digits, like 6204 or 62044990")]
pub struct HsnError;

impl Hsn {
    pub fn parse(input: &str) -> Result<Self, HsnError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
        if matches!(digits.len(), 4 | 6 | 8) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(HsnError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A GST rate in basis points: 500 is 5%.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GstRate(pub u16);

impl GstRate {
    pub fn basis_points(self) -> u16 {
        self.0
    }

    /// `5%`, `0.25%`, `0%`.
    pub fn label(self) -> String {
        let (whole, fraction) = (self.0 / 100, self.0 % 100);
        match fraction {
            0 => format!("{whole}%"),
            f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
            f => format!("{whole}.{f:02}%"),
        }
    }

    /// The tax contained in a price that includes it, rounded to the paisa.
    pub fn tax_in(self, inclusive: Money) -> Money {
        let rate = i64::from(self.0);
        // taxable = price × 10000 / (10000 + rate), rounded half up.
        let taxable = (inclusive.0 * 10_000 * 2 + (10_000 + rate)) / ((10_000 + rate) * 2);
        Money(inclusive.0 - taxable)
    }
}

/// One line of the rate table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GstRule {
    /// Applies to every HSN code starting with these digits.
    pub hsn_prefix: String,
    pub effective_from: NaiveDate,
    pub rate: GstRate,
    /// For rates that depend on the price of a piece (apparel, footwear):
    /// this rule applies up to and including this unit price.
    pub up_to_unit_price: Option<Money>,
}

/// The rate table: which rate applies to an HSN code, a price and a day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GstTable(pub Vec<GstRule>);

impl GstTable {
    /// The rate for a piece with this HSN code and price, sold on `day`: the
    /// rule with the longest matching prefix, then the latest in force, then
    /// the narrowest price band that holds the price.
    pub fn rate(&self, hsn: &Hsn, unit_price: Money, day: NaiveDate) -> Option<GstRate> {
        let in_force: Vec<&GstRule> = self
            .0
            .iter()
            .filter(|rule| hsn.0.starts_with(&rule.hsn_prefix) && rule.effective_from <= day)
            .collect();
        let longest = in_force.iter().map(|r| r.hsn_prefix.len()).max()?;
        let latest = in_force
            .iter()
            .filter(|r| r.hsn_prefix.len() == longest)
            .map(|r| r.effective_from)
            .max()?;
        let mut candidates: Vec<&&GstRule> = in_force
            .iter()
            .filter(|r| r.hsn_prefix.len() == longest && r.effective_from == latest)
            .collect();
        candidates.sort_by_key(|r| r.up_to_unit_price.map_or(i64::MAX, |m| m.0));
        candidates
            .into_iter()
            .find(|r| r.up_to_unit_price.is_none_or(|limit| unit_price <= limit))
            .map(|r| r.rate)
    }

    pub fn knows(&self, hsn: &Hsn) -> bool {
        self.0.iter().any(|rule| hsn.0.starts_with(&rule.hsn_prefix))
    }
}

/// A line of the rate table as a state admin types it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct RateLineInput {
    /// The digits every HSN code it covers starts with: 2 to 8.
    #[serde(default)]
    pub hsn_prefix: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub effective_from: String,
    /// In per cent: `5`, `0.25`, `18`.
    #[serde(default)]
    pub rate: String,
    /// In rupees, for a rate that holds only up to a piece's price; blank
    /// for every price.
    #[serde(default)]
    pub up_to_price: String,
    /// What the code covers and the notification that sets the rate.
    #[serde(default)]
    pub note: String,
}

/// A checked line of the rate table, with its note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLine {
    pub rule: GstRule,
    pub note: String,
}

/// A rate in per cent, as basis points: at most two decimals, 0 to 100.
pub fn parse_percent(input: &str) -> Option<GstRate> {
    let text = input.trim().trim_end_matches('%').trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.len() > 2 || !(fraction.is_empty() || digits(fraction)) {
        return None;
    }
    let hundredths: u32 = format!("{fraction:0<2}").parse().ok()?;
    let bp = whole.parse::<u32>().ok()? * 100 + hundredths;
    (bp <= 10_000).then_some(GstRate(bp as u16))
}

impl RateLineInput {
    /// The line, or what is wrong with each field.
    pub fn validate(&self) -> Result<RateLine, Vec<crate::onboarding::FieldError>> {
        use crate::onboarding::FieldError;
        let problem = |field, message_id| FieldError {
            field,
            message_id,
            limit: None,
        };
        let mut problems = Vec::new();
        let prefix: String = self.hsn_prefix.chars().filter(|c| !c.is_whitespace()).collect();
        if !(2..=8).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(problem("hsn_prefix", "hsn-prefix-malformed"));
        }
        let from = NaiveDate::parse_from_str(self.effective_from.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| *d >= NaiveDate::from_ymd_opt(2017, 7, 1).expect("a date"));
        if from.is_none() {
            problems.push(problem("effective_from", "gst-date-malformed"));
        }
        let rate = parse_percent(&self.rate);
        if rate.is_none() {
            problems.push(problem("rate", "gst-rate-malformed"));
        }
        let up_to = if self.up_to_price.trim().is_empty() {
            Some(None)
        } else {
            Money::parse_price(&self.up_to_price).ok().map(Some)
        };
        if up_to.is_none() {
            problems.push(problem("up_to_price", "money-malformed"));
        }
        let note = crate::text::required(&self.note, 10, 300).ok();
        if note.is_none() {
            problems.push(FieldError {
                field: "note",
                message_id: "gst-note-required",
                limit: Some(10),
            });
        }
        match (from, rate, up_to, note) {
            (Some(effective_from), Some(rate), Some(up_to_unit_price), Some(note)) if problems.is_empty() => {
                Ok(RateLine {
                    rule: GstRule {
                        hsn_prefix: prefix,
                        effective_from,
                        rate,
                        up_to_unit_price,
                    },
                    note,
                })
            }
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn rule(prefix: &str, from: &str, bp: u16, up_to: Option<i64>) -> GstRule {
        GstRule {
            hsn_prefix: prefix.into(),
            effective_from: day(from),
            rate: GstRate(bp),
            up_to_unit_price: up_to.map(Money::from_rupees),
        }
    }

    fn table() -> GstTable {
        GstTable(vec![
            rule("62", "2017-07-01", 500, Some(1000)),
            rule("62", "2017-07-01", 1200, None),
            rule("62", "2025-09-22", 500, Some(2500)),
            rule("62", "2025-09-22", 1800, None),
            rule("4420", "2017-07-01", 1200, None),
            rule("4420", "2025-09-22", 500, None),
            rule("442090", "2025-09-22", 1800, None),
        ])
    }

    #[test]
    fn the_rate_follows_hsn_price_and_day() {
        let table = table();
        let hsn = |h| Hsn::parse(h).unwrap();
        let cases = [
            ("6204", 2_000, "2026-01-01", Some(500)),
            ("6204", 2_500, "2026-01-01", Some(500)),
            ("6204", 2_501, "2026-01-01", Some(1800)),
            ("62044990", 4_000, "2026-01-01", Some(1800)),
            ("6204", 2_000, "2025-09-21", Some(1200)),
            ("6204", 900, "2025-09-21", Some(500)),
            ("44201000", 700, "2025-09-22", Some(500)),
            ("44201000", 700, "2025-09-21", Some(1200)),
            ("44209010", 700, "2026-01-01", Some(1800)),
            ("9999", 700, "2026-01-01", None),
            ("4420", 700, "2017-06-30", None),
        ];
        for (code, rupees, on, expected) in cases {
            assert_eq!(
                table.rate(&hsn(code), Money::from_rupees(rupees), day(on)).map(|r| r.0),
                expected,
                "{code} at ₹{rupees} on {on}"
            );
        }
    }

    #[test]
    fn the_tax_inside_an_inclusive_price_is_exact_to_the_paisa() {
        assert_eq!(GstRate(500).tax_in(Money::from_rupees(105)), Money::from_rupees(5));
        assert_eq!(GstRate(1800).tax_in(Money::from_rupees(118)), Money::from_rupees(18));
        assert_eq!(GstRate(0).tax_in(Money::from_rupees(118)), Money::ZERO);
        // ₹999 at 5%: taxable ₹951.43 (951.428… rounded), tax ₹47.57.
        assert_eq!(GstRate(500).tax_in(Money(99_900)), Money(4_757));
        assert_eq!(GstRate(500).label(), "5%");
        assert_eq!(GstRate(25).label(), "0.25%");
        assert_eq!(GstRate(250).label(), "2.5%");
    }

    #[test]
    fn hsn_codes_have_4_6_or_8_digits() {
        for ok in ["6204", "620449", "6204 4990", "6204.49.90"] {
            assert!(Hsn::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "620", "62044", "6204499012", "62O4"] {
            assert!(Hsn::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_rate_is_read_in_per_cent_to_two_decimals() {
        assert_eq!(parse_percent("5"), Some(GstRate(500)));
        assert_eq!(parse_percent("0.25"), Some(GstRate(25)));
        assert_eq!(parse_percent("12.5%"), Some(GstRate(1250)));
        assert_eq!(parse_percent(" 18 "), Some(GstRate(1800)));
        assert_eq!(parse_percent("0"), Some(GstRate(0)));
        for bad in ["", "5.125", "101", "-5", "five", "5..0", ".5", "1e2"] {
            assert_eq!(parse_percent(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_rate_line_needs_a_prefix_a_date_in_gst_a_rate_and_its_source() {
        let good = RateLineInput {
            hsn_prefix: "7018".into(),
            effective_from: "2025-09-22".into(),
            rate: "5".into(),
            up_to_price: String::new(),
            note: "Glass bangles. Source: Notif. 9/2025-CT(Rate)".into(),
        };
        let line = good.validate().unwrap();
        assert_eq!(line.rule.rate, GstRate(500));
        assert_eq!(line.rule.up_to_unit_price, None);
        let banded = RateLineInput {
            up_to_price: "2500".into(),
            ..good.clone()
        };
        assert_eq!(
            banded.validate().unwrap().rule.up_to_unit_price,
            Some(Money::from_rupees(2500))
        );
        let bad = RateLineInput {
            hsn_prefix: "7".into(),
            effective_from: "2016-01-01".into(),
            rate: "150".into(),
            up_to_price: "lots".into(),
            note: "x".into(),
        };
        let fields: Vec<&str> = bad.validate().unwrap_err().iter().map(|p| p.field).collect();
        assert_eq!(fields, ["hsn_prefix", "effective_from", "rate", "up_to_price", "note"]);
    }
}
