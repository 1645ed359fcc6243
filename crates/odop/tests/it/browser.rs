//! Journeys through the site in a real headless Chromium.

use fantoccini::Locator;

use crate::support::browser::Browser;
use crate::support::{Backend, TestApp, test_output_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_switches_to_hindi_and_finds_lucknows_chikankari() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let page = &browser.client;

    page.goto(&app.url("/")).await.unwrap();
    let heading = page.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "The crafts of Uttar Pradesh, district by district");
    assert_eq!(
        page.find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .as_deref(),
        Some("en")
    );

    // The switch on every page, a plain link.
    page.find(Locator::LinkText("हिन्दी"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    page.wait().for_element(Locator::Css("html[lang='hi']")).await.unwrap();
    assert_eq!(
        page.current_url().await.unwrap().path(),
        "/",
        "the switch returns to the same page"
    );
    let heading = page.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "उत्तर प्रदेश के शिल्प, जनपद-दर-जनपद");

    // To the list of all districts, then Lucknow.
    page.find(Locator::Css("a[href='/districts']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    page.wait()
        .for_element(Locator::Css("#division-lucknow"))
        .await
        .unwrap();
    page.find(Locator::Css("#division-lucknow a[href='/districts/lucknow']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    page.wait()
        .for_element(Locator::Css("#product-chikankari"))
        .await
        .unwrap();
    assert_eq!(page.current_url().await.unwrap().path(), "/districts/lucknow");
    assert_eq!(
        page.find(Locator::Css("h1")).await.unwrap().text().await.unwrap(),
        "लखनऊ"
    );
    let product = page
        .find(Locator::Css("#product-chikankari h3"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(product.starts_with("चिकनकारी"), "{product}");

    // The choice is remembered: a new visit to the home page is in Hindi.
    page.goto(&app.url("/")).await.unwrap();
    assert_eq!(
        page.find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .as_deref(),
        Some("hi")
    );

    page.goto(&app.url("/districts/lucknow")).await.unwrap();
    let png = page.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG screenshot");
    let path = test_output_dir("browser").join("lucknow-hi.png");
    std::fs::write(&path, &png).unwrap();
    eprintln!("screenshot: {}", path.display());

    browser.close().await;
}
