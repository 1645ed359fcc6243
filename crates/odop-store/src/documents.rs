//! Tax documents in storage: their serial numbers (consecutive and unique
//! per supplier, kind of document and financial year, however many nodes
//! issue at once), issuing them inside the transaction of the move that
//! causes them, and reading them back. Issued documents are never changed:
//! the tables refuse updates and deletions.

use chrono::{DateTime, Utc};
use odop_domain::checkout::{self, UTTAR_PRADESH};
use odop_domain::gst::GstRate;
use odop_domain::invoice::{
    self, DocumentKind, DocumentLine, FinancialYear, ItemSold, LineSale, LineTax, SerialNumber, UNIT_NUMBERS,
};
use odop_domain::ledger::{Month, tcs_cut_day};
use odop_domain::money::Money;
use odop_domain::{OrderId, SubOrderId, UserId};

use crate::StoreError;
use crate::db::{Db, dispatch};
use crate::statements::{Columns, FromColumns, Statements, args, write_transaction};
use crate::time::Timestamp;

/// Takes the next serial number of a supplier's series, inside the
/// transaction that issues the document: its row in `document_series` is
/// written (and so locked on PostgreSQL) until that transaction ends, so
/// concurrent issuers take turns, and a rollback gives the number back.
/// The financial year is that of the day in India at `now`.
pub(crate) async fn next_serial_in(
    s: &mut impl Statements,
    supplier: UserId,
    kind: DocumentKind,
    now: DateTime<Utc>,
) -> Result<SerialNumber, StoreError> {
    let year = FinancialYear::of(odop_domain::quiz::ist_day(now));
    let sequence: i64 = s
        .scalar(
            "INSERT INTO document_series (supplier_user_id, kind, financial_year, last_sequence) \
             VALUES ($1, $2, $3, 1) \
             ON CONFLICT (supplier_user_id, kind, financial_year) \
             DO UPDATE SET last_sequence = document_series.last_sequence + 1 \
             RETURNING last_sequence",
            args![supplier.0, kind.code(), i64::from(year.0)],
        )
        .await?;
    u32::try_from(sequence)
        .ok()
        .and_then(|sequence| SerialNumber::new(kind, year, sequence).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("{} series of supplier {supplier} is full", kind.code())))
}

/// Takes the next serial number in a transaction of its own, for tools and
/// tests; issuing a document takes its number with `next_serial_in`, in the
/// transaction that writes the document.
pub async fn next_serial(
    db: &Db,
    supplier: UserId,
    kind: DocumentKind,
    now: DateTime<Utc>,
) -> Result<SerialNumber, StoreError> {
    write_transaction!(db, s => next_serial_in(&mut s, supplier, kind, now).await)
}

/// A seller's or vendor's particulars from its latest application (the
/// approved one first), as a document names its supplier.
struct PartyRow {
    legal_name: Option<String>,
    display_name: String,
    address_line1: Option<String>,
    address_line2: Option<String>,
    city: Option<String>,
    pin: Option<String>,
    district: String,
    gstin: Option<String>,
    enrolment_number: Option<String>,
}

impl FromColumns for PartyRow {
    fn from_columns(row: &impl Columns) -> Result<Self, StoreError> {
        Ok(Self {
            legal_name: row.named("legal_name")?,
            display_name: row.named("display_name")?,
            address_line1: row.named("address_line1")?,
            address_line2: row.named("address_line2")?,
            city: row.named("city")?,
            pin: row.named("pin")?,
            district: row.named("district")?,
            gstin: row.named("gstin")?,
            enrolment_number: row.named("enrolment_number")?,
        })
    }
}

impl PartyRow {
    fn name(&self) -> String {
        self.legal_name
            .clone()
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| self.display_name.clone())
    }

    fn address(&self) -> String {
        let place = [
            self.address_line1.as_deref(),
            self.address_line2.as_deref(),
            self.city.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|part| !part.trim().is_empty())
        .chain([self.district.as_str()]);
        let mut address = place.collect::<Vec<_>>().join(", ");
        address.push_str(", Uttar Pradesh");
        if let Some(pin) = self.pin.as_deref() {
            address.push(' ');
            address.push_str(pin);
        }
        address
    }
}

