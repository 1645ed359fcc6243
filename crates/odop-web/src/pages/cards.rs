//! Share cards: the 1200×630 pictures that WhatsApp and X show for a shared
//! question or result, drawn on the server by `odop-cards` in the language
//! the share page was in (`?lang=hi`). Drawing takes tens of milliseconds
//! of CPU, so it runs off the async threads and caches are told to keep
//! the result.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use odop_cards::{Card, CardLine};
use odop_domain::polls::percentages;
use odop_domain::{Locale, PollId};
use odop_store::polls as polls_store;
use serde::Deserialize;

use super::quiz::{question_text, score_headline};
use super::share::origin;
use crate::AppState;
use crate::error::{AppError, NotFound};
use crate::extract::{Path, Query};
use crate::i18n::{Arg, Tr};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cards/polls/{file}", get(poll_card))
        .route("/cards/quiz/{day}/{file}", get(question_card))
        .route("/cards/quiz/{day}/score/{file}", get(score_card))
}

#[derive(Deserialize)]
struct Lang {
    lang: Option<String>,
}

/// The card's language: as asked in the address, else the visitor's.
fn translator(state: &AppState, tr: Tr, lang: &Lang) -> Tr {
    match lang.lang.as_deref() {
        Some("hi") => Tr::new(Locale::Hi, state.catalog().clone()),
        Some("en") => Tr::new(Locale::En, state.catalog().clone()),
        _ => tr,
    }
}

/// `42.png` → 42.
fn number_of(file: &str) -> Result<String, AppError> {
    file.strip_suffix(".png")
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_owned)
        .ok_or(AppError::NotFound(NotFound::Object))
}

/// The site's address without the scheme, for the card's footer.
fn footer(state: &AppState, headers: &HeaderMap, path: &str) -> String {
    let origin = origin(state, headers);
    let host = origin.split_once("://").map_or(origin.as_str(), |(_, host)| host);
    format!("{host}{path}")
}

/// A card's bytes with caching headers. The footer names the site's
/// address, which without a configured `public_url` comes from the
/// request's Host: such a card may only be kept by the browser that asked.
async fn png(state: &AppState, card: Card, max_age: u32) -> Result<Response, AppError> {
    let scope = if state.config().public_url.is_some() {
        "public"
    } else {
        "private"
    };
    let bytes = tokio::task::spawn_blocking(move || odop_cards::render_png(&card))
        .await
        .map_err(|e| AppError::Internal(format!("the card renderer stopped: {e}")))?
        .map_err(|e| AppError::Internal(format!("a card failed to render: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png".to_owned()),
            (header::CACHE_CONTROL, format!("{scope}, max-age={max_age}")),
        ],
        bytes,
    )
        .into_response())
}

async fn photo_of(state: &AppState, district: &str) -> Option<Vec<u8>> {
    let key = odop_store::quiz::district_photo(state.db(), district).await.ok()??;
    state.files().get(&key).await.ok().map(|bytes| bytes.to_vec())
}

/// A poll: its question and choices, and once closed its final shares as
/// bars.
async fn poll_card(
    tr: Tr,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(lang): Query<Lang>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let tr = translator(&state, tr, &lang);
    let id: PollId = number_of(&file)?
        .parse()
        .map_err(|_| AppError::NotFound(NotFound::Object))?;
    let now = Utc::now();
    let poll = match polls_store::get(state.db(), id).await? {
        Some(poll) if poll.opens_at <= now && poll.closed_at.is_none_or(|closed| closed >= poll.opens_at) => poll,
        _ => return Err(AppError::NotFound(NotFound::Object)),
    };
    let counts = polls_store::counts(state.db(), id, poll.choices.len()).await?;
    let shares = percentages(&counts);
    let hindi = tr.locale() == Locale::Hi;
    let text = |(en, hi): &(String, String)| if hindi { hi.clone() } else { en.clone() };
    // While a poll is open its card shows only the choices, as its page
    // does to whoever has not answered: the crowd's answers (or a quiz
    // question's right one) are never given away before answering.
    let answered = poll.state_at(now) == odop_domain::polls::PollState::Closed && counts.iter().any(|c| *c > 0);
    let lines = poll
        .choices
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            if answered {
                CardLine::Bar {
                    text: text(choice),
                    percent: shares[i].min(100) as u8,
                    highlight: shares[i] == shares.iter().copied().max().unwrap_or(0),
                }
            } else {
                CardLine::Choice {
                    label: char::from(b'A' + i as u8).to_string(),
                    text: text(choice),
                }
            }
        })
        .collect();
    let photo = match &poll.district {
        Some(slug) => photo_of(&state, slug.as_str()).await,
        None => None,
    };
    let card = Card {
        eyebrow: tr.t("card-poll-eyebrow"),
        title: if hindi {
            poll.question_hi.clone()
        } else {
            poll.question_en.clone()
        },
        lines,
        footer: footer(&state, &headers, &format!("/polls/{id}")),
        photo,
    };
    png(&state, card, 300).await
}

/// One of a day's quiz questions with its four choices and, when the
/// district has something on sale, a photo of it.
async fn question_card(
    tr: Tr,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(lang): Query<Lang>,
    Path((day, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tr = translator(&state, tr, &lang);
    let day = super::quiz::quiz_day(&day)?;
    let number = number_of(&file)?;
    let (question, choices, district) = question_text(&state, &tr, day, &number).await?;
    let photo = photo_of(&state, district.as_str()).await;
    let card = Card {
        eyebrow: tr.t1("card-quiz-eyebrow", "day", day.format("%d-%m-%Y").to_string()),
        title: question,
        lines: choices
            .into_iter()
            .enumerate()
            .map(|(i, text)| CardLine::Choice {
                label: char::from(b'A' + i as u8).to_string(),
                text,
            })
            .collect(),
        footer: footer(&state, &headers, "/quiz"),
        photo,
    };
    png(&state, card, 3600).await
}

/// A day's score: only the number right, nothing about the player.
async fn score_card(
    tr: Tr,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(lang): Query<Lang>,
    Path((day, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tr = translator(&state, tr, &lang);
    let day = super::quiz::quiz_day(&day)?;
    let right: usize = number_of(&file)?
        .parse()
        .map_err(|_| AppError::NotFound(NotFound::Object))?;
    let card = Card {
        eyebrow: tr.t1("card-quiz-eyebrow", "day", day.format("%d-%m-%Y").to_string()),
        title: score_headline(&tr, day, right)?,
        lines: vec![CardLine::Text(
            tr.with("card-score-invite", &[("count", Arg::from(right))]),
        )],
        footer: footer(&state, &headers, "/quiz"),
        photo: None,
    };
    png(&state, card, 86_400).await
}
