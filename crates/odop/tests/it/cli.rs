//! The `odop` binary as a new user runs it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use crate::support::{Backend, TestDatabase};

const ODOP: &str = env!("CARGO_BIN_EXE_odop");

/// `odop` with a clean environment: no `ODOP_*` variable leaks in from the
/// machine running the tests, and the working directory is `dir`.
fn odop(dir: &Path) -> Command {
    let mut command = Command::new(ODOP);
    command
        .current_dir(dir)
        .env_remove("ODOP_CONFIG")
        .env("ODOP_LOG", "warn");
    for (name, _) in std::env::vars() {
        if name.starts_with("ODOP_") && name != "ODOP_LOG" {
            command.env_remove(name);
        }
    }
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("odop runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A running `odop serve` and the address it announced.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(command: &mut Command) -> Server {
        let mut child = command
            .arg("--listen")
            .arg("127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("odop serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(base) = line.split_whitespace().find(|word| word.starts_with("http://")) else {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!("odop serve did not announce its address: {line:?} {}", stderr(&output));
        };
        let base = base.to_owned();
        Server { child, base }
    }

    async fn districts(&self) -> Vec<serde_json::Value> {
        crate::support::get(format!("{}/api/v1/districts", self.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Sends SIGTERM and waits for a clean exit.
    fn stop(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("odop serve did not stop within 5 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn help_describes_every_command_and_option() {
    let dir = tempfile::tempdir().unwrap();
    let help = stdout(&run(odop(dir.path()).arg("--help")));
    for word in [
        "serve",
        "migrate",
        "seed",
        "reindex",
        "gen",
        "books",
        "keys",
        "audit",
        "--config",
        "--log",
        "ODOP_CONFIG",
    ] {
        assert!(help.contains(word), "odop --help lacks {word}:\n{help}");
    }
    let help = stdout(&run(odop(dir.path()).args(["serve", "--help"])));
    for word in [
        "--listen",
        "--data-dir",
        "--database-url",
        "ODOP_LISTEN",
        "ODOP_DATA_DIR",
        "ODOP_DATABASE_URL",
        "127.0.0.1:8080",
        "./data",
    ] {
        assert!(help.contains(word), "odop serve --help lacks {word}:\n{help}");
    }
}

#[test]
fn generated_orders_come_with_their_books_and_a_second_backfill_finds_nothing_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(odop(dir.path()).args(["gen", "--listings", "200", "--sellers", "20", "--orders", "400"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stdout(&output);
    let books = said
        .lines()
        .find(|line| line.starts_with("the books of past orders:"))
        .unwrap_or_else(|| panic!("gen keeps the books: {said}"));
    let invoices: u64 = books
        .split(", ")
        .find_map(|part| part.strip_suffix(" invoices and bills of supply"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{books}"));
    assert!(invoices > 300, "{books}");
    let again = run(odop(dir.path()).args(["books", "backfill"]));
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("0 payments received, 0 invoices and bills of supply, 0 sales delivered, 0 returns"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn migrate_then_seed_twice_changes_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../odop-store/migrations/sqlite"))
        .unwrap()
        .count();
    let output = run(odop(dir.path()).arg("migrate"));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(&format!("applied {migrations} migration(s)")),
        "{}",
        stdout(&output)
    );
    assert!(
        dir.path().join("data/odop.db").is_file(),
        "the database lands in ./data"
    );

    let first = run(odop(dir.path()).arg("seed"));
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("districts: 75 inserted, 0 updated, 0 unchanged"),
        "{}",
        stdout(&first)
    );
    let second = run(odop(dir.path()).arg("seed"));
    assert!(stdout(&second).contains("divisions: 0 inserted, 0 updated, 18 unchanged"));
    assert!(stdout(&second).contains("districts: 0 inserted, 0 updated, 75 unchanged"));

    let again = run(odop(dir.path()).arg("migrate"));
    assert!(stdout(&again).contains("applied 0 migration(s)"));
}

#[test]
fn seeding_an_unmigrated_database_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(odop(dir.path()).arg("seed"));
    assert!(!output.status.success());
    assert!(stderr(&output).contains("odop migrate"), "{}", stderr(&output));
}

#[tokio::test]
async fn serve_creates_migrates_seeds_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(odop(dir.path()).arg("serve"));
    assert!(server.base.starts_with("http://127.0.0.1:"));
    assert_eq!(server.districts().await.len(), 75);
    assert!(dir.path().join("data/odop.db").is_file());
    let status = server.stop();
    assert!(status.success(), "exit status after SIGTERM: {status}");

    // The second start finds an existing database and serves it as it was.
    let server = Server::start(odop(dir.path()).arg("serve"));
    assert_eq!(server.districts().await.len(), 75);
    server.stop();
}

#[tokio::test]
async fn settings_come_from_environment_file_and_flags_in_that_order() {
    let dir = tempfile::tempdir().unwrap();
    // The environment chooses the data directory.
    let server = Server::start(odop(dir.path()).arg("serve").env("ODOP_DATA_DIR", "from-env"));
    assert_eq!(server.districts().await.len(), 75);
    server.stop();
    assert!(dir.path().join("from-env/odop.db").is_file());

    // odop.toml in the working directory is read; the environment overrides it.
    std::fs::write(dir.path().join("odop.toml"), "data_dir = \"from-file\"\n").unwrap();
    Server::start(odop(dir.path()).arg("serve")).stop();
    assert!(dir.path().join("from-file/odop.db").is_file());
    Server::start(odop(dir.path()).arg("serve").env("ODOP_DATA_DIR", "env-wins")).stop();
    assert!(dir.path().join("env-wins/odop.db").is_file());
    // A flag overrides both.
    Server::start(
        odop(dir.path())
            .args(["serve", "--data-dir", "flag-wins"])
            .env("ODOP_DATA_DIR", "env-loses"),
    )
    .stop();
    assert!(dir.path().join("flag-wins/odop.db").is_file());
    assert!(!dir.path().join("env-loses").exists());
}

#[test]
fn bad_settings_fail_at_once_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("odop.toml"), "lisen = \"127.0.0.1:1\"\n").unwrap();
    let output = run(odop(dir.path()).arg("migrate"));
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("invalid configuration file odop.toml"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_file(dir.path().join("odop.toml")).unwrap();

    let output = run(odop(dir.path()).args(["migrate", "--database-url", "mysql://root:hunter2@db/x"]));
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("unsupported database URL"), "{message}");
    assert!(
        !message.contains("hunter2"),
        "passwords never reach the terminal: {message}"
    );

    let output = run(odop(dir.path()).args(["serve", "--listen", "not-an-address"]));
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--listen"), "{}", stderr(&output));

    let output = run(odop(dir.path()).args(["migrate", "--config", "missing.toml"]));
    assert!(!output.status.success());
    assert!(stderr(&output).contains("missing.toml"));

    // Beyond this machine, links must name the public address, not
    // whatever Host a request claims.
    let output = run(odop(dir.path()).args(["serve", "--listen", "0.0.0.0:0"]));
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--public-url"), "{}", stderr(&output));
}

#[tokio::test]
async fn metrics_are_served_on_their_own_address_and_not_to_the_public() {
    let dir = tempfile::tempdir().unwrap();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let metrics_address = free.local_addr().unwrap();
    drop(free);
    let server = Server::start(
        odop(dir.path())
            .arg("serve")
            .args(["--metrics-listen", &metrics_address.to_string()]),
    );
    crate::support::get(format!("{}/districts/lucknow", server.base))
        .await
        .unwrap();
    let public = crate::support::get(format!("{}/metrics", server.base)).await.unwrap();
    assert_eq!(public.status(), 404, "not on the site's address");
    let private = crate::support::get(format!("http://{metrics_address}/metrics"))
        .await
        .unwrap();
    assert_eq!(private.status(), 200);
    assert!(private.text().await.unwrap().contains("http_requests_total"));
    let ready = crate::support::get(format!("http://{metrics_address}/readyz"))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let page = crate::support::get(format!("http://{metrics_address}/districts/lucknow"))
        .await
        .unwrap();
    assert_eq!(page.status(), 404, "only monitoring there");
    assert!(server.stop().success());
}

#[tokio::test]
async fn serve_on_postgres_behaves_like_sqlite() {
    let Some(database) = TestDatabase::new(Backend::Postgres).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(odop(dir.path()).arg("serve").env("ODOP_DATABASE_URL", &database.url));
    let districts = server.districts().await;
    assert_eq!(districts.len(), 75);
    assert!(
        !dir.path().join("data/odop.db").exists(),
        "no SQLite file when PostgreSQL is used"
    );
    server.stop();

    // A second node on the same database starts without re-seeding anything.
    let other = Server::start(odop(dir.path()).args(["serve", "--database-url", &database.url]));
    assert_eq!(other.districts().await.len(), 75);
    let seeded = run(odop(dir.path()).args(["seed", "--database-url", &database.url]));
    assert!(stdout(&seeded).contains("districts: 0 inserted, 0 updated, 75 unchanged"));
    other.stop();
}

/// A loopback SMS gateway that records every request body it receives.
async fn sms_gateway() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = received.clone();
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |body: String| {
            let log = log.clone();
            async move {
                log.lock().unwrap().push(body);
                "queued"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

/// The messages the gateway has received once there are `count`, or after
/// five seconds, whatever there are.
async fn wait_for_sms(received: &std::sync::Mutex<Vec<String>>, count: usize) -> Vec<String> {
    for _ in 0..100 {
        let delivered = received.lock().unwrap().clone();
        if delivered.len() >= count {
            return delivered;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    received.lock().unwrap().clone()
}

fn cookie_client() -> reqwest::Client {
    crate::support::http()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The CSRF token a page's form carries.
fn form_token(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page has a form with a CSRF token")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_made_on_the_command_line_sign_in_and_codes_reach_an_http_sms_gateway() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let (gateway, received) = sms_gateway().await;
    std::fs::write(
        dir.path().join("odop.toml"),
        format!(
            "[sms]\nsender = \"http\"\nurl = \"{gateway}\"\nformat = \"json\"\nbody = '{{\"to\": \"{{to}}\", \"message\": \"{{text}}\"}}'\n\
             headers = {{ Authorization = \"Bearer test\" }}\n"
        ),
    )
    .unwrap();
    assert!(run(odop(dir.path()).arg("migrate")).status.success());
    assert!(run(odop(dir.path()).arg("seed")).status.success());

    let mut create = odop(dir.path())
        .args(["user", "create", "--phone", "9123456789", "--name", "Asha Verma"])
        .args([
            "--role",
            "district-officer",
            "--district",
            "lucknow",
            "--district",
            "hardoi",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    create
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long staff password\n")
        .unwrap();
    let output = create.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("+91 91234 56789"));
    let output = run(odop(dir.path()).args([
        "user",
        "create",
        "--phone",
        "9123456789",
        "--name",
        "X",
        "--role",
        "district-officer",
        "--password-stdin",
    ]));
    assert!(!output.status.success(), "an officer needs a district");

    // The web nodes do not deliver; a separate worker does.
    let server = Server::start(odop(dir.path()).args(["serve", "--no-worker"]));
    let mut worker = odop(dir.path())
        .arg("worker")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let officer = cookie_client();
    let page = officer
        .get(format!("{}/signin/staff", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = officer
        .post(format!("{}/signin/staff", server.base))
        .form(&[
            ("_csrf", form_token(&page).as_str()),
            ("phone", "9123456789"),
            ("password", "a long staff password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    // The password is one factor; the second is a code by SMS, through the
    // gateway, delivered by the separate worker.
    let second_step = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(second_step.starts_with("/signin/staff/code"), "{second_step}");
    let staff_sms = wait_for_sms(&received, 1).await;
    let staff_sms: serde_json::Value = serde_json::from_str(&staff_sms[0]).unwrap();
    assert_eq!(staff_sms["to"], "+919123456789");
    let code = crate::support::people::first_code(staff_sms["message"].as_str().unwrap()).unwrap();
    let page = officer
        .get(format!("{}{second_step}", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = officer
        .post(format!("{}/signin/staff/code", server.base))
        .form(&[("_csrf", form_token(&page).as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/desk");
    let desk = officer
        .get(format!("{}/desk", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        desk.contains("Hardoi, Lucknow"),
        "the desk covers both districts, in registry order"
    );

    let artisan = cookie_client();
    let page = artisan
        .get(format!("{}/signin", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = artisan
        .post(format!("{}/signin", server.base))
        .form(&[("_csrf", form_token(&page).as_str()), ("phone", "9876500000")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let delivered = wait_for_sms(&received, 2).await;
    let _ = worker.kill();
    let _ = worker.wait();
    assert_eq!(delivered.len(), 2, "the gateway received the code");
    let sms: serde_json::Value = serde_json::from_str(&delivered[1]).unwrap();
    assert_eq!(sms["to"], "+919876500000");
    assert!(sms["message"].as_str().unwrap().contains("ODOP sign-in code"));
    server.stop();
}

#[tokio::test]
async fn the_dev_outbox_exists_only_in_development_mode() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(odop(dir.path()).arg("serve"));
    assert_eq!(
        crate::support::get(format!("{}/dev/outbox", server.base))
            .await
            .unwrap()
            .status(),
        404
    );
    server.stop();
    let server = Server::start(odop(dir.path()).args(["serve", "--dev"]));
    let response = crate::support::get(format!("{}/dev/outbox", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Outbox"));
    server.stop();
}

/// What generated listings say, in id order: the same seed must make the
/// same strings.
async fn fingerprint(url: &str) -> Vec<String> {
    let db = odop_store::Db::connect(url).await.unwrap();
    let ids: Vec<i64> = (1..=2000).collect();
    let listings = odop_store::catalogue::listings(&db, &ids).await.unwrap();
    db.close().await;
    listings
        .iter()
        .map(|l| {
            let r = &l.record;
            let prices: Vec<String> = l
                .variants
                .iter()
                .map(|v| format!("{}:{}:{}", v.label, v.price_paise, v.stock))
                .collect();
            format!(
                "{} {:?} {:?} {} {} {} {} {:?} [{}]",
                r.district,
                r.title_en,
                r.title_hi,
                r.status,
                r.hsn,
                r.gst_rate_bp,
                r.created_at.millis(),
                r.seller_name,
                prices.join(" ")
            )
        })
        .collect()
}

async fn search_total(server: &Server, query: &str) -> u64 {
    let body: serde_json::Value = crate::support::get(format!("{}/api/v1/search?q={query}", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["total"].as_u64().unwrap()
}

async fn generated_data_is_reproducible_valid_and_searchable(backend: Backend) {
    let mut databases = Vec::new();
    for _ in 0..3 {
        let Some(database) = TestDatabase::new(backend).await else {
            return;
        };
        databases.push(database);
    }
    let dir = tempfile::tempdir().unwrap();
    for (database, seed) in databases.iter().zip(["7", "7", "8"]) {
        let output = run(odop(dir.path()).args([
            "gen",
            "--database-url",
            &database.url,
            "--listings",
            "600",
            "--sellers",
            "60",
            "--seed",
            seed,
        ]));
        assert!(output.status.success(), "odop gen failed: {}", stderr(&output));
        assert!(stdout(&output).contains("600 listings"), "{}", stdout(&output));
        assert!(
            stdout(&output).contains("sign in at /signin with +91 60000"),
            "{}",
            stdout(&output)
        );
    }
    // The same command again changes nothing: a filled catalogue is
    // refused without --append.
    let refused = run(odop(dir.path()).args(["gen", "--database-url", &databases[0].url, "--listings", "10"]));
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("--append"), "{}", stderr(&refused));
    let first = fingerprint(&databases[0].url).await;
    assert_eq!(first.len(), 600);
    assert_eq!(
        first,
        fingerprint(&databases[1].url).await,
        "the same seed makes the same data"
    );
    assert_ne!(
        first,
        fingerprint(&databases[2].url).await,
        "another seed makes other data"
    );
    // Every listing's seller is verified, so every active listing is public.
    assert!(first.iter().all(|line| !line.ends_with("None []")));

    let db = odop_store::Db::connect(&databases[0].url).await.unwrap();
    let public = odop_store::catalogue::count_public(&db).await.unwrap() as u64;
    let sellers = odop_store::catalogue::listings(&db, &(1..=600).collect::<Vec<_>>())
        .await
        .unwrap();
    assert!(sellers.iter().all(|l| l.record.seller_name.is_some()));
    // Each listing shows a picture of its craft, its files stored once.
    assert!(
        sellers.iter().all(|l| l.photos.len() == 1),
        "every listing has a picture"
    );
    let keys: std::collections::HashSet<&str> = sellers.iter().map(|l| l.photos[0].storage_key.as_str()).collect();
    assert!(
        keys.len() < 300,
        "pictures are shared by the listings of a craft: {}",
        keys.len()
    );
    let pin_ok = odop_store::onboarding::get(&db, odop_domain::ApplicationId(1))
        .await
        .unwrap()
        .unwrap();
    let pin = odop_domain::identity::Pin::parse(pin_ok.pin.as_deref().unwrap()).unwrap();
    assert!(
        odop_domain::checkout::state(odop_domain::checkout::UTTAR_PRADESH)
            .unwrap()
            .accepts(&pin),
        "a seller's PIN is Uttar Pradesh's"
    );
    assert!(
        sellers.iter().any(|l| l.record.seller_vendor_name.is_some()),
        "some listings are artisans' under a vendor"
    );
    db.close().await;
    assert!(public > 450 && public < 600, "most listings are on sale: {public}");
    if backend == Backend::Postgres {
        // Vacuumed and analysed before serving, not when autovacuum comes.
        let pool = sqlx::PgPool::connect(&databases[0].url).await.unwrap();
        let settled: bool = sqlx::query_scalar(
            "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'listings'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(settled, "odop gen vacuums and analyses what it loaded");
        pool.close().await;
    }

    // A node starting on the generated database indexes it; so does a node
    // whose index was damaged; `odop reindex` rebuilds it on demand.
    let data = dir.path().join("node");
    let data = data.to_str().unwrap();
    let serve = |dir: &Path| {
        let mut command = odop(dir);
        command.args(["serve", "--database-url", &databases[0].url, "--data-dir", data]);
        command
    };
    let server = Server::start(&mut serve(dir.path()));
    assert_eq!(search_total(&server, "").await, public);
    assert!(search_total(&server, "kurta").await > 0);
    assert!(server.stop().success());
    std::fs::write(dir.path().join("node/index/meta.json"), "{ damaged").unwrap();
    let server = Server::start(&mut serve(dir.path()));
    assert_eq!(
        search_total(&server, "").await,
        public,
        "a damaged index is rebuilt at start"
    );
    assert!(server.stop().success());
    let output = run(odop(dir.path()).args(["reindex", "--database-url", &databases[0].url, "--data-dir", data]));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(&format!("indexed {public} listings")),
        "{}",
        stdout(&output)
    );
}

#[tokio::test]
async fn generated_data_is_reproducible_valid_and_searchable_on_sqlite() {
    generated_data_is_reproducible_valid_and_searchable(Backend::Sqlite).await;
}

#[tokio::test]
async fn generated_data_is_reproducible_valid_and_searchable_on_postgres() {
    generated_data_is_reproducible_valid_and_searchable(Backend::Postgres).await;
}

/// One number from a query, on either database.
async fn number(db: &odop_store::Db, sql: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db {
        odop_store::Db::Sqlite(sqlite) => sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(sqlite.reads())
            .await
            .unwrap(),
        odop_store::Db::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap(),
    }
}

async fn generated_orders_are_whole_and_follow_the_seasons(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let output = run(odop(dir.path()).args([
        "gen",
        "--database-url",
        &database.url,
        "--listings",
        "400",
        "--sellers",
        "40",
        "--orders",
        "2000",
        "--buyers",
        "300",
        "--seed",
        "5",
    ]));
    assert!(output.status.success(), "odop gen failed: {}", stderr(&output));
    assert!(
        stdout(&output).contains("300 buyers, 2000 orders"),
        "{}",
        stdout(&output)
    );

    let db = odop_store::Db::connect(&database.url).await.unwrap();
    assert_eq!(number(&db, "SELECT COUNT(*) FROM orders").await, 2000);
    let buyers = number(&db, "SELECT COUNT(DISTINCT buyer_user_id) FROM orders").await;
    assert!(buyers > 250 && buyers <= 300, "orders spread over the buyers: {buyers}");
    // Every order is whole: its total is its sub-orders', each sub-order's
    // goods are its items', and the GST charged is the items' GST.
    let broken = [
        "SELECT COUNT(*) FROM orders o WHERE o.total_paise <> (SELECT SUM(s.total_paise) FROM sub_orders s WHERE s.order_id = o.id)",
        "SELECT COUNT(*) FROM sub_orders s WHERE s.items_paise <> (SELECT SUM(i.unit_price_paise * i.quantity) FROM order_items i WHERE i.sub_order_id = s.id)",
        "SELECT COUNT(*) FROM sub_orders s WHERE s.cgst_paise + s.sgst_paise + s.igst_paise <> (SELECT SUM(i.tax_paise) FROM order_items i WHERE i.sub_order_id = s.id)",
        "SELECT COUNT(*) FROM sub_orders s WHERE NOT EXISTS (SELECT 1 FROM sub_order_events e WHERE e.sub_order_id = s.id)",
        "SELECT COUNT(*) FROM orders o JOIN sub_orders s ON s.order_id = o.id WHERE (o.ship_state = '09') <> (s.igst_paise = 0)",
        "SELECT COUNT(*) FROM sub_orders s WHERE s.status IN ('shipped', 'delivered') AND s.tracking IS NULL",
    ];
    for query in broken {
        assert_eq!(number(&db, query).await, 0, "{query}");
    }
    let statuses = number(&db, "SELECT COUNT(DISTINCT status) FROM sub_orders").await;
    assert!(
        statuses >= 4,
        "delivered, cancelled, rejected and some on their way: {statuses}"
    );
    let delivered = number(&db, "SELECT COUNT(*) FROM sub_orders WHERE status = 'delivered'").await;
    let parts = number(&db, "SELECT COUNT(*) FROM sub_orders").await;
    assert!(
        delivered * 100 / parts > 75,
        "most are delivered: {delivered} of {parts}"
    );
    // Festivals: October and November (Diwali, weddings) outsell June and
    // July (the monsoon), in India's time.
    let created: Vec<i64> = match &db {
        odop_store::Db::Sqlite(sqlite) => sqlx::query_scalar("SELECT created_at FROM orders")
            .fetch_all(sqlite.reads())
            .await
            .unwrap(),
        odop_store::Db::Postgres(pool) => sqlx::query_scalar("SELECT created_at FROM orders")
            .fetch_all(pool)
            .await
            .unwrap(),
    };
    let month = |millis: &i64| {
        use chrono::Datelike;
        (chrono::DateTime::from_timestamp_millis(*millis).unwrap() + chrono::Duration::minutes(330)).month()
    };
    let festive = created.iter().filter(|c| matches!(month(c), 10 | 11)).count();
    let monsoon = created.iter().filter(|c| matches!(month(c), 6 | 7)).count();
    assert!(2 * festive > 3 * monsoon, "festive {festive} vs monsoon {monsoon}");
    db.close().await;
}

#[tokio::test]
async fn generated_orders_are_whole_and_follow_the_seasons_on_sqlite() {
    generated_orders_are_whole_and_follow_the_seasons(Backend::Sqlite).await;
}

#[tokio::test]
async fn generated_orders_are_whole_and_follow_the_seasons_on_postgres() {
    generated_orders_are_whole_and_follow_the_seasons(Backend::Postgres).await;
}

/// A state IT cell's round: make a key, let changes happen, sign the log's
/// head, verify it; then someone edits the database and `odop audit verify`
/// names the entry and fails.
#[tokio::test]
async fn the_audit_log_is_signed_and_verified_on_the_command_line_and_tampering_fails_it() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    assert!(run(odop(dir.path()).arg("migrate")).status.success());
    assert!(run(odop(dir.path()).arg("seed")).status.success());
    let unsigned = run(odop(dir.path()).args(["audit", "checkpoint"]));
    assert!(!unsigned.status.success());
    assert!(
        stderr(&unsigned).contains("odop keys generate"),
        "{}",
        stderr(&unsigned)
    );

    let made = run(odop(dir.path()).args(["keys", "generate"]));
    assert!(made.status.success(), "{}", stderr(&made));
    let keys: Vec<_> = std::fs::read_dir(dir.path().join("data/keys"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(keys.len(), 1);
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&keys[0]).unwrap().permissions().mode() & 0o777,
            0o600,
            "the owner's only"
        );
    }
    let kid = keys[0]
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
        .rsplit('-')
        .next()
        .unwrap()
        .to_owned();
    assert!(stdout(&made).contains(&kid), "{}", stdout(&made));

    // Three staff roles granted on the command line: three entries.
    for (phone, role) in [
        ("9123456781", "state-admin"),
        ("9123456782", "finance"),
        ("9123456783", "outlet-operator"),
    ] {
        let mut create = odop(dir.path())
            .args([
                "user",
                "create",
                "--phone",
                phone,
                "--name",
                "Staff",
                "--role",
                role,
                "--password-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        create
            .stdin
            .take()
            .unwrap()
            .write_all(b"a long staff password\n")
            .unwrap();
        let created = create.wait_with_output().unwrap();
        assert!(created.status.success(), "{}", stderr(&created));
    }
    let signed = run(odop(dir.path()).args(["audit", "checkpoint"]));
    assert!(signed.status.success(), "{}", stderr(&signed));
    assert!(
        stdout(&signed).contains("checkpoint at entry 3") && stdout(&signed).contains(&kid),
        "{}",
        stdout(&signed)
    );
    let verified = run(odop(dir.path()).args(["audit", "verify"]));
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(stdout(&verified).contains("intact: 3 entries"), "{}", stdout(&verified));

    // A key readable by others is refused, not used.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&keys[0], std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = run(odop(dir.path()).args(["keys", "list"]));
        assert!(!refused.status.success());
        assert!(stderr(&refused).contains("chmod 600"), "{}", stderr(&refused));
        std::fs::set_permissions(&keys[0], std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    // Someone with the database file makes the second grant a different role.
    let db = odop_store::Db::open_sqlite_file(&dir.path().join("data/odop.db"))
        .await
        .unwrap();
    odop_store::test_support::execute(&db, "DROP TRIGGER audit_entries_immutable").await;
    odop_store::test_support::execute(
        &db,
        "UPDATE audit_entries SET after_state = 'state_admin' WHERE seq = 2",
    )
    .await;
    db.close().await;
    let tampered = run(odop(dir.path()).args(["audit", "verify"]));
    assert!(!tampered.status.success());
    assert!(
        stderr(&tampered).contains("entry 2 was altered"),
        "{}",
        stderr(&tampered)
    );
}
