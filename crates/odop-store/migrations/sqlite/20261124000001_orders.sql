-- Carts, orders split into one sub-order per seller, their history,
-- payments and refunds. Money is integer paise; times are UTC milliseconds.

-- A guest's cart is found by the hash of the token in their cookie, a
-- signed-in buyer's by their account.
CREATE TABLE carts (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT    UNIQUE,
    user_id    INTEGER UNIQUE REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (token_hash IS NOT NULL OR user_id IS NOT NULL)
);

CREATE TABLE cart_items (
    cart_id    INTEGER NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id INTEGER NOT NULL REFERENCES listing_variants (id) ON DELETE CASCADE,
    quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10),
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (cart_id, variant_id)
);

-- A seller's delivery charge and cash-on-delivery rule; absent: defaults.
CREATE TABLE seller_terms (
    user_id                  INTEGER PRIMARY KEY REFERENCES users (id),
    delivery_flat_paise      INTEGER NOT NULL CHECK (delivery_flat_paise >= 0),
    delivery_free_from_paise INTEGER CHECK (delivery_free_from_paise > 0),
    cod_allowed              BOOLEAN NOT NULL,
    cod_limit_paise          INTEGER NOT NULL CHECK (cod_limit_paise >= 0),
    updated_at               INTEGER NOT NULL
);

CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    buyer_user_id   INTEGER NOT NULL REFERENCES users (id),
    -- The same key from the same buyer is the same order.
    idempotency_key TEXT    NOT NULL,
    payment_method  TEXT    NOT NULL CHECK (payment_method IN ('online', 'cod')),
    ship_name       TEXT    NOT NULL,
    ship_phone      TEXT    NOT NULL,
    ship_line1      TEXT    NOT NULL,
    ship_line2      TEXT,
    ship_city       TEXT    NOT NULL,
    ship_state      TEXT    NOT NULL,
    ship_pin        TEXT    NOT NULL,
    items_paise     INTEGER NOT NULL,
    tax_paise       INTEGER NOT NULL,
    delivery_paise  INTEGER NOT NULL,
    total_paise     INTEGER NOT NULL CHECK (total_paise > 0),
    -- Until when the stock of an unpaid online order is held.
    hold_until      INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (buyer_user_id, idempotency_key)
);

CREATE INDEX orders_buyer ON orders (buyer_user_id, id);

CREATE TABLE sub_orders (
    id             INTEGER PRIMARY KEY,
    order_id       INTEGER NOT NULL REFERENCES orders (id),
    seller_user_id INTEGER NOT NULL REFERENCES users (id),
    -- The vendor that invoices for a sub-vendor, who also keeps its orders.
    vendor_user_id INTEGER REFERENCES users (id),
    status         TEXT    NOT NULL CHECK (status IN ('awaiting_payment', 'placed', 'accepted', 'packed',
                                                      'shipped', 'delivered', 'cancelled', 'rejected')),
    items_paise    INTEGER NOT NULL,
    cgst_paise     INTEGER NOT NULL,
    sgst_paise     INTEGER NOT NULL,
    igst_paise     INTEGER NOT NULL,
    delivery_paise INTEGER NOT NULL,
    total_paise    INTEGER NOT NULL,
    -- The seller must accept or reject before this, once placed.
    accept_by      INTEGER,
    courier        TEXT,
    tracking       TEXT,
    reason         TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE INDEX sub_orders_order ON sub_orders (order_id);
CREATE INDEX sub_orders_seller ON sub_orders (seller_user_id, status, id);
CREATE INDEX sub_orders_vendor ON sub_orders (vendor_user_id, status, id);
CREATE INDEX sub_orders_deadline ON sub_orders (status, accept_by);

-- What was bought, as it was when bought: later edits of the listing do
-- not change an order (so no foreign key to the variant).
CREATE TABLE order_items (
    id               INTEGER PRIMARY KEY,
    sub_order_id     INTEGER NOT NULL REFERENCES sub_orders (id),
    listing_id       INTEGER NOT NULL,
    variant_id       INTEGER NOT NULL,
    title            TEXT    NOT NULL,
    variant_label    TEXT    NOT NULL,
    sku              TEXT    NOT NULL,
    hsn              TEXT    NOT NULL,
    unit_price_paise INTEGER NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    gst_rate_bp      INTEGER NOT NULL,
    tax_paise        INTEGER NOT NULL
);

CREATE INDEX order_items_sub_order ON order_items (sub_order_id);

-- Every transition of a sub-order: what, by whom, when.
CREATE TABLE sub_order_events (
    id            INTEGER PRIMARY KEY,
    sub_order_id  INTEGER NOT NULL REFERENCES sub_orders (id),
    status        TEXT    NOT NULL,
    event         TEXT    NOT NULL,
    party         TEXT    NOT NULL CHECK (party IN ('buyer', 'seller', 'platform')),
    actor_user_id INTEGER REFERENCES users (id),
    note          TEXT,
    at            INTEGER NOT NULL
);

CREATE INDEX sub_order_events_sub_order ON sub_order_events (sub_order_id, id);

-- One attempt to collect an order's total through a gateway.
CREATE TABLE payments (
    id                 INTEGER PRIMARY KEY,
    order_id           INTEGER NOT NULL REFERENCES orders (id),
    gateway            TEXT    NOT NULL,
    gateway_order_id   TEXT    NOT NULL,
    gateway_payment_id TEXT,
    amount_paise       INTEGER NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('created', 'captured', 'failed')),
    method             TEXT,
    failure            TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (gateway, gateway_order_id)
);

CREATE INDEX payments_order ON payments (order_id);

-- Webhook events already processed, so a replay changes nothing.
CREATE TABLE payment_events (
    id          INTEGER PRIMARY KEY,
    gateway     TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (gateway, event_id)
);

-- Money owed back: written in the transaction that decides it, sent to the
-- gateway afterwards, retried until the gateway confirms.
CREATE TABLE refunds (
    id                INTEGER PRIMARY KEY,
    payment_id        INTEGER NOT NULL REFERENCES payments (id),
    sub_order_id      INTEGER REFERENCES sub_orders (id),
    amount_paise      INTEGER NOT NULL CHECK (amount_paise > 0),
    reason            TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'processed')),
    gateway_refund_id TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (payment_id, sub_order_id)
);

-- A sub-order is refunded at most once (above); a whole payment that
-- arrived too late (no sub-order) likewise.
CREATE UNIQUE INDEX refunds_whole_payment ON refunds (payment_id) WHERE sub_order_id IS NULL;

CREATE INDEX refunds_pending ON refunds (status, id);
