//! The JSON API under `/api/v1`, and its OpenAPI document generated from
//! the same handler annotations that route it, so the two cannot drift.

use axum::Json;
use axum::extract::State;
use odop_domain::Slug;
use odop_domain::registry::{District, GiStatus, OdopProduct, Registry};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod catalogue;
mod documents;
mod gst;
mod money;
mod orders;
mod photos;
pub mod schema;

use crate::AppState;
use crate::error::{AppError, BadRequest, ErrorBody, NotFound};
use crate::extract::{Path, Query};

/// A 422 naming each field that breaks a rule, in English, under the
/// names the API's body gives them (`renames` maps a form's field name to
/// the body's).
pub(crate) fn invalid_fields(
    state: &AppState,
    problems: &[odop_domain::onboarding::FieldError],
    renames: &[(&str, &str)],
) -> AppError {
    let english = crate::i18n::Tr::new(odop_domain::Locale::En, state.catalog().clone());
    let fields = crate::pages::forms::Errors::from_fields(&english, problems)
        .into_pairs()
        .into_iter()
        .map(|(field, message)| {
            let field = renames
                .iter()
                .find(|(form, _)| *form == field)
                .map_or(field, |(_, body)| (*body).to_owned());
            (field, message)
        })
        .collect();
    AppError::Invalid { fields }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "odop API",
        description = "Open data and programmatic access to Uttar Pradesh's One District One Product platform. \
                       Errors always answer with a JSON body `{\"error\": {\"code\", \"message\"}}`.",
        license(name = "AGPL-3.0-or-later")
    ),
    tags(
        (name = "registry", description = "Divisions, districts and their ODOP products"),
        (name = "accounts", description = "The signed-in person (session cookie)"),
        (name = "catalogue", description = "Search, and the listings sellers keep. Writes use the session cookie and an `X-CSRF-Token` header holding the `odop_csrf` cookie's value"),
        (name = "orders", description = "Placing and reading orders, and payment gateways' webhooks"),
        (name = "gst", description = "The GST rate table: rates by HSN code from a date, kept by state admins"),
        (name = "money", description = "After the sale: a seller's statement and GST sales register; the TCS report, payout batches and the commission table for those who keep the books"),
        (name = "operations", description = "Health, readiness and metrics")
    )
)]
struct ApiDoc;

/// The API routes with their OpenAPI document. Operations endpoints are
/// documented here too, though they live outside `/api/v1`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_divisions))
        .routes(routes!(list_districts))
        .routes(routes!(get_district))
        .routes(routes!(me))
        .routes(routes!(catalogue::search))
        .routes(routes!(catalogue::suggest))
        .routes(routes!(
            catalogue::get_listing,
            catalogue::update_listing,
            catalogue::delete_listing
        ))
        .routes(routes!(catalogue::create_listing))
        .routes(routes!(catalogue::change_listing_status))
        .merge(
            // A photo may be up to 10 MB: more than the 2 MB every other
            // request body is held to.
            OpenApiRouter::new()
                .routes(routes!(photos::list_photos, photos::add_photo))
                .layer(axum::extract::DefaultBodyLimit::max(
                    odop_media::MAX_PHOTO_BYTES + 64 * 1024,
                )),
        )
        .routes(routes!(photos::order_photos))
        .routes(routes!(photos::delete_listing_photo))
        .routes(routes!(orders::place_order, orders::list_orders))
        .routes(routes!(orders::get_order))
        .routes(routes!(documents::get_tax_document))
        .routes(routes!(orders::cancel_order))
        .routes(routes!(orders::return_order))
        .routes(routes!(orders::seller_orders))
        .routes(routes!(orders::transition_sub_order))
        .routes(routes!(orders::get_cart, orders::put_cart))
        .routes(routes!(orders::webhook))
        .routes(routes!(gst::list_rates, gst::put_rate))
        .routes(routes!(money::statement))
        .routes(routes!(money::register))
        .routes(routes!(money::tcs_report))
        .routes(routes!(money::list_payouts, money::make_payouts))
        .routes(routes!(money::get_payout))
        .routes(routes!(money::payout_sent))
        .routes(routes!(money::answer_payout_line))
        .routes(routes!(money::list_commission, money::add_commission))
        .routes(routes!(crate::ops::healthz))
        .routes(routes!(crate::ops::readyz))
        .routes(routes!(crate::ops::metrics))
}

