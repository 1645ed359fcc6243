//! `/districts` (all districts by division, optionally filtered) and
//! `/districts/{slug}` (one district and its ODOP products).

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use odop_domain::registry::{AddedOn, District, GiStatus, OdopProduct, Registry};
use odop_domain::{Slug, SlugError};

use super::{Chrome, Page, render};
use crate::AppState;
use crate::error::{AppError, BadRequest, NotFound};
use crate::extract::{Path, Query};
use crate::i18n::{Arg, Tr};

/// The longest search accepted, in characters: longer is surely not a
/// district or product name, and is refused rather than silently cut.
pub const MAX_QUERY_CHARS: usize = 100;

pub fn district_href(district: &District) -> String {
    format!("/districts/{}", district.slug)
}

fn division_href(slug: &Slug) -> String {
    format!("/districts#division-{slug}")
}

#[derive(serde::Deserialize)]
pub struct IndexQuery {
    #[serde(default)]
    q: String,
}

pub struct DivisionGroup {
    slug: String,
    heading: String,
    count: String,
    districts: Vec<super::DistrictCard>,
}

#[derive(Template)]
#[template(path = "districts/index.html")]
struct IndexPage {
    tr: Tr,
    chrome: Chrome,
    query: String,
    groups: Vec<DivisionGroup>,
}

