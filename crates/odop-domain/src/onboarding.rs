//! Applying to sell, and the district officer's decision.
//!
//! An application is validated whole, so that the form can show every
//! problem at once next to its field. A seller either holds a GSTIN of UP
//! (a vendor), sells through a vendor that invited them (a sub-vendor), or
//! is enrolled on the GST portal as a supplier without GST (an enrolled
//! supplier, CGST Notification 34/2023: sells within UP only, and gives a
//! bill of supply rather than a tax invoice).

use std::fmt;

use crate::identity::{BankAccount, EnrolmentNumber, Gstin, IdError, Ifsc, Pan, Pin, Udyam};
use crate::registry::Registry;
use crate::text::{self, TextError};
use crate::{Slug, UserId};

/// The form as typed: every field is text, checked by [`validate`].
#[derive(Clone, Debug, Default)]
pub struct ApplicationInput {
    pub display_name: String,
    pub legal_name: String,
    pub district: String,
    pub craft: String,
    pub bio_en: String,
    pub bio_hi: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub pin: String,
    pub account_holder: String,
    pub account_number: String,
    pub ifsc: String,
    pub pan: String,
    pub udyam: String,
    /// `vendor`, `sub-vendor` or `enrolled`.
    pub seller_kind: String,
    pub gstin: String,
    /// An enrolled supplier's enrolment number.
    pub enrolment: String,
    /// The id of the vendor a sub-vendor sells through.
    pub vendor: String,
    pub consent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub pin: Pin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankDetails {
    pub holder: String,
    pub account: BankAccount,
    pub ifsc: Ifsc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SellerKind {
    /// Registered for GST in Uttar Pradesh; invoices its own sales.
    Vendor { gstin: Gstin },
    /// Without GST; sells through a vendor, which invoices on its behalf.
    SubVendor { vendor: UserId },
    /// Without GST, enrolled on the GST portal to sell through e-commerce
    /// operators within UP: sells on its own, only to buyers in UP, and
    /// charges no GST (a bill of supply, not a tax invoice).
    Enrolled { enrolment: EnrolmentNumber },
}

impl SellerKind {
    pub fn code(&self) -> &'static str {
        match self {
            SellerKind::Vendor { .. } => "vendor",
            SellerKind::SubVendor { .. } => "sub-vendor",
            SellerKind::Enrolled { .. } => "enrolled",
        }
    }
}

/// A complete, valid application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SellerApplication {
    pub display_name: String,
    pub legal_name: String,
    pub district: Slug,
    pub craft: Slug,
    pub bio_en: Option<String>,
    pub bio_hi: Option<String>,
    pub pickup: Address,
    pub bank: BankDetails,
    pub pan: Pan,
    pub udyam: Option<Udyam>,
    pub kind: SellerKind,
}

/// One problem with one field, for the form to show next to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    /// The Fluent message explaining it.
    pub message_id: &'static str,
    /// A number the message needs (a length limit), if any.
    pub limit: Option<usize>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message_id)?;
        if let Some(limit) = self.limit {
            write!(f, " ({limit})")?;
        }
        Ok(())
    }
}

impl FieldError {
    pub fn new(field: &'static str, message_id: &'static str) -> Self {
        Self {
            field,
            message_id,
            limit: None,
        }
    }

    pub(crate) fn id(field: &'static str, error: IdError) -> Self {
        Self::new(field, error.message_id())
    }

    fn text(field: &'static str, error: TextError) -> Self {
        let (message_id, limit) = match error {
            TextError::Missing => ("text-missing", None),
            TextError::TooShort(n) => ("text-too-short", Some(n)),
            TextError::TooLong(n) => ("text-too-long", Some(n)),
        };
        Self {
            field,
            message_id,
            limit,
        }
    }
}

/// Collects field errors while validating, keeping the first per field.
#[derive(Default)]
pub(crate) struct Problems(pub(crate) Vec<FieldError>);

impl Problems {
    pub(crate) fn check<T, E>(&mut self, result: Result<T, E>, to_error: impl FnOnce(E) -> FieldError) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(to_error(error));
                None
            }
        }
    }

    pub(crate) fn text(&mut self, field: &'static str, input: &str, min: usize, max: usize) -> Option<String> {
        self.check(text::required(input, min, max), |e| FieldError::text(field, e))
    }

    pub(crate) fn optional_text(&mut self, field: &'static str, input: &str, max: usize) -> Option<Option<String>> {
        self.check(text::optional(input, max), |e| FieldError::text(field, e))
    }
}

