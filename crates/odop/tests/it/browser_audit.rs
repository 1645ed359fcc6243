//! Every page of the site's journeys as a phone shows it, in both
//! languages: nothing sticks out of a 320, 360 or 390 pixel wide screen,
//! and axe-core finds no accessibility fault (contrast, labels, headings,
//! names) at the narrowest and widest of them.

use odop_store::accounts::StaffRole;

use crate::catalogue::{create_listing, kurta, png, set_status};
use crate::checkout::{order_body, place_by_api};
use crate::support::browser::{Browser, axe_source, axe_violations, overflow, phone_width, screenshot};
use crate::support::people::{Person, SellerSpec};
use crate::support::{Backend, TestApp};

const SELLER: &str = "9822233333";
const BUYER: &str = "9833344444";
const ADMIN: &str = "9811155555";
const PASSWORD: &str = "an admin's long passphrase";
const WIDTHS: [u32; 3] = [320, 360, 390];
/// axe runs at these widths: the narrowest, and the one where a header
/// too wide for the screen once pushed white links onto white.
const AXE_WIDTHS: [u32; 2] = [320, 390];

/// Someone's session, as the cookie the browser sends.
struct Visitor {
    name: &'static str,
    session: Option<String>,
    pages: Vec<String>,
}

fn session_of(person: &Person) -> Option<String> {
    person.cookie("odop_session")
}

