//! `odop search-eval`: how well search finds what buyers mean, measured.
//!
//! A fixed catalogue is built afresh in a temporary SQLite database: the
//! generator's listings (the same for the same seed), then the hand-written
//! listings of `listings.toml`, written as sellers write, which go through
//! the same validation and storage as a seller's listing from the API. Then
//! every query of `queries.toml`, written as buyers type, is searched, and
//! its first page judged against the listings that are right answers: named
//! ones, and any listing that meets the query's criteria (craft, district,
//! a word of its title, a price). Figures per class of query:
//!
//! * **found@5**: the share of queries with a right answer in the top 5;
//! * **P@5**: the share of the top 5 that are right answers (out of at most
//!   as many right answers as exist);
//! * **MRR**: the mean of 1 / the rank of the first right answer (0 when
//!   none is in the first 10).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use odop_domain::catalogue::{self as rules, ListingContext, ListingInput, StatusChange, VariantInput};
use odop_domain::{ListingId, Slug};
use odop_search::{Hit, SearchRequest};
use serde::{Deserialize, Serialize};

use crate::generate::{GenOptions, generate};

const LISTINGS_TOML: &str = include_str!("listings.toml");
const QUERIES_TOML: &str = include_str!("queries.toml");

/// How many results of a query are looked at for its first right answer.
const DEPTH: usize = 10;
/// The page a buyer sees without scrolling, on which found@5 and P@5 count.
const TOP: usize = 5;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListingsFile {
    listing: Vec<HandWritten>,
}

/// A listing as a seller wrote it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HandWritten {
    key: String,
    district: String,
    craft: String,
    title_en: Option<String>,
    title_hi: Option<String>,
    description_en: Option<String>,
    description_hi: Option<String>,
    price_rupees: u64,
    hsn: String,
    gi: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueriesFile {
    query: Vec<JudgedQuery>,
}

/// A query as a buyer types it, with what answers it rightly.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JudgedQuery {
    text: String,
    class: String,
    /// Hand-written listings that answer it, by key.
    #[serde(default)]
    relevant: Vec<String>,
    /// Criteria that make any listing an answer when all given ones hold.
    #[serde(default)]
    match_craft: Vec<String>,
    #[serde(default)]
    match_district: Vec<String>,
    #[serde(default)]
    match_title: Vec<String>,
    max_rupees: Option<u64>,
    min_rupees: Option<u64>,
}

impl JudgedQuery {
    fn has_criteria(&self) -> bool {
        !(self.match_craft.is_empty() && self.match_district.is_empty() && self.match_title.is_empty())
    }

    /// Whether a hit answers the query rightly.
    fn answered_by(&self, hit: &Hit, keys: &HashMap<u64, String>) -> bool {
        if keys.get(&hit.id).is_some_and(|key| self.relevant.contains(key)) {
            return true;
        }
        if !self.has_criteria() {
            return false;
        }
        let price_ok = self.max_rupees.is_none_or(|max| hit.price_paise <= max * 100)
            && self.min_rupees.is_none_or(|min| hit.price_paise >= min * 100);
        let craft_ok = self.match_craft.is_empty() || self.match_craft.contains(&hit.craft);
        let district_ok = self.match_district.is_empty() || self.match_district.contains(&hit.district);
        let title_ok = self.match_title.is_empty() || {
            let title = [hit.title_en.as_deref(), hit.title_hi.as_deref()]
                .into_iter()
                .flatten()
                .map(odop_search::text::normalize)
                .collect::<Vec<_>>()
                .join(" ");
            self.match_title.iter().any(|wanted| {
                let wanted = odop_search::text::normalize(wanted);
                title.split(' ').any(|word| word.starts_with(&wanted))
            })
        };
        price_ok && craft_ok && district_ok && title_ok
    }
}

#[derive(Clone, Copy, Debug)]
pub struct EvalOptions {
    /// Generated listings around the hand-written ones.
    pub generated: u64,
    pub seed: u64,
}

/// What one query found.
#[derive(Clone, Debug, Serialize)]
pub struct QueryOutcome {
    pub text: String,
    pub class: String,
    /// The rank (from 1) of the first right answer within the first 10.
    pub first_right: Option<usize>,
    pub precision_at_5: f64,
    pub total: usize,
    /// The titles of the first five results, a right answer marked with ✓.
    pub top: Vec<String>,
}

