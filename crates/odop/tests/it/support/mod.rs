//! What the integration tests share: a running odop on a fresh database of
//! either backend, a PostgreSQL cluster, and a browser.

pub mod browser;
pub mod people;
pub mod postgres;

use std::net::SocketAddr;
use std::path::PathBuf;

use odop_store::Db;
use tempfile::TempDir;

/// A builder of HTTP clients for the tests. odop's HTTP clients use rustls
/// with ring's cryptography chosen by hand (see the workspace's
/// `Cargo.toml`), so reqwest has no provider of its own: building a client,
/// even for plain HTTP, needs one installed for the process first.
pub fn http() -> reqwest::ClientBuilder {
    #[allow(deprecated)] // ring lacks only post-quantum key exchange
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// `GET url` with a fresh client.
pub async fn get(url: impl reqwest::IntoUrl) -> reqwest::Result<reqwest::Response> {
    http().build()?.get(url).send().await
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database of one backend. For SQLite it is a file in a
/// temporary directory removed when this value is dropped.
pub struct TestDatabase {
    pub url: String,
    pub dir: TempDir,
}

impl TestDatabase {
    /// `None` when the backend is PostgreSQL and it is not available (see
    /// [`postgres::cluster`]); the test then returns early.
    pub async fn new(backend: Backend) -> Option<Self> {
        let dir = tempfile::Builder::new().prefix("odop-test-").tempdir().unwrap();
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.path().join("odop.db").display()),
            Backend::Postgres => postgres::cluster()?.fresh_database().await,
        };
        Some(Self { url, dir })
    }

    pub async fn connect(&self) -> Db {
        Db::connect(&self.url).await.expect("the test database opens")
    }
}

/// The token that opens `/metrics` on test apps.
pub const METRICS_TOKEN: &str = "test-metrics-token";

/// odop serving a fresh, migrated and seeded database on a free loopback
/// port, inside the test's own runtime: it stops when the test ends.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub db: Db,
    _database: TestDatabase,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<Self> {
        let database = TestDatabase::new(backend).await?;
        Some(Self::start(database).await)
    }

    /// A second node on the same database as another app.
    pub async fn spawn_on(url: &str) -> Self {
        let dir = tempfile::Builder::new().prefix("odop-test-").tempdir().unwrap();
        Self::start(TestDatabase {
            url: url.to_owned(),
            dir,
        })
        .await
    }

    /// Where the app keeps uploaded files.
    pub fn files_dir(&self) -> std::path::PathBuf {
        self._database.dir.path().join("files")
    }

    pub fn database_url(&self) -> String {
        self._database.url.clone()
    }

    /// odop taking payments through `payments` instead of the sandbox.
    pub async fn spawn_with_payments(backend: Backend, payments: odop_web::payments::Payments) -> Option<Self> {
        let database = TestDatabase::new(backend).await?;
        Some(Self::start_with(database, payments).await)
    }

    /// odop serving with its settings changed by `configure`.
    pub async fn spawn_configured(backend: Backend, configure: impl FnOnce(&mut odop_web::WebConfig)) -> Option<Self> {
        let database = TestDatabase::new(backend).await?;
        Some(Self::start_configured(database, odop_web::payments::Payments::sandbox(), configure).await)
    }

    async fn start(database: TestDatabase) -> Self {
        Self::start_with(database, odop_web::payments::Payments::sandbox()).await
    }

    async fn start_with(database: TestDatabase, payments: odop_web::payments::Payments) -> Self {
        Self::start_configured(database, payments, |_| {}).await
    }

    async fn start_configured(
        database: TestDatabase,
        payments: odop_web::payments::Payments,
        configure: impl FnOnce(&mut odop_web::WebConfig),
    ) -> Self {
        let db = database.connect().await;
        odop::serve::prepare(&db)
            .await
            .expect("a fresh database migrates and seeds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let files = odop_store::files::FileStore::local(&database.dir.path().join("files")).unwrap();
        let mut config = odop_web::WebConfig {
            dev: true,
            secure_cookies: false,
            trust_forwarded_for: false,
            payment_hold_minutes: None,
            public_url: None,
            metrics_token: Some(METRICS_TOKEN.to_owned()),
            keys: std::sync::Arc::new(odop_trust::KeyRing::new(vec![odop_trust::SigningKey::generate()])),
        };
        configure(&mut config);
        let registry = odop_store::registry::load(&db).await.unwrap();
        let (index, checkpoint) =
            odop_search::follow::open_or_rebuild(&db, &database.dir.path().join("index"), &registry)
                .await
                .unwrap();
        let index = std::sync::Arc::new(index);
        let state = odop_web::AppState::with_payments(db.clone(), files, index.clone(), config, payments);
        let follower = odop::serve::follower(&db, index, &state, registry, checkpoint);
        tokio::spawn(follower.run(std::time::Duration::from_millis(50), std::future::pending()));
        let app = odop_web::app(state);
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .unwrap()
        });
        // The outbox is delivered as in production, through the log sender,
        // keeping codes readable as `--dev` does.
        let worker = odop_notify::worker::Worker::new(
            db.clone(),
            std::sync::Arc::new(odop_notify::LogSender),
            odop_notify::worker::WorkerOptions {
                keep_sensitive: true,
                poll_every: std::time::Duration::from_millis(50),
                ..Default::default()
            },
        );
        tokio::spawn(worker.run(std::future::pending()));
        let client = http().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self {
            address,
            client,
            db,
            _database: database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The metrics, as a monitoring system with the token reads them.
    pub async fn metrics(&self) -> reqwest::Response {
        self.client
            .get(self.url("/metrics"))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await
            .expect("the server answers")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the server answers")
    }

    /// GET with extra request headers, such as a language preference.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("the server answers")
    }

    pub async fn json(&self, path: &str) -> (reqwest::StatusCode, serde_json::Value) {
        let response = self.get(path).await;
        let status = response.status();
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("application/json"), "{path}: {content_type}");
        (status, response.json().await.expect("the body is JSON"))
    }

    pub async fn html(&self, path: &str, headers: &[(&str, &str)]) -> (reqwest::StatusCode, String) {
        let response = self.get_with(path, headers).await;
        let status = response.status();
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("text/html"), "{path}: {content_type}");
        (status, response.text().await.unwrap())
    }
}

/// Where tests leave files for people to look at (screenshots): `target/test-output`.
pub fn test_output_dir(kind: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("test-output")
        .join(kind);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Declares one test per backend from one body: `name::sqlite` and
/// `name::postgres` run the same assertions against a fresh app each.
macro_rules! on_both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn check($app: crate::support::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = crate::support::TestApp::spawn(crate::support::Backend::Sqlite).await.unwrap();
                    check(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(app) = crate::support::TestApp::spawn(crate::support::Backend::Postgres).await else {
                        return;
                    };
                    check(app).await;
                }
            }
        )*
    };
}
pub(crate) use on_both_backends;
