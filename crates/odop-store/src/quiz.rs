//! Answers to the daily quiz, one per question per device and per account:
//! the unique indexes decide, so concurrent answers cannot both count.

use chrono::{DateTime, NaiveDate, Utc};
use odop_domain::UserId;

use crate::StoreError;
use crate::db::{Db, dispatch, dispatch_write};
use crate::time::Timestamp;

/// One answer given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub question: usize,
    pub choice: usize,
    pub correct: bool,
}

/// Records an answer; `false` when this device or account had already
/// answered the question.
pub async fn answer(
    db: &Db,
    day: NaiveDate,
    device_hash: &str,
    user: Option<UserId>,
    given: Answer,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = dispatch_write!(db, pool => {
        sqlx::query(
            "INSERT INTO quiz_answers (day, question, device_hash, user_id, choice, correct, answered_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(day.to_string())
        .bind(given.question as i64)
        .bind(device_hash)
        .bind(user.map(|u| u.0))
        .bind(given.choice as i64)
        .bind(given.correct)
        .bind(Timestamp(now))
        .execute(pool)
        .await
        .map(|_| ())
    });
    match result {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The answers this device (or account) gave on `day`.
pub async fn answers(
    db: &Db,
    day: NaiveDate,
    device_hash: &str,
    user: Option<UserId>,
) -> Result<Vec<Answer>, StoreError> {
    let rows: Vec<(i64, i64, bool)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT question, choice, correct FROM quiz_answers WHERE day = $1 AND (device_hash = $2 OR user_id = $3) \
             ORDER BY question, id",
        )
        .bind(day.to_string())
        .bind(device_hash)
        .bind(user.map(|u| u.0))
        .fetch_all(pool)
        .await?
    });
    let mut answers: Vec<Answer> = Vec::new();
    for (question, choice, correct) in rows {
        if !answers.iter().any(|a| a.question == question as usize) {
            answers.push(Answer {
                question: question as usize,
                choice: choice as usize,
                correct,
            });
        }
    }
    Ok(answers)
}

/// How many listings are on sale in each district, by slug.
pub async fn listings_by_district(db: &Db) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT d.slug, COUNT(*) FROM listings l JOIN districts d ON d.id = l.district_id \
             WHERE l.status = 'active' GROUP BY d.slug",
        )
        .fetch_all(pool)
        .await?
    });
    Ok(rows)
}

/// The key of a photo (its 480 px rendition, or the nearest stored) of a
/// product on sale in the district, for share cards: the newest listing's
/// first photo.
pub async fn district_photo(db: &Db, district: &str) -> Result<Option<String>, StoreError> {
    let row: Option<(String, String)> = dispatch!(db, pool => {
        sqlx::query_as(
            "SELECT p.storage_key, p.widths FROM listing_photos p JOIN listings l ON l.id = p.listing_id \
             JOIN districts d ON d.id = l.district_id \
             WHERE d.slug = $1 AND l.status = 'active' ORDER BY l.updated_at DESC, l.id DESC, p.position LIMIT 1",
        )
        .bind(district)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(|(key, widths)| {
        let width = widths
            .split(',')
            .filter_map(|w| w.trim().parse::<u32>().ok())
            .min_by_key(|w| w.abs_diff(480))
            .unwrap_or(480);
        format!("{key}-{width}.webp")
    }))
}