async fn party(s: &mut impl Statements, user: i64) -> Result<Option<PartyRow>, StoreError> {
    s.fetch_optional(
        "SELECT a.legal_name, a.display_name, a.address_line1, a.address_line2, a.city, a.pin, \
         d.name_en AS district, a.gstin, a.enrolment_number \
         FROM seller_applications a JOIN districts d ON d.id = a.district_id \
         WHERE a.user_id = $1 ORDER BY CASE a.status WHEN 'approved' THEN 0 ELSE 1 END, a.id DESC LIMIT 1",
        args![user],
    )
    .await
}

/// Issues the tax invoice (or, for an enrolled supplier without GST, the
/// bill of supply) of a seller's part of an order, in the transaction that
/// ships it: shipping is the time of supply of goods. The supplier is the
/// seller when it is registered for GST; for a sub-vendor, the vendor that
/// invoices for it, naming the artisan. Returns the document's id; a part
/// that has one already keeps it.
pub(crate) async fn issue_for_shipment(
    s: &mut impl Statements,
    sub_order: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("sub-order {sub_order}: {what}"));
    let existing: Option<i64> = s
        .optional_scalar(
            "SELECT id FROM tax_documents WHERE sub_order_id = $1 AND kind <> 'credit-note'",
            args![sub_order],
        )
        .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    type PartRow = (i64, i64, Option<i64>, String, i64, String, String);
    let (_order, seller, vendor, document, delivery, ship_name, ship_state): PartRow = s
        .fetch_optional(
            "SELECT s.order_id, s.seller_user_id, s.vendor_user_id, s.supply_document, s.delivery_paise, \
             o.ship_name, o.ship_state FROM sub_orders s JOIN orders o ON o.id = s.order_id WHERE s.id = $1",
            args![sub_order],
        )
        .await?
        .ok_or_else(|| corrupt("missing"))?;
    let kind = DocumentKind::from_code(&document).ok_or_else(|| corrupt("unknown document kind"))?;
    let recipient_address: (String, Option<String>, String, String) = s
        .fetch_one(
            "SELECT o.ship_line1, o.ship_line2, o.ship_city, o.ship_pin FROM sub_orders s \
             JOIN orders o ON o.id = s.order_id WHERE s.id = $1",
            args![sub_order],
        )
        .await?;
    let state = checkout::state(&ship_state).ok_or_else(|| corrupt("unknown state of delivery"))?;
    let (line1, line2, city, pin) = recipient_address;
    let recipient_address = [Some(line1), line2, Some(city)]
        .into_iter()
        .flatten()
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ")
        + &format!(", {} {pin}", state.name_en);

    let seller_party = party(s, seller)
        .await?
        .ok_or_else(|| corrupt("seller without an application"))?;
    let vendor_party = match vendor {
        Some(vendor) => party(s, vendor).await?.map(|row| (vendor, row)),
        None => None,
    };
    // Who supplies: a registered seller itself; a sub-vendor through the
    // vendor that invoices for it; an enrolled supplier itself.
    let (supplier, supplier_party, artisan) = match vendor_party {
        Some((vendor, vendor_party)) if seller_party.gstin.is_none() && vendor_party.gstin.is_some() => {
            (vendor, vendor_party, Some(seller_party.display_name.clone()))
        }
        _ => (seller, seller_party, None),
    };

    type ItemRow = (i64, String, String, String, i64, i64, i64);
    let items: Vec<ItemRow> = s
        .fetch_all(
            "SELECT id, hsn, title, variant_label, unit_price_paise, quantity, gst_rate_bp FROM order_items \
             WHERE sub_order_id = $1 ORDER BY id",
            args![sub_order],
        )
        .await?;
    let sold: Vec<ItemSold> = items
        .iter()
        .map(|(_, hsn, title, label, price, quantity, rate)| ItemSold {
            hsn: hsn.clone(),
            description: if label.trim().is_empty() {
                title.clone()
            } else {
                format!("{title} ({label})")
            },
            sale: LineSale {
                unit_price: Money(*price),
                quantity: *quantity,
                rate: GstRate(u16::try_from(*rate).unwrap_or(0)),
            },
        })
        .collect();
    let lines = invoice::supply_lines(kind, &sold, Money(delivery), UTTAR_PRADESH, state.code);
    let item_ids: Vec<Option<i64>> = lines.iter().map(|line| line.item.map(|index| items[index].0)).collect();
    let header = Header {
        kind,
        sub_order,
        refers_to: None,
        supplier,
        supplier_name: supplier_party.name(),
        supplier_address: supplier_party.address(),
        supplier_gstin: supplier_party.gstin.clone(),
        supplier_enrolment: supplier_party.enrolment_number.clone(),
        artisan,
        recipient_name: ship_name,
        recipient_address,
        place_of_supply: state.code.to_owned(),
    };
    write_document(s, &header, &lines, &item_ids, now).await
}

