//! Listings, their variants and photos. Every write appends to the change
//! log in the same transaction, which is how every node's search index
//! learns of it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use odop_domain::catalogue::{ListingDraft, ListingStatus, StatusChange};
use odop_domain::{ListingId, PhotoId, Slug, UserId};

use crate::StoreError;
use crate::db::{Backend, Db, Tx, dispatch, on_tx};
use crate::time::Timestamp;

/// Appends "entity changed" to the change log, inside the caller's transaction.
pub async fn record_change(tx: &mut Tx, entity: &str, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    on_tx!(tx, t => {
        sqlx::query("INSERT INTO changes (entity, entity_id, at) VALUES ($1, $2, $3)")
            .bind(entity)
            .bind(id)
            .bind(Timestamp(now))
            .execute(&mut **t)
            .await?;
    });
    Ok(())
}

/// Logs a change of every listing of `seller` that is not deleted, inside
/// the caller's transaction: the seller's standing changed (a tie to a
/// vendor began or ended, an account was erased), so every page and every
/// node's index must look at those listings again.
pub async fn record_seller_change(tx: &mut Tx, seller: UserId, now: DateTime<Utc>) -> Result<(), StoreError> {
    on_tx!(tx, t => {
        sqlx::query(
            "INSERT INTO changes (entity, entity_id, at) \
             SELECT 'listing', id, $2 FROM listings WHERE seller_user_id = $1 AND status <> 'deleted' ORDER BY id",
        )
        .bind(seller.0)
        .bind(Timestamp(now))
        .execute(&mut **t)
        .await?;
    });
    Ok(())
}

/// One entry of the change log.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Change {
    pub id: i64,
    pub entity: String,
    pub entity_id: i64,
    pub at: Timestamp,
}

