//! The index: its schema, writing documents, and answering searches with
//! facets. The database is the truth; this is a copy shaped for search,
//! rebuilt from it whenever in doubt.

use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Mutex, RwLock};

use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, Score, Searcher, SegmentReader,
    TantivyDocument, Term,
};

use crate::facets::{FILTER_VALUES, FacetCounter, Facets, FilterValues};
use crate::places::{Dimension, Places};
use crate::query::{PriceRange, QueryWord, Understood, understand};
use crate::text::{is_filler, normalize, phonetic_key_variants, phonetic_keys, spoken_words, tolerance};

/// Bumped whenever the schema or the analysis of text changes: an index of
/// another version is rebuilt from the database at start.
pub const SCHEMA_VERSION: u32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Open(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index lock poisoned")]
    Poisoned,
}

/// What the index holds of a listing.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexDoc {
    pub id: u64,
    pub slug: String,
    pub title_en: Option<String>,
    pub title_hi: Option<String>,
    /// The names of its craft, district and division, in both languages.
    pub places: String,
    /// Its descriptions, variants and seller's name.
    pub body: String,
    pub district: String,
    pub division: String,
    pub craft: String,
    pub seller_id: u64,
    pub seller_name: String,
    pub price_paise: u64,
    pub in_stock: bool,
    pub gi: bool,
    pub published_ms: u64,
    /// Its first photo, if it has one: the storage key and the widths of
    /// its renditions, as `key|240,480,960`.
    pub photo: Option<String>,
}

/// The price bands offered as filters, in paise: `[from, to)`.
pub const PRICE_BANDS: [(&str, u64, u64); 5] = [
    ("0-500", 0, 50_000),
    ("500-1000", 50_000, 100_000),
    ("1000-2500", 100_000, 250_000),
    ("2500-5000", 250_000, 500_000),
    ("5000-", 500_000, u64::MAX),
];

pub fn price_band(paise: u64) -> &'static str {
    PRICE_BANDS
        .iter()
        .find(|(_, from, to)| (*from..*to).contains(&paise))
        .map_or("5000-", |(name, _, _)| name)
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) slug: Field,
    pub(crate) title_en: Field,
    pub(crate) title_hi: Field,
    pub(crate) titles: Field,
    pub(crate) title_keys: Field,
    pub(crate) place_keys: Field,
    pub(crate) body_keys: Field,
    pub(crate) tags: Field,
    pub(crate) district: Field,
    pub(crate) craft: Field,
    pub(crate) filter_values: Field,
    pub(crate) seller_id: Field,
    pub(crate) seller_name: Field,
    pub(crate) price: Field,
    pub(crate) published: Field,
    pub(crate) quality: Field,
    pub(crate) in_stock: Field,
    pub(crate) gi: Field,
    pub(crate) photo: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    // Titles and the names of places are short, and a listing with both an
    // English and a Hindi title has twice the words of one with either: a
    // length norm would rank it below a bare English title for the same
    // words, so these fields have none. Descriptions keep theirs.
    let unnormed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("whitespace")
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let normed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("whitespace")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: builder.add_u64_field("id", INDEXED | STORED | FAST),
        slug: builder.add_text_field("slug", STORED),
        title_en: builder.add_text_field("title_en", STORED),
        title_hi: builder.add_text_field("title_hi", STORED),
        titles: builder.add_text_field("titles", unnormed.clone()),
        title_keys: builder.add_text_field("title_keys", unnormed.clone()),
        place_keys: builder.add_text_field("place_keys", unnormed),
        body_keys: builder.add_text_field("body_keys", normed),
        tags: builder.add_facet_field("tags", FacetOptions::default()),
        district: builder.add_text_field("district", STORED),
        craft: builder.add_text_field("craft", STORED),
        // All of a listing's filter values in one column of term ordinals,
        // which is how they are counted: see `facets`.
        filter_values: builder.add_text_field(FILTER_VALUES, TextOptions::default().set_fast("raw")),
        seller_id: builder.add_u64_field("seller_id", STORED),
        seller_name: builder.add_text_field("seller_name", STORED),
        price: builder.add_u64_field("price", INDEXED | STORED | FAST),
        published: builder.add_u64_field("published", FAST),
        quality: builder.add_u64_field("quality", FAST),
        in_stock: builder.add_u64_field("in_stock", STORED | FAST),
        gi: builder.add_u64_field("gi", STORED | FAST),
        photo: builder.add_text_field("photo", STORED),
    };
    (builder.build(), fields)
}

