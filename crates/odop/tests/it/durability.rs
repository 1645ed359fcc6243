//! Durability of orders when the server dies without warning: the real
//! `odop serve` binary takes cash-on-delivery orders from many buyers at
//! once and is killed with SIGKILL while requests are in flight. After a
//! restart on the same database, every order the server acknowledged is
//! there, whole; stock plus the units in all orders equals the stock the
//! seller listed; and a client retrying a cut-off request gets one order.
//!
//! Stock also holds when two `odop serve` processes share one PostgreSQL
//! database and 200 buyers, half on each, race for the last ten units:
//! ten orders, 190 clear "sold out" answers, and nothing oversold.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use odop_domain::identity::Phone;
use odop_domain::{ListingId, OrderId, UserId};
use odop_store::Db;
use odop_store::orders::OrderView;
use reqwest::cookie::Jar;
use serde_json::{Value, json};
use tokio::sync::Barrier;

use crate::catalogue::{create_listing, kurta, set_status};
use crate::support::people::Person;
use crate::support::{Backend, TestDatabase};

const ODOP: &str = env!("CARGO_BIN_EXE_odop");
const SELLER: &str = "9822277777";
/// The units of the kurta's size M on sale: more than the buyers can take,
/// so that "sold out" never muddies what the crash did.
const STOCK: i64 = 500;
const BUYERS: usize = 16;
const ORDERS_EACH: usize = 25;
/// How many acknowledged orders to wait for before the kill, so that the
/// check has something to find.
const ACKS_BEFORE_KILL: usize = 40;
/// How long anything may take on a loaded two-core machine before the test
/// gives up: starting the binary, an answer, a restart.
const PATIENCE: Duration = Duration::from_secs(180);
/// The last units of the kurta's size M when the race for them starts.
const LAST_UNITS: i64 = 10;
/// The buyers racing for them, half through each node.
const RACERS: usize = 200;

/// A running `odop serve` child process, killed when dropped so that a
/// failing test leaves nothing behind.
struct Node {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Node {
    /// Starts `odop serve` on `data_dir` (and on `database_url` when given),
    /// and returns once it has announced its address and answers /healthz.
    async fn start(data_dir: &Path, database_url: Option<&str>, log: &Path) -> Node {
        let mut command = Command::new(ODOP);
        command.current_dir(data_dir).env("ODOP_LOG", "warn");
        // No setting may leak in from the machine running the tests.
        for (name, _) in std::env::vars() {
            if name.starts_with("ODOP_") && name != "ODOP_LOG" {
                command.env_remove(name);
            }
        }
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir);
        if let Some(url) = database_url {
            command.args(["--database-url", url]);
        }
        let stderr = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("odop serve starts");

