//! AWS's two query languages against stored telemetry whose answers are known: CloudWatch Logs
//! Insights queries over log lines and X-Ray filter expressions over traces, each case adapted
//! from AWS's documented examples to the shop's fields; what does not parse or cannot run answers
//! an error naming why, never a database error. Against a real PostgreSQL (TEST_DATABASE_URL).

use chrono::{DateTime, Duration, TimeZone, Utc};
use eventstore::testing::fresh_database;
use observe::insights::{self, QueryError, QueryResults};
use observe::query::{self, TraceFilter};
use serde_json::{Value, json};
use sqlx::PgPool;

/// The log lines' hour: 11:00 to 12:00 on 2026-01-01.
fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 11, 0, 0).unwrap() + Duration::minutes(minute)
}

const TRACE_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

async fn log(
    pool: &PgPool,
    minute: i64,
    service: &str,
    level: &str,
    message: &str,
    attributes: Value,
) {
    let trace_id = (attributes.get("order_id") == Some(&json!("o-1"))).then_some(TRACE_A);
    sqlx::query(
        "INSERT INTO observe.logs (time, service, level, message, trace_id, attributes, keys)
         VALUES ($1, $2, $3, $4, $5, $6, '{}')",
    )
    .bind(at(minute))
    .bind(service)
    .bind(level)
    .bind(message)
    .bind(trace_id)
    .bind(attributes)
    .execute(pool)
    .await
    .unwrap();
}

async fn lines() -> PgPool {
    let (pool, _) = fresh_database().await;
    let p = &pool;
    log(p, 10, "order", "INFO", "order placed", json!({"order_id": "o-1", "correlation_id": "c-1", "sku": "SKU-1", "duration_ms": 120, "lines": 2})).await;
    log(p, 11, "order", "INFO", "order placed", json!({"order_id": "o-2", "correlation_id": "c-2", "sku": "SKU-2", "duration_ms": 80, "lines": 1})).await;
    log(
        p,
        12,
        "stock-projector",
        "INFO",
        "order confirmed",
        json!({"order_id": "o-1", "event_type": "OrderConfirmed", "correlation_id": "c-1"}),
    )
    .await;
    log(
        p,
        13,
        "stock-projector",
        "ERROR",
        "order rejected: insufficient stock for SKU-2",
        json!({"order_id": "o-2", "event_type": "OrderRejected", "correlation_id": "c-2"}),
    )
    .await;
    log(
        p,
        20,
        "product",
        "INFO",
        "GET /api/products answered 200 in 12 ms",
        json!({"duration_ms": "12", "status": 200}),
    )
    .await;
    log(
        p,
        21,
        "product",
        "WARN",
        "slow read",
        json!({"duration_ms": 900, "status": 200}),
    )
    .await;
    log(
        p,
        30,
        "admin",
        "INFO",
        "fault switch slow_database turned on",
        json!({"switch": "slow_database", "actor": "admin@example.com"}),
    )
    .await;
    log(
        p,
        40,
        "order",
        "ERROR",
        "append failed",
        json!({"error": "timeout", "duration_ms": 3000, "correlation_id": "c-3"}),
    )
    .await;
    // The local gateway's line of the order function: its service is the function's.
    log(
        p,
        50,
        "gateway",
        "INFO",
        "request user=alice id=42 took 15ms",
        json!({"faas.name": "order"}),
    )
    .await;
    log(
        p,
        55,
        "stock-projector",
        "INFO",
        "catch-up done",
        json!({"events": 7, "nested": {"depth": {"n": 5}}}),
    )
    .await;
    // Outside the window.
    log(p, -30, "order", "ERROR", "old", json!({})).await;
    pool
}

async fn run(pool: &PgPool, query: &str) -> Result<QueryResults, QueryError> {
    insights::run(pool, query, at(0), at(60)).await
}

