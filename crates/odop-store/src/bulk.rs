//! Loading many sellers, listings, buyers and past orders at once, for
//! `odop gen` (demonstration and benchmark data). Rows go in with multi-row
//! inserts, a batch to a transaction; the rules still hold: listings are
//! validated drafts, sellers are approved applications, every listing
//! appends to the change log so that running nodes index it, and orders
//! carry the snapshot of what was bought, with the GST inside each price.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use odop_domain::catalogue::{ListingDraft, ListingStatus};
use odop_domain::orders::SubOrderStatus;
use odop_domain::{ListingId, UserId};

use crate::StoreError;
use crate::db::{Db, Tx, dispatch, on_tx};
use crate::time::Timestamp;

/// Readies the database for serving after a bulk load. On PostgreSQL,
/// `VACUUM (ANALYZE)`: the planner has statistics for the new rows at once
/// instead of whenever autovacuum comes round, and the rows' visibility is
/// recorded now, not by the first readers (who would otherwise write to
/// every page they touch), so the first minutes of serving do not share the
/// machine with autovacuum going through a million rows. SQLite needs
/// nothing: its planner chooses from the indexes, and its rows carry no
/// visibility to record.
pub async fn settle(db: &Db) -> Result<(), StoreError> {
    if let Db::Postgres(pool) = db {
        // The simple protocol: VACUUM runs outside any transaction.
        sqlx::raw_sql("VACUUM (ANALYZE)").execute(pool).await?;
    }
    Ok(())
}

/// A verified seller to create: an account with an approved application.
#[derive(Clone, Debug)]
pub struct NewSeller {
    /// E.164, unique among accounts.
    pub phone: String,
    pub display_name: String,
    pub legal_name: Option<String>,
    pub district_id: i64,
    pub craft: String,
    pub bio_en: String,
    pub bio_hi: String,
    pub address_line1: String,
    pub city: String,
    pub pin: String,
    pub account_number: String,
    pub ifsc: String,
    pub pan: String,
    pub kind: NewSellerKind,
    pub joined_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub enum NewSellerKind {
    Vendor {
        gstin: String,
    },
    /// An artisan selling under a vendor, with an active tie to it.
    SubVendor {
        vendor: UserId,
    },
    /// A supplier without GST, enrolled to sell within UP on its own.
    Enrolled {
        enrolment: String,
    },
}

/// A listing to create for an existing seller.
#[derive(Clone, Debug)]
pub struct NewListing {
    pub seller: UserId,
    pub district_id: i64,
    pub draft: ListingDraft,
    pub status: ListingStatus,
    pub created_at: DateTime<Utc>,
    /// A photo already stored (shared with other listings), if any.
    pub photo: Option<SharedPhoto>,
}

/// Files of a photo stored once for many listings: `{key}-{width}.webp`.
#[derive(Clone, Debug)]
pub struct SharedPhoto {
    pub key: String,
    /// The widths stored, ascending.
    pub widths: Vec<u32>,
    pub width: u32,
    pub height: u32,
}

/// The tables whose ids are handed out here before rows are inserted, so
/// that rows of other tables can refer to them within one statement.
#[derive(Clone, Copy)]
enum Table {
    Users,
    Listings,
    Orders,
    SubOrders,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Users => "users",
            Table::Listings => "listings",
            Table::Orders => "orders",
            Table::SubOrders => "sub_orders",
        }
    }
}

/// Reserves `n` fresh ids of `table` inside `tx`. PostgreSQL takes them
/// from the identity sequence (safe beside other writers); SQLite continues
/// after the largest id, which is safe because its write transaction
/// (BEGIN IMMEDIATE) excludes every other writer.
async fn reserve_ids(tx: &mut Tx, table: Table, n: usize) -> Result<Vec<i64>, StoreError> {
    let table = table.name();
    Ok(match tx {
        Tx::Sqlite(t, _) => {
            let max: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COALESCE(MAX(id), 0) FROM {table}")))
                .fetch_one(&mut **t)
                .await?;
            (max + 1..=max + n as i64).collect()
        }
        Tx::Postgres(t) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)"
            )))
            .bind(n as i64)
            .fetch_all(&mut **t)
            .await?
        }
    })
}

/// How an insert names its own ids: PostgreSQL's identity columns must be
/// told that the ids given are meant.
fn overriding(tx: &Tx) -> &'static str {
    match tx {
        Tx::Sqlite(..) => "",
        Tx::Postgres(_) => " OVERRIDING SYSTEM VALUE",
    }
}