/// Checks an application against the registry and the vendors that invited
/// the applicant (`linked_vendors`), returning it whole or every problem.
pub fn validate(
    input: &ApplicationInput,
    registry: &Registry,
    linked_vendors: &[UserId],
) -> Result<SellerApplication, Vec<FieldError>> {
    let mut p = Problems::default();
    let display_name = p.text("display_name", &input.display_name, 2, 80);
    let legal_name = p.text("legal_name", &input.legal_name, 2, 120);
    let district = p.check(
        Slug::parse(input.district.trim())
            .ok()
            .filter(|slug| registry.district(slug).is_some())
            .ok_or(()),
        |()| FieldError::new("district", "unknown-district"),
    );
    let craft = p.check(
        Slug::parse(input.craft.trim())
            .ok()
            .filter(|slug| {
                registry
                    .districts()
                    .iter()
                    .any(|d| d.products.iter().any(|p| &p.slug == slug))
            })
            .ok_or(()),
        |()| FieldError::new("craft", "unknown-craft"),
    );
    let bio_en = p.optional_text("bio_en", &input.bio_en, 1000);
    let bio_hi = p.optional_text("bio_hi", &input.bio_hi, 1000);
    if let (Some(None), Some(None)) = (&bio_en, &bio_hi) {
        p.0.push(FieldError::new("bio_en", "bio-required"));
    }
    let line1 = p.text("address_line1", &input.address_line1, 3, 120);
    let line2 = p.optional_text("address_line2", &input.address_line2, 120);
    let city = p.text("city", &input.city, 2, 60);
    let pin = p.check(Pin::parse_in_up(&input.pin), |e| FieldError::id("pin", e));
    let holder = p.text("account_holder", &input.account_holder, 2, 120);
    let account = p.check(BankAccount::parse(&input.account_number), |e| {
        FieldError::id("account_number", e)
    });
    let ifsc = p.check(Ifsc::parse(&input.ifsc), |e| FieldError::id("ifsc", e));
    let pan = p.check(Pan::parse(&input.pan), |e| FieldError::id("pan", e));
    let udyam = if input.udyam.trim().is_empty() {
        Some(None)
    } else {
        p.check(Udyam::parse(&input.udyam), |e| FieldError::id("udyam", e))
            .map(Some)
    };
    let kind = match input.seller_kind.as_str() {
        "vendor" => match &pan {
            Some(pan) => p
                .check(Gstin::parse_for_up_seller(&input.gstin, pan), |e| {
                    FieldError::id("gstin", e)
                })
                .map(|gstin| SellerKind::Vendor { gstin }),
            // The GSTIN is checked against the PAN once the PAN is right.
            None => None,
        },
        "enrolled" => match &pan {
            Some(pan) => p
                .check(EnrolmentNumber::parse_for_up_seller(&input.enrolment, pan), |e| {
                    FieldError::id("enrolment", e)
                })
                .map(|enrolment| SellerKind::Enrolled { enrolment }),
            // The enrolment number is checked against the PAN once the PAN is right.
            None => None,
        },
        "sub-vendor" => p
            .check(
                input
                    .vendor
                    .trim()
                    .parse::<UserId>()
                    .ok()
                    .filter(|vendor| linked_vendors.contains(vendor))
                    .ok_or(()),
                |()| FieldError::new("vendor", "vendor-not-linked"),
            )
            .map(|vendor| SellerKind::SubVendor { vendor }),
        _ => {
            p.0.push(FieldError::new("seller_kind", "choose-seller-kind"));
            None
        }
    };
    if !input.consent {
        p.0.push(FieldError::new("consent", "consent-required"));
    }

    // Every field was checked above, so that all problems are reported;
    // the application exists only if none was found.
    let application = (|| {
        Some(SellerApplication {
            display_name: display_name?,
            legal_name: legal_name?,
            district: district?,
            craft: craft?,
            bio_en: bio_en?,
            bio_hi: bio_hi?,
            pickup: Address {
                line1: line1?,
                line2: line2?,
                city: city?,
                pin: pin?,
            },
            bank: BankDetails {
                holder: holder?,
                account: account?,
                ifsc: ifsc?,
            },
            pan: pan?,
            udyam: udyam?,
            kind: kind?,
        })
    })();
    match application {
        Some(application) if p.0.is_empty() => Ok(application),
        _ => Err(p.0),
    }
}

