-- The month's supplies per supplier GSTIN, added to in the transaction that
-- issues each tax document, so that the month's TCS report (GSTR-8, table 3)
-- reads one row per supplier and part instead of grouping every document of
-- the month. A part is a kind of document, within or across states, and
-- before or after TCS fell to 0.5 % on 10 July 2024, since TCS is reckoned on
-- each part's net value. Rows only grow, as documents are never changed;
-- `documents::audit_documents` checks them against the documents. The
-- row of a supplier's part is locked by the transaction issuing its
-- document, as its row of `document_series` already is.
CREATE TABLE supply_totals (
    -- The month in India, as year * 100 + month (202510 for October 2025).
    month            BIGINT  NOT NULL,
    supplier_gstin   TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('tax-invoice', 'bill-of-supply', 'credit-note')),
    intra_state      BOOLEAN NOT NULL,
    after_tcs_cut    BOOLEAN NOT NULL,
    taxable_paise    BIGINT  NOT NULL,
    documents        BIGINT  NOT NULL,
    PRIMARY KEY (month, supplier_gstin, kind, intra_state, after_tcs_cut)
);

-- 19,800,000 ms is India's offset from UTC; 1,720,549,800,000 is 10 July 2024
-- at midnight in India.
INSERT INTO supply_totals (month, supplier_gstin, kind, intra_state, after_tcs_cut, taxable_paise, documents)
    SELECT CAST(to_char(to_timestamp((issued_at + 19800000) / 1000.0) AT TIME ZONE 'UTC', 'YYYYMM') AS BIGINT),
           supplier_gstin, kind, place_of_supply_code = supplier_state_code, issued_at >= 1720549800000,
           SUM(taxable_paise), COUNT(*)
    FROM tax_documents WHERE supplier_gstin IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5;
