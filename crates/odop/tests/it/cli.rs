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
        reqwest::get(format!("{}/api/v1/districts", self.base))
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
    for word in ["serve", "migrate", "seed", "--config", "--log", "ODOP_CONFIG"] {
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
