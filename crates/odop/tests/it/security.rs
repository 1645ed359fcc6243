//! What an attacker tries first: signing in as staff with one factor,
//! planting a CSRF token, changing an account with a link, reading the
//! metrics, keeping a stolen session, stripping HTTPS, losing the database
//! connection mid-request.

use odop_domain::Locale;
use odop_domain::identity::Phone;
use odop_store::accounts::StaffRole;

use crate::support::on_both_backends;
use crate::support::people::{Person, location};
use crate::support::{Backend, TestApp};

const OFFICER: &str = "9811100005";
const PASSWORD: &str = "a long staff password";
const BUYER: &str = "9833300009";

fn lucknow() -> odop_domain::Slug {
    odop_domain::Slug::parse("lucknow").unwrap()
}

async fn signed_in_as(person: &Person) -> Option<String> {
    let response = person.get("/api/v1/me").await;
    if response.status() != 200 {
        return None;
    }
    let me: serde_json::Value = response.json().await.unwrap();
    me["phone"].as_str().map(str::to_owned)
}

/// The value of a hidden input in a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} in the page")) + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

/// Sets up an authenticator app on the account page; the answer's status.
async fn add_app(person: &Person, secret: &str, code: &str, password: &str) -> u16 {
    let fields = [
        ("action", "add"),
        ("secret", secret),
        ("code", code),
        ("password", password),
    ];
    person.post("/account/authenticator", &fields).await.status().as_u16()
}

