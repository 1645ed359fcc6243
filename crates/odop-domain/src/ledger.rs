//! The marketplace's books, the rules without the storage: its accounts,
//! postings that always balance, and the posting each money event makes.
//!
//! Double entry: a posting moves money between accounts, debits positive
//! and credits negative, and its entries sum to zero; a posting is never
//! edited, only followed by another that reverses it. A balance is the sum
//! of an account's entries, never a number kept on its own. The accounts
//! read as the operator sees them:
//!
//! * money in: the gateway clearing account holds what buyers paid, less
//!   the gateway's fees, refunds and payouts;
//! * owed: buyers' advances (paid, not yet delivered), each seller's
//!   payable, TCS and GST on commission owed to the government;
//! * earned and spent: the operator's commission, the gateway's fees.
//!
//! So at every moment `clearing + fees = advances + sellers' payables +
//! commission + GST on commission + TCS`, and the clearing account is
//! `received − fees − refunded − paid out` ([`Books`] checks both).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::UserId;
use crate::money::Money;

/// An account of the books.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    /// What the payment gateway holds for the operator.
    GatewayClearing,
    /// What the gateway kept as its fees: the operator's expense.
    GatewayFees,
    /// Buyers' money for goods not yet delivered: owed to the buyers until
    /// the sale completes, given back if it does not.
    BuyerAdvances,
    /// What the operator owes one seller (for a sub-vendor: its vendor,
    /// who invoices and is paid for it).
    SellerPayable(UserId),
    /// The operator's commission: its income.
    Commission,
    /// GST charged on the commission, owed to the government.
    GstOnCommission,
    /// Tax collected at source from sellers' sales, owed to the government
    /// (filed per seller GSTIN in GSTR-8).
    TcsPayable,
}

impl Account {
    /// How the account is stored: `seller-payable` carries its seller apart.
    pub fn code(self) -> &'static str {
        match self {
            Account::GatewayClearing => "gateway-clearing",
            Account::GatewayFees => "gateway-fees",
            Account::BuyerAdvances => "buyer-advances",
            Account::SellerPayable(_) => "seller-payable",
            Account::Commission => "commission",
            Account::GstOnCommission => "gst-on-commission",
            Account::TcsPayable => "tcs-payable",
        }
    }

    pub fn from_code(code: &str, seller: Option<UserId>) -> Option<Self> {
        Some(match (code, seller) {
            ("gateway-clearing", None) => Account::GatewayClearing,
            ("gateway-fees", None) => Account::GatewayFees,
            ("buyer-advances", None) => Account::BuyerAdvances,
            ("seller-payable", Some(seller)) => Account::SellerPayable(seller),
            ("commission", None) => Account::Commission,
            ("gst-on-commission", None) => Account::GstOnCommission,
            ("tcs-payable", None) => Account::TcsPayable,
            _ => return None,
        })
    }

    pub fn seller(self) -> Option<UserId> {
        match self {
            Account::SellerPayable(seller) => Some(seller),
            _ => None,
        }
    }
}

/// One line of a posting: a debit (positive) or credit (negative) of an
/// account, in paise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub account: Account,
    pub amount: i64,
}

/// Entries that sum to zero: the only way money moves in the books.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostingError {
    #[error("a posting's debits and credits differ by {0} paise")]
    Unbalanced(i64),
    #[error("a posting moves no money")]
    Empty,
}

