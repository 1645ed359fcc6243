//! The database layer on both backends: migrations, seeding, reading.

use odop_store::{Backend as StoreBackend, seed};

use crate::support::{Backend, TestDatabase};

async fn seeding_is_idempotent_and_repairs_drift(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let db = database.connect().await;
    assert_eq!(
        db.backend(),
        match backend {
            Backend::Sqlite => StoreBackend::Sqlite,
            Backend::Postgres => StoreBackend::Postgres,
        }
    );
    let migrated = db.migrate().await.unwrap();
    assert!(migrated.applied >= 1);
    assert_eq!(
        db.migrate().await.unwrap().applied,
        0,
        "migrating twice changes nothing"
    );

    let registry = seed::registry().unwrap();
    let first = seed::apply(&db, &registry).await.unwrap();
    assert_eq!(first.divisions.inserted, 18);
    assert_eq!(first.districts.inserted, 75);
    let products: usize = registry.districts().iter().map(|d| d.products.len()).sum();
    assert_eq!(first.products.inserted, products);

    let second = seed::apply(&db, &registry).await.unwrap();
    assert!(!second.changed(), "seeding twice changes nothing: {second:?}");
    assert_eq!(second.districts.unchanged, 75);

    // What is read back is exactly what was seeded.
    let loaded = odop_store::registry::load(&db).await.unwrap();
    assert_eq!(loaded, registry);

    // A row edited behind the seed's back is put right, and only that row.
    odop_store::test_support::execute(&db, "UPDATE districts SET name_hi = 'गलत' WHERE slug = 'agra'").await;
    let repaired = seed::apply(&db, &registry).await.unwrap();
    assert_eq!(repaired.districts.updated, 1);
    assert_eq!(repaired.districts.unchanged, 74);
    assert_eq!(odop_store::registry::load(&db).await.unwrap(), registry);
}

#[tokio::test]
async fn seeding_is_idempotent_and_repairs_drift_on_sqlite() {
    seeding_is_idempotent_and_repairs_drift(Backend::Sqlite).await;
}

#[tokio::test]
async fn seeding_is_idempotent_and_repairs_drift_on_postgres() {
    seeding_is_idempotent_and_repairs_drift(Backend::Postgres).await;
}

