//! The registry of the scheme: UP's divisions, their districts, and each
//! district's ODOP products.
//!
//! A district has one or more products: the scheme started in 2018 with one
//! per district and added more over the years, so every product carries the
//! date (or only the year, where that is all the sources give) it was added.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::{Bilingual, Slug};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Division {
    pub slug: Slug,
    pub name: Bilingual,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct District {
    pub slug: Slug,
    pub division: Slug,
    pub name: Bilingual,
    /// How well the sources agree on this district's entry.
    pub confidence: Confidence,
    /// Position among the districts featured on the home page, if featured.
    pub featured_rank: Option<u16>,
    /// In the scheme's own order: the original 2018 product first.
    pub products: Vec<OdopProduct>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OdopProduct {
    /// Names the craft: the same craft in two districts has the same slug.
    pub slug: Slug,
    pub name: Bilingual,
    pub description: Bilingual,
    /// `None` when no source says when the product was added.
    pub added_on: Option<AddedOn>,
    pub gi: GiTag,
    /// The HSN codes its goods are usually sold under, most usual first.
    pub hsn: Vec<crate::gst::Hsn>,
}

impl OdopProduct {
    /// Whether two products are the same craft or overlap in meaning, so
    /// that a district making one could fairly be said to make the other:
    /// the same slug ("zari-zardozi" in seven districts), a shared word of
    /// their English names ("Carpets" and "Carpets & durries"), or words of
    /// one family ("Durries" and "Woollen carpets", "Footwear" and "Leather
    /// products"). Quiz questions use it so that no wrong choice could be
    /// argued right; erring towards "overlaps" only leaves fewer wrong
    /// choices to pick from.
    pub fn overlaps(&self, other: &OdopProduct) -> bool {
        if self.slug == other.slug {
            return true;
        }
        let mine = craft_words(&self.name.en, self.slug.as_str());
        let theirs = craft_words(&other.name.en, other.slug.as_str());
        mine.iter().any(|word| theirs.contains(word))
    }
}

/// Words of a product's name (and slug) that say what it is, each folded to
/// its craft family: lowercased, plurals made singular, joining words and
/// words every craft shares ("products", "craft") dropped.
fn craft_words(name: &str, slug: &str) -> Vec<String> {
    let mut words: Vec<String> = format!("{name} {slug}")
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter_map(craft_family)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The family a word of a product name belongs to, or `None` for words
/// that say nothing about the craft. A word of no family stands for itself
/// (a place, a material), singular.
fn craft_family(word: &str) -> Option<String> {
    const IGNORED: &[&str] = &[
        "",
        "and",
        "of",
        "the",
        "product",
        "products",
        "craft",
        "crafts",
        "item",
        "items",
        "good",
        "goods",
        "work",
        "art",
        "making",
        "processing",
        "based",
    ];
    const FAMILIES: &[(&str, &[&str])] = &[
        (
            "floor-covering",
            &["carpet", "carpets", "durrie", "durries", "durry", "dari", "rug", "rugs"],
        ),
        (
            "clay",
            &["pottery", "terracotta", "ceramic", "ceramics", "clay", "terricot"],
        ),
        ("leather", &["leather", "footwear", "jooti", "juti", "shoe", "shoes"]),
        (
            "embroidery",
            &[
                "embroidery",
                "chikankari",
                "chikan",
                "zari",
                "zardozi",
                "applique",
                "patchwork",
            ],
        ),
        (
            "textile",
            &[
                "textile",
                "textiles",
                "handloom",
                "powerloom",
                "weaving",
                "fabric",
                "fabrication",
                "hosiery",
            ],
        ),
        (
            "garment",
            &[
                "garment",
                "garments",
                "dress",
                "dresses",
                "apparel",
                "poshak",
                "readymade",
            ],
        ),
        ("saree", &["saree", "sarees", "sari", "silk"]),
        (
            "metal",
            &[
                "metal",
                "brass",
                "aluminium",
                "iron",
                "utensil",
                "utensils",
                "bell",
                "bells",
                "ghungroo",
                "tarkashi",
                "lock",
                "locks",
                "hardware",
                "fitting",
                "fittings",
                "engineering",
                "implement",
                "implements",
            ],
        ),
        (
            "wood",
            &[
                "wood",
                "wooden",
                "furniture",
                "lacquerware",
                "carving",
                "cane",
                "bamboo",
            ],
        ),
        ("toy", &["toy", "toys"]),
        ("stone", &["stone", "marble", "gaura", "shajar"]),
        (
            "fibre",
            &["moonj", "rush", "rushes", "jute", "fibre", "fiber", "stalk", "grass"],
        ),
        (
            "music",
            &["musical", "instrument", "instruments", "dholak", "flute", "bansuri"],
        ),
        ("fragrance", &["perfume", "ittar", "attar", "incense"]),
        (
            "food",
            &[
                "food",
                "ghee",
                "jaggery",
                "gur",
                "sattu",
                "petha",
                "amla",
                "aonla",
                "hing",
                "asafoetida",
                "vinegar",
                "sirka",
                "rice",
                "maize",
                "pulses",
                "chicory",
                "mentha",
                "mint",
                "banana",
            ],
        ),
        ("glass", &["glass", "glassware"]),
        ("home-furnishing", &["furnishing", "bedsheets", "bedsheet"]),
    ];
    if IGNORED.contains(&word) {
        return None;
    }
    if let Some((family, _)) = FAMILIES.iter().find(|(_, members)| members.contains(&word)) {
        return Some((*family).to_owned());
    }
    Some(
        word.strip_suffix('s')
            .filter(|w| w.len() > 3)
            .unwrap_or(word)
            .to_owned(),
    )
}

/// The Geographical Indication standing of a product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GiTag {
    pub status: GiStatus,
    /// The registered (or claimed) indication's name, where known.
    pub name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GiStatus {
    /// The GI registry lists it.
    Registered,
    /// One source reports a GI; not yet confirmed against the registry.
    Likely,
    /// Known not to hold a GI.
    NotRegistered,
    /// No source says either way.
    Unknown,
}

impl GiStatus {
    pub const ALL: [GiStatus; 4] = [
        GiStatus::Registered,
        GiStatus::Likely,
        GiStatus::NotRegistered,
        GiStatus::Unknown,
    ];

    /// The stable code used in storage, the API and message ids.
    pub fn code(self) -> &'static str {
        match self {
            GiStatus::Registered => "registered",
            GiStatus::Likely => "likely",
            GiStatus::NotRegistered => "none",
            GiStatus::Unknown => "unknown",
        }
    }
}

impl FromStr for GiStatus {
    type Err = RegistryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GiStatus::ALL
            .into_iter()
            .find(|status| status.code() == s)
            .ok_or_else(|| RegistryError::UnknownGiStatus(s.to_owned()))
    }
}

