//! Buying in a real headless Chromium: a guest fills a cart, is asked to
//! sign in at checkout, pays on the sandbox gateway's page, and later sees
//! the seller's shipment on the order page, its invoice and, once it comes
//! back, the credit note.

use fantoccini::Locator;
use odop_domain::ListingId;

use crate::catalogue::{create_listing, kurta, set_status};
use crate::support::browser::{Browser, arrive, click, fill, path_of, screenshot, text_of};
use crate::support::people::SellerSpec;
use crate::support::{Backend, TestApp};

const SELLER: &str = "9822211111";
const BUYER: &str = "9833311111";

/// A verified Lucknow seller with a published chikankari kurta whose size M
/// has `stock` units; returns the listing's id and that variant's id.
async fn kurta_on_sale(app: &TestApp, stock: u32) -> (i64, i64) {
    app.verified_seller(SellerSpec {
        phone: SELLER,
        name: "Noor Chikan House",
        district: "lucknow",
        craft: "chikankari",
        vendor: None,
    })
    .await;
    let seller = app.sign_in(SELLER).await;
    let stock = stock.to_string();
    let listing = create_listing(&seller, &kurta(&[("variant-0-stock", &stock)])).await;
    assert_eq!(set_status(&seller, listing, "publish").await.status(), 303);
    let variant = variant_stock(app, listing).await.0;
    (listing, variant)
}

