//! Listings: what a seller offers, in variants with their own price and
//! stock, validated whole; and the listing's life: draft, active, paused,
//! deleted.

use chrono::NaiveDate;

use crate::gst::{GstRate, GstTable, Hsn};
use crate::money::{MAX_PRICE, Money};
use crate::onboarding::FieldError;
use crate::registry::{GiStatus, Registry};
use crate::text;
use crate::{Slug, SlugError};

/// The most variants one listing may have.
pub const MAX_VARIANTS: usize = 20;
/// The most photos one listing may have.
pub const MAX_PHOTOS: usize = 8;
/// The most units of one variant a seller may declare in stock.
pub const MAX_STOCK: u32 = 100_000;

/// One row of the variants form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct VariantInput {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub sku: String,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub mrp: String,
    #[serde(default)]
    pub stock: String,
}

impl VariantInput {
    /// A row left entirely blank on the form is not a variant.
    pub fn is_blank(&self) -> bool {
        [&self.label, &self.sku, &self.price, &self.mrp, &self.stock]
            .iter()
            .all(|f| f.trim().is_empty())
    }
}

/// The listing form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListingInput {
    pub title_en: String,
    pub title_hi: String,
    pub description_en: String,
    pub description_hi: String,
    pub craft: String,
    pub hsn: String,
    pub weight_grams: String,
    pub length_cm: String,
    pub width_cm: String,
    pub height_cm: String,
    pub returnable: bool,
    pub return_days: String,
    pub origin: String,
    pub gi_tagged: bool,
    pub variants: Vec<VariantInput>,
}

/// A stock-keeping unit: the seller's own code for a variant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sku(String);

impl Sku {
    pub fn parse(input: &str) -> Option<Self> {
        let text = input.trim();
        let valid = (1..=40).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
        valid.then(|| Sku(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// What distinguishes it: "M", "Red, 5 m", "500 g"; empty for a single variant.
    pub label: String,
    pub sku: Sku,
    /// What the buyer pays, GST included.
    pub price: Money,
    /// The maximum retail price printed on the product; at least the price.
    pub mrp: Money,
    pub stock: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dimensions {
    pub length_mm: u32,
    pub width_mm: u32,
    pub height_mm: u32,
}

/// A complete, valid listing (its status aside).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingDraft {
    pub title_en: Option<String>,
    pub title_hi: Option<String>,
    pub description_en: Option<String>,
    pub description_hi: Option<String>,
    pub craft: Slug,
    pub hsn: Hsn,
    /// The rate of the cheapest variant's price band, recorded for display;
    /// invoices compute it again per line on the day of sale.
    pub gst_rate: GstRate,
    pub weight_grams: u32,
    pub dimensions: Option<Dimensions>,
    /// Days a buyer has to return it; `None` when it cannot be returned.
    pub return_days: Option<u32>,
    pub origin: String,
    pub gi_tagged: bool,
    pub variants: Vec<Variant>,
}

impl ListingDraft {
    /// The lowest price among the variants: what cards and search show.
    pub fn from_price(&self) -> Money {
        self.variants.iter().map(|v| v.price).min().unwrap_or(Money::ZERO)
    }

    /// A URL word for the listing, from its English title (or its craft).
    pub fn slug(&self) -> String {
        slugify(self.title_en.as_deref().unwrap_or(self.craft.as_str()))
    }
}

/// Lowercase ASCII words joined by hyphens, at most 60 characters;
/// `listing` when nothing usable is left.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if slug.len() + word.len() + 1 > 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    if Slug::parse(&slug).map_err(|e: SlugError| e).is_ok() {
        slug
    } else {
        "listing".into()
    }
}

/// The craft of a listing that is none of its district's ODOP products:
/// shown as "another craft of <district>".
pub const OTHER_CRAFT: &str = "other";

/// What validating a listing needs to know besides the form.
pub struct ListingContext<'a> {
    pub registry: &'a Registry,
    /// The district of the seller the listing is for.
    pub seller_district: &'a Slug,
    pub gst: &'a GstTable,
    pub today: NaiveDate,
}

