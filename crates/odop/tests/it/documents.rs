//! Tax documents: the invoice issued when a part ships, the credit note
//! when it comes back, who may read them, and what the PDF says.

use chrono::Utc;
use odop_domain::invoice::{DocumentKind, FinancialYear, SerialNumber};
use odop_domain::{OrderId, SubOrderId};
use odop_store::accounts::StaffRole;
use odop_store::documents::{self, DocumentRow};
use odop_store::test_support::try_execute;
use serde_json::Value;

use crate::checkout::{BUYER, OTHER_BUYER, SELLER, deliver, kurta_on_sale, order_body, place_by_api, sandbox};
use crate::support::TestApp;
use crate::support::on_both_backends;
use crate::support::people::{Person, SellerSpec};

const ADMIN: &str = "9811100007";
const ADMIN_PASSWORD: &str = "correct horse battery staple";
const OFFICER: &str = "9811100008";
const OTHER_SELLER: &str = "9822200009";

/// Places and pays an order for one kurta, delivered to `state` at `pin`;
/// returns the order as the API answered it.
pub(crate) async fn paid_order(
    app: &TestApp,
    buyer: &Person,
    key: &str,
    variant: i64,
    state: &str,
    pin: &str,
) -> Value {
    paid_with_fee(app, buyer, key, variant, state, pin, 0).await
}

/// The same, through a gateway keeping `fee_bp` basis points (plus GST).
async fn paid_with_fee(
    app: &TestApp,
    buyer: &Person,
    key: &str,
    variant: i64,
    state: &str,
    pin: &str,
    fee_bp: u32,
) -> Value {
    let mut body = order_body(variant, 1, "online");
    body["address"]["state"] = state.into();
    body["address"]["pin"] = pin.into();
    let (status, order) = place_by_api(buyer, key, &body).await;
    assert_eq!(status, 201, "{order}");
    let gateway_order = order["payments"][0]["gateway_order_id"].as_str().unwrap().to_owned();
    let total = order["total_paise"].as_i64().unwrap();
    let event = sandbox()
        .with_fee_bp(fee_bp)
        .simulate(&gateway_order, total, "upi", odop_pay::SandboxOutcome::Success);
    assert_eq!(deliver(app, &event, &event.signature).await.status(), 200);
    order
}

async fn documents_of(app: &TestApp, order: &Value) -> Vec<DocumentRow> {
    documents::of_order(&app.db, OrderId(order["id"].as_i64().unwrap()))
        .await
        .unwrap()
}

fn serial(kind: DocumentKind, sequence: u32) -> String {
    let year = FinancialYear::of(odop_domain::quiz::ist_day(Utc::now()));
    SerialNumber::new(kind, year, sequence).unwrap().to_string()
}

/// The text of a PDF as `pdftotext` reads it (poppler-utils, installed by
/// `.ci/run`).
async fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = tokio::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .await
        .expect("pdftotext runs (apt install poppler-utils)");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