/// Rows per statement: well under SQLite's 32,766 bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// The registry's district ids by slug.
pub async fn district_ids(db: &Db) -> Result<HashMap<String, i64>, StoreError> {
    let rows: Vec<(String, i64)> = dispatch!(db, pool => {
        sqlx::query_as("SELECT slug, id FROM districts").fetch_all(pool).await?
    });
    Ok(rows.into_iter().collect())
}

/// Creates these sellers in one transaction; returns their account ids in
/// the same order.
pub async fn insert_sellers(db: &Db, sellers: &[NewSeller]) -> Result<Vec<UserId>, StoreError> {
    let mut tx = db.begin().await?;
    let ids = reserve_ids(&mut tx, Table::Users, sellers.len()).await?;
    let over = overriding(&tx);
    for (chunk, chunk_ids) in sellers.chunks(ROWS_PER_STATEMENT).zip(ids.chunks(ROWS_PER_STATEMENT)) {
        on_tx!(&mut tx, t => {
            let mut users = sqlx::QueryBuilder::new(format!(
                "INSERT INTO users (id, phone, display_name, locale, created_at){over} "
            ));
            users.push_values(chunk.iter().zip(chunk_ids), |mut row, (seller, id)| {
                row.push_bind(*id)
                    .push_bind(seller.phone.clone())
                    .push_bind(seller.display_name.clone())
                    .push_bind("hi")
                    .push_bind(Timestamp(seller.joined_at));
            });
            users.build().execute(&mut **t).await?;

            let mut applications = sqlx::QueryBuilder::new(
                "INSERT INTO seller_applications (user_id, status, district_id, craft, display_name, legal_name, \
                 bio_en, bio_hi, address_line1, city, pin, account_holder, account_number, ifsc, pan, seller_kind, \
                 gstin, enrolment_number, vendor_user_id, consent_at, submitted_at, decided_at) ",
            );
            applications.push_values(chunk.iter().zip(chunk_ids), |mut row, (seller, id)| {
                let (kind, gstin, enrolment, vendor) = match &seller.kind {
                    NewSellerKind::Vendor { gstin } => ("vendor", Some(gstin.clone()), None, None),
                    NewSellerKind::SubVendor { vendor } => ("sub-vendor", None, None, Some(vendor.0)),
                    NewSellerKind::Enrolled { enrolment } => ("enrolled", None, Some(enrolment.clone()), None),
                };
                let joined = Timestamp(seller.joined_at);
                row.push_bind(*id)
                    .push_bind("approved")
                    .push_bind(seller.district_id)
                    .push_bind(seller.craft.clone())
                    .push_bind(seller.display_name.clone())
                    .push_bind(seller.legal_name.clone())
                    .push_bind(seller.bio_en.clone())
                    .push_bind(seller.bio_hi.clone())
                    .push_bind(seller.address_line1.clone())
                    .push_bind(seller.city.clone())
                    .push_bind(seller.pin.clone())
                    .push_bind(seller.legal_name.clone().unwrap_or_else(|| seller.display_name.clone()))
                    .push_bind(seller.account_number.clone())
                    .push_bind(seller.ifsc.clone())
                    .push_bind(seller.pan.clone())
                    .push_bind(kind)
                    .push_bind(gstin)
                    .push_bind(enrolment)
                    .push_bind(vendor)
                    .push_bind(joined)
                    .push_bind(joined)
                    .push_bind(joined);
            });
            applications.build().execute(&mut **t).await?;

            let ties: Vec<(i64, i64, Timestamp)> = chunk
                .iter()
                .zip(chunk_ids)
                .filter_map(|(seller, id)| match seller.kind {
                    NewSellerKind::SubVendor { vendor } => Some((vendor.0, *id, Timestamp(seller.joined_at))),
                    NewSellerKind::Vendor { .. } | NewSellerKind::Enrolled { .. } => None,
                })
                .collect();
            if !ties.is_empty() {
                let mut links = sqlx::QueryBuilder::new(
                    "INSERT INTO sub_vendor_links (vendor_user_id, artisan_user_id, status, invited_at, accepted_at) ",
                );
                links.push_values(ties, |mut row, (vendor, artisan, at)| {
                    row.push_bind(vendor)
                        .push_bind(artisan)
                        .push_bind("active")
                        .push_bind(at)
                        .push_bind(at);
                });
                links.build().execute(&mut **t).await?;
            }
        });
    }
    tx.commit().await?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Creates these listings, with their variants and change log entries
/// (logged at `now`), in one transaction; returns their ids in order.
pub async fn insert_listings(
    db: &Db,
    listings: &[NewListing],
    now: DateTime<Utc>,
) -> Result<Vec<ListingId>, StoreError> {
    let mut tx = db.begin().await?;
    let ids = reserve_ids(&mut tx, Table::Listings, listings.len()).await?;
    let over = overriding(&tx);
    for (chunk, chunk_ids) in listings.chunks(ROWS_PER_STATEMENT).zip(ids.chunks(ROWS_PER_STATEMENT)) {
        on_tx!(&mut tx, t => {
            let mut rows = sqlx::QueryBuilder::new(format!(
                "INSERT INTO listings (id, seller_user_id, district_id, craft, slug, title_en, title_hi, \
                 description_en, description_hi, hsn, gst_rate_bp, weight_grams, length_mm, width_mm, height_mm, \
                 return_days, origin, gi_tagged, status, updated_by, created_at, updated_at, published_at){over} "
            ));
            rows.push_values(chunk.iter().zip(chunk_ids), |mut row, (listing, id)| {
                let draft = &listing.draft;
                let dims = draft.dimensions.as_ref();
                let created = Timestamp(listing.created_at);
                let published = (listing.status != ListingStatus::Draft).then_some(created);
                row.push_bind(*id)
                    .push_bind(listing.seller.0)
                    .push_bind(listing.district_id)
                    .push_bind(draft.craft.as_str().to_owned())
                    .push_bind(draft.slug())
                    .push_bind(draft.title_en.clone())
                    .push_bind(draft.title_hi.clone())
                    .push_bind(draft.description_en.clone())
                    .push_bind(draft.description_hi.clone())
                    .push_bind(draft.hsn.as_str().to_owned())
                    .push_bind(i64::from(draft.gst_rate.0))
                    .push_bind(i64::from(draft.weight_grams))
                    .push_bind(dims.map(|d| i64::from(d.length_mm)))
                    .push_bind(dims.map(|d| i64::from(d.width_mm)))
                    .push_bind(dims.map(|d| i64::from(d.height_mm)))
                    .push_bind(draft.return_days.map(i64::from))
                    .push_bind(draft.origin.clone())
                    .push_bind(draft.gi_tagged)
                    .push_bind(listing.status.code())
                    .push_bind(listing.seller.0)
                    .push_bind(created)
                    .push_bind(created)
                    .push_bind(published);
            });
            rows.build().execute(&mut **t).await?;

            let variants: Vec<(i64, usize, &odop_domain::catalogue::Variant)> = chunk
                .iter()
                .zip(chunk_ids)
                .flat_map(|(listing, id)| listing.draft.variants.iter().enumerate().map(|(i, v)| (*id, i, v)))
                .collect();
            for variants in variants.chunks(ROWS_PER_STATEMENT * 4) {
                let mut rows = sqlx::QueryBuilder::new(
                    "INSERT INTO listing_variants (listing_id, position, label, sku, price_paise, mrp_paise, stock) ",
                );
                rows.push_values(variants, |mut row, (id, position, variant)| {
                    row.push_bind(*id)
                        .push_bind(*position as i64)
                        .push_bind(variant.label.clone())
                        .push_bind(variant.sku.as_str().to_owned())
                        .push_bind(variant.price.0)
                        .push_bind(variant.mrp.0)
                        .push_bind(i64::from(variant.stock));
                });
                rows.build().execute(&mut **t).await?;
            }

            let photos: Vec<(i64, &SharedPhoto)> = chunk
                .iter()
                .zip(chunk_ids)
                .filter_map(|(listing, id)| listing.photo.as_ref().map(|photo| (*id, photo)))
                .collect();
            if !photos.is_empty() {
                let mut rows = sqlx::QueryBuilder::new(
                    "INSERT INTO listing_photos (listing_id, position, storage_key, widths, width, height, created_at) ",
                );
                rows.push_values(&photos, |mut row, (id, photo)| {
                    let widths: Vec<String> = photo.widths.iter().map(u32::to_string).collect();
                    row.push_bind(*id)
                        .push_bind(0_i64)
                        .push_bind(photo.key.clone())
                        .push_bind(widths.join(","))
                        .push_bind(i64::from(photo.width))
                        .push_bind(i64::from(photo.height))
                        .push_bind(Timestamp(now));
                });
                rows.build().execute(&mut **t).await?;
            }

            let mut changes = sqlx::QueryBuilder::new("INSERT INTO changes (entity, entity_id, at) ");
            changes.push_values(chunk_ids, |mut row, id| {
                row.push_bind("listing").push_bind(*id).push_bind(Timestamp(now));
            });
            changes.build().execute(&mut **t).await?;
        });
    }
    tx.commit().await?;
    Ok(ids.into_iter().map(ListingId).collect())
}

/// How many listings there are, in any status.
pub async fn listing_count(db: &Db) -> Result<i64, StoreError> {
    let count = dispatch!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM listings").fetch_one(pool).await?
    });
    Ok(count)
}

