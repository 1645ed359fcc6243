-- The marketplace's books: double-entry postings, each made in the
-- transaction of the event that moves the money (a payment captured, a
-- part delivered, cancelled or returned, a payout). A posting's entries sum
-- to zero (debits positive, credits negative); balances are sums of
-- entries, never stored; nothing is updated or deleted (the triggers below
-- refuse), a mistake being put right by a posting that reverses it.
CREATE TABLE ledger_postings (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event         TEXT    NOT NULL CHECK (event IN ('payment-captured', 'refunded-undelivered', 'sale-completed',
                                                    'returned', 'paid-out', 'payout-failed')),
    order_id      BIGINT  REFERENCES orders (id),
    sub_order_id  BIGINT  REFERENCES sub_orders (id),
    -- For a sale: from when the seller's share may be paid out (delivery
    -- plus the time the buyer has to return it).
    payable_from  BIGINT,
    at            BIGINT  NOT NULL
);

CREATE TABLE ledger_entries (
    posting_id     BIGINT  NOT NULL REFERENCES ledger_postings (id),
    account        TEXT    NOT NULL CHECK (account IN ('gateway-clearing', 'gateway-fees', 'buyer-advances',
                                                       'seller-payable', 'commission', 'gst-on-commission',
                                                       'tcs-payable')),
    seller_user_id BIGINT  REFERENCES users (id),
    amount_paise   BIGINT  NOT NULL,
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
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    craft          TEXT,
    effective_from TEXT    NOT NULL,
    rate_bp        BIGINT  NOT NULL CHECK (rate_bp BETWEEN 0 AND 5000),
    created_by     BIGINT  REFERENCES users (id),
    created_at     BIGINT  NOT NULL
);

CREATE FUNCTION refuse_changing_postings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'postings are never changed or deleted, only reversed';
END
$$;
CREATE TRIGGER ledger_postings_immutable BEFORE UPDATE OR DELETE ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION refuse_changing_postings();
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_changing_postings();
