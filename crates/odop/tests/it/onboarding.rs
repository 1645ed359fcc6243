//! Seller onboarding from both sides: an artisan or vendor applies, a
//! district officer decides, and every object is reachable only by those
//! who may reach it.

use odop_domain::identity::gstin_check_character;
use odop_store::accounts::StaffRole;
use reqwest::multipart::{Form, Part};

use crate::support::on_both_backends;
use crate::support::people::{Person, location};

const VENDOR: &str = "9811100001";
const ARTISAN: &str = "9811100002";
const STRANGER: &str = "9811100003";
const LUCKNOW_OFFICER: &str = "9811100010";
const VARANASI_OFFICER: &str = "9811100011";
const ADMIN: &str = "9811100012";
const PASSWORD: &str = "a long staff password";

const PDF: &[u8] = b"%PDF-1.4\n% a test document\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn gstin_for(pan: &str) -> String {
    let first14 = format!("09{pan}1Z");
    let check = gstin_check_character(first14.as_bytes()).unwrap() as char;
    format!("{first14}{check}")
}

fn slug(s: &str) -> odop_domain::Slug {
    odop_domain::Slug::parse(s).unwrap()
}

/// A complete vendor application from Lucknow, with `changes` applied.
fn fields(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let gstin = gstin_for("ABCPJ1234K");
    let mut fields: Vec<(String, String)> = [
        ("display_name", "Noor Chikan House"),
        ("legal_name", "Noor Jahan"),
        ("district", "lucknow"),
        ("craft", "chikankari"),
        ("bio_en", "Third-generation chikan embroiderer from Chowk."),
        ("bio_hi", "चौक की तीसरी पीढ़ी की चिकन कारीगर।"),
        ("address_line1", "12 Chowk"),
        ("city", "Lucknow"),
        ("pin", "226003"),
        ("account_holder", "Noor Jahan"),
        ("account_number", "123456789012"),
        ("ifsc", "SBIN0001234"),
        ("pan", "ABCPJ1234K"),
        ("seller_kind", "vendor"),
        ("gstin", &gstin),
        ("consent", "yes"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (key, value) in changes {
        fields.retain(|(k, _)| k != key);
        if !value.is_empty() {
            fields.push((key.to_string(), value.to_string()));
        }
    }
    fields
}

const ALL_DOCUMENTS: &[(&str, &[u8])] = &[("pan_card", PDF), ("bank_proof", PNG), ("gst_certificate", PDF)];

async fn apply(person: &Person, fields: Vec<(String, String)>, files: &[(&str, &[u8])]) -> reqwest::Response {
    let mut form = Form::new().text("_csrf", person.csrf().await);
    for (key, value) in fields {
        form = form.text(key, value);
    }
    for (name, bytes) in files {
        form = form.part(
            name.to_string(),
            Part::bytes(bytes.to_vec()).file_name(format!("{name}.bin")),
        );
    }
    person
        .client
        .post(person.url("/sell/apply"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn officers(app: &crate::support::TestApp) {
    app.create_staff(
        LUCKNOW_OFFICER,
        "Asha Verma",
        vec![StaffRole::DistrictOfficer(slug("lucknow"))],
        PASSWORD,
    )
    .await;
    app.create_staff(
        VARANASI_OFFICER,
        "Vikram Rai",
        vec![StaffRole::DistrictOfficer(slug("varanasi"))],
        PASSWORD,
    )
    .await;
    app.create_staff(ADMIN, "State ODOP Cell", vec![StaffRole::StateAdmin], PASSWORD)
        .await;
}

/// The id of the newest application, from the applicant's status page links.
async fn application_id(app: &crate::support::TestApp, phone: &str) -> i64 {
    let user = odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(phone).unwrap())
        .await
        .unwrap()
        .unwrap();
    odop_store::onboarding::latest_for(&app.db, user.id)
        .await
        .unwrap()
        .unwrap()
        .id
}

on_both_backends! {
    async fn a_vendor_applies_is_returned_corrects_and_is_approved(app) {
        officers(&app).await;
        let vendor = app.sign_in(VENDOR).await;
        let (status, html) = vendor.page("/sell/apply").await;
        assert_eq!(status, 200);
        assert!(html.contains("enctype=\"multipart/form-data\""));
        assert!(!html.contains("name=\"consent\" value=\"yes\" checked"), "consent is never pre-ticked");

        let response = apply(&vendor, fields(&[]), ALL_DOCUMENTS).await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let (_, html) = vendor.page("/sell/application").await;
        assert!(html.contains("Waiting for the district officer"));
        assert_eq!(vendor.get("/sell/apply").await.status(), 303, "one open application at a time");

        // The Lucknow officer finds it in the queue with its documents.
        let officer = app.staff_sign_in(LUCKNOW_OFFICER, PASSWORD).await;
        let (status, queue) = officer.page("/desk").await;
        assert_eq!(status, 200);
        assert!(queue.contains("Noor Chikan House"));
        let id = application_id(&app, VENDOR).await;
        let (status, detail) = officer.page(&format!("/desk/applications/{id}")).await;
        assert_eq!(status, 200);
        assert!(detail.contains("ABCPJ1234K") && detail.contains("123456789012"));
        assert_eq!(detail.matches("href=\"/documents/").count(), 3);

        // Returning needs a reason.
        let decision = format!("/desk/applications/{id}/decision");
        let response = officer.post(&decision, &[("action", "return"), ("reason", "")]).await;
        assert_eq!(response.status(), 400);
        let response = officer.post(&decision, &[("action", "return"), ("reason", "The PAN card copy is unreadable.")]).await;
        assert_eq!(response.status(), 303);
        let (_, html) = vendor.page("/sell/application").await;
        assert!(html.contains("Returned to you for correction"));
        assert!(html.contains("The PAN card copy is unreadable."));
        assert!(html.contains("Returned by Asha Verma"), "who decided is recorded");
        let sms = app.messages_to(VENDOR).await;
        assert!(sms[0].contains("needs a correction") && sms[0].contains("unreadable"), "{sms:?}");

        // Deciding twice is refused.
        let response = officer.post(&decision, &[("action", "approve")]).await;
        assert_eq!(response.status(), 409);

        // The vendor corrects: documents on file are kept, a new PAN copy added.
        let (_, form) = vendor.page("/sell/apply").await;
        assert!(form.contains("value=\"Noor Chikan House\""), "the form comes back filled in");
        let response = apply(&vendor, fields(&[("display_name", "Noor Chikan House, Chowk")]), &[("pan_card", PNG)]).await;
        assert_eq!(response.status(), 303);
        let response = officer.post(&decision, &[("action", "approve")]).await;
        assert_eq!(response.status(), 303);

        let (_, html) = vendor.page("/sell/application").await;
        assert!(html.contains("Verified"));
        let me: serde_json::Value = vendor.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["seller"]["kind"], "vendor");
        assert_eq!(me["seller"]["district"], "lucknow");
        assert!(app.messages_to(VENDOR).await[0].contains("approved"));
        let history = odop_store::onboarding::events(&app.db, odop_domain::ApplicationId(id)).await.unwrap();
        let actions: Vec<_> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["submitted", "returned", "resubmitted", "approved"]);
        assert_eq!(odop_store::onboarding::documents(&app.db, odop_domain::ApplicationId(id)).await.unwrap().len(), 4);
    }

    async fn an_enrolled_supplier_applies_with_its_enrolment_number_and_is_approved(app) {
        officers(&app).await;
        let seller = app.sign_in(VENDOR).await;
        let (_, form) = seller.page("/sell/apply").await;
        assert!(form.contains("value=\"enrolled\""), "the form offers the enrolled supplier's way");
        // An enrolment number with another PAN is refused, with the reason.
        let wrong = fields(&[("seller_kind", "enrolled"), ("gstin", ""), ("enrolment", "09ABCPJ9999K1E5")]);
        let response = apply(&seller, wrong, &[("pan_card", PDF), ("bank_proof", PNG)]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("not the PAN you entered"));
        // No GST certificate is asked of a seller without GST.
        let right = fields(&[("seller_kind", "enrolled"), ("gstin", ""), ("enrolment", "09 abcpj1234k 1e5")]);
        let response = apply(&seller, right, &[("pan_card", PDF), ("bank_proof", PNG)]).await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let id = application_id(&app, VENDOR).await;
        let officer = app.staff_sign_in(LUCKNOW_OFFICER, PASSWORD).await;
        let (_, detail) = officer.page(&format!("/desk/applications/{id}")).await;
        assert!(detail.contains("09ABCPJ1234K1E5"), "the officer sees the enrolment number to check it");
        assert!(detail.contains("Enrolled supplier"));
        let response = officer
            .post(&format!("/desk/applications/{id}/decision"), &[("action", "approve")])
            .await;
        assert_eq!(response.status(), 303);
        let me: serde_json::Value = seller.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["seller"]["kind"], "enrolled");
        // It sells on its own: it cannot take artisans on.
        assert_eq!(seller.get("/vendor/sub-vendors").await.status(), 404);
    }

    async fn every_validation_rule_answers_400_with_its_message(app) {
        let person = app.sign_in(VENDOR).await;
        let good_gstin = gstin_for("ABCPJ1234K");
        let mut wrong_check = good_gstin.clone().into_bytes();
        wrong_check[14] = if wrong_check[14] == b'A' { b'B' } else { b'A' };
        let wrong_check = String::from_utf8(wrong_check).unwrap();
        let delhi = format!("07{}", &good_gstin[2..14]);
        let delhi = format!("{delhi}{}", gstin_check_character(delhi.as_bytes()).unwrap() as char);
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![("gstin", wrong_check.as_str())], "typing mistake"),
            (vec![("gstin", delhi.as_str())], "not registered in Uttar Pradesh"),
            (vec![("gstin", "09ABCPJ1234K1Z")], "15 characters"),
            (vec![("pan", "ABCXJ1234K")], "5 letters, 4 digits"),
            (vec![("ifsc", "SBIN1001234")], "IFSC has 11 characters"),
            (vec![("pin", "110001")], "not in Uttar Pradesh"),
            (vec![("account_number", "12-34")], "9 to 18 digits"),
            (vec![("udyam", "UDYAM-DL-01-0000001")], "not from Uttar Pradesh"),
            (vec![("district", "atlantis")], "Choose your district"),
            (vec![("consent", "")], "tick the box"),
            (vec![("seller_kind", "sub-vendor"), ("vendor", "1")], "Choose the vendor that invited you"),
        ];
        for (changes, message) in cases {
            let response = apply(&person, fields(&changes), ALL_DOCUMENTS).await;
            assert_eq!(response.status(), 400, "{changes:?}");
            let html = response.text().await.unwrap();
            assert!(html.contains(message), "{changes:?} should say {message:?}");
            assert!(html.contains("choose them again"), "files are asked for again");
        }
        // Documents are checked from their bytes, and required ones must be there.
        let response = apply(&person, fields(&[]), &[("pan_card", b"<html>not a pdf</html>"), ("bank_proof", PNG), ("gst_certificate", PDF)]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("not a PDF, JPEG or PNG"));
        let response = apply(&person, fields(&[]), &[("pan_card", PDF), ("bank_proof", PNG)]).await;
        assert_eq!(response.status(), 400, "a vendor needs its GST certificate");
        assert!(response.text().await.unwrap().contains("Please attach this document"));
        let big = [PDF, &vec![0u8; 5 * 1024 * 1024]].concat();
        let response = apply(&person, fields(&[]), &[("pan_card", &big), ("bank_proof", PNG), ("gst_certificate", PDF)]).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("larger than 5 MB"));
        // Nothing was half-written.
        let user = odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(VENDOR).unwrap()).await.unwrap().unwrap();
        assert!(odop_store::onboarding::latest_for(&app.db, user.id).await.unwrap().is_none());
        // Without a token, nothing is read at all.
        let form = Form::new().text("display_name", "x");
        let response = person.client.post(person.url("/sell/apply")).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), 403);
    }

    async fn officers_reach_only_their_districts_and_applicants_only_their_own(app) {
        officers(&app).await;
        let vendor = app.sign_in(VENDOR).await;
        assert_eq!(apply(&vendor, fields(&[]), ALL_DOCUMENTS).await.status(), 303);
        let id = application_id(&app, VENDOR).await;
        let documents = odop_store::onboarding::documents(&app.db, odop_domain::ApplicationId(id)).await.unwrap();
        let document = format!("/documents/{}", documents[0].id);
        let detail = format!("/desk/applications/{id}");
        let decision = format!("{detail}/decision");

        let lucknow = app.staff_sign_in(LUCKNOW_OFFICER, PASSWORD).await;
        let varanasi = app.staff_sign_in(VARANASI_OFFICER, PASSWORD).await;
        let admin = app.staff_sign_in(ADMIN, PASSWORD).await;
        let stranger = app.sign_in(STRANGER).await;

        // Allowed: the applicant sees their document; the Lucknow officer and the state admin see everything.
        let response = vendor.get(&document).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert!(response.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
        assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);
        for officer in [&lucknow, &admin] {
            assert_eq!(officer.get(&document).await.status(), 200);
            assert_eq!(officer.get(&detail).await.status(), 200);
            assert!(officer.page("/desk").await.1.contains("Noor Chikan House"));
        }
        // Forbidden, and answered as if it did not exist.
        for (who, person) in [("Varanasi officer", &varanasi), ("stranger", &stranger)] {
            assert_eq!(person.get(&document).await.status(), 404, "{who}: document");
            assert_eq!(person.get(&detail).await.status(), 404, "{who}: application");
            assert_eq!(person.post(&decision, &[("action", "approve")]).await.status(), 404, "{who}: decision");
        }
        assert!(!varanasi.page("/desk").await.1.contains("Noor Chikan House"), "not in another district's queue");
        assert_eq!(stranger.get("/desk").await.status(), 404, "no desk for buyers");
        assert_eq!(vendor.get(&detail).await.status(), 404, "the desk is for officers, not applicants");
        assert_eq!(stranger.get("/documents/999999").await.status(), 404);
        assert_eq!(stranger.get("/documents/not-a-number").await.status(), 404);
        // Staff pages.
        assert_eq!(stranger.get("/admin/staff").await.status(), 404);
        assert_eq!(lucknow.get("/admin/staff").await.status(), 404);
        assert_eq!(admin.get("/admin/staff").await.status(), 200);
        // Still undecided: nobody forbidden changed anything.
        let (_, html) = vendor.page("/sell/application").await;
        assert!(html.contains("Waiting for the district officer"));
        // Staff cannot apply to sell with their staff account.
        assert_eq!(lucknow.get("/sell/apply").await.status(), 404);
    }

    async fn a_vendor_takes_on_an_artisan_who_later_leaves(app) {
        officers(&app).await;
        let vendor = app.sign_in(VENDOR).await;
        apply(&vendor, fields(&[]), ALL_DOCUMENTS).await;
        let officer = app.staff_sign_in(LUCKNOW_OFFICER, PASSWORD).await;
        let vendor_application = application_id(&app, VENDOR).await;
        officer.post(&format!("/desk/applications/{vendor_application}/decision"), &[("action", "approve")]).await;

        // Only a verified vendor has a sub-vendor page.
        let artisan = app.sign_in(ARTISAN).await;
        assert_eq!(artisan.get("/vendor/sub-vendors").await.status(), 404);
        let response = vendor.post("/vendor/sub-vendors", &[("phone", ARTISAN)]).await;
        assert_eq!(response.status(), 303);
        assert!(app.messages_to(ARTISAN).await[0].contains("Noor Chikan House"));
        let response = vendor.post("/vendor/sub-vendors", &[("phone", ARTISAN)]).await;
        assert_eq!(response.status(), 400, "invited once");
        let response = vendor.post("/vendor/sub-vendors", &[("phone", "123")]).await;
        assert_eq!(response.status(), 400);

        // The artisan sees the invitation and accepts it with a code.
        let (_, account) = artisan.page("/account").await;
        assert!(account.contains("invites you to sell through them"));
        let link = odop_store::vendors::of_vendor(&app.db, odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(VENDOR).unwrap()).await.unwrap().unwrap().id).await.unwrap()[0].id;
        // Someone else cannot accept an invitation addressed to the artisan.
        let stranger = app.sign_in(STRANGER).await;
        assert_eq!(stranger.post(&format!("/invitations/{link}/accept"), &[]).await.status(), 404);
        let response = artisan.post(&format!("/invitations/{link}/accept"), &[]).await;
        assert_eq!(location(&response), format!("/invitations/{link}/confirm"));
        let code = app.latest_code(ARTISAN).await;
        assert!(app.messages_to(ARTISAN).await[0].contains("accept the vendor"));
        let response = artisan.post(&format!("/invitations/{link}/confirm"), &[("code", "000000")]).await;
        assert_eq!(response.status(), 400);
        let response = artisan.post(&format!("/invitations/{link}/confirm"), &[("code", &code)]).await;
        assert_eq!(response.status(), 303);

        // Now the artisan applies as a sub-vendor, without GST.
        let vendor_id = odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(VENDOR).unwrap()).await.unwrap().unwrap().id.to_string();
        let (_, form) = artisan.page("/sell/apply").await;
        assert!(form.contains(&format!("<option value=\"{vendor_id}\"")), "the vendor is offered");
        let artisan_fields = fields(&[
            ("display_name", "Rukhsana Begum"),
            ("pan", "ABCPB5678L"),
            ("seller_kind", "sub-vendor"),
            ("gstin", ""),
            ("vendor", &vendor_id),
        ]);
        let response = apply(&artisan, artisan_fields, &[("pan_card", PDF), ("bank_proof", PNG)]).await;
        assert_eq!(response.status(), 303, "no GST certificate needed for a sub-vendor");
        let id = application_id(&app, ARTISAN).await;
        let (_, detail) = officer.page(&format!("/desk/applications/{id}")).await;
        assert!(detail.contains("Sub-vendor of Noor Chikan House"));
        officer.post(&format!("/desk/applications/{id}/decision"), &[("action", "approve")]).await;
        let me: serde_json::Value = artisan.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["seller"]["kind"], "sub-vendor");

        let (_, page) = vendor.page("/vendor/sub-vendors").await;
        assert!(page.contains("Rukhsana Begum") && page.contains("Sells through you"));

        // The artisan leaves: no longer selling until tied to a vendor again.
        let response = artisan.post(&format!("/vendor-ties/{link}/leave"), &[]).await;
        assert_eq!(response.status(), 303);
        let me: serde_json::Value = artisan.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["seller"], serde_json::Value::Null);
        assert_eq!(artisan.post(&format!("/vendor-ties/{link}/leave"), &[]).await.status(), 404, "only once");
    }

    async fn people_can_download_their_data_and_delete_their_account(app) {
        officers(&app).await;
        let vendor = app.sign_in(VENDOR).await;
        apply(&vendor, fields(&[]), ALL_DOCUMENTS).await;
        let response = vendor.get("/account/data").await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
        let data: serde_json::Value = response.json().await.unwrap();
        assert_eq!(data["account"]["phone"], "+919811100001");
        assert_eq!(data["seller_applications"][0]["pan"], "ABCPJ1234K");
        assert_eq!(data["seller_applications"][0]["documents"].as_array().unwrap().len(), 3);

        let id = application_id(&app, VENDOR).await;
        let documents = odop_store::onboarding::documents(&app.db, odop_domain::ApplicationId(id)).await.unwrap();
        let stored_file = app.files_dir().join(&documents[0].storage_key);
        assert!(stored_file.is_file());

        // Deleting needs the box ticked.
        assert_eq!(vendor.post("/account/delete", &[]).await.status(), 400);
        let response = vendor.post("/account/delete", &[("confirm", "yes")]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(vendor.get("/api/v1/me").await.status(), 401, "signed out everywhere");
        assert!(!stored_file.exists(), "documents are deleted");
        let phone = odop_domain::identity::Phone::parse(VENDOR).unwrap();
        assert!(odop_store::accounts::user_by_phone(&app.db, &phone).await.unwrap().is_none(), "the phone is gone");
        let record = odop_store::onboarding::get(&app.db, odop_domain::ApplicationId(id)).await.unwrap().unwrap();
        assert_eq!(record.pan, None);
        assert_eq!(record.account_number, None);
        assert!(record.erased_at.is_some());
        // The same phone can start afresh, as a new person.
        let again = app.sign_in(VENDOR).await;
        let (_, html) = again.page("/account").await;
        assert!(html.contains("Apply to sell"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_state_admin_creates_a_district_officer_on_a_page() {
    let app = crate::support::TestApp::spawn(crate::support::Backend::Sqlite)
        .await
        .unwrap();
    officers(&app).await;
    let admin = app.staff_sign_in(ADMIN, PASSWORD).await;
    let (status, page) = admin.page("/admin/staff").await;
    assert_eq!(status, 200);
    assert!(page.contains("Asha Verma") && page.contains("District officer (Lucknow)"));

    let response = admin
        .post(
            "/admin/staff",
            &[
                ("name", "Meera Singh"),
                ("phone", "9811100020"),
                ("role", "district_officer"),
                ("password", "another long password"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400, "an officer needs a district");
    assert!(response.text().await.unwrap().contains("at least one district"));
    let response = admin
        .post(
            "/admin/staff",
            &[
                ("name", "Meera Singh"),
                ("phone", "9811100020"),
                ("role", "district_officer"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);

    let response = admin
        .post(
            "/admin/staff",
            &[
                ("name", "Meera Singh"),
                ("phone", "9811100020"),
                ("role", "district_officer"),
                ("districts", "agra"),
                ("districts", "firozabad"),
                ("password", "another long password"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let meera = app.staff_sign_in("9811100020", "another long password").await;
    let (_, desk) = meera.page("/desk").await;
    assert!(desk.contains("Agra, Firozabad"), "{desk}");
    // Only the state admin may do this.
    let response = meera
        .post(
            "/admin/staff",
            &[
                ("name", "X Y"),
                ("phone", "9811100021"),
                ("role", "state_admin"),
                ("password", "another long password"),
            ],
        )
        .await;
    assert_eq!(response.status(), 404);
}
