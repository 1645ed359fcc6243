//! The daily quiz: five questions about the districts and their products,
//! the same for everyone on a day in India, answered without an account.
//! One answer per question per device (a random token in a cookie, kept
//! only as a hash) and per account, and a per-address rate limit; each
//! answer leads to the district's products.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use odop_domain::auth::RateLimit;
use odop_domain::quiz::{self, CHOICES, Question, QuestionKind};
use odop_store::quiz::{self as store, Answer};
use odop_store::rate_limit;
use serde::Deserialize;

use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{ClientIp, crypto};
use crate::error::{AppError, NotFound};
use crate::extract::Path;
use crate::i18n::{Arg, Tr};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/quiz", get(show))
        .route("/quiz/{question}", post(answer))
}

/// The cookie holding the device's random token.
pub const DEVICE_COOKIE: &str = "odop_device";

/// Answers from one address: plenty for a family or a classroom sharing a
/// connection, too few to flood the counts.
const ANSWERS_PER_IP: RateLimit = RateLimit {
    name: "quiz-answer-ip",
    max: 120,
    window: chrono::Duration::hours(1),
};

/// The device's token hash, and a new token when it has none yet.
fn device(headers: &axum::http::HeaderMap) -> (String, Option<String>) {
    match crate::auth::cookie(headers, DEVICE_COOKIE)
        .filter(|t| t.len() >= 32 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        Some(token) => (crypto::token_hash(token), None),
        None => {
            let token = crypto::new_token();
            (crypto::token_hash(&token), Some(token))
        }
    }
}

pub struct ChoiceView {
    pub index: usize,
    pub text: String,
    pub chosen: bool,
    pub right: bool,
}

pub struct QuestionView {
    pub index: usize,
    pub prompt: String,
    pub choices: Vec<ChoiceView>,
    /// Once answered: whether right, the explanation, where to shop.
    pub answered: Option<bool>,
    pub explanation: String,
    pub shop_href: String,
    pub shop_label: String,
}

#[derive(Template)]
#[template(path = "quiz/index.html")]
struct QuizPage {
    tr: Tr,
    chrome: Chrome,
    questions: Vec<QuestionView>,
    score: Option<String>,
    problem: Option<String>,
}

struct Today {
    questions: Vec<Question>,
    registry: odop_domain::registry::Registry,
    on_sale: Vec<(String, i64)>,
    day: chrono::NaiveDate,
}

async fn today(state: &AppState) -> Result<Today, AppError> {
    let registry = odop_store::registry::load(state.db()).await?;
    let on_sale = store::listings_by_district(state.db()).await?;
    let day = quiz::ist_day(Utc::now());
    let shoppable = |slug: &odop_domain::Slug| on_sale.iter().any(|(s, n)| s == slug.as_str() && *n > 0);
    let questions = quiz::daily(&registry, &shoppable, day);
    Ok(Today {
        questions,
        registry,
        on_sale,
        day,
    })
}

fn view(tr: &Tr, today: &Today, answers: &[Answer]) -> Vec<QuestionView> {
    today
        .questions
        .iter()
        .enumerate()
        .map(|(index, q)| {
            let given = answers.iter().find(|a| a.question == index);
            let district = today.registry.district(&q.district);
            let district_name = district.map(|d| tr.pick(&d.name).to_owned()).unwrap_or_default();
            let product = district.and_then(|d| d.products.first());
            let product_name = product.map(|p| tr.pick(&p.name).to_owned()).unwrap_or_default();
            let count = today
                .on_sale
                .iter()
                .find(|(s, _)| s == q.district.as_str())
                .map_or(0, |(_, n)| *n);
            let args = [
                ("district", Arg::from(district_name.as_str())),
                ("product", Arg::from(product_name.as_str())),
            ];
            let prompt = match q.kind {
                QuestionKind::ProductOfDistrict => tr.t1("quiz-product-of-district", "district", tr.pick(&q.subject)),
                QuestionKind::DistrictOfProduct => tr.t1("quiz-district-of-product", "product", tr.pick(&q.subject)),
            };
            QuestionView {
                index,
                prompt,
                choices: q
                    .choices
                    .iter()
                    .enumerate()
                    .map(|(i, c)| ChoiceView {
                        index: i,
                        text: tr.pick(&c.text).to_owned(),
                        chosen: given.is_some_and(|a| a.choice == i),
                        right: i == q.correct,
                    })
                    .collect(),
                answered: given.map(|a| a.correct),
                explanation: format!(
                    "{} {}",
                    tr.with("quiz-explanation", &args),
                    product.map(|p| tr.pick(&p.description).to_owned()).unwrap_or_default()
                ),
                shop_href: format!("/districts/{}", q.district),
                shop_label: tr.with(
                    "quiz-shop",
                    &[
                        ("district", Arg::from(district_name.as_str())),
                        ("product", Arg::from(product_name.as_str())),
                        ("count", Arg::from(count as usize)),
                    ],
                ),
            }
        })
        .collect()
}

async fn page(
    page: &Page,
    state: &AppState,
    device_hash: &str,
    problem: Option<String>,
) -> Result<Html<String>, AppError> {
    let today = today(state).await?;
    let user = page.visitor.as_ref().map(|v| v.user.id);
    let answers = store::answers(state.db(), today.day, device_hash, user).await?;
    let right = answers.iter().filter(|a| a.correct).count();
    render(&QuizPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        questions: view(&page.tr, &today, &answers),
        score: (!answers.is_empty()).then(|| {
            page.tr.with(
                "quiz-score",
                &[("right", Arg::from(right)), ("asked", Arg::from(today.questions.len()))],
            )
        }),
        problem,
    })
}

async fn show(
    page_: Page,
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Html<String>, AppError> {
    let (device_hash, _) = device(&headers);
    page(&page_, &state, &device_hash, None).await
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    choice: String,
}

async fn answer(
    page_: Page,
    State(state): State<AppState>,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    Path(question): Path<String>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<Response, AppError> {
    let (device_hash, new_token) = device(&headers);
    let today = today(&state).await?;
    let index: usize = question.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    let q = today.questions.get(index).ok_or(AppError::NotFound(NotFound::Object))?;
    let Some(choice) = form.choice.parse::<usize>().ok().filter(|c| *c < CHOICES) else {
        let html = page(&page_, &state, &device_hash, Some(page_.tr.t("quiz-choose"))).await?;
        return Ok((StatusCode::BAD_REQUEST, html).into_response());
    };
    if let Err(exceeded) = rate_limit::hit_now(state.db(), &ANSWERS_PER_IP, &ip.0.to_string(), Utc::now()).await? {
        return Err(AppError::TooManyRequests {
            retry_after_seconds: exceeded.retry_after.num_seconds(),
        });
    }
    let given = Answer {
        question: index,
        choice,
        correct: choice == q.correct,
    };
    let user = page_.visitor.as_ref().map(|v| v.user.id);
    let counted = store::answer(state.db(), today.day, &device_hash, user, given, Utc::now()).await?;
    if !counted {
        let html = page(&page_, &state, &device_hash, Some(page_.tr.t("quiz-already-answered"))).await?;
        return Ok((StatusCode::CONFLICT, html).into_response());
    }
    let mut response = Redirect::to(&format!("/quiz#q{index}")).into_response();
    if let Some(token) = new_token {
        response.headers_mut().append(
            header::SET_COOKIE,
            crate::auth::set_cookie(DEVICE_COOKIE, &token, 365 * 24 * 3600, state.config().secure_cookies),
        );
    }
    Ok(response)
}
