//! Tax documents, the rules without the storage: which document a supply
//! needs, the financial year and the serial number it is filed under, the
//! tax of each line and the amount in words.
//!
//! CGST Rule 46 asks of a tax invoice a serial number of at most 16
//! characters (letters, digits, `-` and `/`), consecutive and unique per
//! supplier per financial year (April to March). A bill of supply (Rule 49)
//! and a credit note (Rule 53) are numbered the same way in series of their
//! own. Every amount is integer paise; prices include GST, and the tax of a
//! line is worked out on the line's whole amount, rounded half up to the
//! paisa (`GstRate::tax_in`), exactly as checkout charged it, so that an
//! invoice always adds up to what the buyer paid.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::Locale;
use crate::checkout::TaxSplit;
use crate::gst::GstRate;
use crate::money::Money;

/// The kinds of document, each with a series of its own per supplier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    /// A registered supplier's sale: GST charged.
    TaxInvoice,
    /// An enrolled supplier without GST registration: no tax charged.
    BillOfSupply,
    /// Goods taken back (cancelled after shipping, or returned): refers to
    /// the invoice it reduces.
    CreditNote,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 3] = [
        DocumentKind::TaxInvoice,
        DocumentKind::BillOfSupply,
        DocumentKind::CreditNote,
    ];

    /// How the kind is stored.
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::TaxInvoice => "tax-invoice",
            DocumentKind::BillOfSupply => "bill-of-supply",
            DocumentKind::CreditNote => "credit-note",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        DocumentKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The letters a serial number of the kind starts with.
    fn prefix(self) -> &'static str {
        match self {
            DocumentKind::TaxInvoice => "INV",
            DocumentKind::BillOfSupply => "BOS",
            DocumentKind::CreditNote => "CN",
        }
    }
}

/// India's financial year, April to March, named by the year it starts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    /// The financial year of a day (a day in India: give the IST date).
    pub fn of(day: NaiveDate) -> Self {
        FinancialYear(if day.month() >= 4 { day.year() } else { day.year() - 1 })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).expect("1 April exists")
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).expect("31 March exists")
    }

    /// `2026-27`, as returns and reports name it.
    pub fn label(self) -> String {
        format!("{}-{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }

    /// `2627`, as serial numbers carry it, to stay within 16 characters.
    fn short(self) -> String {
        format!("{:02}{:02}", self.0.rem_euclid(100), (self.0 + 1).rem_euclid(100))
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The most documents of one kind a supplier can issue in a year: the
/// serial number then fills its 16 characters (`INV/2627/9999999`).
pub const MAX_SEQUENCE: u32 = 9_999_999;

/// A document's serial number: kind, financial year and its place in the
/// supplier's series for that year, from 1 without gaps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SerialNumber {
    pub kind: DocumentKind,
    pub year: FinancialYear,
    pub sequence: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a supplier can issue at most {MAX_SEQUENCE} documents of a kind in a financial year")]
pub struct SeriesFull;

impl SerialNumber {
    pub fn new(kind: DocumentKind, year: FinancialYear, sequence: u32) -> Result<Self, SeriesFull> {
        if (1..=MAX_SEQUENCE).contains(&sequence) {
            Ok(SerialNumber { kind, year, sequence })
        } else {
            Err(SeriesFull)
        }
    }
}

impl fmt::Display for SerialNumber {
    /// `INV/2627/00042`: at least five digits, so that numbers of one year
    /// sort as they were issued until the 100,000th.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{:05}", self.kind.prefix(), self.year.short(), self.sequence)
    }
}

/// One line of a document as sold: a price that includes GST, a quantity
/// and the rate the sale was taxed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineSale {
    pub unit_price: Money,
    pub quantity: i64,
    pub rate: GstRate,
}

/// What a line shows: its value before tax and the tax, split by place of
/// supply. `taxable + tax.total()` is always the line's amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineTax {
    pub amount: Money,
    pub taxable: Money,
    pub tax: TaxSplit,
}