/// Stored listings are read in blocks of 4 KB rather than tantivy's 16 KB:
/// a page of 20 hits decompresses 20 blocks, and with 16 KB blocks that was
/// the largest single cost of a search.
fn settings() -> IndexSettings {
    IndexSettings {
        docstore_blocksize: 4096,
        ..IndexSettings::default()
    }
}

/// How results are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Best text match first (newest first when there is no text).
    #[default]
    Relevance,
    PriceLowToHigh,
    PriceHighToLow,
    Newest,
}

impl Sort {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "" | "relevance" => Some(Sort::Relevance),
            "price-asc" => Some(Sort::PriceLowToHigh),
            "price-desc" => Some(Sort::PriceHighToLow),
            "newest" => Some(Sort::Newest),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::PriceLowToHigh => "price-asc",
            Sort::PriceHighToLow => "price-desc",
            Sort::Newest => "newest",
        }
    }
}

/// A search: words and filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    pub text: String,
    pub district: Option<String>,
    pub division: Option<String>,
    pub craft: Option<String>,
    pub price: Option<String>,
    pub seller: Option<u64>,
    pub gi_only: bool,
    pub in_stock_only: bool,
    pub sort: Sort,
    /// From 1.
    pub page: usize,
    pub per_page: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: u64,
    pub slug: String,
    pub title_en: Option<String>,
    pub title_hi: Option<String>,
    pub district: String,
    pub craft: String,
    pub seller_id: u64,
    pub seller_name: String,
    pub price_paise: u64,
    pub in_stock: bool,
    pub gi: bool,
    pub photo: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// The price range the query's words asked for ("under 500"), applied
    /// as a filter.
    pub price_from_words: Option<PriceRange>,
    /// No listing had every word: these have as many of them as any.
    pub relaxed: bool,
}

pub struct SearchIndex {
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
    pub(crate) places: RwLock<Places>,
    pub(crate) answers: Mutex<Answers>,
}

/// Answers kept until the next commit, so never older than the index
/// itself: pages without words (a district's newest listings, a craft's
/// related products), which every visitor of a page asks for alike, and
/// searches, whose popular queries repeat far more often than the index
/// changes.
#[derive(Default)]
pub(crate) struct Answers {
    /// Counts commits: an answer computed before a commit is not kept.
    pub(crate) generation: u64,
    tops: HashMap<SearchRequest, Vec<Hit>>,
    searches: HashMap<SearchRequest, SearchResults>,
    /// Listings per district and craft, for suggestions.
    pub(crate) popularity: Option<crate::suggest::Popularity>,
}

/// Enough for the pages and queries a node serves often; past it the
/// answers of that kind start again from empty. A search's answer is a page
/// of hits and its facets, a few kilobytes.
const ANSWERS_KEPT: usize = 4096;

/// What an index's commit records: its schema version and how far down the
/// change log it has applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub schema: u32,
    pub change: i64,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("documents", &self.document_count())
            .finish()
    }
}

const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// How many listings must hold a word, as typed, for it to be searched
/// without typing tolerance.
const COMMON_WORD_LISTINGS: u64 = 50;

