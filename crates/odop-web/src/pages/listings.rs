//! A seller's own listings: creating them as drafts, editing, adding
//! photos, publishing, pausing and deleting. A vendor does the same for the
//! artisans who sell through it.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use odop_domain::authz::{self, Action, Actor, SellerRole};
use odop_domain::catalogue::{
    self as rules, ListingContext, ListingInput, MAX_PHOTOS, MAX_VARIANTS, StatusChange, VariantInput,
};
use odop_domain::money::Money;
use odop_domain::{ListingId, PhotoId, Slug, UserId};
use odop_store::accounts;
use odop_store::catalogue::{self, Listing, ListingError};

use super::catalogue::{PhotoView, district_crafts, title_in};
use super::forms::Errors;
use super::signin::{blocking, invalid};
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{SignedIn, crypto, csrf};
use crate::error::{AppError, BadRequest, NotFound};
use crate::extract::{Path, Query};
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sell/listings", get(my_listings).post(create))
        .route("/sell/listings/new", get(new_form))
        .route("/sell/listings/{id}", get(edit_form).post(update))
        .route("/sell/listings/{id}/status", post(change_status))
        .route(
            "/sell/listings/{id}/photos",
            post(add_photo).layer(DefaultBodyLimit::max(odop_media::MAX_PHOTO_BYTES + 64 * 1024)),
        )
        .route("/sell/listings/{id}/photos/{photo}/delete", post(remove_photo))
}

/// Whose listings are being kept, and where they are from.
#[derive(Clone, Debug)]
pub struct SellingAs {
    pub seller: UserId,
    pub district: Slug,
    /// The seller's vendor, for a sub-vendor.
    pub vendor: Option<UserId>,
}

fn vendor_of(actor: &Actor) -> Option<UserId> {
    match actor.seller.as_ref().map(|s| s.role) {
        Some(SellerRole::SubVendor { vendor }) => Some(vendor),
        _ => None,
    }
}

