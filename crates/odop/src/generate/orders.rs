//! Three years of past orders, with no IO: when people buy (Diwali and the
//! wedding seasons far above an ordinary week, Raksha Bandhan in August, a
//! slow monsoon, and a market that grows year on year), what (one to three
//! products, often from different sellers), where to (most within Uttar
//! Pradesh, the rest across India, which decides CGST+SGST or IGST), how
//! (UPI/card or cash on delivery), and how it ended (mostly delivered; some
//! cancelled or declined; a few returned, for damage or a change of mind;
//! recent ones still on their way).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use odop_domain::UserId;
use odop_domain::gst::GstRate;
use odop_domain::money::Money;
use odop_domain::orders::{ReturnReason, SubOrderStatus};
use odop_domain::rng::SplitMix64;
use odop_store::bulk::{NewOrder, NewOrderLine, NewSubOrder, SaleVariant};

use super::make::as_of;

const HISTORY_DAYS: i64 = 3 * 365;

/// Diwali in the years generated: sales peak in the three weeks before.
const DIWALI: [(i32, u32, u32); 4] = [(2023, 11, 12), (2024, 11, 1), (2025, 10, 20), (2026, 11, 8)];
/// Raksha Bandhan: gifts are bought in the two weeks before.
const RAKHI: [(i32, u32, u32); 4] = [(2023, 8, 30), (2024, 8, 19), (2025, 8, 9), (2026, 8, 28)];

fn days_before(day: NaiveDate, festivals: &[(i32, u32, u32)], window: i64) -> Option<i64> {
    festivals.iter().find_map(|&(y, m, d)| {
        let festival = NaiveDate::from_ymd_opt(y, m, d)?;
        let before = (festival - day).num_days();
        (0..=window).contains(&before).then_some(before)
    })
}

/// How much a day sells, relative to 100 for an ordinary day of the first
/// year.
pub fn day_weight(day: NaiveDate) -> u64 {
    let mut weight = 100.0;
    if let Some(before) = days_before(day, &DIWALI, 21) {
        // Rising to five times an ordinary day on the eve.
        weight += 400.0 * (21 - before) as f64 / 21.0;
    }
    if days_before(day, &RAKHI, 14).is_some() {
        weight += 120.0;
    }
    let (month, date) = (day.month(), day.day());
    let wedding = matches!(
        (month, date),
        (11, 15..) | (12, ..=15) | (1, 15..) | (2, _) | (3, ..=10) | (4, 15..) | (5, _)
    );
    if wedding {
        weight += 80.0;
    }
    if month == 7 {
        weight -= 30.0;
    }
    // The marketplace grows: the third year sells about twice the first.
    let age = (as_of().date_naive() - day).num_days().clamp(0, HISTORY_DAYS) as f64;
    weight *= 1.0 + (HISTORY_DAYS as f64 - age) / HISTORY_DAYS as f64;
    weight as u64
}

/// Places orders are shipped to: (GST state code, city, PIN), Uttar
/// Pradesh first.
const PLACES: [(&str, &str, &str); 8] = [
    ("09", "Lucknow", "226001"),
    ("07", "New Delhi", "110001"),
    ("27", "Mumbai", "400001"),
    ("29", "Bengaluru", "560001"),
    ("19", "Kolkata", "700001"),
    ("08", "Jaipur", "302001"),
    ("10", "Patna", "800001"),
    ("24", "Ahmedabad", "380001"),
];
const PLACE_WEIGHTS: [u64; 8] = [60, 10, 7, 6, 5, 4, 4, 4];
const COURIERS: [&str; 4] = ["India Post", "Delhivery", "Blue Dart", "DTDC"];

/// Delivery charged by a seller below this amount of goods.
const FREE_DELIVERY_FROM: i64 = 99_900;
const DELIVERY: i64 = 4_900;

pub struct OrderMaker {
    rng: SplitMix64,
    /// Cumulative day weights over the history, oldest day first.
    cumulative: Vec<u64>,
    first_day: NaiveDate,
}

