//! Buying: a guest's cart joins the buyer's at sign-in; checkout takes an
//! address and a payment; the sandbox gateway's answer comes back through
//! the signed webhook path; the seller fulfils the order from the desk.
//! Stock never oversells, payments count once, forgeries change nothing,
//! and unpaid holds return their stock.

use chrono::Utc;
use odop_domain::ListingId;
use odop_store::orders::{BuyerNotice, Notices, ReturnNotice, SellerNotice};
use odop_store::outbox::{Channel, NewMessage};
use serde_json::{Value, json};

use crate::catalogue::{create_listing, kurta, set_status};
use crate::support::on_both_backends;
use crate::support::people::{Person, SellerSpec, location};
use crate::support::{Backend, TestApp};

pub(crate) const SELLER: &str = "9822200001";
pub(crate) const BUYER: &str = "9833300001";
pub(crate) const OTHER_BUYER: &str = "9833300002";
const ARTISAN: &str = "9822200002";

/// A published chikankari kurta whose first size has `stock` units; returns
/// that variant's id.
pub(crate) async fn kurta_on_sale(app: &TestApp, stock: u32) -> i64 {
    app.verified_seller(SellerSpec {
        phone: SELLER,
        name: "Noor Chikan House",
        district: "lucknow",
        craft: "chikankari",
        vendor: None,
    })
    .await;
    let seller = app.sign_in(SELLER).await;
    let stock = stock.to_string();
    let id = create_listing(&seller, &kurta(&[("variant-0-stock", &stock)])).await;
    assert_eq!(set_status(&seller, id, "publish").await.status(), 303);
    variant_of(app, id).await
}

pub(crate) async fn variant_of(app: &TestApp, listing: i64) -> i64 {
    odop_store::catalogue::get(&app.db, ListingId(listing))
        .await
        .unwrap()
        .unwrap()
        .variants[0]
        .id
}

pub(crate) async fn stock_of(app: &TestApp, variant: i64) -> i64 {
    let listings = odop_store::catalogue::listings(&app.db, &[listing_of(app, variant).await])
        .await
        .unwrap();
    listings[0].variants.iter().find(|v| v.id == variant).unwrap().stock
}

async fn listing_of(app: &TestApp, variant: i64) -> i64 {
    for id in 1..1000 {
        if let Some(listing) = odop_store::catalogue::get(&app.db, ListingId(id)).await.unwrap()
            && listing.variants.iter().any(|v| v.id == variant)
        {
            return id;
        }
    }
    panic!("no listing has variant {variant}");
}

/// The value of a hidden input in a page.
pub(crate) fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} in the page")) + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

