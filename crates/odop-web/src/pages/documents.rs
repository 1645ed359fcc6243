//! A tax document for its readers: the printable page and its PDF.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use super::{Page, render};
use crate::AppState;
use crate::documents::{self, DocumentView};
use crate::error::AppError;
use crate::extract::Path;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tax-documents/{id}", get(show))
        .route("/tax-documents/{id}/pdf", get(pdf))
}

#[derive(Template)]
#[template(path = "documents/show.html")]
struct DocumentPage {
    tr: Tr,
    css_href: &'static str,
    document: DocumentView,
}

async fn show(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Html<String>, AppError> {
    let me = page.signed_in()?;
    let (document, lines) = documents::readable(&state, &me.actor, &id).await?;
    render(&DocumentPage {
        tr: page.tr.clone(),
        css_href: page.chrome().css_href,
        document: documents::view(&page.tr, &document, &lines),
    })
}

async fn pdf(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let me = page.signed_in()?;
    let (document, lines) = documents::readable(&state, &me.actor, &id).await?;
    let view = documents::view(&page.tr, &document, &lines);
    let sheet = documents::sheet(&page.tr, &view);
    // Laying out and subsetting fonts takes a few milliseconds of CPU.
    let bytes = tokio::task::spawn_blocking(move || odop_cards::pdf::render(&sheet))
        .await
        .map_err(|e| AppError::Internal(format!("PDF task failed: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", documents::file_name(&view)),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
