//! Polls and admins' quiz questions: a state admin writes, schedules,
//! changes (until opening), closes and reads them; the public answers once
//! per device and per account, sees the shares as bars, and is led to the
//! district's products; counts stay exact under a thousand answers at once.

use chrono::{Duration, Utc};
use odop_domain::PollId;
use odop_domain::polls::{PollDraft, format_ist};
use odop_store::accounts::StaffRole;
use odop_store::polls::{self, Refusal};

use crate::catalogue::{create_listing, kurta, set_status};
use crate::support::on_both_backends;
use crate::support::people::{Person, SellerSpec, location};

const ADMIN: &str = "9811100001";
const PASSWORD: &str = "a long admin passphrase";
const SELLER: &str = "9822200001";
const PLAYER: &str = "9844400001";

async fn admin(app: &crate::support::TestApp) -> Person {
    app.create_staff(ADMIN, "Meera Dixit", vec![StaffRole::StateAdmin], PASSWORD)
        .await;
    app.staff_sign_in(ADMIN, PASSWORD).await
}

/// The admin form's fields for a poll open from `opens` to `closes` hours
/// from now.
fn poll_fields(question: &str, opens: i64, closes: i64) -> Vec<(String, String)> {
    let now = Utc::now();
    let mut fields: Vec<(String, String)> = vec![
        ("kind".into(), "poll".into()),
        ("question_en".into(), question.into()),
        ("question_hi".into(), "लकड़ी के खिलौनों के लिए कौन सा ज़िला प्रसिद्ध है?".into()),
        ("choice_en_0".into(), "Chitrakoot".into()),
        ("choice_hi_0".into(), "चित्रकूट".into()),
        ("choice_en_1".into(), "Varanasi".into()),
        ("choice_hi_1".into(), "वाराणसी".into()),
        ("opens_at".into(), format_ist(now + Duration::hours(opens))),
        ("closes_at".into(), format_ist(now + Duration::hours(closes))),
    ];
    fields.push(("district".into(), String::new()));
    fields
}

fn refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn poll_id(response: &reqwest::Response) -> PollId {
    location(response)
        .strip_prefix("/admin/polls/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a poll's page: {}", location(response)))
}