/// Sets a cookie for the site as a page script would (WebDriver's own
/// cookie call refuses a loopback address as a domain); the server reads it
/// the same.
async fn set_cookie(page: &fantoccini::Client, name: &str, value: &str) {
    page.execute(
        "document.cookie = arguments[0] + '=' + arguments[1] + '; path=/';",
        vec![name.into(), value.into()],
    )
    .await
    .expect("the page takes the cookie");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_and_passes_axe_in_both_languages() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Some(axe) = axe_source() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();

    // A seller with a photographed kurta on sale.
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
    let form = reqwest::multipart::Form::new().text("_csrf", seller.csrf().await).part(
        "photo",
        reqwest::multipart::Part::bytes(png(800, 600)).file_name("kurta.png"),
    );
    let uploaded = seller
        .client
        .post(seller.url(&format!("/sell/listings/{listing}/photos")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 303, "the photo is taken");
    assert_eq!(set_status(&seller, listing, "publish").await.status(), 303);
    let record = odop_store::catalogue::get(&app.db, odop_domain::ListingId(listing))
        .await
        .unwrap()
        .unwrap();
    let product = format!("/p/{listing}/{}", record.record.slug);
    let seller_id = record.record.seller_user_id;

    // A buyer with a cash-on-delivery order and a kurta in the cart.
    let buyer = app.quick_sign_in(BUYER).await;
    let (status, order) = place_by_api(
        &buyer,
        "audit-key-0001-abcdef",
        &order_body(record.variants[0].id, 1, "cod"),
    )
    .await;
    assert_eq!(status, 201, "{order}");
    let part = order["sub_orders"][0]["id"].as_i64().unwrap();
    // A second one delivered: its tax invoice, and a sale in the seller's money.
    let (status, delivered) = place_by_api(
        &buyer,
        "audit-key-0002-abcdef",
        &order_body(record.variants[0].id, 1, "cod"),
    )
    .await;
    assert_eq!(status, 201, "{delivered}");
    let delivered_part = odop_domain::SubOrderId(delivered["sub_orders"][0]["id"].as_i64().unwrap());
    let ship = odop_domain::orders::OrderEvent::Ship {
        courier: "India Post".into(),
        tracking: "EE123456789IN".into(),
    };
    for event in [
        odop_domain::orders::OrderEvent::Accept,
        ship,
        odop_domain::orders::OrderEvent::Deliver,
    ] {
        odop_store::orders::transition(
            &app.db,
            delivered_part,
            &event,
            odop_domain::orders::Party::Seller,
            None,
            &crate::checkout::PlainNotices,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    let invoice = odop_store::documents::of_sub_order(&app.db, delivered_part)
        .await
        .unwrap()[0]
        .id;
    assert_eq!(
        buyer
            .post("/cart/add", &[("variant", &record.variants[0].id.to_string())])
            .await
            .status(),
        303
    );

    // A state admin, with a poll open to the public.
    app.create_staff(ADMIN, "Meera Dixit", vec![StaffRole::StateAdmin], PASSWORD)
        .await;
    let admin = app.staff_sign_in(ADMIN, PASSWORD).await;
    let now = chrono::Utc::now();
    let poll = admin
        .post(
            "/admin/polls/new",
            &[
                ("kind", "poll"),
                ("question_en", "Which craft would you gift this Diwali?"),
                ("question_hi", "इस दीवाली आप कौन सा शिल्प उपहार में देंगे?"),
                ("choice_en_0", "Chikankari"),
                ("choice_hi_0", "चिकनकारी"),
                ("choice_en_1", "Wooden toys"),
                ("choice_hi_1", "लकड़ी के खिलौने"),
                (
                    "opens_at",
                    &odop_domain::polls::format_ist(now - chrono::Duration::hours(1)),
                ),
                (
                    "closes_at",
                    &odop_domain::polls::format_ist(now + chrono::Duration::hours(48)),
                ),
                ("district", ""),
            ],
        )
        .await;
    assert_eq!(poll.status(), 303, "the poll is made");
    let poll = crate::support::people::location(&poll)
        .trim_start_matches("/admin/polls/")
        .to_owned();

    // A signed checkpoint, whose long fingerprint and signature must wrap
    // on a phone.
    let key = odop_trust::SigningKey::generate();
    odop_store::audit::sign_checkpoint(&app.db, &key, chrono::Utc::now())
        .await
        .unwrap()
        .expect("the log has entries by now");

    let order_id = order["id"].as_i64().unwrap();
    let visitors = [
        Visitor {
            name: "guest",
            session: None,
            pages: [
                "/",
                "/districts",
                "/districts/lucknow",
                "/crafts/chikankari",
                "/search?q=chikankari",
                "/search?q=%E0%A4%9A%E0%A4%BF%E0%A4%95%E0%A4%A8",
                "/search?q=chikan+kurta+under+2000+premium",
                product.as_str(),
                &format!("/sellers/{seller_id}"),
                "/cart",
                "/signin",
                "/signin/staff",
                "/quiz",
                "/quiz/leaderboard",
                "/polls",
                &format!("/polls/{poll}"),
                "/search/ranking",
                "/privacy",
                "/terms",
                "/audit/checkpoints",
                "/no/such/page",
            ]
            .map(str::to_owned)
            .to_vec(),
        },
        Visitor {
            name: "buyer",
            session: session_of(&buyer),
            pages: [
                "/account",
                "/cart",
                "/checkout",
                "/orders",
                &format!("/orders/{order_id}"),
                &format!("/orders/{}", delivered["id"]),
                &format!("/tax-documents/{invoice}"),
            ]
            .map(str::to_owned)
            .to_vec(),
        },
        Visitor {
            name: "seller",
            session: session_of(&seller),
            pages: [
                "/sell/listings",
                "/sell/listings/new",
                &format!("/sell/listings/{listing}"),
                "/sell/orders",
                &format!("/sell/orders/{part}"),
                "/sell/money",
                "/sell/money/register",
                &format!("/tax-documents/{invoice}"),
                "/sell/terms",
                "/vendor/sub-vendors",
                "/account",
            ]
            .map(str::to_owned)
            .to_vec(),
        },
        Visitor {
            name: "admin",
            session: session_of(&admin),
            pages: [
                "/desk",
                "/admin/staff",
                "/admin/polls",
                "/admin/polls/new",
                &format!("/admin/polls/{poll}"),
                "/admin/quiz",
                "/admin/payments",
                "/admin/payouts",
                "/admin/reports/tcs",
                "/admin/gst?hsn=6211",
                "/admin/commission",
                "/admin/audit",
                "/admin/audit?kind=spaceship",
                "/account/authenticator",
            ]
            .map(str::to_owned)
            .to_vec(),
        },
    ];

    let page = &browser.client;
    let mut faults = Vec::new();
    let mut visited = 0;
    for visitor in &visitors {
        page.goto(&app.url("/")).await.unwrap();
        page.delete_all_cookies().await.unwrap();
        if let Some(session) = &visitor.session {
            set_cookie(page, "odop_session", session).await;
        }
        for path in &visitor.pages {
            for lang in ["en", "hi"] {
                set_cookie(page, "lang", lang).await;
                for width in WIDTHS {
                    phone_width(page, width).await;
                    page.goto(&app.url(path)).await.unwrap();
                    visited += 1;
                    let here = format!("{} {path} ({lang}, {width} px)", visitor.name);
                    let html_lang = page
                        .execute("return document.documentElement.lang;", vec![])
                        .await
                        .unwrap();
                    if html_lang.as_str() != Some(lang) {
                        faults.push(format!("{here}: the page is in {html_lang}"));
                    }
                    if let Some(sticking_out) = overflow(page).await {
                        faults.push(format!("{here}: wider than the screen: {sticking_out}"));
                        let name = format!(
                            "overflow-{}-{lang}-{width}.png",
                            path.replace(['/', '?', '=', '%'], "_")
                        );
                        screenshot(page, &name).await;
                    }
                    if AXE_WIDTHS.contains(&width) {
                        for violation in axe_violations(page, &axe).await {
                            faults.push(format!("{here}: {violation}"));
                        }
                    }
                }
            }
        }
    }
    assert!(visited > 200, "{visited} pages looked at");
    assert!(faults.is_empty(), "{} faults:\n{}", faults.len(), faults.join("\n"));
    browser.close().await;
}
