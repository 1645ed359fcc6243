//! The public pages of the catalogue: a product, a seller's shop, a craft,
//! and the photos they show.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use odop_domain::authz::{self, Action, Actor};
use odop_domain::catalogue::ListingStatus;
use odop_domain::gst::GstRate;
use odop_domain::money::Money;
use odop_domain::registry::{GiStatus, Registry};
use odop_domain::{ListingId, Slug, UserId, text};
use odop_search::SearchRequest;
use odop_store::catalogue::{self, Listing, ListingRecord};

use super::catalogue::{PhotoView, ProductCard, craft_name, craft_name_in, district_name, title_in};
use super::{Chrome, Page, render};
use crate::AppState;
use crate::error::{AppError, NotFound};
use crate::extract::Path;
use crate::i18n::{Arg, Tr};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{id}", get(product_by_id))
        .route("/p/{id}/{slug}", get(product))
        .route("/sellers/{id}", get(shop))
        .route("/crafts/{slug}", get(craft))
        .route("/media/{*key}", get(media))
}

pub struct VariantRow {
    pub id: i64,
    pub label: String,
    pub sku: String,
    pub price: String,
    pub mrp: Option<String>,
    pub in_stock: bool,
}

pub struct SellerView {
    pub href: String,
    pub name: String,
    pub gst: String,
    pub address: String,
}

#[derive(Template)]
#[template(path = "product/show.html")]
struct ProductPage {
    tr: Tr,
    chrome: Chrome,
    title: String,
    other_title: Option<String>,
    photos: Vec<PhotoView>,
    price: String,
    mrp: Option<String>,
    tax: String,
    variants: Vec<VariantRow>,
    description: Option<String>,
    odop_badge: Option<String>,
    gi: Option<String>,
    seller: SellerView,
    returns: String,
    origin: String,
    details: Vec<(String, String)>,
    related: Vec<ProductCard>,
    draft_notice: Option<String>,
    canonical: String,
}

fn id_from(raw: &str) -> Result<ListingId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound(NotFound::Object))
}

/// Whether `viewer` may see this listing: anyone when it is on sale from a
/// seller in good standing; its seller (or the vendor it currently sells
/// through) in any state but deleted. Pages and the API ask the same.
pub(crate) fn may_see(record: &ListingRecord, viewer: Option<&Actor>) -> bool {
    let public = record.status().is_public() && record.seller_name.is_some();
    public
        || viewer.is_some_and(|actor| {
            record.status() != ListingStatus::Deleted
                && authz::may(
                    actor,
                    Action::ManageListingsOf {
                        seller: record.seller(),
                        sellers_vendor: record.seller_vendor_user_id.map(UserId),
                    },
                )
        })
}

/// Whether this visitor may be shown a kept copy of a listing: not someone
/// who manages listings, who must see their own edits at once.
fn may_read_kept(viewer: Option<&Actor>) -> bool {
    viewer.is_none_or(|actor| {
        actor.seller.is_none() && actor.officer_of.is_empty() && !actor.state_admin && !actor.outlet_operator
    })
}

