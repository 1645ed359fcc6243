//! Counting the values of the filters over every match of a search.
//!
//! A listing's filter values (district, division, craft, price band, GI,
//! stock) are joined into one text, kept as a column of term ordinals. A
//! catalogue has only a few thousand distinct combinations, so counting is
//! one column read and one array increment per matching document; each
//! combination is split into its values once per segment, at the end.
//! tantivy's `FacetCollector` streamed facet paths through the term
//! dictionary instead, which took about 40 % of a search at a million
//! listings; one column per dimension still took 20 %.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// The name of the fast field holding [`FilterValues`].
pub(crate) const FILTER_VALUES: &str = "filter_values";

/// Counts of the values of one filter, most frequent first (ties by name).
pub type FacetCounts = Vec<(String, u64)>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facets {
    pub district: FacetCounts,
    pub division: FacetCounts,
    pub craft: FacetCounts,
    pub price: FacetCounts,
    /// Matches that carry a GI tag.
    pub gi: u64,
    /// Matches that can be bought now.
    pub in_stock: u64,
}

/// A listing's values of every filter, as stored in one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FilterValues<'a> {
    pub district: &'a str,
    pub division: &'a str,
    pub craft: &'a str,
    pub price: &'a str,
    pub gi: bool,
    pub in_stock: bool,
}

/// Slugs and price bands never hold it.
const SEPARATOR: char = '|';

impl<'a> FilterValues<'a> {
    pub fn encode(&self) -> String {
        let flag = |on: bool| if on { "1" } else { "0" };
        [
            self.district,
            self.division,
            self.craft,
            self.price,
            flag(self.gi),
            flag(self.in_stock),
        ]
        .join(&SEPARATOR.to_string())
    }

    fn decode(text: &'a str) -> Option<Self> {
        let mut parts = text.split(SEPARATOR);
        let mut next = || parts.next();
        Some(FilterValues {
            district: next()?,
            division: next()?,
            craft: next()?,
            price: next()?,
            gi: next()? == "1",
            in_stock: next()? == "1",
        })
    }
}

/// Counts the filter values of every document it is given.
pub(crate) struct FacetCounter;

pub(crate) struct SegmentCounter {
    column: Option<StrColumn>,
    /// Matches per combination of values, by term ordinal.
    counts: Vec<u64>,
}

impl Collector for FacetCounter {
    type Fruit = Facets;
    type Child = SegmentCounter;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentCounter> {
        let column = segment.fast_fields().str(FILTER_VALUES)?;
        Ok(SegmentCounter {
            counts: vec![0; column.as_ref().map_or(0, |c| c.num_terms())],
            column,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<HashMap<String, u64>>) -> tantivy::Result<Facets> {
        let mut combinations: HashMap<String, u64> = HashMap::new();
        for segment in segments {
            for (text, count) in segment {
                *combinations.entry(text).or_default() += count;
            }
        }
        let mut by_dimension: [HashMap<&str, u64>; 4] = Default::default();
        let mut facets = Facets::default();
        for (text, &count) in &combinations {
            let Some(values) = FilterValues::decode(text) else {
                continue;
            };
            for (counts, value) in
                by_dimension
                    .iter_mut()
                    .zip([values.district, values.division, values.craft, values.price])
            {
                *counts.entry(value).or_default() += count;
            }
            facets.gi += u64::from(values.gi) * count;
            facets.in_stock += u64::from(values.in_stock) * count;
        }
        let [district, division, craft, price] = by_dimension.map(most_frequent_first);
        Ok(Facets {
            district,
            division,
            craft,
            price,
            ..facets
        })
    }
}

fn most_frequent_first(counts: HashMap<&str, u64>) -> FacetCounts {
    let mut values: FacetCounts = counts
        .into_iter()
        .filter(|(value, _)| !value.is_empty())
        .map(|(value, count)| (value.to_owned(), count))
        .collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    values
}

impl SegmentCollector for SegmentCounter {
    /// Matches per combination of values, by its text.
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(ordinal) = self.column.as_ref().and_then(|c| c.ords().first(doc)) {
            self.counts[ordinal as usize] += 1;
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut combinations = HashMap::new();
        let Some(column) = self.column else {
            return combinations;
        };
        let (ordinals, counts): (Vec<u64>, Vec<u64>) = self
            .counts
            .into_iter()
            .enumerate()
            .filter(|(_, count)| *count > 0)
            .map(|(ordinal, count)| (ordinal as u64, count))
            .unzip();
        // One pass over the dictionary in order, rather than a block decoded
        // per ordinal. An IO error leaves the remaining counts unnamed.
        let mut counts = counts.into_iter();
        let _ = column.dictionary().sorted_ords_to_term_cb(&ordinals, |term| {
            if let (Some(count), Ok(text)) = (counts.next(), std::str::from_utf8(term)) {
                combinations.insert(text.to_owned(), count);
            }
        });
        combinations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_values_survive_the_column() {
        let values = FilterValues {
            district: "sant-kabir-nagar",
            division: "basti",
            craft: "brassware",
            price: "5000-",
            gi: false,
            in_stock: true,
        };
        assert_eq!(FilterValues::decode(&values.encode()), Some(values));
        assert_eq!(FilterValues::decode("lucknow|lucknow"), None);
    }
}
