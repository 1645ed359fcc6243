//! Checkout throughput: odop serves a generated catalogue on loopback, and
//! buyers put a line in the cart, place the order through
//! `POST /api/v1/orders` and pay through the sandbox gateway's signed
//! webhook, the full path a real payment takes.
//! Then the race workload: 200 buyers at once for the last 10 units. Then
//! the sellers ship every paid order at once, each shipment issuing a tax
//! invoice, and the bench asserts that every invoice series is gapless and
//! unique.
//! On SQLite, and on PostgreSQL when its server binaries are installed.
//!
//!     cargo bench -p odop --bench checkout
//!     ODOP_BENCH_SECONDS=30 ODOP_BENCH_BUYERS=64 cargo bench -p odop --bench checkout
//!
//! Client and server share the machine's cores, so the figures are a floor.
//! It prints its figures; nothing here passes or fails on time.

#[path = "../tests/it/support/postgres.rs"]
#[allow(dead_code)]
mod postgres;

#[path = "support/checkout_driver.rs"]
mod driver;

use std::sync::Arc;
use std::time::Duration;

use odop::generate::{GenOptions, generate};
use odop_store::Db;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Figures {
    orders: u64,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
    errors: u64,
    race: Duration,
    race_won: u64,
    race_sold_out: u64,
    race_stock: i64,
    shipping: driver::Shipping,
}

async fn run(db: Db, dir: &std::path::Path, seconds: u64, concurrency: usize) -> Figures {
    odop::serve::prepare(&db).await.unwrap();
    let options = GenOptions {
        listings: 200,
        sellers: 20,
        seed: 1,
        orders: 0,
        buyers: 0,
        append: false,
    };
    generate(&db, None, options, |_, _| {}).await.unwrap();
    let address = driver::serve(&db, dir).await;
    let base = format!("http://{address}");
    let variants = driver::stocked_variants(&db, 200).await;
    let ids = Arc::new(variants.iter().map(|(_, v)| *v).collect::<Vec<_>>());
    let buyers = driver::buyers(&db, &base, concurrency, "96").await;
    let throughput = driver::drive(buyers, ids, seconds, "bench").await;

    // The race: 200 buyers at once for the last 10 units of one variant.
    let contested = variants[0];
    driver::set_stock(&db, contested.1, 10).await;
    let racers = driver::buyers(&db, &base, 200, "95").await;
    let race = driver::race(racers, contested.1).await;
    let race_stock = driver::stock_of(&db, contested).await;
    let (race_elapsed, race_won, race_sold_out) = (race.elapsed, race.won, race.sold_out);
    driver::give_back(race).await;
    let shipping = driver::ship_all(&db, &base, concurrency).await;
    assert_eq!(shipping.errors, 0, "every paid part ships");
    assert_eq!(shipping.audit.series_with_gaps, 0, "invoice series have no gap");
    assert_eq!(shipping.audit.duplicates, 0, "no invoice number is used twice");
    assert_eq!(
        shipping.audit.supply_totals_differing, 0,
        "the TCS report's totals are the documents' sums"
    );
    let paid = &throughput.paid;
    Figures {
        orders: paid.len() as u64,
        per_second: paid.len() as f64 / throughput.elapsed.as_secs_f64(),
        p50: driver::percentile(paid, 50.0),
        p99: driver::percentile(paid, 99.0),
        max: paid.last().copied().unwrap_or_default(),
        errors: throughput.errors,
        race: race_elapsed,
        race_won,
        race_sold_out,
        race_stock,
        shipping,
    }
}

fn main() {
    let seconds = env_or("ODOP_BENCH_SECONDS", 10);
    let concurrency = env_or("ODOP_BENCH_BUYERS", 32) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut rows = Vec::new();
        let dir = tempfile::tempdir().unwrap();
        let sqlite = Db::open_sqlite_file(&dir.path().join("odop.db")).await.unwrap();
        rows.push(("SQLite", run(sqlite, dir.path(), seconds, concurrency).await));
        if let Some(cluster) = postgres::cluster() {
            let dir = tempfile::tempdir().unwrap();
            let url = cluster.fresh_database().await;
            let db = Db::connect(&url).await.unwrap();
            rows.push(("PostgreSQL", run(db, dir.path(), seconds, concurrency).await));
        } else {
            println!("PostgreSQL is not installed here: SQLite only");
        }
        println!();
        println!("Checkout: place an order and pay it through the sandbox webhook, {concurrency} buyers for {seconds} s; then 200 buyers race for 10 units");
        println!();
        println!("| backend | orders paid | orders/s | p50 | p99 | max | errors | race: won | race: sold out | race: stock left | race: time |");
        println!("|---|---|---|---|---|---|---|---|---|---|---|");
        for (name, f) in &rows {
            println!(
                "| {name} | {} | {:.0} | {:.1} ms | {:.1} ms | {:.1} ms | {} | {} of 200 | {} | {} | {:.0} ms |",
                f.orders,
                f.per_second,
                f.p50.as_secs_f64() * 1000.0,
                f.p99.as_secs_f64() * 1000.0,
                f.max.as_secs_f64() * 1000.0,
                f.errors,
                f.race_won,
                f.race_sold_out,
                f.race_stock,
                f.race.as_secs_f64() * 1000.0
            );
        }
        println!();
        println!("Then every paid part accepted, packed and shipped by its seller, {concurrency} at a time, each issuing a tax invoice");
        println!();
        println!("| backend | shipped | shipments/s | invoices | series | series with a gap | numbers used twice |");
        println!("|---|---|---|---|---|---|---|");
        for (name, f) in &rows {
            let s = &f.shipping;
            println!(
                "| {name} | {} | {:.0} | {} | {} | {} | {} |",
                s.shipped,
                s.shipped as f64 / s.elapsed.as_secs_f64().max(f64::EPSILON),
                s.audit.documents,
                s.audit.series,
                s.audit.series_with_gaps,
                s.audit.duplicates
            );
        }
    });
}