/// What a document says of its parties.
struct Header {
    kind: DocumentKind,
    sub_order: i64,
    refers_to: Option<i64>,
    supplier: i64,
    supplier_name: String,
    supplier_address: String,
    supplier_gstin: Option<String>,
    supplier_enrolment: Option<String>,
    artisan: Option<String>,
    recipient_name: String,
    recipient_address: String,
    place_of_supply: String,
}

async fn write_document(
    s: &mut impl Statements,
    header: &Header,
    lines: &[DocumentLine],
    item_ids: &[Option<i64>],
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let serial = next_serial_in(s, UserId(header.supplier), header.kind, now).await?;
    let sum = invoice::totals(&lines.iter().map(|line| line.tax).collect::<Vec<LineTax>>());
    let id: i64 = s
        .scalar(
            "INSERT INTO tax_documents (kind, serial, financial_year, sequence, sub_order_id, refers_to, \
             supplier_user_id, supplier_name, supplier_address, supplier_gstin, supplier_enrolment, \
             supplier_state_code, artisan_name, recipient_name, recipient_address, place_of_supply_code, \
             taxable_paise, cgst_paise, sgst_paise, igst_paise, total_paise, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) \
             RETURNING id",
            args![
                header.kind.code(),
                &serial.to_string(),
                i64::from(serial.year.0),
                i64::from(serial.sequence),
                header.sub_order,
                header.refers_to,
                header.supplier,
                &header.supplier_name,
                &header.supplier_address,
                &header.supplier_gstin,
                &header.supplier_enrolment,
                UTTAR_PRADESH,
                &header.artisan,
                &header.recipient_name,
                &header.recipient_address,
                &header.place_of_supply,
                sum.taxable.0,
                sum.tax.cgst.0,
                sum.tax.sgst.0,
                sum.tax.igst.0,
                sum.amount.0,
                Timestamp(now)
            ],
        )
        .await?;
    if let Some(gstin) = &header.supplier_gstin {
        add_to_supply_totals(s, gstin, header, sum.taxable, now).await?;
    }
    for (position, (line, item)) in lines.iter().zip(item_ids).enumerate() {
        s.execute(
            "INSERT INTO tax_document_lines (document_id, position, order_item_id, hsn, description, quantity, unit, \
             rate_bp, taxable_paise, cgst_paise, sgst_paise, igst_paise, amount_paise) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            args![
                id,
                position as i64,
                *item,
                &line.hsn,
                &line.description,
                line.quantity,
                UNIT_NUMBERS,
                i64::from(line.rate.basis_points()),
                line.tax.taxable.0,
                line.tax.tax.cgst.0,
                line.tax.tax.sgst.0,
                line.tax.tax.igst.0,
                line.tax.amount.0
            ],
        )
        .await?;
    }
    Ok(id)
}

/// Adds a document to its supplier's totals for the month, which the TCS
/// report reads (see the `supply_totals` migration for why they are kept).
async fn add_to_supply_totals(
    s: &mut impl Statements,
    gstin: &str,
    header: &Header,
    taxable: Money,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let day = odop_domain::quiz::ist_day(now);
    s.execute(
        "INSERT INTO supply_totals (month, supplier_gstin, kind, intra_state, after_tcs_cut, taxable_paise, documents) \
         VALUES ($1, $2, $3, $4, $5, $6, 1) \
         ON CONFLICT (month, supplier_gstin, kind, intra_state, after_tcs_cut) DO UPDATE SET \
         taxable_paise = supply_totals.taxable_paise + excluded.taxable_paise, \
         documents = supply_totals.documents + 1",
        args![
            Month::of(day).number(),
            gstin,
            header.kind.code(),
            header.place_of_supply == UTTAR_PRADESH,
            day >= tcs_cut_day(),
            taxable.0
        ],
    )
    .await?;
    Ok(())
}

