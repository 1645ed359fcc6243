//! Signing in and out: one-time codes, staff passwords, sessions, CSRF and
//! rate limits, as people meet them through HTTP.

use odop_store::accounts::StaffRole;
use odop_store::test_support::execute;

use crate::support::on_both_backends;
use crate::support::people::location;

const ARTISAN: &str = "98765 43210";
const OFFICER: &str = "+91 91234 56780";
const PASSWORD: &str = "a long staff password";

fn lucknow() -> odop_domain::Slug {
    odop_domain::Slug::parse("lucknow").unwrap()
}

on_both_backends! {
    async fn an_artisan_signs_in_with_a_code_sent_by_sms(app) {
        let person = app.visitor(ARTISAN);
        let (status, html) = person.page("/signin").await;
        assert_eq!(status, 200);
        assert!(html.contains("name=\"_csrf\""), "the form carries a CSRF token");

        let response = person.post("/signin", &[("phone", ARTISAN), ("next", "/sell/apply")]).await;
        assert_eq!(response.status(), 303);
        assert!(location(&response).starts_with("/signin/code?phone=%2B919876543210"));
        let messages = app.messages_to(ARTISAN).await;
        assert_eq!(messages.len(), 1);
        assert!(messages[0].contains("ODOP sign-in code"), "{messages:?}");
        let code = app.latest_code(ARTISAN).await;

        let before = person.cookie("odop_csrf").unwrap();
        let response = person.post("/signin/code", &[("phone", "+919876543210"), ("code", &code), ("next", "/sell/apply")]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/sell/apply", "back to where the person was going");
        let cookies: Vec<String> = response.headers().get_all("set-cookie").iter().map(|c| c.to_str().unwrap().to_owned()).collect();
        let session = cookies.iter().find(|c| c.starts_with("odop_session=")).expect("a session cookie");
        assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"), "{session}");
        assert!(!session.contains("Secure"), "not on plain HTTP");
        assert_ne!(person.cookie("odop_csrf").unwrap(), before, "signing in rotates the CSRF token");

        let (status, html) = person.page("/account").await;
        assert_eq!(status, 200);
        assert!(html.contains("+91 98765 43210"));
        assert!(html.contains("You are signed in."), "the notice shows once");
        let (_, again) = person.page("/account").await;
        assert!(!again.contains("You are signed in."), "and only once");
        let me: serde_json::Value = person.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["phone"], "+919876543210");
        assert_eq!(me["seller"], serde_json::Value::Null);
        // The stored code is a hash, never the code.
        let stored = odop_store::otp::latest(&app.db, &odop_domain::identity::Phone::parse(ARTISAN).unwrap(), odop_domain::auth::OtpPurpose::SignIn).await.unwrap().unwrap();
        assert!(stored.code_hash.starts_with("$argon2id$") && !stored.code_hash.contains(&code));
        assert!(stored.challenge.consumed, "a code signs in once");
    }

    async fn a_code_works_once_and_a_session_ends_at_sign_out(app) {
        let person = app.sign_in(ARTISAN).await;
        let token = person.cookie("odop_session").unwrap();
        // Reusing the code fails.
        let code = app.latest_code(ARTISAN).await;
        let other = app.visitor(ARTISAN);
        let (status, html) = {
            let r = other.post("/signin/code", &[("phone", "+919876543210"), ("code", &code)]).await;
            (r.status(), r.text().await.unwrap())
        };
        assert_eq!(status, 400);
        assert!(html.contains("already been used"), "{html}");

        // A second sign-in (a minute later) gives a new session id.
        execute(&app.db, "UPDATE otp_challenges SET created_at = created_at - 61000").await;
        let again = app.sign_in(ARTISAN).await;
        assert_ne!(again.cookie("odop_session").unwrap(), token);

        let response = person.post("/signout", &[]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(person.get("/account").await.status(), 303, "signed out: sent to sign in");
        // The old token is dead on the server, not just forgotten by the browser.
        let replay = app.visitor(ARTISAN);
        replay.jar.add_cookie_str(&format!("odop_session={token}"), &replay.base.parse().unwrap());
        assert_eq!(replay.get("/api/v1/me").await.status(), 401);
        assert_eq!(again.get("/api/v1/me").await.status(), 200, "other sessions live on");
    }

    async fn five_wrong_codes_lock_the_code_even_when_guessed_at_once(app) {
        let person = app.visitor(ARTISAN);
        person.post("/signin", &[("phone", ARTISAN)]).await;
        let code = app.latest_code(ARTISAN).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };

        let response = person.post("/signin/code", &[("phone", "+919876543210"), ("code", wrong)]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("4 more times"));

        // Twenty guesses in parallel: attempts are counted atomically.
        let mut guesses = Vec::new();
        for _ in 0..20 {
            let client = person.client.clone();
            let url = person.url("/signin/code");
            let token = person.csrf().await;
            guesses.push(tokio::spawn(async move {
                client.post(url).form(&[("_csrf", token.as_str()), ("phone", "+919876543210"), ("code", wrong)]).send().await.unwrap().status()
            }));
        }
        for guess in guesses {
            assert_eq!(guess.await.unwrap(), 400);
        }
        let stored = odop_store::otp::latest(&app.db, &odop_domain::identity::Phone::parse(ARTISAN).unwrap(), odop_domain::auth::OtpPurpose::SignIn).await.unwrap().unwrap();
        assert_eq!(stored.challenge.attempts, 5, "never more than five counted");

        let response = person.post("/signin/code", &[("phone", "+919876543210"), ("code", &code)]).await;
        assert_eq!(response.status(), 400, "the right code no longer works");
        assert!(response.text().await.unwrap().contains("Too many wrong codes"));
        assert!(person.cookie("odop_session").is_none());
    }

    async fn a_code_expires_after_five_minutes(app) {
        let person = app.visitor(ARTISAN);
        person.post("/signin", &[("phone", ARTISAN)]).await;
        let code = app.latest_code(ARTISAN).await;
        execute(&app.db, "UPDATE otp_challenges SET created_at = created_at - 300000").await;
        let response = person.post("/signin/code", &[("phone", "+919876543210"), ("code", &code)]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("expired"));
    }

    async fn another_code_waits_a_minute_and_each_number_gets_five_an_hour(app) {
        let person = app.visitor(ARTISAN);
        person.post("/signin", &[("phone", ARTISAN)]).await;
        let response = person.post("/signin", &[("phone", ARTISAN)]).await;
        assert_eq!(response.status(), 303);
        assert!(location(&response).contains("wait="), "told to wait: {}", location(&response));
        assert_eq!(app.messages_to(ARTISAN).await.len(), 1, "no second SMS within the minute");

        for sent in 2..=5 {
            execute(&app.db, "UPDATE otp_challenges SET created_at = created_at - 61000").await;
            let response = person.post("/signin", &[("phone", ARTISAN)]).await;
            assert_eq!(response.status(), 303, "code {sent}");
            assert_eq!(app.messages_to(ARTISAN).await.len(), sent);
        }
        execute(&app.db, "UPDATE otp_challenges SET created_at = created_at - 61000").await;
        let response = person.post("/signin", &[("phone", ARTISAN)]).await;
        assert_eq!(response.status(), 429, "the sixth code in an hour is refused");
        assert!(response.headers().contains_key("retry-after"));
        assert!(response.text().await.unwrap().contains("Too many attempts"));
        assert_eq!(app.messages_to(ARTISAN).await.len(), 5);
    }

    async fn one_address_cannot_ask_for_codes_for_many_numbers(app) {
        let person = app.visitor(ARTISAN);
        for n in 0..20 {
            let phone = format!("90000{n:05}");
            assert_eq!(person.post("/signin", &[("phone", &phone)]).await.status(), 303, "number {n}");
        }
        assert_eq!(person.post("/signin", &[("phone", "9000099999")]).await.status(), 429);
    }

    async fn forms_without_the_right_token_or_from_another_site_are_refused(app) {
        let person = app.visitor(ARTISAN);
        person.get("/").await;
        for (path, fields) in [
            ("/signin", vec![("phone", ARTISAN)]),
            ("/signin", vec![("phone", ARTISAN), ("_csrf", "x")]),
            ("/signin/code", vec![("phone", ARTISAN), ("code", "123456")]),
            ("/signin/staff", vec![("phone", OFFICER), ("password", PASSWORD)]),
            ("/signout", vec![]),
        ] {
            let response = person.post_raw(path, &fields).await;
            assert_eq!(response.status(), 403, "{path} {fields:?}");
            assert!(response.text().await.unwrap().contains("This form has expired"));
        }
        assert_eq!(app.messages_to(ARTISAN).await.len(), 0, "nothing was sent");

        let token = person.csrf().await;
        let response = person
            .client
            .post(person.url("/signin"))
            .header("origin", "https://evil.example")
            .form(&[("_csrf", token.as_str()), ("phone", ARTISAN)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "a form posted from another site");
        // The token of one browser is worthless in another.
        let stranger = app.visitor(ARTISAN);
        stranger.get("/").await;
        let response = stranger.client.post(stranger.url("/signin")).form(&[("_csrf", token.as_str()), ("phone", ARTISAN)]).send().await.unwrap();
        assert_eq!(response.status(), 403);
    }

    async fn one_lookup_finds_the_session_its_person_and_what_they_may_do(app) {
        use odop_store::accounts;
        use crate::support::people::SellerSpec;
        let now = chrono::Utc::now();
        let varanasi = odop_domain::Slug::parse("varanasi").unwrap();
        app.create_staff(
            OFFICER,
            "Asha Verma",
            vec![StaffRole::DistrictOfficer(lucknow()), StaffRole::DistrictOfficer(varanasi), StaffRole::OutletOperator],
            PASSWORD,
        )
        .await;
        let officer = accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(OFFICER).unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
        let vendor = app
            .verified_seller(SellerSpec { phone: "9811111111", name: "Noor Chikan House", district: "lucknow", craft: "chikankari", vendor: None })
            .await;
        let artisan = app
            .verified_seller(SellerSpec { phone: "9822222222", name: "Rukhsana", district: "lucknow", craft: "chikankari", vendor: Some(vendor) })
            .await;
        for (token, user, staff) in [("officer", officer, true), ("vendor", vendor, false), ("artisan", artisan, false)] {
            odop_store::sessions::create(&app.db, token, user, staff, now).await.unwrap();
            let (session, found, actor) = accounts::signed_in(&app.db, token, now).await.unwrap().expect(token);
            assert_eq!((session.user, session.staff), (user, staff), "{token}");
            assert_eq!(Some(found), accounts::user(&app.db, user).await.unwrap(), "{token}");
            assert_eq!(actor, accounts::actor(&app.db, user).await.unwrap(), "{token}");
        }
        let (_, _, officer_may) = accounts::signed_in(&app.db, "officer", now).await.unwrap().unwrap();
        assert_eq!(officer_may.officer_of.len(), 2);
        assert!(officer_may.outlet_operator && !officer_may.state_admin && officer_may.seller.is_none());
        // The same officer in a member's session (signed in by SMS code, or
        // made staff while signed in) has no staff powers at all.
        odop_store::sessions::create(&app.db, "officer-by-code", officer, false, now).await.unwrap();
        let (_, _, by_code) = accounts::signed_in(&app.db, "officer-by-code", now).await.unwrap().unwrap();
        assert!(by_code.officer_of.is_empty() && !by_code.outlet_operator && !by_code.state_admin, "{by_code:?}");
        let (_, _, artisan_may) = accounts::signed_in(&app.db, "artisan", now).await.unwrap().unwrap();
        assert!(artisan_may.seller.is_some(), "a sub-vendor tied to its vendor sells");

        // A sub-vendor whose tie ended no longer sells; an expired session finds no one.
        execute(&app.db, "UPDATE sub_vendor_links SET status = 'left'").await;
        let (_, _, artisan_may) = accounts::signed_in(&app.db, "artisan", now).await.unwrap().unwrap();
        assert!(artisan_may.seller.is_none());
        assert_eq!(artisan_may, accounts::actor(&app.db, artisan).await.unwrap());
        assert!(accounts::signed_in(&app.db, "officer", now + chrono::Duration::days(1)).await.unwrap().is_none());
        assert!(accounts::signed_in(&app.db, "nobody", now).await.unwrap().is_none());
    }

    async fn staff_sign_in_with_a_password_and_are_rate_limited(app) {
        app.create_staff(OFFICER, "Asha Verma", vec![StaffRole::DistrictOfficer(lucknow())], PASSWORD).await;
        let officer = app.visitor(OFFICER);
        let response = officer.post("/signin/staff", &[("phone", OFFICER), ("password", "wrong password!")]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("mobile number or password is not right"));
        let response = officer.post("/signin/staff", &[("phone", "9999999999"), ("password", PASSWORD)]).await;
        assert_eq!(response.status(), 400, "an unknown number is refused the same way");

        let response = officer.post("/signin/staff", &[("phone", OFFICER), ("password", PASSWORD)]).await;
        assert_eq!(response.status(), 303);
        assert!(location(&response).starts_with("/signin/staff/code"), "a second factor follows");
        let code = app.latest_code(OFFICER).await;
        let response = officer.post("/signin/staff/code", &[("code", &code)]).await;
        assert_eq!(location(&response), "/desk");
        let me: serde_json::Value = officer.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["officer_of"], serde_json::json!(["lucknow"]));
        // Staff sessions are short.
        let stored = odop_store::sessions::find(
            &app.db,
            &odop_web::auth::crypto::token_hash(&officer.cookie("odop_session").unwrap()),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        assert!(stored.staff);

        let guesser = app.visitor(OFFICER);
        for _ in 0..3 {
            guesser.post("/signin/staff", &[("phone", OFFICER), ("password", "guess guess guess")]).await;
        }
        let response = guesser.post("/signin/staff", &[("phone", OFFICER), ("password", PASSWORD)]).await;
        assert_eq!(response.status(), 429, "five tries per number in fifteen minutes, the right one included");
    }

    async fn pages_for_signed_in_people_send_strangers_to_sign_in(app) {
        let stranger = app.visitor(ARTISAN);
        for path in ["/account", "/sell/apply", "/sell/application", "/desk", "/vendor/sub-vendors", "/admin/staff", "/account/data"] {
            let response = stranger.get(path).await;
            assert_eq!(response.status(), 303, "{path}");
            assert!(location(&response).starts_with("/signin?next="), "{path}: {}", location(&response));
        }
        let response = stranger.get("/api/v1/me").await;
        assert_eq!(response.status(), 401);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "sign_in_required");
    }

    async fn a_malformed_number_or_code_is_a_clear_400(app) {
        let person = app.visitor(ARTISAN);
        for bad in ["12345", "5876543210", "abcdefghij", "<script>alert(1)</script>"] {
            let response = person.post("/signin", &[("phone", bad)]).await;
            assert_eq!(response.status(), 400, "{bad}");
            let html = response.text().await.unwrap();
            assert!(html.contains("10-digit mobile number"), "{bad}");
            assert!(!html.contains("<script>alert"), "input is escaped");
        }
        person.post("/signin", &[("phone", ARTISAN)]).await;
        let response = person.post("/signin/code", &[("phone", "+919876543210"), ("code", "12ab56")]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("The code has 6 digits"));
    }
}

