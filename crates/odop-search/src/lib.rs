//! Search of the catalogue: a tantivy index on each node, kept current from
//! the database's change log, answering bilingual, typo-tolerant queries
//! with facets.

mod facets;
pub mod follow;
mod index;
mod places;
pub mod query;
mod suggest;
pub mod text;

pub use facets::{FacetCounts, Facets};
pub use index::{
    Checkpoint, Hit, IndexDoc, PRICE_BANDS, SCHEMA_VERSION, SearchError, SearchIndex, SearchRequest, SearchResults,
    Sort, price_band,
};
pub use query::PriceRange;
pub use suggest::{Suggested, Suggestion};