/// The largest account id so far (0 when there is none).
pub async fn highest_user_id(db: &Db) -> Result<i64, StoreError> {
    let id = dispatch!(db, pool => {
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM users").fetch_one(pool).await?
    });
    Ok(id)
}

/// Creates buyer accounts with these phones (E.164), all joined at
/// `joined_at`; returns their ids in order.
pub async fn insert_buyers(db: &Db, phones: &[String], joined_at: DateTime<Utc>) -> Result<Vec<UserId>, StoreError> {
    let mut tx = db.begin().await?;
    let ids = reserve_ids(&mut tx, Table::Users, phones.len()).await?;
    let over = overriding(&tx);
    for (chunk, chunk_ids) in phones.chunks(ROWS_PER_STATEMENT).zip(ids.chunks(ROWS_PER_STATEMENT)) {
        on_tx!(&mut tx, t => {
            let mut rows = sqlx::QueryBuilder::new(format!("INSERT INTO users (id, phone, locale, created_at){over} "));
            rows.push_values(chunk.iter().zip(chunk_ids), |mut row, (phone, id)| {
                row.push_bind(*id)
                    .push_bind(phone.clone())
                    .push_bind(if id % 3 == 0 { "hi" } else { "en" })
                    .push_bind(Timestamp(joined_at));
            });
            rows.build().execute(&mut **t).await?;
        });
    }
    tx.commit().await?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// A variant on sale, with what an order copies of it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SaleVariant {
    pub variant_id: i64,
    pub listing_id: i64,
    pub seller_user_id: i64,
    /// The vendor of a sub-vendor, who keeps its orders.
    pub vendor_user_id: Option<i64>,
    pub title: String,
    pub label: String,
    pub sku: String,
    pub hsn: String,
    pub price_paise: i64,
    pub gst_rate_bp: i64,
    /// The listing's return period in days; none: no returns.
    pub return_days: Option<i64>,
    /// Sold by an enrolled supplier without GST: within UP only, no tax
    /// charged, a bill of supply.
    pub enrolled: bool,
}

