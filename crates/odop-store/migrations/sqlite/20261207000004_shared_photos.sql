-- no-transaction
-- A photo's files may serve several listings: `odop gen` draws one picture
-- per craft and gives it to every listing of the craft, instead of writing
-- a million copies of a few hundred pictures. Files are deleted only when
-- no listing uses their key any more.
--
-- SQLite cannot drop a column's UNIQUE in place, so the table is rebuilt
-- (the procedure in SQLite's ALTER TABLE documentation).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE listing_photos_shared (
    id          INTEGER PRIMARY KEY,
    listing_id  INTEGER NOT NULL REFERENCES listings (id),
    position    INTEGER NOT NULL,
    -- Resized copies are stored as {storage_key}-{width}.webp.
    storage_key TEXT    NOT NULL,
    -- The widths stored, ascending, comma-separated: "240,480,960".
    widths      TEXT    NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
INSERT INTO listing_photos_shared (id, listing_id, position, storage_key, widths, width, height, created_at)
    SELECT id, listing_id, position, storage_key, widths, width, height, created_at FROM listing_photos;
DROP TABLE listing_photos;
ALTER TABLE listing_photos_shared RENAME TO listing_photos;
CREATE INDEX listing_photos_listing ON listing_photos (listing_id, position);
CREATE INDEX listing_photos_key ON listing_photos (storage_key);
COMMIT;
PRAGMA foreign_keys = ON;