/// Rate limits live in the database, so they hold across nodes: a limit
/// reached through one node holds on another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_hold_across_nodes_sharing_postgresql() {
    let Some(first) = crate::support::TestApp::spawn(crate::support::Backend::Postgres).await else {
        return;
    };
    let second = crate::support::TestApp::spawn_on(&first.database_url()).await;
    let on_first = first.visitor(ARTISAN);
    let on_second = second.visitor(ARTISAN);
    for n in 0..5 {
        let node = if n % 2 == 0 { &on_first } else { &on_second };
        assert_eq!(
            node.post("/signin", &[("phone", ARTISAN)]).await.status(),
            303,
            "code {n}"
        );
        execute(&first.db, "UPDATE otp_challenges SET created_at = created_at - 61000").await;
    }
    assert_eq!(on_second.post("/signin", &[("phone", ARTISAN)]).await.status(), 429);
    assert_eq!(on_first.post("/signin", &[("phone", ARTISAN)]).await.status(), 429);
    // And a session opened on one node is good on the other.
    let code_person = first.sign_in("9123450000").await;
    let token = code_person.cookie("odop_session").unwrap();
    let elsewhere = second.visitor("9123450000");
    elsewhere
        .jar
        .add_cookie_str(&format!("odop_session={token}"), &elsewhere.base.parse().unwrap());
    assert_eq!(elsewhere.get("/api/v1/me").await.status(), 200);
}