/// How well the public sources agree on a district's entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Confidence {
    /// Confirmed by more than one source.
    High,
    /// Reported by one source.
    Medium,
}

impl Confidence {
    pub fn code(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
        }
    }
}

impl FromStr for Confidence {
    type Err = RegistryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "high" => Ok(Confidence::High),
            "medium" => Ok(Confidence::Medium),
            other => Err(RegistryError::UnknownConfidence(other.to_owned())),
        }
    }
}

/// When a product joined the scheme: a day where the sources give one, or
/// only the year. Written as an ISO 8601 date of reduced precision
/// (`2018-01-24` or `2025`), so that no day is ever invented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddedOn {
    Day(NaiveDate),
    Year(i32),
}

/// The scheme was launched on UP Diwas, 24 January 2018; nothing was added
/// before it, and dates far in the future are typing mistakes.
const FIRST_YEAR: i32 = 2018;
const LAST_YEAR: i32 = 2100;

impl AddedOn {
    pub fn year(self) -> i32 {
        match self {
            AddedOn::Day(date) => date.year(),
            AddedOn::Year(year) => year,
        }
    }
}

impl FromStr for AddedOn {
    type Err = RegistryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || RegistryError::BadAddedOn(s.chars().take(32).collect());
        let parsed = match s.len() {
            4 if s.bytes().all(|b| b.is_ascii_digit()) => AddedOn::Year(s.parse().map_err(|_| bad())?),
            10 => AddedOn::Day(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?),
            _ => return Err(bad()),
        };
        if !(FIRST_YEAR..=LAST_YEAR).contains(&parsed.year()) {
            return Err(bad());
        }
        Ok(parsed)
    }
}

