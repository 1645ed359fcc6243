//! Payouts as finance staff make them: a batch of what is payable up to a
//! day, sent to the bank, each line answered paid or failed. One use case
//! per step, behind both the admin pages and the API; each checks that the
//! person keeps the books.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use odop_domain::authz::{self, Action};
use odop_store::payouts;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, NotFound};

fn keeps_books(me: &SignedIn) -> Result<(), AppError> {
    if authz::may(&me.actor, Action::ManagePayouts) {
        Ok(())
    } else {
        Err(AppError::NotFound(NotFound::Object))
    }
}

/// What the bank said of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Paid,
    /// Failed, for the reason the bank gave.
    Failed(String),
}

impl Answer {
    /// `paid`, or `failed` with a reason of 1 to 200 characters.
    pub fn read(outcome: &str, reason: &str) -> Option<Self> {
        let reason = reason.trim();
        match outcome.trim() {
            "paid" => Some(Answer::Paid),
            "failed" if !reason.is_empty() && reason.chars().count() <= 200 => Some(Answer::Failed(reason.to_owned())),
            _ => None,
        }
    }
}

/// The end of `day` in India as UTC, but never later than `now`; `None`
/// for a day that has not begun in India yet.
pub fn payable_up_to(day: NaiveDate, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if day > odop_domain::quiz::ist_day(now) {
        return None;
    }
    let end_of_day = day.and_time(NaiveTime::MIN) + chrono::Duration::days(1) - chrono::Duration::minutes(330);
    Some(end_of_day.and_utc().min(now))
}

/// Makes a batch of everything payable at the end of `day` in India;
/// `Ok(None)` when nothing is.
pub async fn make_batch(state: &AppState, me: &SignedIn, day: NaiveDate) -> Result<Option<i64>, AppError> {
    keeps_books(me)?;
    let now = Utc::now();
    let up_to = payable_up_to(day, now).ok_or_else(|| AppError::Invalid {
        fields: vec![("up_to".to_owned(), "the day is after today in India".to_owned())],
    })?;
    let batch = payouts::create_batch(state.db(), me.user.id, up_to, now).await?;
    if let Some(batch) = batch {
        tracing::info!(staff = %me.user.id, batch, %day, "payout batch made");
    }
    Ok(batch)
}

/// Marks a batch sent to the bank; `false` when it was not waiting to be.
pub async fn mark_sent(state: &AppState, me: &SignedIn, batch: i64) -> Result<bool, AppError> {
    keeps_books(me)?;
    Ok(payouts::mark_sent(state.db(), batch, me.user.id, Utc::now()).await?)
}

/// Records the bank's answer for a line and tells its payee by SMS;
/// `false` when the line was answered already.
pub async fn answer_line(state: &AppState, me: &SignedIn, line: i64, answer: &Answer) -> Result<bool, AppError> {
    keeps_books(me)?;
    let sms = crate::payments::notices(state);
    let failure = match answer {
        Answer::Paid => None,
        Answer::Failed(reason) => Some(reason.as_str()),
    };
    let moved = payouts::decide_line(
        state.db(),
        line,
        me.user.id,
        failure.is_none(),
        failure,
        &|notice| sms.payout(notice),
        Utc::now(),
    )
    .await?;
    Ok(moved)
}

/// A batch and its lines, for someone who keeps the books.
pub async fn batch(
    state: &AppState,
    me: &SignedIn,
    id: i64,
) -> Result<(payouts::BatchRecord, Vec<payouts::LineRecord>), AppError> {
    keeps_books(me)?;
    payouts::batch(state.db(), id)
        .await?
        .ok_or(AppError::NotFound(NotFound::Object))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_paid_or_failed_with_a_reason() {
        assert_eq!(Answer::read("paid", ""), Some(Answer::Paid));
        assert_eq!(
            Answer::read("failed", " account closed "),
            Some(Answer::Failed("account closed".into()))
        );
        assert_eq!(Answer::read("failed", "  "), None);
        assert_eq!(Answer::read("failed", &"x".repeat(201)), None);
        assert_eq!(Answer::read("lost", "why"), None);
    }

    #[test]
    fn a_batch_reaches_the_end_of_the_day_in_india_but_not_past_now() {
        let now = "2026-12-07T10:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert_eq!(
            payable_up_to(day(5), now),
            Some("2026-12-05T18:30:00Z".parse().unwrap()),
            "midnight in India is 18:30 UTC"
        );
        assert_eq!(payable_up_to(day(7), now), Some(now));
        assert_eq!(payable_up_to(day(8), now), None);
    }
}
