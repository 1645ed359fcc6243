-- The scheme's registry: divisions, districts and each district's ODOP products.
-- Public keys are slugs; integer ids stay inside the database.
-- Order on screen is the seed's order, kept in `position`, so that both
-- backends list things identically whatever their collation.
-- Every integer is BIGINT so that Rust reads i64 from both backends.

CREATE TABLE divisions (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug     TEXT   NOT NULL UNIQUE,
    name_en  TEXT   NOT NULL,
    name_hi  TEXT   NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE districts (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          TEXT   NOT NULL UNIQUE,
    division_id   BIGINT NOT NULL REFERENCES divisions (id),
    name_en       TEXT   NOT NULL,
    name_hi       TEXT   NOT NULL,
    confidence    TEXT   NOT NULL CHECK (confidence IN ('high', 'medium')),
    featured_rank BIGINT CHECK (featured_rank > 0),
    position      BIGINT NOT NULL
);

CREATE INDEX districts_division ON districts (division_id);

CREATE TABLE district_products (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    district_id    BIGINT NOT NULL REFERENCES districts (id),
    slug           TEXT   NOT NULL,
    name_en        TEXT   NOT NULL,
    name_hi        TEXT   NOT NULL,
    description_en TEXT   NOT NULL,
    description_hi TEXT   NOT NULL,
    -- ISO 8601 of reduced precision: '2018-01-24', or '2025' when only the year is known.
    added_on       TEXT   CHECK (added_on ~ '^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$'),
    gi_status      TEXT   NOT NULL CHECK (gi_status IN ('registered', 'likely', 'none', 'unknown')),
    gi_name        TEXT,
    position       BIGINT NOT NULL,
    UNIQUE (district_id, slug)
);