impl fmt::Display for AddedOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddedOn::Day(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            AddedOn::Year(year) => write!(f, "{year:04}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("unknown GI status {0:?}: use registered, likely, none or unknown")]
    UnknownGiStatus(String),
    #[error("unknown confidence {0:?}: use high or medium")]
    UnknownConfidence(String),
    #[error("{0:?} is not a date the scheme could have added a product: use YYYY-MM-DD or YYYY, from 2018 on")]
    BadAddedOn(String),
    #[error("division {0} appears twice")]
    DuplicateDivision(Slug),
    #[error("district {0} appears twice")]
    DuplicateDistrict(Slug),
    #[error("district {district} names division {division}, which does not exist")]
    UnknownDivision { district: Slug, division: Slug },
    #[error("district {0} has no ODOP product")]
    DistrictWithoutProduct(Slug),
    #[error("district {district} lists product {product} twice")]
    DuplicateProduct { district: Slug, product: Slug },
}

/// The whole registry, checked for consistency when it is built, so that
/// code holding one never meets a district of a missing division.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registry {
    divisions: Vec<Division>,
    districts: Vec<District>,
}

impl Registry {
    /// Builds a registry from its parts, in display order.
    pub fn new(divisions: Vec<Division>, districts: Vec<District>) -> Result<Self, RegistryError> {
        let mut division_slugs = HashSet::new();
        for division in &divisions {
            if !division_slugs.insert(&division.slug) {
                return Err(RegistryError::DuplicateDivision(division.slug.clone()));
            }
        }
        let mut district_slugs = HashSet::new();
        for district in &districts {
            if !district_slugs.insert(&district.slug) {
                return Err(RegistryError::DuplicateDistrict(district.slug.clone()));
            }
            if !division_slugs.contains(&district.division) {
                return Err(RegistryError::UnknownDivision {
                    district: district.slug.clone(),
                    division: district.division.clone(),
                });
            }
            if district.products.is_empty() {
                return Err(RegistryError::DistrictWithoutProduct(district.slug.clone()));
            }
            let mut product_slugs = HashSet::new();
            for product in &district.products {
                if !product_slugs.insert(&product.slug) {
                    return Err(RegistryError::DuplicateProduct {
                        district: district.slug.clone(),
                        product: product.slug.clone(),
                    });
                }
            }
        }
        Ok(Self { divisions, districts })
    }

    pub fn divisions(&self) -> &[Division] {
        &self.divisions
    }

    pub fn districts(&self) -> &[District] {
        &self.districts
    }

    pub fn district(&self, slug: &Slug) -> Option<&District> {
        self.districts.iter().find(|d| &d.slug == slug)
    }

    /// The division a district belongs to; it always exists (see [`Registry::new`]).
    pub fn division_of(&self, district: &District) -> &Division {
        self.divisions
            .iter()
            .find(|division| division.slug == district.division)
            .expect("Registry::new checked that every district's division exists")
    }

    /// The districts of one division, in display order.
    pub fn districts_of<'a>(&'a self, division: &'a Division) -> impl Iterator<Item = &'a District> + 'a {
        self.districts.iter().filter(move |d| d.division == division.slug)
    }

    /// The featured districts, in their rank order.
    pub fn featured(&self) -> Vec<&District> {
        let mut featured: Vec<&District> = self.districts.iter().filter(|d| d.featured_rank.is_some()).collect();
        featured.sort_by_key(|d| d.featured_rank);
        featured
    }

    /// Every division with the districts of it that match `query`, dropping
    /// divisions left empty. An empty query matches everything.
    ///
    /// A district matches when the query appears in its name, its division's
    /// name or one of its products' names, in either language, ignoring case
    /// and the nukta (so `जरी` finds `ज़री`).
    pub fn grouped_matching(&self, query: &str) -> Vec<(&Division, Vec<&District>)> {
        let needle = fold_for_match(query);
        self.divisions
            .iter()
            .map(|division| {
                let division_matches = needle.is_empty() || bilingual_contains(&division.name, &needle);
                let districts = self
                    .districts_of(division)
                    .filter(|district| division_matches || district_matches(district, &needle))
                    .collect::<Vec<_>>();
                (division, districts)
            })
            .filter(|(_, districts)| !districts.is_empty())
            .collect()
    }
}

