//! What a buyer's words ask for, beyond the words: a budget ("under 500",
//! "500 se kam", "२००० तक", "1000-2500") becomes a price filter, and the
//! words about price leave the text, since no listing's title says "under".

use crate::text::{normalize, phonetic_key_variants, spoken_words};

/// A word of a query, as typed (normalized) and as it sounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryWord {
    pub typed: String,
    pub key: String,
    /// Other readings of the word (`ghoda` is also `ghora`).
    pub alternates: Vec<String>,
}

impl QueryWord {
    /// The word's key and its other readings.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.key).chain(&self.alternates)
    }
}

/// A price range in paise, from the query's words; either end may be open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PriceRange {
    pub from_paise: Option<u64>,
    pub to_paise: Option<u64>,
}

/// A query taken apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Understood {
    pub words: Vec<QueryWord>,
    pub price: Option<PriceRange>,
}

/// Words that put a ceiling on the number after them ("under 500").
const CEILING_BEFORE: &[&str] = &[
    "under", "below", "upto", "within", "max", "maximum", "less", "tak", "तक",
];
/// Words that put a ceiling on the number before them ("500 tak", "500 se kam").
const CEILING_AFTER: &[&str] = &[
    "tak",
    "kam",
    "andar",
    "niche",
    "neeche",
    "less",
    "below",
    "max",
    "तक",
    "कम",
    "अंदर",
    "नीचे",
];
/// Words that put a floor under the number after them ("above 1000").
const FLOOR_BEFORE: &[&str] = &["above", "over", "min", "minimum", "from", "more", "starting"];
/// Words that put a floor under the number before them ("1000 se upar").
const FLOOR_AFTER: &[&str] = &[
    "upar",
    "uper",
    "jyada",
    "zyada",
    "adhik",
    "plus",
    "above",
    "more",
    "ऊपर",
    "ज्यादा",
    "अधिक",
];
/// Words that say a number is money.
const CURRENCY: &[&str] = &[
    "rs",
    "inr",
    "rupees",
    "rupee",
    "rupay",
    "rupaye",
    "rupaiye",
    "rupya",
    "रुपये",
    "रुपए",
    "रु",
    "रुपया",
    "price",
    "priced",
    "कीमत",
    "daam",
];
/// Words that join a number to the words that make it a price.
const CONNECTORS: &[&str] = &[
    "se",
    "to",
    "and",
    "than",
    "between",
    "up",
    "से",
    "की",
    "का",
    "के",
    "ka",
    "ki",
    "ke",
    "में",
    "me",
];
/// Words that ask for something cheap and name nothing to find.
const CHEAP: &[&str] = &[
    "sasta",
    "sasti",
    "saste",
    "cheap",
    "cheapest",
    "budget",
    "affordable",
    "सस्ता",
    "सस्ती",
    "सस्ते",
];

/// The rupees a word says, if it is a price: `500`, `५००`, `rs500`,
/// `500rs`, `1k`, `2k`.
fn rupees(word: &str) -> Option<u64> {
    let ascii: String = word
        .chars()
        .map(|c| match c {
            '०'..='९' => char::from(b'0' + (c as u32 - '०' as u32) as u8),
            c => c,
        })
        .collect();
    let trimmed = ascii
        .trim_start_matches("rs")
        .trim_start_matches("inr")
        .trim_end_matches("rs")
        .trim_end_matches("rupees");
    let (number, thousands) = match trimmed.strip_suffix('k') {
        Some(n) => (n, true),
        None => (trimmed, false),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) || number.len() > 7 {
        return None;
    }
    let value: u64 = number.parse().ok()?;
    let value = if thousands { value * 1000 } else { value };
    // A price here is at least ten rupees; "1 kg" or "set of 6" is a count.
    (value >= 10).then_some(value)
}

/// A dash between digits ("2000-5000") read as "to"; other dashes join words.
fn dashes_between_numbers_as_to(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_was_digit = false;
    for c in text.chars() {
        if matches!(c, '-' | '–') && last_was_digit {
            out.push_str(" to ");
            continue;
        }
        if !c.is_whitespace() {
            last_was_digit = c.is_ascii_digit() || ('०'..='९').contains(&c) || c == 'k';
        }
        out.push(c);
    }
    out
}