impl OrderMaker {
    pub fn new(seed: u64) -> Self {
        let first_day = as_of().date_naive() - Duration::days(HISTORY_DAYS);
        let mut total = 0;
        let cumulative = (0..HISTORY_DAYS)
            .map(|i| {
                total += day_weight(first_day + Duration::days(i));
                total
            })
            .collect();
        OrderMaker {
            rng: SplitMix64::new(seed ^ 0x0d0e_0fa1_2026),
            cumulative,
            first_day,
        }
    }

    /// A moment in the history, as likely as its day sells; during the day
    /// in India, 9:00 to 23:00 IST.
    fn moment(&mut self) -> DateTime<Utc> {
        let total = *self.cumulative.last().expect("a history of days");
        let draw = self.rng.below(total);
        let day = self.cumulative.partition_point(|&c| c <= draw) as i64;
        let date = self.first_day + Duration::days(day);
        let minute = self.rng.between(9 * 60, 23 * 60 - 1);
        date.and_hms_opt(0, 0, 0).expect("midnight").and_utc() + Duration::minutes(minute - 330)
    }

    /// Order number `serial` by `buyer` (whose phone it ships to), of
    /// variants drawn from `catalogue`.
    pub fn order(&mut self, serial: u64, buyer: UserId, buyer_phone: &str, catalogue: &[SaleVariant]) -> NewOrder {
        let created_at = self.moment();
        let lines = match self.rng.below(100) {
            0..80 => 1,
            80..95 => 2,
            _ => 3,
        };
        let mut place = PLACES[self.rng.weighted(&PLACE_WEIGHTS)];
        let online = self.rng.percent(70);
        let age_days = (as_of() - created_at).num_days();
        let mut parts: Vec<NewSubOrder> = Vec::new();
        for _ in 0..lines {
            // An enrolled supplier without GST sells within UP only: an
            // order from one goes to UP (so the draw of places leans a
            // little more to UP than PLACE_WEIGHTS, as it would in life).
            let variant = self.rng.pick(catalogue).clone();
            if variant.enrolled {
                place = PLACES[0];
            }
            let quantity = if self.rng.percent(85) { 1 } else { 2 };
            // An enrolled supplier charges no tax.
            let tax = if variant.enrolled {
                0
            } else {
                GstRate(variant.gst_rate_bp as u16)
                    .tax_in(Money(variant.price_paise * quantity))
                    .0
            };
            let line = NewOrderLine {
                variant,
                quantity,
                tax_paise: tax,
            };
            match parts.iter_mut().find(|p| p.seller == line.variant.seller_user_id) {
                Some(part) => part.lines.push(line),
                None => {
                    let (status, reason, settled_after) = self.outcome(age_days);
                    let at =
                        |share: i64| (created_at + Duration::minutes(settled_after * 60 * share / 100)).min(as_of());
                    // A part that got past shipping was shipped after a
                    // quarter of its time, and one that came back (or was
                    // asked to) was delivered after three fifths of it.
                    let shipped_at = status.has_left_seller().then(|| at(25));
                    let delivered_at = status.is_return().then(|| at(60));
                    let supply_document = if line.variant.enrolled {
                        "bill-of-supply"
                    } else {
                        "tax-invoice"
                    };
                    parts.push(NewSubOrder {
                        seller: line.variant.seller_user_id,
                        vendor: line.variant.vendor_user_id,
                        status,
                        lines: vec![line],
                        cgst_paise: 0,
                        sgst_paise: 0,
                        igst_paise: 0,
                        delivery_paise: 0,
                        courier: None,
                        tracking: None,
                        reason,
                        shipped_at,
                        delivered_at,
                        supply_document,
                        updated_at: (created_at + Duration::hours(settled_after)).min(as_of()),
                    });
                }
            }
        }
        let within_up = place.0 == "09";
        for part in &mut parts {
            let tax: i64 = part.lines.iter().map(|l| l.tax_paise).sum();
            if within_up {
                part.cgst_paise = tax / 2;
                part.sgst_paise = tax - tax / 2;
            } else {
                part.igst_paise = tax;
            }
            part.delivery_paise = if part.items_paise() >= FREE_DELIVERY_FROM {
                0
            } else {
                DELIVERY
            };
            // A product that takes no returns comes back only for a fault.
            let final_sale = part.lines.iter().any(|l| l.variant.return_days.is_none());
            if part.status.is_return() && final_sale && part.reason == Some(ReturnReason::ChangedMind.code()) {
                part.reason = Some(ReturnReason::Damaged.code());
            }
            if part.status.has_left_seller() {
                part.courier = Some(*self.rng.pick(&COURIERS));
                part.tracking = Some(format!("GEN{serial:010}{:04}", part.seller % 10_000));
            }
        }
        NewOrder {
            buyer,
            key: format!("gen-{serial}"),
            method: if online { "online" } else { "cod" },
            ship_name: "Generated Buyer".to_owned(),
            ship_phone: buyer_phone.to_owned(),
            ship_line1: format!("{} Generated Road", 1 + serial % 400),
            ship_city: place.1.to_owned(),
            ship_state: place.0,
            ship_pin: place.2.to_owned(),
            created_at,
            parts,
        }
    }