/// The password step of a staff sign-in, for a fresh browser.
async fn password_step(app: &TestApp) -> Person {
    let officer = app.visitor(OFFICER);
    let response = officer
        .post("/signin/staff", &[("phone", OFFICER), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/signin/staff/code"));
    officer
}

on_both_backends! {
    async fn staff_need_their_password_and_a_second_code(app) {
        app.create_staff(OFFICER, "Asha Verma", vec![StaffRole::DistrictOfficer(lucknow())], PASSWORD).await;

        // A code by SMS alone does not open a staff account.
        let by_code = app.visitor(OFFICER);
        by_code.post("/signin", &[("phone", OFFICER)]).await;
        let code = app.latest_code(OFFICER).await;
        let response = by_code.post("/signin/code", &[("phone", OFFICER), ("code", &code)]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("password and a second code"));
        assert_eq!(signed_in_as(&by_code).await, None);

        // The password alone opens nothing either: a code comes by SMS.
        let officer = password_step(&app).await;
        assert_eq!(signed_in_as(&officer).await, None, "no session after the password alone");
        let (status, page) = officer.page("/signin/staff/code").await;
        assert_eq!(status, 200);
        assert!(page.contains("sent a 6-digit code by SMS"), "{page}");
        let sms = app.latest_code(OFFICER).await;
        let wrong = if sms == "000000" { "111111" } else { "000000" };
        let response = officer.post("/signin/staff/code", &[("code", wrong)]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("try 4 more times"));
        let response = officer.post("/signin/staff/code", &[("code", &sms)]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/desk");
        assert!(signed_in_as(&officer).await.is_some());
        // The code is spent.
        let replay = app.visitor(OFFICER);
        let response = replay.post("/signin/staff/code", &[("code", &sms)]).await;
        assert_eq!(location(&response), "/signin/staff", "no sign-in is waiting in this browser");

        // Five wrong codes end the attempt: the password is asked again.
        let guesser = password_step(&app).await;
        for _ in 0..4 {
            assert_eq!(guesser.post("/signin/staff/code", &[("code", "999999")]).await.status(), 400);
        }
        let response = guesser.post("/signin/staff/code", &[("code", "999999")]).await;
        assert_eq!(location(&response), "/signin/staff");
        let sms = app.latest_code(OFFICER).await;
        let response = guesser.post("/signin/staff/code", &[("code", &sms)]).await;
        assert_eq!(location(&response), "/signin/staff", "too late, even with the right code");
        assert_eq!(signed_in_as(&guesser).await, None);

        // With an authenticator app set up, its codes are the second factor.
        let (_, setup) = officer.page("/account/authenticator").await;
        assert!(setup.contains("<svg"), "a QR code to scan");
        let secret = hidden(&setup, "secret");
        let raw = odop_web::auth::totp::base32_decode(&secret).unwrap();
        let now = chrono::Utc::now().timestamp();
        let code = odop_web::auth::totp::code_at(&raw, odop_web::auth::totp::step_of(now));
        assert_eq!(
            add_app(&officer, &secret, &code, "not the password").await,
            400,
            "a session alone cannot change the second factor"
        );
        assert_eq!(add_app(&officer, &secret, "123456", PASSWORD).await, 400, "a wrong code sets nothing up");
        assert_eq!(
            add_app(&officer, &"A".repeat(4000), &code, PASSWORD).await,
            400,
            "an overlong secret is refused like a wrong one, not drawn"
        );
        assert_eq!(add_app(&officer, &secret, &code, PASSWORD).await, 303);
        let next_step = odop_web::auth::totp::step_of(now) + 1;
        let app_code = odop_web::auth::totp::code_at(&raw, next_step);
        let with_app = password_step(&app).await;
        let (_, page) = with_app.page("/signin/staff/code").await;
        assert!(page.contains("authenticator app"), "{page}");
        let response = with_app.post("/signin/staff/code", &[("code", &app_code)]).await;
        assert_eq!(response.status(), 303);
        assert!(signed_in_as(&with_app).await.is_some());
        // The same app code does not open a second session.
        let again = password_step(&app).await;
        let response = again.post("/signin/staff/code", &[("code", &app_code)]).await;
        assert_eq!(response.status(), 400);
        assert_eq!(signed_in_as(&again).await, None);
    }

    async fn signing_out_everywhere_ends_every_session_of_the_person(app) {
        let phone = Phone::parse(BUYER).unwrap();
        let first = app.quick_sign_in(BUYER).await;
        let second = app.quick_sign_in(BUYER).await;
        let stranger = app.quick_sign_in("9833300010").await;
        assert!(signed_in_as(&first).await.is_some() && signed_in_as(&second).await.is_some());
        let response = second.post("/account/sessions/end", &[]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(signed_in_as(&first).await, None, "the other device is signed out");
        assert_eq!(signed_in_as(&second).await, None, "and this one");
        assert!(signed_in_as(&stranger).await.is_some(), "nobody else is");
        assert!(odop_store::accounts::user_by_phone(&app.db, &phone).await.unwrap().is_some(), "the account stays");
    }

    async fn the_data_download_holds_orders_addresses_cart_and_messages(app) {
        use crate::checkout::{kurta_on_sale, order_body, place_by_api};
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.sign_in(BUYER).await;
        let mut body = order_body(variant, 2, "cod");
        body["address"]["phone"] = serde_json::json!(BUYER);
        body["address"]["line2"] = serde_json::json!("Near the clock tower");
        let (status, order) = place_by_api(&buyer, "privacy-key-0001-abc", &body).await;
        assert_eq!(status, 201, "{order}");
        assert_eq!(buyer.post("/cart/add", &[("variant", &variant.to_string())]).await.status(), 303);
        let response = buyer.get("/account/data").await;
        assert_eq!(response.status(), 200);
        let data: serde_json::Value = response.json().await.unwrap();
        let exported = &data["orders"][0];
        assert_eq!(exported["number"], order["number"]);
        assert_eq!(exported["delivery_address"]["line2"], "Near the clock tower");
        assert_eq!(exported["delivery_address"]["pin"], "226001");
        assert_eq!(exported["parts"][0]["items"][0]["quantity"], 2);
        assert_eq!(exported["total_paise"], order["total_paise"]);
        assert_eq!(data["cart"][0]["quantity"], 1);
        let kinds: Vec<&str> = data["messages"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"otp"), "the sign-in code's message, its code erased: {kinds:?}");
        assert_eq!(data["authenticator_app"], false);
        assert!(!data.to_string().contains("totp_secret"));
    }

    async fn a_language_link_changes_the_page_and_only_a_form_changes_the_account(app) {
        let buyer = app.quick_sign_in(BUYER).await;
        let phone = Phone::parse(BUYER).unwrap();
        let locale = || async { odop_store::accounts::user_by_phone(&app.db, &phone).await.unwrap().unwrap().locale };
        assert_eq!(locale().await, Locale::En);
        // Any site can make a browser follow a link: it changes this
        // browser's pages, never the account's messages.
        let response = buyer.get("/lang/hi?next=/account").await;
        assert_eq!(response.status(), 303);
        assert_eq!(locale().await, Locale::En);
        let (_, page) = buyer.page("/account").await;
        assert!(page.contains("मेरे SMS इस भाषा में भेजें"), "the page is in Hindi");
        // The account page's form, with its token, sets it.
        let response = buyer.post("/account/language", &[("locale", "hi")]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(locale().await, Locale::Hi);
        assert_eq!(buyer.post("/account/language", &[("locale", "fr")]).await.status(), 400);
        assert_eq!(buyer.post_raw("/account/language", &[("locale", "en")]).await.status(), 403, "no token, no change");
        assert_eq!(locale().await, Locale::Hi);
    }
}

/// Someone who can plant cookies in a victim's browser (a sibling
/// subdomain, a café's network on plain HTTP) plants a CSRF token they
/// know and posts a form with it: refused, because the token is not bound
/// to the victim's session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planted_csrf_token_does_not_pass_for_someone_elses_session() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let victim = app.quick_sign_in(BUYER).await;
    let attacker = app.visitor("9833300011");
    attacker.get("/").await;
    let planted = attacker.cookie("odop_csrf").unwrap();
    let url = victim.base.parse().unwrap();
    victim.jar.add_cookie_str(&format!("odop_csrf={planted}; Path=/"), &url);
    let response = victim
        .client
        .post(victim.url("/account/sessions/end"))
        .form(&[("_csrf", planted.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(signed_in_as(&victim).await.is_some(), "still signed in");
    // The next page gives the victim a token of their own session again.
    victim.get("/").await;
    let own = victim.cookie("odop_csrf").unwrap();
    assert_ne!(own, planted);
    let response = victim
        .client
        .post(victim.url("/account/language"))
        .form(&[("_csrf", own.as_str()), ("locale", "hi")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "their own token works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_browsers_are_told_to_keep_to_https() {
    let secure = TestApp::spawn_configured(Backend::Sqlite, |config| {
        config.public_url = Some("https://odop.example".into());
        config.secure_cookies = true;
    })
    .await
    .unwrap();
    for path in ["/", "/districts/lucknow", "/api/v1/districts", "/no/such/page"] {
        let response = secure.get(path).await;
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000",
            "{path}"
        );
    }
    let plain = TestApp::spawn(Backend::Sqlite).await.unwrap();
    assert!(
        !plain.get("/").await.headers().contains_key("strict-transport-security"),
        "not over plain HTTP, where it would be ignored and misleading"
    );
}

/// An administrator's restart ends every connection PostgreSQL had: the
/// reads that meet a dead connection are tried once more on a live one,
/// and nothing answers 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_survive_the_database_ending_every_connection() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    // Pages that read the database on every request (a signed-in
    // person's), not the registry or search kept in memory.
    let buyer = app.quick_sign_in(BUYER).await;
    let pages = ["/api/v1/me", "/account", "/orders", "/cart", "/api/v1/orders"];
    let load = |count: usize| {
        (0..count)
            .map(|i| {
                let request = buyer.client.get(buyer.url(pages[i % pages.len()]));
                tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
            })
            .collect::<Vec<_>>()
    };
    for request in load(16) {
        assert_eq!(request.await.unwrap(), 200);
    }
    // What `pg_ctl restart` does to a node's pool, for this test's database only.
    let url = app.database_url();
    let database = url.rsplit('/').next().unwrap().to_owned();
    let admin = odop_store::Db::connect(&url.replace(&format!("/{database}"), "/postgres"))
        .await
        .unwrap();
    odop_store::test_support::execute_owned(
        &admin,
        format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"),
    )
    .await;
    let mut statuses = Vec::new();
    for request in load(20) {
        statuses.push(request.await.unwrap());
    }
    assert!(
        statuses.iter().all(|s| *s == 200),
        "every read answered after one more try: {statuses:?}"
    );
}