impl Posting {
    /// A posting of these entries, without those of zero paise; refused
    /// unless debits equal credits and some money moves.
    pub fn new(entries: impl IntoIterator<Item = Entry>) -> Result<Self, PostingError> {
        let entries: Vec<Entry> = entries.into_iter().filter(|entry| entry.amount != 0).collect();
        let sum: i128 = entries.iter().map(|entry| i128::from(entry.amount)).sum();
        if sum != 0 {
            return Err(PostingError::Unbalanced(
                sum.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
            ));
        }
        if entries.is_empty() {
            return Err(PostingError::Empty);
        }
        Ok(Posting { entries })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The posting that undoes this one.
    pub fn reversal(&self) -> Posting {
        Posting {
            entries: self
                .entries
                .iter()
                .map(|entry| Entry {
                    account: entry.account,
                    amount: -entry.amount,
                })
                .collect(),
        }
    }
}

fn debit(account: Account, amount: Money) -> Entry {
    Entry {
        account,
        amount: amount.0,
    }
}

fn credit(account: Account, amount: Money) -> Entry {
    Entry {
        account,
        amount: -amount.0,
    }
}

/// GST on the operator's commission: a service (SAC 9985) at 18 %.
pub const GST_ON_COMMISSION_BP: i64 = 1_800;

/// The day TCS under section 52 fell from 1 % to 0.5 %.
pub fn tcs_cut_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 7, 10).expect("a real day")
}

/// The TCS rate, in basis points, on a sale completed on `day` by a seller
/// that is registered for GST (a vendor, or a sub-vendor through its
/// vendor). Nothing is collected from an enrolled supplier without a GSTIN.
pub fn tcs_rate_bp(day: NaiveDate, registered: bool) -> i64 {
    match (registered, day < tcs_cut_day()) {
        (false, _) => 0,
        (true, true) => 100,
        (true, false) => 50,
    }
}

/// TCS on a registered supplier's net value before tax supplied on `day`,
/// split as GSTR-8 reports it: within one state half as central and half
/// as state tax (each rounded on its own), across states all integrated.
pub fn tcs_on(taxable: Money, day: NaiveDate, intra_state: bool) -> crate::checkout::TaxSplit {
    let bp = tcs_rate_bp(day, true);
    if intra_state {
        crate::checkout::TaxSplit {
            cgst: share(taxable, bp / 2),
            sgst: share(taxable, bp / 2),
            igst: Money(0),
        }
    } else {
        crate::checkout::TaxSplit {
            igst: share(taxable, bp),
            ..Default::default()
        }
    }
}

/// A calendar month, the period of GSTR-8 and of a sales register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// `2026-12`; years from 2017 (when GST began) to 9999.
    pub fn parse(text: &str) -> Option<Self> {
        let (year, month) = text.split_once('-')?;
        let digits = |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return None;
        }
        let month = Month {
            year: year.parse().ok().filter(|y| (2017..=9999).contains(y))?,
            month: month.parse().ok().filter(|m| (1..=12).contains(m))?,
        };
        Some(month)
    }

    pub fn of(day: NaiveDate) -> Self {
        use chrono::Datelike;
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a month's first day")
    }

    /// The month as one number, year * 100 + month (`202510` for October
    /// 2025), which sorts as the months do.
    pub fn number(self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.month)
    }

    /// The first day of the month after.
    pub fn next_first_day(self) -> NaiveDate {
        if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        }
        .expect("a month's first day")
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// `amount × bp / 10,000`, rounded half up to the paisa.
fn share(amount: Money, bp: i64) -> Money {
    let scaled = i128::from(amount.0) * i128::from(bp);
    let rounded = if scaled >= 0 {
        (scaled + 5_000) / 10_000
    } else {
        (scaled - 5_000) / 10_000
    };
    Money(rounded as i64)
}

/// One line of the operator's commission table: a rate for one ODOP
/// product (by its craft slug) or for every product, from a day on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommissionRule {
    /// `None`: every product without a rule of its own.
    pub craft: Option<String>,
    pub effective_from: NaiveDate,
    /// Of the sale's gross, in basis points.
    pub rate_bp: i64,
}

/// The commission the operator takes, per ODOP product and day. The
/// scheme's default is none: an empty table takes nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommissionTable(pub Vec<CommissionRule>);

