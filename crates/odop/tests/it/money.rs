//! Money the platform must never lose or misapply: a capture pays an order
//! only when it is exactly its total in rupees; every other capture, and
//! every payment an order did not need, is refunded in full on its own and
//! shown to the state's admins; one request key is one order with one open
//! payment; lines are added up, never dropped; an unreachable gateway
//! loses nothing and leaks nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use odop_domain::OrderId;
use odop_store::accounts::StaffRole;
use odop_store::test_support::execute;
use serde_json::{Value, json};

use crate::checkout::{BUYER, deliver, fake_razorpay_on, kurta_on_sale, order_body, place_by_api, sandbox, stock_of};
use crate::support::on_both_backends;
use crate::support::people::Person;
use crate::support::{Backend, TestApp};

const ADMIN: &str = "9811100001";

/// A change made to a capture's payment entity before it is signed.
type Edit = Box<dyn FnOnce(&mut Value)>;
const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// A capture of `gateway_order` by the sandbox, changed by `edit` before it
/// is signed (as the gateway would sign whatever it sends).
fn capture(gateway_order: &str, amount: i64, edit: impl FnOnce(&mut Value)) -> odop_pay::SignedEvent {
    let mut event = sandbox().simulate(gateway_order, amount, "upi", odop_pay::SandboxOutcome::Success);
    let mut body: Value = serde_json::from_slice(&event.body).unwrap();
    edit(&mut body["payload"]["payment"]["entity"]);
    event.body = body.to_string().into_bytes();
    event.signature = sandbox().sign(&event.body);
    event
}

