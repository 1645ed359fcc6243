//! The state admin's polls and quiz questions: write them in both
//! languages, schedule them, change them until they open, close them, and
//! read the results by day or take them away as CSV. Also the daily quiz's
//! results by day and question.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use odop_domain::authz::{self, Action};
use odop_domain::polls::{MAX_CHOICES, PollDraft, PollInput, PollState, format_ist, parse_ist, percentages};
use odop_domain::{PollId, Slug};
use odop_store::polls::{self as store, ChangeRefusal, Listing, Poll};

use super::forms::Errors;
use super::sell::{DistrictGroup, district_groups};
use super::{Chrome, Page, csv_response, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::auth::csrf::CsrfForm;
use crate::error::{AppError, NotFound};
use crate::extract::Path;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/polls", get(index))
        .route("/admin/polls/new", get(new).post(create))
        .route("/admin/polls/{id}", get(show).post(update))
        .route("/admin/polls/{id}/close", post(close))
        .route("/admin/polls/{id}/results.csv", get(poll_csv))
        .route("/admin/quiz", get(quiz_results))
        .route("/admin/quiz/results.csv", get(quiz_csv))
}

fn as_admin(page: &Page) -> Result<SignedIn, AppError> {
    let me = page.signed_in()?;
    if authz::may(&me.actor, Action::RunEngagement) {
        Ok(me.clone())
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

/// The form's fields as typed, to show again with any problems.
#[derive(Clone, Debug, Default)]
pub struct PollForm {
    pub kind: String,
    pub question_en: String,
    pub question_hi: String,
    pub choices: Vec<(String, String)>,
    pub correct: String,
    pub explanation_en: String,
    pub explanation_hi: String,
    pub district: String,
    pub opens_at: String,
    pub closes_at: String,
}

impl PollForm {
    fn blank() -> Self {
        PollForm {
            kind: "poll".into(),
            choices: vec![(String::new(), String::new()); MAX_CHOICES],
            ..PollForm::default()
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = PollForm::blank();
        form.kind.clear();
        for (name, value) in pairs {
            let slot = |prefix: &str| name.strip_prefix(prefix).and_then(|i| i.parse::<usize>().ok());
            match name.as_str() {
                "kind" => form.kind = value,
                "question_en" => form.question_en = value,
                "question_hi" => form.question_hi = value,
                "correct" => form.correct = value,
                "explanation_en" => form.explanation_en = value,
                "explanation_hi" => form.explanation_hi = value,
                "district" => form.district = value,
                "opens_at" => form.opens_at = value,
                "closes_at" => form.closes_at = value,
                _ => {
                    if let Some(i) = slot("choice_en_").filter(|i| *i < MAX_CHOICES) {
                        form.choices[i].0 = value;
                    } else if let Some(i) = slot("choice_hi_").filter(|i| *i < MAX_CHOICES) {
                        form.choices[i].1 = value;
                    }
                }
            }
        }
        form
    }

    fn from_poll(poll: &Poll) -> Self {
        let mut choices = poll.choices.clone();
        choices.resize(MAX_CHOICES, (String::new(), String::new()));
        PollForm {
            kind: if poll.quiz.is_some() { "quiz" } else { "poll" }.into(),
            question_en: poll.question_en.clone(),
            question_hi: poll.question_hi.clone(),
            choices,
            correct: poll.quiz.as_ref().map(|q| q.correct.to_string()).unwrap_or_default(),
            explanation_en: poll.quiz.as_ref().map(|q| q.explanation_en.clone()).unwrap_or_default(),
            explanation_hi: poll.quiz.as_ref().map(|q| q.explanation_hi.clone()).unwrap_or_default(),
            district: poll.district.as_ref().map(|d| d.to_string()).unwrap_or_default(),
            opens_at: format_ist(poll.opens_at),
            closes_at: format_ist(poll.closes_at),
        }
    }

    /// The checked poll, or the problems by field. The right choice is
    /// given as a row of the form; blank rows before it do not count.
    fn parse(&self, tr: &Tr, registry: &odop_domain::registry::Registry) -> Result<PollDraft, Errors> {
        let mut errors = Errors::default();
        let quiz = match self.kind.as_str() {
            "poll" => false,
            "quiz" => true,
            _ => {
                errors.add("kind", tr.t("field-choose"));
                false
            }
        };
        let correct = if quiz {
            let row = self.correct.parse::<usize>().ok().filter(|r| *r < MAX_CHOICES);
            let filled = |(en, hi): &(String, String)| !(en.trim().is_empty() && hi.trim().is_empty());
            match row {
                Some(row) if filled(&self.choices[row]) => {
                    Some(self.choices[..row].iter().filter(|c| filled(c)).count())
                }
                _ => Some(usize::MAX),
            }
        } else {
            None
        };
        let district = match self.district.trim() {
            "" => None,
            slug => match Slug::parse(slug) {
                Ok(slug) if registry.district(&slug).is_some() => Some(slug),
                _ => {
                    errors.add("district", tr.t("field-choose"));
                    None
                }
            },
        };
        let input = PollInput {
            question_en: self.question_en.clone(),
            question_hi: self.question_hi.clone(),
            choices: self.choices.clone(),
            opens_at: parse_ist(&self.opens_at),
            closes_at: parse_ist(&self.closes_at),
            correct,
            explanation_en: self.explanation_en.clone(),
            explanation_hi: self.explanation_hi.clone(),
            district,
        };
        match PollDraft::parse(&input) {
            Ok(draft) if errors.is_empty() => Ok(draft),
            Ok(_) => Err(errors),
            Err(problems) => {
                for (field, message) in Errors::from_fields(tr, &problems).into_pairs() {
                    errors.add(&field, message);
                }
                Err(errors)
            }
        }
    }
}

pub struct PollRow {
    pub id: PollId,
    pub question: String,
    pub kind: String,
    pub state: String,
    pub opens: String,
    pub closes: String,
    pub answers: u64,
}

fn state_label(tr: &Tr, poll: &Poll) -> String {
    tr.t(match poll.state_at(Utc::now()) {
        PollState::NotOpen => "poll-state-scheduled",
        PollState::Open => "poll-state-open",
        PollState::Closed => "poll-state-closed",
    })
}

fn kind_label(tr: &Tr, poll: &Poll) -> String {
    tr.t(if poll.quiz.is_some() {
        "poll-kind-quiz"
    } else {
        "poll-kind-poll"
    })
}

#[derive(Template)]
#[template(path = "admin/polls.html")]
struct PollsPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<PollRow>,
}

async fn index(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    as_admin(&page)?;
    let tr = &page.tr;
    let mut rows = Vec::new();
    for poll in store::list(state.db(), Listing::All, 500).await? {
        let answers = store::counts(state.db(), poll.id, poll.choices.len())
            .await?
            .iter()
            .sum();
        rows.push(PollRow {
            id: poll.id,
            question: match tr.locale() {
                odop_domain::Locale::Hi => poll.question_hi.clone(),
                odop_domain::Locale::En => poll.question_en.clone(),
            },
            kind: kind_label(tr, &poll),
            state: state_label(tr, &poll),
            opens: tr.when(poll.opens_at),
            closes: tr.when(poll.ends_at()),
            answers,
        });
    }
    render(&PollsPage {
        tr: tr.clone(),
        chrome: page.chrome(),
        rows,
    })
}

/// The poll's fields, on the new-poll page and on a scheduled poll's page.
#[derive(Template)]
#[template(path = "admin/poll_fields.html")]
struct PollFields {
    tr: Tr,
    csrf: String,
    action: String,
    form: PollForm,
    districts: Vec<DistrictGroup>,
    errors: Errors,
    rows: Vec<usize>,
}

async fn poll_fields(
    page: &Page,
    state: &AppState,
    action: String,
    form: PollForm,
    errors: Errors,
) -> Result<String, AppError> {
    let registry = state.registry().await?;
    Ok(render(&PollFields {
        tr: page.tr.clone(),
        csrf: page.csrf.clone(),
        action,
        form,
        districts: district_groups(&page.tr, &registry),
        errors,
        rows: (0..MAX_CHOICES).collect(),
    })?
    .0)
}

#[derive(Template)]
#[template(path = "admin/poll_new.html")]
struct NewPollPage {
    tr: Tr,
    chrome: Chrome,
    fields: String,
}

async fn form_page(
    page: &Page,
    state: &AppState,
    action: String,
    form: PollForm,
    errors: Errors,
) -> Result<Html<String>, AppError> {
    render(&NewPollPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        fields: poll_fields(page, state, action, form, errors).await?,
    })
}

async fn new(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    as_admin(&page)?;
    form_page(
        &page,
        &state,
        "/admin/polls/new".into(),
        PollForm::blank(),
        Errors::default(),
    )
    .await
}

async fn create(
    page: Page,
    State(state): State<AppState>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let me = as_admin(&page)?;
    let form = PollForm::from_pairs(pairs);
    let registry = state.registry().await?;
    match form.parse(&page.tr, &registry) {
        Ok(draft) => {
            let id = store::create(state.db(), &draft, me.user.id, Utc::now()).await?;
            Ok(Redirect::to(&format!("/admin/polls/{id}")).into_response())
        }
        Err(errors) => {
            let html = form_page(&page, &state, "/admin/polls/new".into(), form, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

pub struct DayRow {
    pub day: String,
    pub counts: Vec<u64>,
    pub total: u64,
}

#[derive(Template)]
#[template(path = "admin/poll.html")]
struct PollPage {
    tr: Tr,
    chrome: Chrome,
    id: PollId,
    question: String,
    kind: String,
    state: String,
    window: String,
    choices: Vec<(String, u64, u64)>,
    total: u64,
    days: Vec<DayRow>,
    closable: bool,
    /// The form, while the poll has not opened.
    edit: Option<String>,
    problem: Option<String>,
}

async fn poll_of(state: &AppState, id: &str) -> Result<Poll, AppError> {
    let id: PollId = id.parse().map_err(|_| AppError::NotFound(NotFound::Object))?;
    store::get(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))
}

async fn poll_page(
    page: &Page,
    state: &AppState,
    poll: &Poll,
    edit: Option<(PollForm, Errors)>,
    problem: Option<String>,
) -> Result<Html<String>, AppError> {
    let tr = &page.tr;
    let now = Utc::now();
    let counts = store::counts(state.db(), poll.id, poll.choices.len()).await?;
    let shares = percentages(&counts);
    let days = store::counts_by_day(state.db(), poll.id, poll.choices.len())
        .await?
        .into_iter()
        .map(|(day, counts)| DayRow {
            day: day.to_string(),
            total: counts.iter().sum(),
            counts,
        })
        .collect();
    let scheduled = poll.state_at(now) == PollState::NotOpen;
    let edit = match (scheduled, edit) {
        (false, _) => None,
        (true, given) => {
            let (form, errors) = given.unwrap_or_else(|| (PollForm::from_poll(poll), Errors::default()));
            Some(poll_fields(page, state, format!("/admin/polls/{}", poll.id), form, errors).await?)
        }
    };
    render(&PollPage {
        tr: tr.clone(),
        chrome: page.chrome(),
        id: poll.id,
        question: poll.question_en.clone(),
        kind: kind_label(tr, poll),
        state: state_label(tr, poll),
        window: format!("{} – {}", tr.when(poll.opens_at), tr.when(poll.ends_at())),
        choices: poll
            .choices
            .iter()
            .zip(counts.iter().zip(shares))
            .map(|((en, _), (count, share))| (en.clone(), *count, share))
            .collect(),
        total: counts.iter().sum(),
        days,
        closable: poll.state_at(now) != PollState::Closed,
        edit,
        problem,
    })
}

async fn show(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Html<String>, AppError> {
    as_admin(&page)?;
    let poll = poll_of(&state, &id).await?;
    poll_page(&page, &state, &poll, None, None).await
}

async fn update(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    as_admin(&page)?;
    let poll = poll_of(&state, &id).await?;
    let form = PollForm::from_pairs(pairs);
    let registry = state.registry().await?;
    let draft = match form.parse(&page.tr, &registry) {
        Ok(draft) => draft,
        Err(errors) => {
            let html = poll_page(&page, &state, &poll, Some((form, errors)), None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
    };
    match store::update(state.db(), poll.id, &draft, Utc::now()).await? {
        Ok(()) => Ok(Redirect::to(&format!("/admin/polls/{}", poll.id)).into_response()),
        Err(refusal) => {
            let message = page.tr.t(match refusal {
                ChangeRefusal::AlreadyOpen => "poll-edit-open",
                ChangeRefusal::AlreadyClosed | ChangeRefusal::NoSuchPoll => "poll-edit-closed",
            });
            let html = poll_page(&page, &state, &poll, None, Some(message)).await?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
    }
}

async fn close(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    as_admin(&page)?;
    let poll = poll_of(&state, &id).await?;
    match store::close(state.db(), poll.id, Utc::now()).await? {
        Ok(()) => Ok(Redirect::to(&format!("/admin/polls/{}", poll.id)).into_response()),
        Err(_) => {
            let html = poll_page(&page, &state, &poll, None, Some(page.tr.t("poll-edit-closed"))).await?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
    }
}

/// The results by day (in India) and choice, with both languages' texts.
async fn poll_csv(page: Page, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    as_admin(&page)?;
    let poll = poll_of(&state, &id).await?;
    let days = store::counts_by_day(state.db(), poll.id, poll.choices.len()).await?;
    let mut rows = vec![vec![
        "day_ist".to_owned(),
        "choice".to_owned(),
        "choice_en".to_owned(),
        "choice_hi".to_owned(),
        "correct".to_owned(),
        "answers".to_owned(),
    ]];
    for (day, counts) in days {
        for (index, ((en, hi), count)) in poll.choices.iter().zip(counts).enumerate() {
            rows.push(vec![
                day.to_string(),
                (index + 1).to_string(),
                en.clone(),
                hi.clone(),
                poll.quiz
                    .as_ref()
                    .map(|q| (q.correct == index).to_string())
                    .unwrap_or_default(),
                count.to_string(),
            ]);
        }
    }
    Ok(csv_response(&format!("poll-{}-results.csv", poll.id), rows))
}

/// How many days of the daily quiz the admin's page and export cover.
const QUIZ_DAYS: i64 = 90;

pub struct QuizRow {
    pub day: String,
    pub question: usize,
    pub answers: i64,
    pub right_percent: i64,
}

#[derive(Template)]
#[template(path = "admin/quiz.html")]
struct QuizResultsPage {
    tr: Tr,
    chrome: Chrome,
    rows: Vec<QuizRow>,
}

async fn quiz_results(page: Page, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    as_admin(&page)?;
    let rows = store::quiz_results(state.db(), QUIZ_DAYS)
        .await?
        .into_iter()
        .map(|(day, question, answers, right)| QuizRow {
            day: day.to_string(),
            question: question + 1,
            answers,
            right_percent: if answers > 0 { right * 100 / answers } else { 0 },
        })
        .collect();
    render(&QuizResultsPage {
        tr: page.tr.clone(),
        chrome: page.chrome(),
        rows,
    })
}

async fn quiz_csv(page: Page, State(state): State<AppState>) -> Result<Response, AppError> {
    as_admin(&page)?;
    let mut rows = vec![vec![
        "day_ist".to_owned(),
        "question".to_owned(),
        "answers".to_owned(),
        "right".to_owned(),
    ]];
    for (day, question, answers, right) in store::quiz_results(state.db(), QUIZ_DAYS).await? {
        rows.push(vec![
            day.to_string(),
            (question + 1).to_string(),
            answers.to_string(),
            right.to_string(),
        ]);
    }
    Ok(csv_response("daily-quiz-results.csv", rows))
}

#[cfg(test)]
mod tests {
    use crate::pages::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Chitrakoot"), "Chitrakoot");
        assert_eq!(csv_field("toys, wooden"), "\"toys, wooden\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        // A negative amount is a number, not a formula; anything more is defused.
        assert_eq!(csv_field("-1234.50"), "-1234.50");
        assert_eq!(csv_field("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
        assert_eq!(csv_field("-"), "'-");
    }
}