/// How strictly a query's words are matched. A search starts strict and
/// relaxes only when nothing matches, so that a buyer never sees an empty
/// page while some of their words find something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Strictness {
    /// How many of the query's words a listing must match.
    words_needed: usize,
    /// Whether common words also get typing tolerance (at first only rare
    /// words do: a word found as typed in many listings is spelt right).
    tolerate_common: bool,
}

impl Strictness {
    /// The steps from strict to loose for a query of `count` words: every
    /// word, all but one, half, one; then typing tolerance for every word.
    fn steps(count: usize) -> Vec<Strictness> {
        let mut needed = vec![count, count.saturating_sub(1), count.div_ceil(2), 1];
        needed.retain(|n| *n >= 1);
        needed.dedup();
        let mut steps: Vec<Strictness> = needed
            .into_iter()
            .map(|words_needed| Strictness {
                words_needed,
                tolerate_common: false,
            })
            .collect();
        steps.push(Strictness {
            words_needed: 1,
            tolerate_common: true,
        });
        if count == 0 {
            steps.truncate(1);
        }
        steps
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, or says why it cannot be used as it is (then
    /// the caller rebuilds it with [`SearchIndex::create`]).
    pub fn open(dir: &Path) -> Result<(Self, Checkpoint), SearchError> {
        let index = Index::open(MmapDirectory::open(dir)?)?;
        let checkpoint: Checkpoint = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default();
        let (schema, fields) = schema();
        if checkpoint.schema != SCHEMA_VERSION || index.schema() != schema {
            return Err(SearchError::Index(tantivy::TantivyError::SchemaError(format!(
                "index schema {} is not {SCHEMA_VERSION}",
                checkpoint.schema
            ))));
        }
        Ok((Self::with(index, fields)?, checkpoint))
    }

    /// A new, empty index in `dir`, replacing whatever was there.
    pub fn create(dir: &Path) -> Result<Self, SearchError> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
        let (schema, fields) = schema();
        let index = Index::builder()
            .schema(schema)
            .settings(settings())
            .create_in_dir(dir)?;
        Self::with(index, fields)
    }

    /// A new, empty index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, fields) = schema();
        Self::with(
            Index::builder().schema(schema).settings(settings()).create_in_ram()?,
            fields,
        )
    }

    fn with(mut index: Index, fields: Fields) -> Result<Self, SearchError> {
        // A search reads its segments on every core, so that a big one
        // answers in a fraction of the time while the machine has cores to
        // spare; under full load the cores are shared as before.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
        if cores > 1 {
            index.set_multithread_executor(cores)?;
        }
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer(WRITER_MEMORY)?;
        Ok(Self {
            reader,
            writer: Mutex::new(writer),
            fields,
            places: RwLock::default(),
            answers: Mutex::default(),
        })
    }

    /// Learns the names of the registry's districts and crafts, so that a
    /// query naming one favours its listings.
    pub fn learn_places(&self, registry: &odop_domain::registry::Registry) -> Result<(), SearchError> {
        *self.places.write().map_err(|_| SearchError::Poisoned)? = Places::from_registry(registry);
        self.forget_answers()
    }