async fn concurrent_seeding_from_several_nodes_inserts_once(backend: Backend) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let db = database.connect().await;
    db.migrate().await.unwrap();
    let registry = seed::registry().unwrap();
    let nodes: Vec<_> = (0..4)
        .map(|_| {
            let registry = registry.clone();
            let url = database.url.clone();
            tokio::spawn(async move {
                let db = odop_store::Db::connect(&url).await.unwrap();
                seed::apply(&db, &registry).await.unwrap()
            })
        })
        .collect();
    let mut inserted = 0;
    for node in nodes {
        inserted += node.await.unwrap().districts.inserted;
    }
    assert_eq!(inserted, 75, "exactly one node inserted each district");
    assert_eq!(odop_store::registry::load(&db).await.unwrap(), registry);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_seeding_inserts_once_on_sqlite() {
    concurrent_seeding_from_several_nodes_inserts_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_seeding_inserts_once_on_postgres() {
    concurrent_seeding_from_several_nodes_inserts_once(Backend::Postgres).await;
}

/// On SQLite, writes have a connection of their own: pages that hold every
/// reading connection (a busy moment) must not hold up a checkout's write,
/// which used to wait for a free connection while holding the writer's turn.
#[tokio::test]
async fn sqlite_writes_go_ahead_while_readers_hold_every_connection() {
    let database = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let db = database.connect().await;
    db.migrate().await.unwrap();
    let mut readers = Vec::new();
    for _ in 0..8 {
        readers.push(db.begin_read().await.unwrap());
    }
    let report = seed::apply(&db, &seed::registry().unwrap()).await.unwrap();
    assert_eq!(report.districts.inserted, 75);
    drop(readers);
    assert_eq!(odop_store::registry::load(&db).await.unwrap().districts().len(), 75);
}

#[tokio::test]
async fn both_backends_end_with_the_same_tables_and_columns() {
    let Some(pg) = TestDatabase::new(Backend::Postgres).await else {
        return;
    };
    let sqlite = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let (pg, sqlite) = (pg.connect().await, sqlite.connect().await);
    pg.migrate().await.unwrap();
    sqlite.migrate().await.unwrap();
    let pg_columns = odop_store::test_support::columns(&pg).await;
    let sqlite_columns = odop_store::test_support::columns(&sqlite).await;
    assert!(!pg_columns.is_empty());
    assert_eq!(
        pg_columns, sqlite_columns,
        "the two migration folders must define the same schema"
    );
}

#[test]
fn both_migration_folders_hold_the_same_migrations() {
    let names = |backend: &str| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../odop-store/migrations/").to_owned() + backend;
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

async fn sessions_end_when_idle_or_too_old(backend: Backend) {
    use chrono::{Duration, Utc};
    use odop_store::sessions;
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let db = database.connect().await;
    db.migrate().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let phone = odop_domain::identity::Phone::parse("9876543210").unwrap();
    let user = odop_store::accounts::find_or_create(&mut tx, &phone, odop_domain::Locale::En, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let start = Utc::now();

    sessions::create(&db, "staff", user, true, start).await.unwrap();
    assert!(
        sessions::find(&db, "staff", start + Duration::minutes(90))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        sessions::find(&db, "staff", start + Duration::minutes(90) + Duration::hours(2))
            .await
            .unwrap()
            .is_none(),
        "idle two hours"
    );
    assert!(
        sessions::find(&db, "staff", start).await.unwrap().is_none(),
        "an expired session is deleted, not only refused"
    );

    sessions::create(&db, "member", user, false, start).await.unwrap();
    let mut now = start;
    for _ in 0..4 {
        now += Duration::days(13);
        assert!(
            sessions::find(&db, "member", now).await.unwrap().is_some(),
            "used every 13 days"
        );
    }
    now += Duration::days(13);
    assert!(
        sessions::find(&db, "member", now).await.unwrap().is_none(),
        "never beyond 60 days after sign-in"
    );
}

#[tokio::test]
async fn sessions_end_when_idle_or_too_old_on_sqlite() {
    sessions_end_when_idle_or_too_old(Backend::Sqlite).await;
}

#[tokio::test]
async fn sessions_end_when_idle_or_too_old_on_postgres() {
    sessions_end_when_idle_or_too_old(Backend::Postgres).await;
}

/// Tax documents are numbered 1, 2, 3… per supplier, kind of document and
/// financial year, with no gap and no number twice, however many issuers
/// (and, on PostgreSQL, nodes) take numbers at once; the series starts
/// again at 1 on 1 April in India.
async fn document_numbers_are_consecutive_under_concurrent_issuers(backend: Backend, nodes: usize) {
    use chrono::{TimeZone, Utc};
    use odop_domain::UserId;
    use odop_domain::invoice::{DocumentKind, FinancialYear};
    use odop_store::documents::next_serial;

    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let db = database.connect().await;
    db.migrate().await.unwrap();
    // The first two accounts of a fresh database: ids 1 and 2 on both.
    odop_store::test_support::execute(
        &db,
        "INSERT INTO users (phone, locale, created_at) VALUES ('+919800000001', 'en', 0), ('+919800000002', 'en', 0)",
    )
    .await;
    let mut handles = vec![db.clone()];
    for _ in 1..nodes {
        handles.push(database.connect().await);
    }
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
    let issuers: Vec<_> = (0..90)
        .map(|i: usize| {
            let db = handles[i % handles.len()].clone();
            let supplier = UserId(1 + (i % 2) as i64);
            let kind = if i.is_multiple_of(3) {
                DocumentKind::CreditNote
            } else {
                DocumentKind::TaxInvoice
            };
            tokio::spawn(async move { (supplier, next_serial(&db, supplier, kind, now).await.unwrap()) })
        })
        .collect();
    let mut series: std::collections::BTreeMap<(i64, DocumentKind), Vec<u32>> = Default::default();
    for issuer in issuers {
        let (supplier, serial) = issuer.await.unwrap();
        assert_eq!(serial.year, FinancialYear(2026));
        series
            .entry((supplier.0, serial.kind))
            .or_default()
            .push(serial.sequence);
    }
    assert_eq!(series.len(), 4, "two suppliers, two kinds each");
    for ((supplier, kind), mut sequences) in series {
        sequences.sort_unstable();
        let expected: Vec<u32> = (1..=sequences.len() as u32).collect();
        assert_eq!(
            sequences, expected,
            "supplier {supplier}, {kind:?}: no gap, no number twice"
        );
    }

    // 23:59 on 31 March in India is still the year 2026-27; a minute later
    // is 2027-28, whose series starts again.
    let last_minute = Utc.with_ymd_and_hms(2027, 3, 31, 18, 29, 0).unwrap();
    let next_year = Utc.with_ymd_and_hms(2027, 3, 31, 18, 30, 0).unwrap();
    let march = next_serial(&db, UserId(1), DocumentKind::TaxInvoice, last_minute)
        .await
        .unwrap();
    assert_eq!(march.to_string(), "INV/2627/00031");
    let april = next_serial(&db, UserId(1), DocumentKind::TaxInvoice, next_year)
        .await
        .unwrap();
    assert_eq!(april.to_string(), "INV/2728/00001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_numbers_are_consecutive_on_sqlite() {
    document_numbers_are_consecutive_under_concurrent_issuers(Backend::Sqlite, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_numbers_are_consecutive_over_two_postgres_nodes() {
    document_numbers_are_consecutive_under_concurrent_issuers(Backend::Postgres, 2).await;
}