async fn outcome(app: &TestApp, event: &odop_pay::SignedEvent) -> String {
    let response = deliver(app, event, &event.signature).await;
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["outcome"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn order_json(buyer: &Person, order: &Value) -> Value {
    let (status, text) = buyer.page(&format!("/api/v1/orders/{}", order["id"])).await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// The open payment attempt of an order, as the API shows it.
fn open_gateway_order(order: &Value) -> String {
    let payments = order["payments"].as_array().unwrap();
    let open: Vec<&Value> = payments.iter().filter(|p| p["status"] == "created").collect();
    assert_eq!(open.len(), 1, "one open attempt: {order}");
    open[0]["gateway_order_id"].as_str().unwrap().to_owned()
}

async fn admin(app: &TestApp) -> Person {
    app.create_staff(ADMIN, "Meera Admin", vec![StaffRole::StateAdmin], ADMIN_PASSWORD)
        .await;
    app.staff_sign_in(ADMIN, ADMIN_PASSWORD).await
}

on_both_backends! {
    async fn only_the_exact_total_in_rupees_pays_an_order_and_any_other_capture_is_given_back(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let (status, order) = place_by_api(&buyer, "money-key-0001-abcdef", &order_body(variant, 1, "online")).await;
        assert_eq!(status, 201, "{order}");
        let total = order["total_paise"].as_i64().unwrap();
        let attempt = open_gateway_order(&order);

        // One paisa for the whole order: recorded, owed back, nothing paid.
        assert_eq!(outcome(&app, &capture(&attempt, 1, |_| {})).await, "refund_owed");
        let after = order_json(&buyer, &order).await;
        assert_eq!(after["sub_orders"][0]["status"], "awaiting_payment", "{after}");
        assert!(after["payments"].as_array().unwrap().iter().all(|p| p["status"] != "captured"));
        // The buyer pays again: a fresh attempt, not the spoilt one.
        let pay = buyer.get(&format!("/orders/{}/pay", order["id"])).await;
        assert_eq!(pay.status(), 303);
        let after = order_json(&buyer, &order).await;
        let second = open_gateway_order(&after);
        assert_ne!(second, attempt);

        // More than asked, the right amount in dollars, and no currency at
        // all: none of them pays the order; each is owed back.
        let cases: [(i64, Edit); 3] = [
            (total + 10_000, Box::new(|_| {})),
            (total, Box::new(|p| p["currency"] = json!("USD"))),
            (total, Box::new(|p| {
                p.as_object_mut().unwrap().remove("currency");
            })),
        ];
        let mut attempt = second;
        for (amount, edit) in cases {
            assert_eq!(outcome(&app, &capture(&attempt, amount, edit)).await, "refund_owed");
            let after = order_json(&buyer, &order).await;
            assert_eq!(after["sub_orders"][0]["status"], "awaiting_payment", "{after}");
            buyer.get(&format!("/orders/{}/pay", order["id"])).await;
            attempt = open_gateway_order(&order_json(&buyer, &order).await);
        }

        // The exact amount in rupees pays it.
        assert_eq!(outcome(&app, &capture(&attempt, total, |_| {})).await, "applied");
        let paid = order_json(&buyer, &order).await;
        assert_eq!(paid["sub_orders"][0]["status"], "placed", "{paid}");

        let view = odop_store::orders::order(&app.db, OrderId(order["id"].as_i64().unwrap())).await.unwrap().unwrap();
        let mut refunded: Vec<i64> = view.refunds.iter().map(|r| r.amount_paise).collect();
        refunded.sort_unstable();
        let mut expected = vec![1, total, total, total + 10_000];
        expected.sort_unstable();
        assert_eq!(refunded, expected, "each capture that paid nothing goes back whole");
        assert!(view.refunds.iter().all(|r| r.sub_order_id.is_none() && r.status == "processed"));

        // The state admin sees all four, with their refunds; nobody else does.
        let exceptions = odop_store::payments::exceptions(&app.db, 10).await.unwrap();
        let mut kinds: Vec<&str> = exceptions.iter().map(|e| e.kind.as_str()).collect();
        kinds.sort_unstable();
        assert_eq!(kinds, ["no-currency", "wrong-amount", "wrong-amount", "wrong-currency"]);
        let admin = admin(&app).await;
        let (status, page) = admin.page("/admin/payments").await;
        assert_eq!(status, 200);
        assert!(page.contains("A payment in another currency") && page.contains("currency not given"), "{page}");
        assert_eq!(page.matches("Refunded").count(), 4, "{page}");
        assert_eq!(buyer.get("/admin/payments").await.status(), 404);
    }

    async fn every_payment_an_order_did_not_need_is_refunded_in_full_on_its_own(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let (_, order) = place_by_api(&buyer, "money-key-0002-abcdef", &order_body(variant, 1, "online")).await;
        let total = order["total_paise"].as_i64().unwrap();
        let first = open_gateway_order(&order);
        // The first attempt is declined; the buyer tries again.
        let declined = sandbox().simulate(&first, total, "upi", odop_pay::SandboxOutcome::Failure);
        assert_eq!(outcome(&app, &declined).await, "applied");
        buyer.get(&format!("/orders/{}/pay", order["id"])).await;
        let second = open_gateway_order(&order_json(&buyer, &order).await);

        // Then both attempts are captured (the bank authorised the first
        // after all), and the second twice, with two payment ids.
        let captures = [
            capture(&second, total, |_| {}),
            capture(&first, total, |_| {}),
            capture(&second, total, |_| {}),
        ];
        assert_eq!(outcome(&app, &captures[0]).await, "applied");
        assert_eq!(outcome(&app, &captures[1]).await, "refund_owed");
        assert_eq!(outcome(&app, &captures[2]).await, "refund_owed");
        // Razorpay reports a payment again as order.paid: nothing new.
        let mut again = captures[2].clone();
        again.event_id = "evt_order_paid_again".into();
        assert_eq!(outcome(&app, &again).await, "duplicate");

        let view = odop_store::orders::order(&app.db, OrderId(order["id"].as_i64().unwrap())).await.unwrap().unwrap();
        assert_eq!(view.refunds.len(), 2, "{:?}", view.refunds);
        assert!(view.refunds.iter().all(|r| r.amount_paise == total));
        let exceptions = odop_store::payments::exceptions(&app.db, 10).await.unwrap();
        assert_eq!(exceptions.len(), 2);
        assert!(exceptions.iter().all(|e| e.kind == "already-paid" && e.refund_status.as_deref() == Some("processed")));
        let mut refunded: Vec<&str> = exceptions.iter().map(|e| e.gateway_payment_id.as_str()).collect();
        refunded.sort_unstable();
        refunded.dedup();
        assert_eq!(refunded.len(), 2, "each payment is refunded on its own");

        // Cancelling the paid order refunds the payment that paid it, once.
        let (status, _) = {
            let token = buyer.csrf().await;
            let response = buyer
                .client
                .post(buyer.url(&format!("/api/v1/orders/{}/cancel", order["id"])))
                .header("x-csrf-token", token)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            (response.status(), ())
        };
        assert_eq!(status, 200);
        let view = odop_store::orders::order(&app.db, OrderId(order["id"].as_i64().unwrap())).await.unwrap().unwrap();
        assert_eq!(view.refunds.len(), 3);
        assert_eq!(view.refunds.iter().filter(|r| r.sub_order_id.is_some()).count(), 1);
    }

    async fn one_key_is_one_order_with_one_open_payment_and_another_body_is_refused(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.quick_sign_in(BUYER).await;
        buyer.csrf().await;
        let key = "money-key-0003-abcdef";
        let body = order_body(variant, 1, "online");
        let sends: Vec<_> = (0..20)
            .map(|_| {
                let buyer = buyer.clone();
                let body = body.clone();
                tokio::spawn(async move { place_by_api(&buyer, key, &body).await })
            })
            .collect();
        let order = the_one_order(sends).await;
        let attempts = odop_store::payments::of_order(&app.db, order).await.unwrap();
        assert_eq!(attempts.len(), 1, "one payment attempt: {attempts:?}");
        assert_eq!(stock_of(&app, variant).await, 4);

        // The same key with another body is refused, not answered with the
        // first order; the same body still is.
        for other in [
            order_body(variant, 2, "online"),
            order_body(variant, 1, "cod"),
            {
                let mut moved = body.clone();
                moved["address"]["pin"] = json!("226010");
                moved
            },
        ] {
            let (status, answer) = place_by_api(&buyer, key, &other).await;
            assert_eq!(status, 422, "{answer}");
            assert_eq!(answer["error"]["code"], "idempotency_key_reused");
        }
        let (status, answer) = place_by_api(&buyer, key, &body).await;
        assert_eq!((status.as_u16(), answer["id"].as_i64()), (200, Some(order.0)));
        assert_eq!(stock_of(&app, variant).await, 4, "nothing taken twice");
    }

    async fn a_guest_cart_joining_a_kept_one_tells_the_buyer_what_was_added_together(app) {
        let variant = kurta_on_sale(&app, 20).await;
        let variant = variant.to_string();
        // A buyer keeps one kurta in the cart from an earlier visit.
        let earlier = app.quick_sign_in(BUYER).await;
        assert_eq!(earlier.post("/cart/add", &[("variant", &variant)]).await.status(), 303);
        // Later, not signed in, they add it again and then sign in.
        let guest = app.visitor(BUYER);
        assert_eq!(guest.post("/cart/add", &[("variant", &variant)]).await.status(), 303);
        let response = guest.post("/signin", &[("phone", BUYER)]).await;
        assert_eq!(response.status(), 303);
        let code = app.latest_code(BUYER).await;
        let response = guest
            .post("/signin/code", &[("phone", BUYER), ("code", &code), ("next", "/cart")])
            .await;
        assert_eq!(response.status(), 303);
        let (_, cart) = guest.page("/cart").await;
        assert!(cart.contains("quantities added together"), "{cart}");
        assert!(cart.contains("value=\"2\""), "both kurtas are in the cart: {cart}");
    }

    async fn lines_of_one_variant_are_added_up_and_never_dropped(app) {
        let variant = kurta_on_sale(&app, 20).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let mut body = order_body(variant, 3, "online");
        body["items"] = json!([{"variant_id": variant, "quantity": 3}, {"variant_id": variant, "quantity": 5}]);
        let (status, order) = place_by_api(&buyer, "money-key-0004-abcdef", &body).await;
        assert_eq!(status, 201, "{order}");
        let view = odop_store::orders::order(&app.db, OrderId(order["id"].as_i64().unwrap())).await.unwrap().unwrap();
        assert_eq!(view.items.iter().map(|i| i.quantity).collect::<Vec<_>>(), [8]);
        assert_eq!(stock_of(&app, variant).await, 12);

        // Beyond ten of one item, or a line of none, is refused whole.
        for (items, says) in [
            (json!([{"variant_id": variant, "quantity": 6}, {"variant_id": variant, "quantity": 5}]), "At most 10"),
            (json!([{"variant_id": variant, "quantity": 0}]), "at least 1"),
            (json!([{"variant_id": variant, "quantity": -2}]), "at least 1"),
        ] {
            body["items"] = items;
            let (status, answer) = place_by_api(&buyer, "money-key-0005-abcdef", &body).await;
            assert_eq!(status, 422, "{answer}");
            assert_eq!(answer["error"]["fields"][0]["field"], "items");
            assert!(answer["error"]["fields"][0]["message"].as_str().unwrap().contains(says), "{answer}");
        }
        assert_eq!(stock_of(&app, variant).await, 12, "a refused order takes nothing");
    }
}

/// With the gateway down, an online order is kept with its stock held and
/// no payment, and the answer names nothing internal; the same request
/// once the gateway is back opens the payment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_gateway_keeps_the_order_payable_and_says_nothing_internal() {
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = reserved.local_addr().unwrap();
    drop(reserved);
    let mut config = odop_pay::RazorpayConfig::new("rzp_test_key", "key-secret", "hook-secret");
    config.base_url = format!("http://{address}");
    let payments = odop_web::payments::Payments::through(std::sync::Arc::new(odop_pay::RazorpayGateway::new(config)));
    let app = TestApp::spawn_with_payments(Backend::Sqlite, payments).await.unwrap();
    let variant = kurta_on_sale(&app, 5).await;
    let buyer = app.quick_sign_in(BUYER).await;
    let key = "money-key-0006-abcdef";
    let body = order_body(variant, 1, "online");

    let (status, answer) = place_by_api(&buyer, key, &body).await;
    assert_eq!(status, 503, "{answer}");
    assert_eq!(answer["error"]["code"], "payment_unavailable");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("same request again"), "{message}");
    for secret in ["127.0.0.1", "http", &address.port().to_string(), "razorpay"] {
        assert!(!message.to_lowercase().contains(secret), "{message} names {secret}");
    }
    let order = odop_store::orders::by_key(&app.db, odop_domain::UserId(user_id(&app, BUYER).await), key)
        .await
        .unwrap()
        .expect("the order is kept");
    assert!(odop_store::payments::of_order(&app.db, order).await.unwrap().is_empty());
    assert_eq!(stock_of(&app, variant).await, 4, "held for its payment");
    // The page that pays says so in words, in the buyer's language.
    let response = buyer
        .client
        .get(buyer.url(&format!("/orders/{}/pay", order.0)))
        .header("accept-language", "hi")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.text().await.unwrap().contains("भुगतान सेवा से संपर्क नहीं हुआ"));

    // The gateway is back: the same request opens the payment, once.
    fake_razorpay_on(tokio::net::TcpListener::bind(address).await.unwrap());
    let (status, answer) = place_by_api(&buyer, key, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["payments"].as_array().unwrap().len(), 1, "{answer}");
    assert_eq!(answer["payments"][0]["status"], "created");
}

