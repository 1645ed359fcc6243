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

use super::polls::PollView;
use super::share::{ShareMeta, origin};
use super::{Chrome, Page, render};
use crate::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{ClientIp, crypto};
use crate::error::{AppError, NotFound};
use crate::extract::Path;
use crate::i18n::{Arg, Tr};
use odop_store::polls::{self as polls_store, Listing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/quiz", get(show))
        .route("/quiz/{question}", post(answer))
        .route("/quiz/leaderboard", get(leaderboard).post(choose_name))
        .route("/quiz/{day}/{question}", get(share_question))
        .route("/quiz/{day}/score/{right}", get(share_score))
}

/// At most this many admins' questions join the daily five at a time.
pub(super) const MAX_EXTRA_QUESTIONS: i64 = 5;

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
pub(super) fn device(headers: &axum::http::HeaderMap) -> (String, Option<String>) {
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
    /// This question's own page, to share.
    pub share_href: String,
}

/// A signed-in player's standing.
pub struct RecordView {
    pub streak: String,
    pub totals: String,
}

#[derive(Template)]
#[template(path = "quiz/index.html")]
struct QuizPage {
    tr: Tr,
    chrome: Chrome,
    questions: Vec<QuestionView>,
    /// Admins' quiz questions open now, after the generated five.
    extras: Vec<PollView>,
    score: Option<String>,
    /// Where to share the score, once every question is answered.
    score_share_href: Option<String>,
    record: Option<RecordView>,
    problem: Option<String>,
}

struct Today {
    questions: Vec<Question>,
    registry: std::sync::Arc<odop_domain::registry::Registry>,
    on_sale: std::sync::Arc<Vec<(String, i64)>>,
    day: chrono::NaiveDate,
}

async fn today(state: &AppState) -> Result<Today, AppError> {
    let registry = state.registry().await?;
    let on_sale = state.listings_on_sale().await?;
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
                share_href: format!("/quiz/{}/{}", today.day, index + 1),
                // The district's products to buy when there are some; its
                // page, with the craft's story, before anything is listed.
                shop_label: if count > 0 {
                    tr.with(
                        "quiz-shop",
                        &[
                            ("district", Arg::from(district_name.as_str())),
                            ("product", Arg::from(product_name.as_str())),
                            ("count", Arg::from(count as usize)),
                        ],
                    )
                } else {
                    tr.with("quiz-discover", &args)
                },
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
    let now = Utc::now();
    let user = page.visitor.as_ref().map(|v| v.user.id);
    let answers = store::answers(state.db(), today.day, device_hash, user).await?;
    let open = polls_store::list(state.db(), Listing::OpenQuizQuestions { now }, MAX_EXTRA_QUESTIONS).await?;
    let ids: Vec<_> = open.iter().map(|p| p.id).collect();
    let given = polls_store::given(state.db(), &ids, device_hash, user).await?;
    let mut extras = Vec::with_capacity(open.len());
    for poll in &open {
        let mine = given.iter().find(|(id, _)| *id == poll.id).map(|(_, c)| *c);
        extras.push(super::polls::view(state, &page.tr, poll, mine, now).await?);
    }
    let answered = answers.len() + given.len();
    let asked = today.questions.len() + extras.len();
    let right =
        answers.iter().filter(|a| a.correct).count() + extras.iter().filter(|e| e.verdict == Some(true)).count();
    let record = match user {
        Some(user) => {
            let record = polls_store::record(state.db(), user).await?;
            Some(RecordView {
                streak: page.tr.with(
                    "quiz-streak",
                    &[("days", Arg::Number(i64::from(quiz::streak(&record.days, today.day))))],
                ),
                totals: page.tr.with(
                    "quiz-totals",
                    &[
                        ("right", Arg::Number(record.right)),
                        ("answered", Arg::Number(record.answered)),
                    ],
                ),
            })
        }
        None => None,
    };
    render(&QuizPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        questions: view(&page.tr, &today, &answers),
        extras,
        score: (answered > 0).then(|| {
            page.tr.with(
                "quiz-score",
                &[("right", Arg::from(right)), ("asked", Arg::from(asked))],
            )
        }),
        score_share_href: (asked > 0 && answered == asked).then(|| format!("/quiz/{}/score/{right}", today.day)),
        record,
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
        remember_device(&state, &mut response, &token);
    }
    Ok(response)
}

/// Gives the device its token for a year, so that it answers once.
pub(super) fn remember_device(state: &AppState, response: &mut Response, token: &str) {
    response.headers_mut().append(
        header::SET_COOKIE,
        crate::auth::set_cookie(DEVICE_COOKIE, token, 365 * 24 * 3600, state.config().secure_cookies),
    );
}

/// The weekly leaderboard's length.
const LEADERS: i64 = 20;

pub struct LeaderRow {
    pub rank: usize,
    pub name: String,
    pub right: i64,
    pub me: bool,
}

#[derive(Template)]
#[template(path = "quiz/leaderboard.html")]
struct LeaderboardPage {
    tr: Tr,
    chrome: Chrome,
    week: String,
    rows: Vec<LeaderRow>,
    signed_in: bool,
    /// The signed-in player's leaderboard name, as stored or as typed.
    nickname: String,
    problem: Option<String>,
}

/// This week's best players (Monday to Sunday in India), by right answers:
/// only players who chose a leaderboard name, shown under that name.
async fn leaderboard(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let nickname = match &page.visitor {
        Some(me) => polls_store::nickname(state.db(), me.user.id).await?.unwrap_or_default(),
        None => String::new(),
    };
    leaderboard_page(&page, &state, nickname, None).await
}