/// Works out a line as checkout charged it: the tax inside the line's whole
/// amount, rounded half up to the paisa; within one state half CGST and
/// half SGST (the odd paisa to SGST), across states IGST. A bill of supply
/// carries no tax: pass a zero rate.
pub fn line_tax(line: LineSale, supplier_state: &str, place_of_supply: &str) -> LineTax {
    let amount = Money(line.unit_price.0 * line.quantity);
    let tax = line.rate.tax_in(amount);
    LineTax {
        amount,
        taxable: Money(amount.0 - tax.0),
        tax: TaxSplit::new(tax, supplier_state, place_of_supply),
    }
}

/// The totals of a document: the sums of its lines, never worked out
/// again from the total, so that every line and the whole agree.
pub fn totals(lines: &[LineTax]) -> LineTax {
    lines.iter().fold(
        LineTax {
            amount: Money(0),
            taxable: Money(0),
            tax: TaxSplit::default(),
        },
        |sum, line| LineTax {
            amount: Money(sum.amount.0 + line.amount.0),
            taxable: Money(sum.taxable.0 + line.taxable.0),
            tax: TaxSplit {
                cgst: Money(sum.tax.cgst.0 + line.tax.cgst.0),
                sgst: Money(sum.tax.sgst.0 + line.tax.sgst.0),
                igst: Money(sum.tax.igst.0 + line.tax.igst.0),
            },
        },
    )
}

/// The unit quantity code the GST portal knows goods counted by number by.
pub const UNIT_NUMBERS: &str = "NOS";

/// An item of a seller's part of an order, as the order recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemSold {
    pub hsn: String,
    pub description: String,
    pub sale: LineSale,
}

/// A line of a document: an item sold, or (without an item) the delivery
/// charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentLine {
    /// The index of the item in the items it was made from; `None` for the
    /// delivery charge.
    pub item: Option<usize>,
    pub hsn: String,
    pub description: String,
    pub quantity: i64,
    pub rate: GstRate,
    pub tax: LineTax,
}

/// The lines of the invoice (or bill of supply) for a seller's part of an
/// order: one per item, then the delivery charge as a line of its own.
///
/// Delivery by the seller of the goods is part of one composite supply
/// whose principal supply is the goods (CGST Act section 8(a)): the charge
/// is taxed at the rate of the principal item, the line of the largest
/// amount (the first of equals), and filed under its HSN. Like every price,
/// the charge includes the tax. A bill of supply charges no tax on any line.
pub fn supply_lines(
    kind: DocumentKind,
    items: &[ItemSold],
    delivery: Money,
    supplier_state: &str,
    place_of_supply: &str,
) -> Vec<DocumentLine> {
    let taxed = |rate: GstRate| {
        if kind == DocumentKind::BillOfSupply {
            GstRate(0)
        } else {
            rate
        }
    };
    let mut lines: Vec<DocumentLine> = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let sale = LineSale {
                rate: taxed(item.sale.rate),
                ..item.sale
            };
            DocumentLine {
                item: Some(index),
                hsn: item.hsn.clone(),
                description: item.description.clone(),
                quantity: item.sale.quantity,
                rate: sale.rate,
                tax: line_tax(sale, supplier_state, place_of_supply),
            }
        })
        .collect();
    let principal = lines
        .iter()
        .rev()
        .max_by_key(|line| line.tax.amount.0)
        .map(|line| (line.hsn.clone(), line.rate));
    if delivery.0 > 0
        && let Some((hsn, rate)) = principal
    {
        let sale = LineSale {
            unit_price: delivery,
            quantity: 1,
            rate,
        };
        lines.push(DocumentLine {
            item: None,
            hsn,
            description: String::new(),
            quantity: 1,
            rate,
            tax: line_tax(sale, supplier_state, place_of_supply),
        });
    }
    lines
}

/// The lines of a credit note for goods taken back: every line of the
/// document it corrects, the delivery charge only when it is given back too
/// (a fault of the seller's).
pub fn credit_lines(invoiced: &[DocumentLine], delivery_given_back: bool) -> Vec<DocumentLine> {
    invoiced
        .iter()
        .filter(|line| line.item.is_some() || delivery_given_back)
        .cloned()
        .collect()
}

