//! The books at scale: a seller's statement, its GST sales register and a
//! month's TCS report, each asked for over HTTP as the pages and CSV files
//! people download, on a database with years of orders whose documents and
//! postings the backfill wrote (as `odop gen --orders` does).
//!
//!     cargo bench -p odop --bench books
//!     ODOP_BENCH_LISTINGS=100000 ODOP_BENCH_ORDERS=200000 cargo bench -p odop --bench books
//!     ODOP_BENCH_DATA_DIR=/path/made/by/odop-gen cargo bench -p odop --bench books
//!
//! With `ODOP_BENCH_DATA_DIR` it reads a SQLite database generated before
//! (`odop gen --listings 1000000 --sellers 100000 --orders 1000000`);
//! otherwise it generates a smaller one (SQLite, and PostgreSQL when its
//! server binaries are installed). The goal is an answer within 200 ms;
//! it prints its figures, and nothing here passes or fails on time.

#[path = "../tests/it/support/postgres.rs"]
#[allow(dead_code)]
mod postgres;

#[path = "support/checkout_driver.rs"]
#[allow(dead_code)]
mod driver;

use std::time::{Duration, Instant};

use odop::generate::{GenOptions, generate};
use odop_store::Db;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A generated catalogue with `orders` orders and their books.
async fn generated(db: &Db, listings: u64, orders: u64) {
    odop::serve::prepare(db).await.unwrap();
    let options = GenOptions {
        listings,
        sellers: (listings / 10).max(20),
        seed: 1,
        orders,
        buyers: (orders / 4).max(1),
        append: false,
    };
    generate(db, None, options, |_, _| {}).await.unwrap();
    let began = Instant::now();
    let done = odop_store::backfill::books(db, |_, _| {}).await.unwrap();
    println!(
        "backfilled {} invoices, {} sales, {} returns, {} payments in {:.1?}",
        done.invoices,
        done.sales,
        done.returns,
        done.captures,
        began.elapsed()
    );
}

struct Timing {
    what: String,
    bytes: usize,
    p50: Duration,
    p90: Duration,
    max: Duration,
}

/// Asks for `path` as `client` 3 times to warm up, then `rounds` times.
async fn time(client: &driver::Buyer, base: &str, path: &str, rounds: usize) -> Timing {
    let get = || async {
        let response = client.get(&format!("{base}{path}")).await;
        assert_eq!(response.0, 200, "{path} answers");
        response.1
    };
    for _ in 0..3 {
        get().await;
    }
    let mut took = Vec::with_capacity(rounds);
    let mut bytes = 0;
    for _ in 0..rounds {
        let began = Instant::now();
        bytes = get().await;
        took.push(began.elapsed());
    }
    took.sort_unstable();
    Timing {
        what: path.to_owned(),
        bytes,
        p50: driver::percentile(&took, 50.0),
        p90: driver::percentile(&took, 90.0),
        max: *took.last().unwrap(),
    }
}

async fn run(db: Db, dir: &std::path::Path, rounds: usize) -> (String, Vec<Timing>) {
    let address = driver::serve(&db, dir).await;
    let base = format!("http://{address}");
    // The payee with the most postings, and someone who keeps the books.
    let busiest = odop_store::test_support::pairs(
        &db,
        "SELECT seller_user_id, COUNT(*) FROM ledger_entries WHERE seller_user_id IS NOT NULL \
         GROUP BY seller_user_id ORDER BY COUNT(*) DESC LIMIT 1"
            .to_owned(),
    )
    .await;
    let &[(seller, postings)] = busiest.as_slice() else {
        panic!("the books are empty: generate orders first");
    };
    let finance = odop_store::accounts::create_staff(
        &db,
        &odop_store::accounts::NewStaff {
            phone: odop_domain::identity::Phone::parse("9999988888").unwrap(),
            display_name: "Bench Finance".into(),
            password_hash: "unused".into(),
            roles: vec![odop_store::accounts::StaffRole::Finance],
            granted_by: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    // The month with the most documents.
    let busiest_month = odop_store::test_support::pairs(
        &db,
        "SELECT MIN(issued_at), COUNT(*) FROM tax_documents GROUP BY issued_at / 2592000000 ORDER BY COUNT(*) DESC LIMIT 1"
            .to_owned(),
    )
    .await;
    let month = chrono::DateTime::from_timestamp_millis(busiest_month[0].0 + 15 * 86_400_000)
        .unwrap()
        .format("%Y-%m")
        .to_string();
    let seller_client = driver::session(&db, &base, odop_domain::UserId(seller)).await;
    let finance_client = driver::staff_session(&db, &base, finance).await;
    let mut timings = Vec::new();
    for path in [
        "/sell/money".to_owned(),
        "/sell/money.csv".to_owned(),
        format!("/sell/money/register?month={month}"),
        "/api/v1/money/statement".to_owned(),
    ] {
        timings.push(time(&seller_client, &base, &path, rounds).await);
    }
    for path in [
        format!("/admin/reports/tcs?month={month}"),
        format!("/admin/reports/tcs.csv?month={month}"),
    ] {
        timings.push(time(&finance_client, &base, &path, rounds).await);
    }
    let audit = odop_store::documents::audit_documents(&db).await.unwrap();
    assert_eq!(audit.series_with_gaps, 0, "the backfilled series have no gap");
    assert_eq!(audit.duplicates, 0, "no number is used twice");
    assert_eq!(
        audit.supply_totals_differing, 0,
        "the TCS report's totals are the documents' sums"
    );
    let about = format!(
        "{} documents in {} series (no gap, no duplicate); the seller has {postings} postings; month {month}",
        audit.documents, audit.series
    );
    (about, timings)
}

fn main() {
    let rounds = env_or("ODOP_BENCH_ROUNDS", 30) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut results = Vec::new();
        if let Ok(data) = std::env::var("ODOP_BENCH_DATA_DIR") {
            let dir = std::path::PathBuf::from(data);
            let db = Db::open_sqlite_file(&dir.join("odop.db")).await.unwrap();
            odop::serve::prepare(&db).await.unwrap();
            results.push((format!("SQLite ({})", dir.display()), run(db, &dir, rounds).await));
        } else {
            let listings = env_or("ODOP_BENCH_LISTINGS", 20_000);
            let orders = env_or("ODOP_BENCH_ORDERS", 30_000);
            let dir = tempfile::tempdir().unwrap();
            let sqlite = Db::open_sqlite_file(&dir.path().join("odop.db")).await.unwrap();
            generated(&sqlite, listings, orders).await;
            let label = format!("SQLite, {listings} listings, {orders} orders");
            results.push((label, run(sqlite, dir.path(), rounds).await));
            if let Some(cluster) = postgres::cluster() {
                let dir = tempfile::tempdir().unwrap();
                let db = Db::connect(&cluster.fresh_database().await).await.unwrap();
                generated(&db, listings, orders).await;
                let label = format!("PostgreSQL, {listings} listings, {orders} orders");
                results.push((label, run(db, dir.path(), rounds).await));
            }
        }
        for (label, (about, timings)) in results {
            println!();
            println!("{label}: {about}; {rounds} requests each, one at a time (goal: 200 ms)");
            println!();
            println!("| request | bytes | p50 | p90 | max |");
            println!("|---|---|---|---|---|");
            for t in timings {
                println!(
                    "| `{}` | {} | {:.1} ms | {:.1} ms | {:.1} ms |",
                    t.what,
                    t.bytes,
                    t.p50.as_secs_f64() * 1000.0,
                    t.p90.as_secs_f64() * 1000.0,
                    t.max.as_secs_f64() * 1000.0
                );
            }
        }
    });
}