/// Issues the credit note for a part of an order whose goods came back,
/// in the transaction that records their return: every line of its
/// invoice, and the delivery charge when that is given back too. A part
/// that was never invoiced needs none (`None`); one that has its credit
/// note keeps it.
pub(crate) async fn issue_credit_note(
    s: &mut impl Statements,
    sub_order: i64,
    delivery_given_back: bool,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let existing: Option<i64> = s
        .optional_scalar(
            "SELECT id FROM tax_documents WHERE sub_order_id = $1 AND kind = 'credit-note'",
            args![sub_order],
        )
        .await?;
    if existing.is_some() {
        return Ok(existing);
    }
    let Some(invoiced) = s
        .fetch_optional::<DocumentRow>(
            &format!("{SELECT_DOCUMENT} WHERE d.sub_order_id = $1 AND d.kind <> 'credit-note'"),
            args![sub_order],
        )
        .await?
    else {
        return Ok(None);
    };
    let stored: Vec<LineRecord> = s
        .fetch_all(
            &format!("{SELECT_LINES} WHERE document_id = $1 ORDER BY position"),
            args![invoiced.id],
        )
        .await?;
    let lines: Vec<DocumentLine> = stored
        .iter()
        .enumerate()
        .map(|(index, line)| line.as_domain(index))
        .collect();
    let credited = invoice::credit_lines(&lines, delivery_given_back);
    let item_ids: Vec<Option<i64>> = credited
        .iter()
        .map(|line| line.item.and_then(|index| stored[index].order_item_id))
        .collect();
    let header = Header {
        kind: DocumentKind::CreditNote,
        sub_order,
        refers_to: Some(invoiced.id),
        supplier: invoiced.supplier_user_id,
        supplier_name: invoiced.supplier_name,
        supplier_address: invoiced.supplier_address,
        supplier_gstin: invoiced.supplier_gstin,
        supplier_enrolment: invoiced.supplier_enrolment,
        artisan: invoiced.artisan_name,
        recipient_name: invoiced.recipient_name,
        recipient_address: invoiced.recipient_address,
        place_of_supply: invoiced.place_of_supply_code,
    };
    write_document(s, &header, &credited, &item_ids, now).await.map(Some)
}

/// A document as issued, with who may read it: the buyer of its order, the
/// seller of its part and the vendor invoicing for it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub kind: String,
    pub serial: String,
    pub sub_order_id: i64,
    pub order_id: i64,
    pub refers_to: Option<i64>,
    pub refers_to_serial: Option<String>,
    pub supplier_user_id: i64,
    pub supplier_name: String,
    pub supplier_address: String,
    pub supplier_gstin: Option<String>,
    pub supplier_enrolment: Option<String>,
    pub supplier_state_code: String,
    pub artisan_name: Option<String>,
    pub recipient_name: String,
    pub recipient_address: String,
    pub place_of_supply_code: String,
    pub taxable_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
    pub total_paise: i64,
    pub issued_at: Timestamp,
    pub buyer_user_id: i64,
    pub seller_user_id: i64,
    pub vendor_user_id: Option<i64>,
}

impl DocumentRow {
    pub fn kind(&self) -> DocumentKind {
        DocumentKind::from_code(&self.kind).unwrap_or(DocumentKind::TaxInvoice)
    }
}

