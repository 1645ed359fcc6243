//! The index: its schema, writing documents, and answering searches with
//! facets. The database is the truth; this is a copy shaped for search,
//! rebuilt from it whenever in doubt.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, Score, Searcher, SegmentReader,
    TantivyDocument, Term,
};

use crate::facets::{FILTER_VALUES, FacetCounter, Facets, FilterValues};
use crate::text::{is_filler, normalize, phonetic_key, phonetic_keys, tolerance, words};

/// Bumped whenever the schema or the analysis of text changes: an index of
/// another version is rebuilt from the database at start.
pub const SCHEMA_VERSION: u32 = 2;

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
    /// Descriptions and the names of its craft, district and division, in both languages.
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
struct Fields {
    id: Field,
    slug: Field,
    title_en: Field,
    title_hi: Field,
    titles: Field,
    phonetic: Field,
    tags: Field,
    district: Field,
    craft: Field,
    filter_values: Field,
    seller_id: Field,
    seller_name: Field,
    price: Field,
    published: Field,
    in_stock: Field,
    gi: Field,
    photo: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("whitespace")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let keys = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("whitespace")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: builder.add_u64_field("id", INDEXED | STORED | FAST),
        slug: builder.add_text_field("slug", STORED),
        title_en: builder.add_text_field("title_en", STORED),
        title_hi: builder.add_text_field("title_hi", STORED),
        titles: builder.add_text_field("titles", words),
        phonetic: builder.add_text_field("phonetic", keys),
        tags: builder.add_facet_field("tags", FacetOptions::default()),
        district: builder.add_text_field("district", STORED),
        craft: builder.add_text_field("craft", STORED),
        // All of a listing's filter values in one column of term ordinals,
        // which is how they are counted: see `facets`.
        filter_values: builder.add_text_field(FILTER_VALUES, TextOptions::default().set_fast("raw")),
        seller_id: builder.add_u64_field("seller_id", STORED),
        seller_name: builder.add_text_field("seller_name", STORED),
        price: builder.add_u64_field("price", STORED | FAST),
        published: builder.add_u64_field("published", FAST),
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
}

pub struct SearchIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    listing_pages: Mutex<ListingPages>,
}

/// The answers of [`SearchIndex::top`] to requests without words (a
/// district's newest listings, a craft's related products), which every
/// visitor of a page asks for alike. They are kept until the next commit,
/// so they are never older than the index itself.
#[derive(Default)]
struct ListingPages {
    /// Counts commits: an answer computed before a commit is not kept.
    generation: u64,
    answers: HashMap<SearchRequest, Vec<Hit>>,
}

/// Enough for every district, craft and seller page a node serves often;
/// past it the answers start again from empty.
const LISTING_PAGES_KEPT: usize = 4096;

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

