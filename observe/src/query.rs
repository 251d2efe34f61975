//! What the Observe console reads from the stored telemetry: recent traces and a search, one
//! trace's spans, the service map drawn from span parentage, and log lines. Every query is
//! bounded by a time window and a row limit the caller gives (the handlers check both).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use querylang::sql::{Param, Statement};
use serde::Serialize;
use serde_json::Value;
use sqlx::{FromRow, PgPool};
use utoipa::ToSchema;

use crate::bounded::QueryError;

/// Spans read for one trace at most: a trace bigger than this is shown truncated.
pub const TRACE_SPANS: i64 = 5000;

/// One trace in a list.
#[derive(Debug, Clone, Serialize, ToSchema, FromRow)]
pub struct TraceSummary {
    /// 32 hex digits.
    pub trace_id: String,
    /// The root span's name.
    pub root: String,
    pub root_service: String,
    /// Every service with a span in the trace.
    pub services: Vec<String>,
    pub start: DateTime<Utc>,
    pub duration_ms: f64,
    pub spans: i64,
    /// Spans with status error.
    pub errors: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TraceList {
    pub traces: Vec<TraceSummary>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Pass as `before` for the next (older) page; `None` on the last.
    pub next_before: Option<DateTime<Utc>>,
}

/// What a trace search asks for.
#[derive(Debug, Clone, Default)]
pub struct TraceFilter {
    /// A trace id, or a correlation, order or message id a span carries.
    pub q: Option<String>,
    /// An X-Ray filter expression the trace meets.
    pub filter: Option<querylang::xray::Filter>,
    pub minutes: i64,
    pub limit: i64,
    /// Only traces with an error span.
    pub errors_only: bool,
    /// Only traces that started before this: a previous page's `next_before`.
    pub before: Option<DateTime<Utc>>,
    /// The console's own requests too (`/api/admin/observe/*`, every few seconds while it is
    /// open): left out unless asked for, so they do not bury the shop's traces.
    pub include_console: bool,
}

/// The console's own routes, as a span's route or path spells them.
pub const CONSOLE_ROUTES: &str = "/admin/observe/";

/// How long a trace search may run.
const FILTER_SECONDS: u32 = 10;

/// The traces that started in the last `minutes` (and before `before`), newest first; with
/// `q`, only those whose trace id is `q` or with a span carrying `q` as a correlation, order or
/// message id; with `filter`, only those the X-Ray filter expression holds for.
pub async fn traces(pool: &PgPool, filter: &TraceFilter) -> Result<TraceList, QueryError> {
    let to = Utc::now();
    let from = to - Duration::minutes(filter.minutes);
    let mut st = Statement::new();
    st.push("WITH chosen AS (SELECT s.trace_id FROM observe.spans s WHERE s.start_time >= ")
        .bind(Param::Text(from.to_rfc3339()))
        .push("::timestamptz GROUP BY s.trace_id HAVING true");
    if let Some(q) = &filter.q {
        st.push(" AND bool_or(s.trace_id = lower(")
            .bind_text(q)
            .push(") OR ")
            .bind_text(q)
            .push(" = ANY(s.keys))");
    }
    if filter.errors_only {
        st.push(" AND bool_or(s.status = 'error')");
    }
    if !filter.include_console {
        st.push(" AND NOT COALESCE(bool_or(strpos(COALESCE(s.attributes ->> 'http.route', s.attributes ->> 'url.path', ''), ")
            .bind_text(CONSOLE_ROUTES)
            .push(") > 0), false)");
    }
    if let Some(before) = filter.before {
        st.push(" AND min(s.start_time) < ")
            .bind(Param::Text(before.to_rfc3339()))
            .push("::timestamptz");
    }
    if let Some(expression) = &filter.filter {
        st.push(" AND ");
        querylang::xray::compile(expression, &mut st, "observe.spans");
    }
    st.push(" ORDER BY min(s.start_time) DESC LIMIT ")
        .bind(Param::Int(filter.limit))
        .push(
            ") SELECT s.trace_id, \
                (array_agg(s.name ORDER BY (s.parent_span_id IS NULL) DESC, s.start_time))[1] AS root, \
                (array_agg(s.service ORDER BY (s.parent_span_id IS NULL) DESC, s.start_time))[1] AS root_service, \
                array_agg(DISTINCT s.service) AS services, \
                min(s.start_time) AS start, \
                EXTRACT(EPOCH FROM max(s.end_time) - min(s.start_time))::float8 * 1000 AS duration_ms, \
                count(*) AS spans, \
                count(*) FILTER (WHERE s.status = 'error') AS errors \
             FROM observe.spans s JOIN chosen USING (trace_id) \
             GROUP BY s.trace_id \
             ORDER BY start DESC",
        );
    let traces: Vec<TraceSummary> = crate::bounded::fetch_all(pool, &st, FILTER_SECONDS)
        .await?
        .ok_or_else(|| QueryError::Invalid {
            message: format!(
                "the search ran past {FILTER_SECONDS} s: narrow the window or the expression"
            ),
            position: None,
        })?;
    Ok(TraceList::page(traces, from, to, filter.limit))
}

impl TraceList {
    /// A page of at most `limit` traces, newest first, from the window `from`..`to`: a full
    /// page says where the next (older) one starts.
    pub fn page(
        traces: Vec<TraceSummary>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> Self {
        let next_before = (traces.len() as i64 == limit)
            .then(|| traces.last().map(|t| t.start))
            .flatten();
        Self {
            traces,
            from,
            to,
            next_before,
        }
    }
}

/// One span as the waterfall draws it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpanView {
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub service: String,
    pub name: String,
    /// internal, server, client, producer or consumer.
    pub kind: String,
    pub start: DateTime<Utc>,
    /// From the trace's first span.
    pub start_offset_ms: f64,
    pub duration_ms: f64,
    /// unset, ok or error.
    pub status: String,
    pub status_message: Option<String>,
    #[schema(value_type = Object)]
    pub attributes: Value,
    pub events: Vec<SpanEventView>,
    pub links: Vec<SpanLink>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpanEventView {
    pub name: String,
    pub time: DateTime<Utc>,
    #[schema(value_type = Object)]
    pub attributes: Value,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct SpanLink {
    pub trace_id: String,
    pub span_id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TraceDetail {
    pub trace_id: String,
    pub spans: Vec<SpanView>,
    pub services: Vec<String>,
    /// Aggregate ids the trace's spans name (an order's id among them).
    pub order_ids: Vec<String>,
    pub correlation_ids: Vec<String>,
    /// On AWS, the same trace in the X-Ray console.
    pub xray_url: Option<String>,
}

/// One span as stored (or, on AWS, as an X-Ray segment reads: [`crate::xray`]).
#[derive(FromRow)]
pub(crate) struct SpanRecord {
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub service: String,
    pub name: String,
    pub kind: String,
    pub start_time: DateTime<Utc>,
    pub duration_ms: f64,
    pub status: String,
    pub status_message: Option<String>,
    pub attributes: Value,
    pub events: Value,
    pub links: Value,
}

/// Every span of `trace_id` in start order, or `None` when none is stored.
pub async fn trace(pool: &PgPool, trace_id: &str) -> sqlx::Result<Option<TraceDetail>> {
    let records = sqlx::query_as::<_, SpanRecord>(
        "SELECT span_id, parent_span_id, service, name, kind, start_time, duration_ms, status,
                status_message, attributes, events, links
         FROM observe.spans WHERE trace_id = $1 ORDER BY start_time, id LIMIT $2",
    )
    .bind(trace_id)
    .bind(TRACE_SPANS)
    .fetch_all(pool)
    .await?;
    Ok(detail(trace_id, records))
}

/// The trace of `records`, in start order, with the services, orders and correlations they
/// name; `None` without any.
pub(crate) fn detail(trace_id: &str, mut records: Vec<SpanRecord>) -> Option<TraceDetail> {
    records.sort_by_key(|r| r.start_time);
    let first = records.first().map(|r| r.start_time)?;
    let mut services = Vec::new();
    let mut order_ids = Vec::new();
    let mut correlation_ids = Vec::new();
    let mut spans = Vec::with_capacity(records.len());
    for r in records {
        push_unique(&mut services, &r.service);
        let text = |key: &str| {
            r.attributes
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        if let Some(id) = text("correlation_id") {
            push_unique(&mut correlation_ids, &id);
        }
        // Orders are the aggregates a shopper knows; a Stock stream's id is a SKU.
        if let Some(id) = text("order_id").or_else(|| {
            (text("aggregate_type").as_deref() == Some("Order"))
                .then(|| text("aggregate_id"))
                .flatten()
        }) {
            push_unique(&mut order_ids, &id);
        }
        let events = r
            .events
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| SpanEventView {
                name: e["name"].as_str().unwrap_or_default().to_string(),
                time: DateTime::from_timestamp_nanos(e["time_unix_nano"].as_i64().unwrap_or(0)),
                attributes: e["attributes"].clone(),
            })
            .collect();
        spans.push(SpanView {
            start_offset_ms: (r.start_time - first).num_microseconds().unwrap_or(0) as f64 / 1000.0,
            span_id: r.span_id,
            parent_span_id: r.parent_span_id,
            service: r.service,
            name: r.name,
            kind: r.kind,
            start: r.start_time,
            duration_ms: r.duration_ms,
            status: r.status,
            status_message: r.status_message,
            attributes: r.attributes,
            events,
            links: serde_json::from_value(r.links).unwrap_or_default(),
        });
    }
    Some(TraceDetail {
        trace_id: trace_id.to_string(),
        spans,
        services,
        order_ids,
        correlation_ids,
        xray_url: None,
    })
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// A node of the service map.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct MapNode {
    pub id: String,
    /// service, queue or database.
    pub kind: String,
}

/// Calls from one node to another in the window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MapEdge {
    pub from: String,
    pub to: String,
    pub requests: i64,
    pub per_minute: f64,
    /// Between 0 and 1.
    pub error_rate: f64,
    pub p99_ms: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceMap {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
}

#[derive(FromRow)]
struct EdgeRecord {
    source: String,
    source_kind: String,
    target: String,
    target_kind: String,
    requests: i64,
    errors: i64,
    p99_ms: f64,
}

/// The map of the last `minutes`, from the spans: a server span whose parent is another
/// service's span is a call between the two; a producer span is a send to its queue, and a
/// consumer span with a parent a delivery from its queue; a span naming a `db.system.name` (or
/// the older `db.system`) is a call to that database.
pub async fn service_map(pool: &PgPool, minutes: i64) -> sqlx::Result<ServiceMap> {
    let to = Utc::now();
    let from = to - Duration::minutes(minutes);
    let records = sqlx::query_as::<_, EdgeRecord>(
        "WITH recent AS (SELECT * FROM observe.spans WHERE start_time >= $1),
         hops AS (
            SELECT p.service AS source, 'service' AS source_kind, c.service AS target,
                   'service' AS target_kind, c.duration_ms, c.status
            FROM recent c JOIN recent p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
            WHERE c.kind = 'server' AND c.service <> p.service
            UNION ALL
            SELECT service, 'service', attributes->>'messaging.destination.name', 'queue', duration_ms, status
            FROM recent WHERE kind = 'producer' AND attributes ? 'messaging.destination.name'
            UNION ALL
            SELECT attributes->>'messaging.destination.name', 'queue', service, 'service', duration_ms, status
            FROM recent WHERE kind = 'consumer' AND parent_span_id IS NOT NULL
              AND attributes ? 'messaging.destination.name'
            UNION ALL
            SELECT service, 'service',
                   coalesce(attributes->>'db.namespace', attributes->>'db.system.name', attributes->>'db.system'),
                   'database', duration_ms, status
            FROM recent WHERE attributes ? 'db.system.name' OR attributes ? 'db.system')
         SELECT source, source_kind, target, target_kind, count(*) AS requests,
                count(*) FILTER (WHERE status = 'error') AS errors,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99_ms
         FROM hops GROUP BY source, source_kind, target, target_kind
         ORDER BY source, target",
    )
    .bind(from)
    .fetch_all(pool)
    .await?;
    let mut nodes = BTreeMap::new();
    let edges = records
        .into_iter()
        .map(|r| {
            nodes.insert(r.source.clone(), r.source_kind);
            nodes.insert(r.target.clone(), r.target_kind);
            MapEdge {
                per_minute: r.requests as f64 / minutes as f64,
                error_rate: r.errors as f64 / r.requests.max(1) as f64,
                from: r.source,
                to: r.target,
                requests: r.requests,
                p99_ms: r.p99_ms,
            }
        })
        .collect();
    Ok(ServiceMap {
        from,
        to,
        nodes: nodes
            .into_iter()
            .map(|(id, kind)| MapNode { id, kind })
            .collect(),
        edges,
    })
}

/// One log record.
#[derive(Debug, Clone, Serialize, ToSchema, FromRow)]
pub struct LogLine {
    pub time: DateTime<Utc>,
    pub service: String,
    /// TRACE, DEBUG, INFO, WARN or ERROR.
    pub level: String,
    pub message: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    #[schema(value_type = Object)]
    pub attributes: Value,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LogLines {
    pub logs: Vec<LogLine>,
    /// Pass as `before` for the next (older) page; `None` on the last.
    pub next_before: Option<DateTime<Utc>>,
}

/// What a log search asks for; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
    /// At least this level.
    pub level: Option<String>,
    /// In the message, case-insensitive.
    pub text: Option<String>,
    pub minutes: i64,
    pub limit: i64,
    pub before: Option<DateTime<Utc>>,
}

const LEVELS: [&str; 5] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];

/// The levels at or above `level`.
fn at_least(level: &str) -> Vec<String> {
    let from = LEVELS.iter().position(|l| *l == level).unwrap_or(0);
    LEVELS[from..].iter().map(|l| l.to_string()).collect()
}

/// Log records matching `filter`, newest first.
pub async fn logs(pool: &PgPool, filter: &LogFilter) -> sqlx::Result<LogLines> {
    let before = filter.before.unwrap_or_else(Utc::now);
    let from = Utc::now() - Duration::minutes(filter.minutes);
    let levels = filter.level.as_deref().map(at_least);
    let pattern = filter.text.as_deref().map(|t| {
        format!(
            "%{}%",
            t.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let logs = sqlx::query_as::<_, LogLine>(
        "SELECT time, service, level, message, trace_id, span_id, attributes
         FROM observe.logs
         WHERE time >= $1 AND time < $2
           AND ($3::text IS NULL OR trace_id = lower($3))
           AND ($4::text IS NULL OR $4 = ANY(keys))
           AND ($5::text[] IS NULL OR level = ANY($5))
           AND ($6::text IS NULL OR message ILIKE $6)
         ORDER BY time DESC, id DESC LIMIT $7",
    )
    .bind(from)
    .bind(before)
    .bind(&filter.trace_id)
    .bind(&filter.correlation_id)
    .bind(levels)
    .bind(pattern)
    .bind(filter.limit)
    .fetch_all(pool)
    .await?;
    let next_before = (logs.len() as i64 == filter.limit)
        .then(|| logs.last().map(|l| l.time))
        .flatten();
    Ok(LogLines { logs, next_before })
}

/// The levels a log filter accepts.
pub fn is_level(level: &str) -> bool {
    LEVELS.contains(&level)
}