/// The listing with `id` as the visitor may see it; otherwise not found.
async fn visible_listing(state: &AppState, page: &Page, id: ListingId) -> Result<Arc<Listing>, AppError> {
    let viewer = page.visitor.as_ref().map(|me| &me.actor);
    let kept = may_read_kept(viewer);
    let cache = state.listing_cache();
    let listing = match kept.then(|| cache.get(id)).flatten() {
        Some(listing) => listing,
        None => {
            let listing = Arc::new(
                catalogue::get(state.db(), id)
                    .await?
                    .ok_or(AppError::NotFound(NotFound::Object))?,
            );
            cache.keep(listing.clone(), may_see(&listing.record, None));
            listing
        }
    };
    if may_see(&listing.record, viewer) {
        Ok(listing)
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

async fn product_by_id(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let listing = visible_listing(&state, &page, id_from(&id)?).await?;
    Ok(Redirect::permanent(&format!("/p/{}/{}", listing.record.id, listing.record.slug)).into_response())
}

fn seller_view(tr: &Tr, registry: &Registry, listing: &Listing) -> SellerView {
    let r = &listing.record;
    let gst = match (r.seller_kind.as_deref(), &r.seller_gstin, &r.seller_vendor_name) {
        (Some("vendor"), Some(gstin), _) => tr.t1("seller-gst-registered", "gstin", gstin),
        (Some("enrolled"), _, _) => tr.t1(
            "seller-gst-enrolled",
            "enrolment",
            r.seller_enrolment.clone().unwrap_or_default(),
        ),
        (_, _, Some(vendor)) => tr.with(
            "seller-through-vendor",
            &[
                ("vendor", Arg::from(vendor.as_str())),
                ("gstin", Arg::from(r.seller_vendor_gstin.clone().unwrap_or_default())),
            ],
        ),
        _ => tr.t("seller-gst-unknown"),
    };
    let address = [
        r.seller_city.clone().unwrap_or_default(),
        district_name(tr, registry, &r.district),
        tr.t("uttar-pradesh"),
        r.seller_pin.clone().unwrap_or_default(),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    SellerView {
        href: format!("/sellers/{}", r.seller_user_id),
        name: r.seller_name.clone().unwrap_or_default(),
        gst,
        address,
    }
}

async fn product(
    page: Page,
    State(state): State<AppState>,
    Path((id, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let listing = visible_listing(&state, &page, id_from(&id)?).await?;
    let r = &listing.record;
    if slug != r.slug {
        return Ok(Redirect::permanent(&format!("/p/{}/{}", r.id, r.slug)).into_response());
    }
    let tr = &page.tr;
    let registry = state.registry().await?;
    let cheapest = listing.variants.iter().min_by_key(|v| v.price_paise);
    let price = cheapest.map_or(Money::ZERO, |v| Money(v.price_paise));
    let rate = GstRate(u16::try_from(r.gst_rate_bp).unwrap_or_default());
    let district = Slug::parse(&r.district)
        .ok()
        .and_then(|s| registry.district(&s).cloned());
    let home_product = district
        .as_ref()
        .and_then(|d| d.products.iter().find(|p| p.slug.as_str() == r.craft).cloned());
    let odop_badge = district
        .as_ref()
        .filter(|_| home_product.is_some())
        .map(|d| tr.t1("odop-badge", "district", tr.pick(&d.name)));
    let gi = r.gi_tagged.then(|| {
        match home_product
            .as_ref()
            .filter(|p| matches!(p.gi.status, GiStatus::Registered | GiStatus::Likely))
            .and_then(|p| p.gi.name.clone())
        {
            Some(name) => tr.t1("gi-tagged-named", "name", name),
            None => tr.t("gi-tagged"),
        }
    });
    let title = title_in(tr, r.title_en.as_deref(), r.title_hi.as_deref()).to_owned();
    let other_title = match tr.locale() {
        odop_domain::Locale::En => r.title_hi.clone(),
        odop_domain::Locale::Hi => r.title_en.clone(),
    }
    .filter(|other| *other != title);
    let description = match tr.locale() {
        odop_domain::Locale::En => r.description_en.as_deref().or(r.description_hi.as_deref()),
        odop_domain::Locale::Hi => r.description_hi.as_deref().or(r.description_en.as_deref()),
    }
    .map(text::render_light);
    let mut details = vec![
        (
            tr.t("detail-craft"),
            craft_name_in(tr, &registry, &r.craft, &r.district),
        ),
        (tr.t("detail-weight"), tr.t1("grams", "grams", r.weight_grams)),
        (tr.t("detail-hsn"), r.hsn.clone()),
    ];
    if let (Some(l), Some(w), Some(h)) = (r.length_mm, r.width_mm, r.height_mm) {
        details.push((
            tr.t("detail-size"),
            format!("{} × {} × {} {}", l / 10, w / 10, h / 10, tr.t("unit-cm")),
        ));
    }
    // "Other crafts" of every district are no kin of each other: related
    // products of such a listing come from its own district.
    let related_request = SearchRequest {
        craft: Some(r.craft.clone()),
        district: (r.craft == odop_domain::catalogue::OTHER_CRAFT).then(|| r.district.clone()),
        page: 1,
        per_page: 5,
        ..SearchRequest::default()
    };
    let related = state
        .search()
        .top(&related_request)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .iter()
        .filter(|hit| hit.id != r.id as u64)
        .take(4)
        .map(|hit| ProductCard::from_hit(tr, &registry, hit))
        .collect();
    let page_view = ProductPage {
        chrome: page.chrome(),
        photos: listing
            .photos
            .iter()
            .filter_map(|p| PhotoView::new(&p.storage_key, &p.widths(), 480).map(|v| v.sized(p.width, p.height)))
            .collect(),
        price: price.to_string(),
        mrp: cheapest
            .filter(|v| v.mrp_paise > v.price_paise)
            .map(|v| Money(v.mrp_paise).to_string()),
        tax: tr.with(
            "price-includes-gst",
            &[
                ("rate", Arg::from(rate.label())),
                ("tax", Arg::from(rate.tax_in(price).to_string())),
            ],
        ),
        variants: listing
            .variants
            .iter()
            .map(|v| VariantRow {
                label: v.label.clone(),
                sku: v.sku.clone(),
                id: v.id,
                price: Money(v.price_paise).to_string(),
                mrp: (v.mrp_paise > v.price_paise).then(|| Money(v.mrp_paise).to_string()),
                in_stock: v.stock > 0,
            })
            .collect(),
        description,
        odop_badge,
        gi,
        seller: seller_view(tr, &registry, &listing),
        returns: match r.return_days {
            Some(days) => tr.with("returns-within", &[("days", Arg::Number(days))]),
            None => tr.t("returns-none"),
        },
        // The default, "India", is said in the page's language; a place a
        // seller typed is shown as typed.
        origin: if r.origin.eq_ignore_ascii_case("india") {
            tr.t("origin-india")
        } else {
            r.origin.clone()
        },
        details,
        related,
        draft_notice: (!r.status().is_public()).then(|| tr.t(&format!("listing-not-public-{}", r.status().code()))),
        canonical: format!("/p/{}/{}", r.id, r.slug),
        title,
        other_title,
        tr: tr.clone(),
    };
    Ok(render(&page_view)?.into_response())
}

#[derive(Template)]
#[template(path = "product/listing_grid.html")]
struct GridPage {
    tr: Tr,
    chrome: Chrome,
    heading: String,
    lead: Vec<String>,
    cards: Vec<ProductCard>,
    more_href: Option<String>,
    empty: String,
}

async fn shop(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Html<String>, AppError> {
    let seller: UserId = id.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    let application = odop_store::onboarding::latest_for(state.db(), seller)
        .await?
        .filter(|a| a.status == "approved")
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let tr = &page.tr;
    let registry = state.registry().await?;
    let request = SearchRequest {
        seller: Some(seller.0 as u64),
        page: 1,
        per_page: 48,
        ..SearchRequest::default()
    };
    let results = state
        .search()
        .search(&request)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let bio = match tr.locale() {
        odop_domain::Locale::En => application.bio_en.clone().or(application.bio_hi.clone()),
        odop_domain::Locale::Hi => application.bio_hi.clone().or(application.bio_en.clone()),
    };
    let mut lead = vec![tr.with(
        "shop-from",
        &[
            (
                "district",
                Arg::from(district_name(tr, &registry, &application.district)),
            ),
            ("craft", Arg::from(craft_name(tr, &registry, &application.craft))),
        ],
    )];
    lead.extend(bio);
    render(&GridPage {
        chrome: page.chrome(),
        heading: application.display_name.clone(),
        lead,
        cards: results
            .hits
            .iter()
            .map(|h| ProductCard::from_hit(tr, &registry, h))
            .collect(),
        more_href: None,
        empty: tr.t("shop-empty"),
        tr: tr.clone(),
    })
}

async fn craft(page: Page, State(state): State<AppState>, Path(raw): Path<String>) -> Result<Html<String>, AppError> {
    let slug = Slug::parse(&raw).map_err(|_| AppError::NotFound(NotFound::Object))?;
    let registry = state.registry().await?;
    let districts: Vec<_> = registry
        .districts()
        .iter()
        .filter(|d| d.products.iter().any(|p| p.slug == slug))
        .collect();
    if districts.is_empty() {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let tr = &page.tr;
    let request = SearchRequest {
        craft: Some(slug.to_string()),
        page: 1,
        per_page: 24,
        ..SearchRequest::default()
    };
    let results = state
        .search()
        .search(&request)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let names: Vec<String> = districts.iter().map(|d| tr.pick(&d.name).to_owned()).collect();
    render(&GridPage {
        chrome: page.chrome(),
        heading: craft_name(tr, &registry, slug.as_str()),
        lead: vec![tr.t1("craft-made-in", "districts", names.join(", "))],
        cards: results
            .hits
            .iter()
            .map(|h| ProductCard::from_hit(tr, &registry, h))
            .collect(),
        more_href: (results.total > results.hits.len()).then(|| format!("/search?craft={slug}")),
        empty: tr.t("craft-empty"),
        tr: tr.clone(),
    })
}

/// `GET /media/photos/…-480.webp`: a rendition of a photo. Names are made
/// by the server and never change, so browsers may keep them for a year.
async fn media(State(state): State<AppState>, Path(key): Path<String>) -> Result<Response, AppError> {
    let safe = key.starts_with("photos/")
        && key.ends_with(".webp")
        && !key.contains("..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'));
    if !safe {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let bytes = state
        .files()
        .get(&key)
        .await
        .map_err(|_| AppError::NotFound(NotFound::Object))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/webp"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        bytes,
    )
        .into_response())
}
