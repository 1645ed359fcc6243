//! The daily quiz as the public plays it: no account needed, one answer per
//! question per device and per account, and every answer leads to the
//! district's products.

use odop_domain::quiz::{self, QuestionKind};

use crate::catalogue::{create_listing, kurta, set_status};
use crate::support::on_both_backends;
use crate::support::people::{SellerSpec, location};

const SELLER: &str = "9822200001";
const PLAYER: &str = "9844400001";

on_both_backends! {
    async fn visitors_answer_the_daily_quiz_once_and_are_led_to_the_districts_products(app) {
        // Only Lucknow has something on sale, so the quiz asks about Lucknow
        // first; the registry's other districts fill the day.
        app.verified_seller(SellerSpec { phone: SELLER, name: "Noor Chikan House", district: "lucknow", craft: "chikankari", vendor: None }).await;
        let seller = app.sign_in(SELLER).await;
        let id = create_listing(&seller, &kurta(&[])).await;
        assert_eq!(set_status(&seller, id, "publish").await.status(), 303);
        let registry = odop_store::registry::load(&app.db).await.unwrap();
        let questions = quiz::daily(&registry, &|d| d.as_str() == "lucknow", quiz::ist_day(chrono::Utc::now()));
        assert_eq!(questions.len(), quiz::QUESTIONS_PER_DAY);
        assert_eq!(questions[0].kind, QuestionKind::ProductOfDistrict);
        assert_eq!(questions[0].district.as_str(), "lucknow");
        let right = questions[0].correct.to_string();
        let wrong = ((questions[0].correct + 1) % 4).to_string();

        let visitor = app.visitor(PLAYER);
        let (status, page) = visitor.page("/quiz").await;
        assert_eq!(status, 200);
        assert!(page.contains("Which product is Lucknow known for?"), "{page}");
        assert!(page.contains("action=\"/quiz/0\""));
        let response = visitor.post("/quiz/0", &[("choice", "9")]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("Choose one answer"));
        assert_eq!(visitor.post("/quiz/7", &[("choice", "0")]).await.status(), 404, "there is no eighth question");

        let response = visitor.post("/quiz/0", &[("choice", &wrong)]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/quiz#q0");
        assert!(visitor.cookie("odop_device").is_some(), "the device is remembered");
        let (_, page) = visitor.page("/quiz").await;
        assert!(page.contains("Not quite.") && page.contains("0 of 5 right"), "{page}");
        assert!(page.contains("href=\"/districts/lucknow\"") && page.contains("Shop the one product from Lucknow"), "{page}");
        let response = visitor.post("/quiz/0", &[("choice", &right)]).await;
        assert_eq!(response.status(), 409, "one answer per device");
        assert!(response.text().await.unwrap().contains("answered this question already"));

        // Another device, another answer.
        let other = app.visitor(PLAYER);
        assert_eq!(other.post("/quiz/0", &[("choice", &right)]).await.status(), 303);
        let (_, page) = other.page("/quiz").await;
        assert!(page.contains("Right!") && page.contains("1 of 5 right"));

        // An account answers once, whichever device it plays on.
        let on_phone = app.quick_sign_in(PLAYER).await;
        assert_eq!(on_phone.post("/quiz/0", &[("choice", &right)]).await.status(), 303);
        let on_laptop = app.quick_sign_in(PLAYER).await;
        assert_eq!(on_laptop.post("/quiz/0", &[("choice", &wrong)]).await.status(), 409);

        let (_, hindi) = app.html("/quiz", &[("accept-language", "hi")]).await;
        assert!(hindi.contains("लखनऊ किस उत्पाद के लिए जाना जाता है?"), "{hindi}");
    }

    async fn a_new_marketplace_has_its_quiz_about_the_registry_before_anything_is_listed(app) {
        let (status, page) = app.html("/quiz", &[]).await;
        assert_eq!(status, 200);
        assert!(!page.contains("No quiz today"), "{page}");
        for question in 0..quiz::QUESTIONS_PER_DAY {
            assert!(page.contains(&format!("action=\"/quiz/{question}\"")), "question {question}: {page}");
        }
        let visitor = app.visitor(PLAYER);
        assert_eq!(visitor.post("/quiz/0", &[("choice", "0")]).await.status(), 303);
        let (_, page) = visitor.page("/quiz").await;
        // With nothing to buy yet, the answer leads to the district's page.
        assert!(page.contains("Discover "), "{page}");
        assert!(!page.contains("Shop 0"), "{page}");
    }
}
