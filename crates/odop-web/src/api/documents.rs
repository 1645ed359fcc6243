//! Tax documents for programs: the same documents, to the same readers, as
//! the printable pages (`/tax-documents/{id}` and its PDF).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::SignedIn;
use crate::documents;
use crate::error::{AppError, ErrorBody};
use crate::extract::Path;

/// Who supplies, as the document names them.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierDto {
    pub name: String,
    pub address: String,
    /// The GSTIN the supply is made under; absent on a bill of supply.
    pub gstin: Option<String>,
    /// An enrolled supplier's GST enrolment number (bill of supply).
    pub enrolment_number: Option<String>,
    /// The GST state code of the supplier (`09`, Uttar Pradesh).
    pub state_code: String,
    /// The artisan a vendor supplies for, when it is not the vendor itself.
    pub artisan: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientDto {
    pub name: String,
    pub address: String,
    /// The GST state code of the place of supply.
    pub place_of_supply_code: String,
}

/// A line: an item sold, or the delivery charge (no `order_item_id`).
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxLineDto {
    pub order_item_id: Option<i64>,
    pub hsn: String,
    /// The item as sold; empty for the delivery charge.
    pub description: String,
    pub quantity: i64,
    /// The GST portal's unit quantity code (`NOS`).
    pub unit: String,
    /// The GST rate in basis points (500 = 5 %).
    pub rate_bp: i64,
    pub taxable_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
    /// What the line costs, tax included.
    pub amount_paise: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxDocumentDto {
    pub id: i64,
    /// `tax-invoice`, `bill-of-supply` or `credit-note`.
    pub kind: String,
    #[schema(example = "INV/2627/00042")]
    pub serial: String,
    /// When it was issued (RFC 3339, UTC).
    pub issued_at: String,
    pub order_id: i64,
    pub sub_order_id: i64,
    /// For a credit note: the document it corrects.
    pub refers_to: Option<i64>,
    pub supplier: SupplierDto,
    pub recipient: RecipientDto,
    pub lines: Vec<TaxLineDto>,
    pub taxable_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
    pub total_paise: i64,
    /// Where its PDF is downloaded (with the same sign-in).
    pub pdf_url: String,
}

/// A tax invoice, bill of supply or credit note, for the buyer of its
/// order, the seller, the seller's vendor and state admins.
#[utoipa::path(
    get,
    path = "/api/v1/tax-documents/{id}",
    tag = "orders",
    params(("id" = i64, Path, description = "The document's id")),
    responses(
        (status = 200, description = "The document as issued", body = TaxDocumentDto),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 404, description = "No such document among those the caller may read", body = ErrorBody)
    )
)]
pub(super) async fn get_tax_document(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<TaxDocumentDto>, AppError> {
    let (document, lines) = documents::readable(&state, &me.actor, &id).await?;
    Ok(Json(TaxDocumentDto {
        id: document.id,
        kind: document.kind.clone(),
        serial: document.serial.clone(),
        issued_at: document.issued_at.0.to_rfc3339(),
        order_id: document.order_id,
        sub_order_id: document.sub_order_id,
        refers_to: document.refers_to,
        pdf_url: format!("/tax-documents/{}/pdf", document.id),
        supplier: SupplierDto {
            name: document.supplier_name,
            address: document.supplier_address,
            gstin: document.supplier_gstin,
            enrolment_number: document.supplier_enrolment,
            state_code: document.supplier_state_code,
            artisan: document.artisan_name,
        },
        recipient: RecipientDto {
            name: document.recipient_name,
            address: document.recipient_address,
            place_of_supply_code: document.place_of_supply_code,
        },
        lines: lines
            .into_iter()
            .map(|line| TaxLineDto {
                order_item_id: line.order_item_id,
                hsn: line.hsn,
                description: line.description,
                quantity: line.quantity,
                unit: line.unit,
                rate_bp: line.rate_bp,
                taxable_paise: line.taxable_paise,
                cgst_paise: line.cgst_paise,
                sgst_paise: line.sgst_paise,
                igst_paise: line.igst_paise,
                amount_paise: line.amount_paise,
            })
            .collect(),
        taxable_paise: document.taxable_paise,
        cgst_paise: document.cgst_paise,
        sgst_paise: document.sgst_paise,
        igst_paise: document.igst_paise,
        total_paise: document.total_paise,
    }))
}
