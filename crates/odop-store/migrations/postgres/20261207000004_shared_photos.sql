-- A photo's files may serve several listings: `odop gen` draws one picture
-- per craft and gives it to every listing of the craft, instead of writing
-- a million copies of a few hundred pictures. Files are deleted only when
-- no listing uses their key any more.
ALTER TABLE listing_photos DROP CONSTRAINT listing_photos_storage_key_key;
CREATE INDEX listing_photos_key ON listing_photos (storage_key);
