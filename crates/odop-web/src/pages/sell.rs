//! Applying to sell: the application form with its documents, the status
//! page, and documents served only to those who may see them.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use bytes::Bytes;
use chrono::Utc;
use odop_domain::authz::{self, Action, ApplicationRef};
use odop_domain::onboarding::{
    self, ApplicationInput, ApplicationStatus, DocumentKind, MAX_DOCUMENT_BYTES, check_document, missing_documents,
};
use odop_domain::registry::Registry;
use odop_domain::{DocumentId, text};
use odop_store::onboarding::{ApplicationRecord, NewDocument, SubmitError};
use odop_store::{onboarding as store, vendors};

use super::account::status_label;
use super::catalogue::{craft_name, district_name};
use super::forms::Errors;
use super::signin::invalid;
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::{SignedIn, crypto, csrf};
use crate::error::{AppError, BadRequest, NotFound};
use crate::extract::Path;
use crate::i18n::Tr;

/// Four documents of 5 MB and the text fields, with room to spare.
const APPLICATION_BODY_LIMIT: usize = 4 * MAX_DOCUMENT_BYTES + 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/sell/apply",
            get(form)
                .post(submit)
                .layer(DefaultBodyLimit::max(APPLICATION_BODY_LIMIT)),
        )
        .route("/sell/application", get(status))
        .route("/documents/{id}", get(document))
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

pub struct DistrictGroup {
    pub label: String,
    pub districts: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "sell/apply.html")]
struct ApplyPage {
    tr: Tr,
    chrome: Chrome,
    input: ApplicationInput,
    divisions: Vec<DistrictGroup>,
    crafts: Vec<Choice>,
    vendors: Vec<Choice>,
    /// The documents already on file (a returned application).
    documents_on_file: Vec<String>,
    resubmission: bool,
    errors: Errors,
}

/// Every district, grouped by division, for a `<select>` with `<optgroup>`s.
pub(crate) fn district_groups(tr: &Tr, registry: &Registry) -> Vec<DistrictGroup> {
    registry
        .divisions()
        .iter()
        .map(|division| DistrictGroup {
            label: tr.t1("division-heading", "name", tr.pick(&division.name)),
            districts: registry
                .districts_of(division)
                .map(|d| Choice {
                    value: d.slug.to_string(),
                    label: tr.pick(&d.name).to_owned(),
                })
                .collect(),
        })
        .collect()
}

/// Where a person stands with applying: their newest application, and
/// whether they may file a new one or correct it.
enum Standing {
    New,
    Correcting(Box<ApplicationRecord>),
    /// Nothing to fill in: go to the status page (or, for staff, nowhere).
    Elsewhere(Response),
}

async fn standing(state: &AppState, me: &SignedIn) -> Result<Standing, AppError> {
    let latest = store::latest_for(state.db(), me.user.id).await?;
    Ok(match latest {
        Some(record) if record.status()?.editable() => Standing::Correcting(Box::new(record)),
        Some(record) if !record.status()?.allows_new_application() => {
            Standing::Elsewhere(Redirect::to("/sell/application").into_response())
        }
        _ if authz::may(&me.actor, Action::ApplyToSell) => Standing::New,
        _ => Standing::Elsewhere(AppError::NotFound(NotFound::Object).into_response()),
    })
}

async fn apply_page(
    page: &Page,
    state: &AppState,
    me: &SignedIn,
    input: ApplicationInput,
    correcting: Option<&ApplicationRecord>,
    errors: Errors,
) -> Result<Html<String>, AppError> {
    let tr = &page.tr;
    let registry = state.registry().await?;
    let vendors = vendors::active_vendors(state.db(), me.user.id)
        .await?
        .into_iter()
        .map(|link| Choice {
            value: link.vendor_user_id.to_string(),
            label: link.vendor_name.unwrap_or_default(),
        })
        .collect();
    let documents_on_file = match correcting {
        Some(record) => store::documents(state.db(), record.id())
            .await?
            .iter()
            .map(|d| document_label(tr, &d.kind))
            .collect(),
        None => Vec::new(),
    };
    render(&ApplyPage {
        chrome: page.chrome(),
        tr: tr.clone(),
        input,
        divisions: district_groups(tr, &registry),
        crafts: super::catalogue::crafts(tr, &registry)
            .into_iter()
            .map(|(value, label)| Choice { value, label })
            .collect(),
        vendors,
        documents_on_file,
        resubmission: correcting.is_some(),
        errors,
    })
}

fn document_label(tr: &Tr, kind: &str) -> String {
    tr.t(&format!("document-{}", kind.replace('_', "-")))
}

