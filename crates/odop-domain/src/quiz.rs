//! The daily quiz: questions made from the registry ("Which product is
//! Kannauj known for?", "Which district's ODOP product is wooden toys?"),
//! the same for everyone on a given day in India. Wrong choices are
//! plausible: they come from the same division first, and never include
//! another right answer. A question is only ever about a district whose
//! products can be bought, so that every answer leads somewhere.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::registry::{District, OdopProduct, Registry};
use crate::rng::SplitMix64;
use crate::{Bilingual, Slug};

/// Questions in a day's quiz, and choices per question.
pub const QUESTIONS_PER_DAY: usize = 5;
pub const CHOICES: usize = 4;

/// India Standard Time is UTC+05:30 all year.
const IST_OFFSET_MINUTES: i64 = 5 * 60 + 30;

/// The calendar day in India at `now`: a new quiz starts at midnight IST.
pub fn ist_day(now: DateTime<Utc>) -> NaiveDate {
    (now + Duration::minutes(IST_OFFSET_MINUTES)).date_naive()
}

/// A name a player chooses for the leaderboard: 2 to 24 letters (any
/// script), digits, spaces and `. - _`, with at most four digits so that
/// nobody publishes a phone number by mistake. Returns the name with its
/// spaces tidied, or the id of the message saying what is wrong.
pub fn leaderboard_name(text: &str) -> Result<String, &'static str> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let length = name.chars().count();
    if !(2..=24).contains(&length) {
        return Err("quiz-name-length");
    }
    // Devanagari vowel signs and viramas are marks, not letters.
    let allowed =
        |c: char| c.is_alphanumeric() || c == ' ' || ".-_".contains(c) || ('\u{0900}'..='\u{097F}').contains(&c);
    if !name.chars().all(allowed) {
        return Err("quiz-name-characters");
    }
    // Digits of any script count: ९८७६५४३२१० is a phone number too.
    if name.chars().filter(|c| c.is_numeric()).count() > 4 {
        return Err("quiz-name-digits");
    }
    Ok(name)
}

/// The Monday that starts the week (in India) holding `day`: the weekly
/// leaderboard runs Monday to Sunday.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The IST moment a day starts, in UTC: for counting answers of a week.
pub fn day_start_utc(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc() - Duration::minutes(IST_OFFSET_MINUTES)
}

/// How many days in a row the player has played, ending today or, when
/// today is not played yet, yesterday: a streak is not lost before the
/// day is over. `days_played` may be in any order and repeat.
pub fn streak(days_played: &[NaiveDate], today: NaiveDate) -> u32 {
    let mut days: Vec<NaiveDate> = days_played.iter().copied().filter(|d| *d <= today).collect();
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    let mut expected = match days.first() {
        Some(&latest) if latest == today || latest == today - Duration::days(1) => latest,
        _ => return 0,
    };
    let mut run = 0;
    for day in days {
        if day != expected {
            break;
        }
        run += 1;
        expected = day - Duration::days(1);
    }
    run
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    /// "Which product is {district} known for?": choices are products.
    ProductOfDistrict,
    /// "Which district's ODOP product is {product}?": choices are districts.
    DistrictOfProduct,
}

/// One choice: what it says, and the slug of the product or district it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub slug: Slug,
    pub text: Bilingual,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub kind: QuestionKind,
    /// What the question names: a district or a product.
    pub subject: Bilingual,
    /// The district the answer is about, whose products the result links to.
    pub district: Slug,
    pub choices: Vec<Choice>,
    /// Index of the right choice.
    pub correct: usize,
}

/// A seed per day, so the quiz changes daily and repeats only with the day.
fn seed(day: NaiveDate) -> u64 {
    // Any fixed mixing constant will do; this one keeps day 0 from seed 0.
    (day.num_days_from_ce() as u64).wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x0D0B_0D0B
}