impl CommissionTable {
    /// The rate for a sale of `craft` completed on `day`: the product's own
    /// rule in force that day if it has one, else the rule for every
    /// product in force that day, else none.
    pub fn rate_bp(&self, craft: &str, day: NaiveDate) -> i64 {
        let in_force = |wanted: Option<&str>| {
            self.0
                .iter()
                .filter(|rule| rule.effective_from <= day && rule.craft.as_deref() == wanted)
                .max_by_key(|rule| rule.effective_from)
                .map(|rule| rule.rate_bp)
        };
        in_force(Some(craft)).or_else(|| in_force(None)).unwrap_or(0)
    }
}

/// The highest commission a rule may set (the database refuses more): half
/// of a sale would leave an artisan less than the platform.
pub const COMMISSION_CEILING_BP: i64 = 5_000;

/// A commission rule as typed on the admin's form or sent to the API.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct CommissionInput {
    /// A craft slug, or empty for every product without a rule of its own.
    #[serde(default)]
    pub craft: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub effective_from: String,
    /// In per cent, with at most two decimals.
    #[serde(default)]
    pub rate: String,
}

impl CommissionInput {
    /// The rule, or what is wrong with each field. A rule starts today or
    /// later: sales already settled keep the rate they settled at, and a
    /// return is reversed at its sale's rate, so a rule for past days could
    /// only make the two disagree.
    pub fn validate(
        &self,
        known_crafts: &[&str],
        today: NaiveDate,
    ) -> Result<CommissionRule, Vec<crate::onboarding::FieldError>> {
        use crate::onboarding::FieldError;
        let problem = |field, message_id| FieldError {
            field,
            message_id,
            limit: None,
        };
        let mut problems = Vec::new();
        let craft = self.craft.trim();
        let craft = if craft.is_empty() {
            None
        } else if known_crafts.contains(&craft) {
            Some(craft.to_owned())
        } else {
            problems.push(problem("craft", "commission-craft-unknown"));
            None
        };
        let from = NaiveDate::parse_from_str(self.effective_from.trim(), "%Y-%m-%d").ok();
        match from {
            None => problems.push(problem("effective_from", "commission-date-malformed")),
            Some(day) if day < today => problems.push(problem("effective_from", "commission-date-past")),
            Some(_) => {}
        }
        let rate = crate::gst::parse_percent(&self.rate).map(|rate| i64::from(rate.0));
        match rate {
            None => problems.push(problem("rate", "commission-rate-malformed")),
            Some(bp) if bp > COMMISSION_CEILING_BP => problems.push(problem("rate", "commission-rate-too-high")),
            Some(_) => {}
        }
        match (from, rate, problems.is_empty()) {
            (Some(effective_from), Some(rate_bp), true) => Ok(CommissionRule {
                craft,
                effective_from,
                rate_bp,
            }),
            _ => Err(problems),
        }
    }
}

/// How a completed sale (a seller's sub-order, or the part of one returned)
/// divides between the seller, the operator and the government.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    /// What the buyer paid for it, GST and delivery included.
    pub gross: Money,
    /// Its value before GST: what TCS is reckoned on.
    pub taxable: Money,
    pub commission: Money,
    pub gst_on_commission: Money,
    pub tcs: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the commission, its GST and TCS come to more than the sale")]
pub struct DeductionsExceedSale;

impl Settlement {
    /// The commission at `commission_bp` of the gross, GST on it, and TCS at
    /// `tcs_bp` of the taxable value; each rounded half up to the paisa.
    pub fn of(gross: Money, taxable: Money, commission_bp: i64, tcs_bp: i64) -> Result<Self, DeductionsExceedSale> {
        let commission = share(gross, commission_bp);
        let settlement = Settlement {
            gross,
            taxable,
            commission,
            gst_on_commission: share(commission, GST_ON_COMMISSION_BP),
            tcs: share(taxable, tcs_bp),
        };
        if settlement.net().0 < 0 {
            return Err(DeductionsExceedSale);
        }
        Ok(settlement)
    }

    /// What the seller is owed for it.
    pub fn net(&self) -> Money {
        Money(self.gross.0 - self.commission.0 - self.gst_on_commission.0 - self.tcs.0)
    }
}

