//! Checkout throughput: odop serves a generated catalogue on loopback, and
//! buyers place orders through `POST /api/v1/orders` and pay through the
//! sandbox gateway's signed webhook, the full path a real payment takes.
//! Then the race workload: 200 buyers at once for the last 10 units.
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

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use odop::generate::{GenOptions, generate};
use odop_store::Db;
use reqwest::cookie::Jar;
use serde_json::{Value, json};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// odop serving `db` on a free loopback port, in this runtime.
async fn serve(db: &Db, dir: &std::path::Path) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let files = odop_store::files::FileStore::local(&dir.join("files")).unwrap();
    let registry = odop_store::registry::load(db).await.unwrap();
    let (index, _) = odop_search::follow::open_or_rebuild(db, &dir.join("index"), &registry)
        .await
        .unwrap();
    let config = odop_web::WebConfig::default();
    let app = odop_web::app(odop_web::AppState::new(db.clone(), files, Arc::new(index), config));
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .unwrap()
    });
    address
}

struct Buyer {
    client: reqwest::Client,
    base: String,
    csrf: String,
}

/// Buyers with sessions made in the store (sign-in has its own figures).
async fn buyers(db: &Db, address: SocketAddr, count: usize, prefix: &str) -> Vec<Buyer> {
    let mut buyers = Vec::with_capacity(count);
    let base = format!("http://{address}");
    let url: reqwest::Url = base.parse().unwrap();
    for i in 0..count {
        let phone = odop_domain::identity::Phone::parse(&format!("{prefix}{i:08}")).unwrap();
        let now = chrono::Utc::now();
        let mut tx = db.begin().await.unwrap();
        let user = odop_store::accounts::find_or_create(&mut tx, &phone, odop_domain::Locale::En, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let token = odop_web::auth::crypto::new_token();
        odop_store::sessions::create(db, &odop_web::auth::crypto::token_hash(&token), user, false, now)
            .await
            .unwrap();
        let jar = Arc::new(Jar::default());
        jar.add_cookie_str(&format!("odop_session={token}"), &url);
        let client = reqwest::Client::builder().cookie_provider(jar.clone()).build().unwrap();
        client.get(format!("{base}/")).send().await.unwrap();
        let csrf = reqwest::cookie::CookieStore::cookies(jar.as_ref(), &url)
            .and_then(|h| {
                h.to_str()
                    .ok()?
                    .split("; ")
                    .find_map(|pair| pair.strip_prefix("odop_csrf=").map(str::to_owned))
            })
            .expect("every page sets a CSRF cookie");
        buyers.push(Buyer {
            client,
            base: base.clone(),
            csrf,
        });
    }
    buyers
}

fn order(variant: i64, method: &str) -> Value {
    json!({
        "items": [{"variant_id": variant, "quantity": 1}],
        "address": {"name": "Bench Buyer", "phone": "9876543210", "line1": "1 Test Road", "city": "Lucknow", "state": "09", "pin": "226001"},
        "payment_method": method,
        "accept_terms": true
    })
}

async fn place(buyer: &Buyer, key: &str, body: &Value) -> (u16, Value) {
    let response = buyer
        .client
        .post(format!("{}/api/v1/orders", buyer.base))
        .header("x-csrf-token", &buyer.csrf)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Pays an online order through the webhook, as the sandbox page does.
async fn pay(buyer: &Buyer, sandbox: &odop_pay::SandboxGateway, order: &Value) -> u16 {
    let gateway_order = order["payments"][0]["gateway_order_id"].as_str().unwrap();
    let total = order["total_paise"].as_i64().unwrap();
    let event = sandbox.simulate(gateway_order, total, "upi", odop_pay::SandboxOutcome::Success);
    buyer
        .client
        .post(format!("{}/api/v1/payments/webhook/sandbox", buyer.base))
        .header("x-razorpay-signature", &event.signature)
        .header("x-razorpay-event-id", &event.event_id)
        .body(event.body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
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
    race_stock: i64,
}

async fn stock(db: &Db, variant: i64) -> i64 {
    let listings = odop_store::catalogue::listings(db, &listing_ids(db).await)
        .await
        .unwrap();
    listings
        .iter()
        .flat_map(|l| &l.variants)
        .find(|v| v.id == variant)
        .map_or(-1, |v| v.stock)
}

async fn listing_ids(db: &Db) -> Vec<i64> {
    odop_store::catalogue::public_ids_after(db, 0, 10_000).await.unwrap()
}

async fn run(db: Db, dir: &std::path::Path, seconds: u64, concurrency: usize) -> Figures {
    odop::serve::prepare(&db).await.unwrap();
    let options = GenOptions {
        listings: 200,
        sellers: 20,
        seed: 1,
    };
    generate(&db, options, |_, _| {}).await.unwrap();
    let address = serve(&db, dir).await;
    let listings = odop_store::catalogue::listings(&db, &listing_ids(&db).await)
        .await
        .unwrap();
    let variants: Vec<i64> = listings.iter().flat_map(|l| l.variants.iter().map(|v| v.id)).collect();
    // Plenty of stock for the throughput run: the race below has its own.
    for listing in &listings {
        for variant in &listing.variants {
            let statement = format!("UPDATE listing_variants SET stock = 1000000 WHERE id = {}", variant.id);
            odop_store::test_support::execute_owned(&db, statement).await;
        }
    }
    let sandbox = Arc::new(odop_pay::SandboxGateway::new(
        odop_web::payments::SANDBOX_SECRET.as_bytes().to_vec(),
    ));
    let buyers = buyers(&db, address, concurrency, "96").await;
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, buyer) in buyers.into_iter().enumerate() {
        let stop = stop.clone();
        let sandbox = sandbox.clone();
        let variants = variants.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let variant = variants[(i * 7919 + n * 104_729) % variants.len()];
                let began = Instant::now();
                let (status, body) = place(&buyer, &format!("bench-{i:04}-{n:08}"), &order(variant, "online")).await;
                let paid = status == 201 && pay(&buyer, &sandbox, &body).await == 200;
                if paid {
                    latencies.push(began.elapsed());
                } else {
                    errors += 1;
                }
                n += 1;
            }
            (latencies, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (mine, failed) = task.await.unwrap();
        latencies.extend(mine);
        errors += failed;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();

    // The race: 200 buyers at once for the last 10 units of one variant.
    let contested = variants[0];
    odop_store::test_support::execute_owned(
        &db,
        format!("UPDATE listing_variants SET stock = 10 WHERE id = {contested}"),
    )
    .await;
    let racers = buyers_for_race(&db, address).await;
    let began = Instant::now();
    let tasks: Vec<_> = racers
        .into_iter()
        .enumerate()
        .map(|(i, buyer)| {
            tokio::spawn(
                async move { place(&buyer, &format!("race-{i:04}-abcdefgh"), &order(contested, "online")).await },
            )
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            (201, _) => won += 1,
            (409, body) if body.to_string().contains("sold out") => {}
            (status, body) => panic!("a racer got {status}: {body}"),
        }
    }
    let race = began.elapsed();
    Figures {
        orders: latencies.len() as u64,
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
        max: latencies.last().copied().unwrap_or_default(),
        errors,
        race,
        race_won: won,
        race_stock: stock(&db, contested).await,
    }
}

async fn buyers_for_race(db: &Db, address: SocketAddr) -> Vec<Buyer> {
    buyers(db, address, 200, "95").await
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
        println!("| backend | orders paid | orders/s | p50 | p99 | max | errors | race: won | race: stock left | race: time |");
        println!("|---|---|---|---|---|---|---|---|---|---|");
        for (name, f) in rows {
            println!(
                "| {name} | {} | {:.0} | {:.1} ms | {:.1} ms | {:.1} ms | {} | {} of 200 | {} | {:.0} ms |",
                f.orders,
                f.per_second,
                f.p50.as_secs_f64() * 1000.0,
                f.p99.as_secs_f64() * 1000.0,
                f.max.as_secs_f64() * 1000.0,
                f.errors,
                f.race_won,
                f.race_stock,
                f.race.as_secs_f64() * 1000.0
            );
        }
    });
}
