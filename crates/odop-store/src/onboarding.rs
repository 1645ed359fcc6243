//! Seller applications: submitting, the officer's queue, decisions, and the
//! record of who decided what, when and why.

use chrono::{DateTime, Utc};
use odop_domain::onboarding::{
    ApplicationInput, ApplicationStatus, Decision, DocumentKind, SellerApplication, SellerKind, TransitionError,
};
use odop_domain::{ApplicationId, DocumentId, Slug, UserId};

use crate::StoreError;
use crate::db::{Db, Tx, dispatch, on_tx};
use crate::outbox::{self, NewMessage};
use crate::time::Timestamp;

/// A document to record with an application; its bytes are already stored
/// under `storage_key`.
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub kind: DocumentKind,
    pub file_name: String,
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub storage_key: String,
}

/// An application as stored, with the names that pages show next to it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApplicationRecord {
    pub id: i64,
    pub user_id: i64,
    pub applicant_phone: Option<String>,
    pub applicant_locale: Option<String>,
    pub status: String,
    pub district: String,
    pub craft: String,
    pub display_name: String,
    pub legal_name: Option<String>,
    pub bio_en: Option<String>,
    pub bio_hi: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub pin: Option<String>,
    pub account_holder: Option<String>,
    pub account_number: Option<String>,
    pub ifsc: Option<String>,
    pub pan: Option<String>,
    pub udyam: Option<String>,
    pub seller_kind: String,
    pub gstin: Option<String>,
    pub enrolment_number: Option<String>,
    pub vendor_user_id: Option<i64>,
    pub vendor_name: Option<String>,
    pub submitted_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    pub decision_reason: Option<String>,
    pub erased_at: Option<Timestamp>,
}

impl ApplicationRecord {
    pub fn id(&self) -> ApplicationId {
        ApplicationId(self.id)
    }

    pub fn applicant(&self) -> UserId {
        UserId(self.user_id)
    }

    pub fn status(&self) -> Result<ApplicationStatus, StoreError> {
        ApplicationStatus::parse(&self.status)
            .ok_or_else(|| StoreError::Corrupt(format!("application {}: status {}", self.id, self.status)))
    }

    pub fn district(&self) -> Result<Slug, StoreError> {
        Slug::parse(&self.district).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// The form as it was submitted, to correct a returned application.
    pub fn to_input(&self) -> ApplicationInput {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        ApplicationInput {
            display_name: self.display_name.clone(),
            legal_name: text(&self.legal_name),
            district: self.district.clone(),
            craft: self.craft.clone(),
            bio_en: text(&self.bio_en),
            bio_hi: text(&self.bio_hi),
            address_line1: text(&self.address_line1),
            address_line2: text(&self.address_line2),
            city: text(&self.city),
            pin: text(&self.pin),
            account_holder: text(&self.account_holder),
            account_number: text(&self.account_number),
            ifsc: text(&self.ifsc),
            pan: text(&self.pan),
            udyam: text(&self.udyam),
            seller_kind: self.seller_kind.clone(),
            gstin: text(&self.gstin),
            enrolment: text(&self.enrolment_number),
            vendor: self.vendor_user_id.map(|v| v.to_string()).unwrap_or_default(),
            // Consent is given anew with every submission.
            consent: false,
        }
    }
}

const SELECT_APPLICATION: &str = "SELECT a.id, a.user_id, u.phone AS applicant_phone, u.locale AS applicant_locale, \
     a.status, d.slug AS district, a.craft, a.display_name, a.legal_name, a.bio_en, a.bio_hi, a.address_line1, \
     a.address_line2, a.city, a.pin, a.account_holder, a.account_number, a.ifsc, a.pan, a.udyam, a.seller_kind, \
     a.gstin, a.enrolment_number, a.vendor_user_id, ( \
         SELECT v.display_name FROM seller_applications v WHERE v.user_id = a.vendor_user_id \
         AND v.status = 'approved' ORDER BY v.id DESC LIMIT 1) AS vendor_name, \
     a.submitted_at, a.decided_at, a.decision_reason, a.erased_at \
     FROM seller_applications a JOIN districts d ON d.id = a.district_id JOIN users u ON u.id = a.user_id";

pub async fn get(db: &Db, id: ApplicationId) -> Result<Option<ApplicationRecord>, StoreError> {
    let record = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_APPLICATION} WHERE a.id = $1")))
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(record)
}

