//! Making believable sellers and listings from a seed, with no IO: where
//! sellers are, what they are called, and what they sell. Every listing goes
//! through the same validation as one typed into the seller's form.

use chrono::{DateTime, Duration, TimeZone, Utc};
use odop_domain::UserId;
use odop_domain::catalogue::{self, ListingContext, ListingDraft, ListingInput, ListingStatus, VariantInput};
use odop_domain::gst::GstTable;
use odop_domain::identity::gstin_check_character;
use odop_domain::registry::{District, GiStatus, Registry};
use odop_store::bulk::{NewListing, NewSeller, NewSellerKind};

use super::vocab::{Category, CraftWord, VariantKind, Vocabulary};
use odop_domain::rng::SplitMix64;

/// Post offices of a district, from `pins.toml`.
#[derive(serde::Deserialize)]
struct DistrictPins {
    pins: Vec<PostOffice>,
}

#[derive(serde::Deserialize)]
struct PostOffice {
    pin: String,
    #[allow(dead_code)]
    office: String,
}

/// Real PIN codes of every district, read once from the file compiled in.
static PINS: std::sync::LazyLock<std::collections::HashMap<String, DistrictPins>> = std::sync::LazyLock::new(|| {
    toml::from_str(include_str!("pins.toml")).expect("pins.toml, compiled in and checked by a test, parses")
});

/// Generated data is dated up to this day, so that a seed always makes the
/// same data whenever it is run. Three years of history end here.
pub fn as_of() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .expect("a valid date")
}

const HISTORY_DAYS: i64 = 3 * 365;

/// Where a seller is and what it makes, decided before any row is written
/// (vendors are written first so that their artisans can refer to them).
#[derive(Clone, Debug)]
pub struct SellerPlan {
    pub district: usize,
    pub craft: String,
    /// `None` for a vendor; for an artisan, the plan index of its vendor.
    pub vendor: Option<usize>,
    /// Filled in once the seller is written.
    pub user: Option<UserId>,
    pub display_name: String,
    pub joined_at: DateTime<Utc>,
}

pub struct Maker<'a> {
    registry: &'a Registry,
    vocabulary: &'a Vocabulary,
    gst: &'a GstTable,
    rng: SplitMix64,
    /// Per registry district: how many sellers it gets relative to others.
    weights: Vec<u64>,
    /// Per registry district: its id in the database.
    district_ids: Vec<i64>,
}

const HINDU_FIRST: &[&str] = &[
    "Ramesh", "Sunita", "Anil", "Geeta", "Vijay", "Pooja", "Rajesh", "Kavita", "Suresh", "Meena", "Arjun", "Asha",
    "Dinesh", "Savitri", "Mahesh", "Neha", "Santosh", "Rekha", "Manoj", "Urmila",
];
const HINDU_SURNAMES: &[&str] = &[
    "Kumar",
    "Prajapati",
    "Vishwakarma",
    "Maurya",
    "Yadav",
    "Gupta",
    "Verma",
    "Kushwaha",
    "Pal",
    "Rajbhar",
    "Singh",
    "Saxena",
    "Soni",
    "Kashyap",
];
const MUSLIM_FIRST: &[&str] = &[
    "Mohammad Irfan",
    "Rukhsana",
    "Salim",
    "Shabana",
    "Imran",
    "Nazia",
    "Farida",
    "Abdul Rehman",
    "Zainab",
    "Shahid",
    "Naseem",
    "Tabassum",
];
const MUSLIM_SURNAMES: &[&str] = &[
    "Ansari", "Khan", "Siddiqui", "Qureshi", "Shaikh", "Alvi", "Idrisi", "Mirza",
];
const BUSINESS_SUFFIXES: &[&str] = &[
    "Emporium",
    "Handicrafts",
    "Udyog",
    "Crafts",
    "Kala Kendra",
    "Arts",
    "Traders",
    "Exports",
];
const LOCALITIES: &[&str] = &[
    "Chowk",
    "Sadar Bazar",
    "Civil Lines",
    "Station Road",
    "Katra",
    "Purana Bazar",
    "Gandhi Nagar",
    "Nai Basti",
    "Subhash Nagar",
    "Kotwali Road",
];
const BANKS: &[&str] = &["SBIN", "PUNB", "BARB", "CNRB", "UBIN", "BKID", "HDFC", "ICIC", "UTIB"];
const COLOURS: &[&str] = &[
    "Maroon",
    "Red",
    "Royal Blue",
    "Green",
    "Gold",
    "Pink",
    "Black",
    "Ivory",
    "Mustard",
    "Teal",
    "Purple",
    "Peach",
];
const SIZES: &[&str] = &["XS", "S", "M", "L", "XL", "XXL"];
const SHOES: &[&str] = &["UK 5", "UK 6", "UK 7", "UK 8", "UK 9", "UK 10", "UK 11"];
const DEITY: &[&str] = &["No. 0", "No. 1", "No. 2", "No. 3", "No. 4", "No. 5", "No. 6"];
/// Carpet sizes and their area relative to the smallest.
const RUGS: &[(&str, i64)] = &[
    ("3 × 5 ft", 100),
    ("4 × 6 ft", 160),
    ("5 × 8 ft", 267),
    ("6 × 9 ft", 360),
    ("8 × 10 ft", 533),
];
/// Pack sizes and their share of a kilogram (or litre), in thousandths.
const PACKS: &[(&str, i64)] = &[("500 g", 500), ("1 kg", 1000), ("2 kg", 2000), ("5 kg", 5000)];
const LITRES: &[(&str, i64)] = &[("500 ml", 500), ("1 litre", 1000), ("2 litres", 2000)];

