//! The receiver as an exporter and the console meet it: exports in protobuf and JSON are stored
//! whole and found by trace, order and correlation id; the service map follows span parentage
//! and the queue hop; what is not OTLP is refused and leaves nothing behind; retention bounds
//! what is kept. Against a real PostgreSQL (TEST_DATABASE_URL).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use eventstore::testing::fresh_database;
use observe::query::{self, LogFilter, TraceFilter};
use observe::{Retention, store};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, span::SpanKind};
use prost::Message;
use serde_json::json;
use sqlx::PgPool;
use tower::ServiceExt;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

fn text(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.into())),
        }),
        ..Default::default()
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn now_nanos() -> u64 {
    chrono::Utc::now().timestamp_nanos_opt().unwrap() as u64
}

/// One service's spans as its SDK exports them.
fn export(service: &str, spans: Vec<Span>) -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![text("service.name", service)],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn span(id: &str, parent: &str, name: &str, kind: SpanKind, attributes: Vec<KeyValue>) -> Span {
    let start = now_nanos();
    Span {
        trace_id: unhex(TRACE),
        span_id: unhex(id),
        parent_span_id: unhex(parent),
        name: name.into(),
        kind: kind as i32,
        start_time_unix_nano: start,
        end_time_unix_nano: start + 5_000_000,
        attributes,
        ..Default::default()
    }
}

async fn post(pool: &PgPool, path: &str, content_type: &str, body: Vec<u8>) -> StatusCode {
    observe::receiver::router(pool.clone())
        .oneshot(
            Request::post(path)
                .header("content-type", content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap()
        .status()
}

fn search(q: &str) -> TraceFilter {
    TraceFilter {
        q: Some(q.into()),
        minutes: 60,
        limit: 10,
        ..Default::default()
    }
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM observe.{table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_order_trace_from_three_services_is_stored_found_and_mapped() {
    let (pool, _) = fresh_database().await;
    let order = "0b7c1b40-7a52-4b4f-9a0c-6f1d8a0d1e2f";
    // The order function, in protobuf: its server span under the gateway's, a database call and
    // the send to the queue.
    let order_spans = export(
        "order",
        vec![
            span(
                "00f067aa0ba902b7",
                "00000000000000a1",
                "POST /api/orders",
                SpanKind::Server,
                vec![text("correlation_id", "corr-1")],
            ),
            span(
                "00f067aa0ba902b8",
                "00f067aa0ba902b7",
                "append events",
                SpanKind::Internal,
                vec![
                    text("db.system.name", "postgresql"),
                    text("aggregate_type", "Order"),
                    text("aggregate_id", order),
                ],
            ),
            span(
                "00f067aa0ba902b9",
                "00f067aa0ba902b7",
                "send shop-events.fifo",
                SpanKind::Producer,
                vec![text("messaging.destination.name", "shop-events.fifo")],
            ),
        ],
    );
    assert_eq!(
        post(&pool, "/v1/traces", "application/x-protobuf", order_spans).await,
        StatusCode::OK
    );
    // The gateway's root span and the projector's consumer span, in OTLP JSON.
    let json_export = |service: &str, id: &str, parent: &str, name: &str, kind: i32| {
        let start = now_nanos();
        json!({"resourceSpans": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
            "scopeSpans": [{"spans": [{
                "traceId": TRACE, "spanId": id, "parentSpanId": parent, "name": name, "kind": kind,
                "startTimeUnixNano": start.to_string(), "endTimeUnixNano": (start + 9_000_000).to_string(),
                "attributes": [{"key": "messaging.destination.name", "value": {"stringValue": "shop-events.fifo"}}],
                "status": {"code": 2, "message": "boom"}
            }]}]
        }]})
        .to_string()
        .into_bytes()
    };
    let gateway = json_export("gateway", "00000000000000a1", "", "POST /api/orders", 2);
    let projector = json_export(
        "stock-projector",
        "00000000000000c1",
        "00f067aa0ba902b9",
        "process shop-events",
        5,
    );
    for body in [gateway, projector] {
        assert_eq!(
            post(&pool, "/v1/traces", "application/json", body).await,
            StatusCode::OK
        );
    }

    for q in [TRACE, order, "corr-1"] {
        let found = query::traces(&pool, &search(q)).await.unwrap();
        assert_eq!(found.traces.len(), 1, "found by {q}");
        let summary = &found.traces[0];
        assert_eq!(summary.trace_id, TRACE);
        assert_eq!(
            (summary.root.as_str(), summary.root_service.as_str()),
            ("POST /api/orders", "gateway")
        );
        assert_eq!(summary.services.len(), 3);
        assert_eq!((summary.spans, summary.errors), (5, 2));
    }
    assert!(
        query::traces(&pool, &search("no-such-id"))
            .await
            .unwrap()
            .traces
            .is_empty()
    );

    let trace = query::trace(&pool, TRACE)
        .await
        .unwrap()
        .expect("the trace");
    assert_eq!(trace.spans.len(), 5);
    assert_eq!(trace.order_ids, vec![order.to_string()]);
    assert_eq!(trace.correlation_ids, vec!["corr-1".to_string()]);
    let consumer = trace.spans.iter().find(|s| s.kind == "consumer").unwrap();
    assert_eq!(consumer.parent_span_id.as_deref(), Some("00f067aa0ba902b9"));
    assert_eq!(
        (consumer.status.as_str(), consumer.status_message.as_deref()),
        ("error", Some("boom"))
    );

    let map = query::service_map(&pool, 15).await.unwrap();
    let edges: Vec<(&str, &str, i64)> = map
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str(), e.requests))
        .collect();
    for edge in [
        ("gateway", "order", 1),
        ("order", "shop-events.fifo", 1),
        ("shop-events.fifo", "stock-projector", 1),
        ("order", "postgresql", 1),
    ] {
        assert!(edges.contains(&edge), "{edge:?} in {edges:?}");
    }
    let queue = map
        .nodes
        .iter()
        .find(|n| n.id == "shop-events.fifo")
        .unwrap();
    assert_eq!(queue.kind, "queue");
    let failing = map
        .edges
        .iter()
        .find(|e| e.to == "stock-projector")
        .unwrap();
    assert_eq!(failing.error_rate, 1.0);
}