/// The first variant of a listing and its stock, straight from the store.
async fn variant_stock(app: &TestApp, listing: i64) -> (i64, i64) {
    let listing = odop_store::catalogue::get(&app.db, ListingId(listing))
        .await
        .unwrap()
        .expect("the listing exists");
    (listing.variants[0].id, listing.variants[0].stock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_buys_a_kurta_in_the_browser_pays_by_upi_and_sees_it_shipped() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (listing, variant) = kurta_on_sale(&app, 3).await;
    let page = &browser.client;

    // A guest opens the product page and adds size M to the cart.
    page.goto(&app.url(&format!("/p/{listing}"))).await.unwrap();
    arrive(page, "form[action='/cart/add']").await;
    assert_eq!(text_of(page, "main h1").await, "Chikan Kurta in White Cotton");
    screenshot(page, "checkout-product.png").await;
    page.find(Locator::XPath(&format!(
        "//form[@action='/cart/add'][input[@name='variant' and @value='{variant}']]//button[@type='submit']"
    )))
    .await
    .expect("size M has an Add to cart button")
    .click()
    .await
    .unwrap();
    arrive(page, "a[href='/checkout']").await;

    // The cart, opened from the header as a shopper would, holds one kurta
    // at ₹1,499; delivery is free above ₹999, so that is also the total.
    click(page, "header a[href='/cart']").await;
    arrive(page, "table.cart").await;
    assert_eq!(path_of(page).await, "/cart");
    let cart = text_of(page, "table.cart").await;
    assert!(
        cart.contains("Chikan Kurta in White Cotton") && cart.contains("₹1,499"),
        "{cart}"
    );
    assert_eq!(text_of(page, "dl.totals dd strong").await, "₹1,499");
    assert_eq!(
        page.find(Locator::Css("input.quantity"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("1"),
        "one kurta, as added"
    );
    screenshot(page, "checkout-cart.png").await;

    // Checking out needs an account: the guest is sent to sign in, with a
    // way back to checkout.
    click(page, "a[href='/checkout']").await;
    arrive(page, "#phone").await;
    assert_eq!(path_of(page).await, "/signin");
    fill(page, "#phone", "98333 11111").await;
    click(page, "form.form button[type=submit]").await;
    arrive(page, "#code").await;
    let code = app.latest_code(BUYER).await;
    fill(page, "#code", &code).await;
    click(page, "form.form button[type=submit]").await;
    arrive(page, "form[action='/checkout']").await;
    assert_eq!(
        path_of(page).await,
        "/checkout",
        "signing in returns the buyer to checkout"
    );
    let checkout = page.source().await.unwrap();
    assert!(
        checkout.contains("Chikan Kurta in White Cotton"),
        "the guest's cart joined the buyer's at sign-in"
    );

    // The address, online payment, and the terms, which are never ticked
    // for the buyer.
    for (css, value) in [
        ("#name", "Asha Verma"),
        ("#phone", "98333 11111"),
        ("#line1", "12 Hazratganj"),
        ("#city", "Lucknow"),
        ("#pin", "226001"),
    ] {
        fill(page, css, value).await;
    }
    page.find(Locator::Css("#state"))
        .await
        .unwrap()
        .select_by_value("09")
        .await
        .unwrap();
    click(page, "input[name=method][value=online]").await;
    let terms = page.find(Locator::Css("input[name=accept_terms]")).await.unwrap();
    assert!(!terms.is_selected().await.unwrap(), "terms are never pre-ticked");
    terms.click().await.unwrap();
    assert!(terms.is_selected().await.unwrap());
    screenshot(page, "checkout-filled.png").await;
    click(page, "form[action='/checkout'] button[type=submit]").await;

    // The sandbox gateway's page: the order holds its stock until paid.
    arrive(page, "button[name=outcome][value=success]").await;
    assert!(path_of(page).await.starts_with("/pay/sandbox/"));
    assert_eq!(
        text_of(page, "main p strong").await,
        "₹1,499",
        "the payment is for the order's total"
    );
    assert_eq!(variant_stock(&app, listing).await.1, 2, "one unit is held");
    let upi = page.find(Locator::Css("input[name=method][value=upi]")).await.unwrap();
    assert!(upi.is_selected().await.unwrap(), "UPI is the sandbox's default");
    screenshot(page, "checkout-sandbox.png").await;
    click(page, "button[name=outcome][value=success]").await;

    // Back on the order page: placed and paid, by UPI.
    arrive(page, ".order-part .status").await;
    let order_path = path_of(page).await;
    let order_id: i64 = order_path
        .strip_prefix("/orders/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("the payment returns to the order page, not {order_path}"));
    assert_eq!(text_of(page, ".order-part .status").await, "Placed");
    let summary = text_of(page, "main p.muted").await;
    assert!(summary.ends_with("paid"), "{summary}");
    assert!(
        page.find(Locator::Css("a[href$='/pay']")).await.is_err(),
        "nothing is left to pay"
    );
    screenshot(page, "checkout-paid.png").await;
    let view = odop_store::orders::order(&app.db, odop_domain::OrderId(order_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.payments.len(), 1);
    assert_eq!(view.payments[0].status, "captured");
    assert_eq!(
        view.payments[0].method.as_deref(),
        Some("upi"),
        "the method chosen on the sandbox page is the one recorded"
    );
    assert_eq!(view.items.len(), 1);
    assert_eq!(view.items[0].quantity, 1);

    // The seller accepts and ships from the desk, over HTTP.
    let seller = app.quick_sign_in(SELLER).await;
    let part = view.parts[0].id;
    let desk_path = format!("/sell/orders/{part}");
    let (_, desk) = seller.page("/sell/orders").await;
    assert!(
        desk.contains(&format!("href=\"{desk_path}\"")),
        "the paid order is on the seller's desk"
    );
    assert_eq!(seller.post(&desk_path, &[("action", "accept")]).await.status(), 303);
    let response = seller
        .post(
            &desk_path,
            &[
                ("action", "ship"),
                ("courier", "India Post"),
                ("tracking", "EE123456789IN"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());

    // The buyer reloads the order page and sees the shipment.
    page.refresh().await.unwrap();
    arrive(page, ".order-part .status").await;
    assert_eq!(text_of(page, ".order-part .status").await, "Shipped");
    let part_text = text_of(page, ".order-part").await;
    assert!(
        part_text.contains("India Post") && part_text.contains("EE123456789IN"),
        "{part_text}"
    );
    assert!(
        page.find(Locator::Css(".order-part form[action$='/cancel']"))
            .await
            .is_err(),
        "a shipped order can no longer be cancelled"
    );
    screenshot(page, "checkout-shipped.png").await;

    // Shipping issued the tax invoice: the buyer opens it from the order
    // page, and its PDF comes as a PDF to this browser's session.
    click(page, ".order-part ul.documents a:not([download])").await;
    arrive(page, "main.tax-document").await;
    let invoice = odop_store::documents::of_order(&app.db, odop_domain::OrderId(order_id))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(path_of(page).await, format!("/tax-documents/{}", invoice.id));
    let document = text_of(page, "main.tax-document").await;
    assert!(
        document.contains("Tax invoice") && document.contains(&invoice.serial) && document.contains("₹1,499"),
        "{document}"
    );
    screenshot(page, "checkout-invoice.png").await;
    // The page's policy lets no script fetch, so the PDF is fetched with
    // this browser's own session cookie, as its download link would be.
    let cookies = page.get_all_cookies().await.unwrap();
    let session = cookies
        .iter()
        .find(|cookie| cookie.name() == "odop_session")
        .expect("the browser is signed in");
    let response = crate::support::http()
        .build()
        .unwrap()
        .get(app.url(&format!("/tax-documents/{}/pdf", invoice.id)))
        .header("cookie", format!("odop_session={}", session.value()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.bytes().await.unwrap().starts_with(b"%PDF-"));

    // Delivered, then returned as damaged from the order page: a credit
    // note appears beside the invoice.
    assert_eq!(seller.post(&desk_path, &[("action", "deliver")]).await.status(), 303);
    page.goto(&app.url(&order_path)).await.unwrap();
    arrive(page, "details.return").await;
    click(page, "details.return summary").await;
    click(page, "details.return input[name=reason][value=damaged]").await;
    click(page, "details.return button[type=submit]").await;
    arrive(page, ".order-part .status").await;
    assert_eq!(
        seller.post(&desk_path, &[("action", "approve-return")]).await.status(),
        303
    );
    assert_eq!(
        seller.post(&desk_path, &[("action", "receive-return")]).await.status(),
        303
    );
    page.refresh().await.unwrap();
    arrive(page, ".order-part ul.documents").await;
    let documents = text_of(page, ".order-part ul.documents").await;
    assert!(
        documents.contains(&invoice.serial) && documents.contains("Credit note"),
        "{documents}"
    );
    screenshot(page, "checkout-credit-note.png").await;

    // The seller's statement shows the sale and its reversal; nothing is
    // left to pay out, even after the return period.
    let (_, money) = seller.page("/sell/money").await;
    assert!(money.contains("Sale delivered") && money.contains("Return"), "{money}");
    let later = chrono::Utc::now() + chrono::Duration::days(30);
    let made_by = odop_domain::UserId(view.parts[0].seller_user_id);
    assert_eq!(
        odop_store::payouts::create_batch(&app.db, made_by, later, chrono::Utc::now())
            .await
            .unwrap(),
        None,
        "what was refunded is never paid out"
    );

    browser.close().await;
}