    fn document(&self, doc: &IndexDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_u64(f.id, doc.id);
        d.add_text(f.slug, &doc.slug);
        let titles: Vec<&str> = [doc.title_en.as_deref(), doc.title_hi.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if let Some(title) = &doc.title_en {
            d.add_text(f.title_en, title);
        }
        if let Some(title) = &doc.title_hi {
            d.add_text(f.title_hi, title);
        }
        // Indexed titles are normalized; stored ones keep the seller's spelling.
        let normalized_titles = titles.iter().map(|t| normalize(t)).collect::<Vec<_>>().join(" ");
        d.add_text(f.titles, normalized_titles);
        // Places and descriptions are searched by their words' phonetic
        // keys only: an exact spelling counts in titles, and a field of the
        // descriptions' words as written doubled the work of every word.
        // A title word's second reading (`ghoda` read as `ghora`) goes with
        // the description's words, where it counts for less: as often it is
        // an English word read as Hindi (`cuddly` as `curly`), and a title
        // that says the word outright must come first.
        let mut main_keys = Vec::new();
        let mut other_readings = Vec::new();
        for word in spoken_words(&titles.join(" ")) {
            let mut readings = phonetic_key_variants(&word).into_iter();
            main_keys.extend(readings.next());
            other_readings.extend(readings);
        }
        d.add_text(f.title_keys, main_keys.join(" "));
        d.add_text(f.place_keys, phonetic_keys(&doc.places).join(" "));
        let mut body_keys = phonetic_keys(&doc.body);
        body_keys.extend(other_readings);
        d.add_text(f.body_keys, body_keys.join(" "));
        d.add_facet(f.tags, Facet::from_path(["district", doc.district.as_str()]));
        d.add_facet(f.tags, Facet::from_path(["division", doc.division.as_str()]));
        d.add_facet(f.tags, Facet::from_path(["craft", doc.craft.as_str()]));
        d.add_facet(f.tags, Facet::from_path(["price", price_band(doc.price_paise)]));
        d.add_facet(f.tags, Facet::from_path(["seller", doc.seller_id.to_string().as_str()]));
        if doc.gi {
            d.add_facet(f.tags, Facet::from_path(["gi", "yes"]));
        }
        if doc.in_stock {
            d.add_facet(f.tags, Facet::from_path(["stock", "in"]));
        }
        d.add_text(f.district, &doc.district);
        d.add_text(f.craft, &doc.craft);
        d.add_text(
            f.filter_values,
            FilterValues {
                district: &doc.district,
                division: &doc.division,
                craft: &doc.craft,
                price: price_band(doc.price_paise),
                gi: doc.gi,
                in_stock: doc.in_stock,
            }
            .encode(),
        );
        d.add_u64(f.seller_id, doc.seller_id);
        d.add_text(f.seller_name, &doc.seller_name);
        d.add_u64(f.price, doc.price_paise);
        d.add_u64(f.published, doc.published_ms);
        d.add_u64(f.quality, quality(doc));
        d.add_u64(f.in_stock, u64::from(doc.in_stock));
        d.add_u64(f.gi, u64::from(doc.gi));
        if let Some(photo) = &doc.photo {
            d.add_text(f.photo, photo);
        }
        d
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter>, SearchError> {
        self.writer.lock().map_err(|_| SearchError::Poisoned)
    }

    /// Puts a listing in the index, replacing any older copy of it.
    pub fn upsert(&self, doc: &IndexDoc) -> Result<(), SearchError> {
        let document = self.document(doc);
        let writer = self.writer()?;
        writer.delete_term(Term::from_field_u64(self.fields.id, doc.id));
        writer.add_document(document)?;
        Ok(())
    }

    /// Puts a listing in an index known not to hold it (a rebuild).
    pub fn add(&self, doc: &IndexDoc) -> Result<(), SearchError> {
        let document = self.document(doc);
        self.writer()?.add_document(document)?;
        Ok(())
    }

    /// Takes a listing out of the index.
    pub fn remove(&self, id: u64) -> Result<(), SearchError> {
        self.writer()?.delete_term(Term::from_field_u64(self.fields.id, id));
        Ok(())
    }

    /// Makes what was written visible to searches, recording the checkpoint.
    pub fn commit(&self, change: i64) -> Result<(), SearchError> {
        let checkpoint = Checkpoint {
            schema: SCHEMA_VERSION,
            change,
        };
        {
            let mut writer = self.writer()?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&serde_json::to_string(&checkpoint).expect("a checkpoint serialises"));
            prepared.commit()?;
        }
        self.reader.reload()?;
        self.forget_answers()
    }

    fn forget_answers(&self) -> Result<(), SearchError> {
        let mut answers = self.answers.lock().map_err(|_| SearchError::Poisoned)?;
        answers.generation += 1;
        answers.tops.clear();
        answers.searches.clear();
        answers.popularity = None;
        Ok(())
    }

    pub fn document_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The query for the words of a search. Each word may match, from most
    /// to least telling: a title as written; a title by its phonetic key;
    /// the name of the listing's craft or district; its description. Rare
    /// words also match near spellings and, when long enough or last, as
    /// the start of a longer word. Weights are per field, so that a word in
    /// a title outweighs the same word in a craft's name or a description.
    fn text_query(&self, searcher: &Searcher, words: &[QueryWord], strictness: Strictness) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut words: Vec<&QueryWord> = words.iter().collect();
        // Words like "ka" or "of" count only in a query made of nothing else.
        if words.iter().any(|w| !is_filler(&w.typed)) {
            words.retain(|w| !is_filler(&w.typed));
        }
        if words.is_empty() {
            return None;
        }
        let last = words.len() - 1;
        let mut per_word: Vec<Box<dyn Query>> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let key = &word.key;
            let key_term = |field| Term::from_field_text(field, key);
            let term_query = |term, weight| boost(TermQuery::new(term, IndexRecordOption::WithFreqs), weight);
            let mut alternatives: Vec<Box<dyn Query>> =
                vec![term_query(Term::from_field_text(f.titles, &word.typed), 3.0)];
            for reading in word.keys() {
                for (field, weight) in [(f.title_keys, 2.0), (f.place_keys, 1.0), (f.body_keys, 0.4)] {
                    alternatives.push(term_query(Term::from_field_text(field, reading), weight));
                }
            }
            // A word found as typed in many listings is spelt right, or
            // common enough that its near neighbours would add noise, not
            // answers; expanding it would cost a read of every neighbour's
            // postings. Typing tolerance is for the words that are rare.
            let listings_with = |field| searcher.doc_freq(&key_term(field)).unwrap_or(0);
            let common = !strictness.tolerate_common
                && listings_with(f.title_keys) + listings_with(f.place_keys) >= COMMON_WORD_LISTINGS;
            // Once nothing else found anything, a short word gets one
            // letter of tolerance too (`jaggary`).
            let distance = match (common, strictness.tolerate_common) {
                (true, _) => 0,
                (false, true) if key.chars().count() >= 3 => tolerance(key).max(1),
                (false, _) => tolerance(key),
            };
            if distance > 0 {
                for (field, weight) in [(f.title_keys, 0.6), (f.place_keys, 0.3)] {
                    alternatives.push(boost(FuzzyTermQuery::new(key_term(field), distance, true), weight));
                }
            }
            // A word may be the start of a longer one: "chikan" finds
            // "chikankari", and the last word may be unfinished ("chik").
            let key_length = key.chars().count();
            if !common && (key_length >= 4 || (i == last && key_length >= 3)) {
                for (field, weight) in [(f.title_keys, 0.5), (f.place_keys, 0.25)] {
                    alternatives.push(boost(FuzzyTermQuery::new_prefix(key_term(field), 0, true), weight));
                }
            }
            // A word scores by its best match, with a little for the
            // others: a word whose two readings both match (`chudiyan` is
            // `cud` and `cur`), or that matches in three fields, does not
            // count two or three times over a word that matches once.
            per_word.push(Box::new(DisjunctionMaxQuery::with_tie_breaker(alternatives, 0.2)));
        }
        let required = strictness.words_needed.clamp(1, per_word.len());
        Some(Box::new(BooleanQuery::union_with_minimum_required_clauses(
            per_word, required,
        )))
    }

    /// Boosts for the districts and crafts the query names.
    fn place_boosts(&self, words: &[QueryWord]) -> Vec<(Occur, Box<dyn Query>)> {
        let Ok(places) = self.places.read() else {
            return Vec::new();
        };
        places
            .named_in(words)
            .into_iter()
            .map(|(dimension, slug)| {
                let (path, weight) = match dimension {
                    Dimension::District => ("district", 1.5),
                    Dimension::Craft => ("craft", 1.0),
                };
                let term = Term::from_facet(self.fields.tags, &Facet::from_path([path, slug.as_str()]));
                (
                    Occur::Should,
                    boost(TermQuery::new(term, IndexRecordOption::Basic), weight),
                )
            })
            .collect()
    }

    fn filters(
        &self,
        request: &SearchRequest,
        price_from_words: Option<PriceRange>,
    ) -> Vec<(&'static str, Box<dyn Query>)> {
        let tag = |path: [&str; 2]| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_facet(self.fields.tags, &Facet::from_path(path)),
                IndexRecordOption::Basic,
            ))
        };
        let mut filters = Vec::new();
        if let Some(d) = &request.district {
            filters.push(("district", tag(["district", d])));
        }
        if let Some(d) = &request.division {
            filters.push(("division", tag(["division", d])));
        }
        if let Some(c) = &request.craft {
            filters.push(("craft", tag(["craft", c])));
        }
        if let Some(p) = &request.price {
            filters.push(("price", tag(["price", p])));
        }
        if let Some(range) = price_from_words {
            let bound = |paise: Option<u64>| match paise {
                Some(p) => Bound::Included(Term::from_field_u64(self.fields.price, p)),
                None => Bound::Unbounded,
            };
            let query: Box<dyn Query> = Box::new(RangeQuery::new(bound(range.from_paise), bound(range.to_paise)));
            filters.push(("price_words", query));
        }
        if let Some(s) = request.seller {
            filters.push(("seller", tag(["seller", &s.to_string()])));
        }
        if request.gi_only {
            filters.push(("gi", tag(["gi", "yes"])));
        }
        if request.in_stock_only {
            filters.push(("stock", tag(["stock", "in"])));
        }
        filters
    }

    /// The text query with every filter except those of `leave_out`.
    fn combined(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        understood: &Understood,
        strictness: Strictness,
        leave_out: Option<&str>,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match self.text_query(searcher, &understood.words, strictness) {
            Some(text) => {
                clauses.push((Occur::Must, text));
                clauses.extend(self.place_boosts(&understood.words));
            }
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        for (dimension, filter) in self.filters(request, understood.price) {
            if Some(dimension) != leave_out {
                clauses.push((Occur::Must, filter));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The matches of a request, the requested page of them, and the counts
    /// of every filter's values over all of them. Every word must match;
    /// when no listing has them all, fewer are enough, then near spellings
    /// of every word (see [`Strictness::steps`]).
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        self.kept(
            request,
            |answers| &mut answers.searches,
            || self.search_uncached(request),
        )
    }

    /// The answer kept for `request` in the map `kind` picks, or `work`'s,
    /// kept when no commit came while it was worked out.
    fn kept<T: Clone>(
        &self,
        request: &SearchRequest,
        kind: fn(&mut Answers) -> &mut HashMap<SearchRequest, T>,
        work: impl FnOnce() -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        let generation = {
            let mut answers = self.answers.lock().map_err(|_| SearchError::Poisoned)?;
            if let Some(answer) = kind(&mut answers).get(request) {
                return Ok(answer.clone());
            }
            answers.generation
        };
        // Read after the generation: a commit in between makes the answer
        // unfit to keep, never a stale answer kept.
        let answer = work()?;
        let mut answers = self.answers.lock().map_err(|_| SearchError::Poisoned)?;
        if answers.generation == generation {
            let map = kind(&mut answers);
            if map.len() >= ANSWERS_KEPT {
                map.clear();
            }
            map.insert(request.clone(), answer.clone());
        }
        Ok(answer)
    }

    /// A search worked out afresh, without the answers kept until the next
    /// commit: what [`SearchIndex::search`] does when it has not seen the
    /// request since the index last changed (benchmarks time this).
    pub fn search_uncached(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let understood = understand(&request.text);
        let steps = Strictness::steps(needed_words(&understood.words));
        let mut results = SearchResults::default();
        for (n, strictness) in steps.iter().enumerate() {
            results = self.search_with(&searcher, request, &understood, *strictness)?;
            results.relaxed = n > 0;
            if results.total > 0 {
                break;
            }
        }
        Ok(results)
    }

    fn search_with(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        understood: &Understood,
        strictness: Strictness,
    ) -> Result<SearchResults, SearchError> {
        let per_page = request.per_page.clamp(1, 100);
        let offset = request.page.saturating_sub(1).saturating_mul(per_page);
        let query = self.combined(searcher, request, understood, strictness, None);
        let top = TopDocs::with_limit(per_page).and_offset(offset);
        let sort = match (request.sort, understood.words.is_empty()) {
            (Sort::Relevance, true) => Sort::Newest,
            (sort, _) => sort,
        };

        let (addresses, total, mut facets): (Vec<DocAddress>, usize, Facets) = match sort {
            Sort::Relevance => {
                let (hits, total, facets) = searcher.search(&query, &(ranked(top), Count, FacetCounter))?;
                (hits.into_iter().map(|(_, a)| a).collect(), total, facets)
            }
            Sort::PriceLowToHigh | Sort::PriceHighToLow => {
                let order = if sort == Sort::PriceLowToHigh {
                    Order::Asc
                } else {
                    Order::Desc
                };
                let collector = top.order_by_fast_field::<u64>("price", order);
                let (hits, total, facets) = searcher.search(&query, &(collector, Count, FacetCounter))?;
                (hits.into_iter().map(|(_, a)| a).collect(), total, facets)
            }
            Sort::Newest => {
                let collector = top.order_by_fast_field::<u64>("published", Order::Desc);
                let (hits, total, facets) = searcher.search(&query, &(collector, Count, FacetCounter))?;
                (hits.into_iter().map(|(_, a)| a).collect(), total, facets)
            }
        };

        // A dimension being filtered on counts its values as if it were not,
        // so that the other choices stay visible with their numbers.
        let filtered: Vec<&str> = self.filters(request, None).iter().map(|(d, _)| *d).collect();
        for dimension in ["district", "division", "craft", "price"] {
            if !filtered.contains(&dimension) {
                continue;
            }
            let query = self.combined(searcher, request, understood, strictness, Some(dimension));
            let counted = searcher.search(&*query, &FacetCounter)?;
            match dimension {
                "district" => facets.district = counted.district,
                "division" => facets.division = counted.division,
                "craft" => facets.craft = counted.craft,
                _ => facets.price = counted.price,
            }
        }

        let hits = self.hits(searcher, addresses)?;
        Ok(SearchResults {
            total,
            hits,
            facets,
            price_from_words: understood.price,
            relaxed: false,
        })
    }

    /// The first `per_page` hits of a request, newest first when it has no
    /// words, without counting or facets: for "related products", where
    /// counting every match of a big craft would cost more than the page.
    pub fn top(&self, request: &SearchRequest) -> Result<Vec<Hit>, SearchError> {
        self.kept(request, |answers| &mut answers.tops, || self.top_uncached(request))
    }

    fn top_uncached(&self, request: &SearchRequest) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.reader.searcher();
        let understood = understand(&request.text);
        let mut hits = Vec::new();
        for strictness in Strictness::steps(needed_words(&understood.words)) {
            hits = self.top_with(&searcher, request, &understood, strictness)?;
            if !hits.is_empty() {
                break;
            }
        }
        Ok(hits)
    }

    fn top_with(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        understood: &Understood,
        strictness: Strictness,
    ) -> Result<Vec<Hit>, SearchError> {
        let top = TopDocs::with_limit(request.per_page.clamp(1, 100));
        let query = self.combined(searcher, request, understood, strictness, None);
        let addresses: Vec<DocAddress> = if understood.words.is_empty() {
            let collector = top.order_by_fast_field::<u64>("published", Order::Desc);
            searcher
                .search(&query, &collector)?
                .into_iter()
                .map(|(_, a)| a)
                .collect()
        } else {
            searcher
                .search(&query, &ranked(top))?
                .into_iter()
                .map(|(_, a)| a)
                .collect()
        };
        self.hits(searcher, addresses)
    }

    /// The listings on sale among `ids`, in the order given; ids not in the
    /// index (off sale, deleted) are left out.
    pub fn by_ids(&self, ids: &[u64]) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.reader.searcher();
        let mut addresses = Vec::with_capacity(ids.len());
        for id in ids {
            let term = Term::from_field_u64(self.fields.id, *id);
            let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
            if let Some((_, address)) = searcher
                .search(&query, &TopDocs::with_limit(1).order_by_score())?
                .first()
            {
                addresses.push(*address);
            }
        }
        self.hits(&searcher, addresses)
    }

    pub(crate) fn hits(
        &self,
        searcher: &tantivy::Searcher,
        addresses: Vec<DocAddress>,
    ) -> Result<Vec<Hit>, SearchError> {
        let f = &self.fields;
        let mut hits = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_owned);
            let number = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or_default();
            hits.push(Hit {
                id: number(f.id),
                slug: text(f.slug).unwrap_or_default(),
                title_en: text(f.title_en),
                title_hi: text(f.title_hi),
                district: text(f.district).unwrap_or_default(),
                craft: text(f.craft).unwrap_or_default(),
                seller_id: number(f.seller_id),
                seller_name: text(f.seller_name).unwrap_or_default(),
                price_paise: number(f.price),
                in_stock: number(f.in_stock) == 1,
                gi: number(f.gi) == 1,
                photo: text(f.photo),
            });
        }
        Ok(hits)
    }
}

