-- Polls and admins' quiz questions (a poll with a right answer), their
-- choices, and the answers: one per poll per device and one per poll per
-- account, decided by unique indexes so that concurrent answers count once.
CREATE TABLE polls (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question_en    TEXT    NOT NULL,
    question_hi    TEXT    NOT NULL,
    -- The right choice's position for a quiz question; NULL for a poll.
    correct        BIGINT,
    explanation_en TEXT    NOT NULL DEFAULT '',
    explanation_hi TEXT    NOT NULL DEFAULT '',
    district_id    BIGINT REFERENCES districts (id),
    opens_at       BIGINT NOT NULL,
    closes_at      BIGINT NOT NULL,
    -- Set when an admin closes the poll before its time.
    closed_at      BIGINT,
    created_by     BIGINT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CHECK (closes_at > opens_at)
);

CREATE INDEX polls_window ON polls (closes_at, opens_at);

CREATE TABLE poll_choices (
    poll_id  BIGINT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position BIGINT NOT NULL CHECK (position BETWEEN 0 AND 5),
    text_en  TEXT    NOT NULL,
    text_hi  TEXT    NOT NULL,
    PRIMARY KEY (poll_id, position)
);

CREATE TABLE poll_answers (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    poll_id     BIGINT NOT NULL REFERENCES polls (id),
    choice      BIGINT NOT NULL,
    -- Whether a quiz question was answered rightly; NULL for a poll.
    correct     BOOLEAN,
    device_hash TEXT    NOT NULL,
    user_id     BIGINT REFERENCES users (id),
    answered_at BIGINT NOT NULL,
    UNIQUE (poll_id, device_hash),
    FOREIGN KEY (poll_id, choice) REFERENCES poll_choices (poll_id, position)
);

CREATE UNIQUE INDEX poll_answers_account ON poll_answers (poll_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX poll_answers_counts ON poll_answers (poll_id, choice);
CREATE INDEX poll_answers_player ON poll_answers (user_id, answered_at) WHERE user_id IS NOT NULL;
CREATE INDEX quiz_answers_player ON quiz_answers (user_id, answered_at) WHERE user_id IS NOT NULL;

-- The name a signed-in player chose to appear under on the weekly
-- leaderboard. Only players who chose one appear: nobody is listed by the
-- name or number of their account without asking.
CREATE TABLE quiz_players (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id),
    nickname   TEXT    NOT NULL,
    updated_at BIGINT NOT NULL
);