/// Changes after `after`, oldest first.
pub async fn changes_since(db: &Db, after: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
    let changes = dispatch!(db, pool => {
        sqlx::query_as("SELECT id, entity, entity_id, at FROM changes WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?
    });
    Ok(changes)
}

/// The newest change's id (0 when there is none): where a freshly built
/// index starts following.
pub async fn latest_change(db: &Db) -> Result<i64, StoreError> {
    let id: Option<i64> = dispatch!(db, pool => {
        sqlx::query_scalar("SELECT MAX(id) FROM changes").fetch_one(pool).await?
    });
    Ok(id.unwrap_or(0))
}

#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    #[error("no such listing")]
    NotFound,
    #[error("this change does not apply to a listing that is {0}")]
    Transition(&'static str),
    #[error("a listing has at most {0} photos")]
    TooManyPhotos(usize),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ListingError {
    fn from(error: sqlx::Error) -> Self {
        ListingError::Store(error.into())
    }
}

async fn district_id(tx: &mut Tx, slug: &Slug) -> Result<i64, StoreError> {
    let id: Option<i64> = on_tx!(tx, t => {
        sqlx::query_scalar("SELECT id FROM districts WHERE slug = $1").bind(slug.as_str()).fetch_optional(&mut **t).await?
    });
    id.ok_or_else(|| StoreError::Corrupt(format!("district {slug} vanished")))
}

/// Writes the variants of a listing: rows are kept per SKU (their ids are
/// what orders will point at), changed in place, added, or removed.
async fn write_variants(tx: &mut Tx, listing: i64, draft: &ListingDraft) -> Result<(), StoreError> {
    on_tx!(tx, t => {
        let existing: Vec<(i64, String)> = sqlx::query_as("SELECT id, sku FROM listing_variants WHERE listing_id = $1")
            .bind(listing)
            .fetch_all(&mut **t)
            .await?;
        for (id, sku) in &existing {
            if !draft.variants.iter().any(|v| v.sku.as_str() == sku) {
                sqlx::query("DELETE FROM listing_variants WHERE id = $1").bind(id).execute(&mut **t).await?;
            }
        }
        for (position, variant) in draft.variants.iter().enumerate() {
            let current = existing.iter().find(|(_, sku)| sku == variant.sku.as_str());
            match current {
                Some((id, _)) => {
                    sqlx::query(
                        "UPDATE listing_variants SET position = $2, label = $3, price_paise = $4, mrp_paise = $5, stock = $6 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(position as i64)
                    .bind(&variant.label)
                    .bind(variant.price.0)
                    .bind(variant.mrp.0)
                    .bind(i64::from(variant.stock))
                    .execute(&mut **t)
                    .await?;
                }
                None => {
                    sqlx::query(
                        "INSERT INTO listing_variants (listing_id, position, label, sku, price_paise, mrp_paise, stock) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(listing)
                    .bind(position as i64)
                    .bind(&variant.label)
                    .bind(variant.sku.as_str())
                    .bind(variant.price.0)
                    .bind(variant.mrp.0)
                    .bind(i64::from(variant.stock))
                    .execute(&mut **t)
                    .await?;
                }
            }
        }
    });
    Ok(())
}

/// Creates a listing, as a draft, for `seller` of `district`.
pub async fn create(
    db: &Db,
    seller: UserId,
    district: &Slug,
    draft: &ListingDraft,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<ListingId, StoreError> {
    let mut tx = db.begin().await?;
    let district = district_id(&mut tx, district).await?;
    let (length, width, height) = match &draft.dimensions {
        Some(d) => (
            Some(i64::from(d.length_mm)),
            Some(i64::from(d.width_mm)),
            Some(i64::from(d.height_mm)),
        ),
        None => (None, None, None),
    };
    let id: i64 = on_tx!(&mut tx, t => {
        sqlx::query_scalar(
            "INSERT INTO listings (seller_user_id, district_id, craft, slug, title_en, title_hi, description_en, \
             description_hi, hsn, gst_rate_bp, weight_grams, length_mm, width_mm, height_mm, return_days, origin, \
             gi_tagged, status, updated_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'draft', $18, $19, $19) \
             RETURNING id",
        )
        .bind(seller.0)
        .bind(district)
        .bind(draft.craft.as_str())
        .bind(draft.slug())
        .bind(&draft.title_en)
        .bind(&draft.title_hi)
        .bind(&draft.description_en)
        .bind(&draft.description_hi)
        .bind(draft.hsn.as_str())
        .bind(i64::from(draft.gst_rate.0))
        .bind(i64::from(draft.weight_grams))
        .bind(length)
        .bind(width)
        .bind(height)
        .bind(draft.return_days.map(i64::from))
        .bind(&draft.origin)
        .bind(draft.gi_tagged)
        .bind(by.0)
        .bind(Timestamp(now))
        .fetch_one(&mut **t)
        .await?
    });
    write_variants(&mut tx, id, draft).await?;
    record_change(&mut tx, "listing", id, now).await?;
    tx.commit().await?;
    Ok(ListingId(id))
}

/// Replaces a listing's details and variants (its status stays).
pub async fn update(
    db: &Db,
    id: ListingId,
    draft: &ListingDraft,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), ListingError> {
    let mut tx = db.begin().await?;
    let (length, width, height) = match &draft.dimensions {
        Some(d) => (
            Some(i64::from(d.length_mm)),
            Some(i64::from(d.width_mm)),
            Some(i64::from(d.height_mm)),
        ),
        None => (None, None, None),
    };
    let updated = on_tx!(&mut tx, t => {
        sqlx::query(
            "UPDATE listings SET craft = $2, slug = $3, title_en = $4, title_hi = $5, description_en = $6, \
             description_hi = $7, hsn = $8, gst_rate_bp = $9, weight_grams = $10, length_mm = $11, width_mm = $12, \
             height_mm = $13, return_days = $14, origin = $15, gi_tagged = $16, updated_by = $17, updated_at = $18 \
             WHERE id = $1 AND status <> 'deleted'",
        )
        .bind(id.0)
        .bind(draft.craft.as_str())
        .bind(draft.slug())
        .bind(&draft.title_en)
        .bind(&draft.title_hi)
        .bind(&draft.description_en)
        .bind(&draft.description_hi)
        .bind(draft.hsn.as_str())
        .bind(i64::from(draft.gst_rate.0))
        .bind(i64::from(draft.weight_grams))
        .bind(length)
        .bind(width)
        .bind(height)
        .bind(draft.return_days.map(i64::from))
        .bind(&draft.origin)
        .bind(draft.gi_tagged)
        .bind(by.0)
        .bind(Timestamp(now))
        .execute(&mut **t)
        .await?
        .rows_affected()
    });
    if updated != 1 {
        return Err(ListingError::NotFound);
    }
    write_variants(&mut tx, id.0, draft).await?;
    record_change(&mut tx, "listing", id.0, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Publishes, pauses or deletes a listing, as the life cycle allows.
pub async fn change_status(
    db: &Db,
    id: ListingId,
    change: StatusChange,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<ListingStatus, ListingError> {
    let mut tx = db.begin().await?;
    let current: Option<String> = on_tx!(&mut tx, t => {
        sqlx::query_scalar("SELECT status FROM listings WHERE id = $1").bind(id.0).fetch_optional(&mut **t).await?
    });
    let current = current
        .as_deref()
        .and_then(ListingStatus::parse)
        .ok_or(ListingError::NotFound)?;
    let next = current.after(change).ok_or(ListingError::Transition(current.code()))?;
    let updated = on_tx!(&mut tx, t => {
        sqlx::query(
            "UPDATE listings SET status = $2, updated_by = $3, updated_at = $4, \
             published_at = CASE WHEN $2 = 'active' AND published_at IS NULL THEN $4 ELSE published_at END \
             WHERE id = $1 AND status = $5",
        )
        .bind(id.0)
        .bind(next.code())
        .bind(by.0)
        .bind(Timestamp(now))
        .bind(current.code())
        .execute(&mut **t)
        .await?
        .rows_affected()
    });
    // Someone else changed the status between the read and the write: the
    // transition was decided on a state that is gone.
    if updated != 1 {
        return Err(ListingError::Transition(current.code()));
    }
    record_change(&mut tx, "listing", id.0, now).await?;
    let action = format!("listing.{}", next.code());
    let audited = crate::audit::Change {
        action: &action,
        object_kind: "listing",
        object_id: id.0.to_string(),
        before: Some(current.code()),
        after: Some(next.code()),
        note: None,
    };
    crate::audit::append(&mut tx, crate::audit::AuditActor::seller(by), audited, now).await?;
    tx.commit().await?;
    Ok(next)
}

/// A listing as stored, with its seller's public particulars.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ListingRecord {
    pub id: i64,
    pub seller_user_id: i64,
    pub district: String,
    pub division: String,
    pub craft: String,
    pub slug: String,
    pub title_en: Option<String>,
    pub title_hi: Option<String>,
    pub description_en: Option<String>,
    pub description_hi: Option<String>,
    pub hsn: String,
    pub gst_rate_bp: i64,
    pub weight_grams: i64,
    pub length_mm: Option<i64>,
    pub width_mm: Option<i64>,
    pub height_mm: Option<i64>,
    pub return_days: Option<i64>,
    pub origin: String,
    pub gi_tagged: bool,
    pub status: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub published_at: Option<Timestamp>,
    pub seller_name: Option<String>,
    pub seller_kind: Option<String>,
    pub seller_gstin: Option<String>,
    /// An enrolled supplier's enrolment number.
    pub seller_enrolment: Option<String>,
    pub seller_vendor_user_id: Option<i64>,
    pub seller_vendor_name: Option<String>,
    pub seller_vendor_gstin: Option<String>,
    pub seller_city: Option<String>,
    pub seller_pin: Option<String>,
}

impl ListingRecord {
    pub fn id(&self) -> ListingId {
        ListingId(self.id)
    }

    pub fn seller(&self) -> UserId {
        UserId(self.seller_user_id)
    }

    pub fn status(&self) -> ListingStatus {
        ListingStatus::parse(&self.status).unwrap_or(ListingStatus::Deleted)
    }

    pub fn title(&self) -> &str {
        self.title_en
            .as_deref()
            .or(self.title_hi.as_deref())
            .unwrap_or_default()
    }
}

/// The seller's particulars come from their newest approved application,
/// and for a sub-vendor from its vendor's. A seller who no longer stands
/// (a sub-vendor whose tie to its vendor ended, an erased account) has no
/// particulars, which is what keeps their listings off every public page:
/// the condition is the one `accounts::actor` applies.
const SELECT_LISTING_COLUMNS: &str = "SELECT l.id, l.seller_user_id, d.slug AS district, v.slug AS division, l.craft, l.slug, \
     l.title_en, l.title_hi, l.description_en, l.description_hi, l.hsn, l.gst_rate_bp, l.weight_grams, l.length_mm, \
     l.width_mm, l.height_mm, l.return_days, l.origin, l.gi_tagged, l.status, l.created_at, l.updated_at, \
     l.published_at, a.display_name AS seller_name, a.seller_kind, a.gstin AS seller_gstin, a.enrolment_number AS seller_enrolment, \
     a.vendor_user_id AS seller_vendor_user_id, va.display_name AS seller_vendor_name, \
     va.gstin AS seller_vendor_gstin, a.city AS seller_city, a.pin AS seller_pin";

const LISTING_SOURCE: &str = "FROM listings l JOIN districts d ON d.id = l.district_id JOIN divisions v ON v.id = d.division_id \
     LEFT JOIN seller_applications a ON a.id = ( \
         SELECT MAX(x.id) FROM seller_applications x WHERE x.user_id = l.seller_user_id AND x.status = 'approved' \
         AND (x.seller_kind IN ('vendor', 'enrolled') OR EXISTS (SELECT 1 FROM sub_vendor_links t WHERE t.artisan_user_id = x.user_id \
             AND t.vendor_user_id = x.vendor_user_id AND t.status = 'active'))) \
     LEFT JOIN seller_applications va ON va.id = ( \
         SELECT MAX(y.id) FROM seller_applications y WHERE y.user_id = a.vendor_user_id AND y.status = 'approved')";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VariantRecord {
    pub id: i64,
    pub listing_id: i64,
    pub label: String,
    pub sku: String,
    pub price_paise: i64,
    pub mrp_paise: i64,
    pub stock: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PhotoRecord {
    pub id: i64,
    pub listing_id: i64,
    pub storage_key: String,
    pub widths: String,
    pub width: i64,
    pub height: i64,
}

impl PhotoRecord {
    pub fn widths(&self) -> Vec<u32> {
        self.widths.split(',').filter_map(|w| w.parse().ok()).collect()
    }
}

/// A listing with everything its page shows.
#[derive(Clone, Debug)]
pub struct Listing {
    pub record: ListingRecord,
    pub variants: Vec<VariantRecord>,
    pub photos: Vec<PhotoRecord>,
}

const LISTINGS_PER_QUERY: usize = 1000;

/// Listings by id, with variants and photos, in the order of `ids`.
pub async fn listings(db: &Db, ids: &[i64]) -> Result<Vec<Listing>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Bound the parameters of one statement (SQLite allows 32,766).
    if ids.len() > LISTINGS_PER_QUERY {
        let mut all = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(LISTINGS_PER_QUERY) {
            all.extend(Box::pin(listings(db, chunk)).await?);
        }
        return Ok(all);
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let list = placeholders.join(", ");
    // One statement brings each listing with its variants and photos (as
    // JSON arrays): on PostgreSQL every statement is a round trip, and the
    // product page made three.
    let children = match db.backend() {
        Backend::Sqlite => CHILDREN_SQLITE,
        Backend::Postgres => CHILDREN_POSTGRES,
    };
    let sql = format!("{SELECT_LISTING_COLUMNS}, {children} {LISTING_SOURCE} WHERE l.id IN ({list})");
    let rows: Vec<ListingRow> = dispatch!(db, pool => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(pool).await?
    });
    let position: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut listings = rows
        .into_iter()
        .map(ListingRow::into_listing)
        .collect::<Result<Vec<_>, _>>()?;
    listings.sort_by_key(|l| position.get(&l.record.id).copied().unwrap_or(usize::MAX));
    Ok(listings)
}

/// A listing's row with its variants and photos as JSON arrays of values,
/// in the order of the columns below.
#[derive(sqlx::FromRow)]
struct ListingRow {
    #[sqlx(flatten)]
    record: ListingRecord,
    variants_json: String,
    photos_json: String,
}

/// id, label, sku, price_paise, mrp_paise, stock
type VariantValues = (i64, String, String, i64, i64, i64);
/// id, storage_key, widths, width, height
type PhotoValues = (i64, String, String, i64, i64);

const CHILDREN_SQLITE: &str = "\
    (SELECT json_group_array(json_array(id, label, sku, price_paise, mrp_paise, stock) ORDER BY position, id) \
     FROM listing_variants WHERE listing_id = l.id) AS variants_json, \
    (SELECT json_group_array(json_array(id, storage_key, widths, width, height) ORDER BY position, id) \
     FROM listing_photos WHERE listing_id = l.id) AS photos_json";

const CHILDREN_POSTGRES: &str = "\
    (SELECT COALESCE(json_agg(json_build_array(id, label, sku, price_paise, mrp_paise, stock) ORDER BY position, id), '[]')::text \
     FROM listing_variants WHERE listing_id = l.id) AS variants_json, \
    (SELECT COALESCE(json_agg(json_build_array(id, storage_key, widths, width, height) ORDER BY position, id), '[]')::text \
     FROM listing_photos WHERE listing_id = l.id) AS photos_json";

impl ListingRow {
    fn into_listing(self) -> Result<Listing, StoreError> {
        let listing_id = self.record.id;
        let corrupt = |what: &str, e: serde_json::Error| {
            StoreError::Corrupt(format!("the {what} of listing {listing_id} do not decode: {e}"))
        };
        let variants: Vec<VariantValues> =
            serde_json::from_str(&self.variants_json).map_err(|e| corrupt("variants", e))?;
        let photos: Vec<PhotoValues> = serde_json::from_str(&self.photos_json).map_err(|e| corrupt("photos", e))?;
        Ok(Listing {
            variants: variants
                .into_iter()
                .map(|(id, label, sku, price_paise, mrp_paise, stock)| VariantRecord {
                    id,
                    listing_id,
                    label,
                    sku,
                    price_paise,
                    mrp_paise,
                    stock,
                })
                .collect(),
            photos: photos
                .into_iter()
                .map(|(id, storage_key, widths, width, height)| PhotoRecord {
                    id,
                    listing_id,
                    storage_key,
                    widths,
                    width,
                    height,
                })
                .collect(),
            record: self.record,
        })
    }
}

pub async fn get(db: &Db, id: ListingId) -> Result<Option<Listing>, StoreError> {
    Ok(listings(db, &[id.0]).await?.into_iter().next())
}

/// A seller's listings, newest first, deleted ones left out.
pub async fn of_seller(db: &Db, seller: UserId) -> Result<Vec<Listing>, StoreError> {
    let ids: Vec<i64> = dispatch!(db, pool => {
        sqlx::query_scalar("SELECT id FROM listings WHERE seller_user_id = $1 AND status <> 'deleted' ORDER BY id DESC")
            .bind(seller.0)
            .fetch_all(pool)
            .await?
    });
    listings(db, &ids).await
}

/// Ids of public listings after `after`, ascending: a reindex walks them.
pub async fn public_ids_after(db: &Db, after: i64, limit: i64) -> Result<Vec<i64>, StoreError> {
    let ids = dispatch!(db, pool => {
        sqlx::query_scalar("SELECT id FROM listings WHERE id > $1 AND status = 'active' ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?
    });
    Ok(ids)
}

pub async fn count_public(db: &Db) -> Result<i64, StoreError> {
    let count = dispatch!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM listings WHERE status = 'active'").fetch_one(pool).await?
    });
    Ok(count)
}

/// Adds a photo already stored under `storage_key` to the end of a listing.
pub async fn add_photo(
    db: &Db,
    listing: ListingId,
    storage_key: &str,
    widths: &[u32],
    size: (u32, u32),
    max: usize,
    now: DateTime<Utc>,
) -> Result<PhotoId, ListingError> {
    let mut tx = db.begin().await?;
    let count: i64 = on_tx!(&mut tx, t => {
        sqlx::query_scalar("SELECT COUNT(*) FROM listing_photos WHERE listing_id = $1").bind(listing.0).fetch_one(&mut **t).await?
    });
    if count >= max as i64 {
        return Err(ListingError::TooManyPhotos(max));
    }
    let widths: Vec<String> = widths.iter().map(u32::to_string).collect();
    let id: i64 = on_tx!(&mut tx, t => {
        sqlx::query_scalar(
            "INSERT INTO listing_photos (listing_id, position, storage_key, widths, width, height, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(listing.0)
        .bind(count)
        .bind(storage_key)
        .bind(widths.join(","))
        .bind(i64::from(size.0))
        .bind(i64::from(size.1))
        .bind(Timestamp(now))
        .fetch_one(&mut **t)
        .await?
    });
    record_change(&mut tx, "listing", listing.0, now).await?;
    tx.commit().await?;
    Ok(PhotoId(id))
}

/// A photo taken off a listing.
#[derive(Clone, Debug)]
pub struct RemovedPhoto {
    pub record: PhotoRecord,
    /// Another listing still shows the same files: keep them.
    pub still_used: bool,
}

/// Removes a photo of a listing, returning its storage key and widths, and
/// whether another listing still uses its files.
pub async fn remove_photo(
    db: &Db,
    listing: ListingId,
    photo: PhotoId,
    now: DateTime<Utc>,
) -> Result<Option<RemovedPhoto>, StoreError> {
    let mut tx = db.begin().await?;
    let record: Option<PhotoRecord> = on_tx!(&mut tx, t => {
        let record = sqlx::query_as(
            "SELECT id, listing_id, storage_key, widths, width, height FROM listing_photos WHERE id = $1 AND listing_id = $2",
        )
        .bind(photo.0)
        .bind(listing.0)
        .fetch_optional(&mut **t)
        .await?;
        sqlx::query("DELETE FROM listing_photos WHERE id = $1 AND listing_id = $2")
            .bind(photo.0)
            .bind(listing.0)
            .execute(&mut **t)
            .await?;
        record
    });
    let Some(record) = record else {
        tx.commit().await?;
        return Ok(None);
    };
    record_change(&mut tx, "listing", listing.0, now).await?;
    let users: i64 = on_tx!(&mut tx, t => {
        sqlx::query_scalar("SELECT COUNT(*) FROM listing_photos WHERE storage_key = $1")
            .bind(&record.storage_key)
            .fetch_one(&mut **t)
            .await?
    });
    tx.commit().await?;
    Ok(Some(RemovedPhoto {
        record,
        still_used: users > 0,
    }))
}

/// Puts a listing's photos in the order of `order`, which must name each
/// of its photos once; otherwise nothing changes and `false` comes back.
/// The first photo is the one search results and cards show.
pub async fn reorder_photos(
    db: &Db,
    listing: ListingId,
    order: &[PhotoId],
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let mut current: Vec<i64> = on_tx!(&mut tx, t => {
        sqlx::query_scalar("SELECT id FROM listing_photos WHERE listing_id = $1")
            .bind(listing.0)
            .fetch_all(&mut **t)
            .await?
    });
    let mut wanted: Vec<i64> = order.iter().map(|p| p.0).collect();
    current.sort_unstable();
    wanted.sort_unstable();
    if current != wanted {
        return Ok(false);
    }
    for (position, photo) in order.iter().enumerate() {
        on_tx!(&mut tx, t => {
            sqlx::query("UPDATE listing_photos SET position = $3 WHERE id = $1 AND listing_id = $2")
                .bind(photo.0)
                .bind(listing.0)
                .bind(position as i64)
                .execute(&mut **t)
                .await?;
        });
    }
    record_change(&mut tx, "listing", listing.0, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The name a seller trades under (from their newest approved application).
pub async fn seller_name(db: &Db, seller: UserId) -> Result<Option<String>, StoreError> {
    let name = dispatch!(db, pool => {
        sqlx::query_scalar(
            "SELECT display_name FROM seller_applications WHERE user_id = $1 AND status = 'approved' ORDER BY id DESC LIMIT 1",
        )
        .bind(seller.0)
        .fetch_optional(pool)
        .await?
    });
    Ok(name)
}