/// The documents an application carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// A copy of the PAN card.
    PanCard,
    /// A cancelled cheque or the first page of the bank passbook.
    BankProof,
    /// The GST registration certificate (vendors).
    GstCertificate,
    /// An artisan card or a certificate of the craft (optional).
    CraftProof,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] = [
        DocumentKind::PanCard,
        DocumentKind::BankProof,
        DocumentKind::GstCertificate,
        DocumentKind::CraftProof,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::PanCard => "pan_card",
            DocumentKind::BankProof => "bank_proof",
            DocumentKind::GstCertificate => "gst_certificate",
            DocumentKind::CraftProof => "craft_proof",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether an application of this kind of seller must carry it.
    pub fn required_for(self, kind: &SellerKind) -> bool {
        match self {
            DocumentKind::PanCard | DocumentKind::BankProof => true,
            DocumentKind::GstCertificate => matches!(kind, SellerKind::Vendor { .. }),
            DocumentKind::CraftProof => false,
        }
    }
}

/// The largest document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// The file types documents may have, recognised from their first bytes
/// (never from the name or the browser's claim).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentType {
    Pdf,
    Jpeg,
    Png,
}

impl DocumentType {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(DocumentType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(DocumentType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(DocumentType::Png)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            DocumentType::Pdf => "application/pdf",
            DocumentType::Jpeg => "image/jpeg",
            DocumentType::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            DocumentType::Pdf => "pdf",
            DocumentType::Jpeg => "jpg",
            DocumentType::Png => "png",
        }
    }
}

/// Why an uploaded document was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than 5 MB")]
    TooLarge,
    #[error("the file is not a PDF, JPEG or PNG")]
    WrongType,
}

impl DocumentError {
    pub fn message_id(self) -> &'static str {
        match self {
            DocumentError::Empty => "document-missing",
            DocumentError::TooLarge => "document-too-large",
            DocumentError::WrongType => "document-wrong-type",
        }
    }
}

/// Checks an uploaded document's size and type.
pub fn check_document(bytes: &[u8]) -> Result<DocumentType, DocumentError> {
    if bytes.is_empty() {
        Err(DocumentError::Empty)
    } else if bytes.len() > MAX_DOCUMENT_BYTES {
        Err(DocumentError::TooLarge)
    } else {
        DocumentType::sniff(bytes).ok_or(DocumentError::WrongType)
    }
}

/// The required documents an application lacks, given those it has.
pub fn missing_documents(kind: &SellerKind, present: &[DocumentKind]) -> Vec<DocumentKind> {
    DocumentKind::ALL
        .into_iter()
        .filter(|k| k.required_for(kind) && !present.contains(k))
        .collect()
}

/// Where an application stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApplicationStatus {
    /// Waiting for the district officer.
    Submitted,
    /// Sent back to the applicant to correct, with a reason.
    Returned,
    /// The applicant is a verified seller.
    Approved,
    /// Refused, with a reason; the applicant may apply again.
    Rejected,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 4] = [
        ApplicationStatus::Submitted,
        ApplicationStatus::Returned,
        ApplicationStatus::Approved,
        ApplicationStatus::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Returned => "returned",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the applicant may change and submit the application again.
    pub fn editable(self) -> bool {
        matches!(self, ApplicationStatus::Returned)
    }

    /// Whether a new application may be started while this one exists.
    pub fn allows_new_application(self) -> bool {
        matches!(self, ApplicationStatus::Rejected)
    }
}

/// An officer's decision. Returning and rejecting need a reason the
/// applicant can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Return { reason: String },
    Reject { reason: String },
}

impl Decision {
    /// Parses the desk's form: an action and, unless approving, a reason of
    /// 5 to 500 characters.
    pub fn parse(action: &str, reason: &str) -> Result<Self, FieldError> {
        let reason = || text::required(reason, 5, 500).map_err(|e| FieldError::text("reason", e));
        match action {
            "approve" => Ok(Decision::Approve),
            "return" => Ok(Decision::Return { reason: reason()? }),
            "reject" => Ok(Decision::Reject { reason: reason()? }),
            _ => Err(FieldError::new("action", "choose-decision")),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Return { .. } => "return",
            Decision::Reject { .. } => "reject",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Decision::Approve => None,
            Decision::Return { reason } | Decision::Reject { reason } => Some(reason),
        }
    }

