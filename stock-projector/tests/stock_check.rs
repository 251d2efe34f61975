//! The order path's synchronous stock check against the real stock service (the stock-projector
//! binary's `/stock`): a line that clearly cannot be filled is refused at once with nothing
//! appended; with the stock service down or slow the order is placed unchecked and the saga,
//! which stays the truth, decides it.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use eventstore::testing::{fresh_database, register};
use handlers::Application;
use platform::faults::Fault;
use serde_json::{Value, json};
use sqlx::PgPool;
use tower::ServiceExt;

mod common;

/// A free loopback port (bound, then released for the projector to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Projector(Child);

impl Drop for Projector {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The projector (saga, read models, stock service) on `port`, catching up every second.
async fn projector(database_url: &str, port: u16) -> Projector {
    let child = Command::new(env!("CARGO_BIN_EXE_stock-projector"))
        .args([
            "run",
            "--http",
            &format!("127.0.0.1:{port}"),
            "--poll-seconds",
            "1",
        ])
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the projector did not listen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Projector(child)
}

/// The order function as its binary builds it, asking the stock service at `stock_url`.
async fn order_app(database_url: &str, stock_url: &str) -> (Router, Application, String) {
    let (cognito, token) = common::auth().await;
    let settings = platform::Settings {
        database_url: database_url.into(),
        cognito: Some(cognito),
        ..platform::Settings::from_lookup({
            let stock_url = stock_url.to_string();
            move |name| (name == "STOCK_SERVICE_URL").then(|| stock_url.clone())
        })
        .unwrap()
    };
    let application = Application::build(&settings).await.unwrap();
    (
        application.router(handlers::order::router()),
        application,
        token,
    )
}

async fn order(app: &Router, token: &str, sku: &str, quantity: u32) -> (u16, Value) {
    let request = axum::http::Request::post("/api/orders")
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(axum::body::Body::from(
            json!({"lines": [{"sku": sku, "quantity": quantity}]}).to_string(),
        ))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn events(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn status_of(pool: &PgPool, order_id: &str) -> Option<String> {
    sqlx::query_scalar("SELECT status FROM orders WHERE order_id = $1::uuid")
        .bind(order_id)
        .fetch_optional(pool)
        .await
        .unwrap()
}

async fn wait_status(pool: &PgPool, order_id: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while status_of(pool, order_id).await.as_deref() != Some(want) {
        assert!(
            Instant::now() < deadline,
            "order {order_id} is {:?}, not {want}",
            status_of(pool, order_id).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the catalog shows `sku` with `available` units.
async fn wait_available(pool: &PgPool, sku: &str, available: i32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now: Option<i32> = sqlx::query_scalar("SELECT available FROM products WHERE sku = $1")
            .bind(sku)
            .fetch_optional(pool)
            .await
            .unwrap();
        if now == Some(available) {
            return;
        }
        assert!(Instant::now() < deadline, "{sku} shows {now:?} available");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_line_the_stock_service_says_is_short_is_refused_at_once_with_nothing_appended() {
    let (pool, url) = fresh_database().await;
    let port = free_port();
    let _projector = projector(&url, port).await;
    let (app, application, token) = order_app(&url, &format!("http://127.0.0.1:{port}")).await;
    register(&application.state().store, "TEA-S", 450, 3).await;
    wait_available(&pool, "TEA-S", 3).await;

    let before = events(&pool).await;
    let (status, problem) = order(&app, &token, "TEA-S", 5).await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "lines[0].quantity");
    assert_eq!(
        problem["errors"][0]["message"],
        "only 3 available for TEA-S"
    );
    assert_eq!(events(&pool).await, before, "nothing appended");

    let (status, placed) = order(&app, &token, "TEA-S", 2).await;
    assert_eq!(status, 202, "{placed}");
    wait_status(&pool, placed["order_id"].as_str().unwrap(), "confirmed").await;
}

#[tokio::test]
async fn with_the_stock_service_down_or_slow_orders_are_placed_unchecked_and_the_saga_decides() {
    let (pool, url) = fresh_database().await;
    let port = free_port();
    let _projector = projector(&url, port).await;
    // Down: nothing listens where the order function looks for the stock service.
    let (down, application, token) =
        order_app(&url, &format!("http://127.0.0.1:{}", free_port())).await;
    register(&application.state().store, "TEA-D", 450, 2).await;
    wait_available(&pool, "TEA-D", 2).await;
    let (status, fits) = order(&down, &token, "TEA-D", 2).await;
    assert_eq!(status, 202, "{fits}");
    let (status, short) = order(&down, &token, "TEA-D", 1).await;
    assert_eq!(status, 202, "placed unchecked: {short}");
    wait_status(&pool, fits["order_id"].as_str().unwrap(), "confirmed").await;
    wait_status(&pool, short["order_id"].as_str().unwrap(), "rejected").await;

    // Slow: the slow-stock-service switch makes every check time out, the breaker opens, and
    // the orders go on; the saga still refuses what is short.
    let (slow, _, _) = order_app(&url, &format!("http://127.0.0.1:{port}")).await;
    platform::faults::flip(
        &pool,
        &Fault::SlowStockService { added_ms: 800 },
        true,
        "test",
    )
    .await
    .unwrap();
    tokio::time::sleep(platform::faults::REFRESH + Duration::from_millis(100)).await;
    for _ in 0..4 {
        let started = Instant::now();
        let (status, placed) = order(&slow, &token, "TEA-D", 1).await;
        assert_eq!(status, 202, "{placed}");
        assert!(
            started.elapsed() < Duration::from_millis(800),
            "the order did not wait for the slow stock service"
        );
        wait_status(&pool, placed["order_id"].as_str().unwrap(), "rejected").await;
    }
    platform::faults::flip(
        &pool,
        &Fault::SlowStockService { added_ms: 800 },
        false,
        "test",
    )
    .await
    .unwrap();
}