        // The address is on the first line of standard output. A thread
        // reads it, then keeps draining the pipe so that the server can
        // never block on a full one.
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok).unwrap_or_default();
            let _ = sender.send(first);
            for _ in lines {}
        });
        let first = tokio::task::spawn_blocking(move || receiver.recv_timeout(PATIENCE))
            .await
            .unwrap()
            .unwrap_or_default();
        let mut node = Node {
            child,
            base: String::new(),
            log: log.to_owned(),
        };
        match first.split_whitespace().find(|word| word.starts_with("http://")) {
            Some(base) => node.base = base.to_owned(),
            None => panic!("odop serve did not announce its address: {first:?}\n{}", node.log()),
        }
        node.wait_until_healthy().await;
        node
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The address is announced before the search index is open, so the
    /// node is ready only once /healthz answers.
    async fn wait_until_healthy(&mut self) {
        let http = crate::support::http().timeout(Duration::from_secs(10)).build().unwrap();
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("odop serve exited with {status} while starting:\n{}", self.log());
            }
            if let Ok(response) = http.get(format!("{}/healthz", self.base)).send().await
                && response.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "odop serve at {} was not healthy within {PATIENCE:?}:\n{}",
            self.base,
            self.log()
        );
    }

    /// SIGKILL: no graceful shutdown, no chance to finish anything.
    fn kill(&mut self) {
        self.child.kill().expect("the server can be killed");
        let status = self.child.wait().unwrap();
        assert!(!status.success(), "a killed server does not exit cleanly: {status}");
    }

    /// SIGTERM, then a clean exit within the patience.
    fn stop(&mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit after SIGTERM: {status}\n{}", self.log());
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("odop serve did not stop after SIGTERM:\n{}", self.log());
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Someone with a session made directly in the store, talking to the node
/// at `base`: sign-in by code has its own tests, and codes are rate-limited.
async fn signed_in(db: &Db, base: &str, phone: &str) -> (Person, UserId) {
    let parsed = Phone::parse(phone).unwrap();
    let now = Utc::now();
    let mut tx = db.begin().await.unwrap();
    let user = odop_store::accounts::find_or_create(&mut tx, &parsed, odop_domain::Locale::En, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let token = odop_web::auth::crypto::new_token();
    odop_store::sessions::create(db, &odop_web::auth::crypto::token_hash(&token), user, false, now)
        .await
        .unwrap();
    let jar = Arc::new(Jar::default());
    jar.add_cookie_str(&format!("odop_session={token}"), &base.parse().unwrap());
    let client = crate::support::http()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(jar.clone())
        .timeout(PATIENCE)
        .build()
        .unwrap();
    let person = Person {
        client,
        jar,
        base: base.to_owned(),
        phone: parsed.to_string(),
    };
    (person, user)
}

/// One signed-in buyer per phone, the i-th talking to the node at
/// `bases[i % bases.len()]`, so that buyers spread evenly over the nodes.
async fn buyers(db: &Db, phones: &[String], bases: &[&str]) -> (Vec<Person>, Vec<UserId>) {
    let mut people = Vec::new();
    let mut users = Vec::new();
    for (i, phone) in phones.iter().enumerate() {
        let (person, user) = signed_in(db, bases[i % bases.len()], phone).await;
        people.push(person);
        users.push(user);
    }
    (people, users)
}

/// A verified Lucknow vendor, as an approved application in the store.
async fn verified_seller(db: &Db) {
    use odop_store::bulk::{NewSeller, NewSellerKind};
    let districts = odop_store::bulk::district_ids(db).await.unwrap();
    let pan = "ABCPK1234L";
    let first14 = format!("09{pan}1Z");
    let check = odop_domain::identity::gstin_check_character(first14.as_bytes()).unwrap() as char;
    let seller = NewSeller {
        phone: Phone::parse(SELLER).unwrap().to_string(),
        display_name: "Noor Chikan House".into(),
        legal_name: Some("Noor Chikan House".into()),
        district_id: districts["lucknow"],
        craft: "chikankari".into(),
        bio_en: "Noor Chikan House has stitched chikan in Chowk for years.".into(),
        bio_hi: "नूर चिकन हाउस वर्षों से चौक में चिकन का काम कर रहे हैं।".into(),
        address_line1: "12 Chowk".into(),
        city: "Lucknow".into(),
        pin: "226003".into(),
        account_number: "123456789012".into(),
        ifsc: "SBIN0001234".into(),
        pan: pan.into(),
        kind: NewSellerKind::Vendor {
            gstin: format!("{first14}{check}"),
        },
        joined_at: Utc::now(),
    };
    odop_store::bulk::insert_sellers(db, &[seller]).await.unwrap();
}

/// The verified seller's chikan kurta, listed and published through the
/// node at `base` with `stock` units of size M; returns the listing's id
/// and that variant's.
async fn kurta_on_sale(db: &Db, base: &str, stock: i64) -> (i64, i64) {
    verified_seller(db).await;
    let (seller, _) = signed_in(db, base, SELLER).await;
    let listing = create_listing(&seller, &kurta(&[("variant-0-stock", &stock.to_string())])).await;
    assert_eq!(set_status(&seller, listing, "publish").await.status(), 303);
    let variant = odop_store::catalogue::get(db, ListingId(listing))
        .await
        .unwrap()
        .expect("the listing exists")
        .variants[0]
        .id;
    assert_eq!(stock_of(db, listing).await, stock, "the seller's stock is on sale");
    (listing, variant)
}

/// The units of the kurta's size M on sale now, as the store reads them.
async fn stock_of(db: &Db, listing: i64) -> i64 {
    odop_store::catalogue::get(db, ListingId(listing))
        .await
        .unwrap()
        .expect("the listing exists")
        .variants[0]
        .stock
}

/// An order for one kurta of the variant, paid by `method`: `online` or `cod`.
fn order_body(variant: i64, method: &str) -> Value {
    json!({
        "items": [{"variant_id": variant, "quantity": 1}],
        "address": {"name": "Asha Verma", "phone": "9833300001", "line1": "12 Hazratganj", "city": "Lucknow", "state": "09", "pin": "226001"},
        "payment_method": method,
        "accept_terms": true
    })
}

/// Places an order through the API. `Err` is a request that got no answer
/// at all: the connection was cut.
async fn place(person: &Person, key: &str, body: &Value) -> Result<(u16, Value), String> {
    let token = person.csrf().await;
    let response = person
        .client
        .post(person.url("/api/v1/orders"))
        .header("x-csrf-token", token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .map_err(causes)?;
    let status = response.status().as_u16();
    // A body cut off half-way is no acknowledgement either.
    let body = response.bytes().await.map_err(causes)?;
    Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

/// Places an order on a running node, asking again while it says it is busy.
async fn place_until_not_busy(person: &Person, key: &str, body: &Value) -> (u16, Value) {
    let started = Instant::now();
    loop {
        let (status, order) = place(person, key, body).await.expect("the restarted node answers");
        if status != 503 || started.elapsed() > PATIENCE {
            return (status, order);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// An error with its causes, which say how the connection ended.
fn causes(error: reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

/// What became of one order request before the kill.
enum Outcome {
    /// 201 with the order's id: the server promised the order exists.
    Acknowledged(i64),
    /// Any other answer. 503 is the server saying it is too busy (SQLite's
    /// lock or the connection pool waited too long), which promises nothing
    /// either way; anything else is a failure of the test.
    Answered(u16, Value),
    /// No answer: the request was cut off by the kill.
    CutOff(String),
}

struct Attempt {
    buyer: usize,
    key: String,
    outcome: Outcome,
}

fn key(buyer: usize, n: usize) -> String {
    format!("durable-{buyer:03}-{n:03}-order-key")
}

/// Each buyer places orders one after another until the server is gone;
/// once `ACKS_BEFORE_KILL` are acknowledged the server is killed with every
/// buyer's next request on the wire.
async fn fire_and_kill(node: &mut Node, buyers: Vec<Person>, variant: i64) -> Vec<Attempt> {
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = buyers
        .into_iter()
        .enumerate()
        .map(|(i, buyer)| {
            let acknowledged = acknowledged.clone();
            let killed = killed.clone();
            tokio::spawn(async move {
                buyer.csrf().await;
                let body = order_body(variant, "cod");
                let mut attempts = Vec::new();
                for n in 0..ORDERS_EACH {
                    if killed.load(Ordering::SeqCst) {
                        break;
                    }
                    let key = key(i, n);
                    let outcome = match place(&buyer, &key, &body).await {
                        Ok((201, order)) => {
                            acknowledged.fetch_add(1, Ordering::SeqCst);
                            Outcome::Acknowledged(order["id"].as_i64().expect("an order id"))
                        }
                        Ok((status, body)) => Outcome::Answered(status, body),
                        Err(error) => Outcome::CutOff(error),
                    };
                    let cut = matches!(outcome, Outcome::CutOff(_));
                    attempts.push(Attempt { buyer: i, key, outcome });
                    if cut {
                        break;
                    }
                }
                attempts
            })
        })
        .collect();

    let started = Instant::now();
    while acknowledged.load(Ordering::SeqCst) < ACKS_BEFORE_KILL {
        assert!(
            started.elapsed() < PATIENCE,
            "only {} orders acknowledged in {PATIENCE:?}:\n{}",
            acknowledged.load(Ordering::SeqCst),
            node.log()
        );
        assert!(
            tasks.iter().any(|t| !t.is_finished()),
            "every buyer stopped before {ACKS_BEFORE_KILL} acknowledgements:\n{}",
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The flag first: a request sent after it is not "in flight at the kill".
    killed.store(true, Ordering::SeqCst);
    node.kill();

    let mut attempts = Vec::new();
    for task in tasks {
        attempts.extend(task.await.unwrap());
    }
    attempts
}

/// Everything the database holds about the run, checked for wholeness.
struct Audit {
    /// Every order, by id.
    orders: BTreeMap<i64, OrderView>,
    /// Units of the kurta in all orders.
    units: i64,
    /// The kurta's stock now.
    stock: i64,
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Sqlite(sqlite) => sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(sqlite.reads())
            .await
            .unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap(),
    }
}

/// The ids of the orders with a line for `variant`, read from the tables
/// themselves rather than through the buyers who placed them.
async fn orders_of_variant(db: &Db, variant: i64) -> BTreeSet<i64> {
    const SQL: &str = "SELECT DISTINCT s.order_id FROM order_items i \
         JOIN sub_orders s ON s.id = i.sub_order_id WHERE i.variant_id = $1";
    let ids: Vec<i64> = match db {
        Db::Sqlite(sqlite) => sqlx::query_scalar(SQL)
            .bind(variant)
            .fetch_all(sqlite.reads())
            .await
            .unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(SQL).bind(variant).fetch_all(pool).await.unwrap(),
    };
    ids.into_iter().collect()
}

async fn audit(db: &Db, buyers: &[UserId], listing: i64) -> Audit {
    let mut orders = BTreeMap::new();
    for &buyer in buyers {
        for record in odop_store::orders::of_buyer(db, buyer, 10_000).await.unwrap() {
            let view = odop_store::orders::order(db, OrderId(record.id))
                .await
                .unwrap()
                .expect("a listed order can be read");
            assert_eq!(view.order.buyer_user_id, buyer.0);
            orders.insert(record.id, view);
        }
    }
    assert_eq!(
        count(db, "SELECT count(*) FROM orders").await,
        orders.len() as i64,
        "every order in the database belongs to one of the buyers"
    );
    let mut units = 0;
    for (id, view) in &orders {
        assert_whole(*id, view, listing);
        assert_eq!(view.parts[0].status, "placed", "a COD order is placed at once");
        assert_eq!(view.order.payment_method, "cod");
        units += view.items[0].quantity;
    }
    assert_eq!(
        seller_notices(db).await,
        orders.len(),
        "the seller's notice is written with its order, never without"
    );
    let stock = stock_of(db, listing).await;
    Audit { orders, units, stock }
}

/// Nothing half-written: the order of one kurta of size M from `listing`,
/// its one sub-order, its one line and the sub-order's first event are
/// there all together or not at all.
fn assert_whole(id: i64, view: &OrderView, listing: i64) {
    assert_eq!(view.parts.len(), 1, "order {id} has its sub-order: {view:?}");
    assert_eq!(view.items.len(), 1, "order {id} has its item: {view:?}");
    assert_eq!(view.events.len(), 1, "order {id} has its placing event: {view:?}");
    assert_eq!(view.items[0].sub_order_id, view.parts[0].id);
    assert_eq!(view.items[0].listing_id, listing);
    assert_eq!(view.items[0].sku, "KURTA-M");
    assert_eq!(view.items[0].quantity, 1);
    assert_eq!(view.order.items_paise, 149_900);
    assert_eq!(view.parts[0].total_paise, view.order.total_paise);
}

/// How many new-order messages the outbox holds for the seller.
async fn seller_notices(db: &Db) -> usize {
    let seller = Phone::parse(SELLER).unwrap().to_string();
    odop_store::outbox::recent(db, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.recipient == seller && e.kind == "order")
        .count()
}

async fn survives_sigkill(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let started = Instant::now();
    let data_dir = database.dir.path().to_owned();
    let url = (backend == Backend::Postgres).then_some(database.url.as_str());
    let logs = tempfile::Builder::new().prefix("odop-durability-").tempdir().unwrap();
    let log = logs.path().join("odop.log");
    let mut node = Node::start(&data_dir, url, &log).await;

    // The node made the database; the test seeds it beside the node, as a
    // second process would.
    let db = database.connect().await;
    let (listing, variant) = kurta_on_sale(&db, &node.base, STOCK).await;
    let phones: Vec<String> = (0..BUYERS).map(|i| format!("97700{i:05}")).collect();
    let (buyers, users) = buyers(&db, &phones, &[&node.base]).await;
    // Nothing of the test's own holds the database while the node dies.
    db.close().await;

    let attempts = fire_and_kill(&mut node, buyers, variant).await;
    let acknowledged: BTreeMap<&str, i64> = attempts
        .iter()
        .filter_map(|a| match a.outcome {
            Outcome::Acknowledged(id) => Some((a.key.as_str(), id)),
            _ => None,
        })
        .collect();
    let cut_off: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::CutOff(_)))
        .collect();
    // Requests whose fate the client does not know: cut off, or turned away
    // as "busy" on a loaded machine.
    let unsettled: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::CutOff(_) | Outcome::Answered(503, _)))
        .collect();
    let refused: Vec<String> = attempts
        .iter()
        .filter_map(|a| match &a.outcome {
            Outcome::Answered(status, body) if *status != 503 => Some(format!("{}: {status} {body}", a.key)),
            _ => None,
        })
        .collect();
    assert!(
        refused.is_empty(),
        "before the kill every order was placed: {refused:?}"
    );
    assert!(acknowledged.len() >= ACKS_BEFORE_KILL);
    assert!(!cut_off.is_empty(), "the kill cut requests off in flight");
    let ids: BTreeSet<i64> = acknowledged.values().copied().collect();
    assert_eq!(ids.len(), acknowledged.len(), "every acknowledgement is its own order");
    let first_cut = match &cut_off[0].outcome {
        Outcome::CutOff(error) => error.as_str(),
        _ => unreachable!("only cut-off attempts were kept"),
    };
    eprintln!(
        "{backend:?}: {} orders acknowledged, {} cut off by SIGKILL ({first_cut}), {} busy, after {:.1?}",
        acknowledged.len(),
        cut_off.len(),
        unsettled.len() - cut_off.len(),
        started.elapsed()
    );

    // Restarted on the same data: every acknowledged order is there, whole,
    // and no unit of stock was lost or made up.
    let mut node = Node::start(&data_dir, url, &log).await;
    let db = database.connect().await;
    let before = audit(&db, &users, listing).await;
    for (key, id) in &acknowledged {
        assert!(before.orders.contains_key(id), "acknowledged order {id} survived");
        let buyer = users[attempts.iter().find(|a| a.key == *key).unwrap().buyer];
        assert_eq!(
            odop_store::orders::by_key(&db, buyer, key).await.unwrap(),
            Some(OrderId(*id)),
            "the order keeps its idempotency key"
        );
    }
    let mut committed_unanswered = 0;
    for attempt in &unsettled {
        if let Some(order) = odop_store::orders::by_key(&db, users[attempt.buyer], &attempt.key)
            .await
            .unwrap()
        {
            assert!(before.orders.contains_key(&order.0));
            committed_unanswered += 1;
        }
    }
    assert_eq!(
        before.orders.len(),
        acknowledged.len() + committed_unanswered,
        "every order in the database was asked for by one request"
    );
    assert_eq!(
        before.stock + before.units,
        STOCK,
        "stock left ({}) and units ordered ({}) add up to the stock listed",
        before.stock,
        before.units
    );

    // Each buyer whose request was cut off tries again with the same key:
    // one order per key, whether or not the first try had committed.
    let mut retried = BTreeMap::new();
    for attempt in &unsettled {
        let (buyer, _) = signed_in(&db, &node.base, &phones[attempt.buyer]).await;
        let committed = odop_store::orders::by_key(&db, users[attempt.buyer], &attempt.key)
            .await
            .unwrap();
        let (status, order) = place_until_not_busy(&buyer, &attempt.key, &order_body(variant, "cod")).await;
        let id = order["id"].as_i64().unwrap_or_else(|| panic!("{status}: {order}"));
        match committed {
            Some(existing) => {
                assert_eq!(status, 200, "a retry of a committed order is a replay");
                assert_eq!(id, existing.0);
            }
            None => assert_eq!(status, 201, "a retry of a lost request places it"),
        }
        retried.insert(attempt.key.clone(), id);
    }
    let after = audit(&db, &users, listing).await;
    assert_eq!(
        after.orders.len(),
        acknowledged.len() + unsettled.len(),
        "one order per key, no more"
    );
    assert!(retried.values().all(|id| after.orders.contains_key(id)));
    assert_eq!(after.stock + after.units, STOCK);
    db.close().await;
    node.stop();
    eprintln!(
        "{backend:?}: {committed_unanswered} of {} unanswered requests had committed; whole run {:.1?}",
        unsettled.len(),
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_orders_survive_sigkill_and_stock_adds_up_on_sqlite() {
    survives_sigkill(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_orders_survive_sigkill_and_stock_adds_up_on_postgres() {
    survives_sigkill(Backend::Postgres).await;
}

/// What one racing buyer asked for and heard back.
struct Entry {
    buyer: usize,
    method: &'static str,
    answer: Result<(u16, Value), String>,
}

/// 200 buyers, half talking to each of two `odop serve` processes on one
/// PostgreSQL database, each order one of the last ten units at the same
/// moment. Two processes have no lock in common but the database's, so
/// this is where an oversell would show if taking stock were not atomic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_buyers_race_for_ten_units_through_two_odop_serve_processes_on_postgres() {
    let Some(database) = TestDatabase::new(Backend::Postgres).await else {
        return;
    };
    let started = Instant::now();
    let logs = tempfile::Builder::new().prefix("odop-race-").tempdir().unwrap();
    // The first node migrates and seeds the fresh database. `Node::start`
    // returns only once it answers /healthz, so the second node, with a
    // data directory (and search index) of its own, finds the schema made
    // instead of racing the first at migrating it.
    let mut first = Node::start(database.dir.path(), Some(&database.url), &logs.path().join("first.log")).await;
    let second_dir = tempfile::Builder::new().prefix("odop-second-node-").tempdir().unwrap();
    let mut second = Node::start(second_dir.path(), Some(&database.url), &logs.path().join("second.log")).await;
    assert_ne!(first.base, second.base, "two processes, two addresses");
    let bases = [first.base.as_str(), second.base.as_str()];
    let nodes_up = started.elapsed();

    let db = database.connect().await;
    let (listing, variant) = kurta_on_sale(&db, &first.base, LAST_UNITS).await;
    let phones: Vec<String> = (0..RACERS).map(|i| format!("97800{i:05}")).collect();
    let (buyers, users) = buyers(&db, &phones, &bases).await;
    // Each buyer has the CSRF cookie of its own node before the race, as a
    // browser has from the page it orders on, so that the race is only the
    // orders.
    for buyer in &buyers {
        buyer.csrf().await;
    }
    let ready = started.elapsed();

    // Every buyer waits at the barrier with its request ready; the last to
    // arrive lets all 200 go together. Buyer i talks to node i % 2, and the
    // method changes every two buyers, so that each node gets both online
    // and cash-on-delivery orders.
    let barrier = Arc::new(Barrier::new(RACERS));
    let race = Instant::now();
    let tasks: Vec<_> = buyers
        .into_iter()
        .enumerate()
        .map(|(i, buyer)| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                let method = if (i / 2) % 2 == 0 { "online" } else { "cod" };
                let body = order_body(variant, method);
                let key = key(i, 0);
                barrier.wait().await;
                let answer = place(&buyer, &key, &body).await;
                Entry {
                    buyer: i,
                    method,
                    answer,
                }
            })
        })
        .collect();
    let mut entries = Vec::new();
    for task in tasks {
        entries.push(task.await.unwrap());
    }
    let race = race.elapsed();

    // Exactly ten orders and a clear refusal for everyone else: no other
    // status (a 503 from an exhausted pool, a 500 from a deadlock) and no
    // cut-off connection.
    let mut placed: BTreeMap<i64, &Entry> = BTreeMap::new();
    let mut sold_out = 0;
    let mut unexpected = Vec::new();
    for entry in &entries {
        match &entry.answer {
            Ok((201, order)) => {
                let id = order["id"]
                    .as_i64()
                    .unwrap_or_else(|| panic!("201 without an order id: {order}"));
                assert!(placed.insert(id, entry).is_none(), "order {id} was acknowledged twice");
            }
            Ok((409, refusal))
                if refusal["error"]["message"]
                    .as_str()
                    .is_some_and(|message| message.contains("sold out")) =>
            {
                sold_out += 1;
            }
            Ok((status, body)) => unexpected.push(format!("buyer {} ({}): {status} {body}", entry.buyer, entry.method)),
            Err(error) => unexpected.push(format!("buyer {} ({}): no answer: {error}", entry.buyer, entry.method)),
        }
    }
    assert!(
        unexpected.is_empty(),
        "every buyer gets an order or a clear \"sold out\", but {} did not: {unexpected:#?}\n\
         --- first node ---\n{}\n--- second node ---\n{}",
        unexpected.len(),
        first.log(),
        second.log()
    );
    assert_eq!(placed.len() as i64, LAST_UNITS, "exactly the last units are sold");
    assert_eq!(sold_out, RACERS - placed.len(), "everyone else hears \"sold out\"");

    // What the database holds agrees with what the buyers were told.
    assert_eq!(stock_of(&db, listing).await, 0, "the stock ends at 0, not below");
    assert_eq!(
        orders_of_variant(&db, variant).await,
        placed.keys().copied().collect::<BTreeSet<i64>>(),
        "the database holds exactly the acknowledged orders for the variant"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM orders").await,
        LAST_UNITS,
        "no refused buyer left an order behind, with or without its line"
    );
    for (id, entry) in &placed {
        let view = odop_store::orders::order(&db, OrderId(*id))
            .await
            .unwrap()
            .expect("an acknowledged order can be read");
        assert_whole(*id, &view, listing);
        assert_eq!(
            view.order.buyer_user_id, users[entry.buyer].0,
            "order {id} is its buyer's"
        );
        assert_eq!(view.order.payment_method, entry.method);
        // An online order holds its unit while the buyer pays, with the
        // gateway's payment started; cash on delivery is placed at once.
        let (status, payments) = match entry.method {
            "online" => ("awaiting_payment", 1),
            _ => ("placed", 0),
        };
        assert_eq!(view.parts[0].status, status, "order {id}: {view:?}");
        assert_eq!(view.payments.len(), payments, "order {id}: {view:?}");
    }
    let cash = placed.values().filter(|entry| entry.method == "cod").count();
    assert_eq!(
        seller_notices(&db).await,
        cash,
        "the seller is told of each cash-on-delivery order, and of nothing refused"
    );
    db.close().await;
    first.stop();
    second.stop();

    let through_first = placed.values().filter(|entry| entry.buyer % 2 == 0).count();
    eprintln!(
        "race: {} orders ({through_first} through the first node, {} through the second; {cash} cash on \
         delivery), {sold_out} sold out; both nodes up after {nodes_up:.1?}, buyers ready after {ready:.1?}, \
         race {race:.1?}, whole test {:.1?}",
        placed.len(),
        placed.len() - through_first,
        started.elapsed()
    );
}