/// Up to about `limit` variants of listings on sale, spread over the whole
/// catalogue, for generated orders.
pub async fn sale_variants(db: &Db, limit: i64) -> Result<Vec<SaleVariant>, StoreError> {
    let rows = dispatch!(db, pool => {
        let highest: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM listings").fetch_one(pool).await?;
        let step = (highest / limit.max(1)).max(1);
        sqlx::query_as(
            "SELECT v.id AS variant_id, l.id AS listing_id, l.seller_user_id, \
             (SELECT s.vendor_user_id FROM sub_vendor_links s WHERE s.artisan_user_id = l.seller_user_id \
              AND s.status = 'active' LIMIT 1) AS vendor_user_id, \
             COALESCE(l.title_en, l.title_hi, '') AS title, v.label, v.sku, l.hsn, v.price_paise, l.gst_rate_bp, \
             l.return_days, EXISTS (SELECT 1 FROM seller_applications a WHERE a.user_id = l.seller_user_id \
              AND a.status = 'approved' AND a.seller_kind = 'enrolled') AS enrolled \
             FROM listings l JOIN listing_variants v ON v.listing_id = l.id AND v.position = 0 \
             WHERE l.status = 'active' AND l.id % $2 = 0 ORDER BY l.id LIMIT $1",
        )
        .bind(limit)
        .bind(step)
        .fetch_all(pool)
        .await?
    });
    Ok(rows)
}

/// One line of a generated order.
#[derive(Clone, Debug)]
pub struct NewOrderLine {
    pub variant: SaleVariant,
    pub quantity: i64,
    /// The GST inside `unit price × quantity`.
    pub tax_paise: i64,
}

