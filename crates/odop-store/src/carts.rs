//! Carts: a guest's, found by the hash of the token in their cookie, and a
//! signed-in buyer's, found by their account; merged when a guest signs in.
//! A cart holds only what is on sale now, up to the stock there is.

use chrono::{DateTime, Utc};
use odop_domain::checkout::{Line, MAX_CART_LINES, MAX_QUANTITY};
use odop_domain::gst::GstRate;
use odop_domain::money::Money;
use odop_domain::{ListingId, UserId};

use crate::StoreError;
use crate::db::{Db, dispatch};
use crate::statements::{Columns, FromColumns, Statements, args, write_transaction};
use crate::time::Timestamp;

/// Whose cart.
#[derive(Clone, Copy, Debug)]
pub enum CartOwner<'a> {
    /// A guest, by the SHA-256 (hex) of their cart cookie's token.
    Guest(&'a str),
    Buyer(UserId),
}

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("this item is not on sale")]
    NotOnSale,
    #[error("only {available} left")]
    NotEnoughStock { available: i64 },
    #[error("at most {MAX_QUANTITY} of one item")]
    TooMany,
    #[error("a cart holds at most {MAX_CART_LINES} items")]
    Full,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CartError {
    fn from(error: sqlx::Error) -> Self {
        CartError::Store(error.into())
    }
}

/// The condition that a listing is on sale from a seller who stands (the
/// same rule as the catalogue's public pages), for a query aliasing the
/// listing `l`.
pub(crate) const ON_SALE: &str = "l.status = 'active' AND EXISTS (SELECT 1 FROM seller_applications a \
     WHERE a.user_id = l.seller_user_id AND a.status = 'approved' AND (a.seller_kind IN ('vendor', 'enrolled') OR EXISTS ( \
         SELECT 1 FROM sub_vendor_links t WHERE t.artisan_user_id = a.user_id \
         AND t.vendor_user_id = a.vendor_user_id AND t.status = 'active')))";

/// A cart line as the cart page shows it.
#[derive(Clone, Debug)]
pub struct CartLine {
    pub line: Line,
    pub slug: String,
    pub title_hi: Option<String>,
    /// Whether it can still be bought (on sale, from a seller who stands).
    pub on_sale: bool,
}

#[derive(sqlx::FromRow)]
pub(crate) struct LineRow {
    pub variant_id: i64,
    pub listing_id: i64,
    pub seller_user_id: i64,
    pub slug: String,
    pub title_en: Option<String>,
    pub title_hi: Option<String>,
    pub label: String,
    pub sku: String,
    pub hsn: String,
    /// The listing's return period in days; none: no returns.
    pub return_days: Option<i64>,
    pub price_paise: i64,
    pub gst_rate_bp: i64,
    pub stock: i64,
    pub quantity: i64,
    pub on_sale: bool,
}

impl FromColumns for LineRow {
    fn from_columns(row: &impl Columns) -> Result<Self, StoreError> {
        Ok(Self {
            variant_id: row.named("variant_id")?,
            listing_id: row.named("listing_id")?,
            seller_user_id: row.named("seller_user_id")?,
            slug: row.named("slug")?,
            title_en: row.named("title_en")?,
            title_hi: row.named("title_hi")?,
            label: row.named("label")?,
            sku: row.named("sku")?,
            hsn: row.named("hsn")?,
            return_days: row.named("return_days")?,
            price_paise: row.named("price_paise")?,
            gst_rate_bp: row.named("gst_rate_bp")?,
            stock: row.named("stock")?,
            quantity: row.named("quantity")?,
            on_sale: row.named("on_sale")?,
        })
    }
}

impl LineRow {
    pub(crate) fn line(&self) -> Line {
        Line {
            listing: ListingId(self.listing_id),
            variant: self.variant_id,
            seller: UserId(self.seller_user_id),
            title: self
                .title_en
                .clone()
                .or_else(|| self.title_hi.clone())
                .unwrap_or_default(),
            variant_label: self.label.clone(),
            sku: self.sku.clone(),
            unit_price: Money(self.price_paise),
            gst_rate: GstRate(u16::try_from(self.gst_rate_bp).unwrap_or(0)),
            quantity: self.quantity,
            stock: self.stock,
        }
    }
}