    /// How a sub-order placed `age_days` before the generated "today" ended
    /// up, why (for a refusal), and how many hours it took.
    fn outcome(&mut self, age_days: i64) -> (SubOrderStatus, Option<&'static str>, i64) {
        use SubOrderStatus::*;
        let roll = self.rng.below(100);
        match age_days {
            ..=1 => match roll {
                0..40 => (Placed, None, 0),
                40..75 => (Accepted, None, self.rng.between(1, 20)),
                75..97 => (Packed, None, self.rng.between(4, 30)),
                _ => (Cancelled, None, self.rng.between(1, 12)),
            },
            2..=6 => match roll {
                0..55 => (Shipped, None, self.rng.between(24, 72)),
                55..90 => (Delivered, None, self.rng.between(72, 140)),
                90..91 => (ReturnRequested, Some(self.return_reason()), self.rng.between(80, 140)),
                91..92 => (ReturnApproved, Some(self.return_reason()), self.rng.between(90, 140)),
                92..97 => (Cancelled, None, self.rng.between(1, 24)),
                _ => (Rejected, Some("Out of stock"), self.rng.between(2, 40)),
            },
            // About one in twenty-five delivered parcels comes back, most
            // of them taken back and refunded.
            _ => match roll {
                0..88 => (Delivered, None, self.rng.between(72, 240)),
                88..91 if self.rng.percent(85) => (Returned, Some(self.return_reason()), self.rng.between(170, 480)),
                88..91 => (ReturnRefused, Some(self.return_reason()), self.rng.between(100, 300)),
                91..96 => (Cancelled, None, self.rng.between(1, 24)),
                _ => (Rejected, Some("Could not make it in time"), self.rng.between(2, 40)),
            },
        }
    }
}

impl OrderMaker {
    /// Why a parcel came back: damage in transit most often, then a change
    /// of mind.
    fn return_reason(&mut self) -> &'static str {
        const REASONS: [ReturnReason; 4] = [
            ReturnReason::Damaged,
            ReturnReason::ChangedMind,
            ReturnReason::NotAsDescribed,
            ReturnReason::WrongItem,
        ];
        REASONS[self.rng.weighted(&[40, 30, 20, 10])].code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_week_before_diwali_sells_far_more_than_a_monsoon_week() {
        let eve = day_weight(day(2025, 10, 19));
        let ordinary = day_weight(day(2025, 6, 10));
        let monsoon = day_weight(day(2025, 7, 10));
        assert!(eve > 4 * ordinary, "{eve} vs {ordinary}");
        assert!(monsoon < ordinary);
        assert!(
            day_weight(day(2026, 2, 10)) > day_weight(day(2026, 6, 10)),
            "the wedding season sells more"
        );
        assert!(
            day_weight(day(2026, 6, 10)) > day_weight(day(2024, 6, 10)),
            "the market grows"
        );
    }

