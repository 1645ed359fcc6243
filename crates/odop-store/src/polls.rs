//! Polls and admins' quiz questions: written and scheduled by state admins,
//! editable until they open, answered once per device and once per account.
//! An answer is written by one statement that also checks the poll is open
//! at that moment, and the unique indexes refuse a second answer, so counts
//! are exact under any concurrency and a closed poll takes nothing.

use chrono::{DateTime, NaiveDate, Utc};
use odop_domain::polls::{PollDraft, PollState, QuizAnswer, state_at};
use odop_domain::{PollId, Slug, UserId};

use crate::StoreError;
use crate::db::{Db, Tx, dispatch, dispatch_write, on_tx};
use crate::time::Timestamp;

/// A stored poll with its choices.
#[derive(Clone, Debug)]
pub struct Poll {
    pub id: PollId,
    pub question_en: String,
    pub question_hi: String,
    /// (English, Hindi) in order.
    pub choices: Vec<(String, String)>,
    pub quiz: Option<QuizAnswer>,
    pub district: Option<Slug>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Poll {
    pub fn state_at(&self, now: DateTime<Utc>) -> PollState {
        state_at(self.opens_at, self.closes_at, self.closed_at, now)
    }

    /// When answers stop(ped) being taken.
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.closed_at
            .map_or(self.closes_at, |closed| closed.min(self.closes_at))
    }
}

/// Which polls to list.
#[derive(Clone, Copy, Debug)]
pub enum Listing {
    /// Every poll and quiz question, newest first: the admin's view.
    All,
    /// Opinion polls open or closed at `now` (not scheduled ones), open first.
    PublicPolls { now: DateTime<Utc> },
    /// Quiz questions open at `now`, oldest first: mixed into the quiz.
    OpenQuizQuestions { now: DateTime<Utc> },
}

/// Why an answer was not counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NoSuchPoll,
    NotOpenYet,
    Closed,
    NoSuchChoice,
    AlreadyAnswered,
}

/// Why an admin's change was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeRefusal {
    NoSuchPoll,
    /// Answers may already have been given to what was asked.
    AlreadyOpen,
    AlreadyClosed,
}

type PollRow = (
    i64,
    String,
    String,
    Option<i64>,
    String,
    String,
    Option<String>,
    Timestamp,
    Timestamp,
    Option<Timestamp>,
);

const POLL_COLUMNS: &str = "p.id, p.question_en, p.question_hi, p.correct, p.explanation_en, p.explanation_hi, \
     d.slug, p.opens_at, p.closes_at, p.closed_at FROM polls p LEFT JOIN districts d ON d.id = p.district_id";

async fn district_id(tx: &mut Tx, district: &Option<Slug>) -> Result<Option<i64>, StoreError> {
    let Some(slug) = district else { return Ok(None) };
    let id: Option<i64> = on_tx!(tx, t => {
        sqlx::query_scalar("SELECT id FROM districts WHERE slug = $1")
            .bind(slug.as_str())
            .fetch_optional(&mut **t)
            .await?
    });
    Ok(id)
}

