//! Pages for developers, served only with `odop serve --dev`: the outbox,
//! where one-time codes can be read without an SMS gateway.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use odop_store::outbox;

use super::{Chrome, Page, render};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new().route("/dev/outbox", get(outbox_page))
}

pub struct MessageRow {
    pub id: i64,
    pub to: String,
    pub kind: String,
    pub status: String,
    pub body: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "dev/outbox.html")]
struct OutboxPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<MessageRow>,
}

async fn outbox_page(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let rows = outbox::recent(state.db(), 100)
        .await?
        .into_iter()
        .map(|entry| MessageRow {
            id: entry.id,
            to: entry.recipient,
            kind: entry.kind,
            status: entry.status,
            body: entry.body.unwrap_or_else(|| "—".into()),
            when: page.tr.when(entry.created_at.0),
        })
        .collect();
    render(&OutboxPage {
        chrome: page.chrome(),
        tr: page.tr.clone(),
        rows,
    })
}
