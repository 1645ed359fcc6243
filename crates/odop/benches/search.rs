//! Search at catalogue scale: generates listings with `odop gen`'s
//! generator into a fresh SQLite database, builds the index from it as
//! `odop reindex` does, then times a fixed set of queries (English, Hindi,
//! transliterated, misspelt, filtered, sorted) and how quickly an edit
//! reaches search.
//!
//!     cargo bench -p odop --bench search                    # 100,000 listings
//!     ODOP_BENCH_LISTINGS=20000 cargo bench -p odop --bench search
//!
//! It prints its figures; nothing here passes or fails on time.

use std::time::{Duration, Instant};

use odop::generate::{GenOptions, generate};
use odop_search::{SearchRequest, Sort};

/// A query of the fixed set: text, district, craft, price band, sort.
type Query = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Sort,
);

const QUERIES: &[Query] = &[
    ("", None, None, None, Sort::Relevance),
    ("chikankari kurta", None, None, None, Sort::Relevance),
    ("चिकनकारी कुर्ता", None, None, None, Sort::Relevance),
    ("chikan kurta", None, None, None, Sort::Relevance),
    ("चिकन कुर्ता", None, None, None, Sort::Relevance),
    ("chikenkari", None, None, None, Sort::Relevance),
    ("banarasi saree", None, None, None, Sort::Relevance),
    ("बनारसी साड़ी", None, None, None, Sort::Relevance),
    ("banarsi sari", None, None, None, Sort::Relevance),
    ("katan silk saree", None, None, None, Sort::PriceHighToLow),
    ("moradabad brass", None, None, None, Sort::Relevance),
    ("moradabd bras", None, None, None, Sort::Relevance),
    ("पीतल दीया", None, None, None, Sort::Relevance),
    ("brass diya", None, None, None, Sort::PriceLowToHigh),
    ("glass vase", Some("firozabad"), None, None, Sort::Relevance),
    ("काँच फूलदान", None, None, None, Sort::Relevance),
    ("wooden toys", None, None, None, Sort::Relevance),
    ("lakdi ke khilone", None, None, None, Sort::Relevance),
    ("लकड़ी का खिलौना", None, None, None, Sort::Relevance),
    ("kala namak rice", None, None, None, Sort::Relevance),
    ("काला नमक चावल", None, None, None, Sort::Relevance),
    ("kalanamak", None, None, None, Sort::Relevance),
    ("carpet", Some("bhadohi"), None, Some("5000-"), Sort::Relevance),
    ("hand knotted wool carpet", None, None, None, Sort::Newest),
    ("durrie", None, None, Some("1000-2500"), Sort::PriceLowToHigh),
    ("zardozi cushion cover", None, None, None, Sort::Relevance),
    ("ज़रदोज़ी", None, None, None, Sort::Relevance),
    ("jutti", None, Some("footwear"), None, Sort::Relevance),
    ("leather", Some("agra"), None, None, Sort::Relevance),
    ("terracotta horse", None, None, None, Sort::Relevance),
    ("black pottery", Some("azamgarh"), None, None, Sort::Relevance),
    ("jaggery", None, None, Some("0-500"), Sort::PriceLowToHigh),
    ("गुड़", None, None, None, Sort::Relevance),
    ("desi ghee", None, None, None, Sort::Relevance),
    ("sheesham jewellery box", None, None, None, Sort::Relevance),
    ("lucknow", None, None, None, Sort::Relevance),
    ("", Some("varanasi"), None, None, Sort::Newest),
    ("", None, Some("glassware"), Some("500-1000"), Sort::PriceLowToHigh),
    ("gift", None, None, None, Sort::Relevance),
    ("xyzzy qwerty", None, None, None, Sort::Relevance),
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    let listings: u64 = std::env::var("ODOP_BENCH_LISTINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let sellers = (listings / 10).max(1);
    let rounds: usize = 20;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let db = odop_store::Db::open_sqlite_file(&dir.path().join("odop.db"))
            .await
            .unwrap();
        odop::serve::prepare(&db).await.unwrap();
        let registry = odop_store::registry::load(&db).await.unwrap();

        let started = Instant::now();
        let options = GenOptions {
            listings,
            sellers,
            seed: 1,
            orders: 0,
            buyers: 0,
            append: false,
        };
        let report = generate(&db, None, options, |_, _| {}).await.unwrap();
        let generating = started.elapsed();

        let started = Instant::now();
        let (index, _) = odop_search::follow::rebuild(&db, &dir.path().join("index"), &registry, |_, _| {})
            .await
            .unwrap();
        let indexing = started.elapsed();
        let indexed = index.document_count();
        let index_bytes: u64 = std::fs::read_dir(dir.path().join("index"))
            .unwrap()
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum();

        let requests: Vec<SearchRequest> = QUERIES
            .iter()
            .map(|(text, district, craft, price, sort)| SearchRequest {
                text: (*text).to_owned(),
                district: district.map(str::to_owned),
                craft: craft.map(str::to_owned),
                price: price.map(str::to_owned),
                sort: *sort,
                page: 1,
                per_page: 20,
                ..SearchRequest::default()
            })
            .collect();
        // One warm-up pass, so that the first query does not pay for
        // loading the index into the page cache.
        let mut found = Vec::new();
        for request in &requests {
            found.push(index.search(request).unwrap().total);
        }
        let mut timings = Vec::with_capacity(requests.len() * rounds);
        let mut slowest: Vec<(Duration, &str)> = Vec::new();
        // Every search worked out afresh: the kept answers would make all
        // rounds but the first a lookup (timed separately below).
        for _ in 0..rounds {
            for (request, (text, ..)) in requests.iter().zip(QUERIES) {
                let started = Instant::now();
                let results = index.search_uncached(request).unwrap();
                let took = started.elapsed();
                std::hint::black_box(results);
                timings.push(took);
                slowest.push((took, text));
            }
        }
        timings.sort();
        slowest.sort_by_key(|(took, _)| std::cmp::Reverse(*took));
        // The same searches asked again before the index changes: answered
        // from the answers kept since the last commit.
        for request in &requests {
            index.search(request).unwrap();
        }
        let mut kept = Vec::with_capacity(requests.len());
        for request in &requests {
            let started = Instant::now();
            std::hint::black_box(index.search(request).unwrap());
            kept.push(started.elapsed());
        }
        kept.sort();

        // How long an edit takes to reach search on a node following the
        // change log (nodes poll every 250 ms; this is the work after that).
        let index = std::sync::Arc::new(index);
        let checkpoint = odop_store::catalogue::latest_change(&db).await.unwrap();
        let mut follower = odop_search::follow::Follower::new(db.clone(), index.clone(), registry.clone(), checkpoint);
        let mut apply_times = Vec::new();
        for id in 1..=20i64 {
            let id = odop_domain::ListingId(id);
            let listing = odop_store::catalogue::get(&db, id).await.unwrap().unwrap();
            let change = if listing.record.status().is_public() {
                odop_domain::catalogue::StatusChange::Pause
            } else {
                odop_domain::catalogue::StatusChange::Publish
            };
            let seller = listing.record.seller();
            let _ = odop_store::catalogue::change_status(&db, id, change, seller, chrono::Utc::now()).await;
            let started = Instant::now();
            follower.step().await.unwrap();
            apply_times.push(started.elapsed());
        }
        apply_times.sort();

        println!(
            "odop search benchmark (SQLite, {} cores)",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        println!();
        println!("| figure | value |");
        println!("|---|---|");
        println!(
            "| generated | {} listings ({} on sale, {} variants), {} sellers, in {:.1?} |",
            report.listings,
            report.active,
            report.variants,
            report.vendors + report.artisans,
            generating
        );
        println!(
            "| indexed | {} documents in {:.1?} ({:.0} a second), {:.1} MB on disk |",
            indexed,
            indexing,
            indexed as f64 / indexing.as_secs_f64(),
            index_bytes as f64 / 1e6
        );
        println!(
            "| search latency, worked out afresh, over {} queries × {rounds} rounds | p50 {:.2?}, p90 {:.2?}, p99 {:.2?}, max {:.2?} |",
            QUERIES.len(),
            percentile(&timings, 50.0),
            percentile(&timings, 90.0),
            percentile(&timings, 99.0),
            timings.last().unwrap()
        );
        println!(
            "| the same searches again before the index changes (kept answers) | p50 {:.2?}, max {:.2?} |",
            percentile(&kept, 50.0),
            kept.last().unwrap()
        );
        println!(
            "| an edit applied to the index by the follower | p50 {:.2?}, max {:.2?} (plus up to 250 ms polling) |",
            percentile(&apply_times, 50.0),
            apply_times.last().unwrap()
        );
        println!();
        println!("slowest queries:");
        let mut seen = Vec::new();
        for (took, text) in slowest {
            if seen.contains(&text) {
                continue;
            }
            seen.push(text);
            println!("  {:>10}  \"{text}\"", format!("{took:.2?}"));
            if seen.len() == 5 {
                break;
            }
        }
        println!();
        println!("results per query (first pass):");
        for ((text, district, craft, price, _), total) in QUERIES.iter().zip(found) {
            let filters: Vec<&str> = [district, craft, price].into_iter().flatten().copied().collect();
            println!("  {total:>7}  \"{text}\" {}", filters.join(" "));
        }
        db.close().await;
    });
}