/// Takes a query apart: its price words into a range, the rest into words.
pub fn understand(text: &str) -> Understood {
    let spoken = spoken_words(&dashes_between_numbers_as_to(text));
    let typed: Vec<String> = spoken.iter().map(|w| normalize(w)).collect();
    let is = |i: usize, list: &[&str]| typed.get(i).is_some_and(|w| list.contains(&w.as_str()));
    let joiner = |i: usize| is(i, CURRENCY) || is(i, CONNECTORS);
    let as_money = |i: usize| {
        let word = &typed[i];
        word.starts_with("rs")
            || word.ends_with("rs")
            || word.ends_with('k')
            || (i > 0 && is(i - 1, CURRENCY))
            || is(i + 1, CURRENCY)
    };
    let mut used = vec![false; typed.len()];
    let mut range = PriceRange::default();
    let mut any = false;
    let numbers: Vec<(usize, u64)> = typed
        .iter()
        .enumerate()
        .filter_map(|(i, w)| rupees(w).map(|r| (i, r)))
        .collect();
    let consume = |used: &mut Vec<bool>, low: usize, high: usize| {
        (low..=high).for_each(|k| used[k] = true);
        let mut k = low;
        while k > 0 && (is(k - 1, CEILING_BEFORE) || is(k - 1, FLOOR_BEFORE) || joiner(k - 1)) {
            k -= 1;
            used[k] = true;
        }
        let mut k = high + 1;
        while k < typed.len() && (is(k, CEILING_AFTER) || is(k, FLOOR_AFTER) || joiner(k)) {
            used[k] = true;
            k += 1;
        }
    };
    for (n, &(i, value)) in numbers.iter().enumerate() {
        if used[i] {
            continue;
        }
        // "2000-5000", "2k se 5k tak", "between 2000 and 5000rs".
        if let Some(&(j, upper)) = numbers.get(n + 1) {
            let joined = j > i + 1 && j - i <= 3 && (i + 1..j).all(joiner);
            if joined && upper > value && (value >= 100 || as_money(i) || as_money(j)) {
                range.from_paise = Some(value * 100);
                range.to_paise = Some(upper * 100);
                any = true;
                consume(&mut used, i, j);
                continue;
            }
        }
        let gap_then = |k: usize, list: &[&str]| is(i + k, list) && (1..k).all(|m| joiner(i + m));
        let ceiling = (i > 0 && is(i - 1, CEILING_BEFORE))
            || (i > 1 && is(i - 2, CEILING_BEFORE) && joiner(i - 1))
            || (1..=3).any(|k| gap_then(k, CEILING_AFTER));
        let floor = (i > 0 && is(i - 1, FLOOR_BEFORE))
            || (i > 1 && is(i - 2, FLOOR_BEFORE) && joiner(i - 1))
            || (1..=3).any(|k| gap_then(k, FLOOR_AFTER));
        if floor && !ceiling {
            range.from_paise = Some(value * 100);
        } else if ceiling || as_money(i) {
            // A bare sum of money is a budget: "brass diya 500 rs".
            range.to_paise = Some(value * 100);
        } else {
            continue;
        }
        any = true;
        consume(&mut used, i, i);
    }
    let words = spoken
        .iter()
        .zip(&typed)
        .enumerate()
        .filter(|(i, (_, typed))| !used[*i] && !CHEAP.contains(&typed.as_str()))
        .map(|(_, (spoken, typed))| {
            let mut keys = phonetic_key_variants(spoken);
            QueryWord {
                typed: typed.clone(),
                key: keys.remove(0),
                alternates: keys,
            }
        })
        .collect();
    Understood {
        words,
        price: any.then_some(range),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(text: &str) -> Option<(Option<u64>, Option<u64>)> {
        understand(text)
            .price
            .map(|r| (r.from_paise.map(|p| p / 100), r.to_paise.map(|p| p / 100)))
    }

    fn words(text: &str) -> Vec<String> {
        understand(text).words.into_iter().map(|w| w.typed).collect()
    }

    #[test]
    fn a_budget_in_either_language_becomes_a_ceiling_and_leaves_the_words() {
        for (query, rest) in [
            ("brass diya under 500", "brass diya"),
            ("brass diya below rs 500", "brass diya"),
            ("chudiyan 500 se kam", "chudiyan"),
            ("500 se kam ki chudiyan", "chudiyan"),
            ("सस्ती साड़ी 500 तक", "साडी"),
            ("साड़ी ५०० रुपये तक", "साडी"),
            ("chikan kurta upto ₹500", "chikan kurta"),
            ("kurta rs500", "kurta"),
            ("diya 500 rupees", "diya"),
        ] {
            assert_eq!(price(query), Some((None, Some(500))), "{query}");
            assert_eq!(words(query).join(" "), rest, "{query}");
        }
    }

    #[test]
    fn floors_and_ranges_are_read() {
        assert_eq!(price("carpet above 5000"), Some((Some(5000), None)));
        assert_eq!(price("carpet 5000 se upar"), Some((Some(5000), None)));
        assert_eq!(price("saree 2000-5000"), Some((Some(2000), Some(5000))));
        assert_eq!(price("saree between 2000 and 5000"), Some((Some(2000), Some(5000))));
        assert_eq!(price("saree 2k se 5k tak"), Some((Some(2000), Some(5000))));
        assert_eq!(words("saree between 2000 and 5000"), ["saree"]);
    }

    #[test]
    fn numbers_that_are_not_prices_stay_words() {
        assert_eq!(price("glass bangles set of 24"), None);
        assert_eq!(
            words("glass bangles set of 24"),
            ["glass", "bangles", "set", "of", "24"]
        );
        assert_eq!(price("kurta size 40-42"), None);
        assert_eq!(words("hand-knotted carpet"), ["hand", "knotted", "carpet"]);
        assert_eq!(price("kala namak rice 1 kg"), None);
        assert_eq!(price("sasti chudiyan"), None);
        assert_eq!(words("sasti chudiyan"), ["chudiyan"]);
    }
}