/// The applicant's newest application, if any.
pub async fn latest_for(db: &Db, user: UserId) -> Result<Option<ApplicationRecord>, StoreError> {
    let record = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_APPLICATION} WHERE a.user_id = $1 ORDER BY a.id DESC LIMIT 1")))
            .bind(user.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(record)
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("this person already has an application that is open or approved")]
    AlreadyApplied,
    #[error("this application cannot be changed now")]
    NotEditable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for SubmitError {
    fn from(error: sqlx::Error) -> Self {
        SubmitError::Store(error.into())
    }
}

async fn district_id(tx: &mut Tx, slug: &Slug) -> Result<i64, StoreError> {
    let id = on_tx!(tx, t => {
        sqlx::query_scalar("SELECT id FROM districts WHERE slug = $1")
            .bind(slug.as_str())
            .fetch_optional(&mut **t)
            .await?
    });
    id.ok_or_else(|| StoreError::Corrupt(format!("district {slug} vanished")))
}

async fn record_documents(
    tx: &mut Tx,
    application: i64,
    documents: &[NewDocument],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for document in documents {
        on_tx!(tx, t => {
            sqlx::query(
                "INSERT INTO application_documents (application_id, kind, file_name, content_type, size_bytes, \
                 storage_key, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(application)
            .bind(document.kind.code())
            .bind(&document.file_name)
            .bind(document.content_type)
            .bind(document.size_bytes)
            .bind(&document.storage_key)
            .bind(Timestamp(now))
            .execute(&mut **t)
            .await?;
        });
    }
    Ok(())
}

async fn record_event(
    tx: &mut Tx,
    application: i64,
    actor: UserId,
    action: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, t => {
        sqlx::query("INSERT INTO application_events (application_id, actor_user_id, action, reason, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(application)
            .bind(actor.0)
            .bind(action)
            .bind(reason)
            .bind(Timestamp(now))
            .execute(&mut **t)
            .await?;
    });
    let role = if matches!(action, "submitted" | "resubmitted") {
        "applicant"
    } else {
        "officer"
    };
    let audited = format!("application.{action}");
    let change = crate::audit::Change {
        action: &audited,
        object_kind: "seller_application",
        object_id: application.to_string(),
        after: Some(action),
        note: reason,
        ..crate::audit::Change::default()
    };
    crate::audit::append(tx, crate::audit::AuditActor::user(actor, role), change, now).await?;
    Ok(())
}

/// The columns an applicant fills in, in the order of [`bind_fields`].
const FIELD_COLUMNS: [&str; 20] = [
    "district_id",
    "craft",
    "display_name",
    "legal_name",
    "bio_en",
    "bio_hi",
    "address_line1",
    "address_line2",
    "city",
    "pin",
    "account_holder",
    "account_number",
    "ifsc",
    "pan",
    "udyam",
    "seller_kind",
    "gstin",
    "enrolment_number",
    "vendor_user_id",
    "consent_at",
];

macro_rules! bind_fields {
    ($query:expr, $district:expr, $a:expr, $now:expr) => {{
        let (gstin, enrolment, vendor) = match &$a.kind {
            SellerKind::Vendor { gstin } => (Some(gstin.to_string()), None, None),
            SellerKind::SubVendor { vendor } => (None, None, Some(vendor.0)),
            SellerKind::Enrolled { enrolment } => (None, Some(enrolment.to_string()), None),
        };
        $query
            .bind($district)
            .bind($a.craft.as_str())
            .bind(&$a.display_name)
            .bind(&$a.legal_name)
            .bind(&$a.bio_en)
            .bind(&$a.bio_hi)
            .bind(&$a.pickup.line1)
            .bind(&$a.pickup.line2)
            .bind(&$a.pickup.city)
            .bind($a.pickup.pin.as_str())
            .bind(&$a.bank.holder)
            .bind($a.bank.account.as_str())
            .bind($a.bank.ifsc.as_str())
            .bind($a.pan.as_str())
            .bind($a.udyam.as_ref().map(|u| u.to_string()))
            .bind($a.kind.code())
            .bind(gstin)
            .bind(enrolment)
            .bind(vendor)
            .bind(Timestamp($now))
    }};
}

/// Files a new application with its documents.
pub async fn submit(
    db: &Db,
    applicant: UserId,
    application: &SellerApplication,
    documents: &[NewDocument],
    now: DateTime<Utc>,
) -> Result<ApplicationId, SubmitError> {
    let mut tx = db.begin().await?;
    let open: Option<i64> = on_tx!(&mut tx, t => {
        sqlx::query_scalar("SELECT id FROM seller_applications WHERE user_id = $1 AND status <> 'rejected' LIMIT 1")
            .bind(applicant.0)
            .fetch_optional(&mut **t)
            .await?
    });
    if open.is_some() {
        return Err(SubmitError::AlreadyApplied);
    }
    let district = district_id(&mut tx, &application.district).await?;
    let placeholders: Vec<String> = (3..3 + FIELD_COLUMNS.len()).map(|i| format!("${i}")).collect();
    let insert = format!(
        "INSERT INTO seller_applications (user_id, status, {}, submitted_at) VALUES ($1, $2, {}, ${}) RETURNING id",
        FIELD_COLUMNS.join(", "),
        placeholders.join(", "),
        3 + FIELD_COLUMNS.len()
    );
    let inserted: Result<i64, sqlx::Error> = on_tx!(&mut tx, t => {
        let query = sqlx::query_scalar(sqlx::AssertSqlSafe(insert.clone()))
            .bind(applicant.0)
            .bind(ApplicationStatus::Submitted.code());
        bind_fields!(query, district, application, now)
            .bind(Timestamp(now))
            .fetch_one(&mut **t)
            .await
    });
    let id = match inserted {
        Ok(id) => id,
        // Another submission of the same person won the race.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(SubmitError::AlreadyApplied),
        Err(e) => return Err(e.into()),
    };
    record_documents(&mut tx, id, documents, now).await?;
    record_event(&mut tx, id, applicant, "submitted", None, now).await?;
    // A person who signed in with a code has no name yet: their shop's will do.
    on_tx!(&mut tx, t => {
        sqlx::query("UPDATE users SET display_name = $2 WHERE id = $1 AND display_name IS NULL")
            .bind(applicant.0)
            .bind(&application.display_name)
            .execute(&mut **t)
            .await?;
    });
    tx.commit().await?;
    Ok(ApplicationId(id))
}

/// Submits a returned application again, corrected, with any new documents.
pub async fn resubmit(
    db: &Db,
    id: ApplicationId,
    applicant: UserId,
    application: &SellerApplication,
    documents: &[NewDocument],
    now: DateTime<Utc>,
) -> Result<(), SubmitError> {
    let mut tx = db.begin().await?;
    let district = district_id(&mut tx, &application.district).await?;
    let assignments: Vec<String> = FIELD_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, column)| format!("{column} = ${}", i + 3))
        .collect();
    let update = format!(
        "UPDATE seller_applications SET status = 'submitted', decided_at = NULL, decision_reason = NULL, {}, \
         submitted_at = ${} WHERE id = $1 AND user_id = $2 AND status = 'returned'",
        assignments.join(", "),
        3 + FIELD_COLUMNS.len()
    );
    let updated = on_tx!(&mut tx, t => {
        let query = sqlx::query(sqlx::AssertSqlSafe(update.clone())).bind(id.0).bind(applicant.0);
        bind_fields!(query, district, application, now)
            .bind(Timestamp(now))
            .execute(&mut **t)
            .await?
            .rows_affected()
    });
    if updated != 1 {
        return Err(SubmitError::NotEditable);
    }
    record_documents(&mut tx, id.0, documents, now).await?;
    record_event(&mut tx, id.0, applicant, "resubmitted", None, now).await?;
    tx.commit().await?;
    Ok(())
}