fn number(
    p: &mut Vec<FieldError>,
    field: &'static str,
    input: &str,
    range: std::ops::RangeInclusive<u32>,
) -> Option<u32> {
    match input.trim().parse::<u32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            p.push(FieldError {
                field,
                message_id: "number-out-of-range",
                limit: Some(*range.end() as usize),
            });
            None
        }
    }
}

fn optional_number(
    p: &mut Vec<FieldError>,
    field: &'static str,
    input: &str,
    range: std::ops::RangeInclusive<u32>,
) -> Option<Option<u32>> {
    if input.trim().is_empty() {
        Some(None)
    } else {
        number(p, field, input, range).map(Some)
    }
}

/// A text longer than `limit` characters in `field`, the limit named.
fn too_long(field: &'static str, limit: usize) -> FieldError {
    FieldError {
        field,
        message_id: "text-too-long",
        limit: Some(limit),
    }
}

fn problem(field: &'static str, message_id: &'static str) -> FieldError {
    FieldError {
        field,
        message_id,
        limit: None,
    }
}

/// Field names of variant rows, `variant-0-price`…, fixed strings so that
/// errors can name them.
const VARIANT_FIELDS: [[&str; 5]; MAX_VARIANTS] = {
    macro_rules! row {
        ($i:literal) => {
            [
                concat!("variant-", $i, "-label"),
                concat!("variant-", $i, "-sku"),
                concat!("variant-", $i, "-price"),
                concat!("variant-", $i, "-mrp"),
                concat!("variant-", $i, "-stock"),
            ]
        };
    }
    [
        row!(0),
        row!(1),
        row!(2),
        row!(3),
        row!(4),
        row!(5),
        row!(6),
        row!(7),
        row!(8),
        row!(9),
        row!(10),
        row!(11),
        row!(12),
        row!(13),
        row!(14),
        row!(15),
        row!(16),
        row!(17),
        row!(18),
        row!(19),
    ]
};