/// The figures of a class of queries (or of all).
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    pub class: String,
    pub queries: usize,
    pub found_at_5: f64,
    pub precision_at_5: f64,
    pub mrr: f64,
}

impl Figures {
    fn of<'a>(class: &str, outcomes: impl Iterator<Item = &'a QueryOutcome>) -> Self {
        let outcomes: Vec<&QueryOutcome> = outcomes.collect();
        let n = outcomes.len().max(1) as f64;
        Figures {
            class: class.to_owned(),
            queries: outcomes.len(),
            found_at_5: outcomes
                .iter()
                .filter(|o| o.first_right.is_some_and(|r| r <= TOP))
                .count() as f64
                / n,
            precision_at_5: outcomes.iter().map(|o| o.precision_at_5).sum::<f64>() / n,
            mrr: outcomes
                .iter()
                .map(|o| o.first_right.map_or(0.0, |r| 1.0 / r as f64))
                .sum::<f64>()
                / n,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct EvalReport {
    pub generated: u64,
    pub hand_written: usize,
    pub seed: u64,
    pub overall: Figures,
    pub classes: Vec<Figures>,
    pub outcomes: Vec<QueryOutcome>,
    /// Median and slowest time of a query (uncached), in microseconds.
    pub median_query_us: u128,
    pub slowest_query_us: u128,
}

impl EvalReport {
    /// The figures as a Markdown table, then the queries without a right
    /// answer in the top 5, with what came instead.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "Search relevance over {} generated and {} hand-written listings (seed {}): {} queries.\n\n\
             | class | queries | found@5 | P@5 | MRR |\n|---|---|---|---|---|\n",
            self.generated, self.hand_written, self.seed, self.overall.queries
        );
        for figures in self.classes.iter().chain([&self.overall]) {
            out.push_str(&format!(
                "| {} | {} | {:.1} % | {:.2} | {:.2} |\n",
                figures.class,
                figures.queries,
                figures.found_at_5 * 100.0,
                figures.precision_at_5,
                figures.mrr
            ));
        }
        out.push_str(&format!(
            "\nA query takes {} µs at the median, {} µs at most (uncached, one core).\n",
            self.median_query_us, self.slowest_query_us
        ));
        let missed: Vec<&QueryOutcome> = self
            .outcomes
            .iter()
            .filter(|o| o.first_right.is_none_or(|r| r > TOP))
            .collect();
        if !missed.is_empty() {
            out.push_str("\nNo right answer in the top 5:\n\n");
            for outcome in missed {
                out.push_str(&format!(
                    "- `{}` ({}, {} found, first right at {}): {}\n",
                    outcome.text,
                    outcome.class,
                    outcome.total,
                    outcome.first_right.map_or("-".to_owned(), |r| r.to_string()),
                    outcome.top.join(" · ")
                ));
            }
        }
        out
    }
}

fn hand_written() -> anyhow::Result<Vec<HandWritten>> {
    Ok(toml::from_str::<ListingsFile>(LISTINGS_TOML)
        .context("search_eval/listings.toml")?
        .listing)
}

fn judged_queries() -> anyhow::Result<Vec<JudgedQuery>> {
    Ok(toml::from_str::<QueriesFile>(QUERIES_TOML)
        .context("search_eval/queries.toml")?
        .query)
}

