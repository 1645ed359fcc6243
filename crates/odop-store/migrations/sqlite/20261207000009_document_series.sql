-- Each supplier's tax documents are numbered in series of their own, one
-- per kind of document (tax invoice, bill of supply, credit note) and
-- financial year (April to March, named by the year it starts in), from 1
-- without gaps (CGST Rules 46, 49 and 53). A number is taken inside the
-- transaction that issues its document: a transaction that rolls back
-- gives its number back, and concurrent issuers wait for each other on
-- the series' row.
CREATE TABLE document_series (
    supplier_user_id INTEGER NOT NULL REFERENCES users(id),
    kind             TEXT    NOT NULL CHECK (kind IN ('tax-invoice', 'bill-of-supply', 'credit-note')),
    financial_year   INTEGER NOT NULL CHECK (financial_year BETWEEN 2017 AND 9999),
    last_sequence    INTEGER NOT NULL CHECK (last_sequence >= 1),
    PRIMARY KEY (supplier_user_id, kind, financial_year)
);