async fn write_choices(tx: &mut Tx, id: i64, draft: &PollDraft) -> Result<(), StoreError> {
    on_tx!(tx, t => {
        sqlx::query("DELETE FROM poll_choices WHERE poll_id = $1").bind(id).execute(&mut **t).await?;
        for (position, (en, hi)) in draft.choices.iter().enumerate() {
            sqlx::query("INSERT INTO poll_choices (poll_id, position, text_en, text_hi) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(position as i64)
                .bind(en)
                .bind(hi)
                .execute(&mut **t)
                .await?;
        }
    });
    Ok(())
}

/// Stores a new poll or quiz question.
pub async fn create(db: &Db, draft: &PollDraft, by: UserId, now: DateTime<Utc>) -> Result<PollId, StoreError> {
    let mut tx = db.begin().await?;
    let district = district_id(&mut tx, &draft.district).await?;
    let quiz = draft.quiz.as_ref();
    let id: i64 = on_tx!(&mut tx, t => {
        sqlx::query_scalar(
            "INSERT INTO polls (question_en, question_hi, correct, explanation_en, explanation_hi, district_id, \
             opens_at, closes_at, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(&draft.question_en)
        .bind(&draft.question_hi)
        .bind(quiz.map(|q| q.correct as i64))
        .bind(quiz.map_or("", |q| q.explanation_en.as_str()))
        .bind(quiz.map_or("", |q| q.explanation_hi.as_str()))
        .bind(district)
        .bind(Timestamp(draft.opens_at))
        .bind(Timestamp(draft.closes_at))
        .bind(by.0)
        .bind(Timestamp(now))
        .fetch_one(&mut **t)
        .await?
    });
    write_choices(&mut tx, id, draft).await?;
    tx.commit().await?;
    Ok(PollId(id))
}

/// Rewrites a poll that has not opened yet (nor been called off).
pub async fn update(
    db: &Db,
    id: PollId,
    draft: &PollDraft,
    now: DateTime<Utc>,
) -> Result<Result<(), ChangeRefusal>, StoreError> {
    let mut tx = db.begin().await?;
    let district = district_id(&mut tx, &draft.district).await?;
    let quiz = draft.quiz.as_ref();
    let changed = on_tx!(&mut tx, t => {
        sqlx::query(
            "UPDATE polls SET question_en = $2, question_hi = $3, correct = $4, explanation_en = $5, \
             explanation_hi = $6, district_id = $7, opens_at = $8, closes_at = $9, updated_at = $10 \
             WHERE id = $1 AND opens_at > $10 AND closed_at IS NULL",
        )
        .bind(id.0)
        .bind(&draft.question_en)
        .bind(&draft.question_hi)
        .bind(quiz.map(|q| q.correct as i64))
        .bind(quiz.map_or("", |q| q.explanation_en.as_str()))
        .bind(quiz.map_or("", |q| q.explanation_hi.as_str()))
        .bind(district)
        .bind(Timestamp(draft.opens_at))
        .bind(Timestamp(draft.closes_at))
        .bind(Timestamp(now))
        .execute(&mut **t)
        .await?
        .rows_affected()
    });
    if changed == 0 {
        drop(tx);
        return Ok(Err(match get(db, id).await? {
            None => ChangeRefusal::NoSuchPoll,
            Some(poll) if poll.closed_at.is_some() => ChangeRefusal::AlreadyClosed,
            Some(_) => ChangeRefusal::AlreadyOpen,
        }));
    }
    write_choices(&mut tx, id.0, draft).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Closes a poll now: an open one stops taking answers, a scheduled one is
/// called off.
pub async fn close(db: &Db, id: PollId, now: DateTime<Utc>) -> Result<Result<(), ChangeRefusal>, StoreError> {
    let changed = dispatch_write!(db, pool => {
        sqlx::query("UPDATE polls SET closed_at = $2, updated_at = $2 WHERE id = $1 AND closed_at IS NULL AND closes_at > $2")
            .bind(id.0)
            .bind(Timestamp(now))
            .execute(pool)
            .await?
            .rows_affected()
    });
    if changed == 1 {
        return Ok(Ok(()));
    }
    Ok(Err(match get(db, id).await? {
        None => ChangeRefusal::NoSuchPoll,
        Some(_) => ChangeRefusal::AlreadyClosed,
    }))
}

fn assemble(rows: Vec<PollRow>, choices: Vec<(i64, String, String)>) -> Vec<Poll> {
    rows.into_iter()
        .map(
            |(
                id,
                question_en,
                question_hi,
                correct,
                explanation_en,
                explanation_hi,
                district,
                opens,
                closes,
                closed,
            )| {
                Poll {
                    id: PollId(id),
                    question_en,
                    question_hi,
                    choices: choices
                        .iter()
                        .filter(|(poll, _, _)| *poll == id)
                        .map(|(_, en, hi)| (en.clone(), hi.clone()))
                        .collect(),
                    quiz: correct.map(|correct| QuizAnswer {
                        correct: correct as usize,
                        explanation_en,
                        explanation_hi,
                    }),
                    district: district.and_then(|d| Slug::parse(&d).ok()),
                    opens_at: opens.0,
                    closes_at: closes.0,
                    closed_at: closed.map(|c| c.0),
                }
            },
        )
        .collect()
}

/// One poll, or `None`.
pub async fn get(db: &Db, id: PollId) -> Result<Option<Poll>, StoreError> {
    let (rows, choices): (Vec<PollRow>, Vec<(i64, String, String)>) = dispatch!(db, pool => {
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {POLL_COLUMNS} WHERE p.id = $1")))
            .bind(id.0)
            .fetch_all(pool)
            .await?;
        let choices = sqlx::query_as(
            "SELECT poll_id, text_en, text_hi FROM poll_choices WHERE poll_id = $1 ORDER BY position",
        )
        .bind(id.0)
        .fetch_all(pool)
        .await?;
        (rows, choices)
    });
    Ok(assemble(rows, choices).pop())
}

/// Polls as `which` asks, at most `limit`.
pub async fn list(db: &Db, which: Listing, limit: i64) -> Result<Vec<Poll>, StoreError> {
    let (filter, now) = match which {
        Listing::All => ("p.created_at <= $1 ORDER BY p.opens_at DESC, p.id DESC", Utc::now()),
        Listing::PublicPolls { now } => (
            "p.correct IS NULL AND p.opens_at <= $1 AND (p.closed_at IS NULL OR p.closed_at >= p.opens_at) \
             ORDER BY CASE WHEN p.closes_at > $1 AND p.closed_at IS NULL THEN 0 ELSE 1 END, p.opens_at DESC, p.id DESC",
            now,
        ),
        Listing::OpenQuizQuestions { now } => (
            "p.correct IS NOT NULL AND p.opens_at <= $1 AND p.closes_at > $1 AND p.closed_at IS NULL \
             ORDER BY p.opens_at, p.id",
            now,
        ),
    };
    let (rows, choices): (Vec<PollRow>, Vec<(i64, String, String)>) = dispatch!(db, pool => {
        let rows: Vec<PollRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {POLL_COLUMNS} WHERE {filter} LIMIT $2")))
            .bind(Timestamp(now))
            .bind(limit)
            .fetch_all(pool)
            .await?;
        let mut choices = Vec::new();
        for row in &rows {
            let mut these: Vec<(i64, String, String)> = sqlx::query_as(
                "SELECT poll_id, text_en, text_hi FROM poll_choices WHERE poll_id = $1 ORDER BY position",
            )
            .bind(row.0)
            .fetch_all(pool)
            .await?;
            choices.append(&mut these);
        }
        (rows, choices)
    });
    Ok(assemble(rows, choices))
}

/// Counts an answer, or says why it was not counted.
pub async fn answer(
    db: &Db,
    id: PollId,
    choice: usize,
    device_hash: &str,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, StoreError> {
    // The poll's window and the choice are checked by the insert itself, so
    // that an answer and a close racing each other cannot both win.
    let result = dispatch_write!(db, pool => {
        sqlx::query(
            "INSERT INTO poll_answers (poll_id, choice, correct, device_hash, user_id, answered_at) \
             SELECT p.id, c.position, CASE WHEN p.correct IS NULL THEN NULL ELSE p.correct = c.position END, $3, $4, $5 \
             FROM polls p JOIN poll_choices c ON c.poll_id = p.id AND c.position = $2 \
             WHERE p.id = $1 AND p.opens_at <= $5 AND p.closes_at > $5 AND p.closed_at IS NULL",
        )
        .bind(id.0)
        .bind(choice as i64)
        .bind(device_hash)
        .bind(user.map(|u| u.0))
        .bind(Timestamp(now))
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    });
    match result {
        Ok(1) => Ok(Ok(())),
        Ok(_) => Ok(Err(match get(db, id).await? {
            None => Refusal::NoSuchPoll,
            // A close committed just after `now` also refused this answer.
            Some(poll) if poll.closed_at.is_some() => Refusal::Closed,
            Some(poll) => match poll.state_at(now) {
                PollState::NotOpen => Refusal::NotOpenYet,
                PollState::Closed => Refusal::Closed,
                PollState::Open => Refusal::NoSuchChoice,
            },
        })),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(Err(Refusal::AlreadyAnswered)),
        Err(e) => Err(e.into()),
    }
}

/// The choice this device or account gave to each of `polls` it answered.
pub async fn given(
    db: &Db,
    polls: &[PollId],
    device_hash: &str,
    user: Option<UserId>,
) -> Result<Vec<(PollId, usize)>, StoreError> {
    let mut given = Vec::new();
    for poll in polls {
        let choice: Option<i64> = dispatch!(db, pool => {
            sqlx::query_scalar(
                "SELECT choice FROM poll_answers WHERE poll_id = $1 AND (device_hash = $2 OR user_id = $3) \
                 ORDER BY id LIMIT 1",
            )
            .bind(poll.0)
            .bind(device_hash)
            .bind(user.map(|u| u.0))
            .fetch_optional(pool)
            .await?
        });
        if let Some(choice) = choice {
            given.push((*poll, choice as usize));
        }
    }
    Ok(given)
}

/// How many answers each of the poll's `choices` has.
pub async fn counts(db: &Db, id: PollId, choices: usize) -> Result<Vec<u64>, StoreError> {
    let rows: Vec<(i64, i64)> = dispatch!(db, pool => {
        sqlx::query_as("SELECT choice, COUNT(*) FROM poll_answers WHERE poll_id = $1 GROUP BY choice")
            .bind(id.0)
            .fetch_all(pool)
            .await?
    });
    let mut counts = vec![0; choices];
    for (choice, count) in rows {
        if let Some(slot) = counts.get_mut(choice as usize) {
            *slot = count as u64;
        }
    }
    Ok(counts)
}

/// Milliseconds in a day, and India's offset from UTC in milliseconds:
/// answers are grouped by the day in India on which they were given.
const DAY_MS: i64 = 86_400_000;
const IST_MS: i64 = 19_800_000;

fn ist_date(day_number: i64) -> NaiveDate {
    DateTime::from_timestamp_millis(day_number * DAY_MS).map_or(NaiveDate::MIN, |d| d.date_naive())
}

/// The answers to each choice per day in India, oldest day first.
pub async fn counts_by_day(db: &Db, id: PollId, choices: usize) -> Result<Vec<(NaiveDate, Vec<u64>)>, StoreError> {
    let rows: Vec<(i64, i64, i64)> = dispatch!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT (answered_at + {IST_MS}) / {DAY_MS} AS day, choice, COUNT(*) FROM poll_answers \
             WHERE poll_id = $1 GROUP BY day, choice ORDER BY day, choice"
        )))
        .bind(id.0)
        .fetch_all(pool)
        .await?
    });
    let mut days: Vec<(NaiveDate, Vec<u64>)> = Vec::new();
    for (day, choice, count) in rows {
        let date = ist_date(day);
        if days.last().is_none_or(|(last, _)| *last != date) {
            days.push((date, vec![0; choices]));
        }
        if let Some(slot) = days.last_mut().and_then(|(_, counts)| counts.get_mut(choice as usize)) {
            *slot = count as u64;
        }
    }
    Ok(days)
}