fn rupees_text(paise: i64) -> String {
    format!("{}.{:02}", paise / 100, paise % 100)
}

impl<'a> Maker<'a> {
    pub fn new(
        registry: &'a Registry,
        vocabulary: &'a Vocabulary,
        gst: &'a GstTable,
        district_ids: Vec<i64>,
        seed: u64,
    ) -> Self {
        // The established clusters (the districts the home page features)
        // have most sellers, districts whose product holds a GI tag more
        // than the rest, and a district makes none if its products cannot
        // be listed (no GST rate for them yet).
        let weights = registry
            .districts()
            .iter()
            .map(|d| {
                if !d.products.iter().any(|p| vocabulary.knows(p.slug.as_str())) {
                    0
                } else if d.featured_rank.is_some() {
                    6
                } else if d.products.iter().any(|p| p.gi.status == GiStatus::Registered) {
                    3
                } else {
                    1
                }
            })
            .collect();
        Self {
            registry,
            vocabulary,
            gst,
            rng: SplitMix64::new(seed),
            weights,
            district_ids,
        }
    }

    fn district(&self, index: usize) -> &'a District {
        &self.registry.districts()[index]
    }

    /// A real PIN code of `district` (`pins.toml`), so that a generated
    /// address passes checkout's and onboarding's checks and reads true.
    fn pin_in(&mut self, district: &District) -> String {
        let pins = PINS
            .get(district.slug.as_str())
            .map(|d| d.pins.as_slice())
            .unwrap_or_default();
        if pins.is_empty() {
            // Only a district added to the registry after pins.toml: its
            // state's first PIN, rather than an invented one.
            return "226001".to_owned();
        }
        pins[self.rng.below(pins.len() as u64) as usize].pin.clone()
    }

    fn person_name(&mut self) -> (String, &'static str) {
        if self.rng.percent(30) {
            let surname = *self.rng.pick(MUSLIM_SURNAMES);
            (format!("{} {surname}", self.rng.pick(MUSLIM_FIRST)), surname)
        } else {
            let surname = *self.rng.pick(HINDU_SURNAMES);
            (format!("{} {surname}", self.rng.pick(HINDU_FIRST)), surname)
        }
    }

    /// Plans `count` sellers: a district for each, in proportion to the
    /// district weights; the first seller of a district is a vendor, later
    /// ones vendors one time in four and otherwise artisans under one of the
    /// district's vendors.
    pub fn plan_sellers(&mut self, count: usize) -> Vec<SellerPlan> {
        let mut vendors_of: Vec<Vec<usize>> = vec![Vec::new(); self.weights.len()];
        let mut plans = Vec::with_capacity(count);
        for index in 0..count {
            let district_index = self.rng.weighted(&self.weights);
            let district = self.district(district_index);
            let listable: Vec<&str> = district
                .products
                .iter()
                .map(|p| p.slug.as_str())
                .filter(|slug| self.vocabulary.knows(slug))
                .collect();
            let craft = if self.rng.percent(70) {
                listable[0]
            } else {
                *self.rng.pick(&listable)
            };
            let vendors = &vendors_of[district_index];
            let vendor = if vendors.is_empty() || self.rng.percent(25) {
                None
            } else {
                Some(*self.rng.pick(vendors))
            };
            if vendor.is_none() {
                vendors_of[district_index].push(index);
            }
            let (person, surname) = self.person_name();
            let display_name = if vendor.is_none() {
                let suffix = self.rng.pick(BUSINESS_SUFFIXES);
                if self.rng.percent(50) {
                    format!("{surname} {suffix}")
                } else {
                    format!("{} {}", district.name.en, suffix)
                }
            } else {
                person
            };
            let joined_at = as_of() - Duration::days(self.rng.between(30, HISTORY_DAYS));
            plans.push(SellerPlan {
                district: district_index,
                craft: craft.to_owned(),
                vendor,
                user: None,
                display_name,
                joined_at,
            });
        }
        plans
    }

    /// The account and application of a planned seller; `vendor` is its
    /// vendor's account for an artisan.
    pub fn seller(&mut self, plan: &SellerPlan, vendor: Option<UserId>, phone: String) -> NewSeller {
        let district = self.district(plan.district);
        let product = district
            .products
            .iter()
            .find(|p| p.slug.as_str() == plan.craft)
            .expect("planned from the district's products");
        let (owner, surname) = self.person_name();
        let letters: String = (0..3).map(|_| char::from(b'A' + self.rng.below(26) as u8)).collect();
        let holder = if vendor.is_none() { 'F' } else { 'P' };
        let pan = format!(
            "{letters}{holder}{}{:04}{}",
            surname.as_bytes()[0] as char,
            self.rng.between(1, 9999),
            char::from(b'A' + self.rng.below(26) as u8)
        );
        let kind = match vendor {
            None => {
                let first14 = format!("09{pan}1Z");
                let check = gstin_check_character(first14.as_bytes()).expect("generated from base 36") as char;
                NewSellerKind::Vendor {
                    gstin: format!("{first14}{check}"),
                }
            }
            Some(vendor) => NewSellerKind::SubVendor { vendor },
        };
        let years = self.rng.between(3, 35);
        NewSeller {
            phone,
            display_name: plan.display_name.clone(),
            legal_name: Some(if vendor.is_none() {
                owner
            } else {
                plan.display_name.clone()
            }),
            district_id: self.district_ids[plan.district],
            craft: plan.craft.clone(),
            bio_en: format!(
                "{} has made {} in {} for {years} years.",
                plan.display_name, product.name.en, district.name.en
            ),
            bio_hi: format!(
                "{} {years} वर्षों से {} में {} बना रहे हैं।",
                plan.display_name, district.name.hi, product.name.hi
            ),
            address_line1: format!("{}, {}", self.rng.between(1, 400), self.rng.pick(LOCALITIES)),
            city: district.name.en.clone(),
            pin: self.pin_in(district),
            account_number: format!("{}", self.rng.between(10_000_000_000, 99_999_999_999_999)),
            ifsc: format!("{}0{:06}", self.rng.pick(BANKS), self.rng.between(1, 999_999)),
            pan,
            kind,
            joined_at: plan.joined_at,
        }
    }

    /// Which planned seller the next listing belongs to: a few sellers list
    /// much, most list a little.
    pub fn pick_seller(&mut self, sellers: usize) -> usize {
        let u = self.rng.below(1 << 24) as f64 / f64::from(1 << 24);
        ((u * u * sellers as f64) as usize).min(sellers - 1)
    }

    /// A listing of `plan`'s seller, validated as the seller's form would.
    pub fn listing(&mut self, plan: &SellerPlan, serial: u64) -> Result<NewListing, String> {
        let district = self.district(plan.district);
        let options: Vec<(&'a Category, &'a CraftWord)> = self.vocabulary.categories_of(&plan.craft);
        let (category, word) = *self.rng.pick(&options);
        let item = self.rng.pick(&category.items);
        let adjective = self.rng.pick(&category.adjectives);
        let material =
            (!category.materials.is_empty() && self.rng.percent(80)).then(|| self.rng.pick(&category.materials));
        let title = |pick: fn(&super::vocab::Words) -> &str, craft: Option<&str>, item: &str| -> String {
            let mut words = vec![pick(adjective)];
            words.extend(craft);
            words.extend(material.map(pick));
            words.push(item);
            words.join(" ")
        };
        let title_en = title(|w| &w.en, word.en.as_deref(), &item.en);
        let title_hi = title(|w| &w.hi, word.hi.as_deref(), &item.hi);
        let product = district
            .products
            .iter()
            .find(|p| p.slug.as_str() == plan.craft)
            .expect("planned from the district's products");
        let mut details_en = vec![format!("- Made in: {}, Uttar Pradesh", district.name.en)];
        let mut details_hi = vec![format!("- निर्माण स्थान: {}, उत्तर प्रदेश", district.name.hi)];
        if let Some(material) = material {
            details_en.push(format!("- Material: {}", material.en));
            details_hi.push(format!("- सामग्री: {}", material.hi));
        }
        details_en.push(format!("- Care: {}", category.care_en));
        details_hi.push(format!("- देखभाल: {}", category.care_hi));
        let description_en = format!(
            "{title_en} by **{}**.\n\n{}\n\n{}",
            plan.display_name,
            product.description.en,
            details_en.join("\n")
        );
        let description_hi = format!(
            "**{}** द्वारा {title_hi}।\n\n{}\n\n{}",
            plan.display_name,
            product.description.hi,
            details_hi.join("\n")
        );
        // Most sellers write both languages; one in ten only English, one
        // in twenty only Hindi.
        let (english, hindi) = match self.rng.below(100) {
            0..85 => (true, true),
            85..95 => (true, false),
            _ => (false, true),
        };
        let only = |wanted: bool, text: String| if wanted { text } else { String::new() };
        let (title_en, description_en) = (only(english, title_en), only(english, description_en));
        let (title_hi, description_hi) = (only(hindi, title_hi), only(hindi, description_hi));

        let base = (self.rng.between(item.price[0], item.price[1]) / 1000 * 1000 - 100).max(900);
        let variants = self.variants(category.variants, base, serial);
        let pack_grams = match category.variants {
            VariantKind::Packs | VariantKind::Litres => 500,
            _ => item.grams,
        };
        let with_dimensions = self.rng.percent(80);
        let dimension = |i: usize| {
            if with_dimensions {
                item.cm[i].to_string()
            } else {
                String::new()
            }
        };
        let holds_gi = product.gi.status == GiStatus::Registered;
        let input = ListingInput {
            title_en,
            title_hi,
            description_en,
            description_hi,
            craft: plan.craft.clone(),
            hsn: item.hsn.clone(),
            weight_grams: pack_grams.to_string(),
            length_cm: dimension(0),
            width_cm: dimension(1),
            height_cm: dimension(2),
            returnable: category.return_days > 0,
            return_days: category.return_days.to_string(),
            origin: String::new(),
            gi_tagged: holds_gi,
            variants,
        };
        let context = ListingContext {
            registry: self.registry,
            seller_district: &district.slug,
            gst: self.gst,
            today: as_of().date_naive(),
        };
        let draft: ListingDraft = catalogue::validate(&input, &context).map_err(|problems| {
            let fields: Vec<String> = problems
                .iter()
                .map(|p| format!("{} ({})", p.field, p.message_id))
                .collect();
            format!(
                "generated listing {serial} ({}) is invalid: {}",
                category.key,
                fields.join(", ")
            )
        })?;
        let status = match self.rng.below(100) {
            0..92 => ListingStatus::Active,
            92..97 => ListingStatus::Paused,
            _ => ListingStatus::Draft,
        };
        let span = (as_of() - plan.joined_at).num_minutes().max(1);
        Ok(NewListing {
            seller: plan.user.expect("sellers are written before their listings"),
            district_id: self.district_ids[plan.district],
            draft,
            status,
            created_at: plan.joined_at + Duration::minutes(self.rng.between(0, span)),
            photo: None,
        })
    }

    fn variants(&mut self, kind: VariantKind, base: i64, serial: u64) -> Vec<VariantInput> {
        let mut rows: Vec<(String, i64)> = Vec::new();
        // A run of neighbouring sizes, all at one price.
        let mut sizes = |labels: &[&str], min: i64, max: i64| {
            let count = self.rng.between(min, max) as usize;
            let start = self.rng.below((labels.len() - count + 1) as u64) as usize;
            labels[start..start + count]
                .iter()
                .map(|l| ((*l).to_owned(), base))
                .collect::<Vec<_>>()
        };
        match kind {
            VariantKind::Sizes => rows = sizes(SIZES, 2, 5),
            VariantKind::Shoes => rows = sizes(SHOES, 3, 6),
            VariantKind::Deity => rows = sizes(DEITY, 2, 4),
            VariantKind::Colours => {
                let count = self.rng.between(1, 3) as usize;
                let first = self.rng.below(COLOURS.len() as u64) as usize;
                for i in 0..count {
                    rows.push((COLOURS[(first + i * 5) % COLOURS.len()].to_owned(), base));
                }
            }
            VariantKind::Rugs => {
                let count = self.rng.between(1, 3) as usize;
                let start = self.rng.below((RUGS.len() - count + 1) as u64) as usize;
                for (label, area) in &RUGS[start..start + count] {
                    rows.push(((*label).to_owned(), base * area / 100 / 100 * 100));
                }
            }
            VariantKind::Packs | VariantKind::Litres => {
                let sizes = if kind == VariantKind::Packs { PACKS } else { LITRES };
                let count = self.rng.between(1, sizes.len() as i64 - 1) as usize;
                for (label, thousandths) in &sizes[..count] {
                    // Larger packs cost a little less by the kilogram.
                    let discount = if *thousandths > 1000 { 95 } else { 100 };
                    rows.push((
                        (*label).to_owned(),
                        (base * thousandths / 1000 * discount / 100 / 100 * 100).max(900),
                    ));
                }
            }
            VariantKind::Single => rows.push((String::new(), base)),
        }
        // The maximum retail price stands the same share above the price
        // for every variant (none, for a seller who prints no MRP).
        let markup = if self.rng.percent(30) {
            0
        } else {
            self.rng.between(5, 40)
        };
        rows.into_iter()
            .enumerate()
            .map(|(i, (label, price))| {
                let mrp = (price + price * markup / 100) / 100 * 100;
                VariantInput {
                    label,
                    sku: format!("G{serial}-{}", i + 1),
                    price: rupees_text(price),
                    mrp: rupees_text(mrp.max(price)),
                    stock: if self.rng.percent(8) {
                        "0".into()
                    } else {
                        self.rng.between(1, 60).to_string()
                    },
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod pin_tests {
    use super::*;

    #[test]
    fn every_district_of_the_registry_has_real_pins_of_uttar_pradesh() {
        let registry = odop_store::seed::registry().unwrap();
        for district in registry.districts() {
            let pins = &PINS
                .get(district.slug.as_str())
                .unwrap_or_else(|| panic!("{} has no PINs", district.slug))
                .pins;
            assert!(pins.len() >= 3, "{}", district.slug);
            for office in pins {
                let pin = odop_domain::identity::Pin::parse(&office.pin).unwrap();
                let up = odop_domain::checkout::state(odop_domain::checkout::UTTAR_PRADESH).unwrap();
                assert!(up.accepts(&pin), "{} {}", district.slug, office.pin);
            }
        }
    }
}
