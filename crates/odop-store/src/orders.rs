//! Orders: placing one (stock taken by a single conditional write per line,
//! so it never goes negative on either database or any number of nodes),
//! moving its sub-orders through their life cycle, payments from gateways'
//! webhooks (each event applied once) and the refunds owed.
//!
//! The store composes no text: whoever calls passes functions that turn a
//! notice into a message, in the recipient's language.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use odop_domain::checkout::{self, CheckoutError, CodRule, DeliveryAddress, DeliveryRule, Line, Quote, SellerRules};
use odop_domain::gst::{GstTable, Hsn};
use odop_domain::money::Money;
use odop_domain::orders::{
    ACCEPT_WITHIN_HOURS, ANSWER_RETURN_WITHIN_HOURS, OrderEvent, Party, PaymentMethod, ReturnReason, ReturnTerms,
    SubOrderStatus, TransitionError, order_number,
};
use odop_domain::{Locale, OrderId, SubOrderId, UserId};

use crate::StoreError;
use crate::audit::{self, AuditActor, Change};
use crate::carts::{LineRow, line_columns, remove_bought};
use crate::db::{Db, SnapshotRead, dispatch, dispatch_write};
use crate::outbox::{self, NewMessage};
use crate::statements::{Arg, Columns, FromColumns, Statements, args, write_transaction};
use crate::time::Timestamp;

/// What a seller (and the vendor of a sub-vendor) is told of a new order.
#[derive(Clone, Debug)]
pub struct SellerNotice {
    pub recipient: String,
    /// The language the recipient chose for their messages.
    pub locale: Locale,
    pub order_number: String,
    /// Title, variant, quantity.
    pub items: Vec<(String, String, i64)>,
    pub pickup: String,
}

/// What a buyer is told when one of their sub-orders moves.
#[derive(Clone, Debug)]
pub struct BuyerNotice {
    pub recipient: String,
    /// The language the recipient chose for their messages.
    pub locale: Locale,
    pub order_number: String,
    pub status: SubOrderStatus,
    pub note: Option<String>,
}

/// What a seller (and the vendor of a sub-vendor) is told when a buyer asks
/// to return a sub-order.
#[derive(Clone, Debug)]
pub struct ReturnNotice {
    pub recipient: String,
    /// The language the recipient chose for their messages.
    pub locale: Locale,
    /// The sub-order's number, as on the seller's desk.
    pub number: String,
    pub reason: ReturnReason,
    pub note: String,
}

/// How the caller words notices.
pub trait Notices: Send + Sync {
    fn to_seller(&self, notice: &SellerNotice) -> NewMessage;
    fn to_buyer(&self, notice: &BuyerNotice) -> NewMessage;
    fn return_to_seller(&self, notice: &ReturnNotice) -> NewMessage;
}

/// An order to place.
#[derive(Clone, Debug)]
pub struct PlaceOrder<'a> {
    pub buyer: UserId,
    pub idempotency_key: &'a str,
    /// What the request asked, digested: the same key with another request
    /// is refused rather than answered with the first order.
    pub fingerprint: &'a str,
    pub address: &'a DeliveryAddress,
    pub method: PaymentMethod,
    /// Variant and quantity.
    pub items: &'a [(i64, i64)],
    /// How long an online order's stock is held for payment.
    pub hold: Duration,
    /// The GST rate table, read before the order's write transaction: on
    /// SQLite every statement inside it keeps the other writers waiting.
    pub rates: &'a GstTable,
}

#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error(transparent)]
    Checkout(#[from] CheckoutError),
    /// The idempotency key placed an order already, for another request.
    #[error("this Idempotency-Key was used for a different request")]
    KeyReused,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PlaceError {
    fn from(error: sqlx::Error) -> Self {
        PlaceError::Store(error.into())
    }
}

/// A placed order: new, or the one placed before with the same key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub order: OrderId,
    pub replayed: bool,
}

pub(crate) fn accept_deadline(now: DateTime<Utc>) -> Timestamp {
    Timestamp(now + Duration::hours(ACCEPT_WITHIN_HOURS))
}

/// The order `buyer` placed under `key`, with the fingerprint of the
/// request that placed it (none for orders older than fingerprints).
async fn existing_order(
    s: &mut impl Statements,
    buyer: UserId,
    key: &str,
) -> Result<Option<(i64, Option<String>)>, StoreError> {
    s.fetch_optional(
        "SELECT id, request_hash FROM orders WHERE buyer_user_id = $1 AND idempotency_key = $2",
        args![buyer.0, key],
    )
    .await
}

struct TermsRow {
    delivery_flat_paise: Option<i64>,
    delivery_free_from_paise: Option<i64>,
    cod_allowed: Option<bool>,
    cod_limit_paise: Option<i64>,
    vendor_user_id: Option<i64>,
    seller_kind: Option<String>,
}

impl FromColumns for TermsRow {
    fn from_columns(row: &impl Columns) -> Result<Self, StoreError> {
        Ok(Self {
            delivery_flat_paise: row.named("delivery_flat_paise")?,
            delivery_free_from_paise: row.named("delivery_free_from_paise")?,
            cod_allowed: row.named("cod_allowed")?,
            cod_limit_paise: row.named("cod_limit_paise")?,
            vendor_user_id: row.named("vendor_user_id")?,
            seller_kind: row.named("seller_kind")?,
        })
    }
}

impl TermsRow {
    /// The seller's rules, with the platform's defaults for what is unset.
    fn terms(&self) -> SellerTerms {
        let delivery = match self.delivery_flat_paise {
            Some(flat) => DeliveryRule {
                flat: Money(flat),
                free_from: self.delivery_free_from_paise.map(Money),
            },
            None => DeliveryRule::DEFAULT,
        };
        let cod = match (self.cod_allowed, self.cod_limit_paise) {
            (Some(allowed), Some(limit)) => CodRule {
                allowed,
                limit: Money(limit),
            },
            _ => CodRule::DEFAULT,
        };
        SellerTerms {
            delivery,
            cod,
            vendor: self.vendor_user_id,
            gst_registered: self.seller_kind.as_deref() != Some("enrolled"),
        }
    }
}

