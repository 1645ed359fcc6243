//! The books for those who keep them and those they pay: the finance role,
//! the money API (statement, register, TCS report, payout batches), the
//! commission table, a sub-vendor's statement under its vendor, and the
//! backfill of documents and postings for orders from before the books.

use chrono::Utc;
use odop_store::accounts::StaffRole;
use serde_json::{Value, json};

use crate::checkout::{BUYER, SELLER, kurta_on_sale, order_body, place_by_api, sandbox, variant_of};
use crate::documents::{account, books_balance, delivered_at, paid_order};
use crate::support::on_both_backends;
use crate::support::people::SellerSpec;

const FINANCE: &str = "9811100011";
const ADMIN: &str = "9811100012";
const PASSWORD: &str = "correct horse battery staple";
const ARTISAN: &str = "9822200012";

fn today() -> String {
    odop_domain::quiz::ist_day(Utc::now()).to_string()
}

on_both_backends! {
    async fn finance_keeps_the_books_through_pages_and_the_api_and_does_nothing_else(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let seller_id = odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(SELLER).unwrap()).await.unwrap().unwrap().id;
        let buyer = app.quick_sign_in(BUYER).await;
        let order = paid_order(&app, &buyer, "finance-key-0001-abcdef", variant, "09", "226001").await;
        delivered_at(&app, &order, Utc::now() - chrono::Duration::days(30)).await;
        let owed = odop_store::ledger::balance(&app.db, seller_id, Utc::now()).await.unwrap();
        assert!(owed.payable_now.0 > 0);

        app.create_staff(FINANCE, "Farah Finance", vec![StaffRole::Finance], PASSWORD).await;
        let finance = app.staff_sign_in(FINANCE, PASSWORD).await;
        let (status, account_page) = finance.page("/account").await;
        assert_eq!(status, 200);
        assert!(account_page.contains("/admin/payouts") && account_page.contains("/admin/reports/tcs"), "{account_page}");
        assert!(account_page.contains("Finance (payouts and tax reports)"), "{account_page}");
        assert!(!account_page.contains("/admin/staff"), "no staff management for finance");
        for path in ["/admin/payouts", "/admin/reports/tcs", "/api/v1/payouts", "/api/v1/reports/tcs"] {
            assert_eq!(finance.get(path).await.status(), 200, "{path}");
        }
        for path in ["/admin/staff", "/admin/gst", "/admin/commission", "/admin/polls", "/admin/payments", "/desk", "/api/v1/commission/rules"] {
            assert_eq!(finance.get(path).await.status(), 404, "finance may not open {path}");
        }
        let me: Value = finance.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!((me["finance"].as_bool(), me["state_admin"].as_bool()), (Some(true), Some(false)));

        // The seller's statement and register over the API.
        let seller = app.quick_sign_in(SELLER).await;
        let statement: Value = seller.get("/api/v1/money/statement").await.json().await.unwrap();
        assert_eq!(statement["owed_paise"].as_i64(), Some(owed.owed.0));
        assert_eq!(statement["payable_now_paise"].as_i64(), Some(owed.payable_now.0));
        assert_eq!(statement["paid_through_vendor"], false);
        assert_eq!(statement["lines"][0]["event"], "sale-completed", "{statement}");
        assert_eq!(statement["lines"][0]["gross_paise"], order["total_paise"]);
        assert_eq!(statement["lines"][0]["sub_order_id"], order["sub_orders"][0]["id"]);
        let invoice_month = odop_domain::ledger::Month::of(odop_domain::quiz::ist_day(Utc::now() - chrono::Duration::days(30))).to_string();
        let register: Value = seller.get(&format!("/api/v1/money/register?month={invoice_month}")).await.json().await.unwrap();
        assert_eq!(register["by_place"][0]["key"], "09", "{register}");
        assert!(register["by_place"][0]["cgst_paise"].as_i64().unwrap() > 0);
        assert_eq!(seller.get("/api/v1/money/register?month=2026-13").await.status(), 400);
        assert_eq!(seller.get("/api/v1/money/register?month=last").await.status(), 400);
        for path in ["/api/v1/payouts", "/api/v1/reports/tcs", "/api/v1/payouts/1"] {
            assert_eq!(seller.get(path).await.status(), 404, "a seller may not open {path}");
        }
        assert_eq!(buyer.get("/api/v1/money/statement").await.status(), 404, "a buyer has no statement");
        assert_eq!(app.visitor("9800000009").get("/api/v1/money/statement").await.status(), 401);

        // The TCS report names the seller's GSTIN in the invoice's month.
        let report: Value = finance.get(&format!("/api/v1/reports/tcs?month={invoice_month}")).await.json().await.unwrap();
        let gstin = odop_store::orders::sub_order(&app.db, odop_domain::SubOrderId(order["sub_orders"][0]["id"].as_i64().unwrap())).await.unwrap().unwrap().supplier_gstin.unwrap();
        assert_eq!(report["rows"][0]["gstin"], gstin.as_str(), "{report}");
        assert!(report["rows"][0]["cgst_paise"].as_i64().unwrap() > 0, "within UP: central and state TCS");
        let (_, page) = finance.page(&format!("/admin/reports/tcs?month={invoice_month}")).await;
        assert!(page.contains(gstin.as_str()) && page.contains("All suppliers (1)"), "the month's totals: {page}");

        // A payout batch over the API: checked, made, sent, answered.
        assert_eq!(seller.post_json("/api/v1/payouts", &json!({"up_to": today()})).await.status(), 404);
        let no_token = finance.client.post(finance.url("/api/v1/payouts")).json(&json!({"up_to": today()})).send().await.unwrap();
        assert_eq!(no_token.status(), 403, "writes need the CSRF header");
        let tomorrow = (odop_domain::quiz::ist_day(Utc::now()) + chrono::Duration::days(1)).to_string();
        for day in ["7/12/2026", tomorrow.as_str()] {
            let response = finance.post_json("/api/v1/payouts", &json!({"up_to": day})).await;
            assert_eq!(response.status(), 422, "{day}");
            let body: Value = response.json().await.unwrap();
            assert!(body.to_string().contains("up_to"), "{body}");
        }
        assert_eq!(finance.post_json("/api/v1/payouts", &json!({"up_to": 7})).await.status(), 400);
        let made = finance.post_json("/api/v1/payouts", &json!({"up_to": today()})).await;
        assert_eq!(made.status(), 201);
        let made: Value = made.json().await.unwrap();
        let batch = &made["batch"];
        assert_eq!(batch["batch"]["status"], "created");
        assert_eq!(batch["lines"][0]["seller_id"].as_i64(), Some(seller_id.0));
        assert_eq!(batch["lines"][0]["amount_paise"].as_i64(), Some(owed.payable_now.0));
        assert_eq!((batch["lines"][0]["account_number"].as_str(), batch["lines"][0]["ifsc"].as_str()), (Some("123456789012"), Some("SBIN0001234")));
        let again = finance.post_json("/api/v1/payouts", &json!({"up_to": today()})).await;
        assert_eq!(again.status(), 200, "nothing more is payable");
        assert_eq!(again.json::<Value>().await.unwrap()["batch"], Value::Null);
        let id = batch["batch"]["id"].as_i64().unwrap();
        let line = batch["lines"][0]["id"].as_i64().unwrap();
        let listed: Value = finance.get("/api/v1/payouts").await.json().await.unwrap();
        assert_eq!(listed["batches"][0]["id"].as_i64(), Some(id));
        assert_eq!(listed["batches"][0]["total_paise"].as_i64(), Some(owed.payable_now.0));
        assert_eq!(finance.get("/api/v1/payouts/999999").await.status(), 404);
        assert_eq!(finance.get("/api/v1/payouts/abc").await.status(), 404);
        let line_path = format!("/api/v1/payouts/lines/{line}");
        let early: Value = finance.post_json(&line_path, &json!({"outcome": "paid"})).await.json().await.unwrap();
        assert_eq!(early["changed"], false, "no answer before the batch is sent");
        let sent: Value = finance.post_json(&format!("/api/v1/payouts/{id}/sent"), &json!({})).await.json().await.unwrap();
        assert_eq!(sent["changed"], true);
        let sent: Value = finance.post_json(&format!("/api/v1/payouts/{id}/sent"), &json!({})).await.json().await.unwrap();
        assert_eq!(sent["changed"], false, "sent once");
        assert_eq!(finance.post_json("/api/v1/payouts/999999/sent", &json!({})).await.status(), 404);
        assert_eq!(finance.post_json(&line_path, &json!({"outcome": "failed"})).await.status(), 422, "a failure needs its reason");
        assert_eq!(finance.post_json(&line_path, &json!({"outcome": "lost", "reason": "?"})).await.status(), 422);
        let paid: Value = finance.post_json(&line_path, &json!({"outcome": "paid"})).await.json().await.unwrap();
        assert_eq!(paid["changed"], true);
        let paid: Value = finance.post_json(&line_path, &json!({"outcome": "failed", "reason": "late"})).await.json().await.unwrap();
        assert_eq!(paid["changed"], false, "answered once");
        let detail: Value = finance.get(&format!("/api/v1/payouts/{id}")).await.json().await.unwrap();
        assert_eq!(detail["lines"][0]["status"], "paid");
        let told = crate::checkout::messages_to(&app, SELLER, "payout").await;
        assert_eq!(told.len(), 1, "{told:?}");
        let statement: Value = seller.get("/api/v1/money/statement").await.json().await.unwrap();
        assert_eq!(statement["lines"][0]["event"], "paid-out", "{statement}");
        assert_eq!(statement["payable_now_paise"].as_i64(), Some(0));
        books_balance(&app).await;

        // The finance role's documents: it reads the invoice as state admins do.
        let invoice = odop_store::documents::of_order(&app.db, odop_domain::OrderId(order["id"].as_i64().unwrap())).await.unwrap()[0].id;
        assert_eq!(finance.get(&format!("/tax-documents/{invoice}")).await.status(), 200);
    }

    async fn a_commission_rule_from_a_day_takes_its_share_of_sales_delivered_from_then(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let seller_id = odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(SELLER).unwrap()).await.unwrap().unwrap().id;
        app.create_staff(ADMIN, "Meera Admin", vec![StaffRole::StateAdmin], PASSWORD).await;
        let admin = app.staff_sign_in(ADMIN, PASSWORD).await;
        let (status, page) = admin.page("/admin/commission").await;
        assert_eq!(status, 200);
        assert!(page.contains("No rule yet") && page.contains("value=\"chikankari\""), "{page}");

        // Refused with reasons, in the admin's language.
        let yesterday = (odop_domain::quiz::ist_day(Utc::now()) - chrono::Duration::days(1)).to_string();
        let refused = admin.post("/admin/commission", &[("craft", "chikankari"), ("effective_from", &yesterday), ("rate", "60")]).await;
        assert_eq!(refused.status(), 400, "the form comes back with what is wrong");
        let page = refused.text().await.unwrap();
        assert!(page.contains("A rule starts today or later") && page.contains("at most 50 %"), "{page}");
        admin.get("/lang/hi?next=%2F").await;
        let refused = admin.post("/admin/commission", &[("craft", "no-such-craft"), ("effective_from", &today()), ("rate", "2")]).await;
        assert_eq!(refused.status(), 400);
        assert!(refused.text().await.unwrap().contains("सूची में से कोई ओडीओपी उत्पाद चुनें"));
        admin.get("/lang/en?next=%2F").await;

        // 2.5 % on chikankari from today by the page; 1 % on everything by the API.
        let added = admin.post("/admin/commission", &[("craft", "chikankari"), ("effective_from", &today()), ("rate", "2.5")]).await;
        assert_eq!(added.status(), 303);
        let response = admin.post_json("/api/v1/commission/rules", &json!({"effective_from": today(), "rate_percent": "1"})).await;
        assert_eq!(response.status(), 201);
        let rules: Value = response.json().await.unwrap();
        assert_eq!(rules["rules"].as_array().unwrap().len(), 2);
        assert_eq!((rules["rules"][0]["craft"].clone(), rules["rules"][0]["rate_bp"].as_i64()), (Value::Null, Some(100)));
        assert_eq!((rules["rules"][1]["craft"].as_str(), rules["rules"][1]["rate_bp"].as_i64()), (Some("chikankari"), Some(250)));
        assert_eq!(rules["rules"][1]["created_by"], "Meera Admin");
        let bad = admin.post_json("/api/v1/commission/rules", &json!({"effective_from": "2020-01-01", "rate_percent": "x"})).await;
        assert_eq!(bad.status(), 422);
        let bad = bad.json::<Value>().await.unwrap().to_string();
        assert!(bad.contains("effective_from") && bad.contains("rate_percent"), "{bad}");
        let (_, page) = admin.page("/admin/commission").await;
        assert!(page.contains("2.5 %") && page.contains("Every product without a rule of its own"), "{page}");
        let seller = app.quick_sign_in(SELLER).await;
        assert_eq!(seller.get("/admin/commission").await.status(), 404);
        assert_eq!(seller.post_json("/api/v1/commission/rules", &json!({"effective_from": today(), "rate_percent": "0"})).await.status(), 404);

        // A chikankari sale delivered today pays 2.5 % and 18 % GST on it.
        let buyer = app.quick_sign_in(BUYER).await;
        let order = paid_order(&app, &buyer, "commission-key-0001-abc", variant, "09", "226001").await;
        delivered_at(&app, &order, Utc::now()).await;
        let total = order["total_paise"].as_i64().unwrap();
        let commission = (total * 250 + 5_000) / 10_000;
        let trial = books_balance(&app).await;
        assert_eq!(account(&trial, "commission"), -commission);
        assert_eq!(account(&trial, "gst-on-commission"), -((commission * 1_800 + 5_000) / 10_000));
        let statement: Value = seller.get("/api/v1/money/statement").await.json().await.unwrap();
        assert_eq!(statement["lines"][0]["commission_paise"].as_i64(), Some(commission));
        let owed = odop_store::ledger::balance(&app.db, seller_id, Utc::now()).await.unwrap().owed.0;
        assert_eq!(owed, statement["lines"][0]["net_paise"].as_i64().unwrap());
    }

    async fn a_vendor_sees_its_artisans_sales_by_name_and_the_artisan_sees_them_paid_to_the_vendor(app) {
        let vendor = app.verified_seller(SellerSpec { phone: SELLER, name: "Noor Chikan House", district: "lucknow", craft: "chikankari", vendor: None }).await;
        app.verified_seller(SellerSpec { phone: ARTISAN, name: "Rukhsana Bano", district: "lucknow", craft: "chikankari", vendor: Some(vendor) }).await;
        let artisan = app.sign_in(ARTISAN).await;
        let listing = crate::catalogue::create_listing(&artisan, &crate::catalogue::kurta(&[("variant-0-stock", "3")])).await;
        assert_eq!(crate::catalogue::set_status(&artisan, listing, "publish").await.status(), 303);
        let variant = variant_of(&app, listing).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let (status, order) = place_by_api(&buyer, "artisan-books-0001-abcdef", &order_body(variant, 1, "online")).await;
        assert_eq!(status, 201, "{order}");
        let gateway_order = order["payments"][0]["gateway_order_id"].as_str().unwrap().to_owned();
        let event = sandbox().simulate(&gateway_order, order["total_paise"].as_i64().unwrap(), "upi", odop_pay::SandboxOutcome::Success);
        assert_eq!(crate::checkout::deliver(&app, &event, &event.signature).await.status(), 200);
        delivered_at(&app, &order, Utc::now()).await;

        let vendor_person = app.quick_sign_in(SELLER).await;
        let (_, page) = vendor_person.page("/sell/money").await;
        assert!(page.contains("Made by") && page.contains("Rukhsana Bano"), "the vendor sees whose sale it was: {page}");
        let statement: Value = vendor_person.get("/api/v1/money/statement").await.json().await.unwrap();
        assert_eq!(statement["lines"][0]["made_by"], "Rukhsana Bano");
        assert!(statement["owed_paise"].as_i64().unwrap() > 0, "the vendor is paid");
        let csv = vendor_person.get("/sell/money.csv").await.text().await.unwrap();
        assert!(csv.lines().next().unwrap().ends_with(",made_by") && csv.contains("Rukhsana Bano"), "{csv}");

        let (_, page) = artisan.page("/sell/money").await;
        assert!(page.contains("You sell through your vendor") && page.contains("To your vendor"), "{page}");
        assert!(!page.contains("Owed to you"), "the platform owes the artisan nothing itself: {page}");
        let statement: Value = artisan.get("/api/v1/money/statement").await.json().await.unwrap();
        assert_eq!(statement["paid_through_vendor"], true);
        assert_eq!(statement["owed_paise"].as_i64(), Some(0));
        assert_eq!(statement["lines"][0]["event"], "sale-completed", "{statement}");
        assert_eq!(statement["lines"][0]["made_by"], Value::Null, "its own sale");
        assert!(statement["lines"][0]["net_paise"].as_i64().unwrap() > 0);
    }

    async fn the_backfill_books_orders_from_before_the_books_once_and_in_order(app) {
        use odop::generate::{GenOptions, generate};
        let options = GenOptions { listings: 300, sellers: 30, seed: 7, orders: 1_500, buyers: 200, append: false };
        generate(&app.db, None, options, |_, _| {}).await.unwrap();
        assert!(odop_store::ledger::trial_balance(&app.db).await.unwrap().is_empty(), "generated orders come without books");
        let done = odop_store::backfill::books(&app.db, |_, _| {}).await.unwrap();
        assert!(done.invoices > 1_000 && done.sales > 1_000 && done.captures > 500, "{done:?}");
        assert!(done.returns > 0 && done.refunds > 0, "{done:?}");
        assert_eq!(done.unreadable, 0);

        // Balanced; every series gapless and rising with its dates; every
        // delivered part sold once, every shipped part invoiced once.
        let trial = books_balance(&app).await;
        assert!(account(&trial, "tcs-payable") < 0 && account(&trial, "seller-payable") < 0, "{trial:?}");
        let audit = odop_store::documents::audit_documents(&app.db).await.unwrap();
        assert_eq!((audit.series_with_gaps, audit.duplicates, audit.supply_totals_differing), (0, 0, 0), "{audit:?}");
        // The migration that brought the TCS report's running totals sums the
        // documents issued before it as issuing them does, in either dialect:
        // months in India, and the rate cut of 10 July 2024.
        let migration = match app.db.backend() {
            odop_store::Backend::Sqlite => include_str!("../../../odop-store/migrations/sqlite/20261208000014_supply_totals.sql"),
            odop_store::Backend::Postgres => include_str!("../../../odop-store/migrations/postgres/20261208000014_supply_totals.sql"),
        };
        let fill = &migration[migration.find("INSERT INTO supply_totals").unwrap()..];
        odop_store::test_support::execute(&app.db, "DELETE FROM supply_totals").await;
        odop_store::test_support::execute_owned(&app.db, fill.to_owned()).await;
        let refilled = odop_store::documents::audit_documents(&app.db).await.unwrap();
        assert_eq!(refilled.supply_totals_differing, 0, "{refilled:?}");
        assert_eq!(audit.documents as u64, done.invoices + done.returns);
        let out_of_order = odop_store::test_support::pairs(&app.db, "SELECT COUNT(*), CAST(0 AS BIGINT) FROM tax_documents a JOIN tax_documents b \
            ON a.supplier_user_id = b.supplier_user_id AND a.kind = b.kind AND a.financial_year = b.financial_year \
            AND a.sequence < b.sequence AND a.issued_at > b.issued_at".to_owned()).await;
        assert_eq!(out_of_order[0].0, 0, "serials rise with their dates");
        let unsold = odop_store::test_support::pairs(&app.db, "SELECT COUNT(*), CAST(0 AS BIGINT) FROM sub_orders s WHERE s.status IN \
            ('delivered', 'returned', 'return_refused', 'return_requested', 'return_approved') AND NOT EXISTS \
            (SELECT 1 FROM ledger_postings l WHERE l.sub_order_id = s.id AND l.event = 'sale-completed')".to_owned()).await;
        assert_eq!(unsold[0].0, 0);
        // Invoices carry the date the part shipped, two to three years back
        // for the oldest, and TCS is at the rate of their month: 1 % before
        // 10 July 2024, 0.5 % after.
        let oldest = odop_store::test_support::pairs(&app.db, "SELECT MIN(issued_at), MAX(issued_at) FROM tax_documents".to_owned()).await;
        let span_days = (oldest[0].1 - oldest[0].0) / 86_400_000;
        assert!(span_days > 700, "{span_days} days");
        for (month, per_ten_thousand) in [("2024-05", 100), ("2025-05", 50)] {
            let rows = odop_store::reports::tcs_month(&app.db, odop_domain::ledger::Month::parse(month).unwrap()).await.unwrap();
            let net: i64 = rows.iter().map(|row| row.net.0).sum();
            let tcs: i64 = rows.iter().map(|row| row.tcs.cgst.0 + row.tcs.sgst.0 + row.tcs.igst.0).sum();
            assert!(net > 0, "{month} had sales");
            assert!((tcs * 10_000 / net - per_ten_thousand).abs() <= 1, "{month}: {tcs} of {net}");
        }

        // A busy payee's statement comes a page at a time, over the site and the API.
        let busiest = odop_store::test_support::pairs(&app.db, "SELECT seller_user_id, COUNT(*) FROM ledger_entries \
            WHERE seller_user_id IS NOT NULL GROUP BY seller_user_id ORDER BY COUNT(*) DESC LIMIT 1".to_owned()).await;
        let (payee, postings) = busiest[0];
        assert!(postings > 100, "{postings}");
        let phone = odop_store::accounts::user(&app.db, odop_domain::UserId(payee)).await.unwrap().unwrap().phone.unwrap();
        let seller = app.quick_sign_in(&phone.to_string()).await;
        let (status, first) = seller.page("/sell/money").await;
        assert_eq!(status, 200);
        let older = first.split("href=\"/sell/money?before=").nth(1).map(|rest| rest.split('"').next().unwrap().to_owned());
        let before = older.unwrap_or_else(|| panic!("a link to older lines: {first}"));
        let (status, second) = seller.page(&format!("/sell/money?before={before}")).await;
        assert_eq!(status, 200);
        assert_ne!(first, second);
        assert_eq!(seller.page("/sell/money?before=junk").await.0, 200, "a stale cursor shows the newest lines");
        let api: Value = seller.get("/api/v1/money/statement").await.json().await.unwrap();
        let lines = api["lines"].as_array().unwrap().len() as i64;
        assert_eq!(lines, postings.min(1_000));
        assert_eq!(api["next_before"].is_null(), postings <= 1_000);
        assert_eq!(seller.get("/api/v1/money/statement?before=0").await.status(), 400);
        let page: Value = seller.get(&format!("/api/v1/money/statement?before={before}")).await.json().await.unwrap();
        assert!(page["lines"].as_array().unwrap().iter().all(|line| line["posting_id"].as_i64().unwrap() < before.parse::<i64>().unwrap()));

        // A second run finds nothing to do.
        let again = odop_store::backfill::books(&app.db, |_, _| {}).await.unwrap();
        assert_eq!(again, odop_store::backfill::Backfilled::default());
        assert_eq!(books_balance(&app).await, trial);
    }
}