fn shuffle<T>(rng: &mut SplitMix64, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// The day's quiz: up to [`QUESTIONS_PER_DAY`] questions, each about a
/// different district of the registry. Districts for which `shoppable` is
/// true (they have products on sale) come first, so that the quiz leads to
/// things to buy; on a new marketplace with few or no listings, the others
/// fill the day, since the quiz is about the districts and their crafts.
pub fn daily(registry: &Registry, shoppable: &dyn Fn(&Slug) -> bool, day: NaiveDate) -> Vec<Question> {
    let mut rng = SplitMix64::new(seed(day));
    let mut candidates: Vec<&District> = registry.districts().iter().filter(|d| !d.products.is_empty()).collect();
    shuffle(&mut rng, &mut candidates);
    // A stable sort keeps the shuffled order within each group.
    candidates.sort_by_key(|d| !shoppable(&d.slug));
    let mut questions = Vec::new();
    for district in candidates {
        if questions.len() == QUESTIONS_PER_DAY {
            break;
        }
        let kind = if questions.len() % 2 == 0 {
            QuestionKind::ProductOfDistrict
        } else {
            QuestionKind::DistrictOfProduct
        };
        let question = match kind {
            QuestionKind::ProductOfDistrict => product_of(registry, district, &mut rng),
            QuestionKind::DistrictOfProduct => district_of(registry, district, &mut rng),
        };
        questions.extend(question);
    }
    questions
}

/// Districts ordered for wrong choices: the same division first (shuffled),
/// then the rest (shuffled).
fn neighbours<'a>(registry: &'a Registry, district: &District, rng: &mut SplitMix64) -> Vec<&'a District> {
    let (mut near, mut far): (Vec<&District>, Vec<&District>) = registry
        .districts()
        .iter()
        .filter(|d| d.slug != district.slug)
        .partition(|d| d.division == district.division);
    shuffle(rng, &mut near);
    shuffle(rng, &mut far);
    near.extend(far);
    near
}

fn finish(
    rng: &mut SplitMix64,
    kind: QuestionKind,
    subject: Bilingual,
    district: &District,
    right: Choice,
    wrong: Vec<Choice>,
) -> Option<Question> {
    if wrong.len() < CHOICES - 1 {
        return None;
    }
    let mut choices = wrong;
    choices.truncate(CHOICES - 1);
    choices.push(right.clone());
    shuffle(rng, &mut choices);
    let correct = choices.iter().position(|c| *c == right)?;
    Some(Question {
        kind,
        subject,
        district: district.slug.clone(),
        choices,
        correct,
    })
}

fn product_of(registry: &Registry, district: &District, rng: &mut SplitMix64) -> Option<Question> {
    let product = &district.products[0];
    let mut wrong: Vec<&OdopProduct> = Vec::new();
    for other in neighbours(registry, district, rng) {
        // Not a craft this district has too (a second right answer), nor one
        // like a wrong choice already taken (two answers of one meaning).
        let candidate = other.products.iter().find(|p| {
            !district.products.iter().any(|own| own.overlaps(p)) && !wrong.iter().any(|taken| taken.overlaps(p))
        });
        if let Some(p) = candidate {
            wrong.push(p);
        }
        if wrong.len() == CHOICES - 1 {
            break;
        }
    }
    let choice = |p: &OdopProduct| Choice {
        slug: p.slug.clone(),
        text: p.name.clone(),
    };
    finish(
        rng,
        QuestionKind::ProductOfDistrict,
        district.name.clone(),
        district,
        choice(product),
        wrong.into_iter().map(choice).collect(),
    )
}

fn district_of(registry: &Registry, district: &District, rng: &mut SplitMix64) -> Option<Question> {
    let product = &district.products[0];
    let wrong: Vec<Choice> = neighbours(registry, district, rng)
        .into_iter()
        // A district with this craft, or one like it, would be a second
        // right answer: "carpets" is Bhadohi's, Sonbhadra's and Mirzapur's.
        .filter(|d| !d.products.iter().any(|p| p.overlaps(product)))
        .take(CHOICES - 1)
        .map(|d| Choice {
            slug: d.slug.clone(),
            text: d.name.clone(),
        })
        .collect();
    let right = Choice {
        slug: district.slug.clone(),
        text: district.name.clone(),
    };
    finish(
        rng,
        QuestionKind::DistrictOfProduct,
        product.name.clone(),
        district,
        right,
        wrong,
    )
}

