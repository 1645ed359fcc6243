-- no-transaction
-- Enrolled suppliers (CGST Notification 34/2023): sellers without GST who
-- hold an enrolment number from the GST portal, sell on their own within
-- UP, and give bills of supply. Applications gain the kind and the number.
--
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt
-- (the procedure in SQLite's ALTER TABLE documentation): foreign keys off
-- outside the transaction, copy, drop, rename, indexes again. The tables
-- that refer to seller_applications name it, so they refer to the new one.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE seller_applications_enrolled (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    status         TEXT    NOT NULL CHECK (status IN ('submitted', 'returned', 'approved', 'rejected')),
    district_id    INTEGER NOT NULL REFERENCES districts (id),
    craft          TEXT    NOT NULL,
    display_name   TEXT    NOT NULL,
    legal_name     TEXT,
    bio_en         TEXT,
    bio_hi         TEXT,
    address_line1  TEXT,
    address_line2  TEXT,
    city           TEXT,
    pin            TEXT,
    account_holder TEXT,
    account_number TEXT,
    ifsc           TEXT,
    pan            TEXT,
    udyam          TEXT,
    seller_kind    TEXT    NOT NULL CHECK (seller_kind IN ('vendor', 'sub-vendor', 'enrolled')),
    gstin          TEXT,
    vendor_user_id INTEGER REFERENCES users (id),
    -- An enrolled supplier's enrolment number (CGST Notification 34/2023).
    enrolment_number TEXT,
    consent_at     INTEGER NOT NULL,
    submitted_at   INTEGER NOT NULL,
    decided_at     INTEGER,
    decision_reason TEXT,
    -- Set when the applicant deleted the account: personal fields are erased.
    erased_at      INTEGER
);
INSERT INTO seller_applications_enrolled (id, user_id, status, district_id, craft, display_name, legal_name, bio_en, bio_hi, address_line1, address_line2, city, pin, account_holder, account_number, ifsc, pan, udyam, seller_kind, gstin, vendor_user_id, consent_at, submitted_at, decided_at, decision_reason, erased_at)
    SELECT id, user_id, status, district_id, craft, display_name, legal_name, bio_en, bio_hi, address_line1, address_line2, city, pin, account_holder, account_number, ifsc, pan, udyam, seller_kind, gstin, vendor_user_id, consent_at, submitted_at, decided_at, decision_reason, erased_at FROM seller_applications;
DROP TABLE seller_applications;
ALTER TABLE seller_applications_enrolled RENAME TO seller_applications;
CREATE INDEX seller_applications_queue ON seller_applications (status, district_id, submitted_at);
CREATE INDEX seller_applications_user ON seller_applications (user_id);
-- One open or approved application per person, even under concurrent submissions.
CREATE UNIQUE INDEX seller_applications_one_open ON seller_applications (user_id)
    WHERE status IN ('submitted', 'returned', 'approved');
COMMIT;
PRAGMA foreign_keys = ON;
