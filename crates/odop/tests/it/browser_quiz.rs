//! The daily quiz in a real headless Chromium, in Hindi: a visitor switches
//! the site to Hindi, answers, sees the score and the explanation, and
//! follows the link to the district's products.

use fantoccini::Locator;

use crate::catalogue::{create_listing, kurta, set_status};
use crate::support::browser::{Browser, arrive, click, path_of, screenshot, text_of};
use crate::support::people::SellerSpec;
use crate::support::{Backend, TestApp};

const SELLER: &str = "9822233333";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_plays_the_daily_quiz_in_hindi_and_is_led_to_the_districts_products() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.verified_seller(SellerSpec {
        phone: SELLER,
        name: "Noor Chikan House",
        district: "lucknow",
        craft: "chikankari",
        vendor: None,
    })
    .await;
    let seller = app.sign_in(SELLER).await;
    let listing = create_listing(&seller, &kurta(&[])).await;
    assert_eq!(set_status(&seller, listing, "publish").await.status(), 303);
    // Only Lucknow has something on sale, so today's quiz asks about Lucknow first.
    let registry = odop_store::registry::load(&app.db).await.unwrap();
    let today = odop_domain::quiz::daily(
        &registry,
        &|d| d.as_str() == "lucknow",
        odop_domain::quiz::ist_day(chrono::Utc::now()),
    );
    let right = today[0].correct;
    let page = &browser.client;

    // From the home page, the visitor switches to Hindi and opens the quiz.
    page.goto(&app.url("/")).await.unwrap();
    arrive(page, "header a.lang").await;
    click(page, "header a.lang").await;
    arrive(page, "html[lang=hi]").await;
    click(page, "header a[href='/quiz']").await;
    arrive(page, "form[action='/quiz/0']").await;
    assert_eq!(text_of(page, "main h1").await, "आज की ODOP प्रश्नोत्तरी");
    assert_eq!(text_of(page, "#q0 h2").await, "1. लखनऊ किस उत्पाद के लिए जाना जाता है?");
    screenshot(page, "quiz-hindi-question.png").await;

    // The right answer, chosen and sent.
    click(page, &format!("#q0 input[name=choice][value='{right}']")).await;
    click(page, "form[action='/quiz/0'] button[type=submit]").await;
    arrive(page, "#q0 .quiz-right").await;
    assert_eq!(text_of(page, "#q0 .quiz-right").await, "सही!");
    assert_eq!(text_of(page, ".quiz-score strong").await, "आज 5 में से 1 सही।");
    let explanation = text_of(page, "#q0").await;
    assert!(explanation.contains("लखनऊ का ODOP उत्पाद"), "{explanation}");
    screenshot(page, "quiz-hindi-score.png").await;

    // The link leads to Lucknow's products, still in Hindi.
    let shop = page
        .find(Locator::Css("#q0 a.button[href='/districts/lucknow']"))
        .await
        .expect("a link to the district's products");
    assert!(shop.text().await.unwrap().contains("लखनऊ"));
    shop.click().await.unwrap();
    arrive(page, "ul.cards.products").await;
    assert_eq!(path_of(page).await, "/districts/lucknow");
    let products = text_of(page, "ul.cards.products").await;
    assert!(products.contains("सफ़ेद सूती चिकन कुर्ता"), "{products}");
    screenshot(page, "quiz-hindi-district.png").await;

    // A poll, answered in the browser: the bars are drawn by the stylesheet
    // alone (the Content-Security-Policy allows no inline styles), so the
    // chosen answer's bar is full and the other one empty.
    // Any account can be a poll's author in the store; the admin pages
    // have their own tests.
    app.quick_sign_in("9811133333").await;
    let now = chrono::Utc::now();
    let draft = odop_domain::polls::PollDraft::parse(&odop_domain::polls::PollInput {
        question_en: "Which craft did you grow up with?".into(),
        question_hi: "आप किस शिल्प के साथ बड़े हुए?".into(),
        choices: vec![
            ("Wooden toys".into(), "लकड़ी के खिलौने".into()),
            ("Brassware".into(), "पीतल के बर्तन".into()),
        ],
        opens_at: Some(now - chrono::Duration::minutes(1)),
        closes_at: Some(now + chrono::Duration::hours(1)),
        ..Default::default()
    })
    .unwrap();
    let creator =
        odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse("9811133333").unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
    let poll = odop_store::polls::create(&app.db, &draft, creator, now).await.unwrap();
    page.goto(&app.url(&format!("/polls/{poll}"))).await.unwrap();
    arrive(page, &format!("form[action='/polls/{poll}']")).await;
    click(page, "input[name=choice][value='0']").await;
    click(page, &format!("form[action='/polls/{poll}'] button[type=submit]")).await;
    arrive(page, ".bars .bar-fill").await;
    let bars = page.find_all(Locator::Css(".bars .bar-fill")).await.unwrap();
    let tracks = page.find_all(Locator::Css(".bars .bar-track")).await.unwrap();
    let (_, _, full, _) = bars[0].rectangle().await.unwrap();
    let (_, _, empty, _) = bars[1].rectangle().await.unwrap();
    let (_, _, track, _) = tracks[0].rectangle().await.unwrap();
    assert!(track > 20.0, "the track is drawn ({track} px)");
    assert!((full - track).abs() < 1.0, "100% fills the track: {full} of {track} px");
    assert!(empty < 1.0, "0% is empty: {empty} px");
    screenshot(page, "poll-hindi-bars.png").await;
    browser.close().await;
}