pub(crate) fn address(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("name", "Asha Verma"),
        ("phone", "98333 00001"),
        ("line1", "12 Hazratganj"),
        ("line2", ""),
        ("city", "Lucknow"),
        ("state", "09"),
        ("pin", "226001"),
        ("method", "online"),
        ("accept_terms", "yes"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (key, value) in changes {
        fields.iter_mut().find(|(k, _)| k == key).unwrap().1 = value.to_string();
    }
    fields
}

pub(crate) async fn post_form(person: &Person, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    person.post(path, &pairs).await
}

/// Messages of `kind` sent to `phone`.
pub(crate) async fn messages_to(app: &TestApp, phone: &str, kind: &str) -> Vec<String> {
    let phone = odop_domain::identity::Phone::parse(phone).unwrap().to_string();
    odop_store::outbox::recent(&app.db, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.recipient == phone && e.kind == kind)
        .filter_map(|e| e.body)
        .collect()
}

pub(crate) fn order_body(variant: i64, quantity: i64, method: &str) -> Value {
    json!({
        "items": [{"variant_id": variant, "quantity": quantity}],
        "address": {"name": "Asha Verma", "phone": "9833300001", "line1": "12 Hazratganj", "city": "Lucknow", "state": "09", "pin": "226001"},
        "payment_method": method,
        "accept_terms": true
    })
}

pub(crate) async fn place_by_api(person: &Person, key: &str, body: &Value) -> (reqwest::StatusCode, Value) {
    let token = person.csrf().await;
    let response = person
        .client
        .post(person.url("/api/v1/orders"))
        .header("x-csrf-token", token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Asks to return a part of `order` through the API.
async fn return_by_api(person: &Person, order: i64, body: Value) -> (reqwest::StatusCode, Value) {
    let token = person.csrf().await;
    let response = person
        .client
        .post(person.url(&format!("/api/v1/orders/{order}/return")))
        .header("x-csrf-token", token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Delivers a sandbox event to the webhook route, as the gateway would.
pub(crate) async fn deliver(app: &TestApp, event: &odop_pay::SignedEvent, signature: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/payments/webhook/sandbox"))
        .header("x-razorpay-signature", signature)
        .header("x-razorpay-event-id", &event.event_id)
        .header("content-type", "application/json")
        .body(event.body.clone())
        .send()
        .await
        .unwrap()
}

pub(crate) fn sandbox() -> odop_pay::SandboxGateway {
    odop_pay::SandboxGateway::new(odop_web::payments::SANDBOX_SECRET.as_bytes().to_vec())
}

/// Notices for calling the store directly, as the housekeeping task does.
pub(crate) struct PlainNotices;

impl Notices for PlainNotices {
    fn to_seller(&self, notice: &SellerNotice) -> NewMessage {
        NewMessage {
            channel: Channel::Sms,
            recipient: notice.recipient.clone(),
            body: format!("new order {}", notice.order_number),
            sensitive: false,
            kind: "order",
        }
    }

    fn to_buyer(&self, notice: &BuyerNotice) -> NewMessage {
        NewMessage {
            channel: Channel::Sms,
            recipient: notice.recipient.clone(),
            body: format!("{} {}", notice.order_number, notice.status),
            sensitive: false,
            kind: "order",
        }
    }

    fn return_to_seller(&self, notice: &ReturnNotice) -> NewMessage {
        NewMessage {
            channel: Channel::Sms,
            recipient: notice.recipient.clone(),
            body: format!("return asked for {}: {}", notice.number, notice.reason.code()),
            sensitive: false,
            kind: "order",
        }
    }
}

on_both_backends! {
    async fn a_guest_fills_a_cart_signs_in_pays_and_the_seller_ships(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.visitor(BUYER);
        let (_, product) = buyer.page(&location(&buyer.get(&format!("/p/{}", listing_of(&app, variant).await)).await)).await;
        assert!(product.contains("action=\"/cart/add\""), "the product page offers the cart");

        // As a guest: two of size M, then too many.
        let response = buyer.post("/cart/add", &[("variant", &variant.to_string()), ("quantity", "2")]).await;
        assert_eq!(response.status(), 303);
        assert!(buyer.cookie("odop_cart").is_some(), "the guest's cart lives in a cookie");
        let response = buyer.post("/cart/update", &[("variant", &variant.to_string()), ("quantity", "6")]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("Only 5 left"), "quantities are bounded by stock");
        let (_, cart) = buyer.page("/cart").await;
        assert!(cart.contains("Chikan Kurta in White Cotton") && cart.contains("₹2,998"), "{cart}");

        // Checkout needs an account: signing in keeps the cart.
        let response = buyer.get("/checkout").await;
        assert_eq!(response.status(), 303);
        assert!(location(&response).starts_with("/signin"));
        assert_eq!(buyer.post("/signin", &[("phone", BUYER)]).await.status(), 303);
        let code = app.latest_code(BUYER).await;
        let response = buyer.post("/signin/code", &[("phone", &buyer.phone.clone()), ("code", &code)]).await;
        assert_eq!(response.status(), 303);
        let (status, checkout) = buyer.page("/checkout").await;
        assert_eq!(status, 200);
        assert!(checkout.contains("₹2,998"), "the merged cart is checked out");
        assert!(!checkout.contains("checked> I accept") && !checkout.contains("value=\"yes\" checked"), "terms are never pre-ticked");
        let key = hidden(&checkout, "key");
        let total = hidden(&checkout, "total_paise");
        assert_eq!(total, "299800", "free delivery above ₹999");

        // Mistakes come back named, and nothing is ordered.
        let mut fields = address(&[("accept_terms", ""), ("pin", "110001")]);
        fields.extend([("key".into(), key.clone()), ("total_paise".into(), total.clone())]);
        let response = post_form(&buyer, "/checkout", &fields).await;
        assert_eq!(response.status(), 400);
        let page = response.text().await.unwrap();
        assert!(page.contains("accept the terms") && page.contains("not in the chosen state"), "{page}");
        assert_eq!(stock_of(&app, variant).await, 5);

        let mut fields = address(&[]);
        fields.extend([("key".into(), key.clone()), ("total_paise".into(), total.clone())]);
        let response = post_form(&buyer, "/checkout", &fields).await;
        assert_eq!(response.status(), 303);
        let pay = location(&response);
        let order_path = pay.trim_end_matches("/pay").to_owned();
        assert_eq!(stock_of(&app, variant).await, 3, "the stock is held");
        // A double-submitted form is the same order.
        let again = post_form(&buyer, "/checkout", &fields).await;
        assert_eq!(location(&again), order_path);
        assert_eq!(stock_of(&app, variant).await, 3);

        // The sandbox gateway: the payer chooses UPI and success.
        let response = buyer.get(&pay).await;
        assert_eq!(response.status(), 303);
        let sandbox_path = location(&response);
        let (status, sandbox_page) = buyer.page(&sandbox_path).await;
        assert_eq!(status, 200);
        assert!(sandbox_page.contains("₹2,998"));
        let response = buyer.post(&sandbox_path, &[("method", "upi"), ("outcome", "success")]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), order_path);
        let (_, order_page) = buyer.page(&order_path).await;
        assert!(order_page.contains("Placed") && order_page.contains("paid"), "{order_page}");
        let number = order_page.split("Order OD-").nth(1).unwrap()[..7].to_owned();
        let sms = messages_to(&app, SELLER, "order").await;
        assert_eq!(sms.len(), 1, "the seller is told once: {sms:?}");
        assert!(sms[0].contains(&format!("OD-{number}")) && sms[0].contains("2× Chikan Kurta"), "{}", sms[0]);

        // The seller accepts and ships from the desk.
        let seller = app.quick_sign_in(SELLER).await;
        let (_, desk) = seller.page("/sell/orders").await;
        let part_path = desk.split("href=\"/sell/orders/").nth(1).map(|rest| format!("/sell/orders/{}", rest.split('"').next().unwrap())).expect("the order is on the desk");
        assert_eq!(seller.post(&part_path, &[("action", "accept")]).await.status(), 303);
        let response = seller.post(&part_path, &[("action", "ship"), ("courier", "India Post"), ("tracking", "x")]).await;
        assert_eq!(response.status(), 400, "a tracking number is needed");
        assert!(response.text().await.unwrap().contains("tracking number"));
        let response = seller.post(&part_path, &[("action", "ship"), ("courier", "India Post"), ("tracking", "EE123456789IN")]).await;
        assert_eq!(response.status(), 303);
        let (status, slip) = seller.page(&format!("{part_path}/slip")).await;
        assert_eq!(status, 200);
        assert!(slip.contains("Asha Verma") && slip.contains("226001"));

        let (_, order_page) = buyer.page(&order_path).await;
        assert!(order_page.contains("Shipped") && order_page.contains("EE123456789IN"), "{order_page}");
        assert!(messages_to(&app, BUYER, "order").await.iter().any(|m| m.contains("Shipped")), "the buyer is told");
        // Too late to cancel.
        let part = part_path.trim_start_matches("/sell/orders/");
        let response = buyer.post(&format!("{order_path}/parts/{part}/cancel"), &[]).await;
        assert_eq!(response.status(), 409);

        // Nobody else sees the order or its desk page.
        let stranger = app.quick_sign_in(OTHER_BUYER).await;
        assert_eq!(stranger.get(&order_path).await.status(), 404);
        let order_id = order_path.trim_start_matches("/orders/");
        assert_eq!(stranger.get(&format!("/api/v1/orders/{order_id}")).await.status(), 404);
        assert_eq!(stranger.get(&part_path).await.status(), 404);
        assert_eq!(stranger.post(&part_path, &[("action", "deliver")]).await.status(), 404);
    }

    async fn payments_count_once_and_forged_webhooks_change_nothing(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let key = "order-key-0001-abcdef";
        let (status, order) = place_by_api(&buyer, key, &order_body(variant, 1, "online")).await;
        assert_eq!(status, 201, "{order}");
        let (status, again) = place_by_api(&buyer, key, &order_body(variant, 1, "online")).await;
        assert_eq!(status, 200, "the same key is the same order");
        assert_eq!(again["id"], order["id"]);
        assert_eq!(stock_of(&app, variant).await, 4, "taken once");
        // The key answers with its order even once the stock it took is
        // gone: a replay is not a new purchase.
        let set_stock = |units: i64| format!("UPDATE listing_variants SET stock = {units} WHERE id = {variant}");
        odop_store::test_support::execute_owned(&app.db, set_stock(0)).await;
        let (status, late) = place_by_api(&buyer, key, &order_body(variant, 1, "online")).await;
        assert_eq!((status.as_u16(), &late["id"]), (200, &order["id"]), "{late}");
        odop_store::test_support::execute_owned(&app.db, set_stock(4)).await;
        assert_eq!(order["sub_orders"][0]["status"], "awaiting_payment");
        let gateway_order = order["payments"][0]["gateway_order_id"].as_str().unwrap().to_owned();
        let total = order["total_paise"].as_i64().unwrap();

        let event = sandbox().simulate(&gateway_order, total, "upi", odop_pay::SandboxOutcome::Success);
        // Forged: signed with another secret, or altered after signing.
        let forger = odop_pay::SandboxGateway::new(b"not-the-secret".to_vec());
        assert_eq!(deliver(&app, &event, &forger.sign(&event.body)).await.status(), 400);
        let mut altered = event.clone();
        altered.body = String::from_utf8(event.body.clone()).unwrap().replace("upi", "card").into_bytes();
        assert_eq!(deliver(&app, &altered, &event.signature).await.status(), 400);
        let (_, unchanged) = buyer.page(&format!("/api/v1/orders/{}", order["id"])).await;
        assert!(unchanged.contains("awaiting_payment"));

        let response = deliver(&app, &event, &event.signature).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.json::<Value>().await.unwrap()["outcome"], "applied");
        let response = deliver(&app, &event, &event.signature).await;
        assert_eq!(response.json::<Value>().await.unwrap()["outcome"], "duplicate", "a replay changes nothing");
        let (_, paid) = buyer.page(&format!("/api/v1/orders/{}", order["id"])).await;
        let paid: Value = serde_json::from_str(&paid).unwrap();
        assert_eq!(paid["sub_orders"][0]["status"], "placed");
        assert_eq!(paid["payments"][0]["status"], "captured");
        assert_eq!(messages_to(&app, SELLER, "order").await.len(), 1, "the seller is told once");

        // Malformed requests get clear answers.
        let (status, body) = place_by_api(&buyer, "short", &order_body(variant, 1, "online")).await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = place_by_api(&buyer, "order-key-0002-abcdef", &json!({"items": [{"variant_id": variant, "quantity": 1}], "address": {"name": "A", "phone": "1", "line1": "", "city": "", "state": "99", "pin": "1"}, "payment_method": "cheque", "accept_terms": false})).await;
        assert_eq!(status, 422);
        let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        for field in ["name", "phone", "state", "pin", "payment_method", "accept_terms"] {
            assert!(fields.contains(&field), "{field} named in {body}");
        }
        let (status, body) = place_by_api(&buyer, "order-key-0003-abcdef", &order_body(variant, 9, "cod")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("sold out"));
        assert!(body["error"]["message"].as_str().unwrap().contains("only 4 left"), "{body}");
        assert_eq!(stock_of(&app, variant).await, 4, "a refused order takes nothing");
    }

    async fn the_api_keeps_a_cart_and_lets_buyers_cancel_and_sellers_fulfil(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let token = buyer.csrf().await;
        let send = |method: reqwest::Method, path: &str, body: Value| {
            buyer.client.request(method, buyer.url(path)).header("x-csrf-token", &token).json(&body).send()
        };
        let response = send(reqwest::Method::PUT, "/api/v1/cart", json!({"variant_id": variant, "quantity": 2})).await.unwrap();
        assert_eq!(response.status(), 200);
        let cart: Value = response.json().await.unwrap();
        assert_eq!(cart["lines"][0]["quantity"], 2);
        assert_eq!(cart["items_paise"], 299_800);
        let response = send(reqwest::Method::PUT, "/api/v1/cart", json!({"variant_id": variant, "quantity": 11})).await.unwrap();
        assert_eq!(response.status(), 422);
        let response = send(reqwest::Method::PUT, "/api/v1/cart", json!({"variant_id": variant, "quantity": 6})).await.unwrap();
        assert_eq!(response.status(), 409, "not more than the stock");

        let (status, first) = place_by_api(&buyer, "api-key-0001-abcdef", &order_body(variant, 2, "cod")).await;
        assert_eq!(status, 201);
        assert_eq!(first["sub_orders"][0]["status"], "placed", "cash on delivery is placed at once");
        let cart: Value = buyer.get("/api/v1/cart").await.json().await.unwrap();
        assert!(cart["lines"].as_array().unwrap().is_empty(), "what was bought leaves the cart");
        let listed: Value = buyer.get("/api/v1/orders").await.json().await.unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 1);

        // The seller declines with a reason; the stock returns.
        let seller = app.quick_sign_in(SELLER).await;
        let seller_token = seller.csrf().await;
        let desk: Value = seller.get("/api/v1/seller/orders").await.json().await.unwrap();
        assert_eq!(desk[0]["status"], "placed");
        assert!(desk[0]["accept_by"].is_string(), "the deadline to answer is given");
        let part = desk[0]["id"].as_i64().unwrap();
        let move_part = |body: Value| {
            seller
                .client
                .post(seller.url(&format!("/api/v1/seller/orders/{part}/transition")))
                .header("x-csrf-token", &seller_token)
                .json(&body)
                .send()
        };
        assert_eq!(move_part(json!({"action": "reject"})).await.unwrap().status(), 422, "a reason is needed");
        assert_eq!(move_part(json!({"action": "deliver"})).await.unwrap().status(), 409, "nothing is skipped");
        let response = move_part(json!({"action": "reject", "reason": "This size is sold at the shop"})).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.json::<Value>().await.unwrap()["status"], "rejected");
        assert_eq!(stock_of(&app, variant).await, 5);
        let stranger = app.quick_sign_in(OTHER_BUYER).await;
        let stranger_token = stranger.csrf().await;
        let response = stranger
            .client
            .post(stranger.url(&format!("/api/v1/seller/orders/{part}/transition")))
            .header("x-csrf-token", &stranger_token)
            .json(&json!({"action": "accept"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "only the order's seller moves it");

        // The buyer cancels the next order, once.
        let (_, second) = place_by_api(&buyer, "api-key-0002-abcdef", &order_body(variant, 1, "cod")).await;
        let cancel = format!("/api/v1/orders/{}/cancel", second["id"]);
        let response = stranger.client.post(stranger.url(&cancel)).header("x-csrf-token", &stranger_token).json(&json!({})).send().await.unwrap();
        assert_eq!(response.status(), 404, "nobody else cancels it");
        let response = send(reqwest::Method::POST, &cancel, json!({})).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.json::<Value>().await.unwrap()["sub_orders"][0]["status"], "cancelled");
        assert_eq!(send(reqwest::Method::POST, &cancel, json!({})).await.unwrap().status(), 409);
        assert_eq!(stock_of(&app, variant).await, 5);

        // An order the seller leaves unanswered past the deadline is cancelled.
        let (_, third) = place_by_api(&buyer, "api-key-0003-abcdef", &order_body(variant, 1, "cod")).await;
        assert_eq!(stock_of(&app, variant).await, 4);
        let after_deadline = Utc::now() + chrono::Duration::hours(49);
        assert_eq!(odop_store::orders::lapse_overdue(&app.db, &PlainNotices, after_deadline).await.unwrap(), 1);
        let view: Value = buyer.get(&format!("/api/v1/orders/{}", third["id"])).await.json().await.unwrap();
        assert_eq!(view["sub_orders"][0]["status"], "cancelled");
        assert_eq!(stock_of(&app, variant).await, 5);
    }

    async fn a_sellers_own_delivery_charge_and_cash_rule_price_the_order(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let seller = app.quick_sign_in(SELLER).await;
        let (status, form) = seller.page("/sell/terms").await;
        assert_eq!(status, 200);
        assert!(form.contains("value=\"60\"") && form.contains("value=\"999\""), "the defaults are shown: {form}");
        let response = seller.post("/sell/terms", &[("flat", "abc"), ("free_from", ""), ("cod_limit", "5000")]).await;
        assert_eq!(response.status(), 400, "a malformed amount is named");
        let response = seller.post("/sell/terms", &[("flat", "80"), ("free_from", ""), ("cod_limit", "5000")]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(app.quick_sign_in(BUYER).await.get("/sell/terms").await.status(), 404, "only sellers have terms");

        let buyer = app.quick_sign_in(BUYER).await;
        let (status, body) = place_by_api(&buyer, "terms-key-0001-abcdef", &order_body(variant, 2, "cod")).await;
        assert_eq!(status, 409, "cash on delivery was switched off: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("cash on delivery"));
        let (status, order) = place_by_api(&buyer, "terms-key-0002-abcdef", &order_body(variant, 2, "online")).await;
        assert_eq!(status, 201);
        assert_eq!(order["delivery_paise"], 8_000, "no free delivery any more, ₹80 flat");
        assert_eq!(order["total_paise"], 299_800 + 8_000);
    }

    async fn an_artisans_order_is_recorded_under_its_vendor_and_both_are_told_once_it_is_paid(app) {
        let vendor = app
            .verified_seller(SellerSpec {
                phone: SELLER,
                name: "Noor Chikan House",
                district: "lucknow",
                craft: "chikankari",
                vendor: None,
            })
            .await;
        let artisan = app
            .verified_seller(SellerSpec {
                phone: ARTISAN,
                name: "Rukhsana Bano",
                district: "lucknow",
                craft: "chikankari",
                vendor: Some(vendor),
            })
            .await;
        let seller = app.sign_in(ARTISAN).await;
        let listing = create_listing(&seller, &kurta(&[("variant-0-stock", "3")])).await;
        assert_eq!(set_status(&seller, listing, "publish").await.status(), 303);
        let variant = variant_of(&app, listing).await;

        let buyer = app.quick_sign_in(BUYER).await;
        let (status, order) = place_by_api(&buyer, "artisan-key-0001-abcdef", &order_body(variant, 1, "online")).await;
        assert_eq!(status, 201, "{order}");
        let id = odop_domain::OrderId(order["id"].as_i64().unwrap());
        let stored = odop_store::orders::order(&app.db, id).await.unwrap().unwrap();
        assert_eq!(stored.parts[0].seller_user_id, artisan.0);
        assert_eq!(stored.parts[0].vendor_user_id, Some(vendor.0), "the vendor invoices the artisan's sale");
        assert!(messages_to(&app, ARTISAN, "order").await.is_empty(), "nobody is told before the money comes");

        let gateway_order = order["payments"][0]["gateway_order_id"].as_str().unwrap().to_owned();
        let total = order["total_paise"].as_i64().unwrap();
        let event = sandbox().simulate(&gateway_order, total, "upi", odop_pay::SandboxOutcome::Success);
        let response = deliver(&app, &event, &event.signature).await;
        assert_eq!(response.json::<Value>().await.unwrap()["outcome"], "applied");
        for phone in [ARTISAN, SELLER] {
            let told = messages_to(&app, phone, "order").await;
            assert_eq!(told.len(), 1, "{phone} is told once: {told:?}");
            assert!(told[0].contains("12 Chowk"), "with the pickup address: {}", told[0]);
        }
        let forged_order = sandbox().simulate("order_not_ours", total, "upi", odop_pay::SandboxOutcome::Success);
        let response = deliver(&app, &forged_order, &forged_order.signature).await;
        assert_eq!(
            response.json::<Value>().await.unwrap()["outcome"],
            "unknown",
            "news of a payment odop never started changes nothing"
        );
    }

    async fn a_delivered_parcel_may_be_returned_within_a_week_and_is_refunded_once_the_seller_has_it_back(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let (_, order) = place_by_api(&buyer, "return-key-0001-abcdef", &order_body(variant, 1, "online")).await;
        let gateway_order = order["payments"][0]["gateway_order_id"].as_str().unwrap().to_owned();
        let total = order["total_paise"].as_i64().unwrap();
        let event = sandbox().simulate(&gateway_order, total, "upi", odop_pay::SandboxOutcome::Success);
        assert_eq!(deliver(&app, &event, &event.signature).await.status(), 200);
        let order_path = format!("/orders/{}", order["id"]);
        let part = order["sub_orders"][0]["id"].as_i64().unwrap();
        let part_path = format!("/sell/orders/{part}");
        let return_path = format!("{order_path}/parts/{part}/return");
        let seller = app.quick_sign_in(SELLER).await;
        assert_eq!(seller.post(&part_path, &[("action", "accept")]).await.status(), 303);
        let shipped = seller.post(&part_path, &[("action", "ship"), ("courier", "India Post"), ("tracking", "EE123456789IN")]).await;
        assert_eq!(shipped.status(), 303);

        // Not before it arrives.
        let (_, page) = buyer.page(&order_path).await;
        assert!(!page.contains(&return_path), "no return form while on its way");
        assert_eq!(buyer.post(&return_path, &[("reason", "damaged")]).await.status(), 409);
        assert_eq!(seller.post(&part_path, &[("action", "deliver")]).await.status(), 303);
        let (_, page) = buyer.page(&order_path).await;
        assert!(page.contains(&return_path) && page.contains("Arrived damaged"), "the delivered part offers a return: {page}");
        assert!(page.contains("Returns within 7 days of delivery"), "the listing's own terms are shown");

        // A reason is needed; strangers cannot ask; the buyer's request is recorded once.
        let response = buyer.post(&return_path, &[("reason", "because"), ("note", "")]).await;
        assert_eq!(response.status(), 400);
        let stranger = app.quick_sign_in(OTHER_BUYER).await;
        assert_eq!(stranger.post(&return_path, &[("reason", "damaged")]).await.status(), 404);
        let response = buyer.post(&return_path, &[("reason", "damaged"), ("note", "The handle <b>cracked</b>")]).await;
        assert_eq!(response.status(), 303);
        let (_, page) = buyer.page(&order_path).await;
        assert!(page.contains("Return asked for") && page.contains("Reason for the return: Arrived damaged"), "{page}");
        assert!(page.contains("cracked") && !page.contains("<b>cracked"), "the buyer's note is shown escaped: {page}");
        assert!(!page.contains(&return_path), "asked once");
        assert_eq!(buyer.post(&return_path, &[("reason", "damaged")]).await.status(), 409);
        // The audit log keeps the reason, never the buyer's own words.
        let filter = odop_store::audit::AuditFilter { object: Some(("sub_order".into(), part.to_string())), ..Default::default() };
        let logged = odop_store::audit::entries(&app.db, &filter, 20).await.unwrap();
        let asked = logged.iter().find(|e| e.action == "sub_order.request-return").unwrap_or_else(|| panic!("{logged:?}"));
        assert_eq!((asked.before.as_deref(), asked.after.as_deref(), asked.note.as_deref()), (Some("delivered"), Some("return_requested"), Some("damaged")));
        assert!(logged.iter().all(|e| !e.note.as_deref().unwrap_or_default().contains("cracked")), "{logged:?}");
        let told = messages_to(&app, SELLER, "order").await;
        assert!(told.iter().any(|m| m.contains("return asked for") && m.contains(&format!("{part}")) && m.contains("Arrived damaged")), "the seller is told: {told:?}");

        // The seller answers from the desk: a refusal needs a reason; approving, then receiving, refunds.
        let (_, desk) = seller.page(&part_path).await;
        assert!(desk.contains("Approve the return") && desk.contains("Refuse the return"), "{desk}");
        assert!(!desk.contains("receive-return"), "nothing to receive before approving");
        assert_eq!(seller.post(&part_path, &[("action", "refuse-return"), ("reason", "")]).await.status(), 400);
        assert_eq!(seller.post(&part_path, &[("action", "approve-return")]).await.status(), 303);
        assert!(messages_to(&app, BUYER, "order").await.iter().any(|m| m.contains("Return approved")), "the buyer is told");
        assert_eq!(seller.post(&part_path, &[("action", "receive-return")]).await.status(), 303);
        let view = odop_store::orders::order(&app.db, odop_domain::OrderId(order["id"].as_i64().unwrap())).await.unwrap().unwrap();
        assert_eq!(view.parts[0].status, "returned");
        assert_eq!(view.refunds.len(), 1, "refunded once");
        assert_eq!(view.refunds[0].amount_paise, total, "damaged goods are refunded in full");
        assert_eq!(view.refunds[0].status, "processed", "the sandbox refunds at once");
        assert_eq!(stock_of(&app, variant).await, 4, "returned goods are not put back on sale by themselves");
        let (_, page) = buyer.page(&order_path).await;
        assert!(page.contains("Returned to the seller") && page.contains("Refunded ₹1,499"), "{page}");
        assert_eq!(seller.post(&part_path, &[("action", "receive-return")]).await.status(), 400, "received once");

        // After a week it is too late; an unanswered request is approved by the platform after two days.
        let (_, second) = place_by_api(&buyer, "return-key-0002-abcdef", &order_body(variant, 1, "cod")).await;
        let second_part = odop_domain::SubOrderId(second["sub_orders"][0]["id"].as_i64().unwrap());
        let move_part = |event: odop_domain::orders::OrderEvent, party, at| {
            let db = app.db.clone();
            async move { odop_store::orders::transition(&db, second_part, &event, party, None, &PlainNotices, at).await }
        };
        use odop_domain::orders::{OrderEvent, Party, ReturnReason, SubOrderStatus, TransitionError};
        let now = Utc::now();
        let ship = OrderEvent::Ship { courier: "DTDC".into(), tracking: "D1234-5678".into() };
        for event in [OrderEvent::Accept, ship, OrderEvent::Deliver] {
            move_part(event, Party::Seller, now).await.unwrap();
        }
        let ask = || OrderEvent::RequestReturn { reason: ReturnReason::ChangedMind, note: String::new() };
        let late = move_part(ask(), Party::Buyer, now + chrono::Duration::days(8)).await;
        assert!(
            matches!(late, Err(odop_store::orders::MoveError::Transition(TransitionError::Invalid("order-return-window-closed")))),
            "{late:?}"
        );
        // Through the API, as the buyer's app asks.
        let ask_by_api = |person, body| return_by_api(person, second["id"].as_i64().unwrap(), body);
        let (status, body) = ask_by_api(&buyer, json!({"sub_order_id": second_part.0, "reason": "broken"})).await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = ask_by_api(&stranger, json!({"sub_order_id": second_part.0, "reason": "changed-mind"})).await;
        assert_eq!(status, 404);
        let (status, body) = ask_by_api(&buyer, json!({"sub_order_id": second_part.0, "reason": "changed-mind", "note": "Gift came twice"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["sub_orders"][0]["status"], "return_requested");
        let (status, _) = ask_by_api(&buyer, json!({"sub_order_id": second_part.0, "reason": "changed-mind"})).await;
        assert_eq!(status, 409, "asked once");
        let asked_at = Utc::now();
        let lapsed = odop_store::orders::lapse_overdue(&app.db, &PlainNotices, asked_at + chrono::Duration::hours(47)).await.unwrap();
        assert_eq!(lapsed, 0, "the seller still has time");
        let lapsed = odop_store::orders::lapse_overdue(&app.db, &PlainNotices, asked_at + chrono::Duration::hours(49)).await.unwrap();
        assert_eq!(lapsed, 1);
        let part = odop_store::orders::sub_order(&app.db, second_part).await.unwrap().unwrap();
        assert_eq!(part.status(), SubOrderStatus::ReturnApproved);
    }

    async fn an_unpaid_hold_returns_its_stock_and_a_late_payment_is_reserved_or_refunded(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let (_, first) = place_by_api(&buyer, "hold-key-0001-abcdef", &order_body(variant, 2, "online")).await;
        assert_eq!(stock_of(&app, variant).await, 3);
        let later = Utc::now() + chrono::Duration::minutes(16);
        let lapsed = odop_store::orders::lapse_overdue(&app.db, &PlainNotices, later).await.unwrap();
        assert_eq!(lapsed, 1);
        assert_eq!(stock_of(&app, variant).await, 5, "the hold returned the stock");
        let (_, view) = buyer.page(&format!("/api/v1/orders/{}", first["id"])).await;
        assert!(view.contains("\"cancelled\""), "{view}");

        // Paid late while the stock is still there: taken again.
        let gateway_order = first["payments"][0]["gateway_order_id"].as_str().unwrap().to_owned();
        let event = sandbox().simulate(&gateway_order, first["total_paise"].as_i64().unwrap(), "upi", odop_pay::SandboxOutcome::Success);
        let response = deliver(&app, &event, &event.signature).await;
        assert_eq!(response.json::<Value>().await.unwrap()["outcome"], "applied");
        assert_eq!(stock_of(&app, variant).await, 3);
        let (_, view) = buyer.page(&format!("/api/v1/orders/{}", first["id"])).await;
        assert!(view.contains("\"placed\""), "{view}");

        // Paid late after someone else bought the stock: refunded in full.
        let (_, second) = place_by_api(&buyer, "hold-key-0002-abcdef", &order_body(variant, 3, "online")).await;
        assert_eq!(stock_of(&app, variant).await, 0);
        odop_store::orders::lapse_overdue(&app.db, &PlainNotices, later).await.unwrap();
        let other = app.quick_sign_in(OTHER_BUYER).await;
        let (status, _) = place_by_api(&other, "hold-key-0003-abcdef", &order_body(variant, 3, "cod")).await;
        assert_eq!(status, 201);
        let gateway_order = second["payments"][0]["gateway_order_id"].as_str().unwrap().to_owned();
        let event = sandbox().simulate(&gateway_order, second["total_paise"].as_i64().unwrap(), "upi", odop_pay::SandboxOutcome::Success);
        let response = deliver(&app, &event, &event.signature).await;
        assert_eq!(response.json::<Value>().await.unwrap()["outcome"], "refund_owed");
        let view = odop_store::orders::order(&app.db, odop_domain::OrderId(second["id"].as_i64().unwrap())).await.unwrap().unwrap();
        assert_eq!(view.refunds.len(), 1);
        assert_eq!(view.refunds[0].status, "processed", "the sandbox refunds at once");
        assert_eq!(view.refunds[0].amount_paise, second["total_paise"].as_i64().unwrap());
        assert!(
            view.payments.iter().all(|p| p.status != "captured"),
            "a payment given back does not read as paid: {:?}",
            view.payments
        );
        assert_eq!(stock_of(&app, variant).await, 0, "never negative");
    }
}

/// 200 buyers each order one of the last 10 units at once, through `nodes`
/// in turn: exactly 10 succeed, the rest hear "sold out", none oversells.
async fn race(nodes: &[&TestApp]) {
    let app = nodes[0];
    let variant = kurta_on_sale(app, 10).await;
    let mut buyers = Vec::new();
    for i in 0..200 {
        let node = nodes[i % nodes.len()];
        let buyer = node.quick_sign_in(&format!("97{i:08}")).await;
        buyer.csrf().await;
        buyers.push(buyer);
    }
    let tasks: Vec<_> = buyers
        .into_iter()
        .enumerate()
        .map(|(i, buyer)| {
            tokio::spawn(async move {
                let method = if i % 2 == 0 { "online" } else { "cod" };
                place_by_api(
                    &buyer,
                    &format!("race-key-{i:04}-abcdef"),
                    &order_body(variant, 1, method),
                )
                .await
            })
        })
        .collect();
    let mut placed = 0;
    let mut sold_out = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status.as_u16() {
            201 => placed += 1,
            409 if body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("sold out")) =>
            {
                sold_out += 1
            }
            other => panic!("unexpected answer {other}: {body}"),
        }
    }
    assert_eq!((placed, sold_out), (10, 190));
    assert_eq!(stock_of(app, variant).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_buyers_race_for_ten_units_on_sqlite() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    race(&[&app]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_buyers_race_for_ten_units_through_two_postgres_nodes() {
    let Some(first) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let second = TestApp::spawn_on(&first.database_url()).await;
    race(&[&first, &second]).await;
}

/// A stand-in for Razorpay's orders API on loopback, answering as its
/// documentation shows.
pub(crate) async fn fake_razorpay() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    fake_razorpay_on(listener)
}

/// The stand-in on a listener the test chose (to start it late, on an
/// address the app already knows).
pub(crate) fn fake_razorpay_on(listener: tokio::net::TcpListener) -> String {
    let app = axum::Router::new().route(
        "/v1/orders",
        axum::routing::post(|axum::Json(body): axum::Json<Value>| async move {
            axum::Json(json!({
                "id": "order_TEST123", "entity": "order", "amount": body["amount"], "amount_paid": 0,
                "amount_due": body["amount"], "currency": "INR", "receipt": body["receipt"], "status": "created",
                "attempts": 0, "notes": body["notes"], "created_at": 1_763_900_000
            }))
        }),
    );
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_razorpay_payment_returns_with_a_checked_signature_and_counts_once_its_webhook_confirms_it() {
    let mut config = odop_pay::RazorpayConfig::new("rzp_test_key", "key-secret", "hook-secret");
    config.base_url = fake_razorpay().await;
    let payments = odop_web::payments::Payments::through(std::sync::Arc::new(odop_pay::RazorpayGateway::new(config)));
    let app = TestApp::spawn_with_payments(Backend::Sqlite, payments).await.unwrap();
    let variant = kurta_on_sale(&app, 5).await;
    let buyer = app.quick_sign_in(BUYER).await;
    assert_eq!(
        buyer
            .post("/cart/add", &[("variant", &variant.to_string())])
            .await
            .status(),
        303
    );
    let (_, checkout) = buyer.page("/checkout").await;
    let mut fields = address(&[]);
    fields.extend([
        ("key".into(), hidden(&checkout, "key")),
        ("total_paise".into(), hidden(&checkout, "total_paise")),
    ]);
    let response = post_form(&buyer, "/checkout", &fields).await;
    let pay = location(&response);
    let (status, page) = buyer.page(&pay).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("data-key=\"rzp_test_key\"") && page.contains("data-order=\"order_TEST123\""),
        "{page}"
    );
    assert!(
        page.contains("checkout.razorpay.com"),
        "Razorpay's own checkout takes the payment"
    );

    // The payer's browser comes back: a forged signature is refused.
    let back = "/pay/razorpay/order_TEST123/return";
    let forged = [
        ("razorpay_payment_id", "pay_ABC"),
        ("razorpay_order_id", "order_TEST123"),
        ("razorpay_signature", "00ff"),
    ];
    assert_eq!(buyer.post(back, &forged).await.status(), 400);
    let signature = odop_pay::signature::hmac_sha256_hex(b"key-secret", b"order_TEST123|pay_ABC");
    let genuine = [
        ("razorpay_payment_id", "pay_ABC"),
        ("razorpay_order_id", "order_TEST123"),
        ("razorpay_signature", signature.as_str()),
    ];
    let response = buyer.post(back, &genuine).await;
    assert_eq!(response.status(), 303);
    let order_path = location(&response);
    let (_, order_page) = buyer.page(&order_path).await;
    assert!(
        order_page.contains("Waiting for payment"),
        "only the webhook moves the order"
    );

    // Razorpay's webhook confirms it.
    let total = hidden(&checkout, "total_paise");
    let body = format!(
        r#"{{"entity":"event","account_id":"acc_TEST","event":"payment.captured","contains":["payment"],"payload":{{"payment":{{"entity":{{"id":"pay_ABC","entity":"payment","amount":{total},"currency":"INR","status":"captured","order_id":"order_TEST123","method":"upi","captured":true,"error_code":null,"error_description":null}}}}}},"created_at":1763900100}}"#
    );
    let hook = |signature: String| {
        app.client
            .post(app.url("/api/v1/payments/webhook/razorpay"))
            .header("x-razorpay-signature", signature)
            .header("x-razorpay-event-id", "evt_TEST1")
            .body(body.clone())
            .send()
    };
    assert_eq!(
        hook(odop_pay::signature::hmac_sha256_hex(b"key-secret", body.as_bytes()))
            .await
            .unwrap()
            .status(),
        400,
        "signed with the wrong secret"
    );
    let response = hook(odop_pay::signature::hmac_sha256_hex(b"hook-secret", body.as_bytes()))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (_, order_page) = buyer.page(&order_path).await;
    assert!(
        order_page.contains("Placed") && order_page.contains("paid"),
        "{order_page}"
    );
    let sandbox_hook = app
        .client
        .post(app.url("/api/v1/payments/webhook/sandbox"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(sandbox_hook.status(), 404, "only the configured gateway has a webhook");
}