    /// The status this decision leads to from `current`; only a submitted
    /// application can be decided.
    pub fn apply(&self, current: ApplicationStatus) -> Result<ApplicationStatus, TransitionError> {
        if current != ApplicationStatus::Submitted {
            return Err(TransitionError { from: current });
        }
        Ok(match self {
            Decision::Approve => ApplicationStatus::Approved,
            Decision::Return { .. } => ApplicationStatus::Returned,
            Decision::Reject { .. } => ApplicationStatus::Rejected,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an application that is {} cannot be decided", from.code())]
pub struct TransitionError {
    pub from: ApplicationStatus,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Bilingual;
    use crate::identity::gstin_check_character;
    use crate::registry::{Confidence, District, Division, GiStatus, GiTag, OdopProduct};

    fn registry() -> Registry {
        let slug = |s: &str| Slug::parse(s).unwrap();
        Registry::new(
            vec![Division {
                slug: slug("lucknow"),
                name: Bilingual::new("Lucknow", "लखनऊ"),
            }],
            vec![District {
                slug: slug("lucknow"),
                division: slug("lucknow"),
                name: Bilingual::new("Lucknow", "लखनऊ"),
                confidence: Confidence::High,
                featured_rank: None,
                products: vec![OdopProduct {
                    hsn: Vec::new(),
                    slug: slug("chikankari"),
                    name: Bilingual::new("Chikankari", "चिकनकारी"),
                    description: Bilingual::new("", ""),
                    added_on: None,
                    gi: GiTag {
                        status: GiStatus::Unknown,
                        name: None,
                    },
                }],
            }],
        )
        .unwrap()
    }

    fn gstin_for(pan: &str) -> String {
        let first14 = format!("09{pan}1Z");
        let check = gstin_check_character(first14.as_bytes()).unwrap() as char;
        format!("{first14}{check}")
    }

    fn vendor_input() -> ApplicationInput {
        ApplicationInput {
            display_name: "Noor Chikan House".into(),
            legal_name: "Noor Jahan".into(),
            district: "lucknow".into(),
            craft: "chikankari".into(),
            bio_en: "Third-generation chikan embroiderer.".into(),
            bio_hi: String::new(),
            address_line1: "12 Chowk".into(),
            address_line2: String::new(),
            city: "Lucknow".into(),
            pin: "226003".into(),
            account_holder: "Noor Jahan".into(),
            account_number: "123456789012".into(),
            ifsc: "SBIN0001234".into(),
            pan: "ABCPJ1234K".into(),
            udyam: String::new(),
            seller_kind: "vendor".into(),
            gstin: gstin_for("ABCPJ1234K"),
            enrolment: String::new(),
            vendor: String::new(),
            consent: true,
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<(&'static str, &'static str)> {
        errors.into_iter().map(|e| (e.field, e.message_id)).collect()
    }

    #[test]
    fn a_complete_vendor_application_is_valid() {
        let application = validate(&vendor_input(), &registry(), &[]).unwrap();
        assert!(matches!(application.kind, SellerKind::Vendor { .. }));
        assert_eq!(application.pickup.pin.as_str(), "226003");
        assert_eq!(application.bio_hi, None);
    }

    #[test]
    fn an_enrolled_supplier_gives_an_enrolment_number_of_up_with_its_own_pan() {
        let input = ApplicationInput {
            seller_kind: "enrolled".into(),
            gstin: String::new(),
            enrolment: "09ABCPJ1234K1E5".into(),
            ..vendor_input()
        };
        let application = validate(&input, &registry(), &[]).unwrap();
        assert_eq!(application.kind.code(), "enrolled");
        assert!(matches!(application.kind, SellerKind::Enrolled { .. }));
        assert!(!DocumentKind::GstCertificate.required_for(&application.kind));
        for (enrolment, message) in [
            ("09ABCPJ9999K1E5", "invalid-enrolment-pan"),
            ("07ABCPJ1234K1E5", "invalid-enrolment-state"),
            ("09ABCPJ1234K", "invalid-enrolment-format"),
        ] {
            let input = ApplicationInput {
                enrolment: enrolment.into(),
                ..input.clone()
            };
            let problems = validate(&input, &registry(), &[]).unwrap_err();
            assert_eq!(
                problems.iter().map(|p| (p.field, p.message_id)).collect::<Vec<_>>(),
                [("enrolment", message)],
                "{enrolment}"
            );
        }
    }

    #[test]
    fn a_sub_vendor_must_name_a_vendor_that_invited_them() {
        let input = ApplicationInput {
            seller_kind: "sub-vendor".into(),
            gstin: String::new(),
            vendor: "42".into(),
            ..vendor_input()
        };
        let application = validate(&input, &registry(), &[UserId(42)]).unwrap();
        assert_eq!(application.kind, SellerKind::SubVendor { vendor: UserId(42) });
        assert_eq!(
            fields(validate(&input, &registry(), &[UserId(7)]).unwrap_err()),
            [("vendor", "vendor-not-linked")]
        );
    }

    #[test]
    fn each_rule_names_its_field() {
        type Change = fn(&mut ApplicationInput);
        let cases: &[(Change, (&str, &str))] = &[
            (|i| i.display_name = " ".into(), ("display_name", "text-missing")),
            (|i| i.legal_name = "x".repeat(121), ("legal_name", "text-too-long")),
            (|i| i.district = "atlantis".into(), ("district", "unknown-district")),
            (|i| i.craft = "pottery".into(), ("craft", "unknown-craft")),
            (|i| i.bio_en = String::new(), ("bio_en", "bio-required")),
            (|i| i.pin = "110001".into(), ("pin", "invalid-pin-state")),
            (|i| i.pin = "2260".into(), ("pin", "invalid-pin")),
            (
                |i| i.account_number = "12ab".into(),
                ("account_number", "invalid-bank-account"),
            ),
            (|i| i.ifsc = "SBIN1001234".into(), ("ifsc", "invalid-ifsc")),
            (
                |i| i.udyam = "UDYAM-DL-01-0000001".into(),
                ("udyam", "invalid-udyam-state"),
            ),
            (|i| i.gstin = gstin_for("ABCPJ9999K"), ("gstin", "invalid-gstin-pan")),
            (
                |i| i.gstin = "09ABCPJ1234K1Z0".into(),
                ("gstin", "invalid-gstin-checksum"),
            ),
            (
                |i| i.seller_kind = "maybe".into(),
                ("seller_kind", "choose-seller-kind"),
            ),
            (|i| i.consent = false, ("consent", "consent-required")),
        ];
        for (change, expected) in cases {
            let mut input = vendor_input();
            change(&mut input);
            assert_eq!(fields(validate(&input, &registry(), &[]).unwrap_err()), [*expected]);
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errors = validate(&ApplicationInput::default(), &registry(), &[]).unwrap_err();
        let named: Vec<_> = errors.iter().map(|e| e.field).collect();
        for field in ["display_name", "district", "pin", "pan", "seller_kind", "consent"] {
            assert!(named.contains(&field), "{field} missing from {named:?}");
        }
    }

    #[test]
    fn documents_are_recognised_from_their_bytes() {
        assert_eq!(check_document(b"%PDF-1.7\n..."), Ok(DocumentType::Pdf));
        assert_eq!(check_document(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Ok(DocumentType::Jpeg));
        assert_eq!(check_document(b"\x89PNG\r\n\x1a\n\0\0"), Ok(DocumentType::Png));
        assert_eq!(check_document(b""), Err(DocumentError::Empty));
        assert_eq!(check_document(b"<html><script>"), Err(DocumentError::WrongType));
        assert_eq!(
            check_document(b"MZ\x90\0"),
            Err(DocumentError::WrongType),
            "an executable renamed .pdf"
        );
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_DOCUMENT_BYTES + 1, 0);
        assert_eq!(check_document(&big), Err(DocumentError::TooLarge));
    }

    #[test]
    fn vendors_also_need_their_gst_certificate() {
        let vendor = SellerKind::Vendor {
            gstin: Gstin::parse(&gstin_for("ABCPJ1234K")).unwrap(),
        };
        let artisan = SellerKind::SubVendor { vendor: UserId(1) };
        assert_eq!(
            missing_documents(&vendor, &[DocumentKind::PanCard]),
            [DocumentKind::BankProof, DocumentKind::GstCertificate]
        );
        assert_eq!(
            missing_documents(&artisan, &[DocumentKind::PanCard, DocumentKind::BankProof]),
            []
        );
    }

    #[test]
    fn only_a_submitted_application_can_be_decided() {
        let approve = Decision::parse("approve", "").unwrap();
        let send_back = Decision::parse("return", "Please upload a clearer PAN card.").unwrap();
        assert_eq!(
            approve.apply(ApplicationStatus::Submitted),
            Ok(ApplicationStatus::Approved)
        );
        assert_eq!(
            send_back.apply(ApplicationStatus::Submitted),
            Ok(ApplicationStatus::Returned)
        );
        for from in [
            ApplicationStatus::Approved,
            ApplicationStatus::Rejected,
            ApplicationStatus::Returned,
        ] {
            assert_eq!(approve.apply(from), Err(TransitionError { from }));
        }
        assert_eq!(
            Decision::parse("reject", "no").unwrap_err().message_id,
            "text-too-short"
        );
        assert_eq!(Decision::parse("reject", "").unwrap_err().message_id, "text-missing");
        assert_eq!(Decision::parse("delete", "").unwrap_err().message_id, "choose-decision");
        for status in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(status.code()), Some(status));
        }
    }
}