/// One seller's part of a generated order, in its final state.
#[derive(Clone, Debug)]
pub struct NewSubOrder {
    pub seller: i64,
    pub vendor: Option<i64>,
    pub status: SubOrderStatus,
    pub lines: Vec<NewOrderLine>,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
    pub delivery_paise: i64,
    pub courier: Option<&'static str>,
    pub tracking: Option<String>,
    pub reason: Option<&'static str>,
    /// When it was shipped and delivered, for a part that got that far
    /// before its final state; recorded as events of its timeline.
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// `tax-invoice`, or `bill-of-supply` from an enrolled supplier.
    pub supply_document: &'static str,
    pub updated_at: DateTime<Utc>,
}

impl NewSubOrder {
    pub fn items_paise(&self) -> i64 {
        self.lines.iter().map(|l| l.variant.price_paise * l.quantity).sum()
    }

    pub fn total_paise(&self) -> i64 {
        self.items_paise() + self.delivery_paise
    }
}

/// A generated past order.
#[derive(Clone, Debug)]
pub struct NewOrder {
    pub buyer: UserId,
    pub key: String,
    /// `online` or `cod`.
    pub method: &'static str,
    pub ship_name: String,
    pub ship_phone: String,
    pub ship_line1: String,
    pub ship_city: String,
    /// The GST state code of the place of supply (`09` is Uttar Pradesh).
    pub ship_state: &'static str,
    pub ship_pin: String,
    pub created_at: DateTime<Utc>,
    pub parts: Vec<NewSubOrder>,
}

