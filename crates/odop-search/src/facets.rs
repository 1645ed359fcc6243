//! Counting the values of the filters over every match of a search.
//!
//! Each filter value is a column of term ordinals in the index, so counting
//! is one array increment per matching document and dimension; the
//! ordinals become names once per segment, at the end. tantivy's
//! `FacetCollector` did the same work by streaming facet paths through the
//! term dictionary, which took about 40 % of a search at a million listings.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

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

/// The fast fields counted, in the order of [`ValueCounts::by_dimension`].
const DIMENSIONS: [&str; 4] = ["district", "division", "craft", "price_band"];

/// Counts the filter values of every document it is given.
pub(crate) struct FacetCounter;

pub(crate) struct SegmentCounter {
    columns: Vec<Option<StrColumn>>,
    counts: Vec<Vec<u64>>,
    gi: Option<Column<u64>>,
    in_stock: Option<Column<u64>>,
    gi_count: u64,
    in_stock_count: u64,
}

/// One segment's counts with the ordinals already resolved to names.
pub(crate) struct ValueCounts {
    by_dimension: [HashMap<String, u64>; 4],
    gi: u64,
    in_stock: u64,
}

impl Collector for FacetCounter {
    type Fruit = Facets;
    type Child = SegmentCounter;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentCounter> {
        let fast = segment.fast_fields();
        let mut columns = Vec::with_capacity(DIMENSIONS.len());
        let mut counts = Vec::with_capacity(DIMENSIONS.len());
        for name in DIMENSIONS {
            let column = fast.str(name)?;
            counts.push(vec![0; column.as_ref().map_or(0, |c| c.num_terms())]);
            columns.push(column);
        }
        let flag = |name| fast.u64(name).ok();
        Ok(SegmentCounter {
            columns,
            counts,
            gi: flag("gi"),
            in_stock: flag("in_stock"),
            gi_count: 0,
            in_stock_count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<ValueCounts>) -> tantivy::Result<Facets> {
        let mut total = ValueCounts {
            by_dimension: Default::default(),
            gi: 0,
            in_stock: 0,
        };
        for segment in segments {
            for (into, from) in total.by_dimension.iter_mut().zip(segment.by_dimension) {
                for (value, count) in from {
                    *into.entry(value).or_default() += count;
                }
            }
            total.gi += segment.gi;
            total.in_stock += segment.in_stock;
        }
        let [district, division, craft, price] = total.by_dimension.map(most_frequent_first);
        Ok(Facets {
            district,
            division,
            craft,
            price,
            gi: total.gi,
            in_stock: total.in_stock,
        })
    }
}

fn most_frequent_first(counts: HashMap<String, u64>) -> FacetCounts {
    let mut values: FacetCounts = counts.into_iter().collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    values
}

impl SegmentCollector for SegmentCounter {
    type Fruit = ValueCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, counts) in self.columns.iter().zip(self.counts.iter_mut()) {
            if let Some(ordinal) = column.as_ref().and_then(|c| c.ords().first(doc)) {
                counts[ordinal as usize] += 1;
            }
        }
        if self.gi.as_ref().and_then(|c| c.first(doc)) == Some(1) {
            self.gi_count += 1;
        }
        if self.in_stock.as_ref().and_then(|c| c.first(doc)) == Some(1) {
            self.in_stock_count += 1;
        }
    }

    fn harvest(self) -> ValueCounts {
        let mut by_dimension: [HashMap<String, u64>; 4] = Default::default();
        for ((column, counts), into) in self.columns.iter().zip(self.counts).zip(by_dimension.iter_mut()) {
            let Some(column) = column else { continue };
            for (ordinal, count) in counts.into_iter().enumerate() {
                let mut value = String::new();
                // An ordinal comes from this column's own dictionary, so it
                // always has a term; an IO error would leave a count unnamed.
                if count > 0 && column.ord_to_str(ordinal as u64, &mut value).unwrap_or(false) {
                    into.insert(value, count);
                }
            }
        }
        ValueCounts {
            by_dimension,
            gi: self.gi_count,
            in_stock: self.in_stock_count,
        }
    }
}