on_both_backends! {
    async fn admins_schedule_edit_and_close_polls_that_the_public_answers_once(app) {
        let admin = admin(&app).await;
        let member = app.quick_sign_in(PLAYER).await;
        assert_eq!(member.get("/admin/polls").await.status(), 404, "only state admins run polls");
        assert_eq!(member.get("/admin/polls/new").await.status(), 404);
        assert_eq!(app.visitor(PLAYER).get("/admin/polls").await.status(), 303, "sign in first");

        // A form with problems says what they are and stores nothing.
        let mut nowhere = poll_fields("Which district is famous for wooden toys?", 2, 48);
        nowhere.retain(|(k, _)| k != "district");
        nowhere.push(("district".into(), "atlantis".into()));
        let response = admin.post("/admin/polls/new", &refs(&nowhere)).await;
        assert_eq!(response.status(), 422, "an unknown district is refused, not dropped");
        let mut bad = poll_fields("Which district is famous for wooden toys?", 2, 48);
        bad.retain(|(k, _)| !k.starts_with("choice_") || k.ends_with("_0"));
        bad.push(("closes_at".into(), "tomorrow".into()));
        bad.retain(|(k, v)| k != "closes_at" || v == "tomorrow");
        let response = admin.post("/admin/polls/new", &refs(&bad)).await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(page.contains("Give two to six choices") && page.contains("Give a date and time (IST)"), "{page}");
        assert!(polls::list(&app.db, polls::Listing::All, 10).await.unwrap().is_empty());

        // Scheduled for later: hidden from the public, still editable.
        let response = admin.post("/admin/polls/new", &refs(&poll_fields("Which district is famous for wooden toys?", 2, 48))).await;
        assert_eq!(response.status(), 303);
        let later = poll_id(&response);
        assert_eq!(app.visitor(PLAYER).get(&format!("/polls/{later}")).await.status(), 404);
        let (status, page) = admin.page(&format!("/admin/polls/{later}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("Scheduled") && page.contains("Change before it opens"), "{page}");
        let edited = poll_fields("Which district makes lacquered wooden toys?", 2, 48);
        assert_eq!(admin.post(&format!("/admin/polls/{later}"), &refs(&edited)).await.status(), 303);
        let stored = polls::get(&app.db, later).await.unwrap().unwrap();
        assert_eq!(stored.question_en, "Which district makes lacquered wooden toys?");

        // Open since an hour ago: answered once per device and per account.
        let response = admin.post("/admin/polls/new", &refs(&poll_fields("Which craft should the next fair show?", -1, 48))).await;
        let open = poll_id(&response);
        let response = admin.post(&format!("/admin/polls/{open}"), &refs(&edited)).await;
        assert_eq!(response.status(), 409, "what was asked cannot change once answers may exist");
        assert!(response.text().await.unwrap().contains("can no longer change"));

        let visitor = app.visitor(PLAYER);
        let (status, page) = visitor.page("/polls").await;
        assert_eq!(status, 200);
        assert!(page.contains("Which craft should the next fair show?"), "{page}");
        assert!(!page.contains("lacquered"), "scheduled polls are not listed");
        assert_eq!(visitor.post(&format!("/polls/{open}"), &[("choice", "7")]).await.status(), 400);
        let response = visitor.post(&format!("/polls/{open}"), &[("choice", "0")]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), format!("/polls/{open}"));
        let (_, page) = visitor.page(&format!("/polls/{open}")).await;
        assert!(page.contains("class=\"bar-fill w100\"") && page.contains("One answer so far"), "{page}");
        assert!(page.contains("your answer"));
        let response = visitor.post(&format!("/polls/{open}"), &[("choice", "1")]).await;
        assert_eq!(response.status(), 409);
        assert!(response.text().await.unwrap().contains("answered this poll already"));

        let other = app.visitor(PLAYER);
        assert_eq!(other.post(&format!("/polls/{open}"), &[("choice", "1")]).await.status(), 303);
        let (_, page) = other.page(&format!("/polls/{open}")).await;
        assert!(page.contains("2 answers") && page.matches("class=\"bar-fill w50\"").count() == 2, "{page}");

        let on_phone = app.quick_sign_in(PLAYER).await;
        assert_eq!(on_phone.post(&format!("/polls/{open}"), &[("choice", "1")]).await.status(), 303);
        let on_laptop = app.quick_sign_in(PLAYER).await;
        assert_eq!(on_laptop.post(&format!("/polls/{open}"), &[("choice", "0")]).await.status(), 409, "one answer per account");
        assert_eq!(polls::counts(&app.db, open, 2).await.unwrap(), vec![1, 2]);

        // The admin's results: totals, by day, as CSV.
        let (_, page) = admin.page(&format!("/admin/polls/{open}")).await;
        assert!(page.contains("Answers by day (IST)") && page.contains(&odop_domain::quiz::ist_day(Utc::now()).to_string()), "{page}");
        let csv = admin.get(&format!("/admin/polls/{open}/results.csv")).await;
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let body = csv.text().await.unwrap();
        let day = odop_domain::quiz::ist_day(Utc::now());
        assert_eq!(
            body,
            format!("day_ist,choice,choice_en,choice_hi,correct,answers\r\n{day},1,Chitrakoot,चित्रकूट,,1\r\n{day},2,Varanasi,वाराणसी,,2\r\n")
        );
        assert_eq!(member.get(&format!("/admin/polls/{open}/results.csv")).await.status(), 404);

        // Closed: a clear refusal, counts unchanged, results shown to all.
        assert_eq!(admin.post(&format!("/admin/polls/{open}/close"), &[]).await.status(), 303);
        let late = app.visitor(PLAYER);
        let response = late.post(&format!("/polls/{open}"), &[("choice", "0")]).await;
        assert_eq!(response.status(), 409);
        let page = response.text().await.unwrap();
        assert!(page.contains("This poll closed on") && page.contains("takes no more answers"), "{page}");
        assert_eq!(polls::counts(&app.db, open, 2).await.unwrap(), vec![1, 2]);
        let (_, page) = late.page("/polls").await;
        assert!(page.contains("Closed on") && page.contains("67%") && page.contains("33%"), "{page}");

        // Answers from one address are limited (120 an hour), whatever the
        // device cookie says.
        let mut limited = false;
        for _ in 0..121 {
            let response = app.visitor(PLAYER).post(&format!("/polls/{open}"), &[("choice", "0")]).await;
            if response.status() == 429 {
                limited = true;
                break;
            }
            assert_eq!(response.status(), 409);
        }
        assert!(limited, "a flood from one address is refused");

        // Calling off a scheduled poll: it never opens, nor shows once its
        // opening time has passed.
        assert_eq!(admin.post(&format!("/admin/polls/{later}/close"), &[]).await.status(), 303);
        assert_eq!(admin.post(&format!("/admin/polls/{later}"), &refs(&edited)).await.status(), 409);
        // Three hours on: it was called off two hours ago, and would have
        // opened an hour ago.
        let hour = 3_600_000;
        let now = Utc::now().timestamp_millis();
        let (opened, called_off) = (now - hour, now - 2 * hour);
        odop_store::test_support::execute_owned(&app.db, format!("UPDATE polls SET opens_at = {opened}, closed_at = {called_off} WHERE id = {later}")).await;
        let (_, page) = late.page("/polls").await;
        assert!(!page.contains("lacquered"), "a called-off poll stays off the list: {page}");
        assert_eq!(late.get(&format!("/polls/{later}")).await.status(), 404);
        assert_eq!(late.get(&format!("/cards/polls/{later}.png")).await.status(), 404);
    }

    async fn a_thousand_devices_answering_at_once_are_each_counted_once(app) {
        let now = Utc::now();
        let admin_id = {
            app.create_staff(ADMIN, "Meera Dixit", vec![StaffRole::StateAdmin], PASSWORD).await;
            odop_store::accounts::user_by_phone(&app.db, &odop_domain::identity::Phone::parse(ADMIN).unwrap())
                .await
                .unwrap()
                .unwrap()
                .id
        };
        let draft = PollDraft::parse(&odop_domain::polls::PollInput {
            question_en: "Which craft did you grow up with?".into(),
            question_hi: "आप किस शिल्प के साथ बड़े हुए?".into(),
            choices: vec![
                ("Wooden toys".into(), "लकड़ी के खिलौने".into()),
                ("Brassware".into(), "पीतल के बर्तन".into()),
                ("Glass bangles".into(), "काँच की चूड़ियाँ".into()),
            ],
            opens_at: Some(now - Duration::minutes(1)),
            closes_at: Some(now + Duration::hours(1)),
            ..Default::default()
        })
        .unwrap();
        let poll = polls::create(&app.db, &draft, admin_id, now).await.unwrap();

        let mut answers = tokio::task::JoinSet::new();
        for device in 0..1000 {
            let db = app.db.clone();
            answers.spawn(async move {
                polls::answer(&db, poll, device % 3, &format!("device-{device}"), None, Utc::now()).await
            });
        }
        // The same device again with the same choice, racing with the rest:
        // whichever of its answers comes first is the one counted.
        for _ in 0..20 {
            let db = app.db.clone();
            answers.spawn(async move { polls::answer(&db, poll, 7 % 3, "device-7", None, Utc::now()).await });
        }
        let mut counted = 0;
        let mut refused = 0;
        while let Some(outcome) = answers.join_next().await {
            match outcome.unwrap().unwrap() {
                Ok(()) => counted += 1,
                Err(Refusal::AlreadyAnswered) => refused += 1,
                Err(other) => panic!("unexpected refusal {other:?}"),
            }
        }
        assert_eq!((counted, refused), (1000, 20));
        assert_eq!(polls::counts(&app.db, poll, 3).await.unwrap(), vec![334, 333, 333]);

        polls::close(&app.db, poll, Utc::now()).await.unwrap().unwrap();
        let after = polls::answer(&app.db, poll, 0, "device-new", None, Utc::now()).await.unwrap();
        assert_eq!(after, Err(Refusal::Closed));
        assert_eq!(polls::counts(&app.db, poll, 3).await.unwrap().iter().sum::<u64>(), 1000);
    }

    async fn admins_quiz_questions_join_the_daily_quiz_and_scores_reach_the_leaderboard(app) {
        app.verified_seller(SellerSpec { phone: SELLER, name: "Noor Chikan House", district: "lucknow", craft: "chikankari", vendor: None }).await;
        let seller = app.sign_in(SELLER).await;
        let id = create_listing(&seller, &kurta(&[])).await;
        assert_eq!(set_status(&seller, id, "publish").await.status(), 303);
        let admin = admin(&app).await;

        let mut fields = poll_fields("Which stitch is Lucknow's chikankari known for?", -1, 24);
        fields.retain(|(k, _)| k != "kind" && k != "district");
        fields.extend([
            ("kind".into(), "quiz".into()),
            ("choice_en_0".into(), "Shadow work (bakhiya)".into()),
            ("choice_hi_0".into(), "बखिया".into()),
            ("choice_en_1".into(), "Cross stitch".into()),
            ("choice_hi_1".into(), "क्रॉस स्टिच".into()),
            ("correct".into(), "0".into()),
            ("explanation_en".into(), "Bakhiya, worked from the back of the fabric, is chikankari's best-known stitch.".into()),
            ("explanation_hi".into(), "कपड़े के पीछे से की जाने वाली बखिया चिकनकारी का सबसे प्रसिद्ध टाँका है।".into()),
            ("district".into(), "lucknow".into()),
        ]);
        fields.retain(|(k, v)| !(k.starts_with("choice_") && (v == "Chitrakoot" || v == "चित्रकूट" || v == "Varanasi" || v == "वाराणसी")));
        let response = admin.post("/admin/polls/new", &refs(&fields)).await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let question = poll_id(&response);

        // Not on the polls page; in the quiz, after the generated question.
        let player = app.quick_sign_in(PLAYER).await;
        let (_, page) = player.page("/polls").await;
        assert!(!page.contains("Which stitch"), "{page}");
        let (_, page) = player.page("/quiz").await;
        assert!(page.contains("Which product is Lucknow known for?") && page.contains("Which stitch is Lucknow"), "{page}");
        assert!(page.contains("No streak yet"), "{page}");

        let registry = odop_store::registry::load(&app.db).await.unwrap();
        let daily = odop_domain::quiz::daily(&registry, &|d| d.as_str() == "lucknow", odop_domain::quiz::ist_day(Utc::now()));
        for (index, question) in daily.iter().enumerate() {
            let choice = question.correct.to_string();
            assert_eq!(player.post(&format!("/quiz/{index}"), &[("choice", &choice)]).await.status(), 303);
        }
        let response = player.post(&format!("/polls/{question}"), &[("choice", "0")]).await;
        assert_eq!(location(&response), format!("/quiz#p{question}"));
        let (_, page) = player.page("/quiz").await;
        assert!(page.contains("6 of 6 right today."), "{page}");
        assert!(page.contains("worked from the back of the fabric") && page.contains("href=\"/districts/lucknow\""), "{page}");
        assert!(page.contains("Played 1 day in a row.") && page.contains("6 right of 6 answered in all."), "{page}");
        let day = odop_domain::quiz::ist_day(Utc::now());
        assert!(page.contains(&format!("href=\"/quiz/{day}/score/6\"")), "the full score can be shared");

        // The leaderboard shows only those who chose a name, and only that name.
        let (_, page) = player.page("/quiz/leaderboard").await;
        assert!(page.contains("Nobody has scored this week yet."), "{page}");
        let response = player.post("/quiz/leaderboard", &[("nickname", "98444 00001")]).await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.unwrap().contains("must not be a phone number"));
        assert_eq!(player.post("/quiz/leaderboard", &[("nickname", "  Chikan   Fan ")]).await.status(), 303);
        let (_, page) = app.visitor(PLAYER).page("/quiz/leaderboard").await;
        assert!(page.contains("<td>Chikan Fan</td><td class=\"score\">6</td>"), "{page}");
        assert!(!page.contains("98444") && !page.contains("+91"), "never a phone number");
        assert_eq!(player.post("/quiz/leaderboard", &[("nickname", "")]).await.status(), 303);
        let (_, page) = app.visitor(PLAYER).page("/quiz/leaderboard").await;
        assert!(!page.contains("Chikan Fan"), "a player can leave the board");
    }

    async fn questions_and_results_have_share_pages_with_preview_tags(app) {
        app.verified_seller(SellerSpec { phone: SELLER, name: "Noor Chikan House", district: "lucknow", craft: "chikankari", vendor: None }).await;
        let seller = app.sign_in(SELLER).await;
        let id = create_listing(&seller, &kurta(&[])).await;
        assert_eq!(set_status(&seller, id, "publish").await.status(), 303);
        let admin = admin(&app).await;
        let poll = poll_id(&admin.post("/admin/polls/new", &refs(&poll_fields("Which craft should the next fair show?", -1, 48))).await);

        let day = odop_domain::quiz::ist_day(Utc::now());
        let visitor = app.visitor(PLAYER);
        for (path, card, title) in [
            (format!("/polls/{poll}"), format!("/cards/polls/{poll}.png"), "Which craft should the next fair show?".to_owned()),
            (format!("/quiz/{day}/1"), format!("/cards/quiz/{day}/1.png"), "Which product is Lucknow known for?".to_owned()),
            (format!("/quiz/{day}/score/4"), format!("/cards/quiz/{day}/score/4.png"), format!("I got 4 right in the ODOP quiz of {}.", day.format("%d-%m-%Y"))),
        ] {
            let (status, page) = visitor.page(&path).await;
            assert_eq!(status, 200, "{path}");
            let host = visitor.base.clone();
            assert!(page.contains(&format!("<meta property=\"og:image\" content=\"{host}{card}?lang=en\">")), "{path}: {page}");
            assert!(page.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
            assert!(page.contains(&format!("<meta property=\"og:title\" content=\"{title}")), "{path}: {page}");
            assert!(page.contains("href=\"https://wa.me/?text=") && page.contains("href=\"https://x.com/intent/post?text="), "{page}");
        }
        // The cards themselves: PNG pictures of 1200×630, drawn in the
        // language asked for.
        for card in [format!("/cards/polls/{poll}.png"), format!("/cards/quiz/{day}/1.png"), format!("/cards/quiz/{day}/score/4.png")] {
            let mut drawn = Vec::new();
            for lang in ["en", "hi"] {
                let response = visitor.get(&format!("{card}?lang={lang}")).await;
                assert_eq!(response.status(), 200, "{card}");
                assert_eq!(response.headers()["content-type"], "image/png");
                assert!(response.headers()["cache-control"].to_str().unwrap().starts_with("private, max-age="), "no public_url: the footer came from Host");
                let bytes = response.bytes().await.unwrap();
                let image = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap();
                assert_eq!((image.width(), image.height()), (1200, 630), "{card}");
                drawn.push(bytes);
            }
            assert_ne!(drawn[0], drawn[1], "{card}: the Hindi card differs from the English one");
        }
        assert_eq!(visitor.get(&format!("/cards/polls/{poll}.gif")).await.status(), 404);

        // While the poll is open its card never shows how others answered.
        let card = format!("/cards/polls/{poll}.png?lang=en");
        let before = visitor.get(&card).await.bytes().await.unwrap();
        assert_eq!(visitor.post(&format!("/polls/{poll}"), &[("choice", "1")]).await.status(), 303);
        let after = visitor.get(&card).await.bytes().await.unwrap();
        assert_eq!(after, before, "an open poll's card is the same before and after answers");
        assert_eq!(admin.post(&format!("/admin/polls/{poll}/close"), &[]).await.status(), 303);
        let closed = visitor.get(&card).await.bytes().await.unwrap();
        assert_ne!(closed, before, "a closed poll's card shows the results");
        assert_eq!(visitor.get("/cards/polls/999999.png").await.status(), 404);
        let tomorrow = day + Duration::days(1);
        assert_eq!(visitor.get(&format!("/cards/quiz/{tomorrow}/1.png")).await.status(), 404);
        assert_eq!(visitor.get(&format!("/quiz/{tomorrow}/1")).await.status(), 404, "tomorrow's questions stay secret");
        assert_eq!(visitor.get(&format!("/quiz/{day}/9")).await.status(), 404);
        assert_eq!(visitor.get(&format!("/quiz/{day}/score/99")).await.status(), 404);
        assert_eq!(visitor.get("/quiz/not-a-day/1").await.status(), 404);
    }
}