on_both_backends! {
    async fn a_shipped_part_is_invoiced_and_a_returned_one_credited_and_only_their_parties_read_them(app) {
        let variant = kurta_on_sale(&app, 5).await;
        let buyer = app.quick_sign_in(BUYER).await;
        let order = paid_order(&app, &buyer, "invoice-key-0001-abcdef", variant, "09", "226001").await;
        let part = order["sub_orders"][0]["id"].as_i64().unwrap();
        let part_path = format!("/sell/orders/{part}");
        let seller = app.quick_sign_in(SELLER).await;
        assert_eq!(seller.post(&part_path, &[("action", "accept")]).await.status(), 303);
        assert!(documents_of(&app, &order).await.is_empty(), "nothing is supplied before it ships");
        let shipped = seller.post(&part_path, &[("action", "ship"), ("courier", "India Post"), ("tracking", "EE123456789IN")]).await;
        assert_eq!(shipped.status(), 303);

        // One tax invoice, first of the seller's series this year, adding up to what the buyer paid.
        let issued = documents_of(&app, &order).await;
        assert_eq!(issued.len(), 1, "{issued:?}");
        let invoice = &issued[0];
        assert_eq!(invoice.kind(), DocumentKind::TaxInvoice);
        assert_eq!(invoice.serial, serial(DocumentKind::TaxInvoice, 1));
        let sub_order = odop_store::orders::sub_order(&app.db, SubOrderId(part)).await.unwrap().unwrap();
        assert_eq!(invoice.total_paise, sub_order.total_paise);
        assert_eq!(invoice.supplier_gstin, sub_order.supplier_gstin);
        assert!(invoice.supplier_gstin.is_some(), "a vendor invoices under its GSTIN");
        assert_eq!((invoice.supplier_state_code.as_str(), invoice.place_of_supply_code.as_str()), ("09", "09"));
        assert_eq!(invoice.igst_paise, 0, "within UP: CGST and SGST");
        assert_eq!(invoice.cgst_paise + invoice.sgst_paise + invoice.taxable_paise, invoice.total_paise);
        let (_, lines) = documents::document(&app.db, invoice.id).await.unwrap().unwrap();
        assert_eq!(lines.iter().map(|l| l.amount_paise).sum::<i64>(), invoice.total_paise);
        assert_eq!(lines[0].hsn, "6211", "{lines:?}");
        assert_eq!(lines[0].cgst_paise + lines[0].sgst_paise, odop_store::orders::order(&app.db, OrderId(order["id"].as_i64().unwrap())).await.unwrap().unwrap().items[0].tax_paise, "the item's tax as checkout charged it");
        if sub_order.delivery_paise > 0 {
            let delivery = lines.last().unwrap();
            assert!(delivery.is_delivery() && delivery.amount_paise == sub_order.delivery_paise, "{lines:?}");
            assert_eq!(delivery.rate_bp, lines[0].rate_bp, "delivery at the principal item's rate");
        }

        // Shown and downloadable by the buyer, in English and in Hindi.
        let page_path = format!("/tax-documents/{}", invoice.id);
        let pdf_path = format!("{page_path}/pdf");
        let (status, page) = buyer.page(&format!("/orders/{}", order["id"])).await;
        assert_eq!(status, 200);
        assert!(page.contains(&page_path) && page.contains(&pdf_path), "the order page links its invoice: {page}");
        let (status, page) = buyer.page(&page_path).await;
        assert_eq!(status, 200);
        assert!(page.contains("Tax invoice") && page.contains(&invoice.serial) && page.contains("Place of supply: Uttar Pradesh (09)"), "{page}");
        assert!(page.contains("Delivery charges") || sub_order.delivery_paise == 0);
        let response = buyer.get(&pdf_path).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.contains(&invoice.serial.replace('/', "-")), "{disposition}");
        let text = pdf_text(&response.bytes().await.unwrap()).await;
        assert!(text.contains("Tax invoice") && text.contains(&invoice.serial), "{text}");
        assert!(text.contains(&invoice.supplier_name) && text.contains("₹"), "{text}");
        assert!(text.contains("Rupees") && text.contains("Only"), "the amount in words: {text}");
        buyer.get("/lang/hi?next=%2F").await;
        let (_, page) = buyer.page(&page_path).await;
        assert!(page.contains("कर बीजक") && page.contains("आपूर्ति का स्थान: उत्तर प्रदेश (09)"), "{page}");
        let text = pdf_text(&buyer.get(&pdf_path).await.bytes().await.unwrap()).await;
        for words in ["कर बीजक", "आपूर्तिकर्ता", "प्राप्तकर्ता", "शब्दों में राशि", "रुपये", "मात्र"] {
            assert!(text.contains(words), "{words} in the Hindi PDF: {text}");
        }

        // The seller reads it from the desk; strangers, other sellers, district officers and visitors do not.
        let (_, desk) = seller.page(&part_path).await;
        assert!(desk.contains(&page_path), "{desk}");
        assert_eq!(seller.get(&pdf_path).await.status(), 200);
        let stranger = app.quick_sign_in(OTHER_BUYER).await;
        app.verified_seller(SellerSpec { phone: OTHER_SELLER, name: "Banaras Looms", district: "varanasi", craft: "banarasi-silk", vendor: None }).await;
        let other_seller = app.quick_sign_in(OTHER_SELLER).await;
        app.create_staff(OFFICER, "Ravi Officer", vec![StaffRole::DistrictOfficer(odop_domain::Slug::parse("lucknow").unwrap())], ADMIN_PASSWORD).await;
        let officer = app.staff_sign_in(OFFICER, ADMIN_PASSWORD).await;
        for (who, person) in [("another buyer", &stranger), ("another seller", &other_seller), ("the district officer", &officer)] {
            assert_eq!(person.get(&page_path).await.status(), 404, "{who}");
            assert_eq!(person.get(&pdf_path).await.status(), 404, "{who}");
        }
        let visitor = app.visitor("9800000001");
        let response = visitor.get(&pdf_path).await;
        assert!(response.status().is_redirection() || response.status() == 401, "a visitor must sign in: {}", response.status());
        assert_eq!(buyer.get("/tax-documents/999999/pdf").await.status(), 404, "unknown is the same 404");
        assert_eq!(buyer.get("/tax-documents/-1").await.status(), 404);
        assert_eq!(buyer.get("/tax-documents/abc").await.status(), 404);
        app.create_staff(ADMIN, "Meera Admin", vec![StaffRole::StateAdmin], ADMIN_PASSWORD).await;
        let admin = app.staff_sign_in(ADMIN, ADMIN_PASSWORD).await;
        assert_eq!(admin.get(&pdf_path).await.status(), 200, "state admins answer for the filings");

        // The same document for programs, to the same readers.
        let api_path = format!("/api/v1/tax-documents/{}", invoice.id);
        let response = buyer.get(&api_path).await;
        assert_eq!(response.status(), 200);
        let json: Value = response.json().await.unwrap();
        assert_eq!((json["serial"].as_str(), json["kind"].as_str()), (Some(invoice.serial.as_str()), Some("tax-invoice")));
        assert_eq!(json["total_paise"].as_i64(), Some(invoice.total_paise));
        assert_eq!(json["lines"][0]["hsn"], "6211");
        assert_eq!(json["pdf_url"], pdf_path.as_str());
        assert_eq!(stranger.get(&api_path).await.status(), 404);
        assert_eq!(officer.get(&api_path).await.status(), 404);
        let json: Value = buyer.get(&format!("/api/v1/orders/{}", order["id"])).await.json().await.unwrap();
        assert_eq!(json["sub_orders"][0]["tax_documents"], serde_json::json!([invoice.id]), "{json}");
        let json: Value = seller.get("/api/v1/seller/orders").await.json().await.unwrap();
        assert!(json.to_string().contains(&format!("\"tax_documents\":[{}]", invoice.id)), "{json}");

        // Issued documents are never changed.
        assert!(try_execute(&app.db, "UPDATE tax_documents SET total_paise = 1").await.is_err());
        assert!(try_execute(&app.db, "DELETE FROM tax_document_lines").await.is_err());

        // Returned as damaged: a credit note for everything, delivery included, against the invoice.
        assert_eq!(seller.post(&part_path, &[("action", "deliver")]).await.status(), 303);
        let return_path = format!("/orders/{}/parts/{part}/return", order["id"]);
        assert_eq!(buyer.post(&return_path, &[("reason", "damaged")]).await.status(), 303);
        assert_eq!(seller.post(&part_path, &[("action", "approve-return")]).await.status(), 303);
        assert_eq!(seller.post(&part_path, &[("action", "receive-return")]).await.status(), 303);
        let issued = documents_of(&app, &order).await;
        assert_eq!(issued.len(), 2);
        let credit = &issued[1];
        assert_eq!(credit.kind(), DocumentKind::CreditNote);
        assert_eq!(credit.serial, serial(DocumentKind::CreditNote, 1), "credit notes have their own series");
        assert_eq!((credit.refers_to, credit.refers_to_serial.as_deref()), (Some(invoice.id), Some(invoice.serial.as_str())));
        assert_eq!(credit.total_paise, invoice.total_paise);
        let (_, page) = buyer.page(&format!("/tax-documents/{}", credit.id)).await;
        assert!(page.contains("क्रेडिट नोट") && page.contains(&invoice.serial), "{page}");
        assert_eq!(stranger.get(&format!("/tax-documents/{}/pdf", credit.id)).await.status(), 404);

        // The next shipment, to Maharashtra: the next number, all IGST.
        let second = paid_order(&app, &buyer, "invoice-key-0002-abcdef", variant, "27", "411001").await;
        let second_part = second["sub_orders"][0]["id"].as_i64().unwrap();
        let second_path = format!("/sell/orders/{second_part}");
        assert_eq!(seller.post(&second_path, &[("action", "accept")]).await.status(), 303);
        assert_eq!(seller.post(&second_path, &[("action", "ship"), ("courier", "DTDC"), ("tracking", "D1234-5678")]).await.status(), 303);
        let issued = documents_of(&app, &second).await;
        assert_eq!(issued[0].serial, serial(DocumentKind::TaxInvoice, 2));
        assert_eq!((issued[0].cgst_paise, issued[0].sgst_paise), (0, 0));
        assert!(issued[0].igst_paise > 0);
        assert_eq!(issued[0].place_of_supply_code, "27");

        // The month's reports read the documents: TCS per GSTIN (GSTR-8) and the seller's register.
        let month = odop_domain::ledger::Month::of(odop_domain::quiz::ist_day(Utc::now()));
        let tcs = odop_store::reports::tcs_month(&app.db, month).await.unwrap();
        let audit = odop_store::documents::audit_documents(&app.db).await.unwrap();
        assert_eq!(audit.supply_totals_differing, 0, "the report's running totals are the documents' sums: {audit:?}");
        assert_eq!(tcs.len(), 1, "{tcs:?}");
        let row = &tcs[0];
        assert_eq!(Some(&row.gstin), invoice.supplier_gstin.as_ref());
        assert_eq!(row.gross.0, invoice.taxable_paise + issued[0].taxable_paise);
        assert_eq!(row.returned.0, credit.taxable_paise);
        assert_eq!(row.net.0, issued[0].taxable_paise, "the Lucknow sale came back whole");
        assert_eq!((row.tcs.cgst.0, row.tcs.sgst.0), (0, 0));
        assert_eq!(row.tcs.igst.0, (issued[0].taxable_paise * 50 + 5_000) / 10_000, "0.5 % integrated on the Pune sale");
        let (status, page) = admin.page("/admin/reports/tcs").await;
        assert_eq!(status, 200);
        assert!(page.contains(&row.gstin), "{page}");
        let csv = admin.get(&format!("/admin/reports/tcs.csv?month={month}")).await.text().await.unwrap();
        assert!(csv.starts_with("gstin_of_supplier,gross_value_of_supplies,value_of_supplies_returned,net_amount_liable_for_tcs,integrated_tax,central_tax,state_ut_tax"), "{csv}");
        assert!(csv.contains(&format!("{},{}", row.gstin, row.gross.to_decimal())), "{csv}");
        assert_eq!(admin.get("/admin/reports/tcs?month=2026-13").await.status(), 422);
        assert_eq!(seller.get("/admin/reports/tcs").await.status(), 404, "sellers do not see others' figures");
        let (status, page) = seller.page("/sell/money/register").await;
        assert_eq!(status, 200);
        assert!(page.contains("27 Maharashtra") && page.contains("6211"), "{page}");
        let csv = seller.get(&format!("/sell/money/register.csv?month={month}")).await.text().await.unwrap();
        assert!(csv.contains("b2c,27,") && csv.contains("hsn,6211,"), "{csv}");
        assert_eq!(stranger.get("/sell/money/register").await.status(), 404);
        let register = odop_store::reports::sales_register(&app.db, odop_domain::UserId(invoice.supplier_user_id), month).await.unwrap();
        let lucknow = register.by_place.iter().find(|line| line.key == "09").unwrap();
        assert_eq!((lucknow.taxable.0, lucknow.quantity), (0, 0), "invoiced and credited in the month: nothing left");
    }
}