impl FromColumns for DocumentRow {
    fn from_columns(row: &impl Columns) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.named("id")?,
            kind: row.named("kind")?,
            serial: row.named("serial")?,
            sub_order_id: row.named("sub_order_id")?,
            order_id: row.named("order_id")?,
            refers_to: row.named("refers_to")?,
            refers_to_serial: row.named("refers_to_serial")?,
            supplier_user_id: row.named("supplier_user_id")?,
            supplier_name: row.named("supplier_name")?,
            supplier_address: row.named("supplier_address")?,
            supplier_gstin: row.named("supplier_gstin")?,
            supplier_enrolment: row.named("supplier_enrolment")?,
            supplier_state_code: row.named("supplier_state_code")?,
            artisan_name: row.named("artisan_name")?,
            recipient_name: row.named("recipient_name")?,
            recipient_address: row.named("recipient_address")?,
            place_of_supply_code: row.named("place_of_supply_code")?,
            taxable_paise: row.named("taxable_paise")?,
            cgst_paise: row.named("cgst_paise")?,
            sgst_paise: row.named("sgst_paise")?,
            igst_paise: row.named("igst_paise")?,
            total_paise: row.named("total_paise")?,
            issued_at: row.named("issued_at")?,
            buyer_user_id: row.named("buyer_user_id")?,
            seller_user_id: row.named("seller_user_id")?,
            vendor_user_id: row.named("vendor_user_id")?,
        })
    }
}

/// A line of a document as issued.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LineRecord {
    pub position: i64,
    /// `None` for the delivery charge.
    pub order_item_id: Option<i64>,
    pub hsn: String,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub rate_bp: i64,
    pub taxable_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
    pub amount_paise: i64,
}

impl FromColumns for LineRecord {
    fn from_columns(row: &impl Columns) -> Result<Self, StoreError> {
        Ok(Self {
            position: row.named("position")?,
            order_item_id: row.named("order_item_id")?,
            hsn: row.named("hsn")?,
            description: row.named("description")?,
            quantity: row.named("quantity")?,
            unit: row.named("unit")?,
            rate_bp: row.named("rate_bp")?,
            taxable_paise: row.named("taxable_paise")?,
            cgst_paise: row.named("cgst_paise")?,
            sgst_paise: row.named("sgst_paise")?,
            igst_paise: row.named("igst_paise")?,
            amount_paise: row.named("amount_paise")?,
        })
    }
}

impl LineRecord {
    /// The line as the domain reckons with it; `index` stands for its item.
    fn as_domain(&self, index: usize) -> DocumentLine {
        DocumentLine {
            item: self.order_item_id.map(|_| index),
            hsn: self.hsn.clone(),
            description: self.description.clone(),
            quantity: self.quantity,
            rate: GstRate(u16::try_from(self.rate_bp).unwrap_or(0)),
            tax: LineTax {
                amount: Money(self.amount_paise),
                taxable: Money(self.taxable_paise),
                tax: checkout::TaxSplit {
                    cgst: Money(self.cgst_paise),
                    sgst: Money(self.sgst_paise),
                    igst: Money(self.igst_paise),
                },
            },
        }
    }

    /// Whether this is the delivery charge rather than an item.
    pub fn is_delivery(&self) -> bool {
        self.order_item_id.is_none()
    }
}

const SELECT_DOCUMENT: &str = "SELECT d.id, d.kind, d.serial, d.sub_order_id, s.order_id, d.refers_to, \
     r.serial AS refers_to_serial, d.supplier_user_id, d.supplier_name, d.supplier_address, d.supplier_gstin, \
     d.supplier_enrolment, d.supplier_state_code, d.artisan_name, d.recipient_name, d.recipient_address, \
     d.place_of_supply_code, d.taxable_paise, d.cgst_paise, d.sgst_paise, d.igst_paise, d.total_paise, d.issued_at, \
     o.buyer_user_id, s.seller_user_id, s.vendor_user_id \
     FROM tax_documents d JOIN sub_orders s ON s.id = d.sub_order_id JOIN orders o ON o.id = s.order_id \
     LEFT JOIN tax_documents r ON r.id = d.refers_to";

const SELECT_LINES: &str = "SELECT position, order_item_id, hsn, description, quantity, unit, rate_bp, taxable_paise, \
     cgst_paise, sgst_paise, igst_paise, amount_paise FROM tax_document_lines";