/// The choices of `question` that are right by the registry: a product
/// that overlaps one of the district's, or a district that makes something
/// overlapping the asked product. For tests of the quiz over any registry.
pub fn right_choices(registry: &Registry, question: &Question) -> Vec<usize> {
    let Some(district) = registry.district(&question.district) else {
        return Vec::new();
    };
    let asked = &district.products[0];
    question
        .choices
        .iter()
        .enumerate()
        .filter(|(_, c)| match question.kind {
            QuestionKind::ProductOfDistrict => registry.districts().iter().any(|d| {
                d.products
                    .iter()
                    .filter(|p| p.slug == c.slug && p.name == c.text)
                    .any(|p| district.products.iter().any(|own| own.overlaps(p)))
            }),
            QuestionKind::DistrictOfProduct => registry
                .district(&c.slug)
                .is_some_and(|d| d.products.iter().any(|p| p.overlaps(asked))),
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::registry::{Confidence, Division, GiStatus, GiTag, OdopProduct};

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    fn product(s: &str) -> OdopProduct {
        OdopProduct {
            hsn: Vec::new(),
            slug: slug(s),
            name: Bilingual::new(s.replace('-', " "), s),
            description: Bilingual::new("", ""),
            added_on: None,
            gi: GiTag {
                status: GiStatus::Unknown,
                name: None,
            },
        }
    }

    /// Three divisions of four districts, each district with its own craft;
    /// `zari` is shared by two districts.
    fn registry() -> Registry {
        let divisions = ["east", "west", "north"]
            .iter()
            .map(|d| Division {
                slug: slug(d),
                name: Bilingual::new(*d, *d),
            })
            .collect();
        let mut districts = Vec::new();
        for (division, names) in [
            ("east", ["aa", "ab", "ac", "ad"]),
            ("west", ["ba", "bb", "bc", "bd"]),
            ("north", ["ca", "cb", "cc", "cd"]),
        ] {
            for name in names {
                let products = match name {
                    "ab" | "bb" => vec![product("zari"), product(&format!("{name}-craft"))],
                    _ => vec![product(&format!("{name}-craft"))],
                };
                districts.push(District {
                    slug: slug(name),
                    division: slug(division),
                    name: Bilingual::new(name.to_uppercase(), name),
                    confidence: Confidence::High,
                    featured_rank: None,
                    products,
                });
            }
        }
        Registry::new(divisions, districts).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn everywhere(_: &Slug) -> bool {
        true
    }

    #[test]
    fn the_quiz_is_the_same_all_day_and_changes_with_the_day() {
        let registry = registry();
        assert_eq!(
            daily(&registry, &everywhere, day(23)),
            daily(&registry, &everywhere, day(23))
        );
        let week: HashSet<Vec<Slug>> = (1..=7)
            .map(|d| {
                daily(&registry, &everywhere, day(d))
                    .into_iter()
                    .map(|q| q.district)
                    .collect()
            })
            .collect();
        assert!(week.len() > 1, "a week of quizzes is not all the same");
    }

    #[test]
    fn a_day_starts_at_midnight_in_india() {
        let just_before = "2026-11-23T18:29:59Z".parse().unwrap();
        let midnight = "2026-11-23T18:30:00Z".parse().unwrap();
        assert_eq!(ist_day(just_before), day(23));
        assert_eq!(ist_day(midnight), day(24));
    }

    #[test]
    fn a_streak_counts_days_in_a_row_and_survives_until_the_day_is_over() {
        let today = day(23);
        assert_eq!(streak(&[], today), 0);
        assert_eq!(streak(&[day(21), day(22), day(23), day(22)], today), 3);
        assert_eq!(streak(&[day(20), day(21), day(22)], today), 3, "today not played yet");
        assert_eq!(streak(&[day(19), day(21)], today), 0, "a day was missed");
        assert_eq!(streak(&[day(18), day(20), day(22), day(23)], today), 2);
    }

    #[test]
    fn a_leaderboard_name_is_short_plain_and_never_a_phone_number() {
        assert_eq!(leaderboard_name("  Toy   Lover ").as_deref(), Ok("Toy Lover"));
        assert_eq!(leaderboard_name("खिलौना प्रेमी").as_deref(), Ok("खिलौना प्रेमी"));
        assert_eq!(leaderboard_name("Asha_2026").as_deref(), Ok("Asha_2026"));
        assert_eq!(leaderboard_name("A"), Err("quiz-name-length"));
        assert_eq!(leaderboard_name(&"a".repeat(25)), Err("quiz-name-length"));
        assert_eq!(leaderboard_name("<b>me</b>"), Err("quiz-name-characters"));
        assert_eq!(leaderboard_name("98765 43210"), Err("quiz-name-digits"));
        assert_eq!(leaderboard_name("९८७६५४३२१०"), Err("quiz-name-digits"));
        assert_eq!(leaderboard_name("98 ७६५४३"), Err("quiz-name-digits"));
        assert_eq!(leaderboard_name("９８７６５４３"), Err("quiz-name-digits"));
    }

    #[test]
    fn the_week_starts_on_monday_in_india() {
        // 23 November 2026 is a Monday.
        assert_eq!(week_start(day(23)), day(23));
        assert_eq!(week_start(day(29)), day(23));
        assert_eq!(week_start(day(30)), day(30));
        assert_eq!(day_start_utc(day(23)).to_rfc3339(), "2026-11-22T18:30:00+00:00");
    }

    #[test]
    fn every_question_has_four_distinct_choices_and_exactly_one_right_answer() {
        let registry = registry();
        for d in 1..=30 {
            let quiz = daily(&registry, &everywhere, day(d));
            assert_eq!(quiz.len(), QUESTIONS_PER_DAY);
            let districts: HashSet<&Slug> = quiz.iter().map(|q| &q.district).collect();
            assert_eq!(
                districts.len(),
                QUESTIONS_PER_DAY,
                "each question is about another district"
            );
            for q in &quiz {
                assert_eq!(q.choices.len(), CHOICES);
                let texts: HashSet<&str> = q.choices.iter().map(|c| c.text.en.as_str()).collect();
                assert_eq!(texts.len(), CHOICES, "distinct choices: {q:?}");
                assert_eq!(
                    right_choices(&registry, q),
                    vec![q.correct],
                    "exactly one right answer: {q:?}"
                );
            }
        }
    }

    #[test]
    fn districts_with_products_on_sale_come_first_and_the_others_fill_the_day() {
        let registry = registry();
        let on_sale = |d: &Slug| matches!(d.as_str(), "aa" | "ba" | "ca");
        for d in 1..=30 {
            let quiz = daily(&registry, &on_sale, day(d));
            assert_eq!(quiz.len(), QUESTIONS_PER_DAY);
            let shoppable = quiz.iter().filter(|q| on_sale(&q.district)).count();
            assert_eq!(shoppable, 3, "every district with something to buy is asked about");
        }
        // A marketplace with nothing listed yet still has its quiz.
        assert_eq!(daily(&registry, &|_| false, day(1)).len(), QUESTIONS_PER_DAY);
    }

    #[test]
    fn wrong_choices_come_from_the_same_division_first() {
        let registry = registry();
        for d in 1..=30 {
            for q in daily(&registry, &everywhere, day(d))
                .into_iter()
                .filter(|q| q.kind == QuestionKind::DistrictOfProduct)
            {
                let division = &registry.district(&q.district).unwrap().division;
                let near = q
                    .choices
                    .iter()
                    .filter(|c| c.slug != q.district && registry.district(&c.slug).unwrap().division == *division)
                    .count();
                assert!(near >= 2, "at least two neighbours among the wrong choices: {q:?}");
            }
        }
    }
}