/// The columns of a line, for a query joining `listing_variants v` and
/// `listings l`, with the quantity given by `quantity`.
pub(crate) fn line_columns(quantity: &str) -> String {
    format!(
        "v.id AS variant_id, v.listing_id, l.seller_user_id, l.slug, l.title_en, l.title_hi, v.label, v.sku, l.hsn, \
         l.return_days, v.price_paise, l.gst_rate_bp, v.stock, {quantity} AS quantity, CASE WHEN {ON_SALE} THEN TRUE ELSE FALSE END AS on_sale"
    )
}

async fn find_cart(s: &mut impl Statements, owner: CartOwner<'_>) -> Result<Option<i64>, StoreError> {
    match owner {
        CartOwner::Guest(hash) => {
            s.optional_scalar("SELECT id FROM carts WHERE token_hash = $1", args![hash])
                .await
        }
        CartOwner::Buyer(user) => {
            s.optional_scalar("SELECT id FROM carts WHERE user_id = $1", args![user.0])
                .await
        }
    }
}

/// The owner's cart, made if missing and marked as changed now, in one
/// statement: this runs inside write transactions, where every statement
/// keeps other writers waiting.
async fn cart_for(s: &mut impl Statements, owner: CartOwner<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
    let (hash, user, key) = match owner {
        CartOwner::Guest(hash) => (Some(hash), None, "token_hash"),
        CartOwner::Buyer(user) => (None, Some(user.0), "user_id"),
    };
    let sql = format!(
        "INSERT INTO carts (token_hash, user_id, created_at, updated_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT ({key}) DO UPDATE SET updated_at = excluded.updated_at RETURNING id"
    );
    s.scalar(&sql, args![hash, user, Timestamp(now)]).await
}

/// Sets how many of a variant the cart holds (0 removes it), within the
/// limits and the stock there is now. `add` adds to what is there.
pub async fn put(
    db: &Db,
    owner: CartOwner<'_>,
    variant: i64,
    quantity: i64,
    add: bool,
    now: DateTime<Utc>,
) -> Result<(), CartError> {
    write_transaction!(db, s => put_in(&mut s, owner, variant, quantity, add, now).await)
}

async fn put_in(
    s: &mut impl Statements,
    owner: CartOwner<'_>,
    variant: i64,
    quantity: i64,
    add: bool,
    now: DateTime<Utc>,
) -> Result<(), CartError> {
    let cart = cart_for(s, owner, now).await?;
    // What the cart holds of it, how many lines it has, and the variant's
    // stock and standing, in one statement (one round trip while other
    // writers wait); the variant may be gone, so it is joined, not required.
    let (current, lines, stock, on_sale): (Option<i64>, i64, Option<i64>, bool) = s
        .fetch_one(
            &format!(
                "SELECT (SELECT quantity FROM cart_items WHERE cart_id = $1 AND variant_id = $2), \
                 (SELECT COUNT(*) FROM cart_items WHERE cart_id = $1), v.stock, \
                 CASE WHEN {ON_SALE} THEN TRUE ELSE FALSE END \
                 FROM (SELECT 1 AS one) AS this LEFT JOIN listing_variants v ON v.id = $2 \
                 LEFT JOIN listings l ON l.id = v.listing_id"
            ),
            args![cart, variant],
        )
        .await?;
    let wanted = if add { current.unwrap_or(0) + quantity } else { quantity };
    if wanted <= 0 {
        s.execute(
            "DELETE FROM cart_items WHERE cart_id = $1 AND variant_id = $2",
            args![cart, variant],
        )
        .await?;
        return Ok(());
    }
    let stock = match (stock, on_sale) {
        (Some(stock), true) => stock,
        _ => return Err(CartError::NotOnSale),
    };
    if wanted > MAX_QUANTITY {
        return Err(CartError::TooMany);
    }
    if wanted > stock {
        return Err(CartError::NotEnoughStock { available: stock });
    }
    if current.is_none() && lines >= MAX_CART_LINES as i64 {
        return Err(CartError::Full);
    }
    set_quantity(s, cart, variant, wanted, current.is_some(), now).await?;
    Ok(())
}

