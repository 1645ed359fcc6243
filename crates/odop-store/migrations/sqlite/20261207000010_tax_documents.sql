-- Tax documents as issued: a tax invoice or bill of supply when a seller's
-- part of an order ships, a credit note when it comes back. Each keeps the
-- supplier, recipient and lines as they were on the day it was issued, so
-- that later changes to a profile or a listing never alter it; rows are
-- never updated or deleted (the triggers below refuse), a correction being
-- a credit note and a new document.
CREATE TABLE tax_documents (
    id                    INTEGER PRIMARY KEY,
    kind                  TEXT    NOT NULL CHECK (kind IN ('tax-invoice', 'bill-of-supply', 'credit-note')),
    serial                TEXT    NOT NULL CHECK (length(serial) BETWEEN 1 AND 16),
    financial_year        INTEGER NOT NULL,
    sequence              INTEGER NOT NULL CHECK (sequence >= 1),
    sub_order_id          INTEGER NOT NULL REFERENCES sub_orders (id),
    -- The invoice or bill of supply a credit note corrects.
    refers_to             INTEGER REFERENCES tax_documents (id),
    supplier_user_id      INTEGER NOT NULL REFERENCES users (id),
    supplier_name         TEXT    NOT NULL,
    supplier_address      TEXT    NOT NULL,
    supplier_gstin        TEXT,
    supplier_enrolment    TEXT,
    supplier_state_code   TEXT    NOT NULL,
    -- The artisan a vendor supplies for, named on the vendor's invoice.
    artisan_name          TEXT,
    recipient_name        TEXT    NOT NULL,
    recipient_address     TEXT    NOT NULL,
    place_of_supply_code  TEXT    NOT NULL,
    taxable_paise         INTEGER NOT NULL,
    cgst_paise            INTEGER NOT NULL,
    sgst_paise            INTEGER NOT NULL,
    igst_paise            INTEGER NOT NULL,
    total_paise           INTEGER NOT NULL,
    issued_at             INTEGER NOT NULL,
    UNIQUE (supplier_user_id, kind, financial_year, sequence),
    -- One document of each kind per part of an order.
    UNIQUE (sub_order_id, kind),
    CHECK ((kind = 'credit-note') = (refers_to IS NOT NULL))
);

CREATE TABLE tax_document_lines (
    document_id   INTEGER NOT NULL REFERENCES tax_documents (id),
    position      INTEGER NOT NULL,
    -- The order item it sells; NULL for the delivery charge.
    order_item_id INTEGER REFERENCES order_items (id),
    hsn           TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    -- The unit quantity code of the GST portal: NOS (numbers) for goods.
    unit          TEXT    NOT NULL,
    rate_bp       INTEGER NOT NULL CHECK (rate_bp >= 0),
    taxable_paise INTEGER NOT NULL,
    cgst_paise    INTEGER NOT NULL,
    sgst_paise    INTEGER NOT NULL,
    igst_paise    INTEGER NOT NULL,
    amount_paise  INTEGER NOT NULL,
    PRIMARY KEY (document_id, position)
);

CREATE INDEX tax_documents_supplier ON tax_documents (supplier_user_id, issued_at);
CREATE INDEX tax_documents_issued ON tax_documents (issued_at);

CREATE TRIGGER tax_documents_immutable BEFORE UPDATE ON tax_documents
BEGIN SELECT RAISE(ABORT, 'tax documents are never changed once issued'); END;
CREATE TRIGGER tax_documents_kept BEFORE DELETE ON tax_documents
BEGIN SELECT RAISE(ABORT, 'tax documents are never deleted'); END;
CREATE TRIGGER tax_document_lines_immutable BEFORE UPDATE ON tax_document_lines
BEGIN SELECT RAISE(ABORT, 'tax documents are never changed once issued'); END;
CREATE TRIGGER tax_document_lines_kept BEFORE DELETE ON tax_document_lines
BEGIN SELECT RAISE(ABORT, 'tax documents are never deleted'); END;
