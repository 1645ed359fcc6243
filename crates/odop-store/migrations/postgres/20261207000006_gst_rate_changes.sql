-- The GST rate table is corrected and extended by state admins, from a
-- date: every change is kept, with who made it, when, and why. Rates
-- themselves stay in gst_rates (one row per prefix, date and price band).
CREATE TABLE gst_rate_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hsn_prefix         TEXT    NOT NULL,
    effective_from     TEXT    NOT NULL,
    up_to_price_paise  BIGINT,
    -- The rate before the change; none when the line was added.
    previous_rate_bp   BIGINT,
    rate_bp            BIGINT  NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    note               TEXT    NOT NULL,
    changed_by         BIGINT  NOT NULL REFERENCES users (id),
    changed_at         BIGINT  NOT NULL
);

CREATE INDEX gst_rate_changes_at ON gst_rate_changes (changed_at);

-- The HSN codes under which each ODOP product is usually sold, most usual
-- first, comma-separated: what the listing form offers for the craft.
ALTER TABLE district_products ADD COLUMN hsn_codes TEXT NOT NULL DEFAULT '';