/// Builds the catalogue and judges every query; `progress` hears what is
/// being done.
pub async fn evaluate(options: EvalOptions, mut progress: impl FnMut(&str)) -> anyhow::Result<EvalReport> {
    let listings = hand_written()?;
    let queries = judged_queries()?;
    let dir = tempfile::tempdir().context("cannot make a temporary directory")?;
    let db = odop_store::Db::open_sqlite_file(&dir.path().join("odop.db")).await?;
    crate::serve::prepare(&db).await?;
    progress(&format!("generating {} listings", options.generated));
    generate(
        &db,
        None,
        GenOptions {
            listings: options.generated,
            sellers: (options.generated / 10).max(400),
            seed: options.seed,
            orders: 0,
            buyers: 0,
            append: false,
        },
        |_, _| {},
    )
    .await?;

    progress(&format!(
        "listing {} hand-written products as their sellers",
        listings.len()
    ));
    let registry = odop_store::registry::load(&db).await?;
    let gst = odop_store::gst::table(&db).await?;
    let sellers = sellers_for(&db, &registry, &listings).await?;
    let mut keys: HashMap<u64, String> = HashMap::new();
    for (n, listing) in listings.iter().enumerate() {
        let seller = sellers[&listing.district];
        let id = list(&db, &registry, &gst, listing, seller, n)
            .await
            .with_context(|| format!("listing {}", listing.key))?;
        keys.insert(id.0 as u64, listing.key.clone());
    }

    progress("indexing");
    let (index, _) = odop_search::follow::rebuild(&db, &dir.path().join("index"), &registry, |_, _| {}).await?;

    progress(&format!("searching {} queries", queries.len()));
    let mut outcomes = Vec::with_capacity(queries.len());
    let mut timings: Vec<Duration> = Vec::with_capacity(queries.len());
    for query in &queries {
        let request = SearchRequest {
            text: query.text.clone(),
            page: 1,
            per_page: DEPTH,
            ..SearchRequest::default()
        };
        let started = Instant::now();
        let results = index.search(&request)?;
        timings.push(started.elapsed());
        let right: Vec<bool> = results.hits.iter().map(|hit| query.answered_by(hit, &keys)).collect();
        let named = query.relevant.len();
        let exist = if query.has_criteria() { TOP } else { named.clamp(1, TOP) };
        let right_in_top = right.iter().take(TOP).filter(|r| **r).count();
        outcomes.push(QueryOutcome {
            text: query.text.clone(),
            class: query.class.clone(),
            first_right: right.iter().position(|r| *r).map(|p| p + 1),
            precision_at_5: right_in_top as f64 / exist as f64,
            total: results.total,
            top: results
                .hits
                .iter()
                .zip(&right)
                .take(TOP)
                .map(|(hit, right)| {
                    let title = hit.title_en.as_deref().or(hit.title_hi.as_deref()).unwrap_or("?");
                    format!("{}{title} [{}]", if *right { "✓ " } else { "" }, hit.district)
                })
                .collect(),
        });
    }
    timings.sort();
    let mut by_class: BTreeMap<&str, Vec<&QueryOutcome>> = BTreeMap::new();
    for outcome in &outcomes {
        by_class.entry(outcome.class.as_str()).or_default().push(outcome);
    }
    let classes = by_class
        .iter()
        .map(|(class, outcomes)| Figures::of(class, outcomes.iter().copied()))
        .collect();
    db.close().await;
    Ok(EvalReport {
        generated: options.generated,
        hand_written: listings.len(),
        seed: options.seed,
        overall: Figures::of("all", outcomes.iter()),
        classes,
        median_query_us: timings.get(timings.len() / 2).map_or(0, |t| t.as_micros()),
        slowest_query_us: timings.last().map_or(0, |t| t.as_micros()),
        outcomes,
    })
}

/// A verified seller in every district the hand-written listings come
/// from: a generated one where there is one, else one made here.
async fn sellers_for(
    db: &odop_store::Db,
    registry: &odop_domain::registry::Registry,
    listings: &[HandWritten],
) -> anyhow::Result<HashMap<String, odop_domain::UserId>> {
    use odop_store::bulk::{NewSeller, NewSellerKind};
    let district_ids = odop_store::bulk::district_ids(db).await?;
    let mut sellers = HashMap::new();
    for (n, listing) in listings.iter().enumerate() {
        if sellers.contains_key(&listing.district) {
            continue;
        }
        let district = Slug::parse(&listing.district).map_err(|e| anyhow::anyhow!("district: {e}"))?;
        let found = odop_store::onboarding::approved_sellers(db, &district, 1).await?;
        let seller = match found.first() {
            Some(seller) => *seller,
            None => {
                let craft = registry
                    .district(&district)
                    .and_then(|d| d.products.first())
                    .with_context(|| format!("no district {district}"))?
                    .slug
                    .to_string();
                let pan = format!("EVALP{:04}K", n % 10_000);
                let first14 = format!("09{pan}1Z");
                let check = odop_domain::identity::gstin_check_character(first14.as_bytes())
                    .context("a GSTIN's check character")? as char;
                let seller = NewSeller {
                    phone: format!("+9169{:08}", n),
                    display_name: format!("{district} crafts"),
                    legal_name: None,
                    district_id: *district_ids.get(district.as_str()).context("a district id")?,
                    craft,
                    bio_en: "Makers of the district's crafts.".into(),
                    bio_hi: "जनपद के शिल्पकार।".into(),
                    address_line1: "1 Main Road".into(),
                    city: district.to_string(),
                    pin: "226001".into(),
                    account_number: "123456789012".into(),
                    ifsc: "SBIN0001234".into(),
                    pan,
                    kind: NewSellerKind::Vendor {
                        gstin: format!("{first14}{check}"),
                    },
                    joined_at: Utc::now(),
                };
                odop_store::bulk::insert_sellers(db, &[seller]).await?[0]
            }
        };
        sellers.insert(listing.district.clone(), seller);
    }
    Ok(sellers)
}

