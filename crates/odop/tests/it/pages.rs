//! The HTML pages, as a browser without JavaScript receives them.

use crate::support::on_both_backends;

const HINDI: &[(&str, &str)] = &[("accept-language", "hi-IN,hi;q=0.9,en;q=0.8")];
const ENGLISH: &[(&str, &str)] = &[];

/// The number of times `needle` occurs in `haystack`.
fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

on_both_backends! {
    async fn the_home_page_explains_odop_and_features_districts(app) {
        let (status, html) = app.html("/", ENGLISH).await;
        assert_eq!(status, 200);
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("One District One Product"));
        assert!(html.contains("action=\"/search\""), "a search box leading to the products");
        assert!(html.contains("75 districts · 18 divisions"));
        for featured in ["/districts/lucknow", "/districts/varanasi", "/districts/firozabad", "/districts/kannauj"] {
            assert!(html.contains(&format!("href=\"{featured}\"")), "{featured} not featured");
        }
        assert!(html.find("/districts/lucknow").unwrap() < html.find("/districts/varanasi").unwrap());
    }

    async fn the_home_page_speaks_hindi_to_a_hindi_browser(app) {
        let (status, html) = app.html("/", HINDI).await;
        assert_eq!(status, 200);
        assert!(html.contains("<html lang=\"hi\">"));
        assert!(html.contains("एक जनपद एक उत्पाद"));
        assert!(html.contains("लखनऊ"));
        assert!(html.contains(">English</a>"), "the switch offers the other language");
    }

    async fn all_75_districts_are_listed_under_their_18_divisions(app) {
        let (status, html) = app.html("/districts", ENGLISH).await;
        assert_eq!(status, 200);
        assert_eq!(count(&html, "<section class=\"division\""), 18);
        assert_eq!(count(&html, "<li><a href=\"/districts/"), 75);
        let varanasi_division = html.find("id=\"division-varanasi\"").unwrap();
        let jaunpur = html.find("href=\"/districts/jaunpur\"").unwrap();
        let agra_division = html.find("id=\"division-agra\"").unwrap();
        assert!(agra_division < varanasi_division && varanasi_division < jaunpur);
        assert!(html.contains("Varanasi division"));
        assert!(html.contains("Chikankari"));

        let (_, hindi) = app.html("/districts", HINDI).await;
        assert!(hindi.contains("वाराणसी मंडल"));
        assert!(hindi.contains("चिकनकारी"));
        assert_eq!(count(&hindi, "<li><a href=\"/districts/"), 75);
    }

    async fn the_district_list_filters_by_name_or_product_in_either_script(app) {
        let cases: &[(&str, &[&str])] = &[
            ("glass", &["firozabad"]),
            ("%E0%A4%9A%E0%A4%BF%E0%A4%95%E0%A4%A8", &["lucknow"]), // चिकन
            ("wooden+toys", &["chitrakoot"]),
            ("carpet", &["bhadohi", "mirzapur"]),
        ];
        for (query, expected) in cases {
            let (status, html) = app.html(&format!("/districts?q={query}"), ENGLISH).await;
            assert_eq!(status, 200);
            for slug in *expected {
                assert!(html.contains(&format!("href=\"/districts/{slug}\"")), "{query} should find {slug}");
            }
            assert!(count(&html, "<li><a href=\"/districts/") < 75, "{query} should filter");
        }
        let (status, html) = app.html("/districts?q=zzzz", ENGLISH).await;
        assert_eq!(status, 200);
        assert!(html.contains("No district or product matches “zzzz”"));
    }

    async fn a_district_page_shows_its_division_products_years_and_gi(app) {
        let (status, html) = app.html("/districts/lucknow", ENGLISH).await;
        assert_eq!(status, 200);
        assert!(html.contains("<h1>Lucknow</h1>"));
        assert!(html.contains("Lucknow division"));
        assert!(html.contains("Chikankari"));
        assert!(html.contains("ODOP product since 2018"));
        assert!(html.contains("Lucknow Chikan Craft"));
        assert!(html.contains("href=\"/districts/hardoi\""), "neighbours in the division are linked");

        let (_, hindi) = app.html("/districts/lucknow", HINDI).await;
        assert!(hindi.contains("<h1>लखनऊ</h1>"));
        assert!(hindi.contains("चिकनकारी"));
        assert!(hindi.contains("2018 से ओडीओपी उत्पाद"));

        // A district whose later products only carry a year.
        let (_, agra) = app.html("/districts/agra", ENGLISH).await;
        assert!(agra.contains("ODOP product since 2025"));
    }

    async fn an_unknown_district_is_a_404_page_in_the_visitors_language(app) {
        let (status, html) = app.html("/districts/atlantis", ENGLISH).await;
        assert_eq!(status, 404);
        assert!(html.contains("Page not found"));
        assert!(html.contains("There is no district “atlantis”"));

        let (status, hindi) = app.html("/districts/atlantis", HINDI).await;
        assert_eq!(status, 404);
        assert!(hindi.contains("पृष्ठ नहीं मिला"));
        assert!(hindi.contains("“atlantis” नाम का कोई जनपद नहीं है"));

        let (status, html) = app.html("/no/such/page", HINDI).await;
        assert_eq!(status, 404);
        assert!(html.contains("इस पते पर कोई पृष्ठ नहीं है"));
    }

    async fn malformed_addresses_are_a_400_page_never_a_500(app) {
        let long = format!("/districts?q={}", "a".repeat(101));
        let cases: &[(&str, &str)] = &[
            ("/districts/lucknow.php", "uses only lowercase English letters"),
            ("/districts/%3Cscript%3E", "uses only lowercase English letters"),
            ("/districts/%FF", "uses only lowercase English letters"),
            (&long, "The search is too long"),
            ("/districts?q=a&q=b", "could not be read"),
            ("/lang/fr", "This language is not available"),
        ];
        for (path, message) in cases {
            let (status, html) = app.html(path, ENGLISH).await;
            assert_eq!(status, 400, "{path}");
            assert!(html.contains(message), "{path} should say {message:?}");
            assert!(!html.contains("<script>"), "{path}: input is never echoed unescaped");
        }
    }

    async fn a_capitalised_district_address_redirects_to_the_canonical_one(app) {
        let response = app.get("/districts/Lucknow").await;
        assert_eq!(response.status(), 308);
        assert_eq!(response.headers()["location"], "/districts/lucknow");
    }

    async fn the_language_switch_is_remembered_and_returns_to_the_page(app) {
        let response = app.get("/lang/hi?next=%2Fdistricts%2Flucknow").await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/districts/lucknow");
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        assert!(cookie.starts_with("lang=hi;"), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

        // The cookie wins over the browser's preference, both ways.
        let (_, html) = app.html("/districts/lucknow", &[("cookie", "lang=hi"), ("accept-language", "en")]).await;
        assert!(html.contains("<h1>लखनऊ</h1>"));
        let (_, html) = app.html("/districts/lucknow", &[("cookie", "lang=en"), ("accept-language", "hi")]).await;
        assert!(html.contains("<h1>Lucknow</h1>"));

        // Never a way to send visitors to another site.
        for next in ["https%3A%2F%2Fevil.example", "%2F%2Fevil.example", "%2F%5Cevil.example"] {
            let response = app.get(&format!("/lang/en?next={next}")).await;
            assert_eq!(response.status(), 303);
            assert_eq!(response.headers()["location"], "/", "next={next}");
        }
    }

    async fn every_page_links_its_switch_to_the_same_page_in_the_other_language(app) {
        let (_, html) = app.html("/districts/varanasi", ENGLISH).await;
        assert!(html.contains("href=\"/lang/hi?next=%2Fdistricts%2Fvaranasi\""), "switch link");
        let (_, html) = app.html("/districts?q=silk", HINDI).await;
        assert!(html.contains("href=\"/lang/en?next=%2Fdistricts%3Fq%3Dsilk\""), "switch keeps the query");
    }

    async fn pages_are_small_cacheable_and_safe(app) {
        let response = app.get("/districts/lucknow").await;
        let headers = response.headers().clone();
        assert_eq!(headers["content-language"], "en");
        assert!(headers["vary"].to_str().is_ok());
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
        assert!(headers.contains_key("x-request-id"));
        let html = response.text().await.unwrap();
        assert!(html.len() < 60 * 1024, "a district page weighs {} bytes", html.len());

        let css = html.split("rel=\"stylesheet\" href=\"").nth(1).unwrap().split('"').next().unwrap();
        let response = app.get(css).await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        assert_eq!(app.get("/static/app.00000000.css").await.status(), 404);
    }
}
