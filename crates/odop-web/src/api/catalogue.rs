//! The catalogue for programs: search, suggestions, and listings a seller
//! keeps (with the session cookie and the `X-CSRF-Token` header).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use odop_domain::authz::{self, Action};
use odop_domain::catalogue::{self as rules, ListingContext, ListingInput, StatusChange, VariantInput};
use odop_domain::money::Money;
use odop_domain::{ListingId, Locale, UserId};
use odop_store::catalogue::{self, Listing, ListingError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{SignedIn, csrf};
use crate::error::{AppError, BadRequest, ErrorBody, NotFound};
use crate::extract::{Json as JsonBody, Path, Query};
use crate::i18n::Tr;
use crate::pages::catalogue::{PhotoView, product_href};
use crate::pages::forms::Errors;
use crate::pages::listings::selling_as;
use crate::pages::search::SearchParams;

/// A value of a filter with how many results have it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FacetValue {
    #[schema(example = "lucknow")]
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FacetsDto {
    pub district: Vec<FacetValue>,
    pub division: Vec<FacetValue>,
    pub craft: Vec<FacetValue>,
    /// Price bands in rupees: `0-500`, `500-1000`, `1000-2500`, `2500-5000`, `5000-`.
    pub price: Vec<FacetValue>,
    /// `yes`: GI-tagged.
    pub gi: Vec<FacetValue>,
    /// `yes`: in stock.
    pub in_stock: Vec<FacetValue>,
}

/// One product found.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SearchHit {
    pub id: u64,
    #[schema(example = "white-chikankari-kurta")]
    pub slug: String,
    pub title_en: Option<String>,
    pub title_hi: Option<String>,
    /// District slug.
    #[schema(example = "lucknow")]
    pub district: String,
    /// ODOP product (craft) slug.
    #[schema(example = "chikankari")]
    pub craft: String,
    /// The lowest price among its variants, GST included, in paise.
    #[schema(example = 149900)]
    pub price_paise: u64,
    /// The seller's shop name.
    pub seller: String,
    pub seller_id: u64,
    pub in_stock: bool,
    pub gi: bool,
    /// The product's page on this site.
    #[schema(example = "/p/42/white-chikankari-kurta")]
    pub url: String,
    /// A 480-pixel-wide photo, if it has one.
    pub image: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SearchResponse {
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: FacetsDto,
    /// A price range read from the query's words ("under 500", "500 se
    /// kam", "1000-2500"), applied as a filter; `null` when the words name
    /// no price.
    pub price_from_words: Option<PriceRangeDto>,
    /// No listing matched every word: these match as many as any, or near
    /// spellings of them.
    pub relaxed: bool,
}

/// A price range in paise; either end may be open.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PriceRangeDto {
    pub from_paise: Option<u64>,
    pub to_paise: Option<u64>,
}

fn facet_values(counts: &[(String, u64)]) -> Vec<FacetValue> {
    counts
        .iter()
        .map(|(value, count)| FacetValue {
            value: value.clone(),
            count: *count,
        })
        .collect()
}