/// The columns of `TermsRow` for the seller whose id is `seller`, in a
/// query that joins `seller_terms t` on that seller (left: a seller who set
/// no terms has the defaults).
fn terms_columns(seller: &str) -> String {
    format!(
        "t.delivery_flat_paise, t.delivery_free_from_paise, t.cod_allowed, t.cod_limit_paise, \
         (SELECT a.vendor_user_id FROM seller_applications a WHERE a.id = (SELECT MAX(x.id) \
          FROM seller_applications x WHERE x.user_id = {seller} AND x.status = 'approved')) AS vendor_user_id, \
         (SELECT a.seller_kind FROM seller_applications a WHERE a.id = (SELECT MAX(x.id) \
          FROM seller_applications x WHERE x.user_id = {seller} AND x.status = 'approved')) AS seller_kind"
    )
}

/// What an order needs to know of one of its sellers.
#[derive(Clone, Copy, Debug)]
struct SellerTerms {
    delivery: DeliveryRule,
    cod: CodRule,
    /// The vendor the seller sells under (a sub-vendor's), from the seller's
    /// newest approved application; the order records it so that the
    /// vendor sees and invoices the sub-order.
    vendor: Option<i64>,
    /// Registered for GST itself or through its vendor; an enrolled
    /// supplier is not (see [`SellerRules::gst_registered`]).
    gst_registered: bool,
}

impl SellerTerms {
    fn rules(&self) -> SellerRules {
        SellerRules {
            delivery: self.delivery,
            cod: self.cod,
            gst_registered: self.gst_registered,
        }
    }
}

/// One seller's delivery and cash-on-delivery rules and vendor.
async fn terms_of(s: &mut impl Statements, seller: UserId) -> Result<SellerTerms, StoreError> {
    let sql = format!(
        "SELECT {} FROM (SELECT 1 AS one) AS seller LEFT JOIN seller_terms t ON t.user_id = $1",
        terms_columns("$1")
    );
    let row: TermsRow = s.fetch_one(&sql, args![seller.0]).await?;
    Ok(row.terms())
}

/// What an order item records of its listing beyond the priced line.
struct ItemTerms {
    hsn: String,
    return_days: Option<i64>,
}

/// Everything an order reads of the catalogue before it writes.
struct OrderLines {
    /// In the order of the items asked for.
    lines: Vec<Line>,
    /// Per variant.
    items: HashMap<i64, ItemTerms>,
    sellers: HashMap<UserId, SellerTerms>,
}

impl OrderLines {
    fn quote(&self, address_state: &str) -> Result<Quote, CheckoutError> {
        checkout::quote(&self.lines, address_state, |seller| self.sellers[&seller].rules())
    }
}

/// A line with its seller's terms, as one row.
struct LineWithTerms {
    line: LineRow,
    terms: TermsRow,
}

impl FromColumns for LineWithTerms {
    fn from_columns(row: &impl Columns) -> Result<Self, StoreError> {
        Ok(Self {
            line: LineRow::from_columns(row)?,
            terms: TermsRow::from_columns(row)?,
        })
    }
}

/// The lines for these variants and quantities with each variant's HSN
/// code and return period and each seller's terms, in one statement:
/// checkout runs this inside its write transaction, where every statement
/// keeps the other writers waiting.
///
/// Each line is taxed at the rate the table gives its HSN code for its
/// price on `day`: a variant above a price band's limit pays that band's
/// rate even when the listing's cheapest variant does not, and a rate that
/// took effect after the listing was written applies to its sales. The
/// rate the listing recorded stands only when the table has none.
async fn read_lines(
    s: &mut impl Statements,
    items: &[(i64, i64)],
    rates: &GstTable,
    day: NaiveDate,
) -> Result<OrderLines, PlaceError> {
    let mut read = OrderLines {
        lines: Vec::with_capacity(items.len()),
        items: HashMap::new(),
        sellers: HashMap::new(),
    };
    // Nothing to read (and `IN ()` is not SQL): pricing says what is wrong.
    if items.is_empty() {
        return Ok(read);
    }
    let placeholders: Vec<String> = (1..=items.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT {}, {} FROM listing_variants v JOIN listings l ON l.id = v.listing_id \
         LEFT JOIN seller_terms t ON t.user_id = l.seller_user_id WHERE v.id IN ({})",
        line_columns("CAST(0 AS BIGINT)"),
        terms_columns("l.seller_user_id"),
        placeholders.join(", ")
    );
    let variants: Vec<Arg<'_>> = items.iter().map(|(variant, _)| Arg::from(*variant)).collect();
    let rows: Vec<LineWithTerms> = s.fetch_all(&sql, &variants).await?;
    let rows: HashMap<i64, LineWithTerms> = rows.into_iter().map(|row| (row.line.variant_id, row)).collect();
    for (variant, quantity) in items {
        let Some(LineWithTerms { line: row, terms }) = rows.get(variant) else {
            // A variant that no longer exists (or never did).
            return Err(CheckoutError::NotOnSale {
                title: format!("item {variant}"),
            }
            .into());
        };
        let mut line = row.line();
        if let Some(rate) = Hsn::parse(&row.hsn)
            .ok()
            .and_then(|hsn| rates.rate(&hsn, line.unit_price, day))
        {
            line.gst_rate = rate;
        }
        if !row.on_sale {
            return Err(CheckoutError::NotOnSale { title: line.title }.into());
        }
        line.quantity = *quantity;
        read.lines.push(line);
        read.sellers.insert(UserId(row.seller_user_id), terms.terms());
        read.items.insert(
            row.variant_id,
            ItemTerms {
                hsn: row.hsn.clone(),
                return_days: row.return_days,
            },
        );
    }
    Ok(read)
}

/// The price of these items delivered to `address`, as checkout shows it
/// before the buyer confirms, or why they cannot be bought.
pub async fn quote(
    db: &Db,
    address_state: &str,
    items: &[(i64, i64)],
    now: DateTime<Utc>,
) -> Result<Result<Quote, CheckoutError>, StoreError> {
    let rates = crate::gst::table(db).await?;
    let mut tx = db.begin_read().await?;
    match read_lines(&mut tx, items, &rates, now.date_naive()).await {
        Ok(lines) => Ok(lines.quote(address_state)),
        Err(PlaceError::Checkout(error)) => Ok(Err(error)),
        Err(PlaceError::Store(error)) => Err(error),
        Err(PlaceError::KeyReused) => unreachable!("reading lines uses no key"),
    }
}

