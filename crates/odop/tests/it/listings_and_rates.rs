//! What a listing may claim and how it is taxed: a listing's craft is its
//! seller's district's, or "another craft" of it; photos are kept through
//! the API as through the form; the GST rate table is kept by state admins,
//! every change recorded, and a sale is taxed at the rate in force for its
//! price on its day.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::catalogue::{NOOR, noor, png};
use crate::support::TestApp;
use crate::support::on_both_backends;
use crate::support::people::{Person, SellerSpec};

const RAMESH: &str = "9822300002";
const ADMIN: &str = "9822300003";
const ADMIN_PASSWORD: &str = "a long enough password";

async fn me_id(person: &Person) -> i64 {
    person.get("/api/v1/me").await.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

fn listing(craft: &str, hsn: &str, variants: Value) -> Value {
    json!({
        "title_en": "Hand embroidered kurta",
        "craft": craft,
        "hsn": hsn,
        "weight_grams": 300,
        "variants": variants
    })
}

async fn send(person: &Person, method: reqwest::Method, path: &str, body: Option<Value>) -> reqwest::Response {
    let token = person.csrf().await;
    let mut request = person
        .client
        .request(method, person.url(path))
        .header("x-csrf-token", token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn created_listing(person: &Person, body: Value) -> i64 {
    let response = send(person, reqwest::Method::POST, "/api/v1/listings", Some(body)).await;
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn publish(person: &Person, id: i64) {
    let response = send(
        person,
        reqwest::Method::POST,
        &format!("/api/v1/listings/{id}/status"),
        Some(json!({"action": "publish"})),
    )
    .await;
    assert_eq!(response.status(), 200);
}

async fn upload(person: &Person, id: i64, bytes: Vec<u8>) -> reqwest::Response {
    let form = Form::new().part("photo", Part::bytes(bytes).file_name("photo.png"));
    person
        .client
        .post(person.url(&format!("/api/v1/listings/{id}/photos")))
        .header("x-csrf-token", person.csrf().await)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The message an API error gives for one field.
fn problem(body: &Value, field: &str) -> Option<String> {
    body["error"]["fields"]
        .as_array()?
        .iter()
        .find(|p| p["field"] == field)
        .and_then(|p| p["message"].as_str())
        .map(str::to_owned)
}

async fn state_admin(app: &TestApp) -> Person {
    app.create_staff(
        ADMIN,
        "ODOP Cell",
        vec![odop_store::accounts::StaffRole::StateAdmin],
        ADMIN_PASSWORD,
    )
    .await;
    app.staff_sign_in(ADMIN, ADMIN_PASSWORD).await
}

on_both_backends! {
    async fn a_listing_claims_only_its_own_districts_crafts_or_another_craft_of_it(app) {
        noor(&app).await;
        let seller = app.sign_in(NOOR).await;
        let variants = json!([{"sku": "K-1", "price_paise": 150_000, "stock": 3}]);
        // Varanasi's Banarasi sarees are not a Lucknow seller's to claim.
        let response = send(
            &seller,
            reqwest::Method::POST,
            "/api/v1/listings",
            Some(listing("banarasi-silk-sarees", "5007", variants.clone())),
        )
        .await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        let message = problem(&body, "craft").unwrap_or_default();
        assert!(message.contains("another district"), "{body}");

        // Another craft of the seller's own district is fine, and shown as such.
        let id = created_listing(&seller, listing("other", "6211", variants)).await;
        publish(&seller, id).await;
        let slug = seller.get(&format!("/api/v1/listings/{id}")).await.json::<Value>().await.unwrap()["url"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, page) = app.visitor("9822300009").page(&slug).await;
        assert_eq!(status, 200);
        assert!(page.contains("Other craft of Lucknow"), "the product page names the craft as the district's other craft");
        assert!(!page.contains("ODOP product of Lucknow"), "and claims no ODOP badge for it");
    }

    async fn photos_are_uploaded_ordered_and_deleted_through_the_api(app) {
        noor(&app).await;
        app.verified_seller(SellerSpec {
            phone: RAMESH,
            name: "Ramesh Brass",
            district: "moradabad",
            craft: "metal-craft",
            vendor: None,
        })
        .await;
        let seller = app.sign_in(NOOR).await;
        let other = app.sign_in(RAMESH).await;
        let variants = json!([{"sku": "K-1", "price_paise": 150_000, "stock": 3}]);
        let id = created_listing(&seller, listing("chikankari", "6211", variants)).await;

        // Without the CSRF header nothing is stored.
        let form = Form::new().part("photo", Part::bytes(png(800, 600)).file_name("photo.png"));
        let response = seller
            .client
            .post(seller.url(&format!("/api/v1/listings/{id}/photos")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);

        let first = upload(&seller, id, png(800, 600)).await;
        assert_eq!(first.status(), 201);
        let second = upload(&seller, id, png(600, 800)).await;
        assert_eq!(second.status(), 201);
        let photos: Value = second.json().await.unwrap();
        let ids: Vec<i64> = photos["photos"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(photos["photos"][0]["width"], 800, "in the order uploaded");
        assert!(photos["photos"][0]["src"].as_str().unwrap().ends_with(".webp"));

        // Not an image: refused with the reason, nothing kept.
        let junk = upload(&seller, id, b"<script>alert(1)</script>".to_vec()).await;
        assert_eq!(junk.status(), 422);
        let body: Value = junk.json().await.unwrap();
        assert!(problem(&body, "photo").is_some(), "{body}");

        // Reordered: the second comes first.
        let reordered = send(
            &seller,
            reqwest::Method::PUT,
            &format!("/api/v1/listings/{id}/photos/order"),
            Some(json!({"photo_ids": [ids[1], ids[0]]})),
        )
        .await;
        assert_eq!(reordered.status(), 200);
        let photos: Value = reordered.json().await.unwrap();
        assert_eq!(photos["photos"][0]["id"], ids[1]);
        assert_eq!(photos["photos"][0]["width"], 600);
        // An order that leaves one out, or names one twice, changes nothing.
        for wrong in [json!([ids[0]]), json!([ids[0], ids[0]]), json!([ids[0], ids[1], 999_999])] {
            let response = send(
                &seller,
                reqwest::Method::PUT,
                &format!("/api/v1/listings/{id}/photos/order"),
                Some(json!({"photo_ids": wrong})),
            )
            .await;
            assert_eq!(response.status(), 422, "{wrong}");
        }

        // Another seller can neither see, add, order nor delete them.
        assert_eq!(other.get(&format!("/api/v1/listings/{id}/photos")).await.status(), 404);
        assert_eq!(upload(&other, id, png(800, 600)).await.status(), 404);
        let response = send(&other, reqwest::Method::DELETE, &format!("/api/v1/listings/{id}/photos/{}", ids[0]), None).await;
        assert_eq!(response.status(), 404);

        let response = send(&seller, reqwest::Method::DELETE, &format!("/api/v1/listings/{id}/photos/{}", ids[0]), None).await;
        assert_eq!(response.status(), 204);
        let left: Value = seller.get(&format!("/api/v1/listings/{id}/photos")).await.json().await.unwrap();
        assert_eq!(left["photos"].as_array().unwrap().len(), 1);
        assert_eq!(left["photos"][0]["id"], ids[1]);
        let again = send(&seller, reqwest::Method::DELETE, &format!("/api/v1/listings/{id}/photos/{}", ids[0]), None).await;
        assert_eq!(again.status(), 404);
    }

    async fn state_admins_add_and_correct_gst_rates_and_every_change_is_recorded(app) {
        noor(&app).await;
        let seller = app.sign_in(NOOR).await;
        let admin = state_admin(&app).await;
        let line = |rate: &str| {
            json!({
                "hsn_prefix": "621139",
                "effective_from": "2026-01-01",
                "rate_percent": rate,
                "note": "Test line for embroidered apparel. Source: a test"
            })
        };
        // A seller may read the table but not change it.
        let read: Value = seller.get("/api/v1/gst/rates?hsn=7018").await.json().await.unwrap();
        assert!(
            read["lines"].as_array().unwrap().iter().any(|l| l["hsn_prefix"].as_str().unwrap().starts_with("7018")),
            "glass bangles have a rate: {read}"
        );
        let refused = send(&seller, reqwest::Method::POST, "/api/v1/gst/rates", Some(line("12"))).await;
        assert_eq!(refused.status(), 404);
        assert_eq!(seller.get("/admin/gst").await.status(), 404);

        // A listing under the code, sold at ₹1,500: 5% until the line.
        let variants = json!([{"sku": "K-1", "price_paise": 150_000, "stock": 3}]);
        let id = created_listing(&seller, listing("chikankari", "62113900", variants)).await;
        let rate = |listing: Value| listing["gst_rate_bp"].as_i64().unwrap();
        assert_eq!(rate(seller.get(&format!("/api/v1/listings/{id}")).await.json().await.unwrap()), 500);

        let added = send(&admin, reqwest::Method::POST, "/api/v1/gst/rates", Some(line("12"))).await;
        assert_eq!(added.status(), 201);
        assert_eq!(added.json::<Value>().await.unwrap()["outcome"], "added");
        assert_eq!(rate(seller.get(&format!("/api/v1/listings/{id}")).await.json().await.unwrap()), 1200);

        let corrected = send(&admin, reqwest::Method::POST, "/api/v1/gst/rates", Some(line("5"))).await;
        assert_eq!(corrected.status(), 200);
        let body: Value = corrected.json().await.unwrap();
        assert_eq!(body["outcome"], "corrected");
        assert_eq!(body["previous_rate_bp"], 1200);
        assert_eq!(rate(seller.get(&format!("/api/v1/listings/{id}")).await.json().await.unwrap()), 500);
        let same = send(&admin, reqwest::Method::POST, "/api/v1/gst/rates", Some(line("5"))).await;
        assert_eq!(same.json::<Value>().await.unwrap()["outcome"], "unchanged");

        // A wrong line is refused field by field, and nothing is written.
        let wrong = send(
            &admin,
            reqwest::Method::POST,
            "/api/v1/gst/rates",
            Some(json!({"hsn_prefix": "62x", "effective_from": "2016-01-01", "rate_percent": "250", "note": ""})),
        )
        .await;
        assert_eq!(wrong.status(), 422);
        let body: Value = wrong.json().await.unwrap();
        for field in ["hsn_prefix", "effective_from", "rate_percent", "note"] {
            assert!(problem(&body, field).is_some(), "{field}: {body}");
        }

        // The page shows the line and who changed it, from which rate to which.
        let (status, page) = admin.page("/admin/gst?hsn=62113900").await;
        assert_eq!(status, 200);
        assert!(page.contains("621139"));
        assert!(page.contains("12% → 5%"), "the correction is on the trail");
        assert!(page.contains("ODOP Cell"), "with who made it");

        // The page's form does the same, with its errors in the admin's language.
        let response = admin
            .post(
                "/admin/gst",
                &[("hsn_prefix", "9999"), ("effective_from", "2026-01-01"), ("rate", "18"), ("note", "Test goods. Source: a test")],
            )
            .await;
        assert_eq!(response.status(), 303);
        let response = admin.post("/admin/gst", &[("hsn_prefix", "9"), ("rate", "5"), ("note", "short")]).await;
        assert_eq!(response.status(), 400);
        let lines: Value = seller.get("/api/v1/gst/rates?hsn=9999").await.json().await.unwrap();
        assert_eq!(lines["lines"].as_array().unwrap().len(), 1);
    }

    async fn a_sale_is_taxed_at_the_rate_for_its_own_price(app) {
        noor(&app).await;
        let seller = app.sign_in(NOOR).await;
        // Apparel: 5% up to ₹2,500 a piece, 18% above, since 22 Sep 2025.
        let variants = json!([
            {"label": "Cotton", "sku": "K-C", "price_paise": 200_000, "stock": 3},
            {"label": "Silk", "sku": "K-S", "price_paise": 300_000, "stock": 3}
        ]);
        let id = created_listing(&seller, listing("chikankari", "6211", variants)).await;
        publish(&seller, id).await;
        let listing = odop_store::catalogue::get(&app.db, odop_domain::ListingId(id)).await.unwrap().unwrap();
        let variant = |sku: &str| listing.variants.iter().find(|v| v.sku == sku).unwrap().id;
        let now = chrono::Utc::now();
        let quote = |sku: &'static str| {
            let db = app.db.clone();
            let items = vec![(variant(sku), 1)];
            async move { odop_store::orders::quote(&db, "09", &items, now).await.unwrap().unwrap() }
        };
        let cotton = quote("K-C").await;
        let silk = quote("K-S").await;
        assert_eq!(cotton.sellers[0].lines[0].line.gst_rate.0, 500);
        assert_eq!(silk.sellers[0].lines[0].line.gst_rate.0, 1800, "the dearer piece is above the band");
        // ₹3,000 at 18%: tax ₹457.63.
        assert_eq!(silk.tax.total().0, 45_763);
        assert_eq!(silk.tax.cgst.0 + silk.tax.sgst.0, 45_763, "within UP: CGST and SGST");
    }

    async fn an_enrolled_supplier_sells_within_up_only_and_charges_no_gst(app) {
        let seller_id = app
            .enrolled_seller(SellerSpec {
                phone: NOOR,
                name: "Noor Chikan House",
                district: "lucknow",
                craft: "chikankari",
                vendor: None,
            })
            .await;
        let seller = app.sign_in(NOOR).await;
        let me: Value = seller.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["seller"]["kind"], "enrolled");
        let variants = json!([{"sku": "K-1", "price_paise": 105_000, "stock": 5}]);
        let id = created_listing(&seller, listing("chikankari", "6211", variants)).await;
        publish(&seller, id).await;
        let listing = odop_store::catalogue::get(&app.db, odop_domain::ListingId(id)).await.unwrap().unwrap();
        assert_eq!(listing.record.seller(), seller_id);
        let variant = listing.variants[0].id;
        let (_, page) = app.visitor("9822300008").page(&format!("/p/{id}/{}", listing.record.slug)).await;
        assert!(page.contains("enrolled supplier"), "the product page says the seller is not registered for GST");

        let buyer = app.sign_in("9822300007").await;
        // To Delhi: refused with the reason, nothing written.
        let mut body = crate::checkout::order_body(variant, 1, "cod");
        body["address"]["state"] = json!("07");
        body["address"]["pin"] = json!("110001");
        body["address"]["city"] = json!("New Delhi");
        let (status, answer) = crate::checkout::place_by_api(&buyer, "an-order-to-delhi-0001", &body).await;
        assert_eq!(status, 422, "{answer}");
        assert!(answer.to_string().contains("Uttar Pradesh"), "{answer}");
        assert!(odop_store::orders::of_buyer(&app.db, odop_domain::UserId(me_id(&buyer).await), 10).await.unwrap().is_empty());

        // Within UP: no GST in the price, and a bill of supply.
        let body = crate::checkout::order_body(variant, 1, "cod");
        let (status, order) = crate::checkout::place_by_api(&buyer, "an-order-to-lucknow-0001", &body).await;
        assert_eq!(status, 201, "{order}");
        let (_, page) = buyer.page(&format!("/orders/{}", order["id"])).await;
        assert!(page.contains("bill of supply"), "the order says which document the seller gives");
        let view: Value = buyer.get(&format!("/api/v1/orders/{}", order["id"])).await.json().await.unwrap();
        assert_eq!(view["items_paise"], 105_000);
        assert_eq!(view["tax_paise"], 0, "no GST is charged: {view}");
    }
}
