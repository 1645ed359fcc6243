-- Payouts: a state admin gathers everything payable up to a moment into a
-- batch, one line per payee with its bank account as the bank needs it;
-- the batch's file goes to the bank (sent), and each line is later marked
-- paid or failed. Making the batch posts each line as paid out (the money
-- is committed to the bank file); a failed line posts it back.
CREATE TABLE payout_batches (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    up_to       BIGINT  NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('created', 'sent')),
    created_by  BIGINT  REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    sent_at     BIGINT
);

CREATE TABLE payout_lines (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id         BIGINT  NOT NULL REFERENCES payout_batches (id),
    seller_user_id   BIGINT  NOT NULL REFERENCES users (id),
    amount_paise     BIGINT  NOT NULL CHECK (amount_paise > 0),
    beneficiary_name TEXT    NOT NULL,
    account_number   TEXT    NOT NULL,
    ifsc             TEXT    NOT NULL,
    -- The reference the bank shows the payee: unique, so answers match.
    reference        TEXT    NOT NULL UNIQUE,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
    failure          TEXT,
    decided_at       BIGINT,
    UNIQUE (batch_id, seller_user_id)
);

CREATE INDEX payout_lines_seller ON payout_lines (seller_user_id, id);

ALTER TABLE ledger_postings ADD COLUMN payout_line_id BIGINT  REFERENCES payout_lines (id);