/// How many of a query's words a listing can be asked to match: joining
/// words count only in a query made of nothing else (as in `text_query`).
fn needed_words(words: &[QueryWord]) -> usize {
    match words.iter().filter(|w| !is_filler(&w.typed)).count() {
        0 => words.len(),
        content => content,
    }
}

/// A listing's completeness, from 0 to 4: a photo counts twice, a title in
/// both languages and a description of some length once each. It orders
/// listings that match a query equally well.
fn quality(doc: &IndexDoc) -> u64 {
    let photo = if doc.photo.is_some() { 2 } else { 0 };
    let bilingual = u64::from(doc.title_en.is_some() && doc.title_hi.is_some());
    let described = u64::from(doc.body.chars().count() >= 120);
    photo + bilingual + described
}

/// How a relevance-ordered page is ranked: listings that can be bought now
/// first, as the ranking page promises; then by how well they match, with
/// scores within one percent counted as a tie; then by completeness; then
/// the newest first. Never by the order of the index.
type Rank = (bool, u64, u64, u64);

pub(crate) fn ranked(top: TopDocs) -> impl tantivy::collector::Collector<Fruit = Vec<(Rank, DocAddress)>> {
    top.tweak_score(move |segment: &SegmentReader| {
        let column = |name: &str| segment.fast_fields().u64(name).ok().map(|c| c.first_or_default_col(0));
        let (in_stock, quality, published) = (column("in_stock"), column("quality"), column("published"));
        move |doc, score: Score| {
            let available = in_stock.as_ref().is_none_or(|c| c.get_val(doc) == 1);
            // Scores are compared on a logarithmic scale in steps of 1 %.
            let bucket = (f64::from(score.max(1e-6)).ln() * 100.0 + 10_000.0).max(0.0) as u64;
            let quality = quality.as_ref().map_or(0, |c| c.get_val(doc));
            let published = published.as_ref().map_or(0, |c| c.get_val(doc));
            (available, bucket, quality, published)
        }
    })
}

pub(crate) fn boost(query: impl Query + 'static, factor: Score) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(query), factor))
}
