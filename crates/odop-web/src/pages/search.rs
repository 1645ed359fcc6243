//! `/search`: the catalogue searched in either script, with filters that
//! show their counts, sorting and pages; `/search/ranking` says how results
//! are ordered (a duty of marketplaces under the e-commerce rules).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use odop_search::{PRICE_BANDS, SearchRequest, SearchResults, Sort};

use super::catalogue::{ProductCard, craft_name, crafts, district_name, division_name};
use super::{Chrome, Page, render};
use crate::AppState;
use crate::error::{AppError, BadRequest};
use crate::extract::Query;
use crate::i18n::{Arg, Tr};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/search", get(search))
        .route("/search/ranking", get(ranking))
}

/// The longest search accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
pub const PER_PAGE: usize = 24;
/// Pages beyond this are not served: nobody reads them, robots do.
pub const MAX_PAGE: usize = 100;

/// The search parameters as they come in a URL (`/search` and the API share them).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words, in English or Hindi (Latin or Devanagari), misspelt or not.
    #[serde(default)]
    #[param(max_length = 100)]
    pub q: String,
    /// A district slug, e.g. `lucknow`.
    #[param(schema_with = crate::api::schema::slug_or_empty)]
    pub district: Option<String>,
    /// A division slug, e.g. `varanasi`.
    #[param(schema_with = crate::api::schema::slug_or_empty)]
    pub division: Option<String>,
    /// An ODOP product (craft) slug, e.g. `chikankari`.
    #[param(schema_with = crate::api::schema::slug_or_empty)]
    pub craft: Option<String>,
    /// A price band in rupees: `0-500`, `500-1000`, `1000-2500`, `2500-5000` or `5000-`.
    #[param(schema_with = crate::api::schema::price_band)]
    pub price: Option<String>,
    /// `1`: only GI-tagged products.
    pub gi: Option<String>,
    /// `1`: only products in stock.
    pub stock: Option<String>,
    /// `relevance` (default), `price-asc`, `price-desc` or `newest`.
    #[param(schema_with = crate::api::schema::sort)]
    pub sort: Option<String>,
    /// From 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub page: Option<usize>,
}

fn slug_filter(value: &Option<String>, name: &str) -> Result<Option<String>, AppError> {
    match value.as_deref() {
        None | Some("") => Ok(None),
        Some(v) => odop_domain::Slug::parse(v)
            .map(|s| Some(s.to_string()))
            .map_err(|e| AppError::bad_request(BadRequest::InvalidQuery, format!("{name}: {e}"))),
    }
}

impl SearchParams {
    /// The request the index answers, or what is wrong with the parameters.
    pub fn to_request(&self, per_page: usize) -> Result<SearchRequest, AppError> {
        if self.q.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::bad_request(
                BadRequest::QueryTooLong,
                format!("q is longer than {MAX_QUERY_CHARS} characters"),
            ));
        }
        let price = match self.price.as_deref() {
            None | Some("") => None,
            Some(band) if PRICE_BANDS.iter().any(|(name, _, _)| *name == band) => Some(band.to_owned()),
            Some(other) => {
                return Err(AppError::bad_request(
                    BadRequest::InvalidQuery,
                    format!("price {other:?} is not one of 0-500, 500-1000, 1000-2500, 2500-5000, 5000-"),
                ));
            }
        };
        let sort = Sort::parse(self.sort.as_deref().unwrap_or_default()).ok_or_else(|| {
            AppError::bad_request(
                BadRequest::InvalidQuery,
                "sort must be relevance, price-asc, price-desc or newest",
            )
        })?;
        let page = self.page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(AppError::bad_request(
                BadRequest::InvalidQuery,
                format!("page must be between 1 and {MAX_PAGE}"),
            ));
        }
        let flag = |value: &Option<String>| matches!(value.as_deref(), Some("1" | "true" | "on" | "yes"));
        Ok(SearchRequest {
            text: self.q.trim().to_owned(),
            district: slug_filter(&self.district, "district")?,
            division: slug_filter(&self.division, "division")?,
            craft: slug_filter(&self.craft, "craft")?,
            price,
            seller: None,
            gi_only: flag(&self.gi),
            in_stock_only: flag(&self.stock),
            sort,
            page,
            per_page,
        })
    }
}

