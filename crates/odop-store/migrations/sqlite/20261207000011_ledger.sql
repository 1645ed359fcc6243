-- The marketplace's books: double-entry postings, each made in the
-- transaction of the event that moves the money (a payment captured, a
-- part delivered, cancelled or returned, a payout). A posting's entries sum
-- to zero (debits positive, credits negative); balances are sums of
-- entries, never stored; nothing is updated or deleted (the triggers below
-- refuse), a mistake being put right by a posting that reverses it.
CREATE TABLE ledger_postings (
    id            INTEGER PRIMARY KEY,
    event         TEXT    NOT NULL CHECK (event IN ('payment-captured', 'refunded-undelivered', 'sale-completed',
                                                    'returned', 'paid-out', 'payout-failed')),
    order_id      INTEGER REFERENCES orders (id),
    sub_order_id  INTEGER REFERENCES sub_orders (id),
    -- For a sale: from when the seller's share may be paid out (delivery
    -- plus the time the buyer has to return it).
    payable_from  INTEGER,
    at            INTEGER NOT NULL
);

CREATE TABLE ledger_entries (
    posting_id     INTEGER NOT NULL REFERENCES ledger_postings (id),
    account        TEXT    NOT NULL CHECK (account IN ('gateway-clearing', 'gateway-fees', 'buyer-advances',
                                                       'seller-payable', 'commission', 'gst-on-commission',
                                                       'tcs-payable')),
    seller_user_id INTEGER REFERENCES users (id),
    amount_paise   INTEGER NOT NULL,
    CHECK ((account = 'seller-payable') = (seller_user_id IS NOT NULL))
);

CREATE INDEX ledger_postings_sub_order ON ledger_postings (sub_order_id, event);
CREATE INDEX ledger_postings_order ON ledger_postings (order_id);
CREATE INDEX ledger_entries_posting ON ledger_entries (posting_id);
CREATE INDEX ledger_entries_seller ON ledger_entries (seller_user_id, posting_id);

-- The operator's commission, per ODOP product (by craft slug; NULL for
-- every product without a rule of its own) from a day on. None by
-- default, as the scheme's marketplace takes none.
CREATE TABLE commission_rules (
    id             INTEGER PRIMARY KEY,
    craft          TEXT,
    effective_from TEXT    NOT NULL,
    rate_bp        INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 5000),
    created_by     INTEGER REFERENCES users (id),
    created_at     INTEGER NOT NULL
);

CREATE TRIGGER ledger_postings_immutable BEFORE UPDATE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'postings are never changed, only reversed'); END;
CREATE TRIGGER ledger_postings_kept BEFORE DELETE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'postings are never deleted, only reversed'); END;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'postings are never changed, only reversed'); END;
CREATE TRIGGER ledger_entries_kept BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'postings are never deleted, only reversed'); END;
