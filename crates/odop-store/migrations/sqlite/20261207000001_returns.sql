-- no-transaction
-- Returns: a delivered sub-order may be asked back (return_requested),
-- approved by its seller or, unanswered, by the platform (return_approved),
-- received back and refunded (returned), or refused (return_refused).
-- accept_by also holds the seller's deadline to answer a return request.
-- Each item keeps its listing's return period as it was when bought (NULL:
-- no returns for a change of mind); items bought before are given their
-- listing's present one.
--
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt
-- (the procedure in SQLite's ALTER TABLE documentation): foreign keys off
-- outside the transaction, copy, drop, rename, indexes again. The tables
-- that refer to sub_orders name it, so they refer to the new one.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE sub_orders_with_returns (
    id             INTEGER PRIMARY KEY,
    order_id       INTEGER NOT NULL REFERENCES orders (id),
    seller_user_id INTEGER NOT NULL REFERENCES users (id),
    vendor_user_id INTEGER REFERENCES users (id),
    status         TEXT    NOT NULL CHECK (status IN ('awaiting_payment', 'placed', 'accepted', 'packed',
                                                      'shipped', 'delivered', 'cancelled', 'rejected',
                                                      'return_requested', 'return_approved', 'returned',
                                                      'return_refused')),
    items_paise    INTEGER NOT NULL,
    cgst_paise     INTEGER NOT NULL,
    sgst_paise     INTEGER NOT NULL,
    igst_paise     INTEGER NOT NULL,
    delivery_paise INTEGER NOT NULL,
    total_paise    INTEGER NOT NULL,
    accept_by      INTEGER,
    courier        TEXT,
    tracking       TEXT,
    reason         TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
INSERT INTO sub_orders_with_returns (id, order_id, seller_user_id, vendor_user_id, status, items_paise, cgst_paise,
                                     sgst_paise, igst_paise, delivery_paise, total_paise, accept_by, courier,
                                     tracking, reason, created_at, updated_at)
    SELECT id, order_id, seller_user_id, vendor_user_id, status, items_paise, cgst_paise, sgst_paise, igst_paise,
           delivery_paise, total_paise, accept_by, courier, tracking, reason, created_at, updated_at
    FROM sub_orders;
DROP TABLE sub_orders;
ALTER TABLE sub_orders_with_returns RENAME TO sub_orders;
CREATE INDEX sub_orders_order ON sub_orders (order_id);
CREATE INDEX sub_orders_seller ON sub_orders (seller_user_id, status, id);
CREATE INDEX sub_orders_vendor ON sub_orders (vendor_user_id, status, id);
CREATE INDEX sub_orders_deadline ON sub_orders (status, accept_by);
ALTER TABLE order_items ADD COLUMN return_days INTEGER;
UPDATE order_items SET return_days = (SELECT l.return_days FROM listings l WHERE l.id = order_items.listing_id);
COMMIT;
PRAGMA foreign_keys = ON;
