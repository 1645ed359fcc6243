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

/// Fills a field of the current page.
async fn fill(page: &fantoccini::Client, css: &str, text: &str) {
    let field = page
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no field {css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(page: &fantoccini::Client, css: &str) {
    page.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("nothing to click at {css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn text_of(page: &fantoccini::Client, css: &str) -> String {
    page.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

async fn screenshot(page: &fantoccini::Client, name: &str) {
    let png = page.screenshot().await.unwrap();
    std::fs::write(test_output_dir("browser").join(name), png).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_artisan_applies_and_the_lucknow_officer_verifies_them() {
    use odop_store::accounts::StaffRole;
    let Some(artisan_browser) = Browser::start().await else {
        return;
    };
    let officer_browser = Browser::start().await.expect("a second browser for the officer");
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let district = |s: &str| odop_domain::Slug::parse(s).unwrap();
    app.create_staff(
        "9000000001",
        "Asha Verma",
        vec![StaffRole::DistrictOfficer(district("lucknow"))],
        "officer password 1",
    )
    .await;
    app.create_staff(
        "9000000002",
        "Vikram Rai",
        vec![StaffRole::DistrictOfficer(district("varanasi"))],
        "officer password 2",
    )
    .await;
    let documents = tempfile::tempdir().unwrap();
    let pan = documents.path().join("pan.pdf");
    let passbook = documents.path().join("passbook.png");
    std::fs::write(&pan, b"%PDF-1.4\n% PAN card\n").unwrap();
    std::fs::write(&passbook, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();

    // The artisan signs up with a code by SMS (read from the dev outbox).
    let artisan = &artisan_browser.client;
    artisan.goto(&app.url("/signin")).await.unwrap();
    fill(artisan, "#phone", "98390 12345").await;
    click(artisan, "form.form button[type=submit]").await;
    artisan.wait().for_element(Locator::Css("#code")).await.unwrap();
    let code_page = artisan.current_url().await.unwrap();
    artisan.goto(&app.url("/dev/outbox")).await.unwrap();
    let message = text_of(artisan, "tr[data-to='+919839012345'][data-kind='otp'] td.message").await;
    let code = crate::support::people::first_code(&message).expect("the SMS carries a code");
    artisan.goto(code_page.as_str()).await.unwrap();
    fill(artisan, "#code", &code).await;
    click(artisan, "form.form button[type=submit]").await;
    artisan
        .wait()
        .for_element(Locator::Css("a[href='/sell/apply']"))
        .await
        .unwrap();

    // The artisan applies, with documents, as a vendor with a GSTIN.
    artisan.goto(&app.url("/sell/apply")).await.unwrap();
    let gstin = {
        let first14 = "09ABCPK1234M1Z";
        let check = odop_domain::identity::gstin_check_character(first14.as_bytes()).unwrap() as char;
        format!("{first14}{check}")
    };
    for (css, value) in [
        ("#display_name", "Kamla Chikan Kari"),
        ("#legal_name", "Kamla Devi"),
        ("#bio_hi", "चिकनकारी का पारिवारिक काम, तीस वर्षों से।"),
        ("#address_line1", "45 Nakhas"),
        ("#city", "Lucknow"),
        ("#pin", "226003"),
        ("#account_holder", "Kamla Devi"),
        ("#account_number", "0012345678901"),
        ("#ifsc", "PUNB0123400"),
        ("#pan", "ABCPK1234M"),
        ("#gstin", gstin.as_str()),
    ] {
        fill(artisan, css, value).await;
    }
    artisan
        .find(Locator::Css("#district"))
        .await
        .unwrap()
        .select_by_value("lucknow")
        .await
        .unwrap();
    artisan
        .find(Locator::Css("#craft"))
        .await
        .unwrap()
        .select_by_value("chikankari")
        .await
        .unwrap();
    click(artisan, "input[name=seller_kind][value=vendor]").await;
    for (css, file) in [
        ("#pan_card", &pan),
        ("#bank_proof", &passbook),
        ("#gst_certificate", &pan),
    ] {
        artisan
            .find(Locator::Css(css))
            .await
            .unwrap()
            .send_keys(&file.display().to_string())
            .await
            .unwrap();
    }
    click(artisan, "input[name=consent]").await;
    screenshot(artisan, "apply-filled.png").await;
    click(artisan, "form.form button[type=submit]").await;
    artisan
        .wait()
        .for_element(Locator::Css("#application-status"))
        .await
        .unwrap();
    assert_eq!(
        text_of(artisan, "#application-status").await,
        "Waiting for the district officer"
    );

    // The Lucknow officer signs in with a password and approves.
    let officer = &officer_browser.client;
    officer.goto(&app.url("/signin/staff")).await.unwrap();
    fill(officer, "#phone", "9000000001").await;
    fill(officer, "#password", "officer password 1").await;
    click(officer, "form.form button[type=submit]").await;
    // The second factor: the code sent by SMS.
    officer.wait().for_element(Locator::Css("#code")).await.unwrap();
    fill(officer, "#code", &app.latest_code("9000000001").await).await;
    click(officer, "form.form button[type=submit]").await;
    officer.wait().for_element(Locator::Css("table.list")).await.unwrap();
    assert_eq!(officer.current_url().await.unwrap().path(), "/desk");
    officer
        .find(Locator::LinkText("Kamla Chikan Kari"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    officer
        .wait()
        .for_element(Locator::Css("input[name=action][value=approve]"))
        .await
        .unwrap();
    let application = officer.current_url().await.unwrap();
    click(officer, "input[name=action][value=approve]").await;
    screenshot(officer, "desk-decision.png").await;
    click(officer, "form.form button[type=submit]").await;
    officer.wait().for_element(Locator::Css("p.notice")).await.unwrap();

    // The artisan sees "verified".
    artisan.refresh().await.unwrap();
    assert_eq!(text_of(artisan, "#application-status").await, "Verified");
    screenshot(artisan, "application-verified.png").await;

    // An officer of another district cannot see the application at all.
    click(officer, "header form button.link").await;
    officer.goto(&app.url("/signin/staff")).await.unwrap();
    fill(officer, "#phone", "9000000002").await;
    fill(officer, "#password", "officer password 2").await;
    click(officer, "form.form button[type=submit]").await;
    officer.wait().for_element(Locator::Css("#code")).await.unwrap();
    fill(officer, "#code", &app.latest_code("9000000002").await).await;
    click(officer, "form.form button[type=submit]").await;
    officer
        .wait()
        .for_element(Locator::Css("table.list, main h1"))
        .await
        .unwrap();
    assert!(
        !officer.source().await.unwrap().contains("Kamla Chikan Kari"),
        "not in the Varanasi queue"
    );
    officer.goto(application.as_str()).await.unwrap();
    assert_eq!(text_of(officer, "main h1").await, "Page not found");

    artisan_browser.close().await;
    officer_browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verified_artisan_lists_a_kurta_and_a_buyer_finds_it_in_either_script() {
    use crate::catalogue::{create_listing, kurta, png, set_status};
    use crate::support::people::SellerSpec;
    let Some(seller_browser) = Browser::start().await else {
        return;
    };
    let buyer_browser = Browser::start().await.expect("a second browser for the buyer");
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.verified_seller(SellerSpec {
        phone: "9839012345",
        name: "Kamla Chikan Kari",
        district: "lucknow",
        craft: "chikankari",
        vendor: None,
    })
    .await;
    // A kurta from another district, so that the district filter matters.
    app.verified_seller(SellerSpec {
        phone: "9839012399",
        name: "Kashi Weavers",
        district: "varanasi",
        craft: "banarasi-silk-sarees",
        vendor: None,
    })
    .await;
    let other = app.sign_in("9839012399").await;
    let other_kurta = create_listing(
        &other,
        &kurta(&[
            ("title_en", "Banarasi Silk Kurta"),
            ("title_hi", "बनारसी रेशमी कुर्ता"),
            ("craft", "banarasi-silk-sarees"),
        ]),
    )
    .await;
    assert_eq!(set_status(&other, other_kurta, "publish").await.status(), 303);

    // The artisan signs in with a code by SMS and fills in the listing form.
    let seller = &seller_browser.client;
    seller.goto(&app.url("/signin")).await.unwrap();
    fill(seller, "#phone", "98390 12345").await;
    click(seller, "form.form button[type=submit]").await;
    seller.wait().for_element(Locator::Css("#code")).await.unwrap();
    let code_page = seller.current_url().await.unwrap();
    seller.goto(&app.url("/dev/outbox")).await.unwrap();
    let message = text_of(seller, "tr[data-to='+919839012345'][data-kind='otp'] td.message").await;
    let code = crate::support::people::first_code(&message).expect("the SMS carries a code");
    seller.goto(code_page.as_str()).await.unwrap();
    fill(seller, "#code", &code).await;
    click(seller, "form.form button[type=submit]").await;
    seller.wait().for_element(Locator::Css("header form")).await.unwrap();

    seller.goto(&app.url("/sell/listings/new")).await.unwrap();
    for (css, value) in [
        ("#title_en", "White Chikankari Kurta"),
        ("#title_hi", "सफ़ेद चिकनकारी कुर्ता"),
        (
            "#description_en",
            "Shadow work on fine cotton, stitched in Chowk.\n\n- Cotton\n- Hand wash",
        ),
        ("#hsn", "6211"),
        ("#weight_grams", "300"),
        ("#return_days", "7"),
        ("input[name='variant-0-label']", "M"),
        ("input[name='variant-0-sku']", "KAMLA-M"),
        ("input[name='variant-0-price']", "1,499"),
        ("input[name='variant-0-mrp']", "1,999"),
        ("input[name='variant-0-stock']", "4"),
        ("input[name='variant-1-label']", "L"),
        ("input[name='variant-1-sku']", "KAMLA-L"),
        ("input[name='variant-1-price']", "1,549"),
        ("input[name='variant-1-mrp']", "1,999"),
        ("input[name='variant-1-stock']", "2"),
    ] {
        fill(seller, css, value).await;
    }
    seller
        .find(Locator::Css("#craft"))
        .await
        .unwrap()
        .select_by_value("chikankari")
        .await
        .unwrap();
    click(seller, "input[name=returnable]").await;
    click(seller, "input[name=gi_tagged]").await;
    screenshot(seller, "listing-filled.png").await;
    click(seller, "form[action='/sell/listings'] button[type=submit]").await;
    seller.wait().for_element(Locator::Css("#photo")).await.unwrap();

    // A photo from the phone's camera, then on sale.
    let photos = tempfile::tempdir().unwrap();
    let photo = photos.path().join("kurta.png");
    std::fs::write(&photo, png(1600, 1200)).unwrap();
    seller
        .find(Locator::Css("#photo"))
        .await
        .unwrap()
        .send_keys(&photo.display().to_string())
        .await
        .unwrap();
    click(seller, "form[enctype='multipart/form-data'] button[type=submit]").await;
    seller
        .wait()
        .for_element(Locator::Css(".photo-list img"))
        .await
        .unwrap();
    click(seller, "input[value=publish] + button").await;
    seller.wait().for_element(Locator::Css("p.notice")).await.unwrap();
    screenshot(seller, "listing-published.png").await;

    // A buyer searches in Devanagari and in Latin letters.
    let buyer = &buyer_browser.client;
    for query in ["चिकन कुर्ता", "chikan kurta"] {
        let mut found = false;
        for _ in 0..100 {
            buyer.goto(&app.url("/")).await.unwrap();
            fill(buyer, "#q", query).await;
            click(buyer, "form.search button[type=submit]").await;
            buyer.wait().for_element(Locator::Css("#result-count")).await.unwrap();
            if buyer.source().await.unwrap().contains("White Chikankari Kurta") {
                found = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(found, "{query} finds the kurta");
    }
    // Narrowed to Lucknow, only the Lucknow kurta is left.
    buyer.goto(&app.url("/search?q=kurta")).await.unwrap();
    assert!(buyer.source().await.unwrap().contains("Banarasi Silk Kurta"));
    click(buyer, "aside.facets a[href*='district=lucknow']").await;
    buyer
        .wait()
        .for_element(Locator::Css("aside.facets a.active[href*='q=kurta']"))
        .await
        .unwrap();
    let results = buyer.source().await.unwrap();
    assert!(results.contains("White Chikankari Kurta"));
    assert!(
        !results.contains("Banarasi Silk Kurta"),
        "the Varanasi kurta is filtered out"
    );
    screenshot(buyer, "search-lucknow.png").await;

    buyer
        .find(Locator::XPath("//a[contains(., 'White Chikankari Kurta')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    buyer.wait().for_element(Locator::Css("main h1")).await.unwrap();
    assert_eq!(text_of(buyer, "main h1").await, "White Chikankari Kurta");
    let page = buyer.source().await.unwrap();
    for expected in ["₹1,499", "Kamla Chikan Kari", "KAMLA-L", "srcset="] {
        assert!(page.contains(expected), "the product page shows {expected}");
    }
    screenshot(buyer, "product.png").await;

    seller_browser.close().await;
    buyer_browser.close().await;
}
