//! Polls as the public answers them: no account needed, one answer per
//! device and per account, the live shares drawn as bars in HTML and CSS,
//! and the district's products one link away. Admins' quiz questions are
//! answered through the same route and shown inside the daily quiz.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use odop_domain::PollId;
use odop_domain::auth::RateLimit;
use odop_domain::polls::{PollState, percentages};
use odop_store::polls::{self as store, Listing, Poll, Refusal};
use odop_store::rate_limit;
use serde::Deserialize;

use super::quiz::{device, remember_device};
use super::share::{ShareMeta, origin};
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::error::{AppError, NotFound};
use crate::extract::Path;
use crate::i18n::{Arg, Tr};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/polls", get(index))
        .route("/polls/{id}", get(show).post(answer))
}

/// Answers from one address in an hour, across all polls.
const ANSWERS_PER_IP: RateLimit = RateLimit {
    name: "poll-answer-ip",
    max: 120,
    window: chrono::Duration::hours(1),
};

pub struct BarView {
    pub index: usize,
    pub text: String,
    pub count: u64,
    pub percent: u64,
    pub chosen: bool,
    pub right: bool,
}

pub struct PollView {
    pub id: PollId,
    pub question: String,
    pub bars: Vec<BarView>,
    pub open: bool,
    /// The choice this device or account gave.
    pub given: Option<usize>,
    /// Whether to show the shares: once answered, or once closed.
    pub show_results: bool,
    pub total: String,
    /// "Open until …" or "Closed on …", in IST.
    pub window: String,
    /// For a quiz question: right or wrong once answered, and why.
    pub verdict: Option<bool>,
    pub explanation: String,
    pub shop_href: String,
    pub shop_label: String,
}

/// A poll as a visitor sees it at `now`.
pub async fn view(
    state: &AppState,
    tr: &Tr,
    poll: &Poll,
    given: Option<usize>,
    now: DateTime<Utc>,
) -> Result<PollView, AppError> {
    let counts = store::counts(state.db(), poll.id, poll.choices.len()).await?;
    let shares = percentages(&counts);
    let total: u64 = counts.iter().sum();
    let open = poll.state_at(now) == PollState::Open;
    let right = poll.quiz.as_ref().map(|q| q.correct);
    let (shop_href, shop_label) = match &poll.district {
        Some(slug) => {
            let registry = state.registry().await?;
            let on_sale = state.listings_on_sale().await?;
            let count = on_sale.iter().find(|(s, _)| s == slug.as_str()).map_or(0, |(_, n)| *n);
            let district = registry.district(slug);
            let district_name = district.map(|d| tr.pick(&d.name).to_owned()).unwrap_or_default();
            let product = district
                .and_then(|d| d.products.first())
                .map(|p| tr.pick(&p.name).to_owned())
                .unwrap_or_default();
            (
                format!("/districts/{slug}"),
                tr.with(
                    "quiz-shop",
                    &[
                        ("district", Arg::from(district_name.as_str())),
                        ("product", Arg::from(product.as_str())),
                        ("count", Arg::from(count as usize)),
                    ],
                ),
            )
        }
        None => (String::new(), String::new()),
    };
    let (question, explanation) = match tr.locale() {
        odop_domain::Locale::Hi => (
            poll.question_hi.clone(),
            poll.quiz.as_ref().map(|q| q.explanation_hi.clone()),
        ),
        odop_domain::Locale::En => (
            poll.question_en.clone(),
            poll.quiz.as_ref().map(|q| q.explanation_en.clone()),
        ),
    };
    Ok(PollView {
        id: poll.id,
        question,
        bars: poll
            .choices
            .iter()
            .enumerate()
            .map(|(index, (en, hi))| BarView {
                index,
                text: match tr.locale() {
                    odop_domain::Locale::Hi => hi.clone(),
                    odop_domain::Locale::En => en.clone(),
                },
                count: counts[index],
                percent: shares[index],
                chosen: given == Some(index),
                right: right == Some(index),
            })
            .collect(),
        open,
        given,
        show_results: given.is_some() || !open,
        total: tr.with("poll-total", &[("count", Arg::Number(total as i64))]),
        window: if open {
            tr.t1("poll-open-until", "when", tr.when(poll.ends_at()))
        } else {
            tr.t1("poll-closed-on", "when", tr.when(poll.ends_at()))
        },
        verdict: match (right, given) {
            (Some(right), Some(given)) => Some(right == given),
            _ => None,
        },
        explanation: explanation.unwrap_or_default(),
        shop_href,
        shop_label,
    })
}

#[derive(Template)]
#[template(path = "polls/index.html")]
struct PollsPage {
    tr: Tr,
    chrome: Chrome,
    polls: Vec<PollView>,
}

#[derive(Template)]
#[template(path = "polls/show.html")]
struct PollPage {
    tr: Tr,
    chrome: Chrome,
    poll: PollView,
    share: ShareMeta,
    problem: Option<String>,
}

