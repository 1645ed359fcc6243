-- The tamper-evident audit log: every state change that matters appends an
-- entry in the transaction that makes it. Entries are numbered 1, 2, 3…
-- and each stores the SHA-256 of the one before and its own (computed by
-- `odop_trust::chain`), so a row altered, removed or moved afterwards is
-- found by `odop audit verify`. `audit_head` is the chain's end: a writer
-- takes the next number and the previous hash from it with one update,
-- which on PostgreSQL holds its row until the writer commits, so the chain
-- stays one line whatever the number of nodes.
CREATE TABLE audit_entries (
    seq           INTEGER PRIMARY KEY CHECK (seq >= 1),
    at            INTEGER NOT NULL,
    -- The account that acted; NULL for the system (webhooks, housekeeping,
    -- command-line tools). No reference to `users`: the log outlives an
    -- account's erasure, and holds its id, never its details.
    actor_user_id INTEGER,
    actor_role    TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    object_kind   TEXT    NOT NULL,
    object_id     TEXT    NOT NULL,
    before_state  TEXT,
    after_state   TEXT,
    note          TEXT,
    prev_hash     TEXT    NOT NULL CHECK (length(prev_hash) = 64),
    hash          TEXT    NOT NULL CHECK (length(hash) = 64)
);
CREATE INDEX audit_entries_object ON audit_entries (object_kind, object_id, seq);
CREATE INDEX audit_entries_actor ON audit_entries (actor_user_id, seq);
CREATE INDEX audit_entries_at ON audit_entries (at);

CREATE TRIGGER audit_entries_immutable BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END;
CREATE TRIGGER audit_entries_kept BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit entries are never deleted'); END;

CREATE TABLE audit_head (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (one, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The chain's head as signed by the platform's key, each day and on
-- demand, published at /audit/checkpoints for outsiders to keep.
CREATE TABLE audit_checkpoints (
    seq        INTEGER PRIMARY KEY,
    hash       TEXT    NOT NULL,
    signed_at  INTEGER NOT NULL,
    key_id     TEXT    NOT NULL,
    signature  TEXT    NOT NULL
);
CREATE INDEX audit_checkpoints_signed ON audit_checkpoints (signed_at);
CREATE TRIGGER audit_checkpoints_immutable BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are never changed'); END;
CREATE TRIGGER audit_checkpoints_kept BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are never deleted'); END;
