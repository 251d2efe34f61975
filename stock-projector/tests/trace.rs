//! One order, one trace: an OTLP receiver runs in this test process; the order handler (in
//! process, through its router) and the real stock-projector binary export their spans to it.
//! The HTTP server span, the command, the SQS producer span, the projector's consumer span and
//! its saga and read-model spans must all share one trace id, with the right parents and links.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use eventstore::testing::{fifo_queue, fresh_database, moto_endpoint, register, sqs};
use handlers::Application;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use prost::Message;
use serde_json::json;
use tower::ServiceExt;
use uuid::Uuid;

mod common;
use common::auth;

#[derive(Debug, Clone)]
struct Seen {
    service: String,
    name: String,
    kind: i32,
    trace_id: String,
    span_id: String,
    parent: String,
    links: Vec<String>,
}

/// A minimal OTLP/HTTP receiver: decodes every export into `Seen` spans.
async fn receiver() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let spans = Arc::new(Mutex::new(Vec::new()));
    let store = spans.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: Bytes| {
            let store = store.clone();
            async move {
                let request = ExportTraceServiceRequest::decode(body).expect("an OTLP export");
                for resource in request.resource_spans {
                    let service = resource
                        .resource
                        .iter()
                        .flat_map(|r| &r.attributes)
                        .find(|a| a.key == "service.name")
                        .and_then(|a| a.value.as_ref())
                        .map(|v| format!("{:?}", v.value))
                        .unwrap_or_default();
                    for scope in resource.scope_spans {
                        for span in scope.spans {
                            store.lock().unwrap().push(Seen {
                                service: service.clone(),
                                name: span.name.clone(),
                                kind: span.kind,
                                trace_id: hex(&span.trace_id),
                                span_id: hex(&span.span_id),
                                parent: hex(&span.parent_span_id),
                                links: span.links.iter().map(|l| hex(&l.trace_id)).collect(),
                            });
                        }
                    }
                }
                (
                    [("content-type", "application/x-protobuf")],
                    ExportTraceServiceResponse::default().encode_to_vec(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, spans)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn one_order_is_one_trace_from_the_request_to_the_read_model() {
    let (otlp, spans) = receiver().await;
    // This process is the order handler; its spans go to the receiver like the projector's.
    let telemetry = platform::telemetry::init_with("order", Some(otlp.clone()));

    let endpoint = moto_endpoint();
    let sqs = sqs(&endpoint).await;
    let queue = fifo_queue(&sqs, &format!("trace-{}.fifo", Uuid::new_v4().simple())).await;
    let (pool, database_url) = fresh_database().await;
    let (cognito, token) = auth().await;
    // The order handler as its binary builds it, from settings.
    let settings = platform::Settings {
        database_url: database_url.clone(),
        event_queue_url: Some(queue.clone()),
        aws_endpoint_url: Some(endpoint.clone()),
        cognito: Some(cognito),
        ..platform::Settings::from_lookup(|_| None).unwrap()
    };
    let application = Application::build(&settings).await.unwrap();
    register(&application.state().store, "TEA-1", 450, 5).await;
    let app = application.router(handlers::order::router());
    let request = axum::http::Request::post("/api/orders")
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(axum::body::Body::from(
            json!({"lines": [{"sku": "TEA-1", "quantity": 1}]}).to_string(),
        ))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 202);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let placed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let order_id = placed["order_id"].as_str().unwrap().to_string();

    let mut projector = Command::new(env!("CARGO_BIN_EXE_stock-projector"))
        .args(["run", "--http", "127.0.0.1:0", "--poll-seconds", "1"])
        .env("DATABASE_URL", &database_url)
        .env("EVENT_QUEUE_URL", &queue)
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &otlp)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM orders WHERE order_id = $1::uuid")
                .bind(&order_id)
                .fetch_optional(&pool)
                .await
                .unwrap();
        if status.as_deref() == Some("confirmed") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the order was not confirmed: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // SIGTERM: the projector stops and flushes its spans; this process flushes its own.
    Command::new("kill")
        .args(["-TERM", &projector.id().to_string()])
        .status()
        .unwrap();
    assert!(projector.wait().unwrap().success());
    tokio::task::spawn_blocking(move || telemetry.flush())
        .await
        .unwrap();

    let spans = spans.lock().unwrap().clone();
    let by_id: HashMap<&str, &Seen> = spans.iter().map(|s| (s.span_id.as_str(), s)).collect();
    let find = |name: &str, kind: SpanKind| {
        spans
            .iter()
            .find(|s| s.name == name && s.kind == kind as i32)
            .unwrap_or_else(|| panic!("no {name} span among {:?}", names(&spans)))
    };
    let server = find("POST /api/orders", SpanKind::Server);
    let trace = &server.trace_id;
    let ancestors = |span: &Seen| {
        let mut chain = Vec::new();
        let mut parent = span.parent.as_str();
        while let Some(p) = by_id.get(parent) {
            chain.push(p.name.clone());
            parent = p.parent.as_str();
        }
        chain
    };
    let send = format!("send {}", queue.rsplit('/').next().unwrap());
    let producer = spans
        .iter()
        .find(|s| {
            // The handler's send; the saga's own sends later join the same trace.
            s.name == send
                && s.kind == SpanKind::Producer as i32
                && &s.trace_id == trace
                && s.service.contains("\"order\"")
        })
        .unwrap_or_else(|| {
            panic!(
                "no SQS send in the request's trace among {:?}",
                names(&spans)
            )
        });
    assert!(
        ancestors(producer).contains(&server.name),
        "send under the request: {:?}",
        ancestors(producer)
    );
    assert!(
        ancestors(producer).contains(&"PlaceOrder".to_string()),
        "send under the command"
    );

    let process = spans
        .iter()
        .find(|s| s.name == "process shop-events" && s.parent == producer.span_id)
        .unwrap_or_else(|| panic!("no process span under the send among {:?}", names(&spans)));
    assert_eq!(process.kind, SpanKind::Consumer as i32);
    assert!(process.service.contains("stock-projector"));
    assert_eq!(
        &process.trace_id, trace,
        "the projector's process span continues the trace"
    );
    assert_eq!(
        process.parent, producer.span_id,
        "process is a child of the send"
    );
    let batch = spans
        .iter()
        .find(|s| s.name == "receive shop-events" && s.links.contains(trace))
        .expect("the receive span links to the message's trace");
    assert_ne!(&batch.trace_id, trace, "the batch is its own trace, linked");

    for name in [
        "reservations OrderPlaced",
        "orders OrderPlaced",
        "orders OrderConfirmed",
    ] {
        let span = spans
            .iter()
            .find(|s| s.name == name && &s.trace_id == trace)
            .unwrap_or_else(|| panic!("no {name} in the trace among {:?}", names(&spans)));
        assert!(span.service.contains("stock-projector"));
    }
    // The saga's own commands join the same trace, under the saga's span.
    let confirm = spans
        .iter()
        .find(|s| s.name == "ConfirmOrder" && &s.trace_id == trace)
        .expect("the saga's ConfirmOrder command is in the trace");
    assert!(ancestors(confirm).contains(&"reservations OrderPlaced".to_string()));
}

fn names(spans: &[Seen]) -> Vec<String> {
    spans
        .iter()
        .map(|s| format!("{}:{}", s.service, s.name))
        .collect()
}
