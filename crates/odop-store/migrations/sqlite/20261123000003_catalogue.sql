-- The catalogue: listings with variants and photos, the GST rate table,
-- and the change log that search indexes follow.

CREATE TABLE gst_rates (
    id                 INTEGER PRIMARY KEY,
    hsn_prefix         TEXT    NOT NULL,
    -- YYYY-MM-DD.
    effective_from     TEXT    NOT NULL,
    rate_bp            INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    -- The rule applies up to this unit price (apparel and footwear bands).
    up_to_price_paise  INTEGER,
    note               TEXT    NOT NULL
);

CREATE UNIQUE INDEX gst_rates_unique ON gst_rates (hsn_prefix, effective_from, COALESCE(up_to_price_paise, -1));

CREATE TABLE listings (
    id             INTEGER PRIMARY KEY,
    seller_user_id INTEGER NOT NULL REFERENCES users (id),
    district_id    INTEGER NOT NULL REFERENCES districts (id),
    craft          TEXT    NOT NULL,
    slug           TEXT    NOT NULL,
    title_en       TEXT,
    title_hi       TEXT,
    description_en TEXT,
    description_hi TEXT,
    hsn            TEXT    NOT NULL,
    gst_rate_bp    INTEGER NOT NULL,
    weight_grams   INTEGER NOT NULL,
    length_mm      INTEGER,
    width_mm       INTEGER,
    height_mm      INTEGER,
    -- NULL: not returnable.
    return_days    INTEGER,
    origin         TEXT    NOT NULL,
    gi_tagged      BOOLEAN NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'deleted')),
    -- Who last changed it: the seller, or their vendor acting for them.
    updated_by     INTEGER NOT NULL REFERENCES users (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    published_at   INTEGER
);

CREATE INDEX listings_seller ON listings (seller_user_id, status);
CREATE INDEX listings_public ON listings (status, district_id, craft);

CREATE TABLE listing_variants (
    id          INTEGER PRIMARY KEY,
    listing_id  INTEGER NOT NULL REFERENCES listings (id),
    position    INTEGER NOT NULL,
    label       TEXT    NOT NULL,
    sku         TEXT    NOT NULL,
    price_paise INTEGER NOT NULL CHECK (price_paise > 0),
    mrp_paise   INTEGER NOT NULL CHECK (mrp_paise >= price_paise),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    UNIQUE (listing_id, sku)
);

CREATE TABLE listing_photos (
    id          INTEGER PRIMARY KEY,
    listing_id  INTEGER NOT NULL REFERENCES listings (id),
    position    INTEGER NOT NULL,
    -- Resized copies are stored as {storage_key}-{width}.webp.
    storage_key TEXT    NOT NULL UNIQUE,
    -- The widths stored, ascending, comma-separated: "240,480,960".
    widths      TEXT    NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE INDEX listing_photos_listing ON listing_photos (listing_id, position);

-- Every change others must see (search indexes on every node) is appended
-- here in the transaction that makes it.
CREATE TABLE changes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT    NOT NULL,
    entity_id INTEGER NOT NULL,
    at        INTEGER NOT NULL
);
