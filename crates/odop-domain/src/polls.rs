//! Polls: a question in English and Hindi with two to six choices, open
//! between two moments that a state admin sets, and the shares of the
//! answers as whole percentages that always add up to 100.
//!
//! An admin's quiz question is a poll with a right answer and an
//! explanation: it is stored, scheduled, closed and counted the same way,
//! and shown inside the daily quiz instead of on the polls page.

use chrono::{DateTime, Utc};

use crate::Slug;
use crate::onboarding::{FieldError, Problems};

pub const MIN_CHOICES: usize = 2;
pub const MAX_CHOICES: usize = 6;

/// A poll as an admin types it.
#[derive(Clone, Debug, Default)]
pub struct PollInput {
    pub question_en: String,
    pub question_hi: String,
    /// (English, Hindi) per choice; empty pairs are ignored.
    pub choices: Vec<(String, String)>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    /// For a quiz question: the position of the right choice among the
    /// non-empty ones, counted from zero.
    pub correct: Option<usize>,
    pub explanation_en: String,
    pub explanation_hi: String,
    /// The district whose products the result links to, if any.
    pub district: Option<Slug>,
}

/// A quiz question's right answer and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuizAnswer {
    pub correct: usize,
    pub explanation_en: String,
    pub explanation_hi: String,
}

/// A checked poll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollDraft {
    pub question_en: String,
    pub question_hi: String,
    pub choices: Vec<(String, String)>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// `Some` for a quiz question.
    pub quiz: Option<QuizAnswer>,
    pub district: Option<Slug>,
}

impl PollDraft {
    /// The poll whole, or every problem with it. Both languages are
    /// required: players choose either.
    pub fn parse(input: &PollInput) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::default();
        let question_en = problems.text("question_en", &input.question_en, 5, 200);
        let question_hi = problems.text("question_hi", &input.question_hi, 5, 200);
        let mut choices = Vec::new();
        for (en, hi) in &input.choices {
            if en.trim().is_empty() && hi.trim().is_empty() {
                continue;
            }
            let en = problems.text("choices", en, 1, 80);
            let hi = problems.text("choices", hi, 1, 80);
            if let (Some(en), Some(hi)) = (en, hi) {
                choices.push((en, hi));
            }
        }
        if !(MIN_CHOICES..=MAX_CHOICES).contains(&choices.len()) {
            problems.0.push(FieldError::new("choices", "poll-choices-count"));
        }
        let mut seen: Vec<String> = Vec::new();
        for (en, _) in &choices {
            let key = en.to_lowercase();
            if seen.contains(&key) {
                problems.0.push(FieldError::new("choices", "poll-choices-repeated"));
                break;
            }
            seen.push(key);
        }
        let (opens_at, closes_at) = match (input.opens_at, input.closes_at) {
            (Some(open), Some(close)) if close > open => (Some(open), Some(close)),
            (Some(_), Some(_)) => {
                problems
                    .0
                    .push(FieldError::new("closes_at", "poll-closes-before-opening"));
                (None, None)
            }
            (open, close) => {
                if open.is_none() {
                    problems.0.push(FieldError::new("opens_at", "poll-time-missing"));
                }
                if close.is_none() {
                    problems.0.push(FieldError::new("closes_at", "poll-time-missing"));
                }
                (None, None)
            }
        };
        let quiz = match input.correct {
            None => None,
            Some(correct) => {
                if correct >= choices.len() {
                    problems.0.push(FieldError::new("correct", "poll-correct-missing"));
                }
                let explanation_en = problems.text("explanation_en", &input.explanation_en, 5, 500);
                let explanation_hi = problems.text("explanation_hi", &input.explanation_hi, 5, 500);
                match (explanation_en, explanation_hi) {
                    (Some(explanation_en), Some(explanation_hi)) => Some(QuizAnswer {
                        correct,
                        explanation_en,
                        explanation_hi,
                    }),
                    _ => None,
                }
            }
        };
        match (question_en, question_hi, opens_at, closes_at) {
            (Some(question_en), Some(question_hi), Some(opens_at), Some(closes_at)) if problems.0.is_empty() => {
                Ok(PollDraft {
                    question_en,
                    question_hi,
                    choices,
                    opens_at,
                    closes_at,
                    quiz,
                    district: input.district.clone(),
                })
            }
            _ => Err(problems.0),
        }
    }
}

/// A time as an admin in India types it (`2026-11-24T10:00`, the value of
/// an HTML `datetime-local` field, seconds optional), as an instant.
pub fn parse_ist(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        // Polls run within a lifetime: far years are typing mistakes.
        .filter(|t| (2000..=2100).contains(&chrono::Datelike::year(t)))?;
    Some(local.and_utc() - chrono::Duration::minutes(330))
}

