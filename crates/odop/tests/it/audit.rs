//! The tamper-evident audit log: changes that matter are chained as they
//! happen, the chain stays one line under concurrent writers (two nodes on
//! PostgreSQL), tampering is found and located, checkpoints are signed with
//! the published key, and state admins alone browse the log.

use chrono::Utc;
use odop_store::audit::{self, AuditActor, Change};
use odop_trust::{Break, PublishedKeys};
use serde_json::Value;

use crate::checkout::{BUYER, SELLER, kurta_on_sale};
use crate::documents::paid_order;
use crate::support::on_both_backends;
use crate::support::{Backend, TestDatabase};

const ADMIN: &str = "9811100017";
const ADMIN_PASSWORD: &str = "correct horse battery staple";

on_both_backends! {
    async fn an_orders_moves_are_chained_signed_and_shown_to_state_admins_alone(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let order = paid_order(&app, &buyer, "audit-key-0001-abcdefgh", variant, "09", "226001").await;
        let part = order["sub_orders"][0]["id"].as_i64().unwrap();
        let seller = app.quick_sign_in(SELLER).await;
        assert_eq!(seller.post(&format!("/sell/orders/{part}"), &[("action", "accept")]).await.status(), 303);

        // The order, its payment and the seller's acceptance, in that order,
        // each naming who acted and the part's state before and after.
        let filter = audit::AuditFilter { object: Some(("sub_order".into(), part.to_string())), ..Default::default() };
        let moves = audit::entries(&app.db, &filter, 10).await.unwrap();
        let steps: Vec<(&str, Option<&str>, Option<&str>, &str)> = moves
            .iter()
            .rev()
            .map(|e| (e.action.as_str(), e.before.as_deref(), e.after.as_deref(), e.actor_role.as_str()))
            .collect();
        assert_eq!(
            steps,
            vec![
                ("sub_order.payment", Some("awaiting_payment"), Some("placed"), "platform"),
                ("sub_order.accept", Some("placed"), Some("accepted"), "seller"),
            ],
            "{moves:?}"
        );
        let placed = audit::entries(&app.db, &audit::AuditFilter { object: Some(("order".into(), order["id"].to_string())), ..Default::default() }, 10).await.unwrap();
        assert_eq!(placed.len(), 1);
        assert_eq!((placed[0].action.as_str(), placed[0].actor_role.as_str()), ("order.placed", "buyer"));
        assert!(placed[0].seq < moves.last().unwrap().seq, "placed before paid");

        // The chain checks out, and a checkpoint of its head verifies with
        // the key the site publishes.
        let key = odop_trust::SigningKey::generate();
        let checkpoint = audit::sign_checkpoint(&app.db, &key, Utc::now()).await.unwrap().unwrap();
        let verification = audit::verify(&app.db, &[]).await.unwrap();
        assert_eq!(verification.outcome, Ok(checkpoint.head));
        assert_eq!(verification.checkpoints, 1);
        assert_eq!(audit::sign_daily_checkpoint(&app.db, &key, Utc::now()).await.unwrap(), None, "one a day");
        let published: PublishedKeys = app.visitor(BUYER).get("/.well-known/odop-keys.json").await.json().await.unwrap();
        assert_eq!(published.keys.len(), 1, "the app's own key");
        let kept: Value = app.visitor(BUYER).get("/audit/checkpoints.json").await.json().await.unwrap();
        let first = &kept["checkpoints"][0];
        assert_eq!(first["seq"].as_i64(), Some(checkpoint.head.seq));
        assert_eq!(first["hash"].as_str(), Some(checkpoint.head.hash.to_hex().as_str()));
        let with_test_key = PublishedKeys { keys: vec![key.published()] };
        let message = odop_trust::checkpoint_message(checkpoint.head, first["signed_at_ms"].as_i64().unwrap());
        assert_eq!(with_test_key.verify(first["key_id"].as_str().unwrap(), &message, first["signature"].as_str().unwrap()), Ok(()));
        assert!(published.verify(first["key_id"].as_str().unwrap(), &message, first["signature"].as_str().unwrap()).is_err(), "signed by another key than the site's");
        // The site signs with its own key in its housekeeping, once the
        // chain has grown past the last checkpoint.
        let (status, page) = app.visitor(BUYER).page("/audit/checkpoints").await;
        assert_eq!(status, 200);
        assert!(page.contains(&checkpoint.head.hash.to_hex()), "{page}");

        // State admins browse the log; nobody else sees it.
        app.create_staff(ADMIN, "ODOP Cell", vec![odop_store::accounts::StaffRole::StateAdmin], ADMIN_PASSWORD).await;
        let admin = app.staff_sign_in(ADMIN, ADMIN_PASSWORD).await;
        let (status, page) = admin.page(&format!("/admin/audit?kind=sub_order&id={part}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("sub_order.accept") && page.contains("placed → accepted"), "{page}");
        assert!(!page.contains("order.placed"), "only the part's entries");
        let (_, everything) = admin.page("/admin/audit").await;
        assert!(everything.contains("order.placed") && everything.contains("staff_role.granted"), "{everything}");
        assert_eq!(seller.get("/admin/audit").await.status(), 404);
        assert_eq!(buyer.get("/admin/audit").await.status(), 404);
        // Wrong filters say what is wrong, in the reader's language.
        let (status, page) = admin.page("/admin/audit?kind=spaceship&id=1").await;
        assert_eq!(status, 400);
        assert!(page.contains("Choose an object from the list"), "{page}");
        let (status, page) = admin.page("/admin/audit?from=2026-12-09&until=2026-12-01").await;
        assert_eq!(status, 400);
        assert!(page.contains("on or after the start date"), "{page}");
        assert_eq!(admin.get("/admin/audit?before=x").await.status(), 400);
        let (status, page) = admin.page("/admin/audit?actor=-3").await;
        assert_eq!(status, 400);
        assert!(page.contains("account number"), "{page}");
    }
}

/// Appends `count` entries from `writers` tasks spread over `handles`.
async fn append_concurrently(handles: &[odop_store::Db], count: usize) {
    let writers: Vec<_> = (0..count)
        .map(|i| {
            let db = handles[i % handles.len()].clone();
            tokio::spawn(async move {
                let change = Change {
                    action: "listing.paused",
                    object_kind: "listing",
                    object_id: i.to_string(),
                    before: Some("active"),
                    after: Some("paused"),
                    note: None,
                };
                audit::record(
                    &db,
                    AuditActor::seller(odop_domain::UserId(1 + i as i64 % 3)),
                    change,
                    Utc::now(),
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for writer in writers {
        numbers.push(writer.await.unwrap());
    }
    numbers.sort_unstable();
    let expected: Vec<i64> = (1..=count as i64).collect();
    assert_eq!(numbers, expected, "every writer got its own number, none skipped");
}

async fn the_chain_stays_one_line_under_concurrent_writers(backend: Backend, nodes: usize) {
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let db = database.connect().await;
    db.migrate().await.unwrap();
    let mut handles = vec![db.clone()];
    for _ in 1..nodes {
        handles.push(database.connect().await);
    }
    append_concurrently(&handles, 120).await;
    let verification = audit::verify(&db, &[]).await.unwrap();
    assert_eq!(verification.entries, 120);
    assert_eq!(verification.outcome.map(|head| head.seq), Ok(120), "no fork, no gap");
    let logged = audit::entries(&db, &audit::AuditFilter::default(), 500).await.unwrap();
    let mut objects: Vec<i64> = logged.iter().map(|e| e.object_id.parse().unwrap()).collect();
    objects.sort_unstable();
    assert_eq!(objects, (0..120).collect::<Vec<i64>>(), "every change is there once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_stays_one_line_under_concurrent_writers_on_sqlite() {
    the_chain_stays_one_line_under_concurrent_writers(Backend::Sqlite, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_stays_one_line_over_two_postgres_nodes() {
    the_chain_stays_one_line_under_concurrent_writers(Backend::Postgres, 2).await;
}

async fn tampering_is_found_and_located(backend: Backend) {
    use odop_store::test_support::{execute, execute_owned, try_execute};
    let Some(database) = TestDatabase::new(backend).await else {
        return;
    };
    let db = database.connect().await;
    db.migrate().await.unwrap();
    append_concurrently(std::slice::from_ref(&db), 20).await;
    let key = odop_trust::SigningKey::generate();
    let signed = audit::sign_checkpoint(&db, &key, Utc::now()).await.unwrap().unwrap();
    assert_eq!(signed.head.seq, 20);
    assert_eq!(audit::verify(&db, &[]).await.unwrap().outcome, Ok(signed.head));

    // The database refuses changes to the log…
    assert!(
        try_execute(&db, "UPDATE audit_entries SET note = 'x' WHERE seq = 7")
            .await
            .is_err()
    );
    assert!(
        try_execute(&db, "DELETE FROM audit_entries WHERE seq = 7")
            .await
            .is_err()
    );
    // …so whoever alters it has the database's keys and removes that guard.
    match backend {
        Backend::Sqlite => {
            execute(&db, "DROP TRIGGER audit_entries_immutable").await;
            execute(&db, "DROP TRIGGER audit_entries_kept").await;
        }
        Backend::Postgres => execute(&db, "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_immutable").await,
    }
    let outcome = || async { audit::verify(&db, &[]).await.unwrap().outcome };

    // One entry altered.
    execute(&db, "UPDATE audit_entries SET after_state = 'active' WHERE seq = 7").await;
    assert_eq!(outcome().await, Err(Break::Altered { seq: 7 }));
    execute(&db, "UPDATE audit_entries SET after_state = 'paused' WHERE seq = 7").await;
    assert_eq!(outcome().await, Ok(signed.head), "put back, it checks out again");

    // One removed.
    execute(
        &db,
        "CREATE TABLE kept_entry AS SELECT * FROM audit_entries WHERE seq = 12",
    )
    .await;
    execute(&db, "DELETE FROM audit_entries WHERE seq = 12").await;
    assert_eq!(outcome().await, Err(Break::Missing { from: 12, to: 12 }));
    execute(&db, "INSERT INTO audit_entries SELECT * FROM kept_entry").await;
    assert_eq!(outcome().await, Ok(signed.head));

    // Two swapped: their numbers exchanged.
    execute(&db, "UPDATE audit_entries SET seq = 1000000 WHERE seq = 5").await;
    execute(&db, "UPDATE audit_entries SET seq = 5 WHERE seq = 6").await;
    execute(&db, "UPDATE audit_entries SET seq = 6 WHERE seq = 1000000").await;
    assert_eq!(
        outcome().await,
        Err(Break::Reordered {
            seq: 5,
            written_after: 6
        })
    );
    execute(&db, "UPDATE audit_entries SET seq = 1000000 WHERE seq = 5").await;
    execute(&db, "UPDATE audit_entries SET seq = 5 WHERE seq = 6").await;
    execute(&db, "UPDATE audit_entries SET seq = 6 WHERE seq = 1000000").await;
    assert_eq!(outcome().await, Ok(signed.head));

    // The newest entries removed: the signed checkpoint says how many there were.
    execute(&db, "DELETE FROM audit_entries WHERE seq > 17").await;
    assert_eq!(outcome().await, Err(Break::Truncated { last: 17, signed: 20 }));
    // And a copy kept outside catches it even with the stored checkpoints gone.
    match backend {
        Backend::Sqlite => execute(&db, "DROP TRIGGER audit_checkpoints_kept").await,
        Backend::Postgres => {
            execute(
                &db,
                "ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_immutable",
            )
            .await
        }
    }
    execute(&db, "DELETE FROM audit_checkpoints").await;
    assert_eq!(
        outcome().await.map(|head| head.seq),
        Ok(17),
        "nothing inside the database says otherwise"
    );
    let kept_outside = audit::verify(&db, &[signed.head]).await.unwrap().outcome;
    assert_eq!(kept_outside, Err(Break::Truncated { last: 17, signed: 20 }));
    execute_owned(&db, "DROP TABLE kept_entry".to_owned()).await;
}

#[tokio::test]
async fn tampering_is_found_and_located_on_sqlite() {
    tampering_is_found_and_located(Backend::Sqlite).await;
}

#[tokio::test]
async fn tampering_is_found_and_located_on_postgres() {
    tampering_is_found_and_located(Backend::Postgres).await;
}