    #[test]
    fn orders_follow_the_seasons_and_the_same_seed_makes_the_same_orders() {
        let catalogue = vec![SaleVariant {
            variant_id: 1,
            listing_id: 1,
            seller_user_id: 7,
            vendor_user_id: None,
            title: "Chikankari Kurta".into(),
            label: "M".into(),
            sku: "CK-M".into(),
            hsn: "6211".into(),
            price_paise: 149_900,
            gst_rate_bp: 500,
            return_days: Some(7),
            enrolled: false,
        }];
        let make = |seed| {
            let mut maker = OrderMaker::new(seed);
            (0..3000)
                .map(|i| maker.order(i, UserId(1), "+919800000000", &catalogue))
                .collect::<Vec<_>>()
        };
        let orders = make(1);
        assert_eq!(
            orders.iter().map(|o| o.created_at).collect::<Vec<_>>(),
            make(1).iter().map(|o| o.created_at).collect::<Vec<_>>()
        );
        let in_month = |m: u32| {
            orders
                .iter()
                .filter(|o| (o.created_at + Duration::minutes(330)).month() == m)
                .count()
        };
        let (festive, monsoon) = (in_month(10) + in_month(11), in_month(6) + in_month(7));
        assert!(
            2 * festive > 3 * monsoon,
            "festive months outsell the monsoon: {festive} vs {monsoon}"
        );
        for order in &orders {
            assert!(order.created_at <= as_of());
            for part in &order.parts {
                let tax: i64 = part.lines.iter().map(|l| l.tax_paise).sum();
                assert_eq!(part.cgst_paise + part.sgst_paise + part.igst_paise, tax);
                assert_eq!(
                    part.igst_paise == 0,
                    order.ship_state == "09",
                    "IGST exactly outside Uttar Pradesh"
                );
                assert!(part.updated_at >= order.created_at);
                // The timeline runs forward: shipped, delivered, the last move.
                let timeline: Vec<_> = [
                    Some(order.created_at),
                    part.shipped_at,
                    part.delivered_at,
                    Some(part.updated_at),
                ]
                .into_iter()
                .flatten()
                .collect();
                assert!(timeline.is_sorted(), "{timeline:?}");
                assert_eq!(part.shipped_at.is_some(), part.status.has_left_seller());
                assert_eq!(part.delivered_at.is_some(), part.status.is_return());
                assert_eq!(part.supply_document, "tax-invoice");
            }
        }
        let delivered = orders
            .iter()
            .flat_map(|o| &o.parts)
            .filter(|p| p.status == SubOrderStatus::Delivered)
            .count();
        assert!(delivered * 100 / orders.len() > 80, "most orders are delivered");
        let returned: Vec<_> = orders
            .iter()
            .flat_map(|o| &o.parts)
            .filter(|p| p.status.is_return())
            .collect();
        assert!(
            (1..=delivered / 10).contains(&returned.len()),
            "some parcels come back, far fewer than are kept: {} of {delivered}",
            returned.len()
        );
        for part in returned {
            let reason = part.reason.and_then(ReturnReason::parse);
            assert!(reason.is_some(), "a return records why: {:?}", part.reason);
            assert!(part.courier.is_some(), "a returned parcel was shipped first");
        }
    }

    #[test]
    fn an_enrolled_supplier_sells_within_up_only_without_tax_on_a_bill_of_supply() {
        let enrolled = |id: i64| SaleVariant {
            variant_id: id,
            listing_id: id,
            seller_user_id: 10 + id,
            vendor_user_id: None,
            title: "Kala Namak Rice".into(),
            label: "1 kg".into(),
            sku: format!("KN-{id}"),
            hsn: "1006".into(),
            price_paise: 24_900,
            gst_rate_bp: 500,
            return_days: None,
            enrolled: true,
        };
        let catalogue = vec![enrolled(1), enrolled(2)];
        let mut maker = OrderMaker::new(3);
        for i in 0..500 {
            let order = maker.order(i, UserId(1), "+919800000000", &catalogue);
            assert_eq!(order.ship_state, "09", "an enrolled supplier ships within UP");
            for part in &order.parts {
                assert_eq!(part.supply_document, "bill-of-supply");
                assert_eq!(
                    part.cgst_paise + part.sgst_paise + part.igst_paise,
                    0,
                    "no tax is charged"
                );
            }
        }
    }
}
