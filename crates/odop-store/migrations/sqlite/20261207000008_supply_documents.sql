-- Which document a sub-order's seller owes the buyer: a tax invoice from a
-- seller registered for GST (itself or through its vendor), or a bill of
-- supply from an enrolled supplier without GST, who charges none. Recorded
-- when the order is placed, since a seller may register for GST later.
ALTER TABLE sub_orders ADD COLUMN supply_document TEXT NOT NULL DEFAULT 'tax-invoice'
    CHECK (supply_document IN ('tax-invoice', 'bill-of-supply'));
