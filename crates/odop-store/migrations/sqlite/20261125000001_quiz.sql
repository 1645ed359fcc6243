-- Answers to the daily quiz: one per question per device, and one per
-- question per account. Nothing about the player is kept beyond the hash of
-- a random device token (and the account, when signed in).
CREATE TABLE quiz_answers (
    id          INTEGER PRIMARY KEY,
    -- The quiz's day in India, YYYY-MM-DD.
    day         TEXT    NOT NULL,
    question    INTEGER NOT NULL CHECK (question BETWEEN 0 AND 9),
    device_hash TEXT    NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    choice      INTEGER NOT NULL CHECK (choice BETWEEN 0 AND 9),
    correct     BOOLEAN NOT NULL,
    answered_at INTEGER NOT NULL,
    UNIQUE (day, question, device_hash)
);

CREATE UNIQUE INDEX quiz_answers_account ON quiz_answers (day, question, user_id) WHERE user_id IS NOT NULL;