/// One row of the weekly leaderboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    pub user: UserId,
    pub nickname: String,
    pub right: i64,
}

/// The players with the most right answers (daily quiz and admins' quiz
/// questions) between two instants, best first; ties go to whoever got
/// there first (whose last right answer came earlier). Only players who chose a leaderboard name appear, under
/// that name.
pub async fn leaderboard(
    db: &Db,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Standing>, StoreError> {
    let rows: Vec<(i64, String, i64)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT u.id, q.nickname, CAST(SUM(a.right_answers) AS BIGINT) AS total FROM ( \
                SELECT user_id, COUNT(*) AS right_answers, MAX(answered_at) AS last_at FROM quiz_answers \
                WHERE user_id IS NOT NULL AND correct AND answered_at >= $1 AND answered_at < $2 GROUP BY user_id \
                UNION ALL \
                SELECT user_id, COUNT(*), MAX(answered_at) FROM poll_answers \
                WHERE user_id IS NOT NULL AND correct AND answered_at >= $1 AND answered_at < $2 GROUP BY user_id \
             ) a JOIN users u ON u.id = a.user_id JOIN quiz_players q ON q.user_id = u.id WHERE u.deleted_at IS NULL \
             GROUP BY u.id, q.nickname ORDER BY total DESC, MAX(a.last_at), u.id LIMIT $3",
        )
        .bind(Timestamp(from))
        .bind(Timestamp(until))
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(user, nickname, right)| Standing {
            user: UserId(user),
            nickname,
            right,
        })
        .collect())
}

