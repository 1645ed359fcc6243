//! People using the site through HTTP, each with their own cookie jar, as a
//! browser without JavaScript would: reading forms' CSRF tokens from pages,
//! receiving one-time codes through the outbox.

use std::sync::Arc;

use odop_domain::identity::Phone;
use odop_store::accounts::{NewStaff, StaffRole};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::{Response, StatusCode};

use super::TestApp;

#[derive(Clone)]
pub struct Person {
    pub client: reqwest::Client,
    pub jar: Arc<Jar>,
    pub base: String,
    pub phone: String,
}

impl Person {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the server answers")
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        (response.status(), response.text().await.unwrap())
    }

    /// The value of one of this person's cookies.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_owned())
    }

    /// The CSRF token forms carry, obtained as a browser would: from a page.
    pub async fn csrf(&self) -> String {
        if let Some(token) = self.cookie("odop_csrf") {
            return token;
        }
        self.get("/").await;
        self.cookie("odop_csrf").expect("every page sets a CSRF cookie")
    }

    /// Posts a form with this person's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("the server answers")
    }

    /// Sends JSON to the API with this person's CSRF token in its header.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        let token = self.csrf().await;
        self.client
            .post(self.url(path))
            .header("x-csrf-token", token)
            .json(body)
            .send()
            .await
            .expect("the server answers")
    }

    /// Posts a form exactly as given, without a token.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("the server answers")
    }
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

impl TestApp {
    /// A new visitor with an empty cookie jar.
    pub fn visitor(&self, phone: &str) -> Person {
        let jar = Arc::new(Jar::default());
        let client = crate::support::http()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(jar.clone())
            .build()
            .unwrap();
        Person {
            client,
            jar,
            base: format!("http://{}", self.address),
            phone: Phone::parse(phone).unwrap().to_string(),
        }
    }

    /// The newest one-time code sent to `phone`, as the person reads it in their SMS.
    pub async fn latest_code(&self, phone: &str) -> String {
        let phone = Phone::parse(phone).unwrap().to_string();
        let entries = odop_store::outbox::recent(&self.db, 200).await.unwrap();
        let body = entries
            .iter()
            .find(|e| e.recipient == phone && e.kind == "otp")
            .and_then(|e| e.body.clone())
            .unwrap_or_else(|| panic!("no code was sent to {phone}"));
        first_code(&body).unwrap_or_else(|| panic!("no code in {body:?}"))
    }

