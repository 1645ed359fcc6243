-- Returns: a delivered sub-order may be asked back (return_requested),
-- approved by its seller or, unanswered, by the platform (return_approved),
-- received back and refunded (returned), or refused (return_refused).
-- accept_by also holds the seller's deadline to answer a return request.
-- Each item keeps its listing's return period as it was when bought (NULL:
-- no returns for a change of mind); items bought before are given their
-- listing's present one.
ALTER TABLE sub_orders DROP CONSTRAINT sub_orders_status_check;
ALTER TABLE sub_orders ADD CONSTRAINT sub_orders_status_check
    CHECK (status IN ('awaiting_payment', 'placed', 'accepted', 'packed', 'shipped', 'delivered', 'cancelled',
                      'rejected', 'return_requested', 'return_approved', 'returned', 'return_refused'));

ALTER TABLE order_items ADD COLUMN return_days BIGINT;
UPDATE order_items SET return_days = (SELECT l.return_days FROM listings l WHERE l.id = order_items.listing_id);