/// A signed-in player's record: answers, right answers, and the days in
/// India on which they played.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    pub answered: i64,
    pub right: i64,
    pub days: Vec<NaiveDate>,
}

pub async fn record(db: &Db, user: UserId) -> Result<Record, StoreError> {
    let (totals, days): ((i64, Option<i64>), Vec<(i64,)>) = dispatch!(db, pool => {
        let totals = sqlx::query_as(
            "SELECT COUNT(*), SUM(CASE WHEN correct THEN 1 ELSE 0 END) FROM ( \
                SELECT correct FROM quiz_answers WHERE user_id = $1 \
                UNION ALL SELECT correct FROM poll_answers WHERE user_id = $1 AND correct IS NOT NULL) a",
        )
        .bind(user.0)
        .fetch_one(pool)
        .await?;
        let days = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT DISTINCT (answered_at + {IST_MS}) / {DAY_MS} FROM quiz_answers WHERE user_id = $1 \
             UNION SELECT DISTINCT (answered_at + {IST_MS}) / {DAY_MS} FROM poll_answers \
             WHERE user_id = $1 AND correct IS NOT NULL"
        )))
        .bind(user.0)
        .fetch_all(pool)
        .await?;
        (totals, days)
    });
    Ok(Record {
        answered: totals.0,
        right: totals.1.unwrap_or(0),
        days: days.into_iter().map(|(d,)| ist_date(d)).collect(),
    })
}