/// Waits for sends of one request and checks that every one was answered
/// with the same order (201 for the one that made it, 200 for the others).
async fn the_one_order(sends: Vec<tokio::task::JoinHandle<(reqwest::StatusCode, Value)>>) -> OrderId {
    let mut ids = std::collections::BTreeSet::new();
    for send in sends {
        let (status, order) = send.await.unwrap();
        assert!(status == 201 || status == 200, "{status}: {order}");
        ids.insert(order["id"].as_i64().unwrap());
    }
    assert_eq!(ids.len(), 1, "one order for one key: {ids:?}");
    OrderId(ids.pop_first().unwrap())
}

async fn user_id(app: &TestApp, phone: &str) -> i64 {
    let phone = odop_domain::identity::Phone::parse(phone).unwrap();
    odop_store::accounts::user_by_phone(&app.db, &phone)
        .await
        .unwrap()
        .expect("the buyer exists")
        .id
        .0
}

/// Fifty sends of one order through two nodes on one PostgreSQL: one
/// order, one payment attempt (before, up to 36 attempts were made).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_sends_of_one_key_through_two_postgres_nodes_open_one_payment() {
    let Some(first) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let second = TestApp::spawn_on(&first.database_url()).await;
    let variant = kurta_on_sale(&first, 5).await;
    let on_first = first.quick_sign_in(BUYER).await;
    on_first.csrf().await;
    let mut on_second = on_first.clone();
    on_second.base = second.url("");
    let body = order_body(variant, 1, "online");
    let sends: Vec<_> = (0..50)
        .map(|i| {
            let buyer = if i % 2 == 0 {
                on_first.clone()
            } else {
                on_second.clone()
            };
            let body = body.clone();
            tokio::spawn(async move { place_by_api(&buyer, "money-key-0007-abcdef", &body).await })
        })
        .collect();
    let order = the_one_order(sends).await;
    let attempts = odop_store::payments::of_order(&first.db, order).await.unwrap();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
}

