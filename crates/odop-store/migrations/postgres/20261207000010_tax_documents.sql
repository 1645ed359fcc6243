-- Tax documents as issued: a tax invoice or bill of supply when a seller's
-- part of an order ships, a credit note when it comes back. Each keeps the
-- supplier, recipient and lines as they were on the day it was issued, so
-- that later changes to a profile or a listing never alter it; rows are
-- never updated or deleted (the triggers below refuse), a correction being
-- a credit note and a new document.
CREATE TABLE tax_documents (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                  TEXT    NOT NULL CHECK (kind IN ('tax-invoice', 'bill-of-supply', 'credit-note')),
    serial                TEXT    NOT NULL CHECK (length(serial) BETWEEN 1 AND 16),
    financial_year        BIGINT  NOT NULL,
    sequence              BIGINT  NOT NULL CHECK (sequence >= 1),
    sub_order_id          BIGINT  NOT NULL REFERENCES sub_orders (id),
    -- The invoice or bill of supply a credit note corrects.
    refers_to             BIGINT  REFERENCES tax_documents (id),
    supplier_user_id      BIGINT  NOT NULL REFERENCES users (id),
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
    taxable_paise         BIGINT  NOT NULL,
    cgst_paise            BIGINT  NOT NULL,
    sgst_paise            BIGINT  NOT NULL,
    igst_paise            BIGINT  NOT NULL,
    total_paise           BIGINT  NOT NULL,
    issued_at             BIGINT  NOT NULL,
    UNIQUE (supplier_user_id, kind, financial_year, sequence),
    -- One document of each kind per part of an order.
    UNIQUE (sub_order_id, kind),
    CHECK ((kind = 'credit-note') = (refers_to IS NOT NULL))
);

CREATE TABLE tax_document_lines (
    document_id   BIGINT  NOT NULL REFERENCES tax_documents (id),
    position      BIGINT  NOT NULL,
    -- The order item it sells; NULL for the delivery charge.
    order_item_id BIGINT  REFERENCES order_items (id),
    hsn           TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    quantity      BIGINT  NOT NULL CHECK (quantity > 0),
    -- The unit quantity code of the GST portal: NOS (numbers) for goods.
    unit          TEXT    NOT NULL,
    rate_bp       BIGINT  NOT NULL CHECK (rate_bp >= 0),
    taxable_paise BIGINT  NOT NULL,
    cgst_paise    BIGINT  NOT NULL,
    sgst_paise    BIGINT  NOT NULL,
    igst_paise    BIGINT  NOT NULL,
    amount_paise  BIGINT  NOT NULL,
    PRIMARY KEY (document_id, position)
);

CREATE INDEX tax_documents_supplier ON tax_documents (supplier_user_id, issued_at);
CREATE INDEX tax_documents_issued ON tax_documents (issued_at);

CREATE FUNCTION refuse_changing_tax_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'tax documents are never changed or deleted once issued';
END
$$;
CREATE TRIGGER tax_documents_immutable BEFORE UPDATE OR DELETE ON tax_documents
    FOR EACH ROW EXECUTE FUNCTION refuse_changing_tax_documents();
CREATE TRIGGER tax_document_lines_immutable BEFORE UPDATE OR DELETE ON tax_document_lines
    FOR EACH ROW EXECUTE FUNCTION refuse_changing_tax_documents();
