-- Staff sign in with their password and a second factor: a code sent by
-- SMS, or, once they set one up, a code from an authenticator app (TOTP,
-- RFC 6238). The app's secret is kept base32-encoded as the app knows it;
-- the last time step used is kept so that no code is accepted twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- A password accepted, waiting for its second factor: found by the hash of
-- the token in the browser's cookie, for five minutes and five tries.
CREATE TABLE staff_sign_ins (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    -- The argon2id hash of the code sent by SMS; NULL when the second
    -- factor is the authenticator app.
    code_hash  TEXT,
    attempts   BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT
);

CREATE INDEX staff_sign_ins_expiry ON staff_sign_ins (expires_at);