#[tokio::test]
async fn logs_are_found_by_trace_correlation_level_and_text() {
    let (pool, _) = fresh_database().await;
    let record = |level: (i32, &str), message: &str, correlation: &str| {
        json!({"severityNumber": level.0, "severityText": level.1, "timeUnixNano": now_nanos().to_string(),
               "body": {"stringValue": message}, "traceId": TRACE, "spanId": "00f067aa0ba902b7",
               "attributes": [{"key": "correlation_id", "value": {"stringValue": correlation}}]})
    };
    let body = json!({"resourceLogs": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "order"}}]},
        "scopeLogs": [{"logRecords": [
            record((9, "INFO"), "order placed", "corr-1"),
            record((13, "WARN"), "publishing to the event queue failed", "corr-1"),
            record((9, "INFO"), "order placed", "corr-2"),
        ]}]
    }]});
    assert_eq!(
        post(
            &pool,
            "/v1/logs",
            "application/json",
            body.to_string().into_bytes()
        )
        .await,
        StatusCode::OK
    );
    let search = |filter: LogFilter| {
        let pool = pool.clone();
        async move { query::logs(&pool, &filter).await.unwrap().logs }
    };
    let base = LogFilter {
        minutes: 60,
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        search(LogFilter {
            trace_id: Some(TRACE.into()),
            ..base.clone()
        })
        .await
        .len(),
        3
    );
    assert_eq!(
        search(LogFilter {
            correlation_id: Some("corr-2".into()),
            ..base.clone()
        })
        .await
        .len(),
        1
    );
    let warnings = search(LogFilter {
        level: Some("WARN".into()),
        ..base.clone()
    })
    .await;
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].level, "WARN");
    assert_eq!(
        search(LogFilter {
            text: Some("EVENT QUEUE".into()),
            ..base.clone()
        })
        .await
        .len(),
        1
    );
    // A page of one line says where the next begins.
    let first = query::logs(
        &pool,
        &LogFilter {
            limit: 1,
            ..base.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(first.logs.len(), 1);
    assert!(first.next_before.is_some());
}

#[tokio::test]
async fn what_is_not_otlp_is_refused_and_leaves_nothing_behind() {
    let (pool, _) = fresh_database().await;
    let good = export(
        "order",
        vec![span("00f067aa0ba902b7", "", "x", SpanKind::Server, vec![])],
    );
    assert_eq!(
        post(
            &pool,
            "/v1/traces",
            "application/x-protobuf",
            b"\xff\xff\xff\xff".to_vec()
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(
            &pool,
            "/v1/traces",
            "application/json",
            b"{\"resourceSpans\": 7}".to_vec()
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(&pool, "/v1/logs", "application/json", b"not json".to_vec()).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(&pool, "/v1/traces", "text/plain", good.clone()).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let oversized = vec![0u8; observe::receiver::BODY_LIMIT + 1];
    assert_eq!(
        post(&pool, "/v1/traces", "application/x-protobuf", oversized).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let gzip = observe::receiver::router(pool.clone())
        .oneshot(
            Request::post("/v1/traces")
                .header("content-type", "application/x-protobuf")
                .header("content-encoding", "gzip")
                .body(Body::from(good.clone()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(gzip.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // One bad span refuses its whole export.
    let mut mixed = ExportTraceServiceRequest::decode(good.as_slice()).unwrap();
    mixed.resource_spans[0].scope_spans[0].spans.push(Span {
        trace_id: vec![0; 16],
        span_id: unhex("00f067aa0ba902b8"),
        ..Default::default()
    });
    assert_eq!(
        post(
            &pool,
            "/v1/traces",
            "application/x-protobuf",
            mixed.encode_to_vec()
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        (count(&pool, "spans").await, count(&pool, "logs").await),
        (0, 0)
    );
    assert_eq!(
        post(&pool, "/v1/traces", "application/x-protobuf", good).await,
        StatusCode::OK
    );
    assert_eq!(count(&pool, "spans").await, 1);
}

#[tokio::test]
async fn retention_keeps_the_newest_rows_within_the_caps_and_the_age() {
    let (pool, _) = fresh_database().await;
    let spans: Vec<Span> = (1..=10)
        .map(|i| {
            span(
                &format!("{i:016x}"),
                "",
                &format!("span {i}"),
                SpanKind::Internal,
                vec![],
            )
        })
        .collect();
    assert_eq!(
        post(
            &pool,
            "/v1/traces",
            "application/x-protobuf",
            export("order", spans)
        )
        .await,
        StatusCode::OK
    );
    let caps = Retention {
        max_spans: 3,
        max_logs: 5,
        ..Retention::default()
    };
    let trimmed = store::trim(&pool, caps).await.unwrap();
    assert_eq!(trimmed.spans, 7);
    let kept: Vec<String> = sqlx::query_scalar("SELECT name FROM observe.spans ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(kept, vec!["span 8", "span 9", "span 10"]);
    // Within both bounds, nothing more goes.
    assert_eq!(store::trim(&pool, caps).await.unwrap().spans, 0);
    // Past the age, everything goes.
    let aged = Retention {
        max_age: std::time::Duration::ZERO,
        ..caps
    };
    assert_eq!(store::trim(&pool, aged).await.unwrap().spans, 3);
    assert_eq!(count(&pool, "spans").await, 0);
}

#[tokio::test]
async fn traces_page_newest_first_by_their_start() {
    let (pool, _) = fresh_database().await;
    // Five one-span traces, a millisecond apart.
    let start = now_nanos() - 10_000_000;
    let spans: Vec<Span> = (1..=5u64)
        .map(|i| Span {
            trace_id: unhex(&format!("{i:032x}")),
            span_id: unhex(&format!("{i:016x}")),
            name: format!("trace {i}"),
            kind: SpanKind::Server as i32,
            start_time_unix_nano: start + i * 1_000_000,
            end_time_unix_nano: start + i * 1_000_000 + 1,
            ..Default::default()
        })
        .collect();
    assert_eq!(
        post(
            &pool,
            "/v1/traces",
            "application/x-protobuf",
            export("order", spans)
        )
        .await,
        StatusCode::OK
    );
    let mut filter = TraceFilter {
        minutes: 60,
        limit: 2,
        ..Default::default()
    };
    let mut seen = Vec::new();
    loop {
        let page = query::traces(&pool, &filter).await.unwrap();
        seen.extend(page.traces.iter().map(|t| t.root.clone()));
        match page.next_before {
            Some(before) => filter.before = Some(before),
            None => break,
        }
    }
    assert_eq!(
        seen,
        vec!["trace 5", "trace 4", "trace 3", "trace 2", "trace 1"]
    );
}