async fn form(page: Page, State(state): State<AppState>) -> Result<Response, AppError> {
    let me = page.signed_in()?.clone();
    match standing(&state, &me).await? {
        Standing::Elsewhere(response) => Ok(response),
        Standing::Correcting(record) => {
            Ok(
                apply_page(&page, &state, &me, record.to_input(), Some(&record), Errors::default())
                    .await?
                    .into_response(),
            )
        }
        Standing::New => {
            let input = ApplicationInput {
                display_name: me.user.display_name.clone().unwrap_or_default(),
                ..ApplicationInput::default()
            };
            Ok(apply_page(&page, &state, &me, input, None, Errors::default())
                .await?
                .into_response())
        }
    }
}

/// The longest text field accepted from the form, in bytes; longer is not a
/// name or an address, and is refused before anything else is read.
const MAX_FIELD_BYTES: usize = 4096;

struct Upload {
    kind: DocumentKind,
    file_name: String,
    bytes: Bytes,
}

/// Reads the multipart form: its text fields, its files, and its CSRF token.
async fn read_form(mut multipart: Multipart) -> Result<(ApplicationInput, Vec<Upload>, String), AppError> {
    let bad = |e: &dyn std::fmt::Display| AppError::bad_request(BadRequest::InvalidForm, e);
    let mut input = ApplicationInput::default();
    let mut uploads = Vec::new();
    let mut token = String::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| bad(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(kind) = DocumentKind::parse(&name) {
            let file_name = text::clean(field.file_name().unwrap_or_default())
                .chars()
                .take(100)
                .collect();
            let bytes = field.bytes().await.map_err(|e| bad(&e))?;
            if !bytes.is_empty() {
                uploads.push(Upload { kind, file_name, bytes });
            }
            continue;
        }
        let value = field.text().await.map_err(|e| bad(&e))?;
        if value.len() > MAX_FIELD_BYTES {
            return Err(bad(&format!("field {name} is longer than {MAX_FIELD_BYTES} bytes")));
        }
        let slot = match name.as_str() {
            csrf::CSRF_FIELD => &mut token,
            "display_name" => &mut input.display_name,
            "legal_name" => &mut input.legal_name,
            "district" => &mut input.district,
            "craft" => &mut input.craft,
            "bio_en" => &mut input.bio_en,
            "bio_hi" => &mut input.bio_hi,
            "address_line1" => &mut input.address_line1,
            "address_line2" => &mut input.address_line2,
            "city" => &mut input.city,
            "pin" => &mut input.pin,
            "account_holder" => &mut input.account_holder,
            "account_number" => &mut input.account_number,
            "ifsc" => &mut input.ifsc,
            "pan" => &mut input.pan,
            "udyam" => &mut input.udyam,
            "seller_kind" => &mut input.seller_kind,
            "gstin" => &mut input.gstin,
            "enrolment" => &mut input.enrolment,
            "vendor" => &mut input.vendor,
            "consent" => {
                input.consent = value == "yes";
                continue;
            }
            _ => continue,
        };
        *slot = value;
    }
    Ok((input, uploads, token))
}

async fn submit(
    page: Page,
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let (input, uploads, token) = read_form(multipart).await?;
    csrf::verify(&headers, &token)?;
    let me = page.signed_in()?.clone();
    let correcting = match standing(&state, &me).await? {
        Standing::Elsewhere(response) => return Ok(response),
        Standing::Correcting(record) => Some(record),
        Standing::New => None,
    };
    let tr = &page.tr;
    let registry = state.registry().await?;
    let linked: Vec<_> = vendors::active_vendors(state.db(), me.user.id)
        .await?
        .iter()
        .map(|l| odop_domain::UserId(l.vendor_user_id))
        .collect();
    let validated = onboarding::validate(&input, &registry, &linked);
    let mut errors = match &validated {
        Ok(_) => Errors::default(),
        Err(problems) => Errors::from_fields(tr, problems),
    };
    let mut documents = Vec::new();
    for upload in uploads {
        match check_document(&upload.bytes) {
            Ok(kind_of_file) => documents.push((upload, kind_of_file)),
            Err(problem) => errors.add(upload.kind.code(), tr.t(problem.message_id())),
        }
    }
    if let Ok(application) = &validated {
        let mut present: Vec<DocumentKind> = documents.iter().map(|(u, _)| u.kind).collect();
        if let Some(record) = &correcting {
            for stored in store::documents(state.db(), record.id()).await? {
                present.extend(DocumentKind::parse(&stored.kind));
            }
        }
        for kind in missing_documents(&application.kind, &present) {
            errors.add(kind.code(), tr.t("document-missing"));
        }
    }
    let application = match validated {
        Ok(application) if errors.is_empty() => application,
        _ => {
            if !documents.is_empty() {
                errors.add("documents", tr.t("documents-choose-again"));
            }
            return Ok(invalid(
                apply_page(&page, &state, &me, input, correcting.as_deref(), errors).await?,
            ));
        }
    };

    // The files go to storage first: should the database refuse the
    // application, they are unreachable leftovers, never missing documents.
    let mut stored = Vec::new();
    for (upload, file_type) in documents {
        let key = format!(
            "applications/{}/{}.{}",
            me.user.id,
            crypto::new_token(),
            file_type.extension()
        );
        state.files().put(&key, upload.bytes.clone()).await?;
        stored.push(NewDocument {
            kind: upload.kind,
            file_name: if upload.file_name.is_empty() {
                upload.kind.code().to_owned()
            } else {
                upload.file_name
            },
            content_type: file_type.mime(),
            size_bytes: upload.bytes.len() as i64,
            storage_key: key,
        });
    }
    let now = Utc::now();
    let outcome = match &correcting {
        Some(record) => store::resubmit(state.db(), record.id(), me.user.id, &application, &stored, now).await,
        None => store::submit(state.db(), me.user.id, &application, &stored, now)
            .await
            .map(|_| ()),
    };
    match outcome {
        Ok(()) => Ok(super::redirect_with_notice(
            "/sell/application",
            "application-submitted",
            state.config().secure_cookies,
        )),
        Err(SubmitError::AlreadyApplied | SubmitError::NotEditable) => {
            Ok(Redirect::to("/sell/application").into_response())
        }
        Err(SubmitError::Store(e)) => Err(e.into()),
    }
}