/// The daily quiz's answers per day and question: (day, question,
/// answers, right answers), newest day first.
pub async fn quiz_results(db: &Db, days: i64) -> Result<Vec<(NaiveDate, usize, i64, i64)>, StoreError> {
    let rows: Vec<(String, i64, i64, i64)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT day, question, COUNT(*), SUM(CASE WHEN correct THEN 1 ELSE 0 END) FROM quiz_answers \
             WHERE day IN (SELECT DISTINCT day FROM quiz_answers ORDER BY day DESC LIMIT $1) \
             GROUP BY day, question ORDER BY day DESC, question",
        )
        .bind(days)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .filter_map(|(day, question, answers, right)| Some((day.parse().ok()?, question as usize, answers, right)))
        .collect())
}

/// The name `user` appears under on the leaderboard, if they chose one.
pub async fn nickname(db: &Db, user: UserId) -> Result<Option<String>, StoreError> {
    let name = dispatch!(db, pool => {
        sqlx::query_scalar("SELECT nickname FROM quiz_players WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(name)
}

/// Chooses (or, with `None`, withdraws) the player's leaderboard name.
pub async fn set_nickname(db: &Db, user: UserId, name: Option<&str>, now: DateTime<Utc>) -> Result<(), StoreError> {
    dispatch_write!(db, pool => {
        match name {
            Some(name) => sqlx::query(
                "INSERT INTO quiz_players (user_id, nickname, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET nickname = excluded.nickname, updated_at = excluded.updated_at",
            )
            .bind(user.0)
            .bind(name)
            .bind(Timestamp(now))
            .execute(pool)
            .await?,
            None => sqlx::query("DELETE FROM quiz_players WHERE user_id = $1").bind(user.0).execute(pool).await?,
        };
    });
    Ok(())
}