/// Creates and publishes a hand-written listing as a seller of its
/// district, through the validation every seller's listing goes through.
async fn list(
    db: &odop_store::Db,
    registry: &odop_domain::registry::Registry,
    gst: &odop_domain::gst::GstTable,
    listing: &HandWritten,
    seller: odop_domain::UserId,
    n: usize,
) -> anyhow::Result<ListingId> {
    let district = Slug::parse(&listing.district).map_err(|e| anyhow::anyhow!("district: {e}"))?;
    let input = ListingInput {
        title_en: listing.title_en.clone().unwrap_or_default(),
        title_hi: listing.title_hi.clone().unwrap_or_default(),
        description_en: listing.description_en.clone().unwrap_or_default(),
        description_hi: listing.description_hi.clone().unwrap_or_default(),
        craft: listing.craft.clone(),
        hsn: listing.hsn.clone(),
        weight_grams: "500".into(),
        origin: "India".into(),
        gi_tagged: listing.gi,
        variants: vec![VariantInput {
            sku: format!("EVAL-{n}"),
            price: listing.price_rupees.to_string(),
            stock: "10".into(),
            ..VariantInput::default()
        }],
        ..ListingInput::default()
    };
    let context = ListingContext {
        registry,
        seller_district: &district,
        gst,
        today: Utc::now().date_naive(),
    };
    let draft = rules::validate(&input, &context).map_err(|problems| {
        let fields: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message_id))
            .collect();
        anyhow::anyhow!("refused: {}", fields.join(", "))
    })?;
    let now = Utc::now();
    let id = odop_store::catalogue::create(db, seller, &district, &draft, seller, now).await?;
    odop_store::catalogue::change_status(db, id, StatusChange::Publish, seller, now)
        .await
        .map_err(|e| anyhow::anyhow!("publishing: {e}"))?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_hit(id: u64, listing: &HandWritten) -> Hit {
        Hit {
            id,
            slug: listing.key.clone(),
            title_en: listing.title_en.clone(),
            title_hi: listing.title_hi.clone(),
            district: listing.district.clone(),
            craft: listing.craft.clone(),
            seller_id: 1,
            seller_name: String::new(),
            price_paise: listing.price_rupees * 100,
            in_stock: true,
            gi: listing.gi,
            photo: None,
        }
    }

    #[test]
    fn the_judged_set_is_large_and_every_query_has_a_right_answer() {
        let listings = hand_written().unwrap();
        let queries = judged_queries().unwrap();
        assert!(listings.len() >= 150 && queries.len() >= 150);
        let keys: std::collections::HashSet<&str> = listings.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys.len(), listings.len(), "listing keys are unique");
        for query in &queries {
            assert!(
                !query.relevant.is_empty() || query.has_criteria(),
                "{}: no right answer",
                query.text
            );
            for key in &query.relevant {
                assert!(keys.contains(key.as_str()), "{}: no listing {key}", query.text);
            }
        }
    }

    /// A query's criteria describe generated listings; a hand-written one
    /// they describe must be among its named answers, or the criteria would
    /// count a listing right that its writer judged wrong.
    #[test]
    fn criteria_never_make_a_hand_written_listing_right_that_the_query_does_not_name() {
        let listings = hand_written().unwrap();
        let keys: HashMap<u64, String> = listings
            .iter()
            .enumerate()
            .map(|(i, l)| (i as u64, l.key.clone()))
            .collect();
        for query in judged_queries().unwrap() {
            let criteria_only = JudgedQuery {
                relevant: Vec::new(),
                ..query.clone()
            };
            for (i, listing) in listings.iter().enumerate() {
                if criteria_only.answered_by(&as_hit(i as u64, listing), &keys) {
                    assert!(
                        query.relevant.contains(&listing.key),
                        "{}: criteria take {} as right but the query does not name it",
                        query.text,
                        listing.key
                    );
                }
            }
        }
    }
}