/// The books sum to zero whatever happened, and the clearing account holds
/// what came in less what went back.
pub(crate) async fn books_balance(app: &TestApp) -> Vec<(String, i64)> {
    let trial = odop_store::ledger::trial_balance(&app.db).await.unwrap();
    assert_eq!(trial.iter().map(|(_, amount)| amount).sum::<i64>(), 0, "{trial:?}");
    trial
}

pub(crate) fn account(trial: &[(String, i64)], name: &str) -> i64 {
    trial
        .iter()
        .find(|(account, _)| account == name)
        .map(|(_, amount)| *amount)
        .unwrap_or(0)
}

on_both_backends! {
    async fn every_payment_sale_return_and_refund_is_booked_and_the_books_balance(app) {
        let variant = kurta_on_sale(&app, 9).await;
        let seller_id = odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(SELLER).unwrap()).await.unwrap().unwrap().id;
        // The operator takes 5 % on chikankari from the start of the year.
        odop_store::test_support::execute(&app.db, "INSERT INTO commission_rules (craft, effective_from, rate_bp, created_at) VALUES ('chikankari', '2020-01-01', 500, 0)").await;
        let buyer = app.quick_sign_in(BUYER).await;
        let seller = app.quick_sign_in(SELLER).await;

        // Paid: the money is the buyer's advance until delivery.
        let order = paid_order(&app, &buyer, "ledger-key-0001-abcdef", variant, "27", "411001").await;
        let total = order["total_paise"].as_i64().unwrap();
        let trial = books_balance(&app).await;
        assert_eq!((account(&trial, "gateway-clearing"), account(&trial, "buyer-advances")), (total, -total));
        assert_eq!(seller.page("/sell/money").await.0, 200);

        // Delivered: the seller's share less 5 % commission, 18 % GST on it and 0.5 % TCS of the value before tax.
        let part = order["sub_orders"][0]["id"].as_i64().unwrap();
        let part_path = format!("/sell/orders/{part}");
        for action in ["accept", "pack"] {
            assert_eq!(seller.post(&part_path, &[("action", action)]).await.status(), 303);
        }
        assert_eq!(seller.post(&part_path, &[("action", "ship"), ("courier", "DTDC"), ("tracking", "D1234-5678")]).await.status(), 303);
        assert_eq!(seller.post(&part_path, &[("action", "deliver")]).await.status(), 303);
        let invoice = &documents_of(&app, &order).await[0];
        let commission = (total * 500 + 5_000) / 10_000;
        let gst = (commission * 1_800 + 5_000) / 10_000;
        let tcs = (invoice.taxable_paise * 50 + 5_000) / 10_000;
        let net = total - commission - gst - tcs;
        let trial = books_balance(&app).await;
        assert_eq!(account(&trial, "buyer-advances"), 0, "nothing is the buyer's any more");
        assert_eq!(account(&trial, "commission"), -commission);
        assert_eq!(account(&trial, "gst-on-commission"), -gst);
        assert_eq!(account(&trial, "tcs-payable"), -tcs);
        let balance = odop_store::ledger::balance(&app.db, seller_id, Utc::now()).await.unwrap();
        assert_eq!(balance.owed.0, net);
        assert_eq!(balance.payable_now.0, 0, "not before the buyer's time to return it has passed");
        let later = odop_store::ledger::balance(&app.db, seller_id, Utc::now() + chrono::Duration::days(8)).await.unwrap();
        assert_eq!(later.payable_now.0, net);
        let (_, page) = seller.page("/sell/money").await;
        assert!(page.contains("Sale delivered") && page.contains(&odop_domain::money::Money(net).to_string()), "{page}");
        let csv = seller.get("/sell/money.csv").await.text().await.unwrap();
        assert!(csv.starts_with("date_ist,event,order") && csv.contains("sale-completed") && csv.contains(&odop_domain::money::Money(net).to_decimal()), "{csv}");
        let response = seller.get("/sell/money.pdf").await;
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let text = pdf_text(&response.bytes().await.unwrap()).await;
        assert!(text.contains("Sale delivered") && text.contains(&odop_domain::money::Money(net).to_string()), "{text}");

        // Returned for a change of mind: the goods' price goes back, the seller keeps the delivery charge's share.
        let return_path = format!("/orders/{}/parts/{part}/return", order["id"]);
        assert_eq!(buyer.post(&return_path, &[("reason", "changed-mind")]).await.status(), 303);
        assert_eq!(seller.post(&part_path, &[("action", "approve-return")]).await.status(), 303);
        assert_eq!(seller.post(&part_path, &[("action", "receive-return")]).await.status(), 303);
        let credit = &documents_of(&app, &order).await[1];
        let refund = credit.total_paise;
        let view = odop_store::orders::order(&app.db, OrderId(order["id"].as_i64().unwrap())).await.unwrap().unwrap();
        assert_eq!(view.refunds[0].amount_paise, refund, "the refund and the credit note agree");
        let trial = books_balance(&app).await;
        assert_eq!(account(&trial, "gateway-clearing"), total - refund, "received less given back");
        let (_, page) = seller.page("/sell/money").await;
        assert!(page.contains("Return"), "{page}");

        // Cancelled after payment, before shipping: the whole advance goes back.
        let second = paid_order(&app, &buyer, "ledger-key-0002-abcdef", variant, "09", "226001").await;
        let second_total = second["total_paise"].as_i64().unwrap();
        let second_part = second["sub_orders"][0]["id"].as_i64().unwrap();
        assert_eq!(seller.post(&format!("/sell/orders/{second_part}"), &[("action", "reject"), ("reason", "Out of thread")]).await.status(), 303);
        let trial = books_balance(&app).await;
        assert_eq!(account(&trial, "buyer-advances"), 0);
        assert_eq!(account(&trial, "gateway-clearing"), total - refund, "the second payment came in and went back");
        assert!(second_total > 0);

        // Postings are never changed.
        assert!(try_execute(&app.db, "UPDATE ledger_entries SET amount_paise = 0").await.is_err());
        assert!(try_execute(&app.db, "DELETE FROM ledger_postings").await.is_err());

        // Nobody else sees a seller's money.
        assert_eq!(buyer.get("/sell/money").await.status(), 404);
        assert_eq!(buyer.get("/sell/money.csv").await.status(), 404);
        assert_eq!(buyer.get("/sell/money.pdf").await.status(), 404);
    }
}