/// A division of Uttar Pradesh (a group of districts under a commissioner).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DivisionDto {
    #[schema(example = "lucknow")]
    pub slug: String,
    #[schema(example = "Lucknow")]
    pub name_en: String,
    #[schema(example = "लखनऊ")]
    pub name_hi: String,
    /// Slugs of the division's districts, in display order.
    pub districts: Vec<String>,
}

/// A district with its ODOP products.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DistrictDto {
    #[schema(example = "lucknow")]
    pub slug: String,
    #[schema(example = "Lucknow")]
    pub name_en: String,
    #[schema(example = "लखनऊ")]
    pub name_hi: String,
    /// The slug of the district's division.
    #[schema(example = "lucknow")]
    pub division: String,
    /// The original 2018 product first, then later additions.
    pub products: Vec<ProductDto>,
}

/// One of a district's ODOP products.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProductDto {
    /// Names the craft: the same craft in several districts has the same slug.
    #[schema(example = "chikankari")]
    pub slug: String,
    #[schema(example = "Chikankari")]
    pub name_en: String,
    #[schema(example = "चिकनकारी")]
    pub name_hi: String,
    /// When the product joined the scheme, as an ISO 8601 date of reduced
    /// precision: `YYYY-MM-DD`, or `YYYY` where only the year is known;
    /// `null` where no source says.
    #[schema(example = "2018-01-24", pattern = r"^\d{4}(-\d{2}-\d{2})?$")]
    pub added_on: Option<String>,
    pub gi: GiDto,
    /// The HSN codes its goods are usually sold under, most usual first:
    /// each has a line in the GST rate table (`/api/v1/gst/rates`).
    #[schema(example = json!(["6211", "5810"]))]
    pub hsn: Vec<String>,
    pub description_en: String,
    pub description_hi: String,
}

/// The product's Geographical Indication standing.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GiDto {
    pub status: GiStatusDto,
    /// The indication's name, where known.
    #[schema(example = "Lucknow Chikan Craft")]
    pub name: Option<String>,
}

/// `registered`: listed in the GI registry; `likely`: reported by a source,
/// not yet confirmed; `none`: known not to hold one; `unknown`: no source says.
#[derive(Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum GiStatusDto {
    Registered,
    Likely,
    None,
    Unknown,
}

impl From<GiStatus> for GiStatusDto {
    fn from(status: GiStatus) -> Self {
        match status {
            GiStatus::Registered => GiStatusDto::Registered,
            GiStatus::Likely => GiStatusDto::Likely,
            GiStatus::NotRegistered => GiStatusDto::None,
            GiStatus::Unknown => GiStatusDto::Unknown,
        }
    }
}

impl ProductDto {
    fn new(product: &OdopProduct) -> Self {
        Self {
            slug: product.slug.to_string(),
            name_en: product.name.en.clone(),
            name_hi: product.name.hi.clone(),
            added_on: product.added_on.map(|a| a.to_string()),
            gi: GiDto {
                status: product.gi.status.into(),
                name: product.gi.name.clone(),
            },
            hsn: product.hsn.iter().map(|h| h.as_str().to_owned()).collect(),
            description_en: product.description.en.clone(),
            description_hi: product.description.hi.clone(),
        }
    }
}

impl DistrictDto {
    fn new(district: &District) -> Self {
        Self {
            slug: district.slug.to_string(),
            name_en: district.name.en.clone(),
            name_hi: district.name.hi.clone(),
            division: district.division.to_string(),
            products: district.products.iter().map(ProductDto::new).collect(),
        }
    }
}

fn parse_slug(raw: &str) -> Result<Slug, AppError> {
    Slug::parse(raw).map_err(|e| AppError::bad_request(BadRequest::InvalidSlug, format!("{raw:?} is not a slug: {e}")))
}

async fn registry(state: &AppState) -> Result<std::sync::Arc<Registry>, AppError> {
    Ok(state.registry().await?)
}