/// An amount in words, as an invoice states it: Indian numbering (lakh,
/// crore), rupees and paise, "only" at the end.
///
/// `Money(297_950)` is "Rupees Two Thousand Nine Hundred Seventy-Nine and
/// Fifty Paise Only" in English and "दो हज़ार नौ सौ उन्यासी रुपये और
/// पचास पैसे मात्र" in Hindi. A negative amount (a credit note's) is
/// written as its size: the document says which way it goes.
pub fn amount_in_words(amount: Money, locale: Locale) -> String {
    let paise = amount.0.unsigned_abs();
    let (rupees, paise) = (paise / 100, paise % 100);
    match locale {
        Locale::En => {
            let mut out = format!("Rupees {}", english(rupees));
            if paise > 0 {
                out.push_str(&format!(" and {} Paise", english(paise)));
            }
            out.push_str(" Only");
            out
        }
        Locale::Hi => {
            let unit = if rupees == 1 {
                "रुपया"
            } else {
                "रुपये"
            };
            let mut out = format!("{} {unit}", hindi(rupees));
            if paise > 0 {
                out.push_str(&format!(" और {} पैसे", hindi(paise)));
            }
            out.push_str(" मात्र");
            out
        }
    }
}

const ONES: [&str; 20] = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];
const TENS: [&str; 10] = [
    "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
];

/// Hindi has a word of its own for every number below a hundred.
const HINDI: [&str; 100] = [
    "शून्य",
    "एक",
    "दो",
    "तीन",
    "चार",
    "पाँच",
    "छह",
    "सात",
    "आठ",
    "नौ",
    "दस",
    "ग्यारह",
    "बारह",
    "तेरह",
    "चौदह",
    "पंद्रह",
    "सोलह",
    "सत्रह",
    "अठारह",
    "उन्नीस",
    "बीस",
    "इक्कीस",
    "बाईस",
    "तेईस",
    "चौबीस",
    "पच्चीस",
    "छब्बीस",
    "सत्ताईस",
    "अट्ठाईस",
    "उनतीस",
    "तीस",
    "इकतीस",
    "बत्तीस",
    "तैंतीस",
    "चौंतीस",
    "पैंतीस",
    "छत्तीस",
    "सैंतीस",
    "अड़तीस",
    "उनतालीस",
    "चालीस",
    "इकतालीस",
    "बयालीस",
    "तैंतालीस",
    "चौवालीस",
    "पैंतालीस",
    "छियालीस",
    "सैंतालीस",
    "अड़तालीस",
    "उनचास",
    "पचास",
    "इक्यावन",
    "बावन",
    "तिरपन",
    "चौवन",
    "पचपन",
    "छप्पन",
    "सत्तावन",
    "अट्ठावन",
    "उनसठ",
    "साठ",
    "इकसठ",
    "बासठ",
    "तिरसठ",
    "चौंसठ",
    "पैंसठ",
    "छियासठ",
    "सड़सठ",
    "अड़सठ",
    "उनहत्तर",
    "सत्तर",
    "इकहत्तर",
    "बहत्तर",
    "तिहत्तर",
    "चौहत्तर",
    "पचहत्तर",
    "छिहत्तर",
    "सतहत्तर",
    "अठहत्तर",
    "उन्यासी",
    "अस्सी",
    "इक्यासी",
    "बयासी",
    "तिरासी",
    "चौरासी",
    "पचासी",
    "छियासी",
    "सत्तासी",
    "अट्ठासी",
    "नवासी",
    "नब्बे",
    "इक्यानवे",
    "बानवे",
    "तिरानवे",
    "चौरानवे",
    "पचानवे",
    "छियानवे",
    "सत्तानवे",
    "अट्ठानवे",
    "निन्यानवे",
];