/// An instant as the value of a `datetime-local` field, in IST.
pub fn format_ist(instant: DateTime<Utc>) -> String {
    instant
        .checked_add_signed(chrono::Duration::minutes(330))
        .unwrap_or(instant)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Where a poll stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollState {
    /// Scheduled: still editable, not yet answerable.
    NotOpen,
    Open,
    Closed,
}

/// The state of a poll open from `opens_at` until `closes_at` (or until an
/// admin closed it early at `closed_at`).
pub fn state_at(
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> PollState {
    let closes = closed_at.map_or(closes_at, |closed| closed.min(closes_at));
    // A poll closed before it opened was called off: it never opens.
    if closed_at.is_some_and(|closed| closed <= now) {
        return PollState::Closed;
    }
    if now < opens_at {
        PollState::NotOpen
    } else if now < closes {
        PollState::Open
    } else {
        PollState::Closed
    }
}

/// Whole percentages of `counts` that add up to 100 (largest remainders
/// get the spare points), or all zero when nobody answered.
pub fn percentages(counts: &[u64]) -> Vec<u64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return vec![0; counts.len()];
    }
    let mut shares: Vec<u64> = counts.iter().map(|c| c * 100 / total).collect();
    let mut spare = 100 - shares.iter().sum::<u64>();
    let mut by_remainder: Vec<usize> = (0..counts.len()).collect();
    // Largest remainder first; ties go to the earlier choice.
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(counts[i] * 100 % total));
    for i in by_remainder {
        if spare == 0 {
            break;
        }
        shares[i] += 1;
        spare -= 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn input() -> PollInput {
        PollInput {
            question_en: "Which district is famous for wooden toys?".into(),
            question_hi: "लकड़ी के खिलौनों के लिए कौन सा ज़िला प्रसिद्ध है?".into(),
            choices: vec![
                ("Chitrakoot".into(), "चित्रकूट".into()),
                ("Varanasi".into(), "वाराणसी".into()),
                (String::new(), String::new()),
            ],
            opens_at: Some(at("2026-11-24T04:30:00Z")),
            closes_at: Some(at("2026-11-30T18:30:00Z")),
            ..PollInput::default()
        }
    }

    #[test]
    fn a_poll_needs_both_languages_two_to_six_distinct_choices_and_a_window() {
        let draft = PollDraft::parse(&input()).unwrap();
        assert_eq!(draft.choices.len(), 2, "empty choice rows are ignored");

        let mut one = input();
        one.choices.truncate(1);
        let fields: Vec<&str> = PollDraft::parse(&one)
            .unwrap_err()
            .iter()
            .map(|e| e.message_id)
            .collect();
        assert_eq!(fields, ["poll-choices-count"]);

        let mut repeated = input();
        repeated.choices[1] = ("chitrakoot".into(), "चित्रकूट".into());
        assert!(
            PollDraft::parse(&repeated)
                .unwrap_err()
                .iter()
                .any(|e| e.message_id == "poll-choices-repeated")
        );

        let mut backwards = input();
        backwards.closes_at = Some(at("2026-11-01T00:00:00Z"));
        assert!(
            PollDraft::parse(&backwards)
                .unwrap_err()
                .iter()
                .any(|e| e.field == "closes_at")
        );

        let errors = PollDraft::parse(&PollInput::default()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        for field in ["question_en", "question_hi", "choices", "opens_at", "closes_at"] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
    }

    #[test]
    fn a_quiz_question_names_its_right_answer_and_explains_it_in_both_languages() {
        let mut question = input();
        question.correct = Some(0);
        let errors = PollDraft::parse(&question).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["explanation_en", "explanation_hi"]);

        question.explanation_en = "Chitrakoot's toymakers turn wood on the lathe.".into();
        question.explanation_hi = "चित्रकूट के कारीगर खराद पर लकड़ी के खिलौने बनाते हैं।".into();
        let draft = PollDraft::parse(&question).unwrap();
        assert_eq!(draft.quiz.as_ref().map(|q| q.correct), Some(0));

        question.correct = Some(2);
        let errors = PollDraft::parse(&question).unwrap_err();
        assert_eq!(
            errors[0].message_id, "poll-correct-missing",
            "only two choices were given"
        );
        assert!(
            PollDraft::parse(&input()).unwrap().quiz.is_none(),
            "a poll has no right answer"
        );
    }

    #[test]
    fn a_poll_is_open_between_its_times_or_until_closed_early() {
        let (open, close) = (at("2026-11-24T00:00:00Z"), at("2026-11-30T00:00:00Z"));
        assert_eq!(
            state_at(open, close, None, at("2026-11-23T23:59:59Z")),
            PollState::NotOpen
        );
        assert_eq!(state_at(open, close, None, open), PollState::Open);
        assert_eq!(state_at(open, close, None, close), PollState::Closed);
        let early = at("2026-11-25T00:00:00Z");
        assert_eq!(
            state_at(open, close, Some(early), at("2026-11-26T00:00:00Z")),
            PollState::Closed
        );
        let called_off = at("2026-11-20T00:00:00Z");
        assert_eq!(
            state_at(open, close, Some(called_off), at("2026-11-25T00:00:00Z")),
            PollState::Closed,
            "a poll closed before it opened never opens"
        );
    }

    #[test]
    fn admins_type_times_in_india() {
        assert_eq!(parse_ist("2026-11-24T10:00"), Some(at("2026-11-24T04:30:00Z")));
        assert_eq!(parse_ist("2026-11-24T10:00:30"), Some(at("2026-11-24T04:30:30Z")));
        assert_eq!(parse_ist("24/11/2026"), None);
        assert_eq!(parse_ist("2026-11-24T25:00"), None);
        assert_eq!(parse_ist("+262142-12-31T23:59"), None);
        assert_eq!(parse_ist("1900-01-01T00:00"), None);
        assert_eq!(format_ist(at("2026-11-24T04:30:00Z")), "2026-11-24T10:00");
    }

    #[test]
    fn percentages_are_whole_and_add_up_to_a_hundred() {
        assert_eq!(percentages(&[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(percentages(&[2, 1]), vec![67, 33]);
        assert_eq!(percentages(&[0, 5]), vec![0, 100]);
        assert_eq!(percentages(&[0, 0, 0]), vec![0, 0, 0]);
        for counts in [[7u64, 11, 13, 17], [1, 0, 0, 998], [3, 3, 3, 1]] {
            assert_eq!(percentages(&counts).iter().sum::<u64>(), 100, "{counts:?}");
        }
    }
}