/// All 18 divisions, each with the slugs of its districts.
#[utoipa::path(
    get,
    path = "/api/v1/divisions",
    tag = "registry",
    responses((status = 200, description = "Every division, in display order", body = [DivisionDto]))
)]
async fn list_divisions(State(state): State<AppState>) -> Result<Json<Vec<DivisionDto>>, AppError> {
    let registry = registry(&state).await?;
    let divisions = registry
        .divisions()
        .iter()
        .map(|division| DivisionDto {
            slug: division.slug.to_string(),
            name_en: division.name.en.clone(),
            name_hi: division.name.hi.clone(),
            districts: registry.districts_of(division).map(|d| d.slug.to_string()).collect(),
        })
        .collect();
    Ok(Json(divisions))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DistrictsQuery {
    /// Only the districts of this division (a division slug).
    #[param(example = "varanasi", schema_with = schema::slug)]
    division: Option<String>,
}

/// All 75 districts with their ODOP products, or those of one division.
#[utoipa::path(
    get,
    path = "/api/v1/districts",
    tag = "registry",
    params(DistrictsQuery),
    responses(
        (status = 200, description = "Districts in display order", body = [DistrictDto]),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No division has this slug", body = ErrorBody)
    )
)]
async fn list_districts(
    State(state): State<AppState>,
    Query(query): Query<DistrictsQuery>,
) -> Result<Json<Vec<DistrictDto>>, AppError> {
    let division = query.division.as_deref().map(parse_slug).transpose()?;
    let registry = registry(&state).await?;
    if let Some(division) = &division
        && !registry.divisions().iter().any(|d| &d.slug == division)
    {
        return Err(AppError::NotFound(NotFound::Division(division.to_string())));
    }
    let districts = registry
        .districts()
        .iter()
        .filter(|district| division.as_ref().is_none_or(|d| &district.division == d))
        .map(DistrictDto::new)
        .collect();
    Ok(Json(districts))
}

/// One district with its ODOP products.
#[utoipa::path(
    get,
    path = "/api/v1/districts/{slug}",
    tag = "registry",
    params(("slug" = String, Path, description = "The district's slug", example = "lucknow", pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 64)),
    responses(
        (status = 200, description = "The district", body = DistrictDto),
        (status = 400, description = "The slug is malformed", body = ErrorBody),
        (status = 404, description = "No district has this slug", body = ErrorBody)
    )
)]
async fn get_district(State(state): State<AppState>, Path(raw): Path<String>) -> Result<Json<DistrictDto>, AppError> {
    let slug = parse_slug(&raw)?;
    let registry = registry(&state).await?;
    registry
        .district(&slug)
        .map(|district| Json(DistrictDto::new(district)))
        .ok_or_else(|| AppError::NotFound(NotFound::District(slug.to_string())))
}

/// The signed-in person and what they may do.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeDto {
    pub id: i64,
    /// In E.164 form.
    #[schema(example = "+919876543210")]
    pub phone: Option<String>,
    pub display_name: Option<String>,
    /// `en` or `hi`.
    pub language: String,
    /// Districts the person serves as district officer (slugs).
    pub officer_of: Vec<String>,
    pub state_admin: bool,
    /// Keeps the books: payouts and the tax reports.
    pub finance: bool,
    pub outlet_operator: bool,
    /// Present once a district officer has verified the person as a seller.
    pub seller: Option<SellerDto>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SellerDto {
    /// `vendor` (GST-registered), `sub-vendor` (through a vendor) or `enrolled` (an enrolled supplier without GST, selling within UP only).
    pub kind: String,
    pub district: String,
    /// For a sub-vendor, the user id of its vendor.
    pub vendor: Option<i64>,
}

/// The signed-in person (by the session cookie set at sign-in).
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    responses(
        (status = 200, description = "The signed-in person", body = MeDto),
        (status = 401, description = "Nobody is signed in", body = ErrorBody)
    )
)]
async fn me(me: crate::auth::SignedIn) -> Json<MeDto> {
    use odop_domain::authz::SellerRole;
    Json(MeDto {
        id: me.user.id.0,
        phone: me.user.phone.as_ref().map(|p| p.to_string()),
        display_name: me.user.display_name.clone(),
        language: me.user.locale.code().to_owned(),
        officer_of: me.actor.officer_of.iter().map(|d| d.to_string()).collect(),
        state_admin: me.actor.state_admin,
        finance: me.actor.finance,
        outlet_operator: me.actor.outlet_operator,
        seller: me.actor.seller.as_ref().map(|s| SellerDto {
            kind: match s.role {
                SellerRole::Vendor => "vendor".into(),
                SellerRole::SubVendor { .. } => "sub-vendor".into(),
                SellerRole::Enrolled => "enrolled".into(),
            },
            district: s.district.to_string(),
            vendor: match s.role {
                SellerRole::SubVendor { vendor } => Some(vendor.0),
                SellerRole::Vendor | SellerRole::Enrolled => None,
            },
        }),
    })
}