/// The Indian scales above a hundred, largest first, in English and Hindi.
/// A crore of crores is written as crores of crores, recursively.
const SCALES: [(u64, &str, &str); 3] = [
    (10_000_000, "Crore", "करोड़"),
    (100_000, "Lakh", "लाख"),
    (1_000, "Thousand", "हज़ार"),
];

fn english(n: u64) -> String {
    indian(
        n,
        |below_hundred| {
            let n = below_hundred as usize;
            match n {
                0..20 => ONES[n].to_owned(),
                _ if n.is_multiple_of(10) => TENS[n / 10].to_owned(),
                _ => format!("{}-{}", TENS[n / 10], ONES[n % 10]),
            }
        },
        "Hundred",
        |scale| scale.1,
    )
}

fn hindi(n: u64) -> String {
    indian(
        n,
        |below_hundred| HINDI[below_hundred as usize].to_owned(),
        "सौ",
        |scale| scale.2,
    )
}

/// Writes `n` in the Indian system with the language's words for numbers
/// below a hundred, for "hundred" and for the scales.
fn indian(
    n: u64,
    below_hundred: impl Fn(u64) -> String + Copy,
    hundred: &str,
    scale_word: impl Fn(&(u64, &'static str, &'static str)) -> &'static str + Copy,
) -> String {
    if n < 100 {
        return below_hundred(n);
    }
    let mut words = Vec::new();
    let mut rest = n;
    for scale in &SCALES {
        if rest >= scale.0 {
            // Only the crores can reach a hundred or more: those recurse.
            words.push(indian(rest / scale.0, below_hundred, hundred, scale_word));
            words.push(scale_word(scale).to_owned());
            rest %= scale.0;
        }
    }
    if rest >= 100 {
        words.push(below_hundred(rest / 100));
        words.push(hundred.to_owned());
        rest %= 100;
    }
    if rest > 0 {
        words.push(below_hundred(rest));
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_financial_year_runs_from_april_to_march() {
        assert_eq!(FinancialYear::of(day(2027, 3, 31)), FinancialYear(2026));
        assert_eq!(FinancialYear::of(day(2027, 4, 1)), FinancialYear(2027));
        assert_eq!(FinancialYear::of(day(2026, 12, 7)), FinancialYear(2026));
        assert_eq!(FinancialYear(2026).label(), "2026-27");
        assert_eq!(FinancialYear(2099).label(), "2099-00");
        assert_eq!(FinancialYear(2026).first_day(), day(2026, 4, 1));
        assert_eq!(FinancialYear(2026).last_day(), day(2027, 3, 31));
    }

    #[test]
    fn serial_numbers_fit_sixteen_characters_of_the_allowed_kinds() {
        let year = FinancialYear(2026);
        for kind in DocumentKind::ALL {
            for sequence in [1, 42, 99_999, 100_000, MAX_SEQUENCE] {
                let serial = SerialNumber::new(kind, year, sequence).unwrap().to_string();
                assert!(serial.len() <= 16, "{serial}");
                assert!(
                    serial
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/'),
                    "{serial}"
                );
            }
            assert_eq!(DocumentKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(
            SerialNumber::new(DocumentKind::TaxInvoice, year, 42)
                .unwrap()
                .to_string(),
            "INV/2627/00042"
        );
        assert_eq!(
            SerialNumber::new(DocumentKind::CreditNote, FinancialYear(2027), 1)
                .unwrap()
                .to_string(),
            "CN/2728/00001"
        );
        assert_eq!(SerialNumber::new(DocumentKind::TaxInvoice, year, 0), Err(SeriesFull));
        assert_eq!(
            SerialNumber::new(DocumentKind::TaxInvoice, year, MAX_SEQUENCE + 1),
            Err(SeriesFull)
        );
    }

    /// Worked by hand. A price includes GST: taxable = amount × 10000 /
    /// (10000 + rate in basis points), rounded half up; tax = amount −
    /// taxable; within UP (09) half each to CGST and SGST, the odd paisa to
    /// SGST; to another state all IGST.
    #[test]
    fn lines_are_taxed_as_worked_by_hand() {
        struct Case {
            price: i64,
            quantity: i64,
            rate_bp: u16,
            to: &'static str,
            taxable: i64,
            cgst: i64,
            sgst: i64,
            igst: i64,
        }
        let cases = [
            // ₹1,050 at 5 % in UP: 105000 × 10000 / 10500 = 100000 exactly.
            Case {
                price: 105_000,
                quantity: 1,
                rate_bp: 500,
                to: "09",
                taxable: 100_000,
                cgst: 2_500,
                sgst: 2_500,
                igst: 0,
            },
            // The same to Maharashtra: all ₹50 as IGST.
            Case {
                price: 105_000,
                quantity: 1,
                rate_bp: 500,
                to: "27",
                taxable: 100_000,
                cgst: 0,
                sgst: 0,
                igst: 5_000,
            },
            // 3 × ₹999 at 12 %: 299700 / 1.12 = 267589.28… → 267589; tax 32111,
            // odd paisa to SGST: 16055 + 16056.
            Case {
                price: 99_900,
                quantity: 3,
                rate_bp: 1200,
                to: "09",
                taxable: 267_589,
                cgst: 16_055,
                sgst: 16_056,
                igst: 0,
            },
            // ₹2,979 at 18 % to Delhi: 297900 / 1.18 = 252457.62… → 252458; tax 45442.
            Case {
                price: 297_900,
                quantity: 1,
                rate_bp: 1800,
                to: "07",
                taxable: 252_458,
                cgst: 0,
                sgst: 0,
                igst: 45_442,
            },
            // 2 × ₹0.03 at 3 %: 6 / 1.03 = 5.82… → 6; no tax at all.
            Case {
                price: 3,
                quantity: 2,
                rate_bp: 300,
                to: "09",
                taxable: 6,
                cgst: 0,
                sgst: 0,
                igst: 0,
            },
            // A half paisa rounds up: ₹0.16 at 28 % = 16 / 1.28 = 12.5 → 13; tax 3,
            // the odd paisa to SGST.
            Case {
                price: 16,
                quantity: 1,
                rate_bp: 2800,
                to: "09",
                taxable: 13,
                cgst: 1,
                sgst: 2,
                igst: 0,
            },
            // 0.25 % (rough precious stones): ₹40,100 → 4010000 / 1.0025 = 4000000 exactly.
            Case {
                price: 4_010_000,
                quantity: 1,
                rate_bp: 25,
                to: "09",
                taxable: 4_000_000,
                cgst: 5_000,
                sgst: 5_000,
                igst: 0,
            },
            // A bill of supply: no tax.
            Case {
                price: 45_000,
                quantity: 2,
                rate_bp: 0,
                to: "09",
                taxable: 90_000,
                cgst: 0,
                sgst: 0,
                igst: 0,
            },
        ];
        for case in cases {
            let line = line_tax(
                LineSale {
                    unit_price: Money(case.price),
                    quantity: case.quantity,
                    rate: GstRate(case.rate_bp),
                },
                "09",
                case.to,
            );
            let expected = (case.taxable, case.cgst, case.sgst, case.igst);
            let got = (line.taxable.0, line.tax.cgst.0, line.tax.sgst.0, line.tax.igst.0);
            assert_eq!(
                got, expected,
                "{} × {} at {} bp to {}",
                case.price, case.quantity, case.rate_bp, case.to
            );
            assert_eq!(
                line.taxable.0 + line.tax.total().0,
                case.price * case.quantity,
                "a line adds up"
            );
        }
    }

    #[test]
    fn an_invoice_of_mixed_rates_totals_its_lines() {
        // A chikankari kurta at 5 % (₹1,050) and a brass diya at 12 % (3 × ₹999), to Lucknow.
        let lines = [
            line_tax(
                LineSale {
                    unit_price: Money(105_000),
                    quantity: 1,
                    rate: GstRate(500),
                },
                "09",
                "09",
            ),
            line_tax(
                LineSale {
                    unit_price: Money(99_900),
                    quantity: 3,
                    rate: GstRate(1200),
                },
                "09",
                "09",
            ),
        ];
        let total = totals(&lines);
        assert_eq!(total.amount, Money(404_700));
        assert_eq!(total.taxable, Money(367_589));
        assert_eq!(
            (total.tax.cgst, total.tax.sgst, total.tax.igst),
            (Money(18_555), Money(18_556), Money(0))
        );
        assert_eq!(total.taxable.0 + total.tax.total().0, total.amount.0);
    }

    #[test]
    fn amounts_are_written_in_indian_numbering_in_both_languages() {
        let cases: [(i64, &str, &str); 10] = [
            (0, "Rupees Zero Only", "शून्य रुपये मात्र"),
            (100, "Rupees One Only", "एक रुपया मात्र"),
            (5, "Rupees Zero and Five Paise Only", "शून्य रुपये और पाँच पैसे मात्र"),
            (
                297_950,
                "Rupees Two Thousand Nine Hundred Seventy-Nine and Fifty Paise Only",
                "दो हज़ार नौ सौ उन्यासी रुपये और पचास पैसे मात्र",
            ),
            (10_000_000, "Rupees One Lakh Only", "एक लाख रुपये मात्र"),
            (
                1_234_567_800,
                "Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight Only",
                "एक करोड़ तेईस लाख पैंतालीस हज़ार छह सौ अठहत्तर रुपये मात्र",
            ),
            (100_100, "Rupees One Thousand One Only", "एक हज़ार एक रुपये मात्र"),
            (
                9_999_999_900,
                "Rupees Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred Ninety-Nine Only",
                "नौ करोड़ निन्यानवे लाख निन्यानवे हज़ार नौ सौ निन्यानवे रुपये मात्र",
            ),
            // A hundred crore: the crores themselves are a hundred.
            (100_000_000_000, "Rupees One Hundred Crore Only", "एक सौ करोड़ रुपये मात्र"),
            (-50_000, "Rupees Five Hundred Only", "पाँच सौ रुपये मात्र"),
        ];
        for (paise, en, hi) in cases {
            assert_eq!(amount_in_words(Money(paise), Locale::En), en, "{paise}");
            assert_eq!(amount_in_words(Money(paise), Locale::Hi), hi, "{paise}");
        }
    }

    #[test]
    fn every_number_below_a_hundred_has_its_own_hindi_word() {
        let words: std::collections::HashSet<&str> = HINDI.iter().copied().collect();
        assert_eq!(words.len(), 100, "no word repeats");
        assert!(
            HINDI
                .iter()
                .all(|word| word.chars().all(|c| ('\u{0900}'..='\u{097F}').contains(&c)))
        );
    }

    #[test]
    fn the_largest_amount_is_written_without_overflow() {
        // 92,23,37,20,36,85,47,758 rupees and 8 paise: crores of crores.
        assert_eq!(
            amount_in_words(Money(i64::MIN), Locale::En),
            "Rupees Nine Hundred Twenty-Two Crore Thirty-Three Lakh Seventy-Two Thousand Thirty-Six Crore \
             Eighty-Five Lakh Forty-Seven Thousand Seven Hundred Fifty-Eight and Eight Paise Only"
        );
    }

    fn item(hsn: &str, price: i64, quantity: i64, rate_bp: u16) -> ItemSold {
        ItemSold {
            hsn: hsn.to_owned(),
            description: format!("item {hsn}"),
            sale: LineSale {
                unit_price: Money(price),
                quantity,
                rate: GstRate(rate_bp),
            },
        }
    }

    /// Worked by hand: a chikankari kurta (HSN 6211, ₹2,240 at 5 %) and two
    /// brass diyas (HSN 7418, ₹590 each at 18 %), with ₹118 for delivery,
    /// sent within UP and to Karnataka.
    #[test]
    fn an_invoice_carries_delivery_at_the_rate_of_its_principal_item() {
        let items = [item("6211", 224_000, 1, 500), item("7418", 59_000, 2, 1800)];
        let within = supply_lines(DocumentKind::TaxInvoice, &items, Money(11_800), "09", "09");
        assert_eq!(within.len(), 3);
        // The kurta: 224000 / 1.05 = 213333.33… → 213333; tax 10667 → 5333 + 5334.
        assert_eq!(within[0].tax.taxable, Money(213_333));
        assert_eq!(
            (within[0].tax.tax.cgst, within[0].tax.tax.sgst),
            (Money(5_333), Money(5_334))
        );
        // The diyas: 118000 / 1.18 = 100000; tax 18000 → 9000 + 9000.
        assert_eq!(within[1].tax.taxable, Money(100_000));
        assert_eq!(within[1].quantity, 2);
        // The kurta (₹2,240) outweighs the diyas (₹1,180): delivery at 5 %
        // under 6211: 11800 / 1.05 = 11238.09… → 11238; tax 562 → 281 + 281.
        let delivery = &within[2];
        assert_eq!(delivery.item, None);
        assert_eq!((delivery.hsn.as_str(), delivery.rate), ("6211", GstRate(500)));
        assert_eq!(delivery.tax.taxable, Money(11_238));
        assert_eq!((delivery.tax.tax.cgst, delivery.tax.tax.sgst), (Money(281), Money(281)));
        let sum = totals(&within.iter().map(|line| line.tax).collect::<Vec<_>>());
        assert_eq!(sum.amount, Money(224_000 + 118_000 + 11_800));
        assert_eq!(sum.taxable, Money(213_333 + 100_000 + 11_238));
        assert_eq!(sum.tax.total(), Money(10_667 + 18_000 + 562));

        let across = supply_lines(DocumentKind::TaxInvoice, &items, Money(11_800), "09", "29");
        assert!(
            across
                .iter()
                .all(|line| line.tax.tax.cgst.0 == 0 && line.tax.tax.sgst.0 == 0)
        );
        assert_eq!(
            across.iter().map(|line| line.tax.tax.igst.0).collect::<Vec<_>>(),
            [10_667, 18_000, 562]
        );
    }

    #[test]
    fn free_delivery_adds_no_line_and_equal_lines_take_the_first_as_principal() {
        let items = [item("6802", 50_000, 1, 1200), item("4420", 50_000, 1, 1800)];
        let lines = supply_lines(DocumentKind::TaxInvoice, &items, Money(0), "09", "09");
        assert_eq!(lines.len(), 2);
        let lines = supply_lines(DocumentKind::TaxInvoice, &items, Money(5_000), "09", "09");
        assert_eq!((lines[2].hsn.as_str(), lines[2].rate), ("6802", GstRate(1200)));
    }

    #[test]
    fn a_bill_of_supply_charges_no_tax_on_any_line() {
        let items = [item("1006", 30_000, 2, 500)];
        let lines = supply_lines(DocumentKind::BillOfSupply, &items, Money(6_000), "09", "09");
        assert_eq!(lines.len(), 2);
        for line in &lines {
            assert_eq!(line.rate, GstRate(0));
            assert_eq!(line.tax.taxable, line.tax.amount);
            assert_eq!(line.tax.tax.total(), Money(0));
        }
    }

    /// A buyer who changed their mind gets the goods' price back, not the
    /// delivery; a seller's fault gives back both.
    #[test]
    fn a_credit_note_takes_back_the_goods_and_the_delivery_only_for_a_fault() {
        let items = [item("6211", 224_000, 1, 500), item("7418", 59_000, 2, 1800)];
        let invoiced = supply_lines(DocumentKind::TaxInvoice, &items, Money(11_800), "09", "07");
        let change_of_mind = credit_lines(&invoiced, false);
        assert_eq!(change_of_mind.len(), 2);
        let sum = totals(&change_of_mind.iter().map(|line| line.tax).collect::<Vec<_>>());
        assert_eq!(sum.amount, Money(342_000));
        assert_eq!(sum.tax.igst, Money(10_667 + 18_000));
        let fault = credit_lines(&invoiced, true);
        assert_eq!(fault, invoiced);
    }
}
