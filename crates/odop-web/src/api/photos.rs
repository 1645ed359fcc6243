//! A listing's photos over the API: upload (multipart, as the seller's
//! form sends it), order, and delete. Each upload is checked, resized and
//! stored exactly as from the form.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use odop_domain::PhotoId;
use odop_store::catalogue::{self, Listing};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue::{check_csrf, keepable, listing_id};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, BadRequest, ErrorBody, NotFound};
use crate::extract::{Json as JsonBody, Path};
use crate::pages::catalogue::PhotoView;
use crate::pages::listings::{delete_photo, store_photo};

/// A photo of a listing.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PhotoDto {
    pub id: i64,
    /// From 0; the first photo is the one search results show.
    pub position: usize,
    /// A rendition about 480 pixels wide.
    pub src: String,
    /// Every rendition, for `srcset`.
    pub srcset: String,
    /// The original's size in pixels.
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PhotosResponse {
    pub photos: Vec<PhotoDto>,
}

/// The multipart form of an upload: one part, `photo`, and no other.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PhotoUpload {
    /// A JPEG, PNG or WebP image of up to 10 MB.
    #[schema(value_type = String, format = Binary)]
    photo: Vec<u8>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PhotoOrder {
    /// Every photo of the listing, by id, in the order to show them.
    pub photo_ids: Vec<i64>,
}

fn photos_of(listing: &Listing) -> PhotosResponse {
    PhotosResponse {
        photos: listing
            .photos
            .iter()
            .enumerate()
            .filter_map(|(position, p)| {
                let view = PhotoView::new(&p.storage_key, &p.widths(), 480)?;
                Some(PhotoDto {
                    id: p.id,
                    position,
                    src: view.src,
                    srcset: view.srcset,
                    width: u32::try_from(p.width).unwrap_or_default(),
                    height: u32::try_from(p.height).unwrap_or_default(),
                })
            })
            .collect(),
    }
}

async fn reread(state: &AppState, listing: &Listing) -> Result<PhotosResponse, AppError> {
    let listing = catalogue::get(state.db(), listing.record.id())
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    Ok(photos_of(&listing))
}

/// A listing's photos, in order (its seller, or a vendor for a sub-vendor).
#[utoipa::path(
    get,
    path = "/api/v1/listings/{id}/photos",
    tag = "catalogue",
    params(("id" = i64, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "The photos", body = PhotosResponse),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 404, description = "No such listing among the signed-in seller's", body = ErrorBody)
    )
)]
pub(super) async fn list_photos(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<PhotosResponse>, AppError> {
    let (listing, _) = keepable(&state, &me, listing_id(&id)?).await?;
    Ok(Json(photos_of(&listing)))
}

/// Adds a photo at the end: checked (a real JPEG, PNG or WebP of sensible
/// size), resized to WebP renditions and stored. A listing has at most 8.
#[utoipa::path(
    post,
    path = "/api/v1/listings/{id}/photos",
    tag = "catalogue",
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    params(("id" = i64, Path, description = "The listing's id"), ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 201, description = "Added; every photo of the listing", body = PhotosResponse),
        (status = 400, description = "Not a multipart form with a `photo` part", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such listing among the signed-in seller's", body = ErrorBody),
        (status = 413, description = "Larger than 10 MB", body = ErrorBody),
        (status = 422, description = "Not an image we take, too small or too large in pixels, or a ninth photo; `fields.photo` says which", body = ErrorBody)
    )
)]
pub(super) async fn add_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<PhotosResponse>), AppError> {
    check_csrf(&headers)?;
    let (listing, _) = keepable(&state, &me, listing_id(&id)?).await?;
    let bad = |e: &dyn std::fmt::Display| AppError::bad_request(BadRequest::InvalidForm, e);
    // Not a multipart form at all: the same JSON error as every other.
    let mut multipart = multipart.map_err(|e| bad(&e.body_text()))?;
    let mut upload = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| bad(&e))? {
        if field.name() == Some("photo") {
            upload = Some(field.bytes().await.map_err(|e| bad(&e))?);
        }
    }
    let bytes = upload.ok_or_else(|| bad(&"the form has no `photo` part"))?;
    match store_photo(&state, listing.record.id(), bytes).await? {
        Ok(_) => Ok((StatusCode::CREATED, Json(reread(&state, &listing).await?))),
        Err(message_id) => {
            let english = crate::i18n::Tr::new(odop_domain::Locale::En, state.catalog().clone());
            Err(AppError::Invalid {
                fields: vec![("photo".into(), english.t(message_id))],
            })
        }
    }
}

/// Puts the photos in a new order; the first is shown in search results.
#[utoipa::path(
    put,
    path = "/api/v1/listings/{id}/photos/order",
    tag = "catalogue",
    request_body = PhotoOrder,
    params(("id" = i64, Path, description = "The listing's id"), ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")),
    responses(
        (status = 200, description = "Reordered; every photo of the listing", body = PhotosResponse),
        (status = 400, description = "The body is not the JSON this operation takes", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such listing among the signed-in seller's", body = ErrorBody),
        (status = 422, description = "`photo_ids` does not name every photo of the listing exactly once", body = ErrorBody)
    )
)]
pub(super) async fn order_photos(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PhotoOrder>,
) -> Result<Json<PhotosResponse>, AppError> {
    check_csrf(&headers)?;
    let (listing, _) = keepable(&state, &me, listing_id(&id)?).await?;
    let order: Vec<PhotoId> = body.photo_ids.iter().map(|id| PhotoId(*id)).collect();
    if !catalogue::reorder_photos(state.db(), listing.record.id(), &order, chrono::Utc::now()).await? {
        return Err(AppError::Invalid {
            fields: vec![(
                "photo_ids".into(),
                "name every photo of the listing exactly once".into(),
            )],
        });
    }
    Ok(Json(reread(&state, &listing).await?))
}

/// Deletes a photo of a listing.
#[utoipa::path(
    delete,
    path = "/api/v1/listings/{id}/photos/{photo_id}",
    tag = "catalogue",
    params(
        ("id" = i64, Path, description = "The listing's id"),
        ("photo_id" = i64, Path, description = "The photo's id"),
        ("X-CSRF-Token" = String, Header, description = "The value of the odop_csrf cookie")
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such photo of a listing among the signed-in seller's", body = ErrorBody)
    )
)]
pub(super) async fn delete_listing_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path((id, photo_id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    check_csrf(&headers)?;
    let (listing, _) = keepable(&state, &me, listing_id(&id)?).await?;
    let photo = PhotoId(photo_id.parse().map_err(|_| AppError::NotFound(NotFound::Object))?);
    if delete_photo(&state, listing.record.id(), photo).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}