/// Writes how many of a variant a cart holds: an update of its line when
/// `has_line`, a new line otherwise.
async fn set_quantity(
    s: &mut impl Statements,
    cart: i64,
    variant: i64,
    quantity: i64,
    has_line: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if has_line {
        s.execute(
            "UPDATE cart_items SET quantity = $3 WHERE cart_id = $1 AND variant_id = $2",
            args![cart, variant, quantity],
        )
        .await?;
    } else {
        s.execute(
            "INSERT INTO cart_items (cart_id, variant_id, quantity, added_at) VALUES ($1, $2, $3, $4)",
            args![cart, variant, quantity, Timestamp(now)],
        )
        .await?;
    }
    Ok(())
}

/// The cart's lines, oldest first, with what each costs and whether it can
/// still be bought.
pub async fn lines(db: &Db, owner: CartOwner<'_>) -> Result<Vec<CartLine>, StoreError> {
    let (column, key): (&str, String) = match owner {
        CartOwner::Guest(hash) => ("token_hash", hash.to_owned()),
        CartOwner::Buyer(user) => ("user_id", user.0.to_string()),
    };
    let sql = format!(
        "SELECT {} FROM carts c JOIN cart_items i ON i.cart_id = c.id JOIN listing_variants v ON v.id = i.variant_id \
         JOIN listings l ON l.id = v.listing_id WHERE c.{column} = $1 ORDER BY i.added_at, v.id",
        line_columns("i.quantity")
    );
    let rows: Vec<LineRow> = dispatch!(db, pool => {
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        match owner {
            CartOwner::Guest(_) => query.bind(key).fetch_all(pool).await?,
            CartOwner::Buyer(user) => query.bind(user.0).fetch_all(pool).await?,
        }
    });
    Ok(rows
        .into_iter()
        .map(|row| CartLine {
            line: row.line(),
            slug: row.slug.clone(),
            title_hi: row.title_hi.clone(),
            on_sale: row.on_sale,
        })
        .collect())
}

/// Moves a guest's cart into the buyer's at sign-in: quantities add up to
/// the per-item limit, and the guest cart is gone.
pub async fn merge(db: &Db, guest_token_hash: &str, buyer: UserId, now: DateTime<Utc>) -> Result<Merged, StoreError> {
    write_transaction!(db, s => merge_in(&mut s, guest_token_hash, buyer, now).await)
}

/// What joining a guest's cart to the buyer's did, so the buyer can be told.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Lines the guest's cart brought.
    pub lines: usize,
    /// Of those, lines the buyer's cart held already, whose quantities were
    /// added together (up to the limit of one item).
    pub combined: usize,
}

async fn merge_in(
    s: &mut impl Statements,
    guest_token_hash: &str,
    buyer: UserId,
    now: DateTime<Utc>,
) -> Result<Merged, StoreError> {
    let Some(guest) = find_cart(s, CartOwner::Guest(guest_token_hash)).await? else {
        return Ok(Merged::default());
    };
    let cart = cart_for(s, CartOwner::Buyer(buyer), now).await?;
    let items: Vec<(i64, i64)> = s
        .fetch_all(
            "SELECT variant_id, quantity FROM cart_items WHERE cart_id = $1",
            args![guest],
        )
        .await?;
    let mut merged = Merged {
        lines: items.len(),
        combined: 0,
    };
    for (variant, quantity) in items {
        let mine: Option<i64> = s
            .optional_scalar(
                "SELECT quantity FROM cart_items WHERE cart_id = $1 AND variant_id = $2",
                args![cart, variant],
            )
            .await?;
        merged.combined += usize::from(mine.is_some());
        let total = (mine.unwrap_or(0) + quantity).min(MAX_QUANTITY);
        set_quantity(s, cart, variant, total, mine.is_some(), now).await?;
    }
    s.execute("DELETE FROM carts WHERE id = $1", args![guest]).await?;
    Ok(merged)
}

/// Removes bought variants from the buyer's cart, inside the order's
/// transaction.
pub(crate) async fn remove_bought(s: &mut impl Statements, buyer: UserId, variants: &[i64]) -> Result<(), StoreError> {
    for variant in variants {
        s.execute(
            "DELETE FROM cart_items WHERE variant_id = $2 AND cart_id = (SELECT id FROM carts WHERE user_id = $1)",
            args![buyer.0, *variant],
        )
        .await?;
    }
    Ok(())
}