pub async fn index(
    page: Page,
    State(state): State<AppState>,
    Query(params): Query<IndexQuery>,
) -> Result<Html<String>, AppError> {
    let tr = page.tr.clone();
    let query = params.q.trim().to_owned();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_request(
            BadRequest::QueryTooLong,
            format!("q is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let registry = state.registry().await?;
    let groups = registry
        .grouped_matching(&query)
        .into_iter()
        .map(|(division, districts)| DivisionGroup {
            slug: division.slug.to_string(),
            heading: tr.t1("division-heading", "name", tr.pick(&division.name)),
            count: tr.with("district-count", &[("count", Arg::from(districts.len()))]),
            districts: districts
                .into_iter()
                .map(|district| super::DistrictCard::new(&tr, &registry, district))
                .collect(),
        })
        .collect();
    render(&IndexPage {
        chrome: page.chrome(),
        tr,
        query,
        groups,
    })
}

pub struct Link {
    href: String,
    text: String,
}

pub struct ProductView {
    slug: String,
    name: String,
    other_name: String,
    added: String,
    gi: String,
    gi_status: &'static str,
    description: String,
    also_in: Vec<Link>,
}

impl ProductView {
    fn new(tr: &Tr, registry: &Registry, district: &District, product: &OdopProduct) -> Self {
        let added = match product.added_on {
            Some(added) => tr.t1("product-added", "year", year_of(added)),
            None => tr.t("product-added-unknown"),
        };
        let gi = match (product.gi.status, product.gi.name.as_deref()) {
            (GiStatus::Registered, Some(name)) => tr.t1("gi-registered", "name", name),
            (GiStatus::Registered, None) => tr.t("gi-registered-unnamed"),
            (GiStatus::Likely, Some(name)) => tr.t1("gi-likely", "name", name),
            (GiStatus::Likely, None) => tr.t("gi-likely-unnamed"),
            (GiStatus::NotRegistered, _) => tr.t("gi-none"),
            (GiStatus::Unknown, _) => tr.t("gi-unknown"),
        };
        let also_in = registry
            .districts()
            .iter()
            .filter(|other| other.slug != district.slug && other.products.iter().any(|p| p.slug == product.slug))
            .map(|other| Link {
                href: district_href(other),
                text: tr.pick(&other.name).to_owned(),
            })
            .collect();
        Self {
            slug: product.slug.to_string(),
            name: tr.pick(&product.name).to_owned(),
            other_name: product.name.get(tr.locale().other()).to_owned(),
            added,
            gi,
            gi_status: product.gi.status.code(),
            description: tr.pick(&product.description).to_owned(),
            also_in,
        }
    }
}

/// Years are shown without digit grouping: "2018", never "2,018".
fn year_of(added: AddedOn) -> String {
    added.year().to_string()
}

#[derive(Template)]
#[template(path = "districts/show.html")]
struct ShowPage {
    tr: Tr,
    chrome: Chrome,
    name: String,
    other_name: String,
    summary: String,
    division_heading: String,
    division_href: String,
    unconfirmed: bool,
    products: Vec<ProductView>,
    neighbours_heading: String,
    neighbours: Vec<Link>,
    products_heading: String,
    cards: Vec<super::catalogue::ProductCard>,
    all_products_href: Option<String>,
}

/// A district slug as read from the address.
#[derive(Debug)]
enum SlugInPath {
    Canonical(Slug),
    /// Typed with capitals (`/districts/Lucknow`): send the visitor on to this address.
    MovedTo(String),
}

/// Reads a district slug from the address; what is neither a slug nor a
/// capitalised one is a bad request.
fn parse_slug(raw: &str) -> Result<SlugInPath, AppError> {
    match Slug::parse(raw) {
        Ok(slug) => Ok(SlugInPath::Canonical(slug)),
        Err(SlugError::InvalidCharacter) if Slug::parse(&raw.to_lowercase()).is_ok() => {
            Ok(SlugInPath::MovedTo(format!("/districts/{}", raw.to_lowercase())))
        }
        Err(error) => Err(AppError::bad_request(BadRequest::InvalidSlug, error)),
    }
}

pub async fn show(page: Page, State(state): State<AppState>, Path(raw): Path<String>) -> Result<Response, AppError> {
    let tr = page.tr.clone();
    let slug = match parse_slug(&raw)? {
        SlugInPath::Canonical(slug) => slug,
        SlugInPath::MovedTo(address) => return Ok(Redirect::permanent(&address).into_response()),
    };
    let registry = state.registry().await?;
    let district = registry
        .district(&slug)
        .ok_or_else(|| AppError::NotFound(NotFound::District(slug.to_string())))?;
    let division = registry.division_of(district);
    let division_name = tr.pick(&division.name);
    let products: Vec<ProductView> = district
        .products
        .iter()
        .map(|product| ProductView::new(&tr, &registry, district, product))
        .collect();
    let summary = products.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
    let neighbours = registry
        .districts_of(division)
        .filter(|other| other.slug != district.slug)
        .map(|other| Link {
            href: district_href(other),
            text: tr.pick(&other.name).to_owned(),
        })
        .collect();
    // The newest eight, and whether there are more: one past the eight is
    // asked for, since counting a district's every listing is not needed.
    const SHOWN: usize = 8;
    let request = odop_search::SearchRequest {
        district: Some(district.slug.to_string()),
        page: 1,
        per_page: SHOWN + 1,
        ..odop_search::SearchRequest::default()
    };
    let mut hits = state
        .search()
        .top(&request)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let more = hits.len() > SHOWN;
    hits.truncate(SHOWN);
    let cards = hits
        .iter()
        .map(|hit| super::catalogue::ProductCard::from_hit(&tr, &registry, hit))
        .collect();
    let page = ShowPage {
        products_heading: tr.t1("district-on-sale", "name", tr.pick(&district.name)),
        all_products_href: more.then(|| format!("/search?district={}", district.slug)),
        cards,
        chrome: page.chrome(),
        name: tr.pick(&district.name).to_owned(),
        other_name: district.name.get(tr.locale().other()).to_owned(),
        summary,
        division_heading: tr.t1("district-division", "name", division_name),
        division_href: division_href(&division.slug),
        unconfirmed: district.confidence == odop_domain::registry::Confidence::Medium,
        products,
        neighbours_heading: tr.t1("district-neighbours", "name", division_name),
        neighbours,
        tr,
    };
    Ok(render(&page)?.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capitalised_slug_redirects_and_garbage_is_refused() {
        assert!(matches!(parse_slug("lucknow"), Ok(SlugInPath::Canonical(s)) if s.as_str() == "lucknow"));
        assert!(matches!(
            parse_slug("Sant-Kabir-Nagar"),
            Ok(SlugInPath::MovedTo(to)) if to == "/districts/sant-kabir-nagar"
        ));
        for bad in ["lucknow.php", "..", "a--b", "लखनऊ", "Sant Kabir"] {
            assert!(matches!(parse_slug(bad), Err(AppError::BadRequest { .. })), "{bad}");
        }
    }
}
