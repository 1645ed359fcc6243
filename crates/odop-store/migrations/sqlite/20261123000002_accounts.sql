-- Accounts, sign-in, notifications and seller onboarding.
-- Times are INTEGER milliseconds since the Unix epoch, UTC, on both backends,
-- so that comparisons and windows are plain integer arithmetic everywhere.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    -- E.164 (+91...). NULL once the person has deleted the account.
    phone         TEXT UNIQUE,
    display_name  TEXT,
    locale        TEXT    NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'hi')),
    -- argon2id PHC string; only staff have one.
    password_hash TEXT,
    created_at    INTEGER NOT NULL,
    deleted_at    INTEGER
);

CREATE TABLE staff_roles (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    role        TEXT    NOT NULL CHECK (role IN ('district_officer', 'state_admin', 'outlet_operator')),
    -- The district an officer serves; NULL for the other roles.
    district_id INTEGER REFERENCES districts (id),
    granted_by  INTEGER REFERENCES users (id),
    granted_at  INTEGER NOT NULL,
    CHECK ((role = 'district_officer') = (district_id IS NOT NULL))
);

CREATE UNIQUE INDEX staff_roles_unique ON staff_roles (user_id, role, COALESCE(district_id, 0));

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token, so that a copy of the database opens no session.
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    staff        BOOLEAN NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE otp_challenges (
    id          INTEGER PRIMARY KEY,
    phone       TEXT    NOT NULL,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('sign_in', 'accept_invitation')),
    -- What the code confirms, for purposes about one thing (an invitation).
    subject_id  INTEGER,
    -- argon2id of the code: a six-digit code is never stored as it is.
    code_hash   TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    consumed_at INTEGER
);

CREATE INDEX otp_challenges_phone ON otp_challenges (phone, purpose, created_at);

CREATE TABLE rate_limits (
    bucket       TEXT    NOT NULL,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT    NOT NULL CHECK (channel IN ('sms')),
    recipient       TEXT    NOT NULL,
    -- Cleared once a sensitive message (a one-time code) has been delivered.
    body            TEXT,
    sensitive       BOOLEAN NOT NULL,
    kind            TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    -- A worker holds the message until then; after it, another may take it.
    locked_until    INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE seller_applications (
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
    seller_kind    TEXT    NOT NULL CHECK (seller_kind IN ('vendor', 'sub-vendor')),
    gstin          TEXT,
    vendor_user_id INTEGER REFERENCES users (id),
    consent_at     INTEGER NOT NULL,
    submitted_at   INTEGER NOT NULL,
    decided_at     INTEGER,
    decision_reason TEXT,
    -- Set when the applicant deleted the account: personal fields are erased.
    erased_at      INTEGER
);

CREATE INDEX seller_applications_queue ON seller_applications (status, district_id, submitted_at);
CREATE INDEX seller_applications_user ON seller_applications (user_id);
-- One open or approved application per person, even under concurrent submissions.
CREATE UNIQUE INDEX seller_applications_one_open ON seller_applications (user_id)
    WHERE status IN ('submitted', 'returned', 'approved');

CREATE TABLE application_events (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES seller_applications (id),
    actor_user_id  INTEGER NOT NULL REFERENCES users (id),
    action         TEXT    NOT NULL CHECK (action IN ('submitted', 'resubmitted', 'approved', 'returned', 'rejected')),
    reason         TEXT,
    at             INTEGER NOT NULL
);

CREATE INDEX application_events_application ON application_events (application_id, at);

CREATE TABLE application_documents (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES seller_applications (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('pan_card', 'bank_proof', 'gst_certificate', 'craft_proof')),
    file_name      TEXT    NOT NULL,
    content_type   TEXT    NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes     INTEGER NOT NULL,
    storage_key    TEXT    NOT NULL UNIQUE,
    uploaded_at    INTEGER NOT NULL,
    deleted_at     INTEGER
);

CREATE INDEX application_documents_application ON application_documents (application_id);

CREATE TABLE sub_vendor_links (
    id             INTEGER PRIMARY KEY,
    vendor_user_id INTEGER NOT NULL REFERENCES users (id),
    phone          TEXT,
    artisan_user_id INTEGER REFERENCES users (id),
    status         TEXT    NOT NULL CHECK (status IN ('invited', 'active', 'left', 'removed', 'declined')),
    invited_at     INTEGER NOT NULL,
    accepted_at    INTEGER,
    ended_at       INTEGER
);

CREATE INDEX sub_vendor_links_vendor ON sub_vendor_links (vendor_user_id, status);
CREATE INDEX sub_vendor_links_phone ON sub_vendor_links (phone, status);
CREATE INDEX sub_vendor_links_artisan ON sub_vendor_links (artisan_user_id, status);