/// The phones a seller notice goes to (the seller's, and its vendor's for a
/// sub-vendor) and the seller's pickup address.
struct SellerRecipients {
    order_id: i64,
    seller_phone: Option<String>,
    seller_locale: String,
    vendor_phone: Option<String>,
    vendor_locale: Option<String>,
    address_line1: Option<String>,
    city: Option<String>,
    pin: Option<String>,
    /// `[[title, variant label, quantity], …]` in the order they were bought.
    items_json: String,
    /// Read along, for callers that tell the buyer too.
    buyer_phone: Option<String>,
    buyer_locale: String,
}

impl FromColumns for SellerRecipients {
    fn from_columns(row: &impl Columns) -> Result<Self, StoreError> {
        Ok(Self {
            order_id: row.named("order_id")?,
            seller_phone: row.named("seller_phone")?,
            seller_locale: row.named("seller_locale")?,
            vendor_phone: row.named("vendor_phone")?,
            vendor_locale: row.named("vendor_locale")?,
            address_line1: row.named("address_line1")?,
            city: row.named("city")?,
            pin: row.named("pin")?,
            items_json: row.named("items_json")?,
            buyer_phone: row.named("buyer_phone")?,
            buyer_locale: row.named("buyer_locale")?,
        })
    }
}

/// Tells the seller of a sub-order (and its vendor) about it.
pub(crate) async fn notify_sellers(
    s: &mut impl Statements,
    sub_order: i64,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (messages, _) = seller_notices(s, sub_order, notices).await?;
    outbox::enqueue_all(s, &messages, now).await
}

/// A stored language, English when it is missing or unknown.
fn locale_of(stored: Option<&str>) -> Locale {
    stored.and_then(|l| l.parse().ok()).unwrap_or_default()
}

/// The messages telling the seller of a sub-order (and its vendor) about
/// it, each in the recipient's language, and the buyer's phone and language.
async fn seller_notices(
    s: &mut impl Statements,
    sub_order: i64,
    notices: &dyn Notices,
) -> Result<(Vec<NewMessage>, Option<(String, Locale)>), StoreError> {
    // Who to tell, where the parcel is picked up and what is in it, in one
    // statement: this runs inside checkout's write transactions, where every
    // statement is another round trip while other writers wait.
    let items_json = if s.is_sqlite() {
        "(SELECT json_group_array(json_array(i.title, i.variant_label, i.quantity) ORDER BY i.id) \
         FROM order_items i WHERE i.sub_order_id = s.id)"
    } else {
        "(SELECT COALESCE(json_agg(json_build_array(i.title, i.variant_label, i.quantity) ORDER BY i.id), '[]')::text \
         FROM order_items i WHERE i.sub_order_id = s.id)"
    };
    let sql = format!(
        "SELECT s.order_id, u.phone AS seller_phone, u.locale AS seller_locale, vu.phone AS vendor_phone, \
         vu.locale AS vendor_locale, a.address_line1, a.city, a.pin, {items_json} AS items_json, \
         bu.phone AS buyer_phone, bu.locale AS buyer_locale \
         FROM sub_orders s JOIN users u ON u.id = s.seller_user_id \
         JOIN orders o ON o.id = s.order_id JOIN users bu ON bu.id = o.buyer_user_id \
         LEFT JOIN seller_applications a ON a.id = (SELECT MAX(x.id) FROM seller_applications x \
             WHERE x.user_id = s.seller_user_id AND x.status = 'approved') \
         LEFT JOIN users vu ON vu.id = s.vendor_user_id \
         WHERE s.id = $1"
    );
    let whom: SellerRecipients = s.fetch_one(&sql, args![sub_order]).await?;
    let items: Vec<(String, String, i64)> = serde_json::from_str(&whom.items_json)
        .map_err(|e| StoreError::Corrupt(format!("items of sub-order {sub_order}: {e}")))?;
    let order = whom.order_id;
    let pickup = [&whom.address_line1, &whom.city, &whom.pin]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let messages: Vec<NewMessage> = [
        (whom.seller_phone, Some(whom.seller_locale)),
        (whom.vendor_phone, whom.vendor_locale),
    ]
    .into_iter()
    .filter_map(|(phone, locale)| Some((phone?, locale_of(locale.as_deref()))))
    .map(|(recipient, locale)| {
        notices.to_seller(&SellerNotice {
            recipient,
            locale,
            order_number: order_number(order),
            items: items.clone(),
            pickup: pickup.clone(),
        })
    })
    .collect();
    let buyer = whom
        .buyer_phone
        .map(|phone| (phone, locale_of(Some(&whom.buyer_locale))));
    Ok((messages, buyer))
}