/// A stand-in for Razorpay that creates orders but answers every refund
/// with something unreadable, so that the shop cannot know whether it was
/// taken; it counts the refunds asked for.
fn razorpay_losing_refund_answers(listener: tokio::net::TcpListener, asked: Arc<AtomicUsize>) -> String {
    let app = axum::Router::new()
        .route(
            "/v1/orders",
            axum::routing::post(|axum::Json(body): axum::Json<Value>| async move {
                axum::Json(json!({
                    "id": "order_LOST1", "entity": "order", "amount": body["amount"], "amount_paid": 0,
                    "amount_due": body["amount"], "currency": "INR", "receipt": body["receipt"], "status": "created",
                    "attempts": 0, "notes": body["notes"], "created_at": 1_763_900_000
                }))
            }),
        )
        .route(
            "/v1/payments/{id}/refund",
            axum::routing::post(move || {
                asked.fetch_add(1, Ordering::SeqCst);
                async { axum::Json(json!({"unexpected": true})) }
            }),
        );
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

/// Numbers the events this file delivers itself, each id once.
static EVENTS: AtomicUsize = AtomicUsize::new(1);

/// A webhook delivery signed as Razorpay signs them, with a fresh event id.
async fn deliver_razorpay(app: &TestApp, body: &Value) -> String {
    let body = body.to_string();
    let signature = odop_pay::signature::hmac_sha256_hex(b"hook-secret", body.as_bytes());
    let response = app
        .client
        .post(app.url("/api/v1/payments/webhook/razorpay"))
        .header("x-razorpay-signature", signature)
        .header(
            "x-razorpay-event-id",
            format!("evt_money_{}", EVENTS.fetch_add(1, Ordering::SeqCst)),
        )
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["outcome"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn refund_processed(payment: &str, refund: &str, amount: i64, receipt: &str) -> Value {
    json!({
        "entity": "event", "event": "refund.processed", "contains": ["refund"],
        "payload": {"refund": {"entity": {
            "id": refund, "entity": "refund", "amount": amount, "currency": "INR",
            "payment_id": payment, "receipt": receipt, "status": "processed",
        }}},
        "created_at": 1_763_900_100,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_whose_answer_is_lost_is_never_sent_twice_and_only_its_own_event_settles_it() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let asked = Arc::new(AtomicUsize::new(0));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut config = odop_pay::RazorpayConfig::new("rzp_test_key", "key-secret", "hook-secret");
        config.base_url = razorpay_losing_refund_answers(listener, asked.clone());
        let payments = odop_web::payments::Payments::through(Arc::new(odop_pay::RazorpayGateway::new(config)));
        let Some(app) = TestApp::spawn_with_payments(backend, payments).await else {
            continue;
        };
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let (status, order) = place_by_api(&buyer, "money-key-0009-abcdef", &order_body(variant, 1, "online")).await;
        assert_eq!(status, 201, "{order}");

        // Two captures of the wrong amount: each is owed back, and each
        // refund is asked for once; the answers are lost.
        let mut captures = Vec::new();
        for amount in [1, 2] {
            let event = sandbox().simulate("order_LOST1", amount, "upi", odop_pay::SandboxOutcome::Success);
            let body: Value = serde_json::from_slice(&event.body).unwrap();
            assert_eq!(deliver_razorpay(&app, &body).await, "refund_owed", "{backend:?}");
            captures.push(body["payload"]["payment"]["entity"]["id"].as_str().unwrap().to_owned());
        }
        assert_eq!(asked.load(Ordering::SeqCst), 2, "each refund sent once, none again");
        assert!(
            odop_store::payments::pending_refunds(&app.db, 10)
                .await
                .unwrap()
                .is_empty(),
            "none sent again by itself"
        );
        let later = chrono::Utc::now() + chrono::Duration::minutes(1);
        let unanswered = odop_store::payments::unanswered_refunds(&app.db, later, 10)
            .await
            .unwrap();
        assert_eq!(unanswered.len(), 2);

        // The gateway's event for the first, found by its receipt, settles
        // the first only; an event naming no refund of ours settles nothing.
        let first = &unanswered[0];
        let payment_of_first = first.gateway_payment_id.clone().unwrap();
        let stray = refund_processed(&payment_of_first, "rfnd_Stray", first.amount, "made on the dashboard");
        assert_eq!(deliver_razorpay(&app, &stray).await, "unknown");
        let settles = refund_processed(&payment_of_first, "rfnd_First", first.amount, &first.receipt());
        assert_eq!(deliver_razorpay(&app, &settles).await, "applied");
        let left = odop_store::payments::unanswered_refunds(&app.db, later, 10)
            .await
            .unwrap();
        assert_eq!(
            left.iter().map(|r| r.id).collect::<Vec<_>>(),
            [unanswered[1].id],
            "{backend:?}"
        );
        let view = odop_store::orders::order(&app.db, OrderId(order["id"].as_i64().unwrap()))
            .await
            .unwrap()
            .unwrap();
        let mut statuses: Vec<&str> = view.refunds.iter().map(|r| r.status.as_str()).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, ["pending", "processed"], "{backend:?}");

        // Ten minutes on, the admin sees the other with its receipt, and
        // after checking the gateway has it sent again, once.
        execute(
            &app.db,
            "UPDATE refunds SET claimed_at = claimed_at - 3600000 WHERE status = 'pending'",
        )
        .await;
        let admin = admin(&app).await;
        let (_, page) = admin.page("/admin/payments").await;
        assert!(page.contains(&left[0].receipt()), "{page}");
        let release = format!("/admin/payments/refunds/{}/release", left[0].id);
        assert_eq!(
            buyer.post(&release, &[]).await.status(),
            404,
            "only admins release refunds"
        );
        assert_eq!(asked.load(Ordering::SeqCst), 2);
        assert_eq!(admin.post(&release, &[]).await.status(), 303);
        assert_eq!(asked.load(Ordering::SeqCst), 3, "sent again once");
        assert_eq!(
            admin.post(&release, &[]).await.status(),
            303,
            "a second click changes nothing"
        );
        assert_eq!(asked.load(Ordering::SeqCst), 3);
        assert!(captures.iter().all(|c| c.starts_with("pay_")), "{captures:?}");
        // The admin's decision is in the audit log, once, with who made it.
        let filter = odop_store::audit::AuditFilter {
            object: Some(("refund".into(), left[0].id.to_string())),
            ..Default::default()
        };
        let logged = odop_store::audit::entries(&app.db, &filter, 10).await.unwrap();
        let released: Vec<_> = logged.iter().filter(|e| e.action == "refund.released").collect();
        assert_eq!(released.len(), 1, "{logged:?}");
        assert_eq!(released[0].actor_role, "admin");
        assert!(released[0].actor.is_some());
    }
}
