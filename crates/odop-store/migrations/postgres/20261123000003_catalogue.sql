-- The catalogue: listings with variants and photos, the GST rate table,
-- and the change log that search indexes follow.
-- Every integer is BIGINT so that Rust reads i64 from both backends.

CREATE TABLE gst_rates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hsn_prefix         TEXT    NOT NULL,
    -- YYYY-MM-DD.
    effective_from     TEXT    NOT NULL,
    rate_bp            BIGINT NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    -- The rule applies up to this unit price (apparel and footwear bands).
    up_to_price_paise  BIGINT,
    note               TEXT    NOT NULL
);

CREATE UNIQUE INDEX gst_rates_unique ON gst_rates (hsn_prefix, effective_from, COALESCE(up_to_price_paise, -1));

CREATE TABLE listings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seller_user_id BIGINT NOT NULL REFERENCES users (id),
    district_id    BIGINT NOT NULL REFERENCES districts (id),
    craft          TEXT    NOT NULL,
    slug           TEXT    NOT NULL,
    title_en       TEXT,
    title_hi       TEXT,
    description_en TEXT,
    description_hi TEXT,
    hsn            TEXT    NOT NULL,
    gst_rate_bp    BIGINT NOT NULL,
    weight_grams   BIGINT NOT NULL,
    length_mm      BIGINT,
    width_mm       BIGINT,
    height_mm      BIGINT,
    -- NULL: not returnable.
    return_days    BIGINT,
    origin         TEXT    NOT NULL,
    gi_tagged      BOOLEAN NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'deleted')),
    -- Who last changed it: the seller, or their vendor acting for them.
    updated_by     BIGINT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    published_at   BIGINT
);

CREATE INDEX listings_seller ON listings (seller_user_id, status);
CREATE INDEX listings_public ON listings (status, district_id, craft);

CREATE TABLE listing_variants (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    listing_id  BIGINT NOT NULL REFERENCES listings (id),
    position    BIGINT NOT NULL,
    label       TEXT    NOT NULL,
    sku         TEXT    NOT NULL,
    price_paise BIGINT NOT NULL CHECK (price_paise > 0),
    mrp_paise   BIGINT NOT NULL CHECK (mrp_paise >= price_paise),
    stock       BIGINT NOT NULL CHECK (stock >= 0),
    UNIQUE (listing_id, sku)
);

CREATE TABLE listing_photos (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    listing_id  BIGINT NOT NULL REFERENCES listings (id),
    position    BIGINT NOT NULL,
    -- Resized copies are stored as {storage_key}-{width}.webp.
    storage_key TEXT    NOT NULL UNIQUE,
    -- The widths stored, ascending, comma-separated: "240,480,960".
    widths      TEXT    NOT NULL,
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX listing_photos_listing ON listing_photos (listing_id, position);

-- Every change others must see (search indexes on every node) is appended
-- here in the transaction that makes it.
CREATE TABLE changes (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity    TEXT    NOT NULL,
    entity_id BIGINT NOT NULL,
    at        BIGINT NOT NULL
);
