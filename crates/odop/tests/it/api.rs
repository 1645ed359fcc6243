//! The registry API: a contract other programs rely on.

use serde_json::Value;

use crate::support::on_both_backends;

fn slugs(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap())
        .collect()
}

on_both_backends! {
    async fn divisions_list_all_18_with_their_districts(app) {
        let (status, divisions) = app.json("/api/v1/divisions").await;
        assert_eq!(status, 200);
        let divisions = divisions.as_array().unwrap();
        assert_eq!(divisions.len(), 18);
        let total: usize = divisions.iter().map(|d| d["districts"].as_array().unwrap().len()).sum();
        assert_eq!(total, 75);
        let lucknow = divisions.iter().find(|d| d["slug"] == "lucknow").unwrap();
        assert_eq!(lucknow["name_en"], "Lucknow");
        assert_eq!(lucknow["name_hi"], "लखनऊ");
        let districts: Vec<&str> = lucknow["districts"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
        for expected in ["lucknow", "hardoi", "lakhimpur-kheri", "raebareli", "sitapur", "unnao"] {
            assert!(districts.contains(&expected), "{expected} missing from {districts:?}");
        }
        for division in divisions {
            let mut keys: Vec<&String> = division.as_object().unwrap().keys().collect();
            keys.sort();
            assert_eq!(keys, ["districts", "name_en", "name_hi", "slug"]);
        }
    }

    async fn districts_carry_their_products_with_dates_and_gi(app) {
        let (status, districts) = app.json("/api/v1/districts").await;
        assert_eq!(status, 200);
        assert_eq!(districts.as_array().unwrap().len(), 75);
        let all = slugs(&districts);
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 75, "district slugs are unique");

        let lucknow = districts.as_array().unwrap().iter().find(|d| d["slug"] == "lucknow").unwrap();
        assert_eq!(lucknow["division"], "lucknow");
        let chikankari = &lucknow["products"][0];
        assert_eq!(chikankari["slug"], "chikankari");
        assert_eq!(chikankari["name_hi"], "चिकनकारी");
        assert_eq!(chikankari["added_on"], "2018-01-24");
        assert_eq!(chikankari["gi"]["name"], "Lucknow Chikan Craft");

        // A district has many products: Agra's later additions carry their year only.
        let agra = districts.as_array().unwrap().iter().find(|d| d["slug"] == "agra").unwrap();
        let products = agra["products"].as_array().unwrap();
        assert!(products.len() > 1, "Agra has products added after 2018");
        assert!(products.iter().any(|p| p["added_on"] == "2025"), "{products:?}");

        let date = |v: &Value| v.is_null() || v.as_str().is_some_and(|s| s.len() == 4 || s.len() == 10);
        for district in districts.as_array().unwrap() {
            for product in district["products"].as_array().unwrap() {
                assert!(date(&product["added_on"]), "{product}");
                let status = product["gi"]["status"].as_str().unwrap();
                assert!(["registered", "likely", "none", "unknown"].contains(&status), "{status}");
            }
        }
    }

    async fn districts_can_be_filtered_by_division(app) {
        let (status, districts) = app.json("/api/v1/districts?division=varanasi").await;
        assert_eq!(status, 200);
        let mut found = slugs(&districts);
        found.sort();
        assert_eq!(found, ["chandauli", "ghazipur", "jaunpur", "varanasi"]);
    }

    async fn one_district_by_slug(app) {
        let (status, district) = app.json("/api/v1/districts/siddharthnagar").await;
        assert_eq!(status, 200);
        assert_eq!(district["name_hi"], "सिद्धार्थनगर");
        assert_eq!(district["division"], "basti");
        assert_eq!(district["products"][0]["slug"], "kala-namak-rice");
    }

    async fn an_unknown_district_is_a_json_404(app) {
        let (status, body) = app.json("/api/v1/districts/atlantis").await;
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], "district_not_found");
        assert!(body["error"]["message"].as_str().unwrap().contains("atlantis"));
        // So is an unknown division, named plainly (never `Slug("atlantis")`).
        let (status, body) = app.json("/api/v1/districts?division=atlantis").await;
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], "division_not_found");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("\"atlantis\"") && !message.contains("Slug("), "{message}");
    }

    async fn malformed_parameters_are_a_400_that_says_why(app) {
        let cases = [
            ("/api/v1/districts/Not%20A%20Slug", "invalid_slug", "not a slug"),
            ("/api/v1/districts/..%2F..%2Fetc", "invalid_slug", "not a slug"),
            ("/api/v1/districts/%FF%FE", "invalid_slug", "UTF-8"),
            ("/api/v1/districts?division=NOPE", "invalid_slug", "not a slug"),
            ("/api/v1/districts?colour=red", "invalid_query", "unknown field"),
            ("/api/v1/districts?division=a&division=b", "invalid_query", "duplicate"),
        ];
        for (path, code, words) in cases {
            let (status, body) = app.json(path).await;
            assert_eq!(status, 400, "{path}: {body}");
            assert_eq!(body["error"]["code"], code, "{path}: {body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(words), "{path}: {message:?} should mention {words:?}");
        }
    }

    async fn unknown_api_routes_answer_json_not_html(app) {
        let (status, body) = app.json("/api/v1/nothing-here").await;
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = crate::support::TestApp::spawn(crate::support::Backend::Sqlite)
        .await
        .unwrap();
    let (status, doc) = app.json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/divisions",
        "/api/v1/districts",
        "/api/v1/districts/{slug}",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    // Every documented operation is routed (no drift between routes and
    // document), and what it answers a stranger is among its documented
    // responses: public reads succeed, a made-up listing is not found, and
    // anything for signed-in people is refused.
    let client = crate::support::http().build().unwrap();
    for (path, item) in paths {
        let concrete = path.replace("{slug}", "lucknow").replace("{id}", "999999");
        for (method, operation) in item.as_object().unwrap() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = client
                .request(method.clone(), app.url(&concrete))
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let documented = operation["responses"].as_object().unwrap();
            assert!(
                documented.contains_key(&status.to_string()),
                "{method} {path} answered {status}, which it does not document"
            );
            assert!(
                matches!(status, 200 | 401 | 403 | 404),
                "{method} {path} answered {status}"
            );
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for schema in ["DivisionDto", "DistrictDto", "ProductDto", "GiDto", "ErrorBody"] {
        assert!(schemas.contains_key(schema), "schema {schema} missing");
    }
    let district = &schemas["DistrictDto"]["properties"];
    for field in ["slug", "name_en", "name_hi", "division", "products"] {
        assert!(district.get(field).is_some(), "DistrictDto.{field} undocumented");
    }
}

#[test]
fn the_committed_openapi_snapshot_is_current() {
    // The document is committed (docs/openapi.json) so that a change to the
    // API contract shows in review. Regenerate with UPDATE_SNAPSHOTS=1.
    let generated = odop_web::openapi().to_pretty_json().unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json differs from the API; run UPDATE_SNAPSHOTS=1 cargo test and review the diff"
    );
}