/// An application waiting in an officer's queue.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueItem {
    pub id: i64,
    pub display_name: String,
    pub district: String,
    pub craft: String,
    pub seller_kind: String,
    pub submitted_at: Timestamp,
}

/// Submitted applications, oldest first, from `districts` (every district
/// when `None`: a state admin's view).
pub async fn queue(db: &Db, districts: Option<&[Slug]>) -> Result<Vec<QueueItem>, StoreError> {
    let items: Vec<QueueItem> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT a.id, a.display_name, d.slug AS district, a.craft, a.seller_kind, a.submitted_at \
             FROM seller_applications a JOIN districts d ON d.id = a.district_id \
             WHERE a.status = 'submitted' ORDER BY a.submitted_at, a.id",
        )
        .fetch_all(pool)
        .await?
    });
    Ok(match districts {
        None => items,
        Some(districts) => items
            .into_iter()
            .filter(|item| districts.iter().any(|d| d.as_str() == item.district))
            .collect(),
    })
}

/// Up to `limit` sellers of `district` whose applications were approved,
/// by account age: sellers who may list, for tools that act as one.
pub async fn approved_sellers(db: &Db, district: &Slug, limit: i64) -> Result<Vec<UserId>, StoreError> {
    let ids: Vec<i64> = dispatch!(db, pool => {
        sqlx::query_scalar(
            "SELECT a.user_id FROM seller_applications a JOIN districts d ON d.id = a.district_id \
             WHERE a.status = 'approved' AND d.slug = $1 ORDER BY a.user_id LIMIT $2",
        )
        .bind(district.as_str())
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(ids.into_iter().map(UserId).collect())
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for DecideError {
    fn from(error: sqlx::Error) -> Self {
        DecideError::Store(error.into())
    }
}

/// Records an officer's decision and the message telling the applicant, in
/// one transaction. Of two officers deciding at once, the second is refused.
pub async fn decide(
    db: &Db,
    id: ApplicationId,
    officer: UserId,
    decision: &Decision,
    message: Option<&NewMessage>,
    now: DateTime<Utc>,
) -> Result<ApplicationStatus, DecideError> {
    let mut tx = db.begin().await?;
    let current: Option<String> = on_tx!(&mut tx, t => {
        sqlx::query_scalar("SELECT status FROM seller_applications WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut **t)
            .await?
    });
    let current = current
        .and_then(|s| ApplicationStatus::parse(&s))
        .ok_or_else(|| StoreError::Corrupt(format!("application {id} has no status")))?;
    let next = decision.apply(current)?;
    let updated = on_tx!(&mut tx, t => {
        sqlx::query(
            "UPDATE seller_applications SET status = $2, decided_at = $3, decision_reason = $4 \
             WHERE id = $1 AND status = 'submitted'",
        )
        .bind(id.0)
        .bind(next.code())
        .bind(Timestamp(now))
        .bind(decision.reason())
        .execute(&mut **t)
        .await?
        .rows_affected()
    });
    if updated != 1 {
        return Err(TransitionError { from: current }.into());
    }
    let action = match decision {
        Decision::Approve => "approved",
        Decision::Return { .. } => "returned",
        Decision::Reject { .. } => "rejected",
    };
    record_event(&mut tx, id.0, officer, action, decision.reason(), now).await?;
    if let Some(message) = message {
        outbox::enqueue(&mut tx, message, now).await?;
    }
    tx.commit().await?;
    Ok(next)
}

/// One entry of an application's history.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRecord {
    pub actor_user_id: i64,
    pub actor_name: Option<String>,
    pub action: String,
    pub reason: Option<String>,
    pub at: Timestamp,
}

pub async fn events(db: &Db, id: ApplicationId) -> Result<Vec<EventRecord>, StoreError> {
    let events = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT e.actor_user_id, u.display_name AS actor_name, e.action, e.reason, e.at \
             FROM application_events e JOIN users u ON u.id = e.actor_user_id \
             WHERE e.application_id = $1 ORDER BY e.at, e.id",
        )
        .bind(id.0)
        .fetch_all(pool)
        .await?
    });
    Ok(events)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DocumentRecord {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub storage_key: String,
    pub uploaded_at: Timestamp,
}

impl DocumentRecord {
    pub fn id(&self) -> DocumentId {
        DocumentId(self.id)
    }
}

const SELECT_DOCUMENT: &str = "SELECT id, application_id, kind, file_name, content_type, size_bytes, storage_key, \
     uploaded_at FROM application_documents WHERE deleted_at IS NULL";

pub async fn documents(db: &Db, id: ApplicationId) -> Result<Vec<DocumentRecord>, StoreError> {
    let documents = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_DOCUMENT} AND application_id = $1 ORDER BY id")))
            .bind(id.0)
            .fetch_all(pool)
            .await?
    });
    Ok(documents)
}

pub async fn document(db: &Db, id: DocumentId) -> Result<Option<DocumentRecord>, StoreError> {
    let document = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_DOCUMENT} AND id = $1")))
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(document)
}
