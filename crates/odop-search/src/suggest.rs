//! Suggestions as a buyer types: crafts and districts first, the ones with
//! most listings first, then the titles of products. Never the words of
//! descriptions ("बना" of "बना हुआ", "made") or shop names, which a buyer
//! does not search for. Typing mistakes are tolerated as in search: words
//! are compared by their phonetic keys.

use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use crate::facets::FacetCounter;
use crate::index::{SearchError, SearchIndex, boost, ranked};
use crate::places::{Dimension, Named, strsim_within_one};
use crate::text::{is_devanagari_text, normalize, phonetic_key, spoken_words, tolerance};

/// What a suggestion leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suggested {
    Craft(String),
    District(String),
    /// A listing, by id and slug.
    Product(u64, String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// In the script the buyer is typing in, when there is a name in it.
    pub text: String,
    pub target: Suggested,
}

/// Whether the typed words could be the start of a name: every word but the
/// last is one of its words (within the typing tolerance), and the last
/// starts one of them.
fn could_be(typed: &[String], name_keys: &[String]) -> bool {
    let Some((last, whole)) = typed.split_last() else {
        return false;
    };
    let near = |a: &str, b: &str| a == b || (tolerance(b) > 0 && strsim_within_one(a, b));
    let whole_found = whole.iter().all(|w| name_keys.iter().any(|k| near(w, k)));
    let last_found = name_keys.iter().any(|k| {
        k.starts_with(last.as_str())
            || (last.len() >= 4 && k.len() >= last.len() && strsim_within_one(last, &k[..last.len()]))
            || near(last, k)
    });
    whole_found && last_found
}

impl SearchIndex {
    /// Up to `limit` suggestions for what has been typed so far.
    pub fn suggest(&self, typed: &str, limit: usize) -> Result<Vec<Suggestion>, SearchError> {
        let spoken = spoken_words(typed);
        if normalize(typed).chars().count() < 2 || spoken.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = spoken.iter().map(|w| phonetic_key(w)).collect();
        // The last word is unfinished: its key is cut where the typing
        // stopped, so a final vowel the key would drop still counts.
        let mut prefix_keys = keys.clone();
        if let (Some(last), Some(word)) = (prefix_keys.last_mut(), spoken.last()) {
            *last = raw_prefix_key(word);
        }
        let hindi = is_devanagari_text(typed);
        let popularity = self.popularity()?;
        let mut places: Vec<(u64, Suggestion)> = {
            let places = self.places.read().map_err(|_| SearchError::Poisoned)?;
            places
                .named
                .iter()
                .filter(|named| {
                    named
                        .keys
                        .iter()
                        .any(|k| could_be(&prefix_keys, k) || could_be(&keys, k))
                })
                .map(|named| (popularity.of(named), suggestion_for(named, hindi)))
                .collect()
        };
        places.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.text.cmp(&b.1.text)));
        let mut suggestions: Vec<Suggestion> = places.into_iter().map(|(_, s)| s).take(limit).collect();
        if suggestions.len() < limit {
            let wanted = limit - suggestions.len();
            suggestions.extend(self.product_titles(&spoken, &keys, &prefix_keys, hindi, wanted)?);
        }
        Ok(suggestions)
    }

    /// Titles of the best-ranked listings whose titles (not descriptions)
    /// hold the typed words, each distinct title once.
    fn product_titles(
        &self,
        spoken: &[String],
        keys: &[String],
        prefix_keys: &[String],
        hindi: bool,
        wanted: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        let f = &self.fields;
        let last = keys.len() - 1;
        let mut per_word: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            let title_key = Term::from_field_text(f.title_keys, key);
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = vec![
                (
                    Occur::Should,
                    boost(
                        TermQuery::new(
                            Term::from_field_text(f.titles, &normalize(&spoken[i])),
                            IndexRecordOption::WithFreqs,
                        ),
                        2.0,
                    ),
                ),
                (
                    Occur::Should,
                    boost(TermQuery::new(title_key.clone(), IndexRecordOption::WithFreqs), 1.0),
                ),
            ];
            if tolerance(key) > 0 {
                alternatives.push((Occur::Should, boost(FuzzyTermQuery::new(title_key, 1, true), 0.3)));
            }
            if i == last {
                let prefix = Term::from_field_text(f.title_keys, &prefix_keys[i]);
                alternatives.push((Occur::Should, boost(FuzzyTermQuery::new_prefix(prefix, 0, true), 0.5)));
            }
            per_word.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        let searcher = self.reader.searcher();
        let found = searcher.search(&BooleanQuery::new(per_word), &ranked(TopDocs::with_limit(wanted * 8)))?;
        let hits = self.hits(&searcher, found.into_iter().map(|(_, address)| address).collect())?;
        let mut seen = std::collections::HashSet::new();
        Ok(hits
            .into_iter()
            .filter_map(|hit| {
                let title = if hindi {
                    hit.title_hi.clone().or(hit.title_en.clone())
                } else {
                    hit.title_en.clone().or(hit.title_hi.clone())
                }?;
                seen.insert(normalize(&title)).then(|| Suggestion {
                    text: title,
                    target: Suggested::Product(hit.id, hit.slug.clone()),
                })
            })
            .take(wanted)
            .collect())
    }

    /// How many listings each district and craft has, counted once per
    /// commit.
    fn popularity(&self) -> Result<Popularity, SearchError> {
        let generation = {
            let answers = self.answers.lock().map_err(|_| SearchError::Poisoned)?;
            if let Some(counts) = &answers.popularity {
                return Ok(counts.clone());
            }
            answers.generation
        };
        let facets = self.reader.searcher().search(&AllQuery, &FacetCounter)?;
        let counts = Popularity {
            districts: facets.district,
            crafts: facets.craft,
        };
        let mut answers = self.answers.lock().map_err(|_| SearchError::Poisoned)?;
        if answers.generation == generation {
            answers.popularity = Some(counts.clone());
        }
        Ok(counts)
    }
}

/// Listings per district and per craft.
#[derive(Clone, Debug, Default)]
pub(crate) struct Popularity {
    districts: Vec<(String, u64)>,
    crafts: Vec<(String, u64)>,
}

impl Popularity {
    fn of(&self, named: &Named) -> u64 {
        let counts = match named.dimension {
            Dimension::District => &self.districts,
            Dimension::Craft => &self.crafts,
        };
        counts
            .iter()
            .find(|(slug, _)| *slug == named.slug)
            .map_or(0, |(_, n)| *n)
    }
}

fn suggestion_for(named: &Named, hindi: bool) -> Suggestion {
    Suggestion {
        text: if hindi { named.hi.clone() } else { named.en.clone() },
        target: match named.dimension {
            Dimension::District => Suggested::District(named.slug.clone()),
            Dimension::Craft => Suggested::Craft(named.slug.clone()),
        },
    }
}

/// The key of an unfinished word, without the endings a key drops from
/// whole words: "saa" must still start the key of "saari". A digit after the
/// word keeps its last letters where they are.
fn raw_prefix_key(word: &str) -> String {
    phonetic_key(&format!("{word}7"))
        .strip_suffix('7')
        .map_or_else(|| phonetic_key(word), str::to_owned)
}