/// How many of a query's words a listing must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WordsNeeded {
    All,
    /// All of one or two words; of three or more, all but one in three.
    Most,
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
            listing_pages: Mutex::default(),
        })
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
        // Descriptions are searched by their words' phonetic keys only: an
        // exact spelling counts in titles, and a field of the descriptions'
        // words as written doubled the work of every word of a query.
        let mut keys = phonetic_keys(&titles.join(" "));
        keys.extend(phonetic_keys(&doc.body));
        d.add_text(f.phonetic, keys.join(" "));
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
        let mut pages = self.listing_pages.lock().map_err(|_| SearchError::Poisoned)?;
        pages.generation += 1;
        pages.answers.clear();
        Ok(())
    }

    pub fn document_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The query for the words of a search: each word may match a title as
    /// written, or by its phonetic key (within a typing tolerance for rare
    /// words) a title or description in either script.
    fn text_query(&self, searcher: &Searcher, text: &str, words_needed: WordsNeeded) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let typed = words(text);
        if typed.is_empty() {
            return None;
        }
        let keys = phonetic_keys(text);
        let mut pairs: Vec<(&String, String)> = typed
            .iter()
            .enumerate()
            .map(|(i, word)| (word, keys.get(i).cloned().unwrap_or_else(|| phonetic_key(word))))
            .collect();
        // Words like "ka" or "of" count only in a query made of nothing else.
        if pairs.iter().any(|(word, _)| !is_filler(word)) {
            pairs.retain(|(word, _)| !is_filler(word));
        }
        let last = pairs.len() - 1;
        let mut per_word: Vec<Box<dyn Query>> = Vec::new();
        for (i, (word, key)) in pairs.into_iter().enumerate() {
            let term = |field| Term::from_field_text(field, word);
            let key_term = Term::from_field_text(f.phonetic, &key);
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = vec![
                (
                    Occur::Should,
                    boost(TermQuery::new(term(f.titles), IndexRecordOption::WithFreqs), 3.0),
                ),
                (
                    Occur::Should,
                    boost(TermQuery::new(key_term.clone(), IndexRecordOption::WithFreqs), 1.5),
                ),
            ];
            // A word found as typed in many listings is spelt right, or
            // common enough that its near neighbours would add noise, not
            // answers; expanding it would cost a read of every neighbour's
            // postings. Typing tolerance is for the words that are rare.
            let common = searcher.doc_freq(&key_term).unwrap_or(0) >= COMMON_WORD_LISTINGS;
            let distance = if common { 0 } else { tolerance(&key) };
            if distance > 0 {
                alternatives.push((
                    Occur::Should,
                    boost(FuzzyTermQuery::new(key_term.clone(), distance, true), 0.5),
                ));
            }
            // A word may be the start of a longer one: "chikan" finds
            // "chikankari", and the last word may be unfinished ("chik").
            let key_length = key.chars().count();
            if !common && (key_length >= 4 || (i == last && key_length >= 3)) {
                alternatives.push((Occur::Should, boost(FuzzyTermQuery::new_prefix(key_term, 0, true), 0.4)));
            }
            per_word.push(Box::new(BooleanQuery::new(alternatives)));
        }
        let count = per_word.len();
        let required = match words_needed {
            WordsNeeded::All => count,
            // Two words: both. Three or more: all but one in three.
            WordsNeeded::Most if count <= 2 => count,
            WordsNeeded::Most => count - count / 3,
        };
        Some(Box::new(BooleanQuery::union_with_minimum_required_clauses(
            per_word, required,
        )))
    }

    fn filters(&self, request: &SearchRequest) -> Vec<(&'static str, Box<dyn Query>)> {
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
        words_needed: WordsNeeded,
        leave_out: Option<&str>,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match self.text_query(searcher, &request.text, words_needed) {
            Some(text) => clauses.push((Occur::Must, text)),
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        for (dimension, filter) in self.filters(request) {
            if Some(dimension) != leave_out {
                clauses.push((Occur::Must, filter));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The matches of a request, the requested page of them, and the counts
    /// of every filter's values over all of them. Every word must match;
    /// when no listing has them all, most of the words are enough.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let results = self.search_with(&searcher, request, WordsNeeded::All)?;
        if results.total == 0 && self.relaxing_helps(&request.text) {
            return self.search_with(&searcher, request, WordsNeeded::Most);
        }
        Ok(results)
    }

    /// Whether asking for most words rather than all could find more.
    fn relaxing_helps(&self, text: &str) -> bool {
        words(text).iter().filter(|w| !is_filler(w)).count() >= 3
    }

    fn search_with(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        words_needed: WordsNeeded,
    ) -> Result<SearchResults, SearchError> {
        let per_page = request.per_page.clamp(1, 100);
        let offset = request.page.saturating_sub(1).saturating_mul(per_page);
        let query = self.combined(searcher, request, words_needed, None);
        let top = TopDocs::with_limit(per_page).and_offset(offset);
        let sort = match (request.sort, request.text.trim().is_empty()) {
            (Sort::Relevance, true) => Sort::Newest,
            (sort, _) => sort,
        };

        let (addresses, total, mut facets): (Vec<DocAddress>, usize, Facets) = match sort {
            Sort::Relevance => {
                let collector = top.tweak_score(move |segment: &SegmentReader| {
                    let in_stock = segment
                        .fast_fields()
                        .u64("in_stock")
                        .ok()
                        .map(|c| c.first_or_default_col(0));
                    move |doc, score: Score| {
                        // Items that can be bought now rank above all that
                        // cannot, as the ranking page promises; then by score.
                        let available = in_stock.as_ref().is_none_or(|c| c.get_val(doc) == 1);
                        (available, score)
                    }
                });
                let (hits, total, facets) = searcher.search(&query, &(collector, Count, FacetCounter))?;
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
        let filtered: Vec<&str> = self.filters(request).iter().map(|(d, _)| *d).collect();
        for dimension in ["district", "division", "craft", "price"] {
            if !filtered.contains(&dimension) {
                continue;
            }
            let query = self.combined(searcher, request, words_needed, Some(dimension));
            let counted = searcher.search(&*query, &FacetCounter)?;
            match dimension {
                "district" => facets.district = counted.district,
                "division" => facets.division = counted.division,
                "craft" => facets.craft = counted.craft,
                _ => facets.price = counted.price,
            }
        }

        let hits = self.hits(searcher, addresses)?;
        Ok(SearchResults { total, hits, facets })
    }

    /// The first `per_page` hits of a request, newest first when it has no
    /// words, without counting or facets: for "related products", where
    /// counting every match of a big craft would cost more than the page.
    pub fn top(&self, request: &SearchRequest) -> Result<Vec<Hit>, SearchError> {
        if !request.text.trim().is_empty() {
            return self.top_uncached(request);
        }
        let generation = {
            let pages = self.listing_pages.lock().map_err(|_| SearchError::Poisoned)?;
            if let Some(hits) = pages.answers.get(request) {
                return Ok(hits.clone());
            }
            pages.generation
        };
        // Read after the generation: a commit in between makes the answer
        // unfit to keep, never a stale answer kept.
        let hits = self.top_uncached(request)?;
        let mut pages = self.listing_pages.lock().map_err(|_| SearchError::Poisoned)?;
        if pages.generation == generation {
            if pages.answers.len() >= LISTING_PAGES_KEPT {
                pages.answers.clear();
            }
            pages.answers.insert(request.clone(), hits.clone());
        }
        Ok(hits)
    }

    fn top_uncached(&self, request: &SearchRequest) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.reader.searcher();
        let hits = self.top_with(&searcher, request, WordsNeeded::All)?;
        if hits.is_empty() && self.relaxing_helps(&request.text) {
            return self.top_with(&searcher, request, WordsNeeded::Most);
        }
        Ok(hits)
    }

    fn top_with(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        words_needed: WordsNeeded,
    ) -> Result<Vec<Hit>, SearchError> {
        let top = TopDocs::with_limit(request.per_page.clamp(1, 100));
        let query = self.combined(searcher, request, words_needed, None);
        let addresses: Vec<DocAddress> = if request.text.trim().is_empty() {
            let collector = top.order_by_fast_field::<u64>("published", Order::Desc);
            searcher
                .search(&query, &collector)?
                .into_iter()
                .map(|(_, a)| a)
                .collect()
        } else {
            searcher
                .search(&query, &top.order_by_score())?
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

    fn hits(&self, searcher: &tantivy::Searcher, addresses: Vec<DocAddress>) -> Result<Vec<Hit>, SearchError> {
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

fn boost(query: impl Query + 'static, factor: Score) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(query), factor))
}
