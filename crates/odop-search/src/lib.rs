//! Search of the catalogue: a tantivy index on each node, kept current from
//! the database's change log, answering bilingual, typo-tolerant queries
//! with facets.

pub mod follow;
mod index;
pub mod text;

pub use index::{
    Checkpoint, FacetCounts, Facets, Hit, IndexDoc, PRICE_BANDS, SCHEMA_VERSION, SearchError, SearchIndex,
    SearchRequest, SearchResults, Sort, price_band,
};