async fn index(page: Page, State(state): State<AppState>, headers: HeaderMap) -> Result<Html<String>, AppError> {
    let now = Utc::now();
    let (device_hash, _) = device(&headers);
    let user = page.visitor.as_ref().map(|v| v.user.id);
    let polls = store::list(state.db(), Listing::PublicPolls { now }, 30).await?;
    let ids: Vec<PollId> = polls.iter().map(|p| p.id).collect();
    let given = store::given(state.db(), &ids, &device_hash, user).await?;
    let mut views = Vec::with_capacity(polls.len());
    for poll in &polls {
        let mine = given.iter().find(|(id, _)| *id == poll.id).map(|(_, c)| *c);
        views.push(view(&state, &page.tr, poll, mine, now).await?);
    }
    render(&PollsPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        polls: views,
    })
}

/// A poll the public may see: open or closed, never a scheduled one.
async fn public_poll(state: &AppState, id: &str, now: DateTime<Utc>) -> Result<Poll, AppError> {
    let id: PollId = id.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    match store::get(state.db(), id).await? {
        Some(poll) if poll.opens_at <= now && poll.closed_at.is_none_or(|closed| closed >= poll.opens_at) => Ok(poll),
        _ => Err(AppError::NotFound(NotFound::Object)),
    }
}

async fn poll_page(
    page: &Page,
    state: &AppState,
    headers: &HeaderMap,
    poll: &Poll,
    problem: Option<String>,
) -> Result<Html<String>, AppError> {
    let now = Utc::now();
    let (device_hash, _) = device(headers);
    let user = page.visitor.as_ref().map(|v| v.user.id);
    let given = store::given(state.db(), &[poll.id], &device_hash, user)
        .await?
        .first()
        .map(|(_, c)| *c);
    let view = view(state, &page.tr, poll, given, now).await?;
    let share = ShareMeta::new(
        &origin(state, headers),
        &format!("/polls/{}", poll.id),
        &format!("/cards/polls/{}.png", poll.id),
        page.tr.lang(),
        view.question.clone(),
        page.tr.t("poll-share-description"),
    );
    render(&PollPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        poll: view,
        share,
        problem,
    })
}

async fn show(
    page: Page,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let poll = public_poll(&state, &id, Utc::now()).await?;
    poll_page(&page, &state, &headers, &poll, None).await
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    choice: String,
}

async fn answer(
    page: Page,
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<Response, AppError> {
    let now = Utc::now();
    let poll = public_poll(&state, &id, now).await?;
    // A quiz question goes back to the quiz, if the quiz shows it.
    let in_quiz = poll.quiz.is_some()
        && store::list(
            state.db(),
            Listing::OpenQuizQuestions { now },
            super::quiz::MAX_EXTRA_QUESTIONS,
        )
        .await?
        .iter()
        .any(|p| p.id == poll.id);
    let back = if in_quiz {
        format!("/quiz#p{}", poll.id)
    } else {
        format!("/polls/{}", poll.id)
    };
    let Some(choice) = form.choice.parse::<usize>().ok().filter(|c| *c < poll.choices.len()) else {
        let html = poll_page(&page, &state, &headers, &poll, Some(page.tr.t("quiz-choose"))).await?;
        return Ok((StatusCode::BAD_REQUEST, html).into_response());
    };
    if let Err(exceeded) = rate_limit::hit_now(state.db(), &ANSWERS_PER_IP, &ip.0.to_string(), now).await? {
        return Err(AppError::TooManyRequests {
            retry_after_seconds: exceeded.retry_after.num_seconds(),
        });
    }
    let (device_hash, new_token) = device(&headers);
    let user = page.visitor.as_ref().map(|v| v.user.id);
    let (status, problem) = match store::answer(state.db(), poll.id, choice, &device_hash, user, now).await? {
        Ok(()) => {
            let mut response = Redirect::to(&back).into_response();
            if let Some(token) = new_token {
                remember_device(&state, &mut response, &token);
            }
            return Ok(response);
        }
        Err(Refusal::AlreadyAnswered) => (StatusCode::CONFLICT, page.tr.t("poll-already-answered")),
        Err(Refusal::Closed) => {
            // The poll as it is now, with its final time.
            let closed = store::get(state.db(), poll.id).await?.unwrap_or(poll.clone());
            (
                StatusCode::CONFLICT,
                page.tr.t1("poll-closed", "when", page.tr.when(closed.ends_at())),
            )
        }
        Err(Refusal::NoSuchChoice) => (StatusCode::BAD_REQUEST, page.tr.t("quiz-choose")),
        Err(Refusal::NoSuchPoll | Refusal::NotOpenYet) => return Err(AppError::NotFound(NotFound::Object)),
    };
    let poll = store::get(state.db(), poll.id).await?.unwrap_or(poll);
    let html = poll_page(&page, &state, &headers, &poll, Some(problem)).await?;
    Ok((status, html).into_response())
}
