//! Districts and crafts named in a query. "bhadohi carpet" asks for
//! Bhadohi's carpets before the carpets of other districts that mention
//! Bhadohi in passing, and "chikankari kurta" for the craft's kurtas: the
//! index boosts listings of a place the query names.

use odop_domain::registry::Registry;

use crate::query::QueryWord;
use crate::text::{is_filler, phonetic_keys, tolerance};

/// Words of craft names that say what kind of thing a craft is, not which
/// craft: "Leather products", "Wood craft", "Food processing".
const GENERIC: &[&str] = &[
    "products",
    "product",
    "craft",
    "crafts",
    "work",
    "items",
    "item",
    "art",
    "goods",
    "processing",
    "&",
    "उत्पाद",
    "शिल्प",
    "कला",
    "कार्य",
    "प्रसंस्करण",
    "सामग्री",
    "वस्तुएँ",
    "वस्तुएं",
];

/// Which filter a place is a value of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dimension {
    District,
    Craft,
}

#[derive(Clone, Debug)]
struct Place {
    dimension: Dimension,
    slug: String,
    /// The phonetic keys of each word of one of its names (a word in
    /// Latin letters may have two readings), generic words left out.
    keys: Vec<Vec<String>>,
}

/// A district or craft by its names, for suggestions.
#[derive(Clone, Debug)]
pub(crate) struct Named {
    pub dimension: Dimension,
    pub slug: String,
    pub en: String,
    pub hi: String,
    /// The phonetic keys of every word of each name, English then Hindi.
    pub keys: [Vec<String>; 2],
}

/// The places the index knows by name.
#[derive(Clone, Debug, Default)]
pub(crate) struct Places {
    matchers: Vec<Place>,
    pub named: Vec<Named>,
}

impl Places {
    pub fn from_registry(registry: &Registry) -> Self {
        let mut places = Vec::new();
        let mut named = Vec::new();
        let mut name = |dimension, slug: &str, en: &str, hi: &str| {
            let keys = |text: &str| {
                text.split(|c: char| c.is_whitespace() || matches!(c, '/' | '(' | ')' | ',' | '-' | '&'))
                    .filter(|w| !w.is_empty())
                    .flat_map(phonetic_keys)
                    .collect()
            };
            if !named.iter().any(|n: &Named| n.dimension == dimension && n.slug == slug) {
                named.push(Named {
                    dimension,
                    slug: slug.to_owned(),
                    en: en.to_owned(),
                    hi: hi.to_owned(),
                    keys: [keys(en), keys(hi)],
                });
            }
        };
        let mut add = |dimension, slug: &str, name: &str| {
            let generic: Vec<String> = GENERIC.iter().flat_map(|g| phonetic_keys(g)).collect();
            let keys: Vec<Vec<String>> = name
                .split(|c: char| c.is_whitespace() || matches!(c, '/' | '(' | ')' | ',' | '-'))
                .filter(|w| !w.is_empty() && !GENERIC.contains(&w.to_lowercase().as_str()) && !is_filler(w))
                .map(phonetic_keys)
                .filter(|k| !k.is_empty() && !k.iter().any(|k| generic.contains(k)))
                .collect();
            if !keys.is_empty() {
                places.push(Place {
                    dimension,
                    slug: slug.to_owned(),
                    keys,
                });
            }
        };
        for district in registry.districts() {
            add(Dimension::District, district.slug.as_str(), &district.name.en);
            add(Dimension::District, district.slug.as_str(), &district.name.hi);
            for product in &district.products {
                add(Dimension::Craft, product.slug.as_str(), &product.name.en);
                add(Dimension::Craft, product.slug.as_str(), &product.name.hi);
            }
        }
        for district in registry.districts() {
            name(
                Dimension::District,
                district.slug.as_str(),
                &district.name.en,
                &district.name.hi,
            );
            for product in &district.products {
                name(
                    Dimension::Craft,
                    product.slug.as_str(),
                    &product.name.en,
                    &product.name.hi,
                );
            }
        }
        Places {
            matchers: places,
            named,
        }
    }

    /// The districts and crafts a query names: a district when every word
    /// of its name is in the query; a craft when all its distinctive words
    /// are, or at least two of them.
    pub fn named_in(&self, words: &[QueryWord]) -> Vec<(Dimension, String)> {
        let near = |typed: &String, key: &String| {
            typed == key || (key.len() >= 5 && tolerance(key) > 0 && strsim_within_one(typed, key))
        };
        let said = |readings: &Vec<String>| {
            words
                .iter()
                .any(|w| w.keys().any(|typed| readings.iter().any(|key| near(typed, key))))
        };
        let mut named: Vec<(Dimension, String)> = Vec::new();
        for place in &self.matchers {
            let found = place.keys.iter().filter(|k| said(k)).count();
            let enough = match place.dimension {
                Dimension::District => found == place.keys.len(),
                Dimension::Craft => found == place.keys.len() || found >= 2,
            };
            if enough && !named.iter().any(|(d, s)| *d == place.dimension && *s == place.slug) {
                named.push((place.dimension, place.slug.clone()));
            }
        }
        named
    }
}

/// Whether two keys differ by at most one letter added, dropped or changed.
pub(crate) fn strsim_within_one(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[prefix..].iter().skip(1).eq(long[prefix..].iter().skip(1))
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_one_letter_apart_are_near() {
        assert!(strsim_within_one("mrrbr", "murrbr"));
        assert!(strsim_within_one("bdohi", "bdoi"));
        assert!(strsim_within_one("abcd", "abxd"));
        assert!(strsim_within_one("abcd", "abcd"));
        assert!(!strsim_within_one("abcd", "abdc"));
        assert!(!strsim_within_one("abcd", "ab"));
    }
}