/// Products by words (English or Hindi, either script, misspelt or not) and filters.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "catalogue",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of results (20 a page) with filter counts", body = SearchResponse),
        (status = 400, description = "A malformed parameter", body = ErrorBody)
    )
)]
pub(super) async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResponse>, AppError> {
    let request = params.to_request(20)?;
    let results = state
        .search()
        .search(&request)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let flag = |count: u64| {
        if count > 0 {
            vec![FacetValue {
                value: "yes".into(),
                count,
            }]
        } else {
            Vec::new()
        }
    };
    Ok(Json(SearchResponse {
        price_from_words: results.price_from_words.map(|range| PriceRangeDto {
            from_paise: range.from_paise,
            to_paise: range.to_paise,
        }),
        relaxed: results.relaxed,
        total: results.total,
        hits: results
            .hits
            .into_iter()
            .map(|hit| SearchHit {
                url: product_href(hit.id, &hit.slug),
                image: hit
                    .photo
                    .as_deref()
                    .and_then(|p| PhotoView::from_index(p, 480))
                    .map(|p| p.src),
                id: hit.id,
                slug: hit.slug,
                title_en: hit.title_en,
                title_hi: hit.title_hi,
                district: hit.district,
                craft: hit.craft,
                price_paise: hit.price_paise,
                seller: hit.seller_name,
                seller_id: hit.seller_id,
                in_stock: hit.in_stock,
                gi: hit.gi,
            })
            .collect(),
        facets: FacetsDto {
            district: facet_values(&results.facets.district),
            division: facet_values(&results.facets.division),
            craft: facet_values(&results.facets.craft),
            price: facet_values(&results.facets.price),
            gi: flag(results.facets.gi),
            in_stock: flag(results.facets.in_stock),
        },
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SuggestParams {
    /// What has been typed so far.
    #[serde(default)]
    #[param(max_length = 100)]
    q: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Suggestion {
    pub text: String,
    /// `product`, `craft` or `district`.
    pub kind: String,
    pub url: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SuggestResponse {
    pub suggestions: Vec<Suggestion>,
}

/// Suggestions as someone types: crafts and districts whose names match
/// (in either script, with typing mistakes tolerated), those with most
/// listings first; then titles of products. Never words of descriptions or
/// shop names.
#[utoipa::path(
    get,
    path = "/api/v1/search/suggest",
    tag = "catalogue",
    params(SuggestParams),
    responses(
        (status = 200, description = "Up to 8 suggestions", body = SuggestResponse),
        (status = 400, description = "A query longer than 100 characters", body = ErrorBody)
    )
)]
pub(super) async fn suggest(
    State(state): State<AppState>,
    Query(params): Query<SuggestParams>,
) -> Result<Json<SuggestResponse>, AppError> {
    if params.q.chars().count() > 100 {
        return Err(AppError::bad_request(
            BadRequest::QueryTooLong,
            "q is longer than 100 characters",
        ));
    }
    let suggestions = state
        .search()
        .suggest(params.q.trim(), 8)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .into_iter()
        .map(|suggestion| {
            let (kind, url) = match &suggestion.target {
                odop_search::Suggested::Craft(slug) => ("craft", format!("/crafts/{slug}")),
                odop_search::Suggested::District(slug) => ("district", format!("/districts/{slug}")),
                odop_search::Suggested::Product(id, slug) => ("product", product_href(*id, slug)),
            };
            Suggestion {
                text: suggestion.text,
                kind: kind.into(),
                url,
            }
        })
        .collect();
    Ok(Json(SuggestResponse { suggestions }))
}

/// A variant of a listing, as programs send and receive it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VariantDto {
    /// "M", "Red, 5 m", "500 g"; may be empty for a single variant.
    #[serde(default)]
    pub label: String,
    #[schema(example = "KURTA-WHITE-M")]
    pub sku: String,
    /// GST included, in paise.
    #[schema(example = 149900)]
    pub price_paise: i64,
    /// In paise; at least the price. The price when absent.
    pub mrp_paise: Option<i64>,
    pub stock: u32,
}

/// A listing as a seller sends it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ListingInputDto {
    pub title_en: Option<String>,
    pub title_hi: Option<String>,
    /// Plain text: blank lines separate paragraphs, `- ` starts a bullet, `**bold**`.
    pub description_en: Option<String>,
    pub description_hi: Option<String>,
    /// One of the ODOP products (crafts) of the seller's district, by slug,
    /// or `other` for another craft of that district. A listing's district
    /// is always its seller's.
    #[schema(example = "chikankari")]
    pub craft: String,
    #[schema(example = "6206")]
    pub hsn: String,
    pub weight_grams: u32,
    /// Length, width and height in centimetres, all three or none.
    #[schema(min_items = 3, max_items = 3)]
    pub dimensions_cm: Option<[u32; 3]>,
    /// Days to return it after delivery; absent when it cannot be returned.
    pub return_days: Option<u32>,
    /// "India" when absent.
    pub origin: Option<String>,
    #[serde(default)]
    pub gi_tagged: bool,
    pub variants: Vec<VariantDto>,
    /// For a vendor: the user id of the sub-vendor the listing is for.
    pub for_seller: Option<i64>,
}

impl ListingInputDto {
    fn to_input(&self) -> ListingInput {
        let [length, width, height] = self.dimensions_cm.map(|d| d.map(|n| n.to_string())).unwrap_or_default();
        ListingInput {
            title_en: self.title_en.clone().unwrap_or_default(),
            title_hi: self.title_hi.clone().unwrap_or_default(),
            description_en: self.description_en.clone().unwrap_or_default(),
            description_hi: self.description_hi.clone().unwrap_or_default(),
            craft: self.craft.clone(),
            hsn: self.hsn.clone(),
            weight_grams: self.weight_grams.to_string(),
            length_cm: length,
            width_cm: width,
            height_cm: height,
            returnable: self.return_days.is_some(),
            return_days: self.return_days.map(|d| d.to_string()).unwrap_or_default(),
            origin: self.origin.clone().unwrap_or_default(),
            gi_tagged: self.gi_tagged,
            variants: self
                .variants
                .iter()
                .map(|v| VariantInput {
                    label: v.label.clone(),
                    sku: v.sku.clone(),
                    price: paise_to_input(v.price_paise),
                    mrp: v.mrp_paise.map(paise_to_input).unwrap_or_default(),
                    stock: v.stock.to_string(),
                })
                .collect(),
        }
    }
}

/// Paise as the rupees the form rules parse; zero and negatives stay
/// recognisable as such, so that the rules refuse them with their message.
fn paise_to_input(paise: i64) -> String {
    if paise <= 0 {
        paise.to_string()
    } else {
        Money(paise).to_input()
    }
}

/// A listing as stored.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListingDto {
    pub id: i64,
    pub slug: String,
    /// `draft`, `active`, `paused` or `deleted`.
    pub status: String,
    pub seller_id: i64,
    pub district: String,
    pub craft: String,
    pub title_en: Option<String>,
    pub title_hi: Option<String>,
    pub description_en: Option<String>,
    pub description_hi: Option<String>,
    pub hsn: String,
    /// The GST rate of its price band, in basis points (500 = 5%).
    pub gst_rate_bp: i64,
    pub weight_grams: i64,
    pub return_days: Option<i64>,
    pub origin: String,
    pub gi_tagged: bool,
    pub variants: Vec<VariantDto>,
    /// 480-pixel-wide photos.
    pub photos: Vec<String>,
    pub url: String,
}

impl ListingDto {
    fn new(listing: &Listing) -> Self {
        let r = &listing.record;
        Self {
            id: r.id,
            slug: r.slug.clone(),
            status: r.status.clone(),
            seller_id: r.seller_user_id,
            district: r.district.clone(),
            craft: r.craft.clone(),
            title_en: r.title_en.clone(),
            title_hi: r.title_hi.clone(),
            description_en: r.description_en.clone(),
            description_hi: r.description_hi.clone(),
            hsn: r.hsn.clone(),
            gst_rate_bp: r.gst_rate_bp,
            weight_grams: r.weight_grams,
            return_days: r.return_days,
            origin: r.origin.clone(),
            gi_tagged: r.gi_tagged,
            variants: listing
                .variants
                .iter()
                .map(|v| VariantDto {
                    label: v.label.clone(),
                    sku: v.sku.clone(),
                    price_paise: v.price_paise,
                    mrp_paise: Some(v.mrp_paise),
                    stock: u32::try_from(v.stock).unwrap_or(0),
                })
                .collect(),
            photos: listing
                .photos
                .iter()
                .filter_map(|p| PhotoView::new(&p.storage_key, &p.widths(), 480).map(|v| v.src))
                .collect(),
            url: product_href(r.id as u64, &r.slug),
        }
    }
}

/// Cookie-authenticated writes carry the CSRF token in a header.
pub(super) fn check_csrf(headers: &HeaderMap) -> Result<(), AppError> {
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    csrf::verify(headers, token)
}

pub(super) fn listing_id(raw: &str) -> Result<ListingId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound(NotFound::Object))
}