/// Checks a listing whole, returning it or every problem at once.
pub fn validate(input: &ListingInput, context: &ListingContext<'_>) -> Result<ListingDraft, Vec<FieldError>> {
    let mut p: Vec<FieldError> = Vec::new();
    let title_en = text::optional(&input.title_en, 120).map_err(|_| p.push(too_long("title_en", 120)));
    let title_hi = text::optional(&input.title_hi, 120).map_err(|_| p.push(too_long("title_hi", 120)));
    if let (Ok(None), Ok(None)) = (&title_en, &title_hi) {
        p.push(problem("title_en", "title-required"));
    }
    for (field, title) in [("title_en", &title_en), ("title_hi", &title_hi)] {
        if let Ok(Some(title)) = title
            && title.chars().count() < 3
        {
            p.push(FieldError {
                field,
                message_id: "text-too-short",
                limit: Some(3),
            });
        }
    }
    let description_en =
        text::optional(&input.description_en, 5000).map_err(|_| p.push(too_long("description_en", 5000)));
    let description_hi =
        text::optional(&input.description_hi, 5000).map_err(|_| p.push(too_long("description_hi", 5000)));
    // A listing's craft is one of its seller's district's ODOP products, or
    // "another craft of the district": the product page names the district
    // as the product's origin, so a seller of one district cannot claim
    // another district's product.
    let parsed = Slug::parse(input.craft.trim()).ok();
    let home = context.registry.district(context.seller_district);
    let craft = parsed
        .clone()
        .filter(|s| s.as_str() == OTHER_CRAFT || home.is_some_and(|d| d.products.iter().any(|p| &p.slug == s)));
    if craft.is_none() {
        let elsewhere = parsed.is_some_and(|s| {
            context
                .registry
                .districts()
                .iter()
                .any(|d| d.products.iter().any(|p| p.slug == s))
        });
        p.push(problem(
            "craft",
            if elsewhere {
                "craft-of-another-district"
            } else {
                "unknown-craft"
            },
        ));
    }
    let hsn = match Hsn::parse(&input.hsn) {
        Ok(hsn) if context.gst.knows(&hsn) => Some(hsn),
        Ok(_) => {
            p.push(problem("hsn", "hsn-unknown"));
            None
        }
        Err(_) => {
            p.push(problem("hsn", "hsn-malformed"));
            None
        }
    };
    let weight_grams = number(&mut p, "weight_grams", &input.weight_grams, 1..=100_000);
    let dims = [
        optional_number(&mut p, "length_cm", &input.length_cm, 1..=500),
        optional_number(&mut p, "width_cm", &input.width_cm, 1..=500),
        optional_number(&mut p, "height_cm", &input.height_cm, 1..=500),
    ];
    let dimensions = match dims {
        [Some(Some(l)), Some(Some(w)), Some(Some(h))] => Some(Some(Dimensions {
            length_mm: l * 10,
            width_mm: w * 10,
            height_mm: h * 10,
        })),
        [Some(None), Some(None), Some(None)] => Some(None),
        [Some(_), Some(_), Some(_)] => {
            p.push(problem("length_cm", "dimensions-all-or-none"));
            None
        }
        _ => None,
    };
    let return_days = if input.returnable {
        number(&mut p, "return_days", &input.return_days, 1..=30).map(Some)
    } else {
        Some(None)
    };
    let origin = match text::optional(&input.origin, 60) {
        Ok(Some(origin)) => Some(origin),
        Ok(None) => Some("India".to_owned()),
        Err(_) => {
            p.push(too_long("origin", 60));
            None
        }
    };
    // A GI tag may be claimed only for a product that holds one in the
    // seller's own district.
    if input.gi_tagged
        && let Some(craft) = &craft
    {
        let holds_gi = context.registry.district(context.seller_district).is_some_and(|d| {
            d.products
                .iter()
                .any(|p| &p.slug == craft && matches!(p.gi.status, GiStatus::Registered | GiStatus::Likely))
        });
        if !holds_gi {
            p.push(problem("gi_tagged", "gi-not-held"));
        }
    }

    let rows: Vec<&VariantInput> = input.variants.iter().filter(|v| !v.is_blank()).collect();
    if rows.is_empty() {
        p.push(problem("variant-0-price", "variant-required"));
    }
    if rows.len() > MAX_VARIANTS {
        p.push(FieldError {
            field: "variant-0-label",
            message_id: "variants-too-many",
            limit: Some(MAX_VARIANTS),
        });
    }
    let mut variants = Vec::new();
    let mut skus = std::collections::HashSet::new();
    for (i, row) in rows.iter().take(MAX_VARIANTS).enumerate() {
        let [label_field, sku_field, price_field, mrp_field, stock_field] = VARIANT_FIELDS[i];
        let label = text::optional(&row.label, 60).map_err(|_| p.push(too_long(label_field, 60)));
        if rows.len() > 1 && matches!(label, Ok(None)) {
            p.push(problem(label_field, "variant-label-required"));
        }
        let sku = Sku::parse(&row.sku);
        match &sku {
            None => p.push(problem(sku_field, "sku-malformed")),
            Some(sku) if !skus.insert(sku.clone()) => p.push(problem(sku_field, "sku-repeated")),
            Some(_) => {}
        }
        let price = Money::parse_price(&row.price).map_err(|e| p.push(problem(price_field, e.message_id())));
        let mrp = if row.mrp.trim().is_empty() {
            price
        } else {
            Money::parse_price(&row.mrp).map_err(|e| p.push(problem(mrp_field, e.message_id())))
        };
        if let (Ok(price), Ok(mrp)) = (&price, &mrp)
            && mrp < price
        {
            p.push(problem(mrp_field, "mrp-below-price"));
        }
        let stock = number(&mut p, stock_field, &row.stock, 0..=MAX_STOCK);
        if let (Ok(label), Some(sku), Ok(price), Ok(mrp), Some(stock)) = (label, sku, price, mrp, stock) {
            variants.push(Variant {
                label: label.unwrap_or_default(),
                sku,
                price,
                mrp: mrp.min(MAX_PRICE),
                stock,
            });
        }
    }
    let cheapest = variants.iter().map(|v| v.price).min();
    let gst_rate = match (&hsn, cheapest) {
        (Some(hsn), Some(price)) => {
            let rate = context.gst.rate(hsn, price, context.today);
            if rate.is_none() {
                p.push(problem("hsn", "hsn-unknown"));
            }
            rate
        }
        _ => None,
    };

    if !p.is_empty() {
        return Err(p);
    }
    let draft = (|| {
        Some(ListingDraft {
            title_en: title_en.ok()?,
            title_hi: title_hi.ok()?,
            description_en: description_en.ok()?,
            description_hi: description_hi.ok()?,
            craft: craft?,
            hsn: hsn?,
            gst_rate: gst_rate?,
            weight_grams: weight_grams?,
            dimensions: dimensions?,
            return_days: return_days?,
            origin: origin?,
            gi_tagged: input.gi_tagged,
            variants,
        })
    })();
    draft.ok_or_else(|| vec![problem("title_en", "form-incomplete")])
}