/// Moves a paid order's only part to delivered at `at`.
pub(crate) async fn delivered_at(app: &TestApp, order: &Value, at: chrono::DateTime<Utc>) -> SubOrderId {
    use odop_domain::orders::{OrderEvent, Party};
    let part = SubOrderId(order["sub_orders"][0]["id"].as_i64().unwrap());
    let ship = OrderEvent::Ship {
        courier: "DTDC".into(),
        tracking: "D1234-5678".into(),
    };
    for event in [OrderEvent::Accept, ship, OrderEvent::Deliver] {
        odop_store::orders::transition(
            &app.db,
            part,
            &event,
            Party::Seller,
            None,
            &crate::checkout::PlainNotices,
            at,
        )
        .await
        .unwrap();
    }
    part
}

on_both_backends! {
    async fn a_payout_batch_pays_what_is_past_its_return_period_and_a_failed_line_is_owed_again(app) {
        let variant = kurta_on_sale(&app, 9).await;
        let seller_id = odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(SELLER).unwrap()).await.unwrap().unwrap().id;
        let buyer = app.quick_sign_in(BUYER).await;
        let long_ago = Utc::now() - chrono::Duration::days(10);
        // Delivered ten days ago: payable. Delivered now: not yet. Delivered and returned: nothing.
        let old = paid_order(&app, &buyer, "payout-key-0001-abcdef", variant, "09", "226001").await;
        delivered_at(&app, &old, long_ago).await;
        let old_net = odop_store::ledger::balance(&app.db, seller_id, Utc::now()).await.unwrap().owed.0;
        let fresh = paid_order(&app, &buyer, "payout-key-0002-abcdef", variant, "09", "226001").await;
        delivered_at(&app, &fresh, Utc::now()).await;
        let returned = paid_order(&app, &buyer, "payout-key-0003-abcdef", variant, "09", "226001").await;
        let returned_part = delivered_at(&app, &returned, long_ago).await;
        {
            use odop_domain::orders::{OrderEvent, Party, ReturnReason};
            let at = long_ago + chrono::Duration::days(1);
            let ask = OrderEvent::RequestReturn { reason: ReturnReason::Damaged, note: String::new() };
            for (event, party) in [(ask, Party::Buyer), (OrderEvent::ApproveReturn, Party::Seller), (OrderEvent::ReceiveReturn, Party::Seller)] {
                odop_store::orders::transition(&app.db, returned_part, &event, party, None, &crate::checkout::PlainNotices, at).await.unwrap();
            }
        }
        let owed = odop_store::ledger::balance(&app.db, seller_id, Utc::now()).await.unwrap();
        assert_eq!(owed.payable_now.0, old_net, "only the old sale is payable; the returned one is not");
        assert!(owed.owed.0 > old_net);

        // Only state admins make payouts.
        let seller = app.quick_sign_in(SELLER).await;
        for person in [&buyer, &seller] {
            assert_eq!(person.get("/admin/payouts").await.status(), 404);
            assert_eq!(person.post("/admin/payouts", &[("up_to", "2026-01-01")]).await.status(), 404);
        }
        app.create_staff(ADMIN, "Meera Admin", vec![StaffRole::StateAdmin], ADMIN_PASSWORD).await;
        let admin = app.staff_sign_in(ADMIN, ADMIN_PASSWORD).await;
        assert_eq!(admin.page("/admin/payouts").await.0, 200);
        assert_eq!(admin.post("/admin/payouts", &[("up_to", "not a day")]).await.status(), 422);
        let tomorrow = (odop_domain::quiz::ist_day(Utc::now()) + chrono::Duration::days(1)).to_string();
        assert_eq!(admin.post("/admin/payouts", &[("up_to", &tomorrow)]).await.status(), 422, "not a day to come");

        let today = odop_domain::quiz::ist_day(Utc::now()).to_string();
        let made = admin.post("/admin/payouts", &[("up_to", &today)]).await;
        assert_eq!(made.status(), 303);
        let batch_path = crate::support::people::location(&made);
        assert!(batch_path.starts_with("/admin/payouts/"), "{batch_path}");
        let batch: i64 = batch_path.trim_start_matches("/admin/payouts/").parse().unwrap();
        let (_, lines) = odop_store::payouts::batch(&app.db, batch).await.unwrap().unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!((lines[0].seller_user_id, lines[0].amount_paise), (seller_id.0, old_net));
        let csv = admin.get(&format!("{batch_path}/bank.csv")).await.text().await.unwrap();
        assert!(csv.starts_with("beneficiary_name,account_number,ifsc,amount_inr,reference"), "{csv}");
        assert!(csv.contains("123456789012,SBIN0001234") && csv.contains(&odop_domain::money::Money(old_net).to_decimal()), "{csv}");
        let after = odop_store::ledger::balance(&app.db, seller_id, Utc::now()).await.unwrap();
        assert_eq!(after.payable_now.0, 0, "what is in a batch is not payable twice");
        assert_eq!(admin.post("/admin/payouts", &[("up_to", &today)]).await.status(), 303);
        assert_eq!(odop_store::payouts::batches(&app.db, 10).await.unwrap().len(), 1, "nothing more to pay: no second batch");

        // The bank's answers come after the batch is sent.
        let line_path = format!("/admin/payouts/lines/{}", lines[0].id);
        let batch_field = batch.to_string();
        admin.post(&line_path, &[("outcome", "paid"), ("batch", &batch_field)]).await;
        assert_eq!(odop_store::payouts::batch(&app.db, batch).await.unwrap().unwrap().1[0].status, "pending", "not before it is sent");
        assert_eq!(admin.post(&format!("{batch_path}/sent"), &[]).await.status(), 303);
        assert_eq!(admin.post(&line_path, &[("outcome", "failed"), ("reason", ""), ("batch", &batch_field)]).await.status(), 422, "a failure needs its reason");
        assert_eq!(admin.post(&line_path, &[("outcome", "failed"), ("reason", "Account closed"), ("batch", &batch_field)]).await.status(), 303);
        let told = crate::checkout::messages_to(&app, SELLER, "payout").await;
        assert!(told.iter().any(|m| m.contains("could not pay")), "{told:?}");
        let back = odop_store::ledger::balance(&app.db, seller_id, Utc::now()).await.unwrap();
        assert_eq!(back.payable_now.0, old_net, "a failed line is owed again");
        assert_eq!(admin.post(&line_path, &[("outcome", "paid"), ("batch", &batch_field)]).await.status(), 303);
        assert_eq!(odop_store::payouts::batch(&app.db, batch).await.unwrap().unwrap().1[0].status, "failed", "answered once");

        // The next batch takes it again; two made at once never take it twice.
        let now = Utc::now();
        let (first, second) = tokio::join!(
            odop_store::payouts::create_batch(&app.db, seller_id, now, now),
            odop_store::payouts::create_batch(&app.db, seller_id, now, now)
        );
        let made: Vec<i64> = [first.unwrap(), second.unwrap()].into_iter().flatten().collect();
        assert_eq!(made.len(), 1, "{made:?}");
        let (_, lines) = odop_store::payouts::batch(&app.db, made[0]).await.unwrap().unwrap();
        assert_eq!(lines[0].amount_paise, old_net);
        assert!(odop_store::payouts::mark_sent(&app.db, made[0], seller_id, now).await.unwrap());
        let sms = |notice: &odop_store::payouts::PayoutNotice| odop_store::outbox::NewMessage {
            channel: odop_store::outbox::Channel::Sms,
            recipient: notice.recipient.clone(),
            body: format!("paid {}", notice.amount),
            sensitive: false,
            kind: "payout",
        };
        assert!(odop_store::payouts::decide_line(&app.db, lines[0].id, seller_id, true, None, &sms, now).await.unwrap());
        let trial = books_balance(&app).await;
        let paid_out = old_net;
        let final_balance = odop_store::ledger::balance(&app.db, seller_id, Utc::now()).await.unwrap();
        assert_eq!(final_balance.payable_now.0, 0);
        assert_eq!(final_balance.owed.0, owed.owed.0 - paid_out, "the fresh sale is still owed");
        assert!(account(&trial, "gateway-clearing") > 0);
        let (_, page) = seller.page("/sell/money").await;
        assert!(page.contains("Payout failed, owed again") && page.contains("Payout"), "{page}");
    }
}

