//! The HTTP contract through the real router, on a real PostgreSQL, with real RS256 tokens from
//! moto's Cognito: who may call what, what bad input gets back, and that a placed order settles.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use eventstore::Store;
use eventstore::testing::fresh_database;
use handlers::Application;
use platform::settings::Cognito as Pool;
use projections::Projector;
use serde_json::{Value, json};
use tower::ServiceExt;

struct Cognito {
    endpoint: String,
    http: reqwest::Client,
}

impl Cognito {
    async fn call(&self, action: &str, body: Value) -> Value {
        let response = self
            .http
            .post(&self.endpoint)
            .header("X-Amz-Target", format!("AWSCognitoIdentityProviderService.{action}"))
            .header("Content-Type", "application/x-amz-json-1.1")
            .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{action}: {}",
            response.text().await.unwrap()
        );
        response.json().await.unwrap()
    }
}

struct World {
    app: Router,
    store: Store,
    pool: sqlx::PgPool,
    /// The application's own pool (built from the settings, beside the test's).
    app_pool: sqlx::PgPool,
    admin: String,
    shopper: String,
    other: String,
}

async fn world() -> World {
    world_with(|_| {}).await
}

/// A world whose settings `adjust` changes before the application is built.
async fn world_with(adjust: impl FnOnce(&mut platform::Settings)) -> World {
    let endpoint = std::env::var("TEST_AWS_ENDPOINT_URL")
        .expect("TEST_AWS_ENDPOINT_URL is not set: run scripts/test, which starts moto");
    let cognito = Cognito {
        endpoint: endpoint.clone(),
        http: reqwest::Client::new(),
    };
    let pool_id = cognito
        .call("CreateUserPool", json!({"PoolName": "test"}))
        .await["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let client_id = cognito
        .call(
            "CreateUserPoolClient",
            json!({"UserPoolId": pool_id, "ClientName": "web",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
        )
        .await["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    cognito
        .call(
            "CreateGroup",
            json!({"UserPoolId": pool_id, "GroupName": "admin"}),
        )
        .await;
    let mut tokens = Vec::new();
    for (user, admin) in [("admin", true), ("shopper", false), ("other", false)] {
        cognito
            .call(
                "AdminCreateUser",
                json!({"UserPoolId": pool_id, "Username": user, "MessageAction": "SUPPRESS"}),
            )
            .await;
        cognito.call("AdminSetUserPassword", json!({"UserPoolId": pool_id, "Username": user, "Password": "Pass-word-1", "Permanent": true})).await;
        if admin {
            cognito
                .call(
                    "AdminAddUserToGroup",
                    json!({"UserPoolId": pool_id, "Username": user, "GroupName": "admin"}),
                )
                .await;
        }
        let auth = cognito
            .call(
                "InitiateAuth",
                json!({"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": user, "PASSWORD": "Pass-word-1"}}),
            )
            .await;
        tokens.push(
            auth["AuthenticationResult"]["AccessToken"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let (pool, url) = fresh_database().await;
    // Built as every binary builds it, from settings: this database, moto's pool, no queue.
    let mut settings = platform::Settings {
        database_url: url,
        cognito: Some(Pool {
            issuer: format!("https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"),
            client_id,
            jwks_url: format!("{endpoint}/{pool_id}/.well-known/jwks.json"),
        }),
        ..platform::Settings::from_lookup(|_| None).unwrap()
    };
    adjust(&mut settings);
    let application = Application::build(&settings).await.unwrap();
    let store = application.state().store.clone();
    let [admin, shopper, other] = <[String; 3]>::try_from(tokens).unwrap();
    World {
        app: application.api(),
        app_pool: application.state().pool.clone(),
        store,
        pool,
        admin,
        shopper,
        other,
    }
}

impl World {
    async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        let (status, _, body) = self.send_with(method, path, token, body, &[]).await;
        (status, body)
    }

    async fn send_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, Value) {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        if body.is_some() {
            request = request.header("Content-Type", "application/json");
        }
        let request = request
            .body(body.map_or_else(Body::empty, Body::from))
            .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        if status.is_client_error() || status.is_server_error() {
            let content_type = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_string();
            assert_eq!(content_type, "application/problem+json", "{path}");
        }
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            headers,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// Registers a product as the admin, for a test that needs one in the catalog.
    async fn register(&self, sku: &str, stock: u32) {
        let (status, body) = self
            .send(
                "POST",
                "/api/admin/products",
                Some(&self.admin),
                Some(product(sku, stock)),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    async fn events(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM events")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    async fn project(&self) {
        Projector::new(self.pool.clone(), self.store.clone())
            .settle(Duration::from_secs(10))
            .await
            .unwrap();
    }
}

fn product(sku: &str, stock: u32) -> String {
    json!({"sku": sku, "name": "Tea", "description": "", "price_cents": 450, "image_url": null, "initial_stock": stock}).to_string()
}

#[tokio::test]
async fn who_may_call_what() {
    let w = world().await;
    let register = Some(product("TEA-1", 5));
    assert_eq!(
        w.send("POST", "/api/admin/products", None, register.clone())
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.send(
            "POST",
            "/api/admin/products",
            Some(&w.shopper),
            register.clone()
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    // A token whose signature was tampered with, and one claiming alg "none".
    let mut forged = w.admin.clone();
    forged.pop();
    forged.push(if w.admin.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(
        w.send(
            "POST",
            "/api/admin/products",
            Some(&forged),
            register.clone()
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    let payload = w.admin.split('.').nth(1).unwrap();
    let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
    assert_eq!(
        w.send("POST", "/api/admin/products", Some(&none), register.clone())
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(w.events().await, 0, "nothing appended by refused calls");

    let (status, body) = w
        .send(
            "POST",
            "/api/admin/products",
            Some(&w.admin),
            register.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        w.send("POST", "/api/admin/products", Some(&w.admin), register)
            .await
            .0,
        StatusCode::CONFLICT
    );

    let order = Some(json!({"lines": [{"sku": "TEA-1", "quantity": 2}]}).to_string());
    assert_eq!(
        w.send("POST", "/api/orders", None, order.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, placed) = w.send("POST", "/api/orders", Some(&w.shopper), order).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{placed}");
    assert_eq!(placed["status"], "pending");
    let id = placed["order_id"].as_str().unwrap();
    let position = placed["position"].as_i64().unwrap();
    w.project().await;

    let path = format!("/api/orders/{id}?min_position={position}");
    let (status, seen) = w.send("GET", &path, Some(&w.shopper), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["status"], "confirmed");
    assert_eq!(seen["total_cents"], 900);
    assert_eq!(
        w.send("GET", &path, Some(&w.other), None).await.0,
        StatusCode::NOT_FOUND,
        "another's order is not found"
    );
    assert_eq!(
        w.send("GET", &path, Some(&w.admin), None).await.0,
        StatusCode::OK
    );
    let cancel = format!("/api/orders/{id}/cancel");
    assert_eq!(
        w.send("POST", &cancel, Some(&w.other), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, mine) = w.send("GET", "/api/orders", Some(&w.other), None).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 0);

    let (_, catalog) = w.send("GET", "/api/products/TEA-1", None, None).await;
    assert_eq!(
        (catalog["on_hand"].as_i64(), catalog["available"].as_i64()),
        (Some(5), Some(3))
    );
    assert_eq!(
        w.send("GET", "/api/admin/events", Some(&w.shopper), None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, history) = w
        .send(
            "GET",
            &format!("/api/admin/streams/Order/{id}/events"),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let types: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["OrderPlaced", "OrderConfirmed"]);
    let (_, state) = w
        .send(
            "GET",
            &format!("/api/admin/streams/Order/{id}/state?as_of_sequence=1"),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(state["state"]["status"], "pending");

    // The order's path: request, its events, the saga's, each applied by the projections.
    let (status, timeline) = w
        .send(
            "GET",
            &format!(
                "/api/admin/traces/{}",
                placed["correlation_id"].as_str().unwrap()
            ),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{timeline}");
    let hops: Vec<&str> = timeline["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(hops[0], "request received", "{hops:?}");
    for expected in [
        "OrderPlaced appended",
        "OrderPlaced handled by the saga",
        "StockReserved appended",
        "StockReserved applied to catalog",
        "OrderConfirmed appended",
        "OrderConfirmed applied to orders",
    ] {
        assert!(hops.contains(&expected), "{expected} missing from {hops:?}");
    }
    let offsets: Vec<f64> = timeline["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["offset_ms"].as_f64().unwrap())
        .collect();
    assert!(
        offsets.windows(2).all(|w| w[0] <= w[1]),
        "hops in time order"
    );
    assert_eq!(
        w.send(
            "GET",
            "/api/admin/traces/nothing-like-this",
            Some(&w.admin),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn bad_orders_get_a_problem_naming_the_field_and_append_nothing() {
    let w = world().await;
    w.register("TEA-1", 5).await;
    let before = w.events().await;
    let cases: Vec<(String, StatusCode, Option<&str>)> =
        vec![
        ("{not json".into(), StatusCode::BAD_REQUEST, None),
        // serde would read a struct from an array; the contract says object.
        ("[[]]".into(), StatusCode::UNPROCESSABLE_ENTITY, Some("body")),
        (
            json!({"lines": [{"sku": "TEA-1", "quantity": 1.5}]}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lines[0].quantity"),
        ),
        (
            json!({}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        (
            json!({"lines": [{"sku": "TEA-1", "quantity": "two"}]}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lines[0].quantity"),
        ),
        (
            json!({"lines": [{"sku": "TEA-1", "quantity": 1}], "coupon": "x"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        (
            json!({"lines": [{"sku": "TEA-1", "quantity": 1, "gift_wrap": true}]}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        (
            json!({"lines": []}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lines"),
        ),
        (
            json!({"lines": [{"sku": "TEA-1", "quantity": 0}]}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lines[0].quantity"),
        ),
        (
            json!({"lines": [{"sku": "TEA-1", "quantity": -3}]}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lines[0].quantity"),
        ),
        (
            json!({"lines": [{"sku": "TEA-1", "quantity": 100000}]}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lines[0].quantity"),
        ),
        (
            json!({"lines": [{"sku": "TEA-1", "quantity": 1}, {"sku": "TEA-1", "quantity": 1}]})
                .to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lines[1].sku"),
        ),
        (
            json!({"lines": [{"sku": "GONE-1", "quantity": 1}]}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lines[0].sku"),
        ),
        (
            format!("{{\"lines\":[],\"pad\":\"{}\"}}", "x".repeat(10 << 20)),
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
        ),
    ];
    for (body, status, field) in cases {
        let (got, problem) = w
            .send("POST", "/api/orders", Some(&w.shopper), Some(body.clone()))
            .await;
        let shown = &body[..body.len().min(80)];
        assert_eq!(got, status, "{shown}: {problem}");
        if let Some(field) = field {
            assert_eq!(problem["errors"][0]["field"], field, "{shown}: {problem}");
        }
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    assert_eq!(w.events().await, before);
    // JSON Schema counts 2.0 as an integer, so the contract's `integer` takes it.
    let body = json!({"lines": [{"sku": "TEA-1", "quantity": 2.0}]}).to_string();
    let (status, accepted) = w
        .send("POST", "/api/orders", Some(&w.shopper), Some(body))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
}

#[tokio::test]
async fn text_postgresql_cannot_hold_is_refused_not_a_500() {
    let w = world().await;
    w.register("TEA-1", 5).await;
    let before = w.events().await;
    for (body, field) in [
        (
            json!({"sku": "TEA-2", "name": "Tea\u{0}", "price_cents": 100}),
            "name",
        ),
        (
            json!({"sku": "TEA-2", "name": "Tea", "description": "a\u{0}", "price_cents": 100}),
            "description",
        ),
    ] {
        let (status, problem) = w
            .send(
                "POST",
                "/api/admin/products",
                Some(&w.admin),
                Some(body.to_string()),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    assert_eq!(w.events().await, before);
    for path in [
        "/api/products/TEA%001",
        "/api/admin/traces/a%00b",
        "/api/admin/streams/Stock/TEA%001/events",
    ] {
        let (status, problem) = w.send("GET", path, Some(&w.admin), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {problem}");
    }
}

#[tokio::test]
async fn the_authorisation_matrix_route_by_route() {
    let w = world().await;
    w.register("TEA-1", 50).await;
    let order = json!({"lines": [{"sku": "TEA-1", "quantity": 1}]}).to_string();
    let (_, placed) = w
        .send("POST", "/api/orders", Some(&w.shopper), Some(order.clone()))
        .await;
    let id = placed["order_id"].as_str().unwrap().to_string();
    w.project().await;

    use StatusCode as S;
    let (ok, accepted, created) = (S::OK, S::ACCEPTED, S::CREATED);
    let (unauth, forbidden, missing) = (S::UNAUTHORIZED, S::FORBIDDEN, S::NOT_FOUND);
    let admin_only = |success| [unauth, forbidden, forbidden, success];
    // Callers in this order: anonymous, the shopper who owns the order, another shopper, admin.
    let matrix: Vec<(&str, String, Option<String>, [StatusCode; 4])> = vec![
        ("GET", "/api/health".into(), None, [ok; 4]),
        ("GET", "/api/openapi.json".into(), None, [ok; 4]),
        ("GET", "/api/products".into(), None, [ok; 4]),
        ("GET", "/api/products/TEA-1".into(), None, [ok; 4]),
        (
            "POST",
            "/api/orders".into(),
            Some(order),
            [unauth, accepted, accepted, accepted],
        ),
        ("GET", "/api/orders".into(), None, [unauth, ok, ok, ok]),
        (
            "GET",
            format!("/api/orders/{id}"),
            None,
            [unauth, ok, missing, ok],
        ),
        // The owner cancels first; the admin's cancel then finds it cancelled, a no-op.
        (
            "POST",
            format!("/api/orders/{id}/cancel"),
            None,
            [unauth, accepted, missing, accepted],
        ),
        (
            "POST",
            "/api/admin/products".into(),
            Some(product("JAM-2", 1)),
            admin_only(created),
        ),
        (
            "POST",
            "/api/admin/products/TEA-1/restock".into(),
            Some(json!({"quantity": 5}).to_string()),
            admin_only(accepted),
        ),
        (
            "GET",
            format!("/api/admin/streams/Order/{id}/events"),
            None,
            admin_only(ok),
        ),
        (
            "GET",
            format!("/api/admin/streams/Order/{id}/state?as_of_sequence=1"),
            None,
            admin_only(ok),
        ),
        (
            "GET",
            "/api/admin/events?limit=5".into(),
            None,
            admin_only(ok),
        ),
        (
            "GET",
            "/api/admin/events?after=0&limit=5".into(),
            None,
            admin_only(ok),
        ),
        ("GET", "/api/admin/projections".into(), None, admin_only(ok)),
        (
            "POST",
            "/api/admin/projections/rebuild".into(),
            Some(json!({"projection": "catalog"}).to_string()),
            admin_only(accepted),
        ),
    ];
    let callers = [None, Some(&w.shopper), Some(&w.other), Some(&w.admin)];
    let mut wrong = Vec::new();
    for (method, path, body, expected) in &matrix {
        for (caller, want) in callers.iter().zip(expected) {
            let (got, problem) = w
                .send(method, path, caller.map(String::as_str), body.clone())
                .await;
            if got != *want {
                let who = ["anonymous", "shopper", "other", "admin"]
                    [callers.iter().position(|c| c == caller).unwrap()];
                wrong.push(format!(
                    "{method} {path} as {who}: {got}, expected {want} {problem}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn an_idempotency_key_places_an_order_once() {
    let w = world().await;
    w.register("TEA-1", 50).await;
    let body = json!({"lines": [{"sku": "TEA-1", "quantity": 2}]}).to_string();
    let key = [("Idempotency-Key", "checkout-7f3a")];
    let (status, headers, first) = w
        .send_with(
            "POST",
            "/api/orders",
            Some(&w.shopper),
            Some(body.clone()),
            &key,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{first}");
    assert!(headers.get("idempotent-replayed").is_none());
    let events = w.events().await;

    // The same body, spaced differently: the first answer again, nothing appended.
    let respaced = "{ \"lines\" : [ { \"quantity\": 2, \"sku\": \"TEA-1\" } ] }".to_string();
    let (status, headers, again) = w
        .send_with(
            "POST",
            "/api/orders",
            Some(&w.shopper),
            Some(respaced),
            &key,
        )
        .await;
    assert_eq!((status, &again), (StatusCode::ACCEPTED, &first));
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(w.events().await, events);

    // The same key with another body is refused, naming the header.
    let other = json!({"lines": [{"sku": "TEA-1", "quantity": 3}]}).to_string();
    let (status, _, problem) = w
        .send_with(
            "POST",
            "/api/orders",
            Some(&w.shopper),
            Some(other.clone()),
            &key,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(w.events().await, events);

    // Keys belong to their customer: another shopper's same key is a new order.
    let (status, _, theirs) = w
        .send_with(
            "POST",
            "/api/orders",
            Some(&w.other),
            Some(body.clone()),
            &key,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_ne!(theirs["order_id"], first["order_id"]);

    // A request that died after its command committed but before recording the answer: the
    // retry finds the order it placed instead of placing a second one.
    sqlx::query("UPDATE idempotency_keys SET status = NULL, response = NULL, created_at = now() - interval '1 minute'")
        .execute(&w.pool)
        .await
        .unwrap();
    let events = w.events().await;
    let (status, _, recovered) = w
        .send_with(
            "POST",
            "/api/orders",
            Some(&w.shopper),
            Some(body.clone()),
            &key,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{recovered}");
    assert_eq!(recovered["order_id"], first["order_id"]);
    assert_eq!(recovered["position"], first["position"]);
    assert_eq!(recovered["correlation_id"], first["correlation_id"]);
    assert_eq!(w.events().await, events);

    // A refused command frees its key for the corrected request.
    let fresh = [("Idempotency-Key", "checkout-8b21")];
    let unknown = json!({"lines": [{"sku": "GONE-1", "quantity": 1}]}).to_string();
    let (status, _, _) = w
        .send_with(
            "POST",
            "/api/orders",
            Some(&w.shopper),
            Some(unknown),
            &fresh,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = w
        .send_with("POST", "/api/orders", Some(&w.shopper), Some(other), &fresh)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);

    // A key that is not a short visible ASCII string is a field error.
    let long = "k".repeat(300);
    let (status, _, problem) = w
        .send_with(
            "POST",
            "/api/orders",
            Some(&w.shopper),
            Some(body),
            &[("Idempotency-Key", long.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
}

#[tokio::test]
async fn the_served_openapi_document_is_the_generated_one() {
    let w = world().await;
    let (status, document) = w.send("GET", "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document, serde_json::to_value(handlers::openapi()).unwrap());
    let (status, problem) = w.send("DELETE", "/api/products", None, None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{problem}");
    let (status, _) = w.send("GET", "/api/nowhere", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_global_log_starts_at_cursor_zero_and_pages_by_next() {
    let w = world().await;
    w.register("TEA-1", 5).await;
    w.register("MUG-2", 0).await;
    let page = |path: String| {
        let w = &w;
        async move {
            let (status, body) = w.send("GET", &path, Some(&w.admin), None).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
            body
        }
    };
    // The log is read below the oldest transaction running anywhere in the cluster, so another
    // test's transaction can hide these events a moment.
    let mut absent = Value::Null;
    for _ in 0..250 {
        absent = page("/api/admin/events?limit=2".into()).await;
        if absent["items"].as_array().is_some_and(|i| i.len() == 2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let zero = page("/api/admin/events?after=0&limit=2".into()).await;
    assert_eq!(absent, zero, "0 is the start of the log");
    assert_eq!(zero["items"][0]["aggregate_id"], "TEA-1");
    let next = zero["next"].as_str().unwrap();
    let mut rest = Value::Null;
    for _ in 0..250 {
        rest = page(format!("/api/admin/events?after={next}&limit=10")).await;
        if rest["items"].as_array().is_some_and(|i| !i.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let skus: Vec<&str> = rest["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["aggregate_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        skus,
        ["MUG-2"],
        "the page after `next` holds the rest, once"
    );
    let (status, problem) = w
        .send(
            "GET",
            "/api/admin/events?after=nonsense",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "after");
}

#[tokio::test]
async fn the_owner_reads_an_order_before_the_read_model_has_it() {
    let w = world().await;
    w.register("TEA-1", 5).await;
    let body = json!({"lines": [{"sku": "TEA-1", "quantity": 2}]}).to_string();
    let (status, placed) = w
        .send("POST", "/api/orders", Some(&w.shopper), Some(body))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{placed}");
    let path = format!("/api/orders/{}", placed["order_id"].as_str().unwrap());
    // No projector has run: the answer comes from the order's own events.
    let (status, order) = w.send("GET", &path, Some(&w.shopper), None).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["status"], "pending");
    assert_eq!(order["lines"][0]["sku"], "TEA-1");
    assert_eq!(order["lines"][0]["quantity"], 2);
    assert_eq!(
        order["total_cents"],
        2 * order["lines"][0]["unit_price_cents"].as_i64().unwrap()
    );
    assert_eq!(order["position"], placed["position"]);
    let (status, _) = w.send("GET", &path, Some(&w.other), None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another shopper's order stays hidden"
    );
    // Once the read model has it, the same view comes from there, decided.
    w.project().await;
    let (_, order) = w.send("GET", &path, Some(&w.shopper), None).await;
    assert_eq!(order["status"], "confirmed");
}

#[tokio::test]
async fn reads_held_on_pending_sleep_instead_of_each_polling_the_database() {
    let w = world().await;
    w.register("TEA-1", 50).await;
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .execute(&w.pool)
        .await
        .expect("scripts/lib.sh preloads pg_stat_statements");
    let body = json!({"lines": [{"sku": "TEA-1", "quantity": 1}]}).to_string();
    let mut paths = Vec::new();
    for _ in 0..20 {
        let (_, placed) = w
            .send("POST", "/api/orders", Some(&w.shopper), Some(body.clone()))
            .await;
        paths.push(format!(
            "/api/orders/{}?wait_for_change_from=pending",
            placed["order_id"].as_str().unwrap()
        ));
    }
    // Reads of one order row from the orders read model, by this test's database.
    let order_reads = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s
               JOIN pg_database d ON d.oid = s.dbid
              WHERE d.datname = current_database() AND s.query LIKE '%FROM orders WHERE order_id = $1%'",
        )
        .fetch_one(&w.pool)
        .await
        .unwrap()
    };
    let before = order_reads().await;
    // 20 reads held for 1.5 s while the saga is not running, then it decides every order.
    let (answers, during) = tokio::join!(
        futures::future::join_all(
            paths
                .iter()
                .map(|p| w.send("GET", p, Some(&w.shopper), None))
        ),
        async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let during = order_reads().await - before;
            w.project().await;
            during
        }
    );
    for (status, order) in answers {
        assert_eq!(status, StatusCode::OK, "{order}");
        assert_eq!(order["status"], "confirmed");
    }
    // Each read looks at its order when it starts and again only when the orders read model has
    // moved, which it did not: polling every 100 ms would have read the rows about 300 times.
    assert!(
        during <= 3 * 20,
        "20 held reads read their orders {during} times in 1.5 s without any change"
    );
}

#[tokio::test]
async fn a_read_held_on_pending_answers_as_soon_as_the_order_is_decided() {
    let w = world().await;
    w.register("TEA-1", 5).await;
    let body = json!({"lines": [{"sku": "TEA-1", "quantity": 1}]}).to_string();
    let (_, placed) = w
        .send("POST", "/api/orders", Some(&w.shopper), Some(body))
        .await;
    let path = format!(
        "/api/orders/{}?wait_for_change_from=pending",
        placed["order_id"].as_str().unwrap()
    );
    let started = std::time::Instant::now();
    // The saga decides 300 ms into the held read.
    let ((status, order), decided_at) =
        tokio::join!(w.send("GET", &path, Some(&w.shopper), None), async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            w.project().await;
            started.elapsed()
        });
    let answered = started.elapsed();
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["status"], "confirmed");
    assert!(
        answered >= decided_at && answered < decided_at + Duration::from_secs(1),
        "answered {answered:?}, decided at {decided_at:?}"
    );
    // Already decided: no wait at all.
    let started = std::time::Instant::now();
    let (status, order) = w.send("GET", &path, Some(&w.shopper), None).await;
    assert_eq!(
        (status, order["status"].as_str()),
        (StatusCode::OK, Some("confirmed"))
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    // Another shopper is told "not found" at once, not after a wait.
    let started = std::time::Instant::now();
    let (status, _) = w.send("GET", &path, Some(&w.other), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(started.elapsed() < Duration::from_secs(1));
    // A cancelled order stays cancelled: held on `cancelled`, it is answered at once.
    let id = placed["order_id"].as_str().unwrap();
    let (status, _) = w
        .send(
            "POST",
            &format!("/api/orders/{id}/cancel"),
            Some(&w.shopper),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    w.project().await;
    let started = std::time::Instant::now();
    let final_read = path.replace("=pending", "=cancelled");
    let (status, order) = w.send("GET", &final_read, Some(&w.shopper), None).await;
    assert_eq!(
        (status, order["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let bad = path.replace("=pending", "=shipped");
    let (status, problem) = w.send("GET", &bad, Some(&w.shopper), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "wait_for_change_from");
}

#[tokio::test]
async fn a_database_that_went_away_is_503_with_retry_after_on_every_path() {
    let w = world().await;
    w.register("TEA-1", 5).await;
    let (_, placed) = w
        .send(
            "POST",
            "/api/orders",
            Some(&w.shopper),
            Some(json!({"lines": [{"sku": "TEA-1", "quantity": 1}]}).to_string()),
        )
        .await;
    let order = format!("/api/orders/{}", placed["order_id"].as_str().unwrap());
    // Every connection of the application's pool gone, as in a database restart.
    w.pool.close().await;
    w.app_pool.close().await;
    let cases = [
        ("GET", "/api/products".to_string(), None),
        ("GET", order.clone(), None),
        ("POST", format!("{order}/cancel"), None),
        (
            "POST",
            "/api/orders".to_string(),
            Some(json!({"lines": [{"sku": "TEA-1", "quantity": 1}]}).to_string()),
        ),
    ];
    for (method, path, body) in cases {
        let (status, headers, problem) = w
            .send_with(method, &path, Some(&w.shopper), body, &[])
            .await;
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{method} {path}: {problem}"
        );
        assert_eq!(headers["retry-after"], "1", "{method} {path}");
    }
}

#[tokio::test]
async fn the_observe_routes_are_admin_only_bounded_and_name_what_is_wrong() {
    let w = world().await;
    // One span as an exporter sends it, through the receiver, into the same database.
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let now = chrono::Utc::now().timestamp_nanos_opt().unwrap();
    let export = json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "order"}}]},
        "scopeSpans": [{"spans": [{
            "traceId": trace_id, "spanId": "00f067aa0ba902b7", "name": "POST /api/orders", "kind": 2,
            "startTimeUnixNano": now.to_string(), "endTimeUnixNano": (now + 1_000_000).to_string(),
            "attributes": [{"key": "correlation_id", "value": {"stringValue": "corr-observe"}}]
        }]}]
    }]});
    let stored = observe::receiver::router(w.pool.clone())
        .oneshot(
            Request::post("/v1/traces")
                .header("content-type", "application/json")
                .body(Body::from(export.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(stored.status(), StatusCode::OK);

    let traces = "/api/admin/observe/traces?q=corr-observe";
    assert_eq!(
        w.send("GET", traces, None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.send("GET", traces, Some(&w.shopper), None).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, found) = w.send("GET", traces, Some(&w.admin), None).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["traces"][0]["trace_id"], trace_id);
    let (status, trace) = w
        .send(
            "GET",
            &format!("/api/admin/observe/traces/{trace_id}"),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(trace["correlation_ids"], json!(["corr-observe"]));
    assert_eq!(
        trace["xray_url"],
        Value::Null,
        "no AWS console region is set"
    );

    // Bad input: a problem naming the parameter, for every view.
    for (path, field) in [
        ("/api/admin/observe/traces?minutes=0", "minutes"),
        ("/api/admin/observe/traces?minutes=1441", "minutes"),
        ("/api/admin/observe/traces?minutes=soon", "minutes"),
        ("/api/admin/observe/traces?limit=201", "limit"),
        ("/api/admin/observe/traces?colour=red", "colour"),
        ("/api/admin/observe/traces/not-a-trace", "trace_id"),
        ("/api/admin/observe/service-map?minutes=-5", "minutes"),
        ("/api/admin/observe/logs?level=LOUD", "level"),
        // The document's enum is exact: upper case, as the lines carry it.
        ("/api/admin/observe/logs?level=warn", "level"),
        // PostgreSQL's text holds no NUL: refused, not a 500.
        ("/api/admin/observe/logs?q=a%00b", "q"),
        ("/api/admin/observe/traces?q=a%00b", "q"),
        ("/api/admin/observe/logs?trace_id=xyz", "trace_id"),
        ("/api/admin/observe/logs?limit=501", "limit"),
        ("/api/admin/observe/metrics?query=", "query"),
        ("/api/admin/observe/metrics?query=up&step=1", "step"),
        ("/api/admin/observe/traces?filter=service(order)", "filter"),
        ("/api/admin/observe/traces?filter=fault%00", "filter"),
        (
            "/api/admin/observe/traces?before=0001-01-01T00:00:00Z",
            "before",
        ),
        (
            "/api/admin/observe/logs/insights?query=stats%20count(*)%20by",
            "query",
        ),
        (
            "/api/admin/observe/logs/insights?query=pattern%20@message",
            "query",
        ),
        ("/api/admin/observe/logs/insights?query=%20", "query"),
        (
            "/api/admin/observe/logs/insights?query=filter%20a%00",
            "query",
        ),
        (
            "/api/admin/observe/logs/insights?query=limit%205&minutes=1441",
            "minutes",
        ),
        (
            "/api/admin/observe/logs/insights?query=limit%205&end=99999-01-01T00:00:00Z",
            "end",
        ),
        ("/api/admin/observe/logs/insights", "query"),
    ] {
        let (status, problem) = w.send("GET", path, Some(&w.admin), None).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
    }
    // AWS's languages: an X-Ray filter expression finds the trace, a Logs Insights query
    // answers as GetQueryResults does, and a query that does not parse says where.
    let (status, found) = w
        .send(
            "GET",
            "/api/admin/observe/traces?filter=annotation.correlation_id%20%3D%20%22corr-observe%22%20AND%20service(%22order%22)",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["traces"][0]["trace_id"], trace_id);
    let insights = "/api/admin/observe/logs/insights?query=stats%20count(*)%20as%20n&minutes=5";
    assert_eq!(
        w.send("GET", insights, Some(&w.shopper), None).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, answer) = w.send("GET", insights, Some(&w.admin), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "Complete");
    assert_eq!(answer["fields"], json!(["n"]));
    assert_eq!(answer["results"][0][0]["field"], "n");
    assert!(answer["statistics"]["records_scanned"].is_i64(), "{answer}");
    let (_, problem) = w
        .send(
            "GET",
            "/api/admin/observe/logs/insights?query=fields%20@timestamp%20%7C",
            Some(&w.admin),
            None,
        )
        .await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("at character 20: expected a command"),
        "{problem}"
    );
    let (status, saved) = w
        .send(
            "GET",
            "/api/admin/observe/saved-queries",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(saved["queries"].as_array().is_some_and(|q| !q.is_empty()));
    let unknown = "/api/admin/observe/traces/0123456789abcdef0123456789abcdef";
    assert_eq!(
        w.send("GET", unknown, Some(&w.admin), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, page) = w
        .send(
            "GET",
            "/api/admin/observe/logs?level=WARN&q=nothing-like-this",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(
        (status, page["logs"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
    let (status, map) = w
        .send(
            "GET",
            "/api/admin/observe/service-map?minutes=5",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{map}");
    // Without a Prometheus (as on AWS) the metric and alarm views say so, 503.
    for path in [
        "/api/admin/observe/metrics?query=up",
        "/api/admin/observe/alarms",
    ] {
        let (status, problem) = w.send("GET", path, Some(&w.admin), None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("PROMETHEUS_URL")
        );
    }
}

/// Polls `path` as the admin until its status is `want`, for at most `within`.
async fn status_within(w: &World, path: &str, want: StatusCode, within: Duration) -> Duration {
    let started = std::time::Instant::now();
    loop {
        let (status, body) = w.send("GET", path, Some(&w.admin), None).await;
        if status == want {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{path} still answers {status} after {within:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn fault_switches_flip_at_run_time_and_bad_parameters_name_the_field() {
    let w = world().await;
    let faults = "/api/admin/faults";
    assert_eq!(
        w.send("GET", faults, Some(&w.shopper), None).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, list) = w.send("GET", faults, Some(&w.admin), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "slow_database",
            "sqs_send_failure",
            "sqs_message_lost",
            "poison_message",
            "projector_crash",
            "product_read_failure",
            "slow_stock_service"
        ]
    );
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["enabled"] == false)
    );
    assert_eq!(
        list["items"][4]["parameter_specs"][0]["options"][0],
        "OrderPlaced"
    );

    // Bad input names the field and flips nothing.
    for (name, body, field) in [
        (
            "slow_database",
            json!({"enabled": true, "added_ms": 0}),
            "added_ms",
        ),
        (
            "slow_database",
            json!({"enabled": true, "added_ms": 10001}),
            "added_ms",
        ),
        (
            "slow_database",
            json!({"enabled": true, "added_ms": 321.5}),
            "added_ms",
        ),
        ("projector_crash", json!({"enabled": true}), "event_type"),
        (
            "projector_crash",
            json!({"enabled": true, "event_type": "OrderShipped"}),
            "event_type",
        ),
        (
            "product_read_failure",
            json!({"enabled": true, "percent": 101}),
            "percent",
        ),
        (
            "sqs_send_failure",
            json!({"enabled": true, "percent": 5}),
            "percent",
        ),
        (
            "sqs_send_failure",
            json!({"enabled": true, "colour": "red"}),
            "colour",
        ),
        ("sqs_send_failure", json!({}), "body"),
    ] {
        let path = format!("{faults}/{name}");
        let (status, problem) = w
            .send("PUT", &path, Some(&w.admin), Some(body.to_string()))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    let (status, _) = w
        .send(
            "PUT",
            &format!("{faults}/gremlins"),
            Some(&w.admin),
            Some(json!({"enabled": true}).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let flipped: i64 = sqlx::query_scalar("SELECT count(*) FROM fault_switches")
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(flipped, 0, "no bad request flipped a switch");

    // Failing product reads: on, every read fails within 2 s; off, every read works again.
    w.register("TEA-F", 5).await;
    let (status, on) = w
        .send(
            "PUT",
            &format!("{faults}/product_read_failure"),
            Some(&w.admin),
            Some(json!({"enabled": true, "percent": 100}).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{on}");
    assert_eq!(on["enabled"], true);
    assert_eq!(on["parameters"], json!({"percent": 100}));
    assert!(!on["flipped_by"].as_str().unwrap().is_empty());
    let seen = status_within(
        &w,
        "/api/products",
        StatusCode::INTERNAL_SERVER_ERROR,
        Duration::from_secs(2),
    )
    .await;
    assert!(seen <= platform::faults::REFRESH + Duration::from_millis(500));
    assert_eq!(
        w.send("GET", "/api/products/TEA-F", None, None).await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let (status, off) = w
        .send(
            "PUT",
            &format!("{faults}/product_read_failure"),
            Some(&w.admin),
            Some(json!({"enabled": false}).to_string()),
        )
        .await;
    assert_eq!((status, &off["enabled"]), (StatusCode::OK, &json!(false)));
    assert_eq!(
        off["parameters"],
        json!({"percent": 100}),
        "kept for next time"
    );
    status_within(&w, "/api/products", StatusCode::OK, Duration::from_secs(2)).await;

    // A slow database: every append waits at least the added time, once every process sees it.
    let (status, _) = w
        .send(
            "PUT",
            &format!("{faults}/slow_database"),
            Some(&w.admin),
            // 400.0 is the whole number 400, as every other body's integers take it.
            Some(json!({"enabled": true, "added_ms": 400.0}).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(platform::faults::REFRESH).await;
    let restock = json!({"quantity": 1}).to_string();
    let started = std::time::Instant::now();
    let (status, _) = w
        .send(
            "POST",
            "/api/admin/products/TEA-F/restock",
            Some(&w.admin),
            Some(restock.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "the append waited"
    );
    w.send(
        "PUT",
        &format!("{faults}/slow_database"),
        Some(&w.admin),
        Some(json!({"enabled": false}).to_string()),
    )
    .await;
    let (_, list) = w.send("GET", faults, Some(&w.admin), None).await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["enabled"] == false)
    );
}

#[tokio::test]
async fn a_game_day_hides_its_fault_checks_the_answer_and_proves_nothing_was_lost() {
    let w = world().await;
    let (status, scenarios) = w
        .send("GET", "/api/admin/scenarios", Some(&w.admin), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{scenarios}");
    assert!(scenarios["items"].as_array().unwrap().len() >= 5);
    assert_eq!(scenarios["running"], Value::Null);
    assert_eq!(
        scenarios["items"][0]["switch"],
        Value::Null,
        "the answer is not in the list"
    );
    w.register("TEA-G", 5).await;

    let (status, run) = w
        .send(
            "POST",
            "/api/admin/scenarios/missing-products/start",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{run}");
    assert_eq!(run["switch"], Value::Null, "hidden until answered");
    let run_id = run["run_id"].as_str().unwrap().to_string();
    let (status, _) = w
        .send(
            "POST",
            "/api/admin/scenarios/stuck-orders/start",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "one game day at a time");
    let (_, faults) = w
        .send("GET", "/api/admin/faults", Some(&w.admin), None)
        .await;
    let hidden: Vec<&Value> = faults["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["hidden"] == true)
        .collect();
    assert_eq!(hidden.len(), 1);
    assert_eq!(
        (&hidden[0]["enabled"], &hidden[0]["parameters"]),
        (&Value::Null, &Value::Null)
    );
    let (status, _) = w
        .send(
            "PUT",
            "/api/admin/faults/slow_database",
            Some(&w.admin),
            Some(json!({"enabled": true}).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "no flipping while it runs");
    // The fault is real: some product reads fail.
    let mut failed = 0;
    for _ in 0..60 {
        if w.send("GET", "/api/products", None, None).await.0 == StatusCode::INTERNAL_SERVER_ERROR {
            failed += 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(failed > 0, "some of 60 reads failed");
    // A shopper orders meanwhile.
    let order = json!({"lines": [{"sku": "TEA-G", "quantity": 1}]}).to_string();
    assert_eq!(
        w.send("POST", "/api/orders", Some(&w.shopper), Some(order))
            .await
            .0,
        StatusCode::ACCEPTED
    );

    let answer = format!("/api/admin/scenarios/runs/{run_id}/answer");
    let (status, problem) = w
        .send(
            "POST",
            &answer,
            Some(&w.admin),
            Some(json!({"switch": "gremlins"}).to_string()),
        )
        .await;
    assert_eq!(
        (status, &problem["errors"][0]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("switch"))
    );
    let (status, answered) = w
        .send(
            "POST",
            &answer,
            Some(&w.admin),
            Some(json!({"switch": "product_read_failure"}).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["correct"], true);
    assert_eq!(answered["switch"], "product_read_failure");
    let signals = answered["signals"].as_array().unwrap();
    assert!(signals.len() > 1);
    // The alarm among the signals carries its verdict; here no alarm board answers (no
    // Prometheus), so it cannot say, rather than say "did not fire".
    let alarm = signals
        .iter()
        .find(|s| s["alarm"] == "api-5xx-rate")
        .expect("the 5xx alarm is a signal");
    assert_eq!(alarm["fired"], Value::Null, "{alarm}");
    assert!(
        signals
            .iter()
            .filter(|s| s["alarm"].is_null())
            .all(|s| s["fired"].is_null() && s["link"].is_string())
    );
    assert!(answered["explanation"].as_str().unwrap().contains("500"));
    let (status, _) = w
        .send(
            "POST",
            &answer,
            Some(&w.admin),
            Some(json!({"switch": "slow_database"}).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "one answer per run");

    let recovery = format!("/api/admin/scenarios/runs/{run_id}/recovery");
    let (_, before) = w.send("GET", &recovery, Some(&w.admin), None).await;
    assert_eq!(
        (&before["fault_off"], &before["recovered"]),
        (&json!(false), &json!(false))
    );
    let (status, _) = w
        .send(
            "POST",
            &format!("/api/admin/scenarios/runs/{run_id}/finish"),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, pending) = w.send("GET", &recovery, Some(&w.admin), None).await;
    assert_eq!(pending["fault_off"], true);
    assert_eq!(
        pending["undecided_orders"], 1,
        "the order is not decided yet: {pending}"
    );
    assert_eq!(pending["recovered"], false);
    w.project().await;
    let (_, after) = w.send("GET", &recovery, Some(&w.admin), None).await;
    assert_eq!(after["recovered"], true, "{after}");
    assert!(
        after["read_models"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["differing"] == 0)
    );
    status_within(&w, "/api/products", StatusCode::OK, Duration::from_secs(2)).await;

    // The check can fail: a read model that drifted from the log is caught.
    sqlx::query("UPDATE products SET on_hand = on_hand + 1 WHERE sku = 'TEA-G'")
        .execute(&w.pool)
        .await
        .unwrap();
    let (_, drifted) = w.send("GET", &recovery, Some(&w.admin), None).await;
    assert_eq!(drifted["recovered"], false);
    let catalog = drifted["read_models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "catalog")
        .unwrap();
    assert_eq!(catalog["differing"], 2, "one row each way: {drifted}");
}

#[tokio::test]
async fn an_admin_uploads_a_product_image_that_the_catalog_then_shows_and_nothing_is_left_over() {
    let endpoint = std::env::var("TEST_AWS_ENDPOINT_URL").unwrap();
    let bucket = format!("images-{}", uuid::Uuid::new_v4().simple());
    let w = world_with(|settings| {
        settings.aws_endpoint_url = Some(endpoint.clone());
        settings.images_bucket = Some(bucket.clone());
    })
    .await;
    let w = &w;
    let s3 = platform::aws::Clients::load(&platform::Settings {
        aws_endpoint_url: Some(endpoint.clone()),
        ..platform::Settings::from_lookup(|_| None).unwrap()
    })
    .await
    .s3();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let objects = || async {
        s3.list_objects_v2()
            .bucket(&bucket)
            .send()
            .await
            .unwrap()
            .contents()
            .iter()
            .map(|o| o.key().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    w.register("IMG-1", 5).await;
    w.register("IMG-2", 5).await;
    let png: &[u8] = b"\x89PNG\r\n\x1a\n not really a picture, but bytes of the announced size";
    let ask = |sku: &str, body: Value| {
        let path = format!("/api/admin/products/{sku}/image-uploads");
        async move {
            w.send("POST", &path, Some(&w.admin), Some(body.to_string()))
                .await
        }
    };

    // Bad requests name the field and hand nothing out.
    for (body, field) in [
        (
            json!({"content_type": "image/gif", "size_bytes": 10}),
            "content_type",
        ),
        (
            json!({"content_type": "image/png", "size_bytes": 0}),
            "size_bytes",
        ),
        (
            json!({"content_type": "image/png", "size_bytes": 2 * 1024 * 1024 + 1}),
            "size_bytes",
        ),
    ] {
        let (status, problem) = ask("IMG-1", body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field);
    }
    let (status, _) = ask(
        "NOPE-1",
        json!({"content_type": "image/png", "size_bytes": 10}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = w
        .send(
            "POST",
            "/api/admin/products/IMG-1/image-uploads",
            Some(&w.shopper),
            Some(json!({"content_type": "image/png", "size_bytes": 10}).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The upload: a presigned PUT of exactly this type and size, to a key the server chose.
    let size = json!({"content_type": "image/png", "size_bytes": png.len()});
    let (status, upload) = ask("IMG-1", size.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{upload}");
    let key = upload["key"].as_str().unwrap().to_string();
    assert!(
        key.starts_with("images/products/IMG-1/") && key.ends_with(".png"),
        "{key}"
    );
    let put = |upload: &Value| {
        let mut request = reqwest::Client::new().put(upload["url"].as_str().unwrap());
        for (name, value) in upload["headers"].as_object().unwrap() {
            request = request.header(name, value.as_str().unwrap());
        }
        request.body(png.to_vec()).send()
    };

    // Attaching before the PUT, or another product's key: 422 naming key, no event appended.
    let attach = |sku: &str, key: &str| {
        let path = format!("/api/admin/products/{sku}/image");
        let body = json!({"key": key}).to_string();
        async move { w.send("PUT", &path, Some(&w.admin), Some(body)).await }
    };
    let events = w.events().await;
    let (status, problem) = attach("IMG-1", &key).await;
    assert_eq!(
        (status, &problem["errors"][0]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("key")),
        "{problem}"
    );
    assert!(put(&upload).await.unwrap().status().is_success());
    let (status, problem) = attach("IMG-2", &key).await;
    assert_eq!(
        (status, &problem["errors"][0]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("key")),
        "{problem}"
    );
    assert_eq!(w.events().await, events, "nothing appended");

    let (status, attached) = attach("IMG-1", &key).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{attached}");
    assert_eq!(attached["image_url"], format!("/{key}"));
    assert_eq!(attached["image"]["content_type"], "image/png");
    assert_eq!(attached["image"]["size_bytes"], png.len());
    w.project().await;
    let (_, product) = w.send("GET", "/api/products/IMG-1", None, None).await;
    assert_eq!(product["image_url"], format!("/{key}"));
    assert_eq!(product["image"]["size_bytes"], png.len(), "{product}");
    let (_, list) = w.send("GET", "/api/products", None, None).await;
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sku"] == "IMG-1")
        .unwrap();
    assert_eq!(listed["image"]["content_type"], "image/png");

    // An object that is not what the upload allowed (another size) is refused and deleted.
    let (_, wrong) = ask("IMG-2", size.clone()).await;
    let wrong_key = wrong["key"].as_str().unwrap().to_string();
    s3.put_object()
        .bucket(&bucket)
        .key(&wrong_key)
        .content_type("image/png")
        .body(vec![0u8; png.len() + 1].into())
        .send()
        .await
        .unwrap();
    let (status, problem) = attach("IMG-2", &wrong_key).await;
    assert_eq!(
        (status, &problem["errors"][0]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("key")),
        "{problem}"
    );
    assert!(
        !objects().await.contains(&wrong_key),
        "the refused object was deleted"
    );

    // A new image replaces the old one, which leaves the bucket.
    let (_, second) = ask("IMG-1", size.clone()).await;
    assert!(put(&second).await.unwrap().status().is_success());
    let second_key = second["key"].as_str().unwrap().to_string();
    assert_eq!(attach("IMG-1", &second_key).await.0, StatusCode::ACCEPTED);
    assert_eq!(objects().await, vec![second_key.clone()]);

    // An upload never attached is swept an hour later, by the next request for one.
    let (_, abandoned) = ask("IMG-2", size.clone()).await;
    assert!(put(&abandoned).await.unwrap().status().is_success());
    assert_eq!(objects().await.len(), 2);
    sqlx::query("UPDATE image_uploads SET created_at = now() - interval '2 hours' WHERE key = $1")
        .bind(abandoned["key"].as_str().unwrap())
        .execute(&w.pool)
        .await
        .unwrap();
    let (_, fresh) = ask("IMG-2", size).await;
    assert_eq!(
        objects().await,
        vec![second_key],
        "the abandoned upload is gone"
    );
    let left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM image_uploads WHERE attached_at IS NULL")
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(left, 1, "only the fresh upload is pending: {fresh}");
}

#[tokio::test]
async fn a_game_day_nobody_finishes_ends_itself_at_its_time_limit() {
    let w = world().await;
    let (status, run) = w
        .send(
            "POST",
            "/api/admin/scenarios/stuck-orders/start",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{run}");
    let run_id = run["run_id"].as_str().unwrap().to_string();
    let started =
        chrono::DateTime::parse_from_rfc3339(run["started_at"].as_str().unwrap()).unwrap();
    let ends = chrono::DateTime::parse_from_rfc3339(run["ends_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        ends - started,
        observe::gameday::TIME_LIMIT,
        "the run says when it ends"
    );

    // Left open past its limit, as a learner who walked away leaves it.
    sqlx::query("UPDATE scenario_runs SET started_at = started_at - interval '31 minutes'")
        .execute(&w.pool)
        .await
        .unwrap();
    let (_, scenarios) = w
        .send("GET", "/api/admin/scenarios", Some(&w.admin), None)
        .await;
    assert_eq!(scenarios["running"], Value::Null, "{scenarios}");
    // Finishing an ended run changes nothing: it answers the run as it ended.
    let (_, ended) = w
        .send(
            "POST",
            &format!("/api/admin/scenarios/runs/{run_id}/finish"),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(ended["finished_by"], observe::gameday::TIMED_OUT, "{ended}");
    assert!(ended["finished_at"].is_string());
    // Its fault is off, and the switches are the learner's again.
    let on: bool =
        sqlx::query_scalar("SELECT coalesce(bool_or(enabled), false) FROM fault_switches")
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert!(!on, "the hidden fault is off");
    let (status, _) = w
        .send(
            "PUT",
            "/api/admin/faults/slow_database",
            Some(&w.admin),
            Some(json!({"enabled": false}).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn above_the_stage_rate_the_api_answers_429_with_retry_after_as_api_gateway_does() {
    let w = world().await;
    let limit = handlers::throttle::Limit {
        rate: 1.0,
        burst: 2,
    };
    let w = World {
        app: handlers::throttle::throttled(w.app.clone(), limit),
        ..w
    };
    for _ in 0..2 {
        assert_eq!(
            w.send("GET", "/api/products", None, None).await.0,
            StatusCode::OK,
            "the burst passes"
        );
    }
    let (status, headers, problem) = w.send_with("GET", "/api/products", None, None, &[]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{problem}");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(problem["status"], 429);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("retry after 1 s"),
        "{problem}"
    );
    // The bucket refills at the rate: a second later a request passes again.
    tokio::time::sleep(Duration::from_millis(1050)).await;
    assert_eq!(
        w.send("GET", "/api/products", None, None).await.0,
        StatusCode::OK
    );
}