/// A document and its lines.
pub async fn document(db: &Db, id: i64) -> Result<Option<(DocumentRow, Vec<LineRecord>)>, StoreError> {
    let found = dispatch!(db, pool => {
        let document: Option<DocumentRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_DOCUMENT} WHERE d.id = $1")))
                .bind(id)
                .fetch_optional(pool)
                .await?;
        match document {
            None => None,
            Some(document) => {
                let lines = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_LINES} WHERE document_id = $1 ORDER BY position")))
                    .bind(id)
                    .fetch_all(pool)
                    .await?;
                Some((document, lines))
            }
        }
    });
    Ok(found)
}

/// The documents of an order, in the order they were issued.
pub async fn of_order(db: &Db, order: OrderId) -> Result<Vec<DocumentRow>, StoreError> {
    let documents = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_DOCUMENT} WHERE s.order_id = $1 ORDER BY d.id")))
            .bind(order.0)
            .fetch_all(pool)
            .await?
    });
    Ok(documents)
}

/// The documents of one seller's part of an order.
pub async fn of_sub_order(db: &Db, sub_order: SubOrderId) -> Result<Vec<DocumentRow>, StoreError> {
    let documents = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_DOCUMENT} WHERE d.sub_order_id = $1 ORDER BY d.id")))
            .bind(sub_order.0)
            .fetch_all(pool)
            .await?
    });
    Ok(documents)
}

/// What a check of the documents found: every series (supplier, kind,
/// financial year) must run 1, 2, 3… with no gap and no number used twice,
/// and the running totals the TCS report reads must be the sums of the
/// documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DocumentAudit {
    pub documents: i64,
    pub series: i64,
    /// Series whose numbers do not run from 1 to their count.
    pub series_with_gaps: i64,
    /// Numbers used more than once within a series.
    pub duplicates: i64,
    /// Monthly supply totals that are not the sum of their documents.
    pub supply_totals_differing: u64,
}

/// Checks every document series for gaps and duplicates, and the supply
/// totals against the documents. It reads every document, for tests,
/// benches and audits rather than pages.
pub async fn audit_documents(db: &Db) -> Result<DocumentAudit, StoreError> {
    let series: Vec<(i64, i64, i64, i64)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT), CAST(COUNT(DISTINCT sequence) AS BIGINT), \
             CAST(MIN(sequence) AS BIGINT), CAST(MAX(sequence) AS BIGINT) \
             FROM tax_documents GROUP BY supplier_user_id, kind, financial_year",
        )
        .fetch_all(pool)
        .await?
    });
    let mut audit = DocumentAudit {
        series: series.len() as i64,
        supply_totals_differing: supply_totals_differing(db).await?,
        ..DocumentAudit::default()
    };
    for (count, distinct, first, last) in series {
        audit.documents += count;
        audit.duplicates += count - distinct;
        if first != 1 || last != distinct {
            audit.series_with_gaps += 1;
        }
    }
    Ok(audit)
}

/// The number of (month, GSTIN, part) totals that differ from the sum of
/// their documents, have no documents, or are missing.
async fn supply_totals_differing(db: &Db) -> Result<u64, StoreError> {
    use std::collections::BTreeMap;
    type Key = (i64, String, String, bool, bool);
    let documents: Vec<(Timestamp, String, String, String, i64)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT issued_at, supplier_gstin, kind, place_of_supply_code, taxable_paise FROM tax_documents \
             WHERE supplier_gstin IS NOT NULL",
        )
        .fetch_all(pool)
        .await?
    });
    let mut expected: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
    for (issued_at, gstin, kind, place, taxable) in documents {
        let day = odop_domain::quiz::ist_day(issued_at.0);
        let key = (
            Month::of(day).number(),
            gstin,
            kind,
            place == UTTAR_PRADESH,
            day >= tcs_cut_day(),
        );
        let sum = expected.entry(key).or_default();
        sum.0 += taxable;
        sum.1 += 1;
    }
    let totals: Vec<(i64, String, String, bool, bool, i64, i64)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT month, supplier_gstin, kind, intra_state, after_tcs_cut, taxable_paise, documents FROM supply_totals",
        )
        .fetch_all(pool)
        .await?
    });
    let mut differing = 0;
    for (month, gstin, kind, intra, after_cut, taxable, count) in totals {
        if expected.remove(&(month, gstin, kind, intra, after_cut)) != Some((taxable, count)) {
            differing += 1;
        }
    }
    Ok(differing + expected.len() as u64)
}