/// Each row's values in the result's field order, ` | ` between, `∅` for a field it lacks.
fn rows(result: &QueryResults) -> Vec<String> {
    result
        .results
        .iter()
        .map(|row| {
            result
                .fields
                .iter()
                .map(|f| {
                    row.iter()
                        .find(|r| &r.field == f)
                        .map_or("∅".to_string(), |r| r.value.clone())
                })
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

#[tokio::test]
async fn logs_insights_queries_answer_what_the_lines_hold() {
    let pool = lines().await;
    let cases: &[(&str, &[&str])] = &[
        (
            "fields @timestamp, message | sort @timestamp desc | limit 3",
            &[
                "2026-01-01 11:55:00.000 | catch-up done",
                "2026-01-01 11:50:00.000 | request user=alice id=42 took 15ms",
                "2026-01-01 11:40:00.000 | append failed",
            ],
        ),
        (
            "fields @timestamp | limit 2",
            &["2026-01-01 11:55:00.000", "2026-01-01 11:50:00.000"],
        ),
        (
            "filter level = \"ERROR\" | fields message",
            &[
                "append failed",
                "order rejected: insufficient stock for SKU-2",
            ],
        ),
        ("stats count(*)", &["10"]),
        (
            "stats count(*) by service | sort service asc",
            &[
                "admin | 1",
                "order | 4",
                "product | 2",
                "stock-projector | 3",
            ],
        ),
        (
            "filter duration_ms > 100 | fields message, duration_ms | sort duration_ms desc",
            &[
                "append failed | 3000",
                "slow read | 900",
                "order placed | 120",
            ],
        ),
        (
            "filter duration_ms < 50 | fields message",
            &["GET /api/products answered 200 in 12 ms"],
        ),
        (
            "stats sum(duration_ms), avg(duration_ms), min(duration_ms), max(duration_ms)",
            &["4112 | 822.4 | 12 | 3000"],
        ),
        (
            "filter message like \"order\" | fields message",
            &[
                "order rejected: insufficient stock for SKU-2",
                "order confirmed",
                "order placed",
                "order placed",
            ],
        ),
        (
            "filter message like /(?i)ORDER placed/ | stats count(*) as n",
            &["2"],
        ),
        (
            "filter message not like /order/ | stats count(*) as n",
            &["6"],
        ),
        (
            "filter message =~ /^order (placed|confirmed)$/ | stats count(*) as n",
            &["3"],
        ),
        (
            "filter level in [\"WARN\", \"ERROR\"] | stats count(*) as n",
            &["3"],
        ),
        ("filter status in [200] | stats count(*) as n", &["2"]),
        (
            "filter level not in [\"INFO\"] | fields level | sort @timestamp asc",
            &["ERROR", "WARN", "ERROR"],
        ),
        (
            "filter ispresent(order_id) | stats count_distinct(order_id) as orders",
            &["2"],
        ),
        ("filter isempty(order_id) | stats count(*) as n", &["6"]),
        (
            "fields strlen(message) as len, toupper(level) as lvl | filter len > 20 | display lvl, len",
            &["INFO | 34", "INFO | 36", "INFO | 39", "ERROR | 44"],
        ),
        (
            "stats count(*) by bin(10m)",
            &[
                "2026-01-01 11:50:00.000 | 2",
                "2026-01-01 11:40:00.000 | 1",
                "2026-01-01 11:30:00.000 | 1",
                "2026-01-01 11:20:00.000 | 2",
                "2026-01-01 11:10:00.000 | 4",
            ],
        ),
        (
            "stats count(*) as lines by bin(1h), service | filter lines > 1",
            &[
                "2026-01-01 11:00:00.000 | order | 4",
                "2026-01-01 11:00:00.000 | product | 2",
                "2026-01-01 11:00:00.000 | stock-projector | 3",
            ],
        ),
        (
            "parse message \"user=* id=* took *\" as user, id, took | filter ispresent(user) | display user, id, took",
            &["alice | 42 | 15ms"],
        ),
        (
            "parse message /insufficient stock for (?<missing>SKU-\\d+)/ | filter ispresent(missing) | display order_id, missing",
            &["o-2 | SKU-2"],
        ),
        (
            "filter correlation_id = \"c-1\" | fields @timestamp, service, message | sort @timestamp asc",
            &[
                "2026-01-01 11:10:00.000 | order | order placed",
                "2026-01-01 11:12:00.000 | stock-projector | order confirmed",
            ],
        ),
        (
            "filter trace_id = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" | stats count(*) as n",
            &["2"],
        ),
        (
            "dedup order_id | filter ispresent(order_id) | fields order_id, message",
            &[
                "o-2 | order rejected: insufficient stock for SKU-2",
                "o-1 | order confirmed",
            ],
        ),
        ("stats pct(duration_ms, 50) as p50", &["120"]),
        (
            "stats earliest(message) as first, latest(message) as last",
            &["order placed | catch-up done"],
        ),
        (
            "stats max(@timestamp) as newest, min(@timestamp) as oldest",
            &["2026-01-01 11:55:00.000 | 2026-01-01 11:10:00.000"],
        ),
        (
            "filter @logStream = \"stock-projector\" | stats count(*) as n",
            &["3"],
        ),
        (
            "filter @log like \"/aws/lambda/shop-order\" | stats count(*) as n",
            &["4"],
        ),
        (
            "filter @message like \"slow read\" | stats count(*) as n",
            &["1"],
        ),
        (
            "fields events * 2 as doubled | filter ispresent(events) | display doubled",
            &["14"],
        ),
        (
            "fields nested.depth.n as n | filter ispresent(n) | display n",
            &["5"],
        ),
        (
            "filter duration_ms >= 80 and duration_ms <= 120 | stats count(*) as n",
            &["2"],
        ),
        (
            "filter level = \"ERROR\" or level = \"WARN\" | stats count(*) as n by level | sort n desc",
            &["ERROR | 2", "WARN | 1"],
        ),
        (
            "filter not ispresent(order_id) and level = \"INFO\" | stats count(*) as n",
            &["4"],
        ),
        (
            "fields concat(service, \"/\", level) as place | filter place = \"product/WARN\" | display place",
            &["product/WARN"],
        ),
        (
            "fields replace(message, \"order\", \"ORDER\") as m | filter m like \"ORDER placed\" | stats count(*) as n",
            &["2"],
        ),
        (
            "filter strcontains(message, \"stock\") | fields message",
            &["order rejected: insufficient stock for SKU-2"],
        ),
        (
            "fields datefloor(@timestamp, 1h) as hour | stats count(*) by hour",
            &["2026-01-01 11:00:00.000 | 10"],
        ),
        (
            "stats count(*) by service | sort `count(*)` desc | limit 1",
            &["order | 4"],
        ),
        (
            "filter duration_ms > 0 | stats avg(duration_ms * 2) as a",
            &["1644.8"],
        ),
        (
            "fields abs(0 - duration_ms) as d | sort d asc | limit 1 | display message",
            &["GET /api/products answered 200 in 12 ms"],
        ),
        (
            "filter @timestamp > \"2026-01-01 11:50:00.000\" | fields message",
            &["catch-up done"],
        ),
        (
            "stats count(*) as n by level | sort level asc",
            &["ERROR | 2", "INFO | 7", "WARN | 1"],
        ),
        (
            "fields toupper(substr(level, 0, 2)) as l | stats count(*) by l | sort l asc",
            &["ER | 2", "IN | 7", "WA | 1"],
        ),
        (
            "fields 1 / 0 as nothing | display nothing | limit 1",
            &["∅"],
        ),
        ("FILTER level = \"WARN\" | FIELDS message", &["slow read"]),
    ];
    assert!(cases.len() >= 40);
    let mut failed = Vec::new();
    for (query, expected) in cases {
        match run(&pool, query).await {
            Ok(result) if rows(&result) == *expected => {}
            Ok(result) => failed.push(format!(
                "{query}\n  expected {expected:?}\n  got      {:?}",
                rows(&result)
            )),
            Err(error) => failed.push(format!("{query}\n  failed: {error}")),
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

#[tokio::test]
async fn a_result_says_what_it_scanned_and_a_series_how_to_draw_it() {
    let pool = lines().await;
    let result = run(
        &pool,
        "filter level = \"ERROR\" | stats count(*) as errors by bin(5m), service",
    )
    .await
    .unwrap();
    assert_eq!(result.status, "Complete");
    assert_eq!(
        (
            result.statistics.records_scanned,
            result.statistics.records_matched
        ),
        (10, 2)
    );
    assert_eq!(result.fields, ["bin(5m)", "service", "errors"]);
    let chart = result.chart.expect("a series");
    assert_eq!(chart.time_field, "bin(5m)");
    assert_eq!(chart.value_fields, ["errors"]);
    assert_eq!(chart.group_fields, ["service"]);
    assert!(
        run(&pool, "stats count(*) by service")
            .await
            .unwrap()
            .chart
            .is_none()
    );
    // Without fields, a record shows its time and its line, as CloudWatch's default does.
    let plain = run(&pool, "filter message = \"slow read\"").await.unwrap();
    assert_eq!(plain.fields, ["@timestamp", "@message"]);
    let line: Value = serde_json::from_str(&plain.results[0][1].value).unwrap();
    assert_eq!(
        (
            line["level"].as_str(),
            line["service"].as_str(),
            line["duration_ms"].as_i64()
        ),
        (Some("WARN"), Some("product"), Some(900))
    );
}

#[tokio::test]
async fn a_query_that_cannot_run_says_why_and_where() {
    let pool = lines().await;
    for (query, position, says) in [
        ("fields @timestamp |", Some(20), "a command"),
        (
            "filter level = ",
            Some(16),
            "a field, a value or a function",
        ),
        (
            "pattern @message",
            Some(1),
            "`pattern` is a Logs Insights command left out",
        ),
        ("stats strlen(message)", Some(7), "an aggregate function"),
        (
            "filter message like /[/",
            None,
            "cannot run on these records",
        ),
        (
            "fields 10 ^ 1000000 as big",
            None,
            "cannot run on these records",
        ),
        (
            "fields frommillis(1e300) as t",
            None,
            "cannot run on these records",
        ),
        ("fields 5m as p", None, "time period"),
        ("sort count(*) desc", None, "goes only in stats"),
        ("limit 0", Some(7), "1 to 10000"),
    ] {
        match run(&pool, query).await {
            Err(QueryError::Invalid {
                message,
                position: at,
            }) => {
                assert!(message.contains(says), "{query}: {message}");
                assert_eq!(at, position, "{query}: {message}");
            }
            other => panic!("{query}: {other:?}"),
        }
    }
}

/// A span of trace `id`'s first letter, `ms` after the trace's start, from and to.
async fn span(
    pool: &PgPool,
    id: &str,
    parent: Option<&str>,
    service: &str,
    ms: (i64, i64),
    error: bool,
    attributes: Value,
) {
    let (start_ms, end_ms) = ms;
    let trace = id.chars().next().unwrap().to_ascii_uppercase();
    let traces = ['A', 'B', 'C', 'D', 'E', 'F'];
    let index = traces.iter().position(|t| *t == trace).unwrap() as i64;
    // A starts 50 minutes ago, E 10 and F 0: newest first is F, E, D, C, B, A.
    let start = Utc::now() - Duration::minutes(50 - 10 * index) + Duration::milliseconds(start_ms);
    let end = start + Duration::milliseconds(end_ms - start_ms);
    let trace_id = trace.to_ascii_lowercase().to_string().repeat(32);
    sqlx::query(
        "INSERT INTO observe.spans (trace_id, span_id, parent_span_id, service, name, kind, start_time,
             end_time, duration_ms, status, attributes, events, links, keys)
         VALUES ($1, $2, $3, $4, $5, 'server', $6, $7, $8, $9, $10, '[]', '[]', '{}')",
    )
    .bind(trace_id)
    .bind(format!("{id:0>16}"))
    .bind(parent.map(|p| format!("{p:0>16}")))
    .bind(service)
    .bind(format!("{service} {id}"))
    .bind(start)
    .bind(end)
    .bind((end_ms - start_ms) as f64)
    .bind(if error { "error" } else { "unset" })
    .bind(attributes)
    .execute(pool)
    .await
    .unwrap();
}

async fn traces() -> PgPool {
    let (pool, _) = fresh_database().await;
    let p = &pool;
    // A: an order placed and confirmed by the saga.
    span(p, "a1", None, "gateway", (0, 300), false, json!({"http.request.method": "POST", "url.path": "/api/orders", "http.response.status_code": 202, "correlation_id": "c-1"})).await;
    span(
        p,
        "a2",
        Some("a1"),
        "order",
        (10, 290),
        false,
        json!({"faas.name": "order"}),
    )
    .await;
    span(
        p,
        "a3",
        Some("a2"),
        "order",
        (20, 200),
        false,
        json!({"command": "PlaceOrder", "order_id": "o-1"}),
    )
    .await;
    span(
        p,
        "a4",
        Some("a3"),
        "stock-projector",
        (400, 600),
        false,
        json!({"event_type": "OrderPlaced", "order_id": "o-1"}),
    )
    .await;
    // B: an order that failed, slowly.
    span(p, "b1", None, "gateway", (0, 1500), true, json!({"http.request.method": "POST", "url.path": "/api/orders", "http.response.status_code": 500})).await;
    span(
        p,
        "b2",
        Some("b1"),
        "order",
        (0, 1400),
        true,
        json!({"faas.name": "order", "http.response.status_code": 500}),
    )
    .await;
    span(
        p,
        "b3",
        Some("b2"),
        "order",
        (50, 1350),
        true,
        json!({"command": "PlaceOrder", "order_id": "o-2"}),
    )
    .await;
    // C: a product that does not exist.
    span(p, "c1", None, "gateway", (0, 20), false, json!({"http.request.method": "GET", "url.path": "/api/products/NOPE", "http.response.status_code": 404, "sku": "NOPE"})).await;
    span(
        p,
        "c2",
        Some("c1"),
        "product",
        (2, 18),
        false,
        json!({"http.response.status_code": 404, "sku": "NOPE"}),
    )
    .await;
    // D: throttled.
    span(
        p,
        "d1",
        None,
        "gateway",
        (0, 5),
        false,
        json!({"http.request.method": "POST", "http.response.status_code": 429}),
    )
    .await;
    // E: an order whose stock check was slow, on its second attempt.
    span(
        p,
        "e1",
        None,
        "order",
        (0, 2500),
        false,
        json!({"http.response.status_code": 202, "order_id": "o-3", "attempt": 2}),
    )
    .await;
    span(
        p,
        "e2",
        Some("e1"),
        "order",
        (10, 2200),
        false,
        json!({"peer.service": "stock-projector", "url.full": "http://127.0.0.1:9/stock"}),
    )
    .await;
    // F: the console asking for traces, as it does every few seconds while open.
    span(
        p,
        "f1",
        None,
        "gateway",
        (0, 30),
        false,
        json!({"http.route": "/api/admin/observe/traces", "http.response.status_code": 200}),
    )
    .await;
    span(
        p,
        "e3",
        Some("e2"),
        "stock-projector",
        (20, 2190),
        false,
        json!({"http.response.status_code": 200, "url.path": "/stock"}),
    )
    .await;
    pool
}

/// The traces an expression finds, newest first, by letter.
async fn found(pool: &PgPool, expression: &str) -> Result<String, String> {
    let filter = querylang::xray::parse(expression).map_err(|e| e.to_string())?;
    let list = query::traces(
        pool,
        &TraceFilter {
            filter: Some(filter),
            minutes: 120,
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(list
        .traces
        .iter()
        .map(|t| t.trace_id[..1].to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(" "))
}

#[tokio::test]
async fn the_consoles_own_requests_are_left_out_unless_asked_for() {
    let pool = traces().await;
    let list = |include_console| {
        let pool = pool.clone();
        async move {
            let filter = TraceFilter {
                minutes: 120,
                limit: 50,
                include_console,
                ..Default::default()
            };
            let found = query::traces(&pool, &filter).await.unwrap();
            found
                .traces
                .iter()
                .map(|t| t.trace_id[..1].to_ascii_uppercase())
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    assert_eq!(list(false).await, "E D C B A");
    assert_eq!(list(true).await, "F E D C B A");
}

#[tokio::test]
async fn xray_filter_expressions_find_the_traces_they_describe() {
    let pool = traces().await;
    let cases = [
        ("fault", "B"),
        ("fault = true", "B"),
        ("fault = false", "E D C A"),
        ("!fault", "E D C A"),
        ("error", "D C"),
        ("throttle", "D"),
        ("ok", "E A"),
        ("!ok", "D C B"),
        ("responsetime > 1", "E B"),
        ("responsetime < 0.1", "D C"),
        ("duration > 1", "E B"),
        ("duration > 0.5", "E B A"),
        ("duration < 0.01", "D"),
        ("http.status = 500", "B"),
        ("http.status >= 400", "D C B"),
        ("http.status = 404 AND http.method = \"GET\"", "C"),
        ("http.method = \"POST\"", "D B A"),
        ("http.url CONTAINS \"/api/products\"", "C"),
        ("http.url BEGINSWITH \"/api/orders\"", "B A"),
        ("http.url ENDSWITH \"/stock\"", "E"),
        ("http.status != 202", "E D C B"),
        ("service(\"product\")", "C"),
        ("service(\"order\") { fault }", "B"),
        ("service(\"order\") { responsetime > 2 }", "E"),
        ("service(\"stock-projector\")", "E A"),
        ("service(\"order\") AND !service(\"stock-projector\")", "B"),
        ("service(\"gateway\") { http.status = 429 }", "D"),
        (
            "service(\"order\") { annotation.order_id ENDSWITH \"-2\" }",
            "B",
        ),
        ("edge(\"order\", \"stock-projector\")", "E A"),
        ("edge(\"gateway\", \"order\") { fault }", "B"),
        ("annotation.order_id = \"o-1\"", "A"),
        ("annotation.order_id != \"o-1\"", "E B"),
        ("annotation.order_id BEGINSWITH \"o-\"", "E B A"),
        ("annotation.attempt >= 2", "E"),
        ("annotation.command = \"PlaceOrder\" AND fault", "B"),
        ("annotation.sku = \"NOPE\"", "C"),
        ("annotation.event_type = \"OrderPlaced\"", "A"),
        (
            "annotation.correlation_id = \"c-1\" OR annotation.order_id = \"o-3\"",
            "E A",
        ),
        ("(fault OR throttle) AND http.method = \"POST\"", "D B"),
        ("responsetime > 1 AND !fault", "E"),
        ("fault || error", "D C B"),
        ("ok and responsetime < 1", "A"),
    ];
    assert!(cases.len() >= 40);
    let mut failed = Vec::new();
    for (expression, expected) in cases {
        match found(&pool, expression).await {
            Ok(got) if got == expected => {}
            other => failed.push(format!("{expression}: expected {expected}, got {other:?}")),
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

/// Words of both languages, so that generated texts get past the first token as often as not.
const WORDS: &[&str] = &[
    "fields",
    "filter",
    "stats",
    "sort",
    "limit",
    "display",
    "parse",
    "dedup",
    "|",
    ",",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "as",
    "by",
    "asc",
    "desc",
    "and",
    "or",
    "not",
    "in",
    "like",
    "=~",
    "=",
    "!=",
    "<",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "^",
    "!",
    "count(*)",
    "count_distinct(",
    "sum(",
    "avg(",
    "pct(",
    "earliest(",
    "bin(5m)",
    "bin(",
    "datefloor(",
    "strlen(",
    "substr(",
    "concat(",
    "ispresent(",
    "frommillis(",
    "@timestamp",
    "@message",
    "@log",
    "level",
    "duration_ms",
    "message",
    "order_id",
    "nested.depth.n",
    "\"ERROR\"",
    "\"*=*\"",
    "/x[/",
    "/(?<a>\\d+)/",
    "/(?i)order/",
    "0",
    "1",
    "-1",
    "1e308",
    "100000",
    "0.5",
    "5m",
    "0s",
    "`a b`",
    "service(\"order\")",
    "edge(\"order\", \"stock-projector\")",
    "fault",
    "error",
    "ok",
    "responsetime",
    "duration",
    "http.status",
    "http.url",
    "CONTAINS",
    "ENDSWITH",
    "AND",
    "OR",
    "annotation.order_id",
    "annotation.attempt",
    "true",
    "\"o-1\"",
    "'",
    "\"",
    "\\",
    "\u{0}",
];

fn texts() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(WORDS), 0..14)
            .prop_map(|words| words.join(" ")),
        any::<String>(),
    ]
}

#[test]
fn any_text_answers_a_result_or_says_why_never_a_database_error() {
    use proptest::test_runner::{Config, TestRunner};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (logs, spans) = runtime.block_on(async { (lines().await, traces().await) });
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&texts(), |text| {
            runtime.block_on(async {
                // PostgreSQL's text holds no NUL: the route refuses it before, as every route does.
                let text = text.replace('\0', "");
                match run(&logs, &text).await {
                    Ok(_) | Err(QueryError::Invalid { .. }) => {}
                    Err(e) => panic!("logs insights {text:?}: {e}"),
                }
                if let Ok(filter) = querylang::xray::parse(&text) {
                    let found = query::traces(
                        &spans,
                        &TraceFilter {
                            filter: Some(filter),
                            minutes: 120,
                            limit: 50,
                            ..Default::default()
                        },
                    )
                    .await;
                    match found {
                        Ok(_) | Err(QueryError::Invalid { .. }) => {}
                        Err(e) => panic!("xray {text:?}: {e}"),
                    }
                }
            });
            Ok(())
        })
        .unwrap();
}
