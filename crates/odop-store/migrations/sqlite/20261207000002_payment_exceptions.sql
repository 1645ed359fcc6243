-- Money that a gateway took and an order did not: payments of the wrong
-- amount or currency, a second payment for an order already paid, a payment
-- after the stock hold lapsed. Each is owed back in full, on its own, and
-- listed for state admins.

-- At most one payment attempt per order is open at a time, so a repeated
-- or concurrent request finds the attempt already made instead of starting
-- another. Attempts left open by the earlier code, all but the newest of
-- an order, are closed first.
UPDATE payments SET status = 'failed', failure = 'superseded'
WHERE status = 'created'
  AND id NOT IN (SELECT MAX(id) FROM payments WHERE status = 'created' GROUP BY order_id);
CREATE UNIQUE INDEX payments_one_open ON payments (order_id) WHERE status = 'created';

-- The gateway's payment a refund goes back to. One attempt (gateway order)
-- may be paid more than once, so the attempt alone does not say which.
ALTER TABLE refunds ADD COLUMN gateway_payment_id TEXT;
UPDATE refunds SET gateway_payment_id = (SELECT p.gateway_payment_id FROM payments p WHERE p.id = refunds.payment_id);
-- A whole payment is refunded at most once: each gateway payment, not
-- each attempt (which dropped the refund of a second capture).
DROP INDEX refunds_whole_payment;
CREATE UNIQUE INDEX refunds_whole_payment ON refunds (payment_id, gateway_payment_id) WHERE sub_order_id IS NULL;

-- A captured payment that was not applied to its order. The amount is as
-- the gateway reported it, in the smallest unit of its currency (paise
-- for INR), and the refund gives back exactly that.
CREATE TABLE payment_exceptions (
    id                 INTEGER PRIMARY KEY,
    payment_id         INTEGER NOT NULL REFERENCES payments (id),
    order_id           INTEGER NOT NULL REFERENCES orders (id),
    gateway            TEXT    NOT NULL,
    gateway_payment_id TEXT    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('wrong-amount', 'wrong-currency', 'no-currency',
                                                        'already-paid', 'paid-after-hold')),
    amount             INTEGER NOT NULL,
    currency           TEXT,
    expected_paise     INTEGER NOT NULL,
    refund_id          INTEGER REFERENCES refunds (id),
    created_at         INTEGER NOT NULL,
    UNIQUE (gateway, gateway_payment_id)
);

CREATE INDEX payment_exceptions_recent ON payment_exceptions (created_at);

-- What an order was asked with: the same Idempotency-Key with a different
-- request is refused instead of answered with the first order. NULL for
-- orders placed before it was kept, and for generated ones.
ALTER TABLE orders ADD COLUMN request_hash TEXT;
