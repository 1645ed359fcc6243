//! Tax documents for their readers: who may read one, and what it says in
//! the reader's language, laid out once and shown three ways (the
//! printable page, the PDF and the API).

use odop_cards::pdf::{Block, Column, Sheet};
use odop_domain::authz::{self, Action, Actor};
use odop_domain::checkout;
use odop_domain::gst::GstRate;
use odop_domain::invoice::{self, DocumentKind};
use odop_domain::money::Money;
use odop_domain::orders::order_number;
use odop_domain::{OrderId, UserId};
use odop_store::documents::{self, DocumentRow, LineRecord};

use crate::AppState;
use crate::error::{AppError, NotFound};
use crate::i18n::Tr;

/// The document with this id (as the path gave it), if `actor` may read
/// it: the buyer, the seller, its vendor and state admins. Anyone else
/// learns nothing, not even that it exists.
pub async fn readable(state: &AppState, actor: &Actor, raw: &str) -> Result<(DocumentRow, Vec<LineRecord>), AppError> {
    let id: i64 = raw
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let (document, lines) = documents::document(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let allowed = authz::may(
        actor,
        Action::ReadTaxDocument {
            buyer: UserId(document.buyer_user_id),
            seller: UserId(document.seller_user_id),
            vendor: document.vendor_user_id.map(UserId),
        },
    );
    if allowed {
        Ok((document, lines))
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

/// The message id of a kind of document's title.
pub fn title_id(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::TaxInvoice => "doc-tax-invoice",
        DocumentKind::BillOfSupply => "doc-bill-of-supply",
        DocumentKind::CreditNote => "doc-credit-note",
    }
}

/// A link to a document, as order pages list them.
#[derive(Clone, Debug)]
pub struct DocumentLink {
    pub label: String,
    pub href: String,
    pub pdf_href: String,
}

pub fn link(tr: &Tr, document: &DocumentRow) -> DocumentLink {
    DocumentLink {
        label: format!("{} {}", tr.t(title_id(document.kind())), document.serial),
        href: format!("/tax-documents/{}", document.id),
        pdf_href: format!("/tax-documents/{}/pdf", document.id),
    }
}

/// The links to an order's documents, by part of the order.
pub async fn links_of_order(state: &AppState, tr: &Tr, order: OrderId) -> Result<Vec<(i64, DocumentLink)>, AppError> {
    Ok(documents::of_order(state.db(), order)
        .await?
        .iter()
        .map(|document| (document.sub_order_id, link(tr, document)))
        .collect())
}

/// A document's words in the reader's language: what the page and the PDF
/// both show.
pub struct DocumentView {
    pub id: i64,
    pub kind: DocumentKind,
    pub title: String,
    pub serial: String,
    pub date: String,
    pub order_number: String,
    pub order_href: String,
    pub refers_to: Option<(String, String)>,
    pub supplier: Vec<String>,
    pub recipient: Vec<String>,
    /// Whether tax is split between the Centre and the state (a supply
    /// within Uttar Pradesh) rather than integrated.
    pub within_state: bool,
    pub lines: Vec<LineView>,
    pub totals: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub pdf_href: String,
}

pub struct LineView {
    pub number: i64,
    pub description: String,
    pub hsn: String,
    pub quantity: String,
    pub taxable: String,
    pub rate: String,
    pub cgst: String,
    pub sgst: String,
    pub igst: String,
    pub amount: String,
}

pub fn view(tr: &Tr, document: &DocumentRow, lines: &[LineRecord]) -> DocumentView {
    let kind = document.kind();
    let money = |paise: i64| Money(paise).to_string();
    let state_name = |code: &str| {
        checkout::state(code)
            .map(|state| match tr.locale() {
                odop_domain::Locale::En => state.name_en,
                odop_domain::Locale::Hi => state.name_hi,
            })
            .unwrap_or(code)
            .to_owned()
    };
    let mut supplier = vec![document.supplier_name.clone(), document.supplier_address.clone()];
    if let Some(gstin) = &document.supplier_gstin {
        supplier.push(format!("{}: {gstin}", tr.t("doc-gstin")));
    }
    if let Some(enrolment) = &document.supplier_enrolment {
        supplier.push(format!("{}: {enrolment}", tr.t("doc-enrolment")));
    }
    supplier.push(tr.with(
        "doc-state",
        &[
            ("state", state_name(&document.supplier_state_code).into()),
            ("code", document.supplier_state_code.clone().into()),
        ],
    ));
    if let Some(artisan) = &document.artisan_name {
        supplier.push(tr.t1("doc-for-artisan", "name", artisan));
    }
    let recipient = vec![
        document.recipient_name.clone(),
        document.recipient_address.clone(),
        tr.with(
            "doc-place-of-supply",
            &[
                ("state", state_name(&document.place_of_supply_code).into()),
                ("code", document.place_of_supply_code.clone().into()),
            ],
        ),
    ];
    let within_state = document.place_of_supply_code == document.supplier_state_code;
    let unit = tr.t("doc-unit-nos");
    let lines = lines
        .iter()
        .map(|line| LineView {
            number: line.position + 1,
            description: if line.is_delivery() {
                tr.t("doc-delivery")
            } else {
                line.description.clone()
            },
            hsn: line.hsn.clone(),
            quantity: format!("{} {unit}", line.quantity),
            taxable: money(line.taxable_paise),
            rate: GstRate(u16::try_from(line.rate_bp).unwrap_or(0)).label(),
            cgst: money(line.cgst_paise),
            sgst: money(line.sgst_paise),
            igst: money(line.igst_paise),
            amount: money(line.amount_paise),
        })
        .collect();
    let mut totals = vec![(tr.t("doc-total-taxable"), money(document.taxable_paise))];
    if kind != DocumentKind::BillOfSupply {
        if within_state {
            totals.push((tr.t("doc-cgst"), money(document.cgst_paise)));
            totals.push((tr.t("doc-sgst"), money(document.sgst_paise)));
        } else {
            totals.push((tr.t("doc-igst"), money(document.igst_paise)));
        }
    }
    totals.push((tr.t("doc-total"), money(document.total_paise)));
    let mut notes = vec![tr.t1(
        "doc-in-words",
        "words",
        invoice::amount_in_words(Money(document.total_paise), tr.locale()),
    )];
    notes.push(tr.t(match kind {
        DocumentKind::BillOfSupply => "doc-no-tax",
        DocumentKind::TaxInvoice => "doc-prices-include",
        DocumentKind::CreditNote => "doc-credit-reason",
    }));
    notes.push(tr.t("doc-issued"));
    DocumentView {
        id: document.id,
        kind,
        title: tr.t(title_id(kind)),
        serial: document.serial.clone(),
        date: tr.when(document.issued_at.0),
        order_number: order_number(document.order_id),
        order_href: format!("/orders/{}", document.order_id),
        refers_to: document
            .refers_to
            .zip(document.refers_to_serial.clone())
            .map(|(id, serial)| (serial, format!("/tax-documents/{id}"))),
        supplier,
        recipient,
        within_state,
        lines,
        totals,
        notes,
        pdf_href: format!("/tax-documents/{}/pdf", document.id),
    }
}

/// The document as an A4 sheet for the PDF.
pub fn sheet(tr: &Tr, view: &DocumentView) -> Sheet {
    let mut subtitle = vec![
        format!("{}: {}", tr.t("doc-number"), view.serial),
        format!("{}: {}", tr.t("doc-date"), view.date),
        tr.t1("doc-order", "number", &view.order_number),
    ];
    if let Some((serial, _)) = &view.refers_to {
        subtitle.push(tr.t1("doc-against", "serial", serial));
    }
    let column = |id: &str, share: f32, numeric: bool| Column {
        heading: tr.t(id),
        share,
        numeric,
    };
    let taxed = view.kind != DocumentKind::BillOfSupply;
    let mut columns = vec![
        column("doc-line", 0.4, true),
        column("doc-description", 3.4, false),
        column("doc-hsn", 0.9, false),
        column("doc-quantity", 0.8, true),
        column("doc-taxable", 1.3, true),
    ];
    if taxed {
        columns.push(column("doc-rate", 0.7, true));
        if view.within_state {
            columns.push(column("doc-cgst", 1.1, true));
            columns.push(column("doc-sgst", 1.1, true));
        } else {
            columns.push(column("doc-igst", 1.2, true));
        }
    }
    columns.push(column("doc-amount", 1.3, true));
    let rows = view
        .lines
        .iter()
        .map(|line| {
            let mut row = vec![
                line.number.to_string(),
                line.description.clone(),
                line.hsn.clone(),
                line.quantity.clone(),
                line.taxable.clone(),
            ];
            if taxed {
                row.push(line.rate.clone());
                if view.within_state {
                    row.push(line.cgst.clone());
                    row.push(line.sgst.clone());
                } else {
                    row.push(line.igst.clone());
                }
            }
            row.push(line.amount.clone());
            row
        })
        .collect();
    Sheet {
        title: view.title.clone(),
        language: tr.lang().to_owned(),
        subtitle,
        blocks: vec![
            Block {
                heading: tr.t("doc-supplier"),
                lines: view.supplier.clone(),
            },
            Block {
                heading: tr.t("doc-recipient"),
                lines: view.recipient.clone(),
            },
        ],
        columns,
        rows,
        totals: view.totals.clone(),
        notes: view.notes.clone(),
    }
}

/// A file name for the document's PDF: its serial with `/` as `-`.
pub fn file_name(view: &DocumentView) -> String {
    format!("{}.pdf", view.serial.replace('/', "-"))
}