#[derive(Deserialize)]
struct NameForm {
    #[serde(default)]
    nickname: String,
}

/// Chooses, changes or (when empty) withdraws the player's leaderboard name.
async fn choose_name(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<NameForm>,
) -> Result<Response, AppError> {
    let me = page.signed_in()?.user.id;
    let name = if form.nickname.trim().is_empty() {
        None
    } else {
        match quiz::leaderboard_name(&form.nickname) {
            Ok(name) => Some(name),
            Err(message) => {
                let problem = Some(page.tr.t(message));
                let html = leaderboard_page(&page, &state, form.nickname, problem).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
            }
        }
    };
    polls_store::set_nickname(state.db(), me, name.as_deref(), Utc::now()).await?;
    Ok(Redirect::to("/quiz/leaderboard").into_response())
}

async fn leaderboard_page(
    page: &Page,
    state: &AppState,
    nickname: String,
    problem: Option<String>,
) -> Result<Html<String>, AppError> {
    let today = quiz::ist_day(Utc::now());
    let monday = quiz::week_start(today);
    let next_monday = monday + chrono::Duration::days(7);
    let me = page.visitor.as_ref().map(|v| v.user.id);
    let rows = polls_store::leaderboard(
        state.db(),
        quiz::day_start_utc(monday),
        quiz::day_start_utc(next_monday),
        LEADERS,
    )
    .await?
    .into_iter()
    .enumerate()
    .map(|(i, standing)| LeaderRow {
        rank: i + 1,
        name: standing.nickname,
        right: standing.right,
        me: me == Some(standing.user),
    })
    .collect();
    render(&LeaderboardPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        week: page.tr.with(
            "quiz-week",
            &[
                ("from", Arg::from(monday.format("%d-%m-%Y").to_string())),
                (
                    "until",
                    Arg::from((next_monday - chrono::Duration::days(1)).format("%d-%m-%Y").to_string()),
                ),
            ],
        ),
        rows,
        signed_in: me.is_some(),
        nickname,
        problem,
    })
}

#[derive(Template)]
#[template(path = "quiz/share.html")]
struct SharePage {
    tr: Tr,
    chrome: Chrome,
    heading: String,
    lines: Vec<String>,
    share: ShareMeta,
}

/// A day in the path: a quiz day that has come, in India.
pub(super) fn quiz_day(text: &str) -> Result<chrono::NaiveDate, AppError> {
    text.parse::<chrono::NaiveDate>()
        .ok()
        .filter(|day| *day <= quiz::ist_day(Utc::now()))
        .ok_or(AppError::NotFound(NotFound::Object))
}

/// One of a day's questions with its choices, as a page to share: the
/// answer is not given away, the page invites to play.
async fn share_question(
    page: Page,
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path((day, number)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let day = quiz_day(&day)?;
    let (question, choices, _) = question_text(&state, &page.tr, day, &number).await?;
    let share = ShareMeta::new(
        &origin(&state, &headers),
        &format!("/quiz/{day}/{number}"),
        &format!("/cards/quiz/{day}/{number}.png"),
        page.tr.lang(),
        question.clone(),
        page.tr.t("quiz-share-description"),
    );
    render(&SharePage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        heading: question,
        lines: choices,
        share,
    })
}

/// The text of question `number` (from 1) of `day`, its choices, and the
/// district it is about.
pub(super) async fn question_text(
    state: &AppState,
    tr: &Tr,
    day: chrono::NaiveDate,
    number: &str,
) -> Result<(String, Vec<String>, odop_domain::Slug), AppError> {
    let registry = state.registry().await?;
    let on_sale = state.listings_on_sale().await?;
    let shoppable = |slug: &odop_domain::Slug| on_sale.iter().any(|(s, n)| s == slug.as_str() && *n > 0);
    let questions = quiz::daily(&registry, &shoppable, day);
    let q = number
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| questions.get(i))
        .ok_or(AppError::NotFound(NotFound::Object))?;
    let prompt = match q.kind {
        QuestionKind::ProductOfDistrict => tr.t1("quiz-product-of-district", "district", tr.pick(&q.subject)),
        QuestionKind::DistrictOfProduct => tr.t1("quiz-district-of-product", "product", tr.pick(&q.subject)),
    };
    Ok((
        prompt,
        q.choices.iter().map(|c| tr.pick(&c.text).to_owned()).collect(),
        q.district.clone(),
    ))
}

/// A score to share: "4 of 5 right in the ODOP quiz of 23-11-2026". Only
/// the numbers are in the address; nothing about the player.
async fn share_score(
    page: Page,
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path((day, right)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let day = quiz_day(&day)?;
    let right: usize = right.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    let heading = score_headline(&page.tr, day, right)?;
    let share = ShareMeta::new(
        &origin(&state, &headers),
        &format!("/quiz/{day}/score/{right}"),
        &format!("/cards/quiz/{day}/score/{right}.png"),
        page.tr.lang(),
        heading.clone(),
        page.tr.t("quiz-share-description"),
    );
    render(&SharePage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        heading,
        lines: Vec::new(),
        share,
    })
}

/// "I got 4 of 5 right…", for up to the most questions a day can have.
pub(super) fn score_headline(tr: &Tr, day: chrono::NaiveDate, right: usize) -> Result<String, AppError> {
    let most = quiz::QUESTIONS_PER_DAY + MAX_EXTRA_QUESTIONS as usize;
    if right > most {
        return Err(AppError::NotFound(NotFound::Object));
    }
    Ok(tr.with(
        "quiz-share-score",
        &[
            ("right", Arg::from(right)),
            ("day", Arg::from(day.format("%d-%m-%Y").to_string())),
        ],
    ))
}
