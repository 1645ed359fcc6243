//! The catalogue as sellers and buyers use it: verified sellers list, edit,
//! pause and photograph their goods on pages and through the API; buyers
//! find them by search in either script and on product, shop, district and
//! craft pages; nobody touches another's listing; hostile input does no harm.

use std::time::Duration;

use odop_domain::UserId;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::support::on_both_backends;
use crate::support::people::{Person, SellerSpec, location};
use crate::support::{Backend, TestApp};

pub(crate) const NOOR: &str = "9822200001";
const RUKHSANA: &str = "9822200002";
const RAMESH: &str = "9822200003";
const BUYER: &str = "9822200004";

pub(crate) async fn noor(app: &TestApp) -> UserId {
    app.verified_seller(SellerSpec {
        phone: NOOR,
        name: "Noor Chikan House",
        district: "lucknow",
        craft: "chikankari",
        vendor: None,
    })
    .await
}

async fn rukhsana(app: &TestApp, vendor: UserId) -> UserId {
    app.verified_seller(SellerSpec {
        phone: RUKHSANA,
        name: "Rukhsana Begum",
        district: "lucknow",
        craft: "chikankari",
        vendor: Some(vendor),
    })
    .await
}

async fn ramesh(app: &TestApp) -> UserId {
    app.verified_seller(SellerSpec {
        phone: RAMESH,
        name: "Ramesh Silk Emporium",
        district: "varanasi",
        craft: "banarasi-silk-sarees",
        vendor: None,
    })
    .await
}

/// The listing form filled in for a chikankari kurta in two sizes, with
/// `changes` applied (an empty value removes the field).
pub(crate) fn kurta(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("title_en", "Chikan Kurta in White Cotton"),
        ("title_hi", "सफ़ेद सूती चिकन कुर्ता"),
        (
            "description_en",
            "Hand-embroidered in Chowk.\n\n- Cotton\n- **Shadow work**",
        ),
        ("description_hi", "चौक में हाथ से कढ़ा।"),
        ("craft", "chikankari"),
        ("hsn", "6211"),
        ("weight_grams", "300"),
        ("length_cm", "35"),
        ("width_cm", "28"),
        ("height_cm", "3"),
        ("returnable", "yes"),
        ("return_days", "7"),
        ("origin", ""),
        ("variant-0-label", "M"),
        ("variant-0-sku", "KURTA-M"),
        ("variant-0-price", "1499"),
        ("variant-0-mrp", "1999"),
        ("variant-0-stock", "5"),
        ("variant-1-label", "L"),
        ("variant-1-sku", "KURTA-L"),
        ("variant-1-price", "1599"),
        ("variant-1-mrp", "1999"),
        ("variant-1-stock", "0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (key, value) in changes {
        match fields.iter_mut().find(|(k, _)| k == key) {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((key.to_string(), value.to_string())),
        }
    }
    fields.retain(|(_, v)| !v.is_empty());
    fields
}

/// A listing as the API takes it.
fn dupatta() -> Value {
    json!({
        "title_en": "Chikankari Dupatta",
        "title_hi": "चिकनकारी दुपट्टा",
        "description_en": "Light georgette.",
        "craft": "chikankari",
        "hsn": "6214",
        "weight_grams": 200,
        "dimensions_cm": [30, 25, 2],
        "return_days": 10,
        "gi_tagged": true,
        "variants": [{"label": "", "sku": "DUP-1", "price_paise": 89_900, "mrp_paise": 99_900, "stock": 4}]
    })
}

async fn post_fields(person: &Person, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    person.post(path, &pairs).await
}

/// Creates a listing through the seller's form; returns its id.
pub(crate) async fn create_listing(person: &Person, fields: &[(String, String)]) -> i64 {
    let response = post_fields(person, "/sell/listings", fields).await;
    assert_eq!(response.status(), 303, "the listing is created");
    location(&response)
        .trim_start_matches("/sell/listings/")
        .parse()
        .expect("redirected to the new listing")
}

pub(crate) async fn set_status(person: &Person, id: i64, action: &str) -> reqwest::Response {
    person
        .post(&format!("/sell/listings/{id}/status"), &[("action", action)])
        .await
}

pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut bytes = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

/// A PNG whose header claims 100,000 × 100,000 pixels: decoding it would
/// need 30 GB.
fn png_bomb() -> Vec<u8> {
    let mut bytes = png(8, 8);
    // IHDR's width and height follow the signature (8), length (4) and type (4).
    bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    // The IHDR checksum must match for decoders to read on.
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

async fn upload(person: &Person, id: i64, bytes: Vec<u8>) -> reqwest::Response {
    let form = Form::new()
        .text("_csrf", person.csrf().await)
        .part("photo", Part::bytes(bytes).file_name("photo.png"));
    person
        .client
        .post(person.url(&format!("/sell/listings/{id}/photos")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn photo_count(app: &TestApp, id: i64) -> usize {
    odop_store::catalogue::get(&app.db, odop_domain::ListingId(id))
        .await
        .unwrap()
        .unwrap()
        .photos
        .len()
}

fn search_path(query: &str, filters: &str) -> String {
    let mut url = reqwest::Url::parse("http://x/api/v1/search").unwrap();
    url.query_pairs_mut().append_pair("q", query);
    format!("{}?{}{filters}", url.path(), url.query().unwrap())
}

/// The ids a search finds once the index has caught up with `expected`
/// (the index follows the change log; this waits up to ten seconds so
/// that a loaded machine does not fail the test, while the benchmark
/// measures how quickly it really happens).
async fn search_until(app: &TestApp, query: &str, filters: &str, expected: &[i64]) -> Value {
    let path = search_path(query, filters);
    let mut last = Value::Null;
    for _ in 0..200 {
        let (status, body) = app.json(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
        let ids: Vec<i64> = body["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect();
        if ids == expected {
            return body;
        }
        last = body;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} never found exactly {expected:?}; last answer: {last}");
}

on_both_backends! {
    async fn a_seller_lists_photographs_publishes_edits_and_pauses_and_buyers_see_each_step(app) {
        let seller_id = noor(&app).await;
        let seller = app.sign_in(NOOR).await;
        let (status, form) = seller.page("/sell/listings/new").await;
        assert_eq!(status, 200);
        assert!(form.contains("name=\"variant-0-sku\"") && form.contains("name=\"hsn\""));
        let id = create_listing(&seller, &kurta(&[])).await;

        // A draft is the seller's alone.
        let buyer = app.visitor(BUYER);
        assert_eq!(buyer.get(&format!("/p/{id}")).await.status(), 404);
        assert_eq!(app.get(&format!("/api/v1/listings/{id}")).await.status(), 404);
        let (_, mine) = seller.page("/sell/listings").await;
        assert!(mine.contains("Chikan Kurta in White Cotton"));

        let response = upload(&seller, id, png(1200, 900)).await;
        assert_eq!(response.status(), 303, "the photo is accepted");
        assert_eq!(photo_count(&app, id).await, 1);

        assert_eq!(set_status(&seller, id, "publish").await.status(), 303);
        // Found in English, in Hindi and in the other script, and by district.
        search_until(&app, "chikan kurta", "", &[id]).await;
        search_until(&app, "चिकन कुर्ता", "", &[id]).await;
        let lucknow = search_until(&app, "kurta", "&district=lucknow", &[id]).await;
        assert_eq!(lucknow["hits"][0]["seller"], "Noor Chikan House");
        assert_eq!(lucknow["hits"][0]["price_paise"], 149_900);
        search_until(&app, "kurta", "&district=varanasi", &[]).await;

        // The product page carries what the e-commerce rules require.
        let response = buyer.get(&format!("/p/{id}")).await;
        assert_eq!(response.status(), 308);
        let product_path = location(&response);
        let (status, page) = buyer.page(&product_path).await;
        assert_eq!(status, 200);
        for expected in [
            "Chikan Kurta in White Cotton",
            "₹1,499",
            "₹1,999",
            "Noor Chikan House",
            "Lucknow",
            "India",
            "7 days",
            "GST",
            "KURTA-L",
            "<strong>Shadow work</strong>",
        ] {
            assert!(page.contains(expected), "the product page shows {expected}");
        }
        let srcset = page.find("srcset=\"").expect("photos offer several widths");
        let photo = page[srcset + 8..].split(' ').next().unwrap().to_owned();
        assert!(photo.starts_with("/media/photos/") && photo.ends_with(".webp"), "{photo}");
        let response = buyer.get(&photo).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/webp");
        assert!(response.headers()["cache-control"].to_str().unwrap().contains("immutable"));

        // The shop, the district and the craft list it.
        for page in [format!("/sellers/{}", seller_id.0), "/districts/lucknow".into(), "/crafts/chikankari".into()] {
            let (status, html) = buyer.page(&page).await;
            assert_eq!(status, 200, "{page}");
            assert!(html.contains(&product_path), "{page} links the product");
        }

        // An edit shows in search and on the page.
        let response = post_fields(&seller, &format!("/sell/listings/{id}"), &kurta(&[("title_en", "Mulmul Anarkali")])).await;
        assert_eq!(response.status(), 303);
        let edited = search_until(&app, "anarkali", "", &[id]).await;
        let response = buyer.get(&product_path).await;
        assert_eq!(response.status(), 308, "the old address leads to the renamed listing");
        let product_path = edited["hits"][0]["url"].as_str().unwrap().to_owned();
        assert_eq!(location(&response), product_path);
        let (_, page) = buyer.page(&product_path).await;
        assert!(page.contains("Mulmul Anarkali"));

        // Paused: gone from search and from every public page.
        assert_eq!(set_status(&seller, id, "pause").await.status(), 303);
        search_until(&app, "anarkali", "", &[]).await;
        assert_eq!(buyer.get(&product_path).await.status(), 404);
        let (_, district) = buyer.page("/districts/lucknow").await;
        assert!(!district.contains(&product_path));
        let (_, shop) = buyer.page(&format!("/sellers/{}", seller_id.0)).await;
        assert!(!shop.contains(&product_path));
    }

    async fn product_pages_are_served_from_memory_until_the_listing_changes_and_its_seller_sees_edits_at_once(app) {
        noor(&app).await;
        let seller = app.sign_in(NOOR).await;
        let id = create_listing(&seller, &kurta(&[])).await;
        assert_eq!(set_status(&seller, id, "publish").await.status(), 303);
        let found = search_until(&app, "chikan kurta", "", &[id]).await;
        let product_path = found["hits"][0]["url"].as_str().unwrap().to_owned();
        let buyer = app.visitor(BUYER);
        let first_view = std::time::Instant::now();
        let (_, page) = buyer.page(&product_path).await;
        assert!(page.contains("Chikan Kurta in White Cotton"));

        // A change that bypasses the change log (as stock taken by orders
        // does) reaches buyers only when the kept copy runs out or someone
        // who manages the listing reads it afresh; the seller reads the
        // database every time.
        odop_store::test_support::execute_owned(
            &app.db,
            format!("UPDATE listings SET title_en = 'Quietly Renamed Kurta' WHERE id = {id}"),
        )
        .await;
        let (_, kept) = buyer.page(&product_path).await;
        if first_view.elapsed() < odop_web::listing_cache::KEEP_LISTING_FOR {
            assert!(kept.contains("Chikan Kurta in White Cotton"), "the buyer's page came from memory");
        }
        let (_, theirs) = seller.page(&product_path).await;
        assert!(theirs.contains("Quietly Renamed Kurta"), "the seller sees the database");
        let (_, fresh) = buyer.page(&product_path).await;
        assert!(fresh.contains("Quietly Renamed Kurta"), "the seller's fresh read replaced the kept copy");

        // An edit goes through the change log: every node forgets the kept
        // copy by the time search shows the edit.
        let (_, before) = buyer.page(&product_path).await;
        assert!(before.contains("₹1,499"));
        let response = post_fields(&seller, &format!("/sell/listings/{id}"), &kurta(&[("title_en", "Mulmul Kurta"), ("variant-0-price", "1299")])).await;
        assert_eq!(response.status(), 303);
        let edited = search_until(&app, "mulmul", "", &[id]).await;
        let (_, after) = buyer.page(edited["hits"][0]["url"].as_str().unwrap()).await;
        assert!(after.contains("Mulmul Kurta") && after.contains("₹1,299"), "the edit shows at once");

        let metrics = app.metrics().await.text().await.unwrap();
        let reads = |source: &str| -> u64 {
            let prefix = format!("odop_listing_reads_total{{source=\"{source}\"}} ");
            metrics.lines().find_map(|l| l.strip_prefix(prefix.as_str())).and_then(|n| n.parse().ok()).unwrap_or(0)
        };
        assert!(reads("database") >= 2, "{metrics}");
        assert!(reads("memory") >= 1 || first_view.elapsed() >= odop_web::listing_cache::KEEP_LISTING_FOR, "{metrics}");
    }

    async fn nobody_touches_another_sellers_listing_but_a_vendor_keeps_its_artisans(app) {
        let noor_id = noor(&app).await;
        let rukhsana_id = rukhsana(&app, noor_id).await;
        ramesh(&app).await;
        let artisan = app.sign_in(RUKHSANA).await;
        let id = create_listing(&artisan, &kurta(&[])).await;
        let before = odop_store::catalogue::get(&app.db, odop_domain::ListingId(id)).await.unwrap().unwrap();

        let other = app.sign_in(RAMESH).await;
        let buyer = app.sign_in(BUYER).await;
        for (who, person) in [("another vendor", &other), ("a buyer", &buyer)] {
            assert_eq!(person.get(&format!("/sell/listings/{id}")).await.status(), 404, "{who}: edit form");
            let response = post_fields(person, &format!("/sell/listings/{id}"), &kurta(&[("title_en", "Stolen")])).await;
            assert_eq!(response.status(), 404, "{who}: update");
            assert_eq!(set_status(person, id, "publish").await.status(), 404, "{who}: publish");
            assert_eq!(set_status(person, id, "delete").await.status(), 404, "{who}: delete");
            assert_eq!(upload(person, id, png(300, 300)).await.status(), 404, "{who}: photo");
            let token = person.csrf().await;
            for (method, path, body) in [
                (reqwest::Method::GET, format!("/api/v1/listings/{id}"), json!({})),
                (reqwest::Method::PUT, format!("/api/v1/listings/{id}"), dupatta()),
                (reqwest::Method::DELETE, format!("/api/v1/listings/{id}"), json!({})),
                (reqwest::Method::POST, format!("/api/v1/listings/{id}/status"), json!({"action": "publish"})),
            ] {
                let response = person
                    .client
                    .request(method.clone(), person.url(&path))
                    .header("x-csrf-token", &token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 404, "{who}: {method} {path}");
            }
            // Nor can they list in the artisan's name.
            let response = post_fields(person, "/sell/listings", &kurta(&[("for", &rukhsana_id.0.to_string())])).await;
            assert_eq!(response.status(), 404, "{who}: create for the artisan");
        }
        assert_eq!(buyer.get("/sell/listings/new").await.status(), 404, "a buyer has nothing to list");
        let after = odop_store::catalogue::get(&app.db, odop_domain::ListingId(id)).await.unwrap().unwrap();
        assert_eq!(after.record.title_en, before.record.title_en);
        assert_eq!(after.record.status, "draft");
        assert!(after.photos.is_empty());

        // The artisan's vendor keeps its listings: edits, publishes, and
        // creates new ones in the artisan's name.
        let vendor = app.sign_in(NOOR).await;
        let (status, _) = vendor.page(&format!("/sell/listings/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(set_status(&vendor, id, "publish").await.status(), 303);
        let (_, mine) = vendor.page("/sell/listings").await;
        assert!(mine.contains("Rukhsana Begum"), "the vendor sees its artisans' listings");
        let made = create_listing(&vendor, &kurta(&[("for", &rukhsana_id.0.to_string()), ("title_en", "Kurta for Rukhsana")])).await;
        let listing = odop_store::catalogue::get(&app.db, odop_domain::ListingId(made)).await.unwrap().unwrap();
        assert_eq!(listing.record.seller(), rukhsana_id);
        // But not the other way round.
        let vendors_own = create_listing(&vendor, &kurta(&[("title_en", "Noor's own kurta")])).await;
        assert_eq!(artisan.get(&format!("/sell/listings/{vendors_own}")).await.status(), 404);
    }

    async fn listings_leave_the_marketplace_when_their_seller_stops_selling(app) {
        let noor_id = noor(&app).await;
        let rukhsana_id = rukhsana(&app, noor_id).await;
        let artisan = app.sign_in(RUKHSANA).await;
        let vendor = app.sign_in(NOOR).await;
        let on_sale = create_listing(&artisan, &kurta(&[("title_en", "Jaali Kurta")])).await;
        assert_eq!(set_status(&artisan, on_sale, "publish").await.status(), 303);
        let draft = create_listing(&artisan, &kurta(&[("title_en", "Jaali Draft Kurta")])).await;
        let vendors_own = create_listing(&vendor, &kurta(&[("title_en", "Noor Jaali Kurta")])).await;
        assert_eq!(set_status(&vendor, vendors_own, "publish").await.status(), 303);
        // Both match alike: the newer comes first.
        search_until(&app, "jaali", "", &[vendors_own, on_sale]).await;
        assert_eq!(vendor.get(&format!("/api/v1/listings/{draft}")).await.status(), 200, "the vendor sees its artisan's draft");

        // The vendor ends the tie: the artisan's listings leave the
        // marketplace, and the former vendor no longer sees their drafts.
        let link = odop_store::vendors::active_vendors(&app.db, rukhsana_id).await.unwrap()[0].id;
        let response = vendor.post(&format!("/vendor/sub-vendors/{link}/remove"), &[]).await;
        assert_eq!(response.status(), 303);
        search_until(&app, "jaali", "", &[vendors_own]).await;
        assert_eq!(app.get(&format!("/api/v1/listings/{on_sale}")).await.status(), 404);
        assert_eq!(app.visitor(BUYER).get(&format!("/p/{on_sale}")).await.status(), 404);
        for id in [on_sale, draft] {
            assert_eq!(vendor.get(&format!("/api/v1/listings/{id}")).await.status(), 404, "listing {id}");
            assert_eq!(vendor.get(&format!("/p/{id}")).await.status(), 404, "listing {id}");
        }
        let (_, shop) = app.visitor(BUYER).page(&format!("/sellers/{}", rukhsana_id.0)).await;
        assert!(!shop.contains("Jaali Kurta"));
        // The artisan still sees what they made, to take it elsewhere.
        assert_eq!(artisan.get(&format!("/api/v1/listings/{draft}")).await.status(), 200);

        // An erased vendor's listings are deleted with the account.
        let response = vendor.post("/account/delete", &[("confirm", "yes")]).await;
        assert_eq!(response.status(), 303);
        search_until(&app, "jaali", "", &[]).await;
        let erased = odop_store::catalogue::get(&app.db, odop_domain::ListingId(vendors_own)).await.unwrap().unwrap();
        assert_eq!(erased.record.status, "deleted");
    }

    async fn hostile_text_and_files_get_a_clear_answer_and_change_nothing(app) {
        noor(&app).await;
        let seller = app.sign_in(NOOR).await;
        let id = create_listing(
            &seller,
            &kurta(&[
                ("title_en", "<script>alert('x')</script> Kurta"),
                ("description_en", "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold**"),
            ]),
        )
        .await;
        assert_eq!(set_status(&seller, id, "publish").await.status(), 303);
        let body = search_until(&app, "kurta", "", &[id]).await;
        let product_path = body["hits"][0]["url"].as_str().unwrap().to_owned();
        for page in [product_path.clone(), "/search?q=kurta".into(), "/districts/lucknow".into()] {
            let (status, html) = app.visitor(BUYER).page(&page).await;
            assert_eq!(status, 200, "{page}");
            assert!(!html.contains("<script>alert"), "{page} carries no script from the title");
            assert!(!html.contains("<img src=x"), "{page} carries no markup from the description");
            assert!(!html.contains("href=\"javascript:"), "{page} carries no script link");
            assert!(
                html.contains("&#60;script&#62;alert") || html.contains("&lt;script&gt;alert"),
                "{page} shows the title as text"
            );
        }

        // Files that are not photos, or photos too big to decode safely.
        let cases: [(&str, Vec<u8>, &str); 4] = [
            ("text", b"just some text, not an image".to_vec(), "not a JPEG, PNG or WebP"),
            ("bomb", png_bomb(), "at most 8000 pixels a side"),
            ("empty", Vec::new(), "Choose a photo"),
            ("damaged", png(64, 64)[..60].to_vec(), "could not be read"),
        ];
        for (what, bytes, message) in cases {
            let response = upload(&seller, id, bytes).await;
            assert_eq!(response.status(), 400, "{what}");
            let html = response.text().await.unwrap();
            assert!(html.contains(message), "{what}: says {message:?}");
        }
        // The server may refuse before the body is all sent, and the client
        // then sees the connection close rather than the answer.
        let form = Form::new()
            .text("_csrf", seller.csrf().await)
            .part("photo", Part::bytes(vec![0xFF; 11 * 1024 * 1024]).file_name("photo.png"));
        let sent = seller.client.post(seller.url(&format!("/sell/listings/{id}/photos"))).multipart(form).send().await;
        if let Ok(response) = sent {
            assert!(
                matches!(response.status().as_u16(), 400 | 413),
                "an 11 MB upload is refused: {}",
                response.status()
            );
        }
        assert_eq!(photo_count(&app, id).await, 0, "no refused file was kept");
        // The server may close a connection whose upload it refused before
        // reading it all; a request that meets that connection in the
        // client's pool fails without reaching the server. One harmless
        // request takes it out of the pool.
        let _ = seller.client.get(seller.url("/healthz")).send().await;

        // A form with mistakes comes back with every mistake named, and
        // nothing is stored.
        let count = odop_store::catalogue::of_seller(&app.db, odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(NOOR).unwrap()).await.unwrap().unwrap().id).await.unwrap().len();
        let response = post_fields(&seller, "/sell/listings", &kurta(&[("variant-0-price", "abc"), ("hsn", "9999"), ("title_en", ""), ("title_hi", "")])).await;
        assert_eq!(response.status(), 400);
        let html = response.text().await.unwrap();
        assert!(html.contains("HSN"), "the HSN problem is named");
        assert!(html.contains("value=\"abc\""), "what was typed is kept for correcting");
        let (_, hindi) = {
            let response = seller
                .client
                .post(seller.url("/sell/listings"))
                .header("accept-language", "hi")
                .form(&[("_csrf", seller.csrf().await.as_str()), ("craft", "chikankari")])
                .send()
                .await
                .unwrap();
            (response.status(), response.text().await.unwrap())
        };
        assert!(hindi.contains("lang=\"hi\""), "errors come in the visitor's language");
        let after = odop_store::catalogue::of_seller(&app.db, odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(NOOR).unwrap()).await.unwrap().unwrap().id).await.unwrap().len();
        assert_eq!(after, count);
    }

    async fn the_listings_api_creates_reads_updates_and_deletes(app) {
        let noor_id = noor(&app).await;
        let seller = app.sign_in(NOOR).await;
        let token = seller.csrf().await;
        let body = dupatta();
        let send = |method: reqwest::Method, path: String, body: Value, token: Option<&str>| {
            let mut request = seller.client.request(method, seller.url(&path)).json(&body);
            if let Some(token) = token {
                request = request.header("x-csrf-token", token);
            }
            request.send()
        };

        let response = send(reqwest::Method::POST, "/api/v1/listings".into(), body.clone(), None).await.unwrap();
        assert_eq!(response.status(), 403, "no CSRF token, no listing");
        let anonymous = app.client.post(app.url("/api/v1/listings")).json(&body).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);

        let response = send(reqwest::Method::POST, "/api/v1/listings".into(), body.clone(), Some(&token)).await.unwrap();
        assert_eq!(response.status(), 201);
        let created: Value = response.json().await.unwrap();
        let id = created["id"].as_i64().unwrap();
        assert_eq!(created["status"], "draft");
        assert_eq!(created["seller_id"], noor_id.0);
        assert_eq!(created["district"], "lucknow");
        assert_eq!(created["gst_rate_bp"], 500);
        assert_eq!(created["origin"], "India");
        assert_eq!(created["gi_tagged"], true, "Lucknow's chikankari holds a GI tag");
        assert_eq!(created["variants"][0]["price_paise"], 89_900);

        // Every rule broken is named by field.
        let mut bad = body.clone();
        bad["hsn"] = json!("12");
        bad["variants"][0]["price_paise"] = json!(0);
        bad["craft"] = json!("perfume-ittar");
        bad["gi_tagged"] = json!(false);
        let response = send(reqwest::Method::POST, "/api/v1/listings".into(), bad, Some(&token)).await.unwrap();
        assert_eq!(response.status(), 422);
        let error: Value = response.json().await.unwrap();
        let fields: Vec<&str> = error["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        for field in ["hsn", "variant-0-price"] {
            assert!(fields.contains(&field), "{field} named in {error}");
        }
        let response = seller
            .client
            .post(seller.url("/api/v1/listings"))
            .header("x-csrf-token", &token)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);

        let mut changed = body.clone();
        changed["title_en"] = json!("Chikankari Georgette Dupatta");
        let response = send(reqwest::Method::PUT, format!("/api/v1/listings/{id}"), changed, Some(&token)).await.unwrap();
        assert_eq!(response.status(), 200);
        let response = send(reqwest::Method::POST, format!("/api/v1/listings/{id}/status"), json!({"action": "publish"}), Some(&token)).await.unwrap();
        assert_eq!(response.status(), 200);
        let response = send(reqwest::Method::POST, format!("/api/v1/listings/{id}/status"), json!({"action": "publish"}), Some(&token)).await.unwrap();
        assert_eq!(response.status(), 409, "an active listing cannot be published again");

        let (status, public) = app.json(&format!("/api/v1/listings/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(public["title_en"], "Chikankari Georgette Dupatta");
        assert_eq!(public["status"], "active");

        // Search answers in the documented shape.
        let found = search_until(&app, "georgette dupatta", "", &[id]).await;
        assert_eq!(found["total"], 1);
        let hit = &found["hits"][0];
        for key in ["id", "slug", "title_en", "title_hi", "district", "price_paise", "seller", "url"] {
            assert!(!hit[key].is_null(), "hits carry {key}: {hit}");
        }
        let districts = found["facets"]["district"].as_array().unwrap();
        assert!(districts.iter().any(|f| f["value"] == "lucknow" && f["count"] == 1), "{districts:?}");
        let (status, suggest) = app.json("/api/v1/search/suggest?q=chik").await;
        assert_eq!(status, 200);
        assert!(!suggest["suggestions"].as_array().unwrap().is_empty(), "{suggest}");
        let (status, _) = app.json(&format!("/api/v1/search/suggest?q={}", "x".repeat(101))).await;
        assert_eq!(status, 400);

        let response = send(reqwest::Method::DELETE, format!("/api/v1/listings/{id}"), json!({}), Some(&token)).await.unwrap();
        assert_eq!(response.status(), 204);
        search_until(&app, "georgette dupatta", "", &[]).await;
        assert_eq!(app.get(&format!("/api/v1/listings/{id}")).await.status(), 404);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_made_through_one_node_is_found_through_another() {
    let Some(first) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let second = TestApp::spawn_on(&first.database_url()).await;
    noor(&first).await;
    let seller = first.sign_in(NOOR).await;
    let id = create_listing(&seller, &kurta(&[])).await;
    assert_eq!(set_status(&seller, id, "publish").await.status(), 303);
    // Each node keeps its own index, current from the shared change log.
    search_until(&second, "chikan kurta", "", &[id]).await;
    search_until(&first, "chikan kurta", "", &[id]).await;
    let response = post_fields(
        &seller,
        &format!("/sell/listings/{id}"),
        &kurta(&[("title_en", "Mulmul Anarkali")]),
    )
    .await;
    assert_eq!(response.status(), 303);
    search_until(&second, "anarkali", "", &[id]).await;
}
