//! Checkout load against a running odop, for `bench/run`: buyers (sessions
//! made in the database both share) put a line in the cart, place the order
//! and pay it through the sandbox's signed webhook, in a loop, for a fixed
//! time; then 200 buyers race for the last 10 units of one variant; then
//! the sellers ship every paid part at once (each shipment issuing a tax
//! invoice) and every document series is checked for gaps and duplicates.
//! Prints one JSON object with the figures; exits with an error when a
//! series has a gap or a number used twice.
//!
//!     checkout_load URL DATABASE SECONDS BUYERS
//!
//! DATABASE is a PostgreSQL URL or the path of the SQLite file.

#[path = "../benches/support/checkout_driver.rs"]
mod driver;

use std::sync::Arc;

use odop_store::Db;
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, database, seconds, buyers] = args.as_slice() else {
        anyhow::bail!("usage: checkout_load URL DATABASE SECONDS BUYERS");
    };
    let seconds: u64 = seconds.parse()?;
    let buyers: usize = buyers.parse()?;
    let db = if database.starts_with("postgres") {
        Db::connect(database).await?
    } else {
        Db::open_sqlite_file(std::path::Path::new(database)).await?
    };
    let variants = driver::stocked_variants(&db, 200).await;
    anyhow::ensure!(!variants.is_empty(), "nothing is on sale: generate a catalogue first");
    let ids: Arc<Vec<i64>> = Arc::new(variants.iter().map(|(_, v)| *v).collect());

    let throughput = driver::drive(driver::buyers(&db, url, buyers, "96").await, ids, seconds, "load").await;
    let contested = variants[0];
    driver::set_stock(&db, contested.1, 10).await;
    let race = driver::race(driver::buyers(&db, url, 200, "95").await, contested.1).await;
    let left = driver::stock_of(&db, contested).await;
    let (race_ms, won, sold_out) = (race.elapsed, race.won, race.sold_out);
    driver::give_back(race).await;
    let shipping = driver::ship_all(&db, url, buyers).await;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let paid = &throughput.paid;
    println!(
        "{}",
        json!({
            "buyers": buyers,
            "seconds": throughput.elapsed.as_secs_f64(),
            "orders_paid": paid.len(),
            "orders_per_second": paid.len() as f64 / throughput.elapsed.as_secs_f64(),
            "p50_ms": ms(driver::percentile(paid, 50.0)),
            "p90_ms": ms(driver::percentile(paid, 90.0)),
            "p99_ms": ms(driver::percentile(paid, 99.0)),
            "max_ms": ms(paid.last().copied().unwrap_or_default()),
            "errors": throughput.errors,
            "race": {"buyers": 200, "units": 10, "won": won, "sold_out": sold_out, "stock_left": left, "ms": ms(race_ms)},
            "shipping": {
                "shipped": shipping.shipped,
                "errors": shipping.errors,
                "per_second": shipping.shipped as f64 / shipping.elapsed.as_secs_f64().max(f64::EPSILON),
                "documents": shipping.audit.documents,
                "series": shipping.audit.series,
                "series_with_gaps": shipping.audit.series_with_gaps,
                "duplicates": shipping.audit.duplicates,
                "supply_totals_differing": shipping.audit.supply_totals_differing,
            },
        })
    );
    anyhow::ensure!(
        shipping.audit.series_with_gaps == 0 && shipping.audit.duplicates == 0,
        "a document series has a gap or a number used twice"
    );
    anyhow::ensure!(
        shipping.audit.supply_totals_differing == 0,
        "the TCS report's totals are not the sums of the documents"
    );
    db.close().await;
    Ok(())
}
