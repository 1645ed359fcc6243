-- The scheme's registry: divisions, districts and each district's ODOP products.
-- Public keys are slugs; integer ids stay inside the database.
-- Order on screen is the seed's order, kept in `position`, so that both
-- backends list things identically whatever their collation.

CREATE TABLE divisions (
    id       INTEGER PRIMARY KEY,
    slug     TEXT    NOT NULL UNIQUE,
    name_en  TEXT    NOT NULL,
    name_hi  TEXT    NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE districts (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    division_id   INTEGER NOT NULL REFERENCES divisions (id),
    name_en       TEXT    NOT NULL,
    name_hi       TEXT    NOT NULL,
    confidence    TEXT    NOT NULL CHECK (confidence IN ('high', 'medium')),
    featured_rank INTEGER CHECK (featured_rank > 0),
    position      INTEGER NOT NULL
);

CREATE INDEX districts_division ON districts (division_id);

CREATE TABLE district_products (
    id             INTEGER PRIMARY KEY,
    district_id    INTEGER NOT NULL REFERENCES districts (id),
    slug           TEXT    NOT NULL,
    name_en        TEXT    NOT NULL,
    name_hi        TEXT    NOT NULL,
    description_en TEXT    NOT NULL,
    description_hi TEXT    NOT NULL,
    -- ISO 8601 of reduced precision: '2018-01-24', or '2025' when only the year is known.
    added_on       TEXT    CHECK (added_on GLOB '[0-9][0-9][0-9][0-9]'
                               OR added_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    gi_status      TEXT    NOT NULL CHECK (gi_status IN ('registered', 'likely', 'none', 'unknown')),
    gi_name        TEXT,
    position       INTEGER NOT NULL,
    UNIQUE (district_id, slug)
);
