//! Telemetry never fails the shop: with the OTLP receiver down, requests are answered as usual,
//! their spans are dropped in the background, and the loss is counted on `/metrics`
//! (`TelemetryDropped`) beside the request metrics the same calls produce.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use eventstore::testing::fresh_database;
use handlers::Application;
use tower::ServiceExt;

#[tokio::test]
async fn a_receiver_that_is_down_loses_spans_not_requests() {
    // Nothing listens on port 9 (discard) on loopback here: every export is refused.
    let telemetry =
        platform::telemetry::init_with("gateway", Some("http://127.0.0.1:9".to_string()));
    let (_, url) = fresh_database().await;
    let settings =
        platform::Settings::from_lookup(move |name| (name == "DATABASE_URL").then(|| url.clone()))
            .unwrap();
    let app = Application::build(&settings).await.unwrap().api();
    let started = Instant::now();
    for _ in 0..5 {
        let response = app
            .clone()
            .oneshot(Request::get("/api/products").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "requests waited on the exporter: {:?}",
        started.elapsed()
    );
    // The flush tries the export now (from a blocking thread: it blocks on the HTTP call).
    tokio::task::spawn_blocking(move || telemetry.flush())
        .await
        .unwrap();
    let text = platform::metrics::render();
    let dropped: f64 = text
        .lines()
        .find(|l| l.starts_with("TelemetryDropped{") && l.contains("Signal=\"spans\""))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no TelemetryDropped for spans in:\n{text}"));
    assert!(dropped >= 5.0, "{dropped} spans counted as dropped");
    let answered = text
        .lines()
        .find(|l| l.starts_with("HttpRequests{") && l.contains("Route=\"/api/products\""))
        .unwrap_or_else(|| panic!("no HttpRequests for /api/products in:\n{text}"));
    assert!(answered.ends_with(" 5"), "{answered}");
    assert!(answered.contains("Status=\"200\"") && answered.contains("Service=\"gateway\""));
}
