//! The audit log for those who must trust it: the platform's public keys
//! (`/.well-known/odop-keys.json`), the signed checkpoints of the chain's
//! head that anyone may copy (`/audit/checkpoints`, and as JSON), and the
//! log itself for state admins, filtered by object, actor and period.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use odop_domain::UserId;
use odop_domain::authz::{self, Action};
use odop_store::audit::{self, AuditFilter};
use serde::{Deserialize, Serialize};

use super::{Chrome, Page, render};
use crate::AppState;
use crate::error::{AppError, NotFound};
use crate::extract::Query;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/.well-known/odop-keys.json", get(keys))
        .route("/audit/checkpoints", get(checkpoints_page))
        .route("/audit/checkpoints.json", get(checkpoints_json))
        .route("/admin/audit", get(log))
}

fn json(body: &impl Serialize) -> Response {
    let body = serde_json::to_string_pretty(body).expect("plain data serialises");
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
        .into_response()
}

/// The public keys as a JSON Web Key Set: every key the platform has
/// signed with, the newest signing now.
async fn keys(State(state): State<AppState>) -> Response {
    json(&state.config().keys.published())
}

/// How many checkpoints the page shows; the JSON holds them all.
const PAGE_CHECKPOINTS: i64 = 60;

#[derive(Serialize)]
struct CheckpointJson {
    seq: i64,
    hash: String,
    signed_at: String,
    signed_at_ms: i64,
    key_id: String,
    signature: String,
}

#[derive(Serialize)]
struct CheckpointsJson {
    /// Where the keys that signed them are published.
    keys: &'static str,
    /// What each signature covers, to rebuild and check it.
    signed_message: &'static str,
    checkpoints: Vec<CheckpointJson>,
}

async fn checkpoints_json(State(state): State<AppState>) -> Result<Response, AppError> {
    let checkpoints = audit::checkpoints(state.db(), 100_000).await?;
    Ok(json(&CheckpointsJson {
        keys: "/.well-known/odop-keys.json",
        signed_message: "odop-audit-checkpoint-v1\\nseq <seq>\\nhash <hash>\\nsigned_at_ms <signed_at_ms>\\n (Ed25519)",
        checkpoints: checkpoints
            .into_iter()
            .map(|checkpoint| CheckpointJson {
                seq: checkpoint.head.seq,
                hash: checkpoint.head.hash.to_hex(),
                signed_at: checkpoint
                    .signed_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                signed_at_ms: checkpoint.signed_at.timestamp_millis(),
                key_id: checkpoint.key_id,
                signature: checkpoint.signature,
            })
            .collect(),
    }))
}

pub struct CheckpointRow {
    pub seq: i64,
    pub hash: String,
    pub when: String,
    pub key_id: String,
    pub signature: String,
}

#[derive(Template)]
#[template(path = "audit/checkpoints.html")]
struct CheckpointsPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<CheckpointRow>,
    /// The chain's length now, which may be ahead of the last checkpoint.
    entries: i64,
}

async fn checkpoints_page(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let head = audit::head(state.db()).await?;
    let rows = audit::checkpoints(state.db(), PAGE_CHECKPOINTS)
        .await?
        .into_iter()
        .map(|checkpoint| CheckpointRow {
            seq: checkpoint.head.seq,
            hash: checkpoint.head.hash.to_hex(),
            when: page.tr.when(checkpoint.signed_at),
            key_id: checkpoint.key_id,
            signature: checkpoint.signature,
        })
        .collect();
    render(&CheckpointsPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        rows,
        entries: head.seq,
    })
}

/// The kinds of object the log names, in the order the filter offers them.
pub const OBJECT_KINDS: [&str; 13] = [
    "order",
    "sub_order",
    "payment",
    "refund",
    "gateway_refund",
    "payout_batch",
    "payout_line",
    "listing",
    "seller_application",
    "sub_vendor_tie",
    "user",
    "gst_rate",
    "commission_rule",
];

/// The log's filters as typed: every one optional.
#[derive(Clone, Debug, Default, Deserialize)]
struct LogQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    before: Option<String>,
}

/// How many entries a page of the log shows.
const LOG_PAGE: i64 = 50;

pub struct EntryRow {
    pub seq: i64,
    pub when: String,
    pub who: String,
    pub action: String,
    pub object: String,
    pub change: String,
    pub note: String,
    pub hash: String,
}

