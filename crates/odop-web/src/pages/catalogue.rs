//! What the catalogue's pages share: cards of products, photos with their
//! renditions, names of crafts and districts.

use odop_domain::Slug;
use odop_domain::catalogue::OTHER_CRAFT;
use odop_domain::money::Money;
use odop_domain::registry::Registry;
use odop_search::Hit;

use crate::i18n::Tr;

/// A photo in its renditions, for `<img src srcset sizes>`.
#[derive(Clone, Debug)]
pub struct PhotoView {
    pub src: String,
    pub srcset: String,
    /// The shape of the photo when known, for the page to reserve its
    /// space before it loads (no jumping text on a slow connection): width
    /// and height in pixels of the original, whose shape every rendition
    /// shares.
    pub size: Option<(u32, u32)>,
}

impl PhotoView {
    /// `key` is a photo's storage key, `widths` the widths of its renditions;
    /// `src` is the narrowest at least `preferred` wide.
    pub fn new(key: &str, widths: &[u32], preferred: u32) -> Option<Self> {
        let url = |w: u32| format!("/media/{key}-{w}.webp");
        let chosen = widths
            .iter()
            .copied()
            .find(|w| *w >= preferred)
            .or_else(|| widths.last().copied())?;
        Some(Self {
            src: url(chosen),
            srcset: widths
                .iter()
                .map(|w| format!("{} {w}w", url(*w)))
                .collect::<Vec<_>>()
                .join(", "),
            size: None,
        })
    }

    /// With the original's size known.
    pub fn sized(mut self, width: i64, height: i64) -> Self {
        if let (Ok(width), Ok(height)) = (u32::try_from(width), u32::try_from(height))
            && width > 0
            && height > 0
        {
            self.size = Some((width, height));
        }
        self
    }

    /// From the index's `key|240,480,960`.
    pub fn from_index(stored: &str, preferred: u32) -> Option<Self> {
        let (key, widths) = stored.split_once('|')?;
        let widths: Vec<u32> = widths.split(',').filter_map(|w| w.parse().ok()).collect();
        Self::new(key, &widths, preferred)
    }
}

/// A product as a card in a grid.
#[derive(Clone, Debug)]
pub struct ProductCard {
    pub href: String,
    pub title: String,
    pub price: String,
    pub district: String,
    pub seller: String,
    pub in_stock: bool,
    pub photo: Option<PhotoView>,
}

/// A listing's title in the reader's language, else in the other.
pub fn title_in<'a>(tr: &Tr, en: Option<&'a str>, hi: Option<&'a str>) -> &'a str {
    match tr.locale() {
        odop_domain::Locale::En => en.or(hi),
        odop_domain::Locale::Hi => hi.or(en),
    }
    .unwrap_or_default()
}

pub fn product_href(id: u64, slug: &str) -> String {
    format!("/p/{id}/{slug}")
}

impl ProductCard {
    pub fn from_hit(tr: &Tr, registry: &Registry, hit: &Hit) -> Self {
        Self {
            href: product_href(hit.id, &hit.slug),
            title: title_in(tr, hit.title_en.as_deref(), hit.title_hi.as_deref()).to_owned(),
            price: Money(hit.price_paise as i64).to_string(),
            district: district_name(tr, registry, &hit.district),
            seller: hit.seller_name.clone(),
            in_stock: hit.in_stock,
            photo: hit.photo.as_deref().and_then(|p| PhotoView::from_index(p, 240)),
        }
    }
}

/// A district's name in the reader's language, from its slug.
pub fn district_name(tr: &Tr, registry: &Registry, slug: &str) -> String {
    Slug::parse(slug)
        .ok()
        .and_then(|s| registry.district(&s).map(|d| tr.pick(&d.name).to_owned()))
        .unwrap_or_else(|| slug.to_owned())
}

/// A division's name in the reader's language, from its slug.
pub fn division_name(tr: &Tr, registry: &Registry, slug: &str) -> String {
    registry
        .divisions()
        .iter()
        .find(|d| d.slug.as_str() == slug)
        .map_or_else(|| slug.to_owned(), |d| tr.pick(&d.name).to_owned())
}

/// A craft's name in the reader's language, from its slug (the first
/// district product with that slug names it).
pub fn craft_name(tr: &Tr, registry: &Registry, slug: &str) -> String {
    if slug == OTHER_CRAFT {
        return tr.t("craft-other");
    }
    registry
        .districts()
        .iter()
        .flat_map(|d| &d.products)
        .find(|p| p.slug.as_str() == slug)
        .map_or_else(|| slug.to_owned(), |p| tr.pick(&p.name).to_owned())
}

/// A listing's craft as its product page names it: "another craft of
/// Lucknow" for a craft that is none of the district's ODOP products.
pub fn craft_name_in(tr: &Tr, registry: &Registry, slug: &str, district: &str) -> String {
    if slug != OTHER_CRAFT {
        return craft_name(tr, registry, slug);
    }
    match Slug::parse(district).ok().and_then(|d| registry.district(&d)) {
        Some(district) => tr.t1("craft-other-of", "district", tr.pick(&district.name)),
        None => tr.t("craft-other"),
    }
}

/// The crafts a seller of `district` may list under: the district's ODOP
/// products, then "another craft of the district".
pub fn district_crafts(tr: &Tr, registry: &Registry, district: &str) -> Vec<(String, String)> {
    let mut crafts: Vec<(String, String)> = Slug::parse(district)
        .ok()
        .and_then(|d| registry.district(&d))
        .map(|d| {
            d.products
                .iter()
                .map(|p| (p.slug.to_string(), tr.pick(&p.name).to_owned()))
                .collect()
        })
        .unwrap_or_default();
    crafts.push((
        OTHER_CRAFT.to_owned(),
        craft_name_in(tr, registry, OTHER_CRAFT, district),
    ));
    crafts
}

/// Every craft of the registry once, by name in the reader's language.
pub fn crafts(tr: &Tr, registry: &Registry) -> Vec<(String, String)> {
    let mut crafts: Vec<(String, String)> = Vec::new();
    for product in registry.districts().iter().flat_map(|d| &d.products) {
        if !crafts.iter().any(|(slug, _)| slug == product.slug.as_str()) {
            crafts.push((product.slug.to_string(), tr.pick(&product.name).to_owned()));
        }
    }
    crafts.sort_by(|a, b| a.1.cmp(&b.1));
    crafts
}