async fn draft_from(
    state: &AppState,
    seller_district: &odop_domain::Slug,
    body: &ListingInputDto,
) -> Result<rules::ListingDraft, AppError> {
    let registry = state.registry().await?;
    let gst = odop_store::gst::table(state.db()).await?;
    let context = ListingContext {
        registry: &registry,
        seller_district,
        gst: &gst,
        today: Utc::now().date_naive(),
    };
    rules::validate(&body.to_input(), &context).map_err(|problems| {
        let english = Tr::new(Locale::En, state.catalog().clone());
        AppError::Invalid {
            fields: Errors::from_fields(&english, &problems).into_pairs(),
        }
    })
}

pub(super) async fn keepable(
    state: &AppState,
    me: &SignedIn,
    id: ListingId,
) -> Result<(Listing, crate::pages::listings::SellingAs), AppError> {
    let listing = catalogue::get(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    if listing.record.status() == rules::ListingStatus::Deleted {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let selling = selling_as(state, me, Some(listing.record.seller())).await?;
    Ok((listing, selling))
}

/// A listing: public ones to anyone, drafts and paused ones to their seller.
#[utoipa::path(
    get,
    path = "/api/v1/listings/{id}",
    tag = "catalogue",
    params(("id" = i64, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "The listing", body = ListingDto),
        (status = 404, description = "No such listing, or not visible to the asker", body = ErrorBody)
    )
)]
pub(super) async fn get_listing(
    State(state): State<AppState>,
    crate::auth::MaybeSignedIn(me): crate::auth::MaybeSignedIn,
    Path(id): Path<String>,
) -> Result<Json<ListingDto>, AppError> {
    let listing = catalogue::get(state.db(), listing_id(&id)?)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    if crate::pages::product::may_see(&listing.record, me.as_ref().map(|me| &me.actor)) {
        Ok(Json(ListingDto::new(&listing)))
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

/// Creates a listing as a draft, for the signed-in seller (or, for a
/// vendor, one of its sub-vendors).
#[utoipa::path(
    post,
    path = "/api/v1/listings",
    tag = "catalogue",
    request_body = ListingInputDto,
    params(("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 201, description = "Created, as a draft", body = ListingDto),
        (status = 400, description = "The body is not the JSON this operation takes: not JSON, a field missing or of the wrong type", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "The signed-in person may not sell (for this seller)", body = ErrorBody),
        (status = 422, description = "The listing breaks a rule; `fields` says which", body = ErrorBody)
    )
)]
pub(super) async fn create_listing(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    JsonBody(body): JsonBody<ListingInputDto>,
) -> Result<(StatusCode, Json<ListingDto>), AppError> {
    check_csrf(&headers)?;
    let selling = selling_as(&state, &me, body.for_seller.map(UserId)).await?;
    let draft = draft_from(&state, &selling.district, &body).await?;
    let id = catalogue::create(
        state.db(),
        selling.seller,
        &selling.district,
        &draft,
        me.user.id,
        Utc::now(),
    )
    .await?;
    let listing = catalogue::get(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    Ok((StatusCode::CREATED, Json(ListingDto::new(&listing))))
}

/// Replaces a listing's details and variants.
#[utoipa::path(
    put,
    path = "/api/v1/listings/{id}",
    tag = "catalogue",
    request_body = ListingInputDto,
    params(("id" = i64, Path, description = "The listing's id"), ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 200, description = "Updated", body = ListingDto),
        (status = 400, description = "The body is not the JSON this operation takes: not JSON, a field missing or of the wrong type", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such listing among the signed-in seller's", body = ErrorBody),
        (status = 422, description = "The listing breaks a rule; `fields` says which", body = ErrorBody)
    )
)]
pub(super) async fn update_listing(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ListingInputDto>,
) -> Result<Json<ListingDto>, AppError> {
    check_csrf(&headers)?;
    let (listing, selling) = keepable(&state, &me, listing_id(&id)?).await?;
    let draft = draft_from(&state, &selling.district, &body).await?;
    catalogue::update(state.db(), listing.record.id(), &draft, me.user.id, Utc::now())
        .await
        .map_err(|e| match e {
            ListingError::NotFound => AppError::NotFound(NotFound::Object),
            other => AppError::Internal(other.to_string()),
        })?;
    let listing = catalogue::get(state.db(), listing.record.id())
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    Ok(Json(ListingDto::new(&listing)))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StatusChangeDto {
    /// `publish`, `pause` or `delete`.
    #[schema(schema_with = super::schema::listing_action)]
    pub action: String,
}

/// Publishes, pauses or deletes a listing.
#[utoipa::path(
    post,
    path = "/api/v1/listings/{id}/status",
    tag = "catalogue",
    request_body = StatusChangeDto,
    params(("id" = i64, Path, description = "The listing's id"), ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 200, description = "The listing after the change", body = ListingDto),
        (status = 400, description = "The body is not the JSON this operation takes: not JSON, a field missing or of the wrong type", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such listing among the signed-in seller's", body = ErrorBody),
        (status = 409, description = "The change does not apply to the listing's status", body = ErrorBody)
    )
)]
pub(super) async fn change_listing_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<StatusChangeDto>,
) -> Result<Json<ListingDto>, AppError> {
    check_csrf(&headers)?;
    let (listing, selling) = keepable(&state, &me, listing_id(&id)?).await?;
    let change = StatusChange::parse(&body.action)
        .ok_or_else(|| AppError::bad_request(BadRequest::InvalidForm, "action must be publish, pause or delete"))?;
    if change == StatusChange::Publish {
        let seller = odop_store::accounts::actor(state.db(), selling.seller).await?;
        if !authz::may(&seller, Action::PublishListings) {
            return Err(AppError::NotFound(NotFound::Object));
        }
    }
    catalogue::change_status(state.db(), listing.record.id(), change, me.user.id, Utc::now())
        .await
        .map_err(|e| match e {
            ListingError::Transition(from) => {
                AppError::Conflict(format!("a listing that is {from} cannot be changed so"))
            }
            ListingError::NotFound => AppError::NotFound(NotFound::Object),
            other => AppError::Internal(other.to_string()),
        })?;
    let listing = catalogue::get(state.db(), listing.record.id())
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    Ok(Json(ListingDto::new(&listing)))
}

/// Deletes a listing (it leaves the catalogue and search at once).
#[utoipa::path(
    delete,
    path = "/api/v1/listings/{id}",
    tag = "catalogue",
    params(("id" = i64, Path, description = "The listing's id"), ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such listing among the signed-in seller's", body = ErrorBody)
    )
)]
pub(super) async fn delete_listing(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    check_csrf(&headers)?;
    let (listing, _) = keepable(&state, &me, listing_id(&id)?).await?;
    catalogue::change_status(
        state.db(),
        listing.record.id(),
        StatusChange::Delete,
        me.user.id,
        Utc::now(),
    )
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(StatusCode::NO_CONTENT)
}