#[derive(Template)]
#[template(path = "audit/log.html")]
struct LogPage {
    tr: Tr,
    chrome: Chrome,
    /// Each kind's code and its name in the reader's language.
    kinds: Vec<(&'static str, String)>,
    query: LogQuery,
    errors: super::forms::Errors,
    rows: Vec<EntryRow>,
    older: Option<String>,
}

/// The first instant of a day in India, in UTC.
fn start_of_ist_day(day: NaiveDate) -> DateTime<Utc> {
    (day.and_time(NaiveTime::MIN) - chrono::Duration::minutes(330)).and_utc()
}

/// The filter the query asks for, or the fields it got wrong.
fn filter_of(tr: &Tr, query: &LogQuery) -> Result<AuditFilter, Vec<(String, String)>> {
    let mut problems = Vec::new();
    let mut filter = AuditFilter::default();
    let kind = query.kind.trim();
    let id = query.id.trim();
    if !kind.is_empty() {
        if !OBJECT_KINDS.contains(&kind) {
            problems.push(("kind".to_owned(), tr.t("audit-kind-unknown")));
        } else if id.is_empty() || id.chars().count() > 64 {
            problems.push(("id".to_owned(), tr.t("audit-id-needed")));
        } else {
            filter.object = Some((kind.to_owned(), id.to_owned()));
        }
    } else if !id.is_empty() {
        problems.push(("kind".to_owned(), tr.t("audit-kind-needed")));
    }
    let actor = query.actor.trim();
    if !actor.is_empty() {
        match actor.parse::<i64>() {
            Ok(user) if user > 0 => filter.actor = Some(UserId(user)),
            _ => problems.push(("actor".to_owned(), tr.t("audit-actor-invalid"))),
        }
    }
    for (field, text) in [("from", &query.from), ("until", &query.until)] {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            // "Until" a day includes that day.
            Ok(day) if field == "until" => filter.until = day.succ_opt().map(start_of_ist_day),
            Ok(day) => filter.from = Some(start_of_ist_day(day)),
            Err(_) => problems.push((field.to_owned(), tr.t("audit-date-invalid"))),
        }
    }
    if let (Some(from), Some(until)) = (filter.from, filter.until)
        && from >= until
    {
        problems.push(("until".to_owned(), tr.t("audit-dates-reversed")));
    }
    match query.before.as_deref().map(str::trim) {
        None | Some("") => {}
        Some(text) => match text.parse::<i64>() {
            Ok(seq) if seq > 0 => filter.before_seq = Some(seq),
            _ => problems.push(("before".to_owned(), tr.t("audit-before-invalid"))),
        },
    }
    if problems.is_empty() { Ok(filter) } else { Err(problems) }
}

async fn log(page: Page, State(state): State<AppState>, Query(query): Query<LogQuery>) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    if !authz::may(&me.actor, Action::ReadAuditLog) {
        return Err(AppError::NotFound(NotFound::Object));
    }
    let tr = &page.tr;
    let kinds = OBJECT_KINDS
        .iter()
        .map(|kind| (*kind, tr.t(&format!("audit-kind-{}", kind.replace('_', "-")))))
        .collect::<Vec<_>>();
    let (filter, errors) = match filter_of(tr, &query) {
        Ok(filter) => (filter, super::forms::Errors::default()),
        Err(problems) => {
            let mut errors = super::forms::Errors::default();
            for (field, message) in problems {
                errors.add(&field, message);
            }
            (AuditFilter::default(), errors)
        }
    };
    let failed = !errors.is_empty();
    let entries = if failed {
        Vec::new()
    } else {
        audit::entries(state.db(), &filter, LOG_PAGE).await?
    };
    let kind_name = |kind: &str| {
        kinds
            .iter()
            .find(|(code, _)| *code == kind)
            .map_or_else(|| kind.to_owned(), |(_, name)| name.clone())
    };
    let older = (entries.len() as i64 == LOG_PAGE)
        .then(|| entries.last().map(|entry| entry.seq))
        .flatten()
        .map(|last| {
            let mut pairs = form_urlencoded_pairs(&query);
            pairs.push(("before", last.to_string()));
            format!(
                "/admin/audit?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        });
    let rows = entries
        .into_iter()
        .map(|entry| EntryRow {
            seq: entry.seq,
            when: tr.when(entry.at),
            who: match (entry.actor, entry.actor_name) {
                (Some(user), Some(name)) if !name.is_empty() => format!("{name} (#{user}, {})", entry.actor_role),
                (Some(user), _) => format!("#{user} ({})", entry.actor_role),
                (None, _) => entry.actor_role,
            },
            action: entry.action,
            object: format!("{} {}", kind_name(&entry.object_kind), entry.object_id),
            change: match (entry.before, entry.after) {
                (Some(before), Some(after)) => format!("{before} → {after}"),
                (None, Some(after)) => after,
                (Some(before), None) => before,
                (None, None) => String::new(),
            },
            note: entry.note.unwrap_or_default(),
            hash: entry.hash.chars().take(12).collect(),
        })
        .collect();
    let html = render(&LogPage {
        tr: tr.clone(),
        chrome: page.chrome(),
        kinds,
        query,
        errors,
        rows,
        older,
    })?;
    Ok(if failed {
        super::signin::invalid(html)
    } else {
        html.into_response()
    })
}

/// The filters as given, to carry to the next page.
fn form_urlencoded_pairs(query: &LogQuery) -> Vec<(&'static str, String)> {
    [
        ("kind", &query.kind),
        ("id", &query.id),
        ("actor", &query.actor),
        ("from", &query.from),
        ("until", &query.until),
    ]
    .into_iter()
    .filter(|(_, value)| !value.trim().is_empty())
    .map(|(name, value)| (name, value.trim().to_owned()))
    .collect()
}