/// The verified seller `me` keeps listings for: themselves, or (for a
/// vendor) one of their sub-vendors. Anyone else: not found.
pub async fn selling_as(state: &AppState, me: &SignedIn, for_seller: Option<UserId>) -> Result<SellingAs, AppError> {
    let seller_actor = match for_seller {
        None => me.actor.clone(),
        Some(seller) if seller == me.user.id => me.actor.clone(),
        Some(seller) => accounts::actor(state.db(), seller).await?,
    };
    let verified = seller_actor
        .seller
        .as_ref()
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let selling = SellingAs {
        seller: seller_actor.user,
        district: verified.district.clone(),
        vendor: vendor_of(&seller_actor),
    };
    let allowed = authz::may(
        &me.actor,
        Action::ManageListingsOf {
            seller: selling.seller,
            sellers_vendor: selling.vendor,
        },
    );
    if allowed {
        Ok(selling)
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

/// A listing `me` may keep, with its seller's context; otherwise not found.
async fn my_listing(state: &AppState, me: &SignedIn, raw_id: &str) -> Result<(Listing, SellingAs), AppError> {
    let id: ListingId = raw_id.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    let listing = catalogue::get(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    if listing.record.status() == rules::ListingStatus::Deleted {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let selling = selling_as(state, me, Some(listing.record.seller())).await?;
    Ok((listing, selling))
}

pub struct ListingRow {
    pub href: String,
    pub title: String,
    pub status: String,
    pub price: String,
    pub stock: i64,
}

pub struct SellerChoice {
    pub id: i64,
    pub name: String,
    pub rows: Vec<ListingRow>,
}

#[derive(Template)]
#[template(path = "listings/index.html")]
struct MyListingsPage {
    tr: Tr,
    chrome: Chrome,
    sellers: Vec<SellerChoice>,
}

fn rows(tr: &Tr, listings: &[Listing]) -> Vec<ListingRow> {
    listings
        .iter()
        .map(|l| ListingRow {
            href: format!("/sell/listings/{}", l.record.id),
            title: title_in(tr, l.record.title_en.as_deref(), l.record.title_hi.as_deref()).to_owned(),
            status: tr.t(&format!("listing-status-{}", l.record.status().code())),
            price: l
                .variants
                .iter()
                .map(|v| v.price_paise)
                .min()
                .map(|p| Money(p).to_string())
                .unwrap_or_default(),
            stock: l.variants.iter().map(|v| v.stock).sum(),
        })
        .collect()
}

async fn my_listings(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?;
    let selling = selling_as(&state, me, None).await?;
    let tr = &page.tr;
    let mut sellers = vec![SellerChoice {
        id: selling.seller.0,
        name: me.label(),
        rows: rows(tr, &catalogue::of_seller(state.db(), selling.seller).await?),
    }];
    if me.actor.is_vendor() {
        for link in odop_store::vendors::of_vendor(state.db(), me.user.id).await? {
            if let (Some(artisan), "active") = (link.artisan_user_id, link.status.as_str()) {
                sellers.push(SellerChoice {
                    id: artisan,
                    name: link.artisan_name.clone().unwrap_or_default(),
                    rows: rows(tr, &catalogue::of_seller(state.db(), UserId(artisan)).await?),
                });
            }
        }
    }
    render(&MyListingsPage {
        chrome: page.chrome(),
        tr: tr.clone(),
        sellers,
    })
}

pub struct VariantFields {
    pub index: usize,
    pub input: VariantInput,
}

#[derive(Template)]
#[template(path = "listings/form.html")]
struct ListingForm {
    tr: Tr,
    chrome: Chrome,
    action: String,
    heading: String,
    for_seller: Option<i64>,
    input: ListingInput,
    variants: Vec<VariantFields>,
    crafts: Vec<(String, String)>,
    errors: Errors,
    /// For an existing listing: its status, photos and the status changes open to it.
    existing: Option<ExistingListing>,
}

pub struct PhotoRow {
    pub id: i64,
    pub photo: PhotoView,
}

pub struct ExistingListing {
    pub id: i64,
    pub status: String,
    pub view_href: String,
    pub photos: Vec<PhotoRow>,
    pub photos_left: usize,
    pub can_publish: bool,
    pub can_pause: bool,
}

fn variant_fields(input: &ListingInput) -> Vec<VariantFields> {
    let rows = (input.variants.len() + 2).clamp(3, MAX_VARIANTS);
    (0..rows)
        .map(|index| VariantFields {
            index,
            input: input.variants.get(index).cloned().unwrap_or_default(),
        })
        .collect()
}

/// The listing form's fields, from the submitted pairs.
fn input_from(pairs: &[(String, String)]) -> ListingInput {
    let mut input = ListingInput::default();
    let mut variants = vec![VariantInput::default(); MAX_VARIANTS];
    for (name, value) in pairs {
        let value = value.clone();
        match name.as_str() {
            "title_en" => input.title_en = value,
            "title_hi" => input.title_hi = value,
            "description_en" => input.description_en = value,
            "description_hi" => input.description_hi = value,
            "craft" => input.craft = value,
            "hsn" => input.hsn = value,
            "weight_grams" => input.weight_grams = value,
            "length_cm" => input.length_cm = value,
            "width_cm" => input.width_cm = value,
            "height_cm" => input.height_cm = value,
            "returnable" => input.returnable = value == "yes",
            "return_days" => input.return_days = value,
            "origin" => input.origin = value,
            "gi_tagged" => input.gi_tagged = value == "yes",
            other => {
                let mut parts = other.splitn(3, '-');
                if let (Some("variant"), Some(index), Some(field)) = (parts.next(), parts.next(), parts.next())
                    && let Ok(index) = index.parse::<usize>()
                    && index < MAX_VARIANTS
                {
                    let row = &mut variants[index];
                    match field {
                        "label" => row.label = value,
                        "sku" => row.sku = value,
                        "price" => row.price = value,
                        "mrp" => row.mrp = value,
                        "stock" => row.stock = value,
                        _ => {}
                    }
                }
            }
        }
    }
    while variants.last().is_some_and(VariantInput::is_blank) {
        variants.pop();
    }
    input.variants = variants;
    input
}

/// The form of a stored listing, to edit it.
fn input_of(listing: &Listing) -> ListingInput {
    let r = &listing.record;
    let cm = |mm: Option<i64>| mm.map(|mm| (mm / 10).to_string()).unwrap_or_default();
    ListingInput {
        title_en: r.title_en.clone().unwrap_or_default(),
        title_hi: r.title_hi.clone().unwrap_or_default(),
        description_en: r.description_en.clone().unwrap_or_default(),
        description_hi: r.description_hi.clone().unwrap_or_default(),
        craft: r.craft.clone(),
        hsn: r.hsn.clone(),
        weight_grams: r.weight_grams.to_string(),
        length_cm: cm(r.length_mm),
        width_cm: cm(r.width_mm),
        height_cm: cm(r.height_mm),
        returnable: r.return_days.is_some(),
        return_days: r.return_days.map(|d| d.to_string()).unwrap_or_default(),
        origin: r.origin.clone(),
        gi_tagged: r.gi_tagged,
        variants: listing
            .variants
            .iter()
            .map(|v| VariantInput {
                label: v.label.clone(),
                sku: v.sku.clone(),
                price: Money(v.price_paise).to_input(),
                mrp: Money(v.mrp_paise).to_input(),
                stock: v.stock.to_string(),
            })
            .collect(),
    }
}

fn existing(tr: &Tr, listing: &Listing) -> ExistingListing {
    let status = listing.record.status();
    ExistingListing {
        id: listing.record.id,
        status: tr.t(&format!("listing-status-{}", status.code())),
        view_href: format!("/p/{}/{}", listing.record.id, listing.record.slug),
        photos: listing
            .photos
            .iter()
            .filter_map(|p| PhotoView::new(&p.storage_key, &p.widths(), 240).map(|photo| PhotoRow { id: p.id, photo }))
            .collect(),
        photos_left: MAX_PHOTOS.saturating_sub(listing.photos.len()),
        can_publish: status.after(StatusChange::Publish).is_some(),
        can_pause: status.after(StatusChange::Pause).is_some(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    page: &Page,
    state: &AppState,
    heading: &str,
    action: String,
    for_seller: Option<i64>,
    input: ListingInput,
    listing: Option<&Listing>,
    district: &str,
    errors: Errors,
) -> Result<Html<String>, AppError> {
    let tr = &page.tr;
    let registry = state.registry().await?;
    render(&ListingForm {
        chrome: page.chrome(),
        action,
        heading: tr.t(heading),
        for_seller,
        variants: variant_fields(&input),
        input,
        crafts: district_crafts(tr, &registry, district),
        errors,
        existing: listing.map(|l| existing(tr, l)),
        tr: tr.clone(),
    })
}

#[derive(serde::Deserialize, Default)]
struct ForQuery {
    #[serde(rename = "for")]
    for_seller: Option<i64>,
}

async fn new_form(
    page: Page,
    State(state): State<AppState>,
    Query(query): Query<ForQuery>,
) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?;
    let selling = selling_as(&state, me, query.for_seller.map(UserId)).await?;
    let registry = state.registry().await?;
    // Suggest the seller's own ODOP product.
    let craft = odop_store::onboarding::latest_for(state.db(), selling.seller)
        .await?
        .map(|a| a.craft)
        .or_else(|| {
            registry
                .district(&selling.district)
                .map(|d| d.products[0].slug.to_string())
        })
        .unwrap_or_default();
    let input = ListingInput {
        craft,
        returnable: true,
        return_days: "7".into(),
        origin: "India".into(),
        ..ListingInput::default()
    };
    let for_seller = (selling.seller != me.user.id).then_some(selling.seller.0);
    form_page(
        &page,
        &state,
        "listing-new-title",
        "/sell/listings".into(),
        for_seller,
        input,
        None,
        selling.district.as_str(),
        Errors::default(),
    )
    .await
}

async fn validate(
    state: &AppState,
    tr: &Tr,
    selling: &SellingAs,
    input: &ListingInput,
) -> Result<Result<rules::ListingDraft, Errors>, AppError> {
    let registry = state.registry().await?;
    let gst = odop_store::gst::table(state.db()).await?;
    let context = ListingContext {
        registry: &registry,
        seller_district: &selling.district,
        gst: &gst,
        today: Utc::now().date_naive(),
    };
    Ok(rules::validate(input, &context).map_err(|problems| Errors::from_fields(tr, &problems)))
}

async fn create(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    let for_seller = pairs
        .iter()
        .find(|(k, _)| k == "for")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .map(UserId);
    let selling = selling_as(&state, &me, for_seller).await?;
    let input = input_from(&pairs);
    match validate(&state, &page.tr, &selling, &input).await? {
        Ok(draft) => {
            let id = catalogue::create(
                state.db(),
                selling.seller,
                &selling.district,
                &draft,
                me.user.id,
                Utc::now(),
            )
            .await?;
            Ok(Redirect::to(&format!("/sell/listings/{id}")).into_response())
        }
        Err(errors) => {
            let for_seller = (selling.seller != me.user.id).then_some(selling.seller.0);
            Ok(invalid(
                form_page(
                    &page,
                    &state,
                    "listing-new-title",
                    "/sell/listings".into(),
                    for_seller,
                    input,
                    None,
                    selling.district.as_str(),
                    errors,
                )
                .await?,
            ))
        }
    }
}

async fn edit_form(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?.clone();
    let (listing, _) = my_listing(&state, &me, &id).await?;
    let action = format!("/sell/listings/{}", listing.record.id);
    form_page(
        &page,
        &state,
        "listing-edit-title",
        action,
        None,
        input_of(&listing),
        Some(&listing),
        &listing.record.district,
        Errors::default(),
    )
    .await
}

async fn update(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    let (listing, selling) = my_listing(&state, &me, &id).await?;
    let input = input_from(&pairs);
    match validate(&state, &page.tr, &selling, &input).await? {
        Ok(draft) => match catalogue::update(state.db(), listing.record.id(), &draft, me.user.id, Utc::now()).await {
            Ok(()) => Ok(super::redirect_with_notice(
                &format!("/sell/listings/{}", listing.record.id),
                "listing-saved",
                state.config().secure_cookies,
            )),
            Err(ListingError::NotFound) => Err(AppError::NotFound(NotFound::Object)),
            Err(e) => Err(AppError::Internal(e.to_string())),
        },
        Err(errors) => {
            let action = format!("/sell/listings/{}", listing.record.id);
            Ok(invalid(
                form_page(
                    &page,
                    &state,
                    "listing-edit-title",
                    action,
                    None,
                    input,
                    Some(&listing),
                    &listing.record.district,
                    errors,
                )
                .await?,
            ))
        }
    }
}

#[derive(serde::Deserialize)]
struct StatusForm {
    #[serde(default)]
    action: String,
}

async fn change_status(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    let (listing, selling) = my_listing(&state, &me, &id).await?;
    let change = StatusChange::parse(&form.action)
        .ok_or_else(|| AppError::bad_request(BadRequest::InvalidForm, "action must be publish, pause or delete"))?;
    if change == StatusChange::Publish {
        // Only a seller verified now may put listings on sale.
        let seller = accounts::actor(state.db(), selling.seller).await?;
        if !authz::may(&seller, Action::PublishListings) {
            return Err(AppError::NotFound(NotFound::Object));
        }
    }
    match catalogue::change_status(state.db(), listing.record.id(), change, me.user.id, Utc::now()).await {
        Ok(rules::ListingStatus::Deleted) => Ok(super::redirect_with_notice(
            "/sell/listings",
            "listing-deleted",
            state.config().secure_cookies,
        )),
        Ok(status) => Ok(super::redirect_with_notice(
            &format!("/sell/listings/{}", listing.record.id),
            if status.is_public() {
                "listing-published"
            } else {
                "listing-paused"
            },
            state.config().secure_cookies,
        )),
        Err(ListingError::Transition(_)) => {
            Ok(Redirect::to(&format!("/sell/listings/{}", listing.record.id)).into_response())
        }
        Err(ListingError::NotFound) => Err(AppError::NotFound(NotFound::Object)),
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}

/// Stores a photo's renditions and records it, returning the problem to
/// show when the upload is refused.
pub(crate) async fn store_photo(
    state: &AppState,
    listing: ListingId,
    bytes: bytes::Bytes,
) -> Result<Result<PhotoId, &'static str>, AppError> {
    let processed = blocking(move || odop_media::process(&bytes)).await?;
    let photo = match processed {
        Ok(photo) => photo,
        Err(problem) => return Ok(Err(problem.message_id())),
    };
    let key = format!("photos/{}/{}", listing, crypto::new_token());
    for rendition in &photo.renditions {
        state
            .files()
            .put(
                &format!("{key}-{}.webp", rendition.width),
                rendition.webp.clone().into(),
            )
            .await?;
    }
    let widths: Vec<u32> = photo.renditions.iter().map(|r| r.width).collect();
    match catalogue::add_photo(
        state.db(),
        listing,
        &key,
        &widths,
        (photo.width, photo.height),
        MAX_PHOTOS,
        Utc::now(),
    )
    .await
    {
        Ok(id) => Ok(Ok(id)),
        Err(ListingError::TooManyPhotos(_)) => {
            for width in &widths {
                state.files().delete(&format!("{key}-{width}.webp")).await?;
            }
            Ok(Err("photo-too-many"))
        }
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}

async fn add_photo(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let bad = |e: &dyn std::fmt::Display| AppError::bad_request(BadRequest::InvalidForm, e);
    let mut token = String::new();
    let mut upload = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| bad(&e))? {
        match field.name() {
            Some(csrf::CSRF_FIELD) => token = field.text().await.map_err(|e| bad(&e))?,
            Some("photo") => upload = Some(field.bytes().await.map_err(|e| bad(&e))?),
            _ => {}
        }
    }
    csrf::verify(&headers, &token)?;
    let me = page.signed_in()?.clone();
    let (listing, _) = my_listing(&state, &me, &id).await?;
    let problem = match upload {
        None => Some("photo-empty"),
        Some(bytes) => store_photo(&state, listing.record.id(), bytes).await?.err(),
    };
    match problem {
        None => Ok(super::redirect_with_notice(
            &format!("/sell/listings/{}", listing.record.id),
            "photo-added",
            state.config().secure_cookies,
        )),
        Some(message_id) => {
            let mut errors = Errors::default();
            errors.add("photo", page.tr.t(message_id));
            let action = format!("/sell/listings/{}", listing.record.id);
            Ok(invalid(
                form_page(
                    &page,
                    &state,
                    "listing-edit-title",
                    action,
                    None,
                    input_of(&listing),
                    Some(&listing),
                    &listing.record.district,
                    errors,
                )
                .await?,
            ))
        }
    }
}

async fn remove_photo(
    page: Page,
    State(state): State<AppState>,
    Path((id, photo)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<super::Nothing>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    let (listing, _) = my_listing(&state, &me, &id).await?;
    let photo: PhotoId = photo.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    if !delete_photo(&state, listing.record.id(), photo).await? {
        return Err(AppError::NotFound(NotFound::Object));
    }
    Ok(Redirect::to(&format!("/sell/listings/{}", listing.record.id)).into_response())
}

/// Takes a photo off a listing, and its files out of storage unless another
/// listing shows them; `false` when the listing has no such photo.
pub(crate) async fn delete_photo(state: &AppState, listing: ListingId, photo: PhotoId) -> Result<bool, AppError> {
    let Some(removed) = catalogue::remove_photo(state.db(), listing, photo, Utc::now()).await? else {
        return Ok(false);
    };
    if !removed.still_used {
        for width in removed.record.widths() {
            state
                .files()
                .delete(&format!("{}-{width}.webp", removed.record.storage_key))
                .await?;
        }
    }
    Ok(true)
}
