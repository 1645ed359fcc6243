//! Buyers driving the whole checkout over HTTP: a line put in the cart,
//! the order placed through `POST /api/v1/orders`, and the payment
//! confirmed through the sandbox gateway's signed webhook, the path a real
//! UPI payment takes. Shared by `cargo bench --bench checkout` (odop in the
//! same process) and `bench/run` (odop as its own process).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use odop_store::Db;
use reqwest::cookie::Jar;
use serde_json::{Value, json};

/// odop serving `db` on a free loopback port, in this runtime, with its
/// files and search index under `dir`.
#[allow(dead_code)] // the in-process benches'; `checkout_load` drives a server of its own
pub async fn serve(db: &Db, dir: &std::path::Path) -> std::net::SocketAddr {
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
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    address
}

pub struct Buyer {
    client: reqwest::Client,
    base: String,
    csrf: String,
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Buyers with sessions made in the store (sign-in has its own figures),
/// phones `+91{prefix}{i:08}`.
pub async fn buyers(db: &Db, base: &str, count: usize, prefix: &str) -> Vec<Buyer> {
    let mut buyers = Vec::with_capacity(count);
    for i in 0..count {
        let phone = odop_domain::identity::Phone::parse(&format!("{prefix}{i:08}")).unwrap();
        let now = chrono::Utc::now();
        let mut tx = db.begin().await.unwrap();
        let user = odop_store::accounts::find_or_create(&mut tx, &phone, odop_domain::Locale::En, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        buyers.push(session(db, base, user).await);
    }
    buyers
}

/// A client signed in as `user` by a session made in the store, with the
/// CSRF token its first page set.
pub async fn session(db: &Db, base: &str, user: odop_domain::UserId) -> Buyer {
    signed_in(db, base, user, false).await
}

/// The same for a staff member: their roles count only in a session
/// opened by a staff sign-in.
#[allow(dead_code)] // the books bench's
pub async fn staff_session(db: &Db, base: &str, user: odop_domain::UserId) -> Buyer {
    signed_in(db, base, user, true).await
}

async fn signed_in(db: &Db, base: &str, user: odop_domain::UserId, staff: bool) -> Buyer {
    let url: reqwest::Url = base.parse().unwrap();
    let token = odop_web::auth::crypto::new_token();
    odop_store::sessions::create(
        db,
        &odop_web::auth::crypto::token_hash(&token),
        user,
        staff,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let jar = Arc::new(Jar::default());
    jar.add_cookie_str(&format!("odop_session={token}"), &url);
    // odop's HTTP clients bring no TLS provider of their own (see the
    // workspace's Cargo.toml): one is installed for the process first.
    #[allow(deprecated)] // ring lacks only post-quantum key exchange
    let _ = rustls::crypto::ring::default_provider().install_default();
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
    Buyer {
        client,
        base: base.to_owned(),
        csrf,
    }
}

impl Buyer {
    /// GETs `url`: the status and the size of the body.
    #[allow(dead_code)] // the books bench's; the checkout runs only post
    pub async fn get(&self, url: &str) -> (u16, usize) {
        match self.client.get(url).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                (status, response.bytes().await.map_or(0, |b| b.len()))
            }
            Err(_) => (0, 0),
        }
    }
}

/// What shipping every paid part at once did to the document series.
pub struct Shipping {
    pub shipped: u64,
    pub errors: u64,
    pub elapsed: Duration,
    pub audit: odop_store::documents::DocumentAudit,
}

/// Every paid part waiting for its seller is accepted, packed and shipped
/// over the API by its seller, `concurrency` parts at a time: each shipment
/// issues a tax invoice, many at once in the same series. Then the series
/// are checked for gaps and duplicates.
pub async fn ship_all(db: &Db, base: &str, concurrency: usize) -> Shipping {
    let parts = odop_store::test_support::pairs(
        db,
        "SELECT id, seller_user_id FROM sub_orders WHERE status = 'placed' ORDER BY id".to_owned(),
    )
    .await;
    let mut sellers = std::collections::HashMap::new();
    for &(_, seller) in &parts {
        if let std::collections::hash_map::Entry::Vacant(slot) = sellers.entry(seller) {
            slot.insert(Arc::new(session(db, base, odop_domain::UserId(seller)).await));
        }
    }
    let queue = Arc::new(std::sync::Mutex::new(
        parts
            .into_iter()
            .map(|(part, seller)| (part, sellers[&seller].clone()))
            .collect::<Vec<_>>(),
    ));
    let began = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let queue = queue.clone();
            tokio::spawn(async move {
                let (mut shipped, mut errors) = (0u64, 0u64);
                loop {
                    let next = queue.lock().unwrap().pop();
                    let Some((part, seller)) = next else { break };
                    let mut moved = true;
                    for step in [
                        json!({"action": "accept"}),
                        json!({"action": "pack"}),
                        json!({"action": "ship", "courier": "India Post", "tracking": format!("BENCH{part:010}")}),
                    ] {
                        let status = seller
                            .client
                            .post(format!("{}/api/v1/seller/orders/{part}/transition", seller.base))
                            .header("x-csrf-token", &seller.csrf)
                            .json(&step)
                            .send()
                            .await
                            .map_or(0, |r| r.status().as_u16());
                        if status != 200 {
                            moved = false;
                            break;
                        }
                    }
                    if moved {
                        shipped += 1;
                    } else {
                        errors += 1;
                    }
                }
                (shipped, errors)
            })
        })
        .collect();
    let (mut shipped, mut errors) = (0, 0);
    for worker in workers {
        let (done, failed) = worker.await.unwrap();
        shipped += done;
        errors += failed;
    }
    let elapsed = began.elapsed();
    let audit = odop_store::documents::audit_documents(db).await.unwrap();
    Shipping {
        shipped,
        errors,
        elapsed,
        audit,
    }
}