on_both_backends! {
    async fn the_gateways_fee_is_the_operators_expense_and_the_seller_is_paid_in_full(app) {
        let variant = kurta_on_sale(&app, 3).await;
        let seller_id = odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(SELLER).unwrap()).await.unwrap().unwrap().id;
        let buyer = app.quick_sign_in(BUYER).await;
        let order = paid_with_fee(&app, &buyer, "fee-key-0001-abcdef", variant, "09", "226001", 200).await;
        let total = order["total_paise"].as_i64().unwrap();
        let (fee, _) = sandbox().with_fee_bp(200).fee_of(total);
        assert!(fee > 0);
        let trial = books_balance(&app).await;
        assert_eq!(account(&trial, "gateway-fees"), fee);
        assert_eq!(account(&trial, "gateway-clearing"), total - fee);
        assert_eq!(account(&trial, "buyer-advances"), -total);
        delivered_at(&app, &order, Utc::now()).await;
        let invoice = &documents_of(&app, &order).await[0];
        let tcs = (invoice.taxable_paise * 50 + 5_000) / 10_000;
        let owed = odop_store::ledger::balance(&app.db, seller_id, Utc::now()).await.unwrap().owed.0;
        assert_eq!(owed, total - tcs, "the fee is not the seller's to bear");
    }
}