/// The messages telling a sub-order's seller (and vendor) that its buyer
/// asks to return it.
async fn return_notices(
    s: &mut impl Statements,
    part: SubOrderNow,
    reason: ReturnReason,
    note: &str,
    notices: &dyn Notices,
) -> Result<Vec<NewMessage>, StoreError> {
    let whom: (Option<String>, String, Option<String>, Option<String>) = s
        .fetch_one(
            "SELECT u.phone, u.locale, vu.phone, vu.locale FROM sub_orders s JOIN users u ON u.id = s.seller_user_id \
             LEFT JOIN users vu ON vu.id = s.vendor_user_id WHERE s.id = $1",
            args![part.id],
        )
        .await?;
    Ok([(whom.0, Some(whom.1)), (whom.2, whom.3)]
        .into_iter()
        .filter_map(|(phone, locale)| Some((phone?, locale_of(locale.as_deref()))))
        .map(|(recipient, locale)| {
            notices.return_to_seller(&ReturnNotice {
                recipient,
                locale,
                number: format!("{}-{}", order_number(part.order), part.id),
                reason,
                note: note.to_owned(),
            })
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_event(
    s: &mut impl Statements,
    sub_order: i64,
    status: SubOrderStatus,
    event: &str,
    party: Party,
    actor: Option<UserId>,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    s.execute(
        "INSERT INTO sub_order_events (sub_order_id, status, event, party, actor_user_id, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![
            sub_order,
            status.code(),
            event,
            party_code(party),
            actor.map(|a| a.0),
            &note,
            Timestamp(now)
        ],
    )
    .await?;
    Ok(())
}

fn party_code(party: Party) -> &'static str {
    match party {
        Party::Buyer => "buyer",
        Party::Seller => "seller",
        Party::Platform => "platform",
    }
}

/// Takes `quantity` of a variant off its stock if there is that much: one
/// conditional write, so concurrent buyers can never both take the last one.
pub(crate) async fn take_stock(s: &mut impl Statements, variant: i64, quantity: i64) -> Result<bool, StoreError> {
    let updated = s
        .execute(
            "UPDATE listing_variants SET stock = stock - $2 WHERE id = $1 AND stock >= $2",
            args![variant, quantity],
        )
        .await?;
    Ok(updated == 1)
}

/// Puts a sub-order's items back on their variants' stock.
async fn return_stock(s: &mut impl Statements, sub_order: i64) -> Result<(), StoreError> {
    let items: Vec<(i64, i64)> = s
        .fetch_all(
            "SELECT variant_id, quantity FROM order_items WHERE sub_order_id = $1",
            args![sub_order],
        )
        .await?;
    // A variant the seller has since removed simply has nothing to return to.
    for (variant, quantity) in items {
        s.execute(
            "UPDATE listing_variants SET stock = stock + $2 WHERE id = $1",
            args![variant, quantity],
        )
        .await?;
    }
    Ok(())
}

/// Places an order: prices it from the catalogue as it is now, takes the
/// stock, writes the order with one sub-order per seller, empties those
/// lines from the buyer's cart and (for cash on delivery) tells the sellers,
/// all in one transaction. The same idempotency key returns the same order.
pub async fn place(
    db: &Db,
    request: &PlaceOrder<'_>,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<Placed, PlaceError> {
    match place_once(db, request, notices, now).await {
        Ok(placed) => Ok(placed),
        // The key is checked by the order's insert (its unique index), not
        // by a read before it: that read would keep the other writers
        // waiting on every order. So a replayed key fails at the insert, or
        // before it when the catalogue has changed since (sold out, off
        // sale), and two requests with one key may race; in each case the
        // order already made under the key is the answer.
        Err(error @ (PlaceError::Checkout(_) | PlaceError::Store(StoreError::Database(_) | StoreError::Sqlite(_)))) => {
            let mut tx = db.begin_read().await?;
            match existing_order(&mut tx, request.buyer, request.idempotency_key).await? {
                Some((_, Some(fingerprint))) if fingerprint != request.fingerprint => Err(PlaceError::KeyReused),
                Some((order, _)) => Ok(Placed {
                    order: OrderId(order),
                    replayed: true,
                }),
                None => Err(error),
            }
        }
        Err(other) => Err(other),
    }
}

async fn place_once(
    db: &Db,
    request: &PlaceOrder<'_>,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<Placed, PlaceError> {
    let mut items = request.items.to_vec();
    // Taking stock in one order of variants keeps two PostgreSQL
    // transactions from each waiting on a row the other holds.
    items.sort_unstable();
    write_transaction!(db, s => place_in(&mut s, request, &items, notices, now).await)
}

async fn place_in(
    s: &mut impl Statements,
    request: &PlaceOrder<'_>,
    items: &[(i64, i64)],
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<Placed, PlaceError> {
    let read = read_lines(s, items, request.rates, now.date_naive()).await?;
    let state = request.address.state.code;
    let quote = read.quote(state)?;
    checkout::check_method(&quote, request.method)?;
    let address = request.address;
    let hold_until = (request.method == PaymentMethod::Online).then(|| Timestamp(now + request.hold));
    // Before the stock: a replayed key stops here, having taken nothing.
    let order: i64 = s
        .scalar(
            "INSERT INTO orders (buyer_user_id, idempotency_key, payment_method, ship_name, ship_phone, ship_line1, \
             ship_line2, ship_city, ship_state, ship_pin, items_paise, tax_paise, delivery_paise, total_paise, hold_until, \
             created_at, request_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
             RETURNING id",
            args![
                request.buyer.0,
                request.idempotency_key,
                request.method.code(),
                &address.name,
                address.phone.as_str(),
                &address.line1,
                &address.line2,
                &address.city,
                state,
                address.pin.as_str(),
                quote.items.0,
                quote.tax.total().0,
                quote.delivery.0,
                quote.total.0,
                hold_until,
                Timestamp(now),
                request.fingerprint
            ],
        )
        .await?;
    for line in &read.lines {
        if !take_stock(s, line.variant, line.quantity).await? {
            // Someone bought it meanwhile: say how many are left now.
            let available: i64 = s
                .scalar("SELECT stock FROM listing_variants WHERE id = $1", args![line.variant])
                .await?;
            return Err(CheckoutError::NotEnoughStock {
                title: line.title.clone(),
                available,
            }
            .into());
        }
    }
    let status = request.method.first_status();
    let accept_by = (status == SubOrderStatus::Placed).then(|| accept_deadline(now));
    for part in &quote.sellers {
        let vendor = read.sellers[&part.seller].vendor;
        let sub_order: i64 = s
            .scalar(
                "INSERT INTO sub_orders (order_id, seller_user_id, vendor_user_id, status, items_paise, cgst_paise, \
                 sgst_paise, igst_paise, delivery_paise, total_paise, accept_by, created_at, updated_at, \
                 supply_document) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13) RETURNING id",
                args![
                    order,
                    part.seller.0,
                    vendor,
                    status.code(),
                    part.items.0,
                    part.tax.cgst.0,
                    part.tax.sgst.0,
                    part.tax.igst.0,
                    part.delivery.0,
                    part.total.0,
                    accept_by,
                    Timestamp(now),
                    if part.bill_of_supply {
                        "bill-of-supply"
                    } else {
                        "tax-invoice"
                    }
                ],
            )
            .await?;
        for priced in &part.lines {
            let line = &priced.line;
            let extra = read.items.get(&line.variant);
            s.execute(
                "INSERT INTO order_items (sub_order_id, listing_id, variant_id, title, variant_label, sku, hsn, \
                 unit_price_paise, quantity, gst_rate_bp, tax_paise, return_days) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                args![
                    sub_order,
                    line.listing.0,
                    line.variant,
                    &line.title,
                    &line.variant_label,
                    &line.sku,
                    extra.map_or("", |e| e.hsn.as_str()),
                    line.unit_price.0,
                    line.quantity,
                    i64::from(line.gst_rate.0),
                    priced.tax.total().0,
                    extra.and_then(|e| e.return_days)
                ],
            )
            .await?;
        }
        record_event(
            s,
            sub_order,
            status,
            "place",
            Party::Buyer,
            Some(request.buyer),
            None,
            now,
        )
        .await?;
        if status == SubOrderStatus::Placed {
            notify_sellers(s, sub_order, notices, now).await?;
        }
    }
    let bought: Vec<i64> = read.lines.iter().map(|l| l.variant).collect();
    remove_bought(s, request.buyer, &bought).await?;
    let parts = quote.sellers.len().to_string();
    let change = Change {
        action: "order.placed",
        object_kind: "order",
        object_id: order.to_string(),
        after: Some(status.code()),
        note: Some(&parts),
        ..Change::default()
    };
    audit::append(s, AuditActor::buyer(request.buyer), change, now).await?;
    Ok(Placed {
        order: OrderId(order),
        replayed: false,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error("no such sub-order")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("the order changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for MoveError {
    fn from(error: sqlx::Error) -> Self {
        MoveError::Store(error.into())
    }
}

/// Moves a sub-order by `event`. Stock returns when it is cancelled or
/// rejected before shipping; money paid for it is owed back (a pending
/// refund, sent by the caller); the buyer is told.
/// Authorization is the caller's: this checks only the life cycle.
pub async fn transition(
    db: &Db,
    sub_order: SubOrderId,
    event: &OrderEvent,
    party: Party,
    actor: Option<UserId>,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<SubOrderStatus, MoveError> {
    write_transaction!(db, s => transition_in(&mut s, sub_order.0, event, party, actor, notices, now).await)
}

async fn transition_in(
    s: &mut impl Statements,
    sub_order: i64,
    event: &OrderEvent,
    party: Party,
    actor: Option<UserId>,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<SubOrderStatus, MoveError> {
    type Row = (String, i64, i64, i64, Option<String>, Timestamp, Option<i64>);
    let sql = format!(
        "SELECT s.status, s.order_id, s.total_paise, s.delivery_paise, s.reason, s.updated_at, {CHANGE_OF_MIND_DAYS} \
         FROM sub_orders s WHERE s.id = $1"
    );
    let row: Option<Row> = s.fetch_optional(&sql, args![sub_order]).await?;
    let (current, order, total, delivery, reason, since, change_of_mind_days) = row.ok_or(MoveError::NotFound)?;
    let current = SubOrderStatus::parse(&current)
        .ok_or_else(|| StoreError::Corrupt(format!("sub-order {sub_order} status {current}")))?;
    let part = SubOrderNow {
        id: sub_order,
        status: current,
        order,
        total,
        delivery,
        since: since.0,
        // The reason column holds the buyer's return reason once a return
        // is asked for.
        return_reason: reason.as_deref().and_then(ReturnReason::parse),
        terms: ReturnTerms { change_of_mind_days },
    };
    move_from(s, part, event, party, actor, notices, now).await
}

/// A sub-order as its transaction last read it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SubOrderNow {
    pub(crate) id: i64,
    pub(crate) status: SubOrderStatus,
    pub(crate) order: i64,
    pub(crate) total: i64,
    pub(crate) delivery: i64,
    /// When it last moved: for a delivered one, when it was delivered.
    pub(crate) since: DateTime<Utc>,
    pub(crate) return_reason: Option<ReturnReason>,
    pub(crate) terms: ReturnTerms,
}

/// A sub-order's return period for a change of mind: its items' shortest,
/// none if one of them takes no returns. A column of a query on `sub_orders s`.
macro_rules! change_of_mind_days {
    () => {
        "CASE WHEN EXISTS (SELECT 1 FROM order_items i WHERE i.sub_order_id = s.id AND i.return_days IS NULL) \
         THEN NULL ELSE (SELECT MIN(i.return_days) FROM order_items i WHERE i.sub_order_id = s.id) END \
         AS change_of_mind_days"
    };
}
pub(crate) const CHANGE_OF_MIND_DAYS: &str = change_of_mind_days!();

/// Moves a sub-order the caller has just read in this transaction; the
/// update still checks that its status has not changed since. The move's
/// audit entry is its last statement.
pub(crate) async fn move_from(
    s: &mut impl Statements,
    part: SubOrderNow,
    event: &OrderEvent,
    party: Party,
    actor: Option<UserId>,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<SubOrderStatus, MoveError> {
    let next = move_unlogged(s, part, event, party, actor, notices, now).await?;
    log_move(s, part.id, part.status, next, event, party, actor, now).await?;
    Ok(next)
}

/// Appends a sub-order's move to the audit log. A transaction moving
/// several parts logs them all after its last move, so that it holds the
/// log's head (which every audited writer waits for) only at its end, and
/// never while it waits for another part's row.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn log_move(
    s: &mut impl Statements,
    sub_order: i64,
    before: SubOrderStatus,
    after: SubOrderStatus,
    event: &OrderEvent,
    party: Party,
    actor: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let action = format!("sub_order.{}", event.code());
    // A return is logged with its reason, never the buyer's own words: the
    // log is kept for good, and what a buyer typed may name a person, which
    // erasing their account must be able to remove.
    let note = match event {
        OrderEvent::RequestReturn { reason, .. } => Some(reason.code().to_owned()),
        _ => event.note(),
    };
    let change = Change {
        action: &action,
        object_kind: "sub_order",
        object_id: sub_order.to_string(),
        before: Some(before.code()),
        after: Some(after.code()),
        note: note.as_deref(),
    };
    let actor = AuditActor {
        user: actor,
        role: party_code(party),
    };
    audit::append(s, actor, change, now).await?;
    Ok(())
}

/// [`move_from`] without its audit entry, which the caller appends with
/// [`log_move`].
pub(crate) async fn move_unlogged(
    s: &mut impl Statements,
    part: SubOrderNow,
    event: &OrderEvent,
    party: Party,
    actor: Option<UserId>,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<SubOrderStatus, MoveError> {
    let SubOrderNow {
        id: sub_order,
        status: current,
        order,
        total,
        ..
    } = part;
    let next = current.after(event, party)?;
    if let OrderEvent::RequestReturn { reason, .. } = event
        && !part.terms.allow(*reason, part.since, now)
    {
        return Err(TransitionError::Invalid("order-return-window-closed").into());
    }
    let (courier, tracking, reason) = match event {
        OrderEvent::Ship { courier, tracking } => (Some(courier.clone()), Some(tracking.clone()), None),
        OrderEvent::Reject { reason } => (None, None, Some(reason.clone())),
        OrderEvent::RequestReturn { reason, .. } => (None, None, Some(reason.code().to_owned())),
        _ => (None, None, None),
    };
    // The seller's deadline: to accept a new order, or to answer a return.
    let accept_by = match next {
        SubOrderStatus::Placed => Some(accept_deadline(now)),
        SubOrderStatus::ReturnRequested => Some(Timestamp(now + Duration::hours(ANSWER_RETURN_WITHIN_HOURS))),
        _ => None,
    };
    let updated = s
        .execute(
            "UPDATE sub_orders SET status = $2, updated_at = $3, courier = COALESCE($4, courier), \
             tracking = COALESCE($5, tracking), reason = COALESCE($6, reason), accept_by = COALESCE($7, accept_by) \
             WHERE id = $1 AND status = $8",
            args![
                sub_order,
                next.code(),
                Timestamp(now),
                &courier,
                &tracking,
                &reason,
                accept_by,
                current.code()
            ],
        )
        .await?;
    if updated != 1 {
        return Err(MoveError::Conflict);
    }
    record_event(s, sub_order, next, event.code(), party, actor, event.note(), now).await?;
    let ends = matches!(next, SubOrderStatus::Cancelled | SubOrderStatus::Rejected);
    if ends && !current.has_left_seller() {
        return_stock(s, sub_order).await?;
    }
    if ends && current != SubOrderStatus::AwaitingPayment {
        crate::payments::refund_undelivered(s, order, sub_order, total, event.code(), now).await?;
    }
    // Shipping is the time of supply: the tax invoice is issued with it.
    if next == SubOrderStatus::Shipped {
        crate::documents::issue_for_shipment(s, sub_order, now).await?;
    }
    if next == SubOrderStatus::Returned {
        let reason = part
            .return_reason
            .ok_or_else(|| StoreError::Corrupt(format!("sub-order {sub_order} returned without a reason")))?;
        let amount = reason.refund_paise(total, part.delivery);
        crate::payments::owe_for_part(s, order, sub_order, amount, event.code(), now).await?;
        crate::documents::issue_credit_note(s, sub_order, reason.seller_at_fault(), now).await?;
        crate::ledger::goods_returned(s, sub_order, amount, now).await?;
    }
    if next == SubOrderStatus::Delivered {
        crate::ledger::sale_delivered(s, sub_order, part.terms.change_of_mind_days, now).await?;
    }
    // Everyone to tell, written in one statement; the sellers' notice reads
    // the buyer's phone along.
    let mut messages = Vec::new();
    let mut buyer_phone = None;
    if next == SubOrderStatus::Placed {
        let (to_sellers, phone) = seller_notices(s, sub_order, notices).await?;
        messages = to_sellers;
        buyer_phone = Some(phone);
    }
    if let OrderEvent::RequestReturn { reason, note } = event {
        messages.extend(return_notices(s, part, *reason, note, notices).await?);
    }
    // The buyer is told of every move but their own.
    if party != Party::Buyer {
        let phone = match buyer_phone {
            Some(phone) => phone,
            None => buyer_phone_of(s, order).await?,
        };
        messages.extend(buyer_notice(order, next, event.note(), phone, notices));
    }
    outbox::enqueue_all(s, &messages, now).await?;
    Ok(next)
}

/// The buyer's phone (if they still have one) and language.
async fn buyer_phone_of(s: &mut impl Statements, order: i64) -> Result<Option<(String, Locale)>, StoreError> {
    let row: Option<(Option<String>, String)> = s
        .fetch_optional(
            "SELECT u.phone, u.locale FROM orders o JOIN users u ON u.id = o.buyer_user_id WHERE o.id = $1",
            args![order],
        )
        .await?;
    Ok(row.and_then(|(phone, locale)| Some((phone?, locale_of(Some(&locale))))))
}

/// The message telling the buyer where an order stands, if the buyer has a phone.
fn buyer_notice(
    order: i64,
    status: SubOrderStatus,
    note: Option<String>,
    phone: Option<(String, Locale)>,
    notices: &dyn Notices,
) -> Option<NewMessage> {
    phone.map(|(recipient, locale)| {
        notices.to_buyer(&BuyerNotice {
            recipient,
            locale,
            order_number: order_number(order),
            status,
            note,
        })
    })
}

pub(crate) async fn notify_buyer(
    s: &mut impl Statements,
    order: i64,
    status: SubOrderStatus,
    note: Option<String>,
    notices: &dyn Notices,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let phone = buyer_phone_of(s, order).await?;
    if let Some(message) = buyer_notice(order, status, note, phone, notices) {
        outbox::enqueue_in(s, &message, now).await?;
    }
    Ok(())
}

/// Cancels the sub-orders whose stock hold expired unpaid, and those their
/// seller left unanswered past the deadline; approves the return requests
/// their seller left unanswered; returns how many moved.
pub async fn lapse_overdue(db: &Db, notices: &dyn Notices, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let overdue: Vec<(i64, String)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT s.id, s.status FROM sub_orders s JOIN orders o ON o.id = s.order_id \
             WHERE (s.status = 'awaiting_payment' AND o.hold_until < $1) \
             OR (s.status IN ('placed', 'return_requested') AND s.accept_by < $1) \
             ORDER BY s.id LIMIT 500",
        )
        .bind(Timestamp(now))
        .fetch_all(pool)
        .await?
    });
    let mut lapsed = 0;
    for (id, status) in overdue {
        let event = match status.as_str() {
            "awaiting_payment" => OrderEvent::PaymentLapsed,
            "return_requested" => OrderEvent::ReturnLapsed,
            _ => OrderEvent::AcceptanceLapsed,
        };
        // Another node, or the payment arriving, may have moved it first.
        match transition(db, SubOrderId(id), &event, Party::Platform, None, notices, now).await {
            Ok(_) => lapsed += 1,
            Err(MoveError::Transition(_) | MoveError::Conflict) => {}
            Err(MoveError::Store(e)) => return Err(e),
            Err(MoveError::NotFound) => {}
        }
    }
    Ok(lapsed)
}

// ---------------------------------------------------------------------------
// Reading orders

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderRecord {
    pub id: i64,
    pub buyer_user_id: i64,
    pub payment_method: String,
    pub ship_name: String,
    pub ship_phone: String,
    pub ship_line1: String,
    pub ship_line2: Option<String>,
    pub ship_city: String,
    pub ship_state: String,
    pub ship_pin: String,
    pub items_paise: i64,
    pub tax_paise: i64,
    pub delivery_paise: i64,
    pub total_paise: i64,
    pub hold_until: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl OrderRecord {
    pub fn number(&self) -> String {
        order_number(self.id)
    }

    pub fn method(&self) -> PaymentMethod {
        PaymentMethod::parse(&self.payment_method).unwrap_or(PaymentMethod::Online)
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SubOrderRecord {
    pub id: i64,
    pub order_id: i64,
    pub seller_user_id: i64,
    pub vendor_user_id: Option<i64>,
    pub seller_name: Option<String>,
    /// How the buyer reaches the seller, and where a return goes: the
    /// seller's phone and the pickup address of its approved application.
    pub seller_phone: Option<String>,
    pub seller_line1: Option<String>,
    pub seller_line2: Option<String>,
    pub seller_city: Option<String>,
    pub seller_pin: Option<String>,
    /// The GSTIN under which the part is supplied: the seller's, or for a
    /// sub-vendor without GST, its vendor's.
    pub supplier_gstin: Option<String>,
    /// `tax-invoice`, or `bill-of-supply` from an enrolled supplier without GST.
    pub supply_document: String,
    pub status: String,
    pub items_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
    pub delivery_paise: i64,
    pub total_paise: i64,
    pub accept_by: Option<Timestamp>,
    pub courier: Option<String>,
    pub tracking: Option<String>,
    /// The buyer's return reason code in a return; the seller's reason in a rejection.
    pub reason: Option<String>,
    pub created_at: Timestamp,
    /// When it last moved: for a delivered one, when it was delivered.
    pub updated_at: Timestamp,
    /// Its items' shortest return period; none if one takes no returns.
    pub change_of_mind_days: Option<i64>,
}

impl SubOrderRecord {
    pub fn status(&self) -> SubOrderStatus {
        SubOrderStatus::parse(&self.status).unwrap_or(SubOrderStatus::Cancelled)
    }

    pub fn return_terms(&self) -> ReturnTerms {
        ReturnTerms {
            change_of_mind_days: self.change_of_mind_days,
        }
    }

    /// The reasons its buyer may still give for returning it at `now`;
    /// none unless it is delivered.
    pub fn open_return_reasons(&self, now: DateTime<Utc>) -> Vec<ReturnReason> {
        if self.status() == SubOrderStatus::Delivered {
            self.return_terms().open_reasons(self.updated_at.0, now)
        } else {
            Vec::new()
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ItemRecord {
    pub sub_order_id: i64,
    pub listing_id: i64,
    pub title: String,
    pub variant_label: String,
    pub sku: String,
    pub hsn: String,
    pub unit_price_paise: i64,
    pub quantity: i64,
    pub gst_rate_bp: i64,
    pub tax_paise: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRecord {
    pub sub_order_id: i64,
    pub status: String,
    pub event: String,
    pub party: String,
    pub note: Option<String>,
    pub at: Timestamp,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RefundRecord {
    pub sub_order_id: Option<i64>,
    pub amount_paise: i64,
    pub status: String,
}

/// An order with everything its page shows.
#[derive(Clone, Debug)]
pub struct OrderView {
    pub order: OrderRecord,
    pub parts: Vec<SubOrderRecord>,
    pub items: Vec<ItemRecord>,
    pub events: Vec<EventRecord>,
    pub payments: Vec<crate::payments::PaymentRecord>,
    pub refunds: Vec<RefundRecord>,
}

const SELECT_ORDER: &str = "SELECT id, buyer_user_id, payment_method, ship_name, ship_phone, ship_line1, ship_line2, \
     ship_city, ship_state, ship_pin, items_paise, tax_paise, delivery_paise, total_paise, hold_until, created_at FROM orders";

const SELECT_SUB_ORDER: &str = concat!(
    "SELECT s.id, s.order_id, s.seller_user_id, s.vendor_user_id, a.display_name AS seller_name, \
     su.phone AS seller_phone, a.address_line1 AS seller_line1, a.address_line2 AS seller_line2, \
     a.city AS seller_city, a.pin AS seller_pin, COALESCE(a.gstin, va.gstin) AS supplier_gstin, \
     s.supply_document, s.status, s.items_paise, s.cgst_paise, s.sgst_paise, s.igst_paise, \
     s.delivery_paise, s.total_paise, s.accept_by, s.courier, s.tracking, s.reason, s.created_at, s.updated_at, \
     ",
    change_of_mind_days!(),
    " FROM sub_orders s \
     LEFT JOIN users su ON su.id = s.seller_user_id \
     LEFT JOIN seller_applications a ON a.id = (SELECT MAX(x.id) FROM seller_applications x \
         WHERE x.user_id = s.seller_user_id AND x.status = 'approved') \
     LEFT JOIN seller_applications va ON va.id = (SELECT MAX(y.id) FROM seller_applications y \
         WHERE y.user_id = s.vendor_user_id AND y.status = 'approved')"
);

/// An order and all its parts.
pub async fn order(db: &Db, id: OrderId) -> Result<Option<OrderView>, StoreError> {
    let view = dispatch!(db, pool => {
        // Six statements, one snapshot: a payment applied between two of
        // them must not show a paid order with unpaid parts.
        let mut conn = SnapshotRead::begin_snapshot(pool).await?;
        let order: Option<OrderRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_ORDER} WHERE id = $1")))
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await?;
        match order {
            None => None,
            Some(order) => {
                let parts = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_SUB_ORDER} WHERE s.order_id = $1 ORDER BY s.id")))
                    .bind(id.0)
                    .fetch_all(&mut *conn)
                    .await?;
                let items = sqlx::query_as(
                    "SELECT i.sub_order_id, i.listing_id, i.title, i.variant_label, i.sku, i.hsn, i.unit_price_paise, \
                     i.quantity, i.gst_rate_bp, i.tax_paise FROM order_items i JOIN sub_orders s ON s.id = i.sub_order_id \
                     WHERE s.order_id = $1 ORDER BY i.id",
                )
                .bind(id.0)
                .fetch_all(&mut *conn)
                .await?;
                let events = sqlx::query_as(
                    "SELECT e.sub_order_id, e.status, e.event, e.party, e.note, e.at FROM sub_order_events e \
                     JOIN sub_orders s ON s.id = e.sub_order_id WHERE s.order_id = $1 ORDER BY e.id",
                )
                .bind(id.0)
                .fetch_all(&mut *conn)
                .await?;
                let payments = sqlx::query_as(crate::payments::SELECT_PAYMENTS).bind(id.0).fetch_all(&mut *conn).await?;
                let refunds = sqlx::query_as(
                    "SELECT r.sub_order_id, r.amount_paise, r.status FROM refunds r JOIN payments p ON p.id = r.payment_id \
                     WHERE p.order_id = $1 ORDER BY r.id",
                )
                .bind(id.0)
                .fetch_all(&mut *conn)
                .await?;
                Some(OrderView { order, parts, items, events, payments, refunds })
            }
        }
    });
    Ok(view)
}

pub async fn of_buyer(db: &Db, buyer: UserId, limit: i64) -> Result<Vec<OrderRecord>, StoreError> {
    let orders = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_ORDER} WHERE buyer_user_id = $1 ORDER BY id DESC LIMIT $2")))
            .bind(buyer.0)
            .bind(limit)
            .fetch_all(pool)
            .await?
    });
    Ok(orders)
}

/// The sub-orders a seller keeps (its own and, for a vendor, its
/// sub-vendors'): those waiting for an answer first, then by newest.
pub async fn for_seller(db: &Db, seller: UserId, limit: i64) -> Result<Vec<SubOrderRecord>, StoreError> {
    let parts = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_SUB_ORDER} WHERE (s.seller_user_id = $1 OR s.vendor_user_id = $1) AND s.status <> 'awaiting_payment' \
             ORDER BY CASE s.status WHEN 'placed' THEN 0 WHEN 'return_requested' THEN 0 WHEN 'accepted' THEN 1 \
             WHEN 'packed' THEN 2 WHEN 'return_approved' THEN 2 ELSE 3 END, s.id DESC LIMIT $2"
        )))
        .bind(seller.0)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(parts)
}

/// One sub-order.
pub async fn sub_order(db: &Db, id: SubOrderId) -> Result<Option<SubOrderRecord>, StoreError> {
    let part = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_SUB_ORDER} WHERE s.id = $1")))
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(part)
}

/// The listings that sold the most units in orders placed since `since`
/// (and not cancelled, refused or unpaid), most first, at most `limit`.
pub async fn best_sellers(db: &Db, since: DateTime<Utc>, limit: i64) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64, i64)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT i.listing_id, CAST(SUM(i.quantity) AS BIGINT) AS sold FROM order_items i \
             JOIN sub_orders s ON s.id = i.sub_order_id \
             WHERE s.created_at >= $1 AND s.status NOT IN ('awaiting_payment', 'cancelled', 'rejected') \
             GROUP BY i.listing_id ORDER BY sold DESC, i.listing_id LIMIT $2",
        )
        .bind(Timestamp(since))
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(|(listing, _)| listing).collect())
}