pub fn order(variant: i64, method: &str) -> Value {
    json!({
        "items": [{"variant_id": variant, "quantity": 1}],
        "address": {"name": "Bench Buyer", "phone": "9876543210", "line1": "1 Test Road", "city": "Lucknow", "state": "09", "pin": "226001"},
        "payment_method": method,
        "accept_terms": true
    })
}

/// Puts one unit of `variant` in the buyer's cart.
pub async fn add_to_cart(buyer: &Buyer, variant: i64) -> u16 {
    buyer
        .client
        .put(format!("{}/api/v1/cart", buyer.base))
        .header("x-csrf-token", &buyer.csrf)
        .json(&json!({"variant_id": variant, "quantity": 1}))
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

pub async fn place(buyer: &Buyer, key: &str, body: &Value) -> (u16, Value) {
    let Ok(response) = buyer
        .client
        .post(format!("{}/api/v1/orders", buyer.base))
        .header("x-csrf-token", &buyer.csrf)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
    else {
        return (0, Value::Null);
    };
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Pays an online order through the webhook, as the sandbox page does.
pub async fn pay(buyer: &Buyer, sandbox: &odop_pay::SandboxGateway, order: &Value) -> u16 {
    let Some(gateway_order) = order["payments"][0]["gateway_order_id"].as_str() else {
        return 0;
    };
    let total = order["total_paise"].as_i64().unwrap_or(0);
    let event = sandbox.simulate(gateway_order, total, "upi", odop_pay::SandboxOutcome::Success);
    buyer
        .client
        .post(format!("{}/api/v1/payments/webhook/sandbox", buyer.base))
        .header("x-razorpay-signature", &event.signature)
        .header("x-razorpay-event-id", &event.event_id)
        .body(event.body)
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

/// The variants of the first `limit` listings on sale, as (listing,
/// variant), each given plenty of stock so that the throughput run never
/// sells out (the race has its own).
pub async fn stocked_variants(db: &Db, limit: usize) -> Vec<(i64, i64)> {
    let ids = odop_store::catalogue::public_ids_after(db, 0, limit as i64)
        .await
        .unwrap();
    let listings = odop_store::catalogue::listings(db, &ids).await.unwrap();
    let mut variants = Vec::new();
    for listing in &listings {
        for variant in &listing.variants {
            let statement = format!("UPDATE listing_variants SET stock = 1000000 WHERE id = {}", variant.id);
            odop_store::test_support::execute_owned(db, statement).await;
            variants.push((listing.record.id, variant.id));
        }
    }
    variants
}

/// Leaves `units` of `variant` for the race.
pub async fn set_stock(db: &Db, variant: i64, units: i64) {
    odop_store::test_support::execute_owned(
        db,
        format!("UPDATE listing_variants SET stock = {units} WHERE id = {variant}"),
    )
    .await;
}

pub struct Throughput {
    pub paid: Vec<Duration>,
    pub elapsed: Duration,
    pub errors: u64,
}

/// `buyers` each run cart → order → payment in a loop for `seconds`.
pub async fn drive(buyers: Vec<Buyer>, variants: Arc<Vec<i64>>, seconds: u64, run: &str) -> Throughput {
    let run = format!(
        "{run}-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis())
    );
    let sandbox = Arc::new(odop_pay::SandboxGateway::new(
        odop_web::payments::SANDBOX_SECRET.as_bytes().to_vec(),
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, buyer) in buyers.into_iter().enumerate() {
        let stop = stop.clone();
        let sandbox = sandbox.clone();
        let variants = variants.clone();
        let run = run.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let variant = variants[(i * 7919 + n * 104_729) % variants.len()];
                let began = Instant::now();
                let carted = add_to_cart(&buyer, variant).await == 200;
                let (status, body) = place(&buyer, &format!("{run}-{i:04}-{n:08}"), &order(variant, "online")).await;
                let paid = carted && status == 201 && pay(&buyer, &sandbox, &body).await == 200;
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
    let mut paid = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (mine, failed) = task.await.unwrap();
        paid.extend(mine);
        errors += failed;
    }
    let elapsed = started.elapsed();
    paid.sort_unstable();
    Throughput { paid, elapsed, errors }
}

pub struct Race {
    pub won: u64,
    pub sold_out: u64,
    pub elapsed: Duration,
    /// The winners with their orders (unpaid, holding the units).
    winners: Vec<(Buyer, i64)>,
}

/// `racers` at once for the last units of `variant`: every one either wins
/// an order or is told it sold out.
pub async fn race(racers: Vec<Buyer>, variant: i64) -> Race {
    // Keys of this race only: a database raced on before keeps its orders.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let began = Instant::now();
    let tasks: Vec<_> = racers
        .into_iter()
        .enumerate()
        .map(|(i, buyer)| {
            tokio::spawn(async move {
                let outcome = place(&buyer, &format!("race-{run}-{i:04}"), &order(variant, "online")).await;
                (buyer, outcome)
            })
        })
        .collect();
    let (mut won, mut sold_out, mut winners) = (0, 0, Vec::new());
    for task in tasks {
        match task.await.unwrap() {
            (buyer, (201, body)) => {
                won += 1;
                winners.push((buyer, body["id"].as_i64().expect("a placed order has an id")));
            }
            (_, (409, body)) if body.to_string().contains("sold out") => sold_out += 1,
            (_, (status, body)) => panic!("a racer got {status}: {body}"),
        }
    }
    Race {
        won,
        sold_out,
        elapsed: began.elapsed(),
        winners,
    }
}

/// The winners cancel their unpaid orders, once the stock left has been
/// read. Left to lapse, their holds would hand the units back in the middle
/// of a later race on the same database, which would then count more
/// winners than units.
pub async fn give_back(race: Race) {
    for (buyer, order) in race.winners {
        let response = buyer
            .client
            .post(format!("{}/api/v1/orders/{order}/cancel", buyer.base))
            .header("x-csrf-token", &buyer.csrf)
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "a winner cancels its order {order}");
    }
}

/// The stock left of `variant` of `listing`.
pub async fn stock_of(db: &Db, (listing, variant): (i64, i64)) -> i64 {
    odop_store::catalogue::get(db, odop_domain::ListingId(listing))
        .await
        .unwrap()
        .and_then(|l| l.variants.iter().find(|v| v.id == variant).map(|v| v.stock))
        .unwrap_or(-1)
}