pub struct DocumentView {
    pub href: String,
    pub label: String,
    pub file_name: String,
}

pub struct EventView {
    pub when: String,
    pub text: String,
    pub reason: Option<String>,
}

pub(crate) async fn history(tr: &Tr, state: &AppState, record: &ApplicationRecord) -> Result<Vec<EventView>, AppError> {
    Ok(store::events(state.db(), record.id())
        .await?
        .into_iter()
        .map(|event| EventView {
            when: tr.when(event.at.0),
            text: tr.t1(
                &format!("event-{}", event.action),
                "who",
                event.actor_name.unwrap_or_else(|| tr.t("event-someone")),
            ),
            reason: event.reason,
        })
        .collect())
}

pub(crate) async fn document_views(
    tr: &Tr,
    state: &AppState,
    record: &ApplicationRecord,
) -> Result<Vec<DocumentView>, AppError> {
    Ok(store::documents(state.db(), record.id())
        .await?
        .into_iter()
        .map(|d| DocumentView {
            href: format!("/documents/{}", d.id),
            label: document_label(tr, &d.kind),
            file_name: d.file_name,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "sell/status.html")]
struct StatusPage {
    tr: Tr,
    chrome: Chrome,
    status: (String, &'static str),
    next_step: String,
    editable: bool,
    may_reapply: bool,
    reason: Option<String>,
    display_name: String,
    district: String,
    craft: String,
    kind: String,
    documents: Vec<DocumentView>,
    history: Vec<EventView>,
}

async fn status(page: Page, State(state): State<AppState>) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    let Some(record) = store::latest_for(state.db(), me.user.id).await? else {
        return Ok(Redirect::to("/sell/apply").into_response());
    };
    let tr = &page.tr;
    let registry = state.registry().await?;
    let current = record.status()?;
    let kind = match record.vendor_name.as_deref() {
        Some(vendor) if record.seller_kind == "sub-vendor" => tr.t1("kind-sub-vendor-of", "vendor", vendor),
        _ => tr.t(&format!("kind-{}", record.seller_kind)),
    };
    let craft = craft_name(tr, &registry, &record.craft);
    Ok(render(&StatusPage {
        chrome: page.chrome(),
        status: status_label(tr, current),
        next_step: tr.t(&format!("next-step-{}", current.code())),
        editable: current.editable(),
        may_reapply: current == ApplicationStatus::Rejected && authz::may(&me.actor, Action::ApplyToSell),
        reason: record.decision_reason.clone(),
        display_name: record.display_name.clone(),
        district: district_name(tr, &registry, &record.district),
        craft,
        kind,
        documents: document_views(tr, &state, &record).await?,
        history: history(tr, &state, &record).await?,
        tr: tr.clone(),
    })?
    .into_response())
}

/// `GET /documents/{id}`: the file, to its applicant and the officers of the
/// district; to everyone else the same 404 as a document that never existed.
async fn document(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    let id: DocumentId = id.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    let document = store::document(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let application = store::get(state.db(), odop_domain::ApplicationId(document.application_id))
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let district = application.district()?;
    let allowed = authz::may(
        &me.actor,
        Action::ViewApplication(ApplicationRef {
            applicant: application.applicant(),
            district: &district,
        }),
    );
    if !allowed {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let bytes = state.files().get(&document.storage_key).await?;
    let extension = document.storage_key.rsplit('.').next().unwrap_or("bin");
    Ok((
        [
            (header::CONTENT_TYPE, document.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"document-{}.{extension}\"", document.id),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            // Even a crafted PDF cannot run scripts against this site.
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}