/// Where a listing stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListingStatus {
    /// Being prepared; only its seller sees it.
    Draft,
    /// On sale and in search.
    Active,
    /// Taken off sale for now; only its seller sees it.
    Paused,
    /// Gone; kept only for the record.
    Deleted,
}

/// What a seller does to a listing's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusChange {
    Publish,
    Pause,
    Delete,
}

impl StatusChange {
    pub fn parse(action: &str) -> Option<Self> {
        match action {
            "publish" => Some(StatusChange::Publish),
            "pause" => Some(StatusChange::Pause),
            "delete" => Some(StatusChange::Delete),
            _ => None,
        }
    }
}

impl ListingStatus {
    pub const ALL: [ListingStatus; 4] = [
        ListingStatus::Draft,
        ListingStatus::Active,
        ListingStatus::Paused,
        ListingStatus::Deleted,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ListingStatus::Draft => "draft",
            ListingStatus::Active => "active",
            ListingStatus::Paused => "paused",
            ListingStatus::Deleted => "deleted",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether buyers may see it.
    pub fn is_public(self) -> bool {
        self == ListingStatus::Active
    }

    /// The status after `change`, if the change makes sense from here.
    pub fn after(self, change: StatusChange) -> Option<ListingStatus> {
        match (self, change) {
            (ListingStatus::Deleted, _) => None,
            (ListingStatus::Draft | ListingStatus::Paused, StatusChange::Publish) => Some(ListingStatus::Active),
            (ListingStatus::Active, StatusChange::Pause) => Some(ListingStatus::Paused),
            (_, StatusChange::Delete) => Some(ListingStatus::Deleted),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Bilingual;
    use crate::gst::GstRule;
    use crate::registry::{Confidence, District, Division, GiTag, OdopProduct};

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    fn registry() -> Registry {
        let product = |s: &str, gi| OdopProduct {
            hsn: Vec::new(),
            slug: slug(s),
            name: Bilingual::new(s, s),
            description: Bilingual::new("", ""),
            added_on: None,
            gi: GiTag { status: gi, name: None },
        };
        Registry::new(
            vec![Division {
                slug: slug("lucknow"),
                name: Bilingual::new("Lucknow", "लखनऊ"),
            }],
            vec![
                District {
                    slug: slug("lucknow"),
                    division: slug("lucknow"),
                    name: Bilingual::new("Lucknow", "लखनऊ"),
                    confidence: Confidence::High,
                    featured_rank: None,
                    products: vec![
                        product("chikankari", GiStatus::Likely),
                        product("zari-zardozi", GiStatus::Unknown),
                    ],
                },
                District {
                    slug: slug("hardoi"),
                    division: slug("lucknow"),
                    name: Bilingual::new("Hardoi", "हरदोई"),
                    confidence: Confidence::High,
                    featured_rank: None,
                    products: vec![product("handloom", GiStatus::Unknown)],
                },
            ],
        )
        .unwrap()
    }

    fn gst() -> GstTable {
        GstTable(vec![
            GstRule {
                hsn_prefix: "62".into(),
                effective_from: "2025-09-22".parse().unwrap(),
                rate: GstRate(500),
                up_to_unit_price: Some(Money::from_rupees(2500)),
            },
            GstRule {
                hsn_prefix: "62".into(),
                effective_from: "2025-09-22".parse().unwrap(),
                rate: GstRate(1800),
                up_to_unit_price: None,
            },
        ])
    }

    fn kurta() -> ListingInput {
        let variant = |label: &str, sku: &str| VariantInput {
            label: label.into(),
            sku: sku.into(),
            price: "1499".into(),
            mrp: "1999".into(),
            stock: "5".into(),
        };
        ListingInput {
            title_en: "White chikankari kurta".into(),
            title_hi: "सफ़ेद चिकनकारी कुर्ता".into(),
            description_en: "Hand embroidered on cotton.".into(),
            craft: "chikankari".into(),
            hsn: "6206".into(),
            weight_grams: "250".into(),
            returnable: true,
            return_days: "7".into(),
            gi_tagged: true,
            variants: vec![
                variant("M", "KURTA-M"),
                variant("L", "KURTA-L"),
                VariantInput::default(),
            ],
            ..ListingInput::default()
        }
    }

    fn check(input: &ListingInput) -> Result<ListingDraft, Vec<(&'static str, &'static str)>> {
        let registry = registry();
        let gst = gst();
        let district = slug("lucknow");
        let context = ListingContext {
            registry: &registry,
            seller_district: &district,
            gst: &gst,
            today: "2026-01-01".parse().unwrap(),
        };
        validate(input, &context).map_err(|errors| errors.into_iter().map(|e| (e.field, e.message_id)).collect())
    }

    #[test]
    fn a_kurta_in_two_sizes_is_valid() {
        let draft = check(&kurta()).unwrap();
        assert_eq!(draft.variants.len(), 2, "the blank row is ignored");
        assert_eq!(draft.from_price(), Money::from_rupees(1499));
        assert_eq!(draft.gst_rate, GstRate(500));
        assert_eq!(draft.return_days, Some(7));
        assert_eq!(draft.origin, "India");
        assert_eq!(draft.slug(), "white-chikankari-kurta");
        assert_eq!(draft.dimensions, None);
    }

    #[test]
    fn each_rule_names_its_field() {
        type Change = fn(&mut ListingInput);
        let cases: &[(Change, (&str, &str))] = &[
            (
                |i| {
                    i.title_en.clear();
                    i.title_hi.clear();
                },
                ("title_en", "title-required"),
            ),
            (|i| i.title_en = "ab".into(), ("title_en", "text-too-short")),
            (|i| i.craft = "pottery".into(), ("craft", "unknown-craft")),
            (|i| i.hsn = "62".into(), ("hsn", "hsn-malformed")),
            (|i| i.hsn = "9999".into(), ("hsn", "hsn-unknown")),
            (|i| i.weight_grams = "0".into(), ("weight_grams", "number-out-of-range")),
            (|i| i.length_cm = "30".into(), ("length_cm", "dimensions-all-or-none")),
            (|i| i.return_days = "90".into(), ("return_days", "number-out-of-range")),
            (|i| i.craft = "handloom".into(), ("craft", "craft-of-another-district")),
            (|i| i.craft = "zari-zardozi".into(), ("gi_tagged", "gi-not-held")),
            (|i| i.craft = "other".into(), ("gi_tagged", "gi-not-held")),
            (
                |i| i.variants[1].sku = "KURTA-M".into(),
                ("variant-1-sku", "sku-repeated"),
            ),
            (
                |i| i.variants[0].sku = "kurta m!".into(),
                ("variant-0-sku", "sku-malformed"),
            ),
            (
                |i| i.variants[0].price = "12.345".into(),
                ("variant-0-price", "money-too-precise"),
            ),
            (
                |i| i.variants[0].mrp = "999".into(),
                ("variant-0-mrp", "mrp-below-price"),
            ),
            (
                |i| i.variants[1].stock = "-1".into(),
                ("variant-1-stock", "number-out-of-range"),
            ),
            (
                |i| i.variants[1].label.clear(),
                ("variant-1-label", "variant-label-required"),
            ),
            (|i| i.variants.clear(), ("variant-0-price", "variant-required")),
        ];
        for (change, expected) in cases {
            let mut input = kurta();
            change(&mut input);
            assert_eq!(check(&input).unwrap_err(), [*expected]);
        }
    }

    #[test]
    fn the_gst_band_follows_the_price() {
        let mut input = kurta();
        for variant in input.variants.iter_mut().take(2) {
            variant.price = "3000".into();
            variant.mrp = String::new();
        }
        assert_eq!(check(&input).unwrap().gst_rate, GstRate(1800));
    }

    #[test]
    fn the_listing_life_cycle() {
        use ListingStatus::*;
        use StatusChange::*;
        let cases = [
            (Draft, Publish, Some(Active)),
            (Draft, Pause, None),
            (Active, Pause, Some(Paused)),
            (Active, Publish, None),
            (Paused, Publish, Some(Active)),
            (Paused, Delete, Some(Deleted)),
            (Draft, Delete, Some(Deleted)),
            (Deleted, Publish, None),
            (Deleted, Delete, None),
        ];
        for (from, change, to) in cases {
            assert_eq!(from.after(change), to, "{from:?} + {change:?}");
        }
        assert!(Active.is_public() && !Draft.is_public() && !Paused.is_public() && !Deleted.is_public());
    }

    #[test]
    fn slugs_are_plain_ascii_words() {
        assert_eq!(
            slugify("Banarasi Silk Saree — Red & Gold!"),
            "banarasi-silk-saree-red-gold"
        );
        assert_eq!(slugify("सफ़ेद कुर्ता"), "listing");
        assert!(slugify(&"word ".repeat(40)).len() <= 60);
    }

    proptest::proptest! {
        /// Any form, however mangled, is either a listing or a list of
        /// named problems; and a listing keeps the rules.
        #[test]
        fn any_form_is_a_listing_or_named_problems(
            title in "\\PC{0,130}",
            hsn in "[0-9 ]{0,10}",
            weight in "[0-9-]{0,7}",
            days in "[0-9]{0,3}",
            price in "[0-9,.]{0,10}",
            mrp in "[0-9,.]{0,10}",
            stock in "[0-9-]{0,8}",
            sku in "[A-Za-z0-9 _.-]{0,45}",
            returnable in proptest::bool::ANY,
        ) {
            let mut input = kurta();
            input.title_en = title;
            input.hsn = hsn;
            input.weight_grams = weight;
            input.returnable = returnable;
            input.return_days = days;
            input.variants[0].price = price;
            input.variants[0].mrp = mrp;
            input.variants[0].stock = stock;
            input.variants[0].sku = sku;
            match check(&input) {
                Ok(draft) => {
                    proptest::prop_assert!(draft.variants.iter().all(|v| v.price.0 > 0 && v.mrp >= v.price));
                    proptest::prop_assert!(draft.title_en.iter().all(|t| t.chars().count() <= 120));
                    proptest::prop_assert!(draft.return_days.is_none_or(|d| (1..=30).contains(&d)));
                }
                Err(problems) => proptest::prop_assert!(!problems.is_empty()),
            }
        }
    }
}
