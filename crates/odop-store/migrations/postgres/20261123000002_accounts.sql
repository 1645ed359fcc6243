-- Accounts, sign-in, notifications and seller onboarding.
-- Every integer is BIGINT so that Rust reads i64 from both backends.
-- Times are BIGINT milliseconds since the Unix epoch, UTC, on both backends,
-- so that comparisons and windows are plain integer arithmetic everywhere.

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- E.164 (+91...). NULL once the person has deleted the account.
    phone         TEXT UNIQUE,
    display_name  TEXT,
    locale        TEXT    NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'hi')),
    -- argon2id PHC string; only staff have one.
    password_hash TEXT,
    created_at    BIGINT NOT NULL,
    deleted_at    BIGINT
);

CREATE TABLE staff_roles (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    role        TEXT    NOT NULL CHECK (role IN ('district_officer', 'state_admin', 'outlet_operator')),
    -- The district an officer serves; NULL for the other roles.
    district_id BIGINT REFERENCES districts (id),
    granted_by  BIGINT REFERENCES users (id),
    granted_at  BIGINT NOT NULL,
    CHECK ((role = 'district_officer') = (district_id IS NOT NULL))
);

CREATE UNIQUE INDEX staff_roles_unique ON staff_roles (user_id, role, COALESCE(district_id, 0));

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token, so that a copy of the database opens no session.
    token_hash   TEXT    PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    staff        BOOLEAN NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE otp_challenges (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone       TEXT    NOT NULL,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('sign_in', 'accept_invitation')),
    -- What the code confirms, for purposes about one thing (an invitation).
    subject_id  BIGINT,
    -- argon2id of the code: a six-digit code is never stored as it is.
    code_hash   TEXT    NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    consumed_at BIGINT
);

CREATE INDEX otp_challenges_phone ON otp_challenges (phone, purpose, created_at);

CREATE TABLE rate_limits (
    bucket       TEXT    NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel         TEXT    NOT NULL CHECK (channel IN ('sms')),
    recipient       TEXT    NOT NULL,
    -- Cleared once a sensitive message (a one-time code) has been delivered.
    body            TEXT,
    sensitive       BOOLEAN NOT NULL,
    kind            TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- A worker holds the message until then; after it, another may take it.
    locked_until    BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE seller_applications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users (id),
    status         TEXT    NOT NULL CHECK (status IN ('submitted', 'returned', 'approved', 'rejected')),
    district_id    BIGINT NOT NULL REFERENCES districts (id),
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
    vendor_user_id BIGINT REFERENCES users (id),
    consent_at     BIGINT NOT NULL,
    submitted_at   BIGINT NOT NULL,
    decided_at     BIGINT,
    decision_reason TEXT,
    -- Set when the applicant deleted the account: personal fields are erased.
    erased_at      BIGINT
);

CREATE INDEX seller_applications_queue ON seller_applications (status, district_id, submitted_at);
CREATE INDEX seller_applications_user ON seller_applications (user_id);
-- One open or approved application per person, even under concurrent submissions.
CREATE UNIQUE INDEX seller_applications_one_open ON seller_applications (user_id)
    WHERE status IN ('submitted', 'returned', 'approved');

CREATE TABLE application_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES seller_applications (id),
    actor_user_id  BIGINT NOT NULL REFERENCES users (id),
    action         TEXT    NOT NULL CHECK (action IN ('submitted', 'resubmitted', 'approved', 'returned', 'rejected')),
    reason         TEXT,
    at             BIGINT NOT NULL
);

CREATE INDEX application_events_application ON application_events (application_id, at);

CREATE TABLE application_documents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES seller_applications (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('pan_card', 'bank_proof', 'gst_certificate', 'craft_proof')),
    file_name      TEXT    NOT NULL,
    content_type   TEXT    NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes     BIGINT NOT NULL,
    storage_key    TEXT    NOT NULL UNIQUE,
    uploaded_at    BIGINT NOT NULL,
    deleted_at     BIGINT
);

CREATE INDEX application_documents_application ON application_documents (application_id);

CREATE TABLE sub_vendor_links (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_user_id BIGINT NOT NULL REFERENCES users (id),
    phone          TEXT,
    artisan_user_id BIGINT REFERENCES users (id),
    status         TEXT    NOT NULL CHECK (status IN ('invited', 'active', 'left', 'removed', 'declined')),
    invited_at     BIGINT NOT NULL,
    accepted_at    BIGINT,
    ended_at       BIGINT
);

CREATE INDEX sub_vendor_links_vendor ON sub_vendor_links (vendor_user_id, status);
CREATE INDEX sub_vendor_links_phone ON sub_vendor_links (phone, status);
CREATE INDEX sub_vendor_links_artisan ON sub_vendor_links (artisan_user_id, status);