    /// The messages sent to `phone`, newest first.
    pub async fn messages_to(&self, phone: &str) -> Vec<String> {
        let phone = Phone::parse(phone).unwrap().to_string();
        odop_store::outbox::recent(&self.db, 200)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.recipient == phone)
            .filter_map(|e| e.body)
            .collect()
    }

    /// Signs in with a code by SMS, and returns the signed-in person.
    pub async fn sign_in(&self, phone: &str) -> Person {
        let person = self.visitor(phone);
        let response = person.post("/signin", &[("phone", phone)]).await;
        assert_eq!(response.status(), 303, "asking for a code");
        let code = self.latest_code(phone).await;
        let response = person
            .post("/signin/code", &[("phone", &person.phone.clone()), ("code", &code)])
            .await;
        assert_eq!(response.status(), 303, "signing in with the code");
        assert!(person.cookie("odop_session").is_some());
        person
    }

    /// Someone signed in without the one-time-code exchange (which has its
    /// own tests): for tests that need hundreds of buyers at once, or a
    /// second session of someone already signed in (codes are rate-limited).
    pub async fn quick_sign_in(&self, phone: &str) -> Person {
        let person = self.visitor(phone);
        let parsed = Phone::parse(phone).unwrap();
        let now = chrono::Utc::now();
        let mut tx = self.db.begin().await.unwrap();
        let user = odop_store::accounts::find_or_create(&mut tx, &parsed, odop_domain::Locale::En, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let token = odop_web::auth::crypto::new_token();
        odop_store::sessions::create(&self.db, &odop_web::auth::crypto::token_hash(&token), user, false, now)
            .await
            .unwrap();
        let url = person.base.parse().unwrap();
        person.jar.add_cookie_str(&format!("odop_session={token}"), &url);
        person
    }

    pub async fn create_staff(&self, phone: &str, name: &str, roles: Vec<StaffRole>, password: &str) {
        let password = password.to_owned();
        let hash = tokio::task::spawn_blocking(move || odop_web::auth::crypto::hash_password(&password).unwrap())
            .await
            .unwrap();
        odop_store::accounts::create_staff(
            &self.db,
            &NewStaff {
                phone: Phone::parse(phone).unwrap(),
                display_name: name.to_owned(),
                password_hash: hash,
                roles,
                granted_by: None,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }

    /// Signs a staff member in: password, then the code sent by SMS.
    pub async fn staff_sign_in(&self, phone: &str, password: &str) -> Person {
        let person = self.visitor(phone);
        let response = person
            .post("/signin/staff", &[("phone", phone), ("password", password)])
            .await;
        assert_eq!(response.status(), 303, "the password step");
        assert!(
            location(&response).starts_with("/signin/staff/code"),
            "a second step follows"
        );
        let code = self.latest_code(phone).await;
        let response = person.post("/signin/staff/code", &[("code", &code)]).await;
        assert_eq!(response.status(), 303, "the code step");
        assert!(person.cookie("odop_session").is_some());
        person
    }
}

/// The first run of exactly six digits in a text.
pub fn first_code(text: &str) -> Option<String> {
    let digits: Vec<char> = text.chars().collect();
    let mut start = 0;
    while start < digits.len() {
        if digits[start].is_ascii_digit() {
            let end = (start..digits.len())
                .find(|&i| !digits[i].is_ascii_digit())
                .unwrap_or(digits.len());
            if end - start == 6 {
                return Some(digits[start..end].iter().collect());
            }
            start = end;
        } else {
            start += 1;
        }
    }
    None
}

/// A seller to set up as already verified: onboarding itself is specified in
/// `onboarding.rs`; tests of what verified sellers do start from here.
pub struct SellerSpec<'a> {
    pub phone: &'a str,
    pub name: &'a str,
    pub district: &'a str,
    pub craft: &'a str,
    /// For an artisan: the vendor it sells under.
    pub vendor: Option<odop_domain::UserId>,
}

impl TestApp {
    /// Creates a verified seller (an approved application, and for an
    /// artisan an active tie to its vendor) and returns its account id.
    pub async fn verified_seller(&self, spec: SellerSpec<'_>) -> odop_domain::UserId {
        self.seller_of_kind(spec, false).await
    }

    /// Creates a verified enrolled supplier: without GST, enrolled to sell
    /// within UP on its own (CGST Notification 34/2023).
    pub async fn enrolled_seller(&self, spec: SellerSpec<'_>) -> odop_domain::UserId {
        self.seller_of_kind(spec, true).await
    }

    async fn seller_of_kind(&self, spec: SellerSpec<'_>, enrolled: bool) -> odop_domain::UserId {
        use odop_store::bulk::{NewSeller, NewSellerKind};
        let district_ids = odop_store::bulk::district_ids(&self.db).await.unwrap();
        let pan = "ABCPK1234L";
        let first14 = format!("09{pan}1Z");
        let check = odop_domain::identity::gstin_check_character(first14.as_bytes()).unwrap() as char;
        let seller = NewSeller {
            phone: Phone::parse(spec.phone).unwrap().to_string(),
            display_name: spec.name.to_owned(),
            legal_name: Some(spec.name.to_owned()),
            district_id: district_ids[spec.district],
            craft: spec.craft.to_owned(),
            bio_en: format!("{} has worked at the craft for years.", spec.name),
            bio_hi: format!("{} वर्षों से यह काम कर रहे हैं।", spec.name),
            address_line1: "12 Chowk".into(),
            city: "Lucknow".into(),
            pin: "226003".into(),
            account_number: "123456789012".into(),
            ifsc: "SBIN0001234".into(),
            pan: pan.into(),
            kind: match spec.vendor {
                None if enrolled => NewSellerKind::Enrolled {
                    enrolment: format!("09{pan}1E5"),
                },
                None => NewSellerKind::Vendor {
                    gstin: format!("{first14}{check}"),
                },
                Some(vendor) => NewSellerKind::SubVendor { vendor },
            },
            joined_at: chrono::Utc::now(),
        };
        odop_store::bulk::insert_sellers(&self.db, &[seller]).await.unwrap()[0]
    }
}
