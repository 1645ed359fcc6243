//! Health, readiness and metrics.

use crate::support::on_both_backends;

on_both_backends! {
    async fn health_and_readiness_answer_while_the_database_is_up(app) {
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ok\n");
        let response = app.get("/readyz").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ready\n");
    }

    async fn readiness_fails_when_the_database_is_gone(app) {
        app.db.close().await;
        let response = app.get("/readyz").await;
        assert_eq!(response.status(), 503);
        assert!(app.get("/healthz").await.status().is_success(), "the process itself is still up");
        // A page that needs the database says so, in the visitor's language, with a 503.
        let (status, html) = app.html("/districts", &[("accept-language", "hi")]).await;
        assert_eq!(status, 503);
        assert!(html.contains("डेटाबेस"), "{html}");
        let (status, body) = app.json("/api/v1/districts").await;
        assert_eq!(status, 503);
        assert_eq!(body["error"]["code"], "unavailable");
    }

    async fn metrics_count_requests_by_route_template(app) {
        for _ in 0..3 {
            app.get("/districts/lucknow").await;
        }
        app.get("/districts/varanasi").await;
        app.get("/no/such/page").await;
        // Without the token, metrics are not there for the public.
        assert_eq!(app.get("/metrics").await.status(), 404);
        let wrong = app.client.get(app.url("/metrics")).bearer_auth("guess").send().await.unwrap();
        assert_eq!(wrong.status(), 404);
        let response = app.metrics().await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
        let text = response.text().await.unwrap();
        let line = |prefix: &str| {
            text.lines()
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no metric line {prefix}\n{text}"))
                .to_owned()
        };
        let ok = line("http_requests_total{method=\"GET\",route=\"/districts/{slug}\",status=\"200\"}");
        assert!(ok.ends_with(" 4"), "{ok}");
        let missing = line("http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}");
        assert!(missing.ends_with(" 1"), "{missing}");
        let histogram = line("http_request_duration_seconds_count{method=\"GET\",route=\"/districts/{slug}\"}");
        assert!(histogram.ends_with(" 4"), "{histogram}");
        assert!(text.contains("http_request_duration_seconds_bucket{method=\"GET\",route=\"/districts/{slug}\",le=\"0.005\"}"));
        assert!(!text.contains("/districts/lucknow"), "concrete paths never become labels");
    }

    async fn every_response_carries_a_request_id(app) {
        let a = app.get("/healthz").await.headers()["x-request-id"].to_str().unwrap().to_owned();
        let b = app.get("/healthz").await.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36, "a UUID: {a}");
        // A caller's own id is kept when it is short and plain, and
        // replaced when it is anything else.
        let id_for = |sent: &'static str| {
            let request = app.client.get(app.url("/healthz")).header("x-request-id", sent);
            async move { request.send().await.unwrap().headers()["x-request-id"].to_str().unwrap().to_owned() }
        };
        assert_eq!(id_for("trace-42.a:b").await, "trace-42.a:b");
        for hostile in ["<script>alert(1)</script>", "has spaces in it", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"] {
            let got = id_for(hostile).await;
            assert_ne!(got, hostile);
            assert_eq!(got.len(), 36, "a fresh UUID instead of {hostile:?}: {got}");
        }
    }
}