/// Writes these orders, their sub-orders, items and their timelines (shipped,
/// delivered, and the event that brought each to its final state), in one
/// transaction.
pub async fn insert_orders(db: &Db, orders: &[NewOrder]) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let order_ids = reserve_ids(&mut tx, Table::Orders, orders.len()).await?;
    let part_count: usize = orders.iter().map(|o| o.parts.len()).sum();
    let part_ids = reserve_ids(&mut tx, Table::SubOrders, part_count).await?;
    let over = overriding(&tx);
    // (order index, part index, sub-order id), in order.
    let mut parts: Vec<(usize, usize, i64)> = Vec::with_capacity(part_count);
    let mut next = part_ids.into_iter();
    for (o, order) in orders.iter().enumerate() {
        for p in 0..order.parts.len() {
            parts.push((o, p, next.next().expect("one id per sub-order")));
        }
    }
    let indices: Vec<usize> = (0..orders.len()).collect();
    for chunk in indices.chunks(ROWS_PER_STATEMENT / 2) {
        on_tx!(&mut tx, t => {
            let mut rows = sqlx::QueryBuilder::new(format!(
                "INSERT INTO orders (id, buyer_user_id, idempotency_key, payment_method, ship_name, ship_phone, \
                 ship_line1, ship_city, ship_state, ship_pin, items_paise, tax_paise, delivery_paise, total_paise, \
                 created_at){over} "
            ));
            rows.push_values(chunk, |mut row, &i| {
                let order = &orders[i];
                let items: i64 = order.parts.iter().map(NewSubOrder::items_paise).sum();
                let tax: i64 = order.parts.iter().map(|p| p.cgst_paise + p.sgst_paise + p.igst_paise).sum();
                let delivery: i64 = order.parts.iter().map(|p| p.delivery_paise).sum();
                row.push_bind(order_ids[i])
                    .push_bind(order.buyer.0)
                    .push_bind(order.key.clone())
                    .push_bind(order.method)
                    .push_bind(order.ship_name.clone())
                    .push_bind(order.ship_phone.clone())
                    .push_bind(order.ship_line1.clone())
                    .push_bind(order.ship_city.clone())
                    .push_bind(order.ship_state)
                    .push_bind(order.ship_pin.clone())
                    .push_bind(items)
                    .push_bind(tax)
                    .push_bind(delivery)
                    .push_bind(items + delivery)
                    .push_bind(Timestamp(order.created_at));
            });
            rows.build().execute(&mut **t).await?;
        });
    }
    for chunk in parts.chunks(ROWS_PER_STATEMENT / 2) {
        on_tx!(&mut tx, t => {
            let mut rows = sqlx::QueryBuilder::new(format!(
                "INSERT INTO sub_orders (id, order_id, seller_user_id, vendor_user_id, status, items_paise, cgst_paise, \
                 sgst_paise, igst_paise, delivery_paise, total_paise, courier, tracking, reason, supply_document, \
                 created_at, updated_at){over} "
            ));
            rows.push_values(chunk, |mut row, &(o, p, id)| {
                let part = &orders[o].parts[p];
                row.push_bind(id)
                    .push_bind(order_ids[o])
                    .push_bind(part.seller)
                    .push_bind(part.vendor)
                    .push_bind(part.status.code())
                    .push_bind(part.items_paise())
                    .push_bind(part.cgst_paise)
                    .push_bind(part.sgst_paise)
                    .push_bind(part.igst_paise)
                    .push_bind(part.delivery_paise)
                    .push_bind(part.total_paise())
                    .push_bind(part.courier)
                    .push_bind(part.tracking.clone())
                    .push_bind(part.reason)
                    .push_bind(part.supply_document)
                    .push_bind(Timestamp(orders[o].created_at))
                    .push_bind(Timestamp(part.updated_at));
            });
            rows.build().execute(&mut **t).await?;

            // Each part's timeline: shipped and delivered when it got that
            // far, then the event that brought it to its final state.
            let mut timeline: Vec<(i64, &'static str, &'static str, &'static str, DateTime<Utc>)> = Vec::new();
            for &(o, p, id) in chunk {
                let part = &orders[o].parts[p];
                if let Some(at) = part.shipped_at.filter(|_| part.status != SubOrderStatus::Shipped) {
                    timeline.push((id, SubOrderStatus::Shipped.code(), "ship", "seller", at));
                }
                if let Some(at) = part.delivered_at.filter(|_| part.status != SubOrderStatus::Delivered) {
                    timeline.push((id, SubOrderStatus::Delivered.code(), "deliver", "seller", at));
                }
                let (event, party) = match part.status {
                    SubOrderStatus::Cancelled => ("cancel", "buyer"),
                    SubOrderStatus::Rejected => ("reject", "seller"),
                    SubOrderStatus::Delivered => ("deliver", "seller"),
                    SubOrderStatus::Shipped => ("ship", "seller"),
                    SubOrderStatus::Packed => ("pack", "seller"),
                    SubOrderStatus::Accepted => ("accept", "seller"),
                    SubOrderStatus::Placed => ("payment", "platform"),
                    SubOrderStatus::AwaitingPayment => ("place", "buyer"),
                    SubOrderStatus::ReturnRequested => ("request-return", "buyer"),
                    SubOrderStatus::ReturnApproved => ("approve-return", "seller"),
                    SubOrderStatus::Returned => ("receive-return", "seller"),
                    SubOrderStatus::ReturnRefused => ("refuse-return", "seller"),
                };
                timeline.push((id, part.status.code(), event, party, part.updated_at));
            }
            let mut events = sqlx::QueryBuilder::new(
                "INSERT INTO sub_order_events (sub_order_id, status, event, party, note, at) ",
            );
            events.push_values(&timeline, |mut row, (id, status, event, party, at)| {
                row.push_bind(*id)
                    .push_bind(*status)
                    .push_bind(*event)
                    .push_bind(*party)
                    .push_bind("generated")
                    .push_bind(Timestamp(*at));
            });
            events.build().execute(&mut **t).await?;

            let lines: Vec<(i64, &NewOrderLine)> = chunk
                .iter()
                .flat_map(|&(o, p, id)| orders[o].parts[p].lines.iter().map(move |l| (id, l)))
                .collect();
            for lines in lines.chunks(ROWS_PER_STATEMENT) {
                let mut rows = sqlx::QueryBuilder::new(
                    "INSERT INTO order_items (sub_order_id, listing_id, variant_id, title, variant_label, sku, hsn, \
                     unit_price_paise, quantity, gst_rate_bp, tax_paise, return_days) ",
                );
                rows.push_values(lines, |mut row, (id, line)| {
                    let v = &line.variant;
                    row.push_bind(*id)
                        .push_bind(v.listing_id)
                        .push_bind(v.variant_id)
                        .push_bind(v.title.clone())
                        .push_bind(v.label.clone())
                        .push_bind(v.sku.clone())
                        .push_bind(v.hsn.clone())
                        .push_bind(v.price_paise)
                        .push_bind(line.quantity)
                        .push_bind(v.gst_rate_bp)
                        .push_bind(line.tax_paise)
                        .push_bind(v.return_days);
                });
                rows.build().execute(&mut **t).await?;
            }
        });
    }
    tx.commit().await?;
    Ok(())
}