fn district_matches(district: &District, needle: &str) -> bool {
    bilingual_contains(&district.name, needle)
        || district
            .products
            .iter()
            .any(|product| bilingual_contains(&product.name, needle))
}

fn bilingual_contains(text: &Bilingual, needle: &str) -> bool {
    fold_for_match(&text.en).contains(needle) || fold_for_match(&text.hi).contains(needle)
}

/// Lowercases, collapses whitespace and removes the Devanagari nukta, both as
/// a combining sign and inside the precomposed letters (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़), so
/// that the spellings people actually type meet the ones in the registry.
pub fn fold_for_match(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        for c in word.chars() {
            match c {
                '\u{093C}' => {}
                '\u{0958}' => folded.push('क'),
                '\u{0959}' => folded.push('ख'),
                '\u{095A}' => folded.push('ग'),
                '\u{095B}' => folded.push('ज'),
                '\u{095C}' => folded.push('ड'),
                '\u{095D}' => folded.push('ढ'),
                '\u{095E}' => folded.push('फ'),
                '\u{095F}' => folded.push('य'),
                c => folded.extend(c.to_lowercase()),
            }
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Locale;

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    fn product(slug_text: &str, en: &str, hi: &str) -> OdopProduct {
        OdopProduct {
            hsn: Vec::new(),
            slug: slug(slug_text),
            name: Bilingual::new(en, hi),
            description: Bilingual::new("", ""),
            added_on: Some("2018-01-24".parse().unwrap()),
            gi: GiTag {
                status: GiStatus::Unknown,
                name: None,
            },
        }
    }

    #[test]
    fn crafts_of_one_meaning_overlap_and_others_do_not() {
        let overlapping = [
            (("carpets", "Carpets"), ("carpets-and-durries", "Carpets & durries")),
            (
                ("durries", "Durries (dari)"),
                ("woollen-durries-and-carpets", "Woollen durries & carpets"),
            ),
            (("zari-zardozi", "Zari work"), ("zari-zardozi", "Zari-zardozi")),
            (
                ("zari-silk-sarees", "Zari silk sarees"),
                ("zari-zardozi", "Zari-zardozi"),
            ),
            (
                ("leather-products", "Leather products"),
                ("footwear", "Footwear (jooti)"),
            ),
            (
                ("moonj-products", "Moonj products"),
                ("rushes-products", "Rush products"),
            ),
            (
                ("metal-craft", "Metal (brass) craft"),
                ("brass-utensils", "Brass utensils (Bakhira)"),
            ),
            (("wood-craft", "Wood craft/carving"), ("wooden-toys", "Wooden toys")),
            (("black-pottery", "Black pottery"), ("terracotta", "Terracotta")),
            (
                ("food-processing", "Food processing"),
                ("desi-ghee", "Desi ghee (food processing)"),
            ),
            (
                ("handloom", "Textiles/handloom"),
                ("textile-products", "Textile products"),
            ),
        ];
        for ((a_slug, a_name), (b_slug, b_name)) in overlapping {
            let a = product(a_slug, a_name, "");
            let b = product(b_slug, b_name, "");
            assert!(a.overlaps(&b) && b.overlaps(&a), "{a_name} and {b_name}");
        }
        let distinct = [
            (("chikankari", "Chikankari"), ("glassware", "Glassware")),
            (("carpets", "Carpets"), ("handmade-paper", "Handmade paper (Kalpi)")),
            (("wooden-toys", "Wooden toys"), ("black-rice", "Black rice")),
            (("perfume-ittar", "Perfume (ittar)"), ("petha", "Petha")),
            (("terracotta", "Terracotta"), ("leather-products", "Leather products")),
        ];
        for ((a_slug, a_name), (b_slug, b_name)) in distinct {
            let a = product(a_slug, a_name, "");
            let b = product(b_slug, b_name, "");
            assert!(!a.overlaps(&b) && !b.overlaps(&a), "{a_name} and {b_name}");
        }
    }

    fn district(slug_text: &str, division: &str, en: &str, hi: &str, products: Vec<OdopProduct>) -> District {
        District {
            slug: slug(slug_text),
            division: slug(division),
            name: Bilingual::new(en, hi),
            confidence: Confidence::High,
            featured_rank: None,
            products,
        }
    }

    fn sample() -> Registry {
        let divisions = vec![
            Division {
                slug: slug("lucknow"),
                name: Bilingual::new("Lucknow", "लखनऊ"),
            },
            Division {
                slug: slug("varanasi"),
                name: Bilingual::new("Varanasi", "वाराणसी"),
            },
        ];
        let mut lucknow = district(
            "lucknow",
            "lucknow",
            "Lucknow",
            "लखनऊ",
            vec![
                product("chikankari", "Chikankari", "चिकनकारी"),
                product("zari-zardozi", "Zari-zardozi", "ज़री-ज़रदोज़ी"),
            ],
        );
        lucknow.featured_rank = Some(2);
        let mut varanasi = district(
            "varanasi",
            "varanasi",
            "Varanasi",
            "वाराणसी",
            vec![product(
                "banarasi-silk-sarees",
                "Banarasi silk sarees",
                "बनारसी रेशम साड़ी",
            )],
        );
        varanasi.featured_rank = Some(1);
        let hardoi = district(
            "hardoi",
            "lucknow",
            "Hardoi",
            "हरदोई",
            vec![product("handloom", "Handloom", "हथकरघा")],
        );
        Registry::new(divisions, vec![lucknow, hardoi, varanasi]).unwrap()
    }

    #[test]
    fn added_on_keeps_exactly_the_precision_of_its_source() {
        assert_eq!(
            "2018-01-24".parse::<AddedOn>().unwrap(),
            AddedOn::Day(NaiveDate::from_ymd_opt(2018, 1, 24).unwrap())
        );
        assert_eq!("2025".parse::<AddedOn>().unwrap(), AddedOn::Year(2025));
        for text in ["2018-01-24", "2025"] {
            assert_eq!(text.parse::<AddedOn>().unwrap().to_string(), text);
        }
        assert_eq!("2022".parse::<AddedOn>().unwrap().year(), 2022);
    }

    #[test]
    fn added_on_refuses_malformed_and_impossible_dates() {
        for bad in [
            "",
            "18",
            "2018-1-24",
            "2018-02-30",
            "24-01-2018",
            "2017",
            "1999-05-01",
            "3000",
            "２０２５",
            "2025 ",
        ] {
            assert!(bad.parse::<AddedOn>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn codes_round_trip() {
        for status in GiStatus::ALL {
            assert_eq!(status.code().parse::<GiStatus>().unwrap(), status);
        }
        for confidence in [Confidence::High, Confidence::Medium] {
            assert_eq!(confidence.code().parse::<Confidence>().unwrap(), confidence);
        }
        assert!("yes".parse::<GiStatus>().is_err());
        assert!("low".parse::<Confidence>().is_err());
    }

    #[test]
    fn a_registry_must_be_consistent() {
        let good = sample();
        let division_of = |d: &District| good.division_of(d).slug.clone();
        assert_eq!(division_of(&good.districts()[1]), slug("lucknow"));

        let mut orphan = good.districts()[0].clone();
        orphan.slug = slug("orphan");
        orphan.division = slug("nowhere");
        let mut districts = good.districts().to_vec();
        districts.push(orphan);
        assert!(matches!(
            Registry::new(good.divisions().to_vec(), districts),
            Err(RegistryError::UnknownDivision { .. })
        ));

        let mut districts = good.districts().to_vec();
        districts.push(good.districts()[0].clone());
        assert!(matches!(
            Registry::new(good.divisions().to_vec(), districts),
            Err(RegistryError::DuplicateDistrict(_))
        ));

        let mut districts = good.districts().to_vec();
        districts[0].products.clear();
        assert!(matches!(
            Registry::new(good.divisions().to_vec(), districts),
            Err(RegistryError::DistrictWithoutProduct(_))
        ));

        let mut districts = good.districts().to_vec();
        let twin = districts[0].products[0].clone();
        districts[0].products.push(twin);
        assert!(matches!(
            Registry::new(good.divisions().to_vec(), districts),
            Err(RegistryError::DuplicateProduct { .. })
        ));

        let mut divisions = good.divisions().to_vec();
        divisions.push(divisions[0].clone());
        assert!(matches!(
            Registry::new(divisions, good.districts().to_vec()),
            Err(RegistryError::DuplicateDivision(_))
        ));
    }

    #[test]
    fn featured_districts_come_in_rank_order() {
        let registry = sample();
        let featured: Vec<_> = registry.featured().iter().map(|d| d.slug.as_str()).collect();
        assert_eq!(featured, ["varanasi", "lucknow"]);
    }

    /// Division slugs, each with the slugs of its matching districts.
    type Grouping = Vec<(String, Vec<String>)>;

    fn matching(registry: &Registry, query: &str) -> Grouping {
        registry
            .grouped_matching(query)
            .into_iter()
            .map(|(division, districts)| {
                (
                    division.slug.to_string(),
                    districts.iter().map(|d| d.slug.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn grouping_matches_names_products_and_divisions_in_both_scripts() {
        let registry = sample();
        let all = vec![
            ("lucknow".to_owned(), vec!["lucknow".to_owned(), "hardoi".to_owned()]),
            ("varanasi".to_owned(), vec!["varanasi".to_owned()]),
        ];
        let only = |division: &str, district: &str| vec![(division.to_owned(), vec![district.to_owned()])];
        let cases: Vec<(&str, Grouping)> = vec![
            ("", all.clone()),
            ("   ", all),
            ("chikan", only("lucknow", "lucknow")),
            ("CHIKAN", only("lucknow", "lucknow")),
            ("चिकन", only("lucknow", "lucknow")),
            ("जरी", only("lucknow", "lucknow")),
            ("ज़री", only("lucknow", "lucknow")),
            ("silk   sarees", only("varanasi", "varanasi")),
            ("हरदोई", only("lucknow", "hardoi")),
            ("वाराणसी", only("varanasi", "varanasi")),
            ("glassware", vec![]),
        ];
        for (query, expected) in cases {
            assert_eq!(matching(&registry, query), expected, "query {query:?}");
        }
        // A division's name selects all its districts.
        let lucknow_division = matching(&registry, "लखनऊ");
        assert_eq!(lucknow_division[0].1, ["lucknow", "hardoi"]);
        assert_eq!(registry.divisions()[0].name.get(Locale::Hi), "लखनऊ");
    }

    #[test]
    fn folding_removes_nukta_in_both_encodings() {
        let precomposed = "\u{095B}री";
        let combining = "ज\u{093C}री";
        assert_eq!(fold_for_match(precomposed), "जरी");
        assert_eq!(fold_for_match(combining), "जरी");
        assert_eq!(fold_for_match("  Zari \t Zardozi "), "zari zardozi");
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn added_on_parses_any_text_without_panicking_and_round_trips(input in ".{0,16}") {
            if let Ok(added) = input.parse::<AddedOn>() {
                prop_assert_eq!(added.to_string(), input);
            }
        }

        #[test]
        fn every_real_date_since_the_launch_round_trips(year in 2018i32..=2100, day in 0u32..366) {
            let date = NaiveDate::from_yo_opt(year, day + 1).unwrap_or(NaiveDate::from_yo_opt(year, 1).unwrap());
            let text = date.format("%Y-%m-%d").to_string();
            prop_assert_eq!(text.parse::<AddedOn>().unwrap(), AddedOn::Day(date));
            prop_assert_eq!(year.to_string().parse::<AddedOn>().unwrap(), AddedOn::Year(year));
        }

        /// Folding twice changes nothing more: matching compares folded texts.
        #[test]
        fn folding_is_idempotent(input in "\\PC{0,40}") {
            let once = fold_for_match(&input);
            prop_assert_eq!(fold_for_match(&once), once.clone());
        }
    }
}