/// Everything that moves money, and the posting it makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyEvent {
    /// The gateway captured a buyer's payment and kept its fee.
    PaymentCaptured { amount: Money, fee: Money },
    /// Money given back before the sale completed: an order cancelled, a
    /// payment the order did not need.
    RefundedUndelivered { amount: Money },
    /// A seller's sub-order is delivered: the buyer's advance becomes the
    /// seller's, less the operator's commission, its GST and TCS.
    SaleCompleted { seller: UserId, settlement: Settlement },
    /// Delivered goods came back and the buyer was refunded: the seller's
    /// share, the commission, its GST and TCS of that part are reversed.
    /// The seller's payable may go below zero when it was paid out already:
    /// the return is the recorded reason, and later sales make it good.
    Returned { seller: UserId, settlement: Settlement },
    /// A payout to a seller's bank account left the clearing account.
    PaidOut { seller: UserId, amount: Money },
    /// The bank refused a payout line: the money is the seller's again.
    PayoutFailed { seller: UserId, amount: Money },
}

impl MoneyEvent {
    /// How the event is named in storage.
    pub fn code(&self) -> &'static str {
        match self {
            MoneyEvent::PaymentCaptured { .. } => "payment-captured",
            MoneyEvent::RefundedUndelivered { .. } => "refunded-undelivered",
            MoneyEvent::SaleCompleted { .. } => "sale-completed",
            MoneyEvent::Returned { .. } => "returned",
            MoneyEvent::PaidOut { .. } => "paid-out",
            MoneyEvent::PayoutFailed { .. } => "payout-failed",
        }
    }

    pub fn posting(&self) -> Result<Posting, PostingError> {
        use Account::*;
        match *self {
            MoneyEvent::PaymentCaptured { amount, fee } => Posting::new([
                debit(GatewayClearing, Money(amount.0 - fee.0)),
                debit(GatewayFees, fee),
                credit(BuyerAdvances, amount),
            ]),
            MoneyEvent::RefundedUndelivered { amount } => {
                Posting::new([debit(BuyerAdvances, amount), credit(GatewayClearing, amount)])
            }
            MoneyEvent::SaleCompleted { seller, settlement } => Posting::new(sale_entries(seller, &settlement)),
            MoneyEvent::Returned { seller, settlement } => {
                // The sale's posting reversed, but the money goes back to the
                // buyer through the gateway, not to the buyer's advance.
                let reversed = Posting::new(sale_entries(seller, &settlement))?.reversal();
                Posting::new(reversed.entries.into_iter().map(|entry| match entry.account {
                    BuyerAdvances => Entry {
                        account: GatewayClearing,
                        amount: entry.amount,
                    },
                    _ => entry,
                }))
            }
            MoneyEvent::PaidOut { seller, amount } => {
                Posting::new([debit(SellerPayable(seller), amount), credit(GatewayClearing, amount)])
            }
            MoneyEvent::PayoutFailed { seller, amount } => {
                Posting::new([debit(GatewayClearing, amount), credit(SellerPayable(seller), amount)])
            }
        }
    }
}

fn sale_entries(seller: UserId, settlement: &Settlement) -> [Entry; 5] {
    use Account::*;
    [
        debit(BuyerAdvances, settlement.gross),
        credit(SellerPayable(seller), settlement.net()),
        credit(Commission, settlement.commission),
        credit(GstOnCommission, settlement.gst_on_commission),
        credit(TcsPayable, settlement.tcs),
    ]
}

/// Balances as sums of postings, as the store sums them: what is owed to an
/// account of the "owed" or "earned" kind is its credit, shown positive.
#[derive(Clone, Debug, Default)]
pub struct Books {
    balances: BTreeMap<Account, i64>,
}

impl Books {
    pub fn post(&mut self, posting: &Posting) {
        for entry in posting.entries() {
            *self.balances.entry(entry.account).or_default() += entry.amount;
        }
    }