/// A filter value with its count and the link that toggles it.
pub struct FacetLink {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub active: bool,
}

pub struct FacetGroup {
    pub title: String,
    pub links: Vec<FacetLink>,
}

#[derive(Template)]
#[template(path = "search/index.html")]
struct SearchPage {
    tr: Tr,
    chrome: Chrome,
    query: String,
    summary: String,
    /// What the search made of the words: a price range read from them, or
    /// that fewer words than all were enough.
    notes: Vec<String>,
    cards: Vec<ProductCard>,
    groups: Vec<FacetGroup>,
    /// The parameters to keep when the search form is sent again.
    hidden: Vec<(String, String)>,
    sorts: Vec<(&'static str, String, bool)>,
    previous: Option<String>,
    next: Option<String>,
    suggestions: Vec<String>,
}

/// The current parameters as pairs, with `key` set to `value` (or removed).
fn with(request: &SearchRequest, key: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !request.text.is_empty() {
        pairs.push(("q", request.text.clone()));
    }
    let fields: [(&str, Option<String>); 7] = [
        ("district", request.district.clone()),
        ("division", request.division.clone()),
        ("craft", request.craft.clone()),
        ("price", request.price.clone()),
        ("gi", request.gi_only.then(|| "1".to_owned())),
        ("stock", request.in_stock_only.then(|| "1".to_owned())),
        (
            "sort",
            (request.sort != Sort::Relevance).then(|| request.sort.code().to_owned()),
        ),
    ];
    for (name, current) in fields {
        let chosen = if name == key { value.map(str::to_owned) } else { current };
        if let Some(v) = chosen {
            pairs.push((name, v));
        }
    }
    if key == "page"
        && let Some(page) = value
    {
        pairs.push(("page", page.to_owned()));
    }
    format!("/search?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

fn facet_links(
    request: &SearchRequest,
    key: &str,
    counts: &[(String, u64)],
    current: Option<&str>,
    label: impl Fn(&str) -> String,
) -> Vec<FacetLink> {
    counts
        .iter()
        .map(|(value, count)| {
            let active = current == Some(value.as_str());
            FacetLink {
                label: label(value),
                count: *count,
                href: with(request, key, if active { None } else { Some(value) }),
                active,
            }
        })
        .collect()
}

pub fn facet_groups(
    tr: &Tr,
    registry: &odop_domain::registry::Registry,
    request: &SearchRequest,
    results: &SearchResults,
) -> Vec<FacetGroup> {
    let f = &results.facets;
    // Rupees with Indian digit grouping: ₹1,000 to ₹2,500.
    let rupees = |amount: &str| {
        amount.parse::<i64>().map_or_else(
            |_| amount.to_owned(),
            |n| odop_domain::money::Money::from_rupees(n).to_string(),
        )
    };
    let band_label = |band: &str| match band.split_once('-') {
        Some((from, "")) => tr.t1("price-band-above", "from", rupees(from)),
        Some((from, to)) => tr.with(
            "price-band",
            &[("from", Arg::from(rupees(from))), ("to", Arg::from(rupees(to)))],
        ),
        None => band.to_owned(),
    };
    let mut price = f.price.clone();
    price.sort_by_key(|(band, _)| PRICE_BANDS.iter().position(|(name, _, _)| name == band));
    let toggle = |key: &str, on: bool, count: u64, label: String| FacetLink {
        label,
        count,
        href: with(request, key, if on { None } else { Some("1") }),
        active: on,
    };
    vec![
        FacetGroup {
            title: tr.t("facet-district"),
            links: facet_links(request, "district", &f.district, request.district.as_deref(), |v| {
                district_name(tr, registry, v)
            }),
        },
        FacetGroup {
            title: tr.t("facet-craft"),
            links: facet_links(request, "craft", &f.craft, request.craft.as_deref(), |v| {
                craft_name(tr, registry, v)
            }),
        },
        FacetGroup {
            title: tr.t("facet-division"),
            links: facet_links(request, "division", &f.division, request.division.as_deref(), |v| {
                division_name(tr, registry, v)
            }),
        },
        FacetGroup {
            title: tr.t("facet-price"),
            links: facet_links(request, "price", &price, request.price.as_deref(), band_label),
        },
        FacetGroup {
            title: tr.t("facet-more"),
            links: vec![
                toggle("stock", request.in_stock_only, f.in_stock, tr.t("facet-in-stock")),
                toggle("gi", request.gi_only, f.gi, tr.t("facet-gi")),
            ],
        },
    ]
    .into_iter()
    .filter(|g| !g.links.is_empty())
    .collect()
}

async fn search(
    page: Page,
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Html<String>, AppError> {
    let request = params.to_request(PER_PAGE)?;
    let results = state
        .search()
        .search(&request)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let registry = state.registry().await?;
    let tr = &page.tr;
    let cards = results
        .hits
        .iter()
        .map(|hit| ProductCard::from_hit(tr, &registry, hit))
        .collect();
    let summary = if request.text.is_empty() {
        tr.with("search-count", &[("count", Arg::from(results.total))])
    } else {
        tr.with(
            "search-count-for",
            &[
                ("count", Arg::from(results.total)),
                ("query", Arg::from(request.text.as_str())),
            ],
        )
    };
    let mut notes = Vec::new();
    if let Some(range) = results.price_from_words {
        let rupees = |paise: u64| Arg::from(odop_domain::money::Money(paise as i64).to_string());
        notes.push(match (range.from_paise, range.to_paise) {
            (Some(from), Some(to)) => tr.with(
                "search-price-words-between",
                &[("from", rupees(from)), ("to", rupees(to))],
            ),
            (Some(from), None) => tr.with("search-price-words-from", &[("from", rupees(from))]),
            (None, Some(to)) => tr.with("search-price-words-up-to", &[("to", rupees(to))]),
            (None, None) => String::new(),
        });
    }
    if results.relaxed && results.total > 0 {
        notes.push(tr.t("search-relaxed"));
    }
    notes.retain(|n| !n.is_empty());
    let pages = results.total.div_ceil(PER_PAGE).min(MAX_PAGE);
    let previous = (request.page > 1).then(|| with(&request, "page", Some(&(request.page - 1).to_string())));
    let next = (request.page < pages).then(|| with(&request, "page", Some(&(request.page + 1).to_string())));
    let hidden = [
        ("district", request.district.clone()),
        ("division", request.division.clone()),
        ("craft", request.craft.clone()),
        ("price", request.price.clone()),
        ("gi", request.gi_only.then(|| "1".to_owned())),
        ("stock", request.in_stock_only.then(|| "1".to_owned())),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
    .collect();
    let sorts = [
        Sort::Relevance,
        Sort::PriceLowToHigh,
        Sort::PriceHighToLow,
        Sort::Newest,
    ]
    .into_iter()
    .map(|s| (s.code(), tr.t(&format!("sort-{}", s.code())), s == request.sort))
    .collect();
    let mut suggestions: Vec<String> = crafts(tr, &registry).into_iter().map(|(_, name)| name).collect();
    suggestions.extend(registry.districts().iter().map(|d| tr.pick(&d.name).to_owned()));
    render(&SearchPage {
        chrome: page.chrome(),
        query: request.text.clone(),
        summary,
        notes,
        cards,
        groups: facet_groups(tr, &registry, &request, &results),
        hidden,
        sorts,
        previous,
        next,
        suggestions,
        tr: tr.clone(),
    })
}

#[derive(Template)]
#[template(path = "search/ranking.html")]
struct RankingPage {
    tr: Tr,
    chrome: Chrome,
}

async fn ranking(page: Page) -> Result<Html<String>, AppError> {
    render(&RankingPage {
        chrome: page.chrome(),
        tr: page.tr,
    })
}