/// The order `buyer` placed with this idempotency key, if any.
pub async fn by_key(db: &Db, buyer: UserId, key: &str) -> Result<Option<OrderId>, StoreError> {
    let mut tx = db.begin_read().await?;
    Ok(existing_order(&mut tx, buyer, key).await?.map(|(id, _)| OrderId(id)))
}

/// A seller's delivery and cash-on-delivery rules (the defaults until set).
pub async fn seller_terms(db: &Db, seller: UserId) -> Result<(DeliveryRule, CodRule), StoreError> {
    let mut tx = db.begin_read().await?;
    let terms = terms_of(&mut tx, seller).await?;
    Ok((terms.delivery, terms.cod))
}

/// Sets a seller's delivery and cash-on-delivery rules.
pub async fn set_seller_terms(
    db: &Db,
    seller: UserId,
    delivery: DeliveryRule,
    cod: CodRule,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    dispatch_write!(db, pool => {
        sqlx::query(
            "INSERT INTO seller_terms (user_id, delivery_flat_paise, delivery_free_from_paise, cod_allowed, cod_limit_paise, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id) DO UPDATE SET \
             delivery_flat_paise = excluded.delivery_flat_paise, delivery_free_from_paise = excluded.delivery_free_from_paise, \
             cod_allowed = excluded.cod_allowed, cod_limit_paise = excluded.cod_limit_paise, updated_at = excluded.updated_at",
        )
        .bind(seller.0)
        .bind(delivery.flat.0)
        .bind(delivery.free_from.map(|m| m.0))
        .bind(cod.allowed)
        .bind(cod.limit.0)
        .bind(Timestamp(now))
        .execute(pool)
        .await?;
    });
    Ok(())
}