    /// The debit balance: positive for what is held or spent, negative for
    /// what is owed or earned.
    pub fn debit_balance(&self, account: Account) -> i64 {
        self.balances.get(&account).copied().unwrap_or(0)
    }

    /// What the operator owes a seller now.
    pub fn payable(&self, seller: UserId) -> Money {
        Money(-self.debit_balance(Account::SellerPayable(seller)))
    }

    /// What all sellers are owed together.
    pub fn payable_to_sellers(&self) -> Money {
        Money(
            self.balances
                .iter()
                .filter(|(account, _)| account.seller().is_some())
                .map(|(_, balance)| -balance)
                .sum(),
        )
    }

    /// Whether every balance sums to zero, as double entry keeps them.
    pub fn balanced(&self) -> bool {
        self.balances.values().map(|&balance| i128::from(balance)).sum::<i128>() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_unbalanced_or_empty_posting_is_refused() {
        let refused = Posting::new([
            debit(Account::GatewayClearing, Money(100)),
            credit(Account::BuyerAdvances, Money(99)),
        ]);
        assert_eq!(refused, Err(PostingError::Unbalanced(1)));
        assert_eq!(Posting::new([]), Err(PostingError::Empty));
        assert_eq!(
            Posting::new([debit(Account::Commission, Money(0))]),
            Err(PostingError::Empty),
            "entries of zero paise are dropped"
        );
    }

    #[test]
    fn tcs_is_one_per_cent_before_10_july_2024_then_half_and_never_from_an_unregistered_seller() {
        assert_eq!(tcs_rate_bp(day(2024, 7, 9), true), 100);
        assert_eq!(tcs_rate_bp(day(2024, 7, 10), true), 50);
        assert_eq!(tcs_rate_bp(day(2026, 12, 7), true), 50);
        assert_eq!(tcs_rate_bp(day(2026, 12, 7), false), 0);
    }

    #[test]
    fn the_commission_is_the_products_own_rate_then_the_general_one_then_none() {
        let rule = |craft: Option<&str>, from: NaiveDate, rate_bp| CommissionRule {
            craft: craft.map(str::to_owned),
            effective_from: from,
            rate_bp,
        };
        let table = CommissionTable(vec![
            rule(None, day(2026, 4, 1), 200),
            rule(Some("chikankari"), day(2026, 10, 1), 100),
            rule(Some("chikankari"), day(2027, 1, 1), 0),
        ]);
        assert_eq!(
            CommissionTable::default().rate_bp("chikankari", day(2026, 12, 7)),
            0,
            "the scheme's default"
        );
        assert_eq!(table.rate_bp("chikankari", day(2026, 3, 31)), 0, "before any rule");
        assert_eq!(
            table.rate_bp("chikankari", day(2026, 9, 30)),
            200,
            "the general rate before its own"
        );
        assert_eq!(table.rate_bp("chikankari", day(2026, 12, 7)), 100);
        assert_eq!(
            table.rate_bp("chikankari", day(2027, 2, 1)),
            0,
            "its own rate of none wins"
        );
        assert_eq!(table.rate_bp("brassware", day(2027, 2, 1)), 200);
    }

    /// Worked by hand: a ₹2,979 sub-order (₹2,837.14 before 5 % GST) with a
    /// 2 % commission: commission 5958 paise, its GST 18 % = 1072.44 → 1072,
    /// TCS 0.5 % of 283714 = 1418.57 → 1419; the seller nets 297900 − 5958
    /// − 1072 − 1419 = 289451.
    #[test]
    fn a_commission_rule_is_read_strictly_and_never_for_past_days() {
        let today = day(2026, 12, 7);
        let crafts = ["chikankari", "brassware"];
        let input = |craft: &str, from: &str, rate: &str| CommissionInput {
            craft: craft.into(),
            effective_from: from.into(),
            rate: rate.into(),
        };
        assert_eq!(
            input("chikankari", "2026-12-07", "2.5").validate(&crafts, today),
            Ok(CommissionRule {
                craft: Some("chikankari".into()),
                effective_from: today,
                rate_bp: 250
            })
        );
        assert_eq!(
            input(" ", "2027-04-01", "0")
                .validate(&crafts, today)
                .map(|r| (r.craft, r.rate_bp)),
            Ok((None, 0)),
            "an empty craft is every product; zero is a rate"
        );
        let fields = |result: Result<CommissionRule, Vec<crate::onboarding::FieldError>>| {
            result.unwrap_err().iter().map(|e| e.message_id).collect::<Vec<_>>()
        };
        assert_eq!(
            fields(input("carpets", "2026-12-06", "50.01").validate(&crafts, today)),
            [
                "commission-craft-unknown",
                "commission-date-past",
                "commission-rate-too-high"
            ]
        );
        assert_eq!(
            fields(input("brassware", "7/12/2026", "2,5").validate(&crafts, today)),
            ["commission-date-malformed", "commission-rate-malformed"]
        );
        assert!(input("brassware", "2026-12-07", "50").validate(&crafts, today).is_ok());
    }

    #[test]
    fn a_sale_settles_as_worked_by_hand() {
        let settlement = Settlement::of(Money(297_900), Money(283_714), 200, 50).unwrap();
        assert_eq!(settlement.commission, Money(5_958));
        assert_eq!(settlement.gst_on_commission, Money(1_072));
        assert_eq!(settlement.tcs, Money(1_419));
        assert_eq!(settlement.net(), Money(289_451));
        // The scheme's default: no commission, only TCS.
        let free = Settlement::of(Money(297_900), Money(283_714), 0, 50).unwrap();
        assert_eq!(
            (free.commission, free.gst_on_commission, free.net()),
            (Money(0), Money(0), Money(296_481))
        );
        assert_eq!(
            Settlement::of(Money(100), Money(95), 10_000, 50),
            Err(DeductionsExceedSale)
        );
    }

    #[test]
    fn a_sale_paid_delivered_and_paid_out_leaves_the_operator_its_commission_less_fees() {
        let seller = UserId(7);
        let settlement = Settlement::of(Money(297_900), Money(283_714), 200, 50).unwrap();
        let mut books = Books::default();
        for event in [
            MoneyEvent::PaymentCaptured {
                amount: Money(297_900),
                fee: Money(5_958),
            },
            MoneyEvent::SaleCompleted { seller, settlement },
            MoneyEvent::PaidOut {
                seller,
                amount: settlement.net(),
            },
        ] {
            books.post(&event.posting().unwrap());
        }
        assert!(books.balanced());
        assert_eq!(books.payable(seller), Money(0));
        assert_eq!(books.debit_balance(Account::BuyerAdvances), 0);
        assert_eq!(books.debit_balance(Account::TcsPayable), -1_419);
        // Cash left: the commission, its GST and TCS, less the fee.
        assert_eq!(
            books.debit_balance(Account::GatewayClearing),
            5_958 + 1_072 + 1_419 - 5_958
        );
    }

    #[test]
    fn a_return_after_payout_is_the_recorded_reason_a_payable_goes_below_zero() {
        let seller = UserId(7);
        let settlement = Settlement::of(Money(100_000), Money(95_238), 0, 50).unwrap();
        let mut books = Books::default();
        for event in [
            MoneyEvent::PaymentCaptured {
                amount: Money(100_000),
                fee: Money(0),
            },
            MoneyEvent::SaleCompleted { seller, settlement },
            MoneyEvent::PaidOut {
                seller,
                amount: settlement.net(),
            },
            MoneyEvent::Returned { seller, settlement },
        ] {
            books.post(&event.posting().unwrap());
        }
        assert_eq!(books.payable(seller), Money(-settlement.net().0));
        assert_eq!(
            books.debit_balance(Account::TcsPayable),
            0,
            "TCS of a return is reversed"
        );
        assert!(books.balanced());
    }

    /// An order of the property test: what was paid and what became of it.
    #[derive(Clone, Debug)]
    struct Order {
        seller: UserId,
        gross: i64,
        fee: i64,
        commission_bp: i64,
        registered: bool,
    }

    #[derive(Clone, Debug)]
    enum Step {
        /// Pay order n.
        Pay(usize),
        /// Deliver order n, if paid.
        Deliver(usize),
        /// Cancel order n before delivery, refunding it, if paid.
        Cancel(usize),
        /// Return a part (in per cent) of order n, if delivered.
        Return(usize, i64),
        /// Pay a seller out everything payable.
        PayOut(i64),
        /// The bank refuses the last payout.
        PayoutFails,
    }

    fn orders() -> impl Strategy<Value = Vec<Order>> {
        prop::collection::vec(
            (1i64..=3, 1i64..=5_000_000, 0i64..=300, 0i64..=1_000, any::<bool>()).prop_map(
                |(seller, gross, fee_bp, commission_bp, registered)| Order {
                    seller: UserId(seller),
                    gross,
                    fee: share(Money(gross), fee_bp).0,
                    commission_bp,
                    registered,
                },
            ),
            1..8,
        )
    }

    fn steps() -> impl Strategy<Value = Vec<Step>> {
        prop::collection::vec(
            prop_oneof![
                (0usize..8).prop_map(Step::Pay),
                (0usize..8).prop_map(Step::Deliver),
                (0usize..8).prop_map(Step::Cancel),
                ((0usize..8), 1i64..=100).prop_map(|(n, part)| Step::Return(n, part)),
                (1i64..=3).prop_map(Step::PayOut),
                Just(Step::PayoutFails),
            ],
            0..40,
        )
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        New,
        Paid,
        Delivered { returned_percent: i64 },
        Cancelled,
    }

    proptest! {
        /// For any run of payments, deliveries, cancellations, returns,
        /// payouts and failed payouts: every posting balances; the clearing
        /// account is what was received less fees, refunds and payouts;
        /// what is held plus fees equals what is owed plus what was earned;
        /// and a seller's payable is below zero only after a return (paid
        /// out before the goods came back).
        #[test]
        fn the_books_always_balance_and_account_for_every_paisa(orders in orders(), steps in steps()) {
            let mut books = Books::default();
            let mut states = vec![State::New; orders.len()];
            let (mut received, mut fees, mut refunded, mut paid_out) = (0i64, 0i64, 0i64, 0i64);
            let mut last_payout: Option<(UserId, Money)> = None;
            let mut returned = std::collections::HashSet::new();
            let today = day(2026, 12, 7);
            for step in steps {
                let event = match step {
                    Step::Pay(n) if n < orders.len() && states[n] == State::New => {
                        states[n] = State::Paid;
                        received += orders[n].gross;
                        fees += orders[n].fee;
                        MoneyEvent::PaymentCaptured { amount: Money(orders[n].gross), fee: Money(orders[n].fee) }
                    }
                    Step::Deliver(n) if n < orders.len() && states[n] == State::Paid => {
                        states[n] = State::Delivered { returned_percent: 0 };
                        let order = &orders[n];
                        let taxable = Money(order.gross - tax_at_5(order.gross));
                        let tcs = tcs_rate_bp(today, order.registered);
                        MoneyEvent::SaleCompleted {
                            seller: order.seller,
                            settlement: Settlement::of(Money(order.gross), taxable, order.commission_bp, tcs).unwrap(),
                        }
                    }
                    Step::Cancel(n) if n < orders.len() && states[n] == State::Paid => {
                        states[n] = State::Cancelled;
                        refunded += orders[n].gross;
                        MoneyEvent::RefundedUndelivered { amount: Money(orders[n].gross) }
                    }
                    Step::Return(n, part) if n < orders.len() => {
                        let State::Delivered { returned_percent } = states[n] else { continue };
                        let part = part.min(100 - returned_percent);
                        if part == 0 { continue; }
                        states[n] = State::Delivered { returned_percent: returned_percent + part };
                        let order = &orders[n];
                        // The returned part's own amounts, rounded on their own.
                        let gross = order.gross * part / 100;
                        if gross == 0 { continue; }
                        refunded += gross;
                        returned.insert(order.seller);
                        let taxable = Money(gross - tax_at_5(gross));
                        let tcs = tcs_rate_bp(today, order.registered);
                        MoneyEvent::Returned {
                            seller: order.seller,
                            settlement: Settlement::of(Money(gross), taxable, order.commission_bp, tcs).unwrap(),
                        }
                    }
                    Step::PayOut(seller) => {
                        let seller = UserId(seller);
                        let amount = books.payable(seller);
                        if amount.0 <= 0 { continue; }
                        paid_out += amount.0;
                        last_payout = Some((seller, amount));
                        MoneyEvent::PaidOut { seller, amount }
                    }
                    Step::PayoutFails => {
                        let Some((seller, amount)) = last_payout.take() else { continue };
                        paid_out -= amount.0;
                        MoneyEvent::PayoutFailed { seller, amount }
                    }
                    _ => continue,
                };
                let posting = event.posting().expect("every event posts a balanced posting");
                let sum: i64 = posting.entries().iter().map(|entry| entry.amount).sum();
                prop_assert_eq!(sum, 0);
                books.post(&posting);

                prop_assert!(books.balanced());
                let clearing = books.debit_balance(Account::GatewayClearing);
                prop_assert_eq!(clearing, received - fees - refunded - paid_out);
                let owed_and_earned = -(books.debit_balance(Account::BuyerAdvances)
                    + books.debit_balance(Account::Commission)
                    + books.debit_balance(Account::GstOnCommission)
                    + books.debit_balance(Account::TcsPayable))
                    + books.payable_to_sellers().0;
                prop_assert_eq!(clearing + books.debit_balance(Account::GatewayFees), owed_and_earned);
                for seller in 1..=3 {
                    let seller = UserId(seller);
                    prop_assert!(
                        books.payable(seller).0 >= 0 || returned.contains(&seller),
                        "seller {} owes {} with no return", seller, books.payable(seller)
                    );
                }
                prop_assert!(books.debit_balance(Account::BuyerAdvances) <= 0, "never more given back than advanced");
            }
        }
    }

    /// The tax inside a price at 5 %, as a line of a tax invoice works it.
    fn tax_at_5(gross: i64) -> i64 {
        crate::gst::GstRate(500).tax_in(Money(gross)).0
    }

    /// Worked by hand: ₹1,00,000.50 of net value before tax.
    #[test]
    fn tcs_is_split_as_gstr_8_reports_it() {
        let taxable = Money(10_000_050);
        let after = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let before = NaiveDate::from_ymd_opt(2024, 7, 9).unwrap();
        // 0.25 % each: 25000.125 → 25000 paise; integrated 0.5 %: 50000.25 → 50000.
        let within = tcs_on(taxable, after, true);
        assert_eq!(
            (within.cgst, within.sgst, within.igst),
            (Money(25_000), Money(25_000), Money(0))
        );
        assert_eq!(tcs_on(taxable, after, false).igst, Money(50_000));
        // Before 10 July 2024, 1 %: 0.5 % each, 50000.25 → 50000; integrated 100000.5 → 100001.
        let old = tcs_on(taxable, before, true);
        assert_eq!((old.cgst, old.sgst), (Money(50_000), Money(50_000)));
        assert_eq!(tcs_on(taxable, before, false).igst, Money(100_001));
    }

    #[test]
    fn months_are_read_strictly_and_know_their_bounds() {
        let december = Month::parse("2026-12").unwrap();
        assert_eq!(december.to_string(), "2026-12");
        assert_eq!(december.next_first_day(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(
            Month::parse("2027-02").unwrap().first_day(),
            NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()
        );
        for bad in [
            "2026-13",
            "2026-00",
            "2016-04",
            "26-12",
            "2026-1",
            "2026/12",
            "",
            "2026-12-01",
            "2026-+1",
            "+026-12",
            " 2026-12",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }
}
