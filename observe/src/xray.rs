//! Traces on AWS: the X-Ray filter expression the learner typed, sent unchanged to X-Ray
//! (GetTraceSummaries), and each trace's segments (BatchGetTraces) read as the spans the local
//! console draws, so the list, the waterfall and their numbers mean the same in both places.

use aws_sdk_xray::Client;
use aws_sdk_xray::primitives::DateTime as AwsTime;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use crate::insights::QueryError;
use crate::query::{
    MapEdge, MapNode, ServiceMap, SpanRecord, TraceDetail, TraceList, TraceSummary, detail,
};

/// X-Ray takes at most this many ids per BatchGetTraces.
const BATCH: usize = 5;

#[derive(Debug, Clone)]
pub struct XRay {
    pub client: Client,
}

/// A trace id as the console spells it (32 hex digits) in X-Ray's spelling, `1-<8>-<24>`.
pub fn xray_id(trace_id: &str) -> String {
    format!("1-{}-{}", &trace_id[..8], &trace_id[8..])
}

/// X-Ray's `1-<8>-<24>` as 32 hex digits.
pub fn trace_id(xray_id: &str) -> String {
    xray_id.trim_start_matches("1-").replace('-', "")
}

/// The expression sent to X-Ray for a search: the learner's `filter`, an id `q` as the
/// annotations carry it, errors only, and the console's own requests left out unless
/// `include_console`; `None` for every trace.
pub fn expression(
    filter: Option<&str>,
    q: Option<&str>,
    errors_only: bool,
    include_console: bool,
) -> Result<Option<String>, QueryError> {
    let mut parts = Vec::new();
    if !include_console {
        parts.push(format!(
            "!http.url CONTAINS \"{}\"",
            crate::query::CONSOLE_ROUTES
        ));
    }
    if let Some(filter) = filter {
        parts.push(format!("({filter})"));
    }
    if let Some(q) = q {
        if q.contains('"') || q.contains('\\') {
            return Err(QueryError::Invalid {
                message: "an id to search for holds no quote or backslash".into(),
                position: None,
            });
        }
        parts.push(format!(
            "(annotation.order_id = \"{q}\" OR annotation.correlation_id = \"{q}\")"
        ));
    }
    if errors_only {
        parts.push("(fault OR error)".into());
    }
    Ok((!parts.is_empty()).then(|| parts.join(" AND ")))
}

fn unavailable(e: impl std::error::Error) -> QueryError {
    QueryError::Unavailable(format!(
        "X-Ray did not answer: {}",
        aws_sdk_xray::error::DisplayErrorContext(e)
    ))
}

fn aws_time(t: DateTime<Utc>) -> AwsTime {
    AwsTime::from_millis(t.timestamp_millis())
}

impl XRay {
    /// The traces that started in the window, newest first, that `expression` holds for.
    pub async fn traces(
        &self,
        expression: Option<String>,
        minutes: i64,
        limit: i64,
        before: Option<DateTime<Utc>>,
    ) -> Result<TraceList, QueryError> {
        let to = before.unwrap_or_else(Utc::now);
        let from = to - Duration::minutes(minutes);
        let mut ids: Vec<(String, f64)> = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = self
                .client
                .get_trace_summaries()
                .start_time(aws_time(from))
                .end_time(aws_time(to))
                .set_filter_expression(expression.clone())
                .set_next_token(next.take())
                .send()
                .await
                .map_err(|e| {
                    let e = e.into_service_error();
                    if e.is_invalid_request_exception() {
                        QueryError::Invalid {
                            message: format!(
                                "X-Ray refused the expression: {}",
                                e.meta().message().unwrap_or("invalid")
                            ),
                            position: None,
                        }
                    } else {
                        unavailable(e)
                    }
                })?;
            for summary in page.trace_summaries() {
                if let Some(id) = summary.id() {
                    let start = summary.start_time().map_or(0.0, |t| t.as_secs_f64());
                    ids.push((id.to_string(), start));
                }
            }
            next = page.next_token().map(str::to_string);
            if next.is_none() || ids.len() >= limit as usize * 4 {
                break;
            }
        }
        ids.sort_by(|a, b| b.1.total_cmp(&a.1));
        ids.truncate(limit as usize);
        let ids: Vec<String> = ids.into_iter().map(|(id, _)| id).collect();
        let mut traces: Vec<TraceSummary> = self
            .details(&ids)
            .await?
            .iter()
            .filter_map(summary)
            .collect();
        traces.sort_by_key(|t| std::cmp::Reverse(t.start));
        Ok(TraceList::page(traces, from, to, limit))
    }

    /// The service map of the last `minutes`, as X-Ray draws it (GetServiceGraph).
    pub async fn service_map(&self, minutes: i64) -> Result<ServiceMap, QueryError> {
        let to = Utc::now();
        let from = to - Duration::minutes(minutes);
        let mut services = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = self
                .client
                .get_service_graph()
                .start_time(aws_time(from))
                .end_time(aws_time(to))
                .set_next_token(next.take())
                .send()
                .await
                .map_err(|e| unavailable(e.into_service_error()))?;
            services.extend(page.services().iter().cloned());
            next = page.next_token().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
        Ok(map(&services, from, to, minutes))
    }

    /// One trace's spans, or `None` when X-Ray has none.
    pub async fn trace(&self, trace_id: &str) -> Result<Option<TraceDetail>, QueryError> {
        Ok(self.details(&[xray_id(trace_id)]).await?.into_iter().next())
    }

    /// The traces of `ids` (X-Ray's spelling), as read from their segments.
    async fn details(&self, ids: &[String]) -> Result<Vec<TraceDetail>, QueryError> {
        let calls = ids.chunks(BATCH).map(|chunk| {
            self.client
                .batch_get_traces()
                .set_trace_ids(Some(chunk.to_vec()))
                .send()
        });
        let mut all = Vec::new();
        for answer in futures::future::join_all(calls).await {
            let answer = answer.map_err(|e| unavailable(e.into_service_error()))?;
            for trace in answer.traces() {
                let documents: Vec<Value> = trace
                    .segments()
                    .iter()
                    .filter_map(|s| serde_json::from_str(s.document()?).ok())
                    .collect();
                let id = trace_id(trace.id().unwrap_or_default());
                if let Some(detail) = detail(&id, spans(&documents)) {
                    all.push(detail);
                }
            }
        }
        Ok(all)
    }
}

/// X-Ray's graph as the console's map: a node per service (a queue or a database by its
/// type), an edge per call with its rate, its share of errors and faults and its p99 from the
/// response time histogram.
pub(crate) fn map(
    services: &[aws_sdk_xray::types::Service],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    minutes: i64,
) -> ServiceMap {
    let name = |reference: Option<i32>| {
        services
            .iter()
            .find(|s| s.reference_id() == reference)
            .and_then(|s| s.name())
            .unwrap_or("unknown")
            .to_string()
    };
    let mut nodes: Vec<MapNode> = services
        .iter()
        .map(|s| {
            let kind = s.r#type().unwrap_or_default();
            MapNode {
                id: s.name().unwrap_or("unknown").to_string(),
                kind: if kind.contains("SQS") {
                    "queue"
                } else if kind.contains("RDS") || kind.contains("SQL") || kind == "Database" {
                    "database"
                } else {
                    "service"
                }
                .into(),
            }
        })
        .collect();
    nodes.sort();
    nodes.dedup();
    let mut edges = Vec::new();
    for service in services {
        for edge in service.edges() {
            let stats = edge.summary_statistics();
            let requests = stats.and_then(|s| s.total_count()).unwrap_or(0);
            let failed = stats.map_or(0, |s| {
                s.error_statistics()
                    .and_then(|e| e.total_count())
                    .unwrap_or(0)
                    + s.fault_statistics()
                        .and_then(|f| f.total_count())
                        .unwrap_or(0)
            });
            edges.push(MapEdge {
                from: name(service.reference_id()),
                to: name(edge.reference_id()),
                requests,
                per_minute: requests as f64 / minutes as f64,
                error_rate: failed as f64 / requests.max(1) as f64,
                p99_ms: p99(edge.response_time_histogram()) * 1000.0,
            });
        }
    }
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    ServiceMap {
        from,
        to,
        nodes,
        edges,
    }
}

/// The 99th percentile of a histogram of (seconds, count).
fn p99(histogram: &[aws_sdk_xray::types::HistogramEntry]) -> f64 {
    let mut entries: Vec<(f64, i32)> = histogram.iter().map(|h| (h.value(), h.count())).collect();
    entries.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: i64 = entries.iter().map(|e| i64::from(e.1)).sum();
    let mut seen = 0i64;
    for (value, count) in &entries {
        seen += i64::from(*count);
        if seen * 100 >= total * 99 {
            return *value;
        }
    }
    0.0
}

/// Segment documents as spans: a segment is its service's server span, each subsegment a
/// span of the same service under it (a client span when it calls out).
pub(crate) fn spans(documents: &[Value]) -> Vec<SpanRecord> {
    let mut out = Vec::new();
    for segment in documents {
        let service = segment["name"].as_str().unwrap_or("unknown").to_string();
        walk(
            segment,
            segment["parent_id"].as_str(),
            &service,
            true,
            &mut out,
        );
    }
    out
}

fn walk(
    doc: &Value,
    parent: Option<&str>,
    service: &str,
    segment: bool,
    out: &mut Vec<SpanRecord>,
) {
    let id = doc["id"].as_str().unwrap_or_default().to_string();
    let start = doc["start_time"].as_f64().unwrap_or(0.0);
    let end = doc["end_time"].as_f64().unwrap_or(start);
    let mut attributes = Map::new();
    if let Some(annotations) = doc["annotations"].as_object() {
        attributes.extend(annotations.clone());
    }
    let http = &doc["http"];
    if let Some(status) = http["response"]["status"].as_i64() {
        attributes.insert("http.response.status_code".into(), json!(status));
    }
    if let Some(method) = http["request"]["method"].as_str() {
        attributes.insert("http.request.method".into(), json!(method));
    }
    if let Some(url) = http["request"]["url"].as_str() {
        attributes.insert("url.full".into(), json!(url));
    }
    let failed = ["fault", "error", "throttle"]
        .iter()
        .any(|k| doc[*k].as_bool().unwrap_or(false));
    let name = if segment {
        match (
            http["request"]["method"].as_str(),
            http["request"]["url"].as_str(),
        ) {
            (Some(method), Some(url)) => format!("{method} {}", path(url)),
            _ => service.to_string(),
        }
    } else {
        doc["name"].as_str().unwrap_or_default().to_string()
    };
    let kind = if segment {
        "server"
    } else if matches!(doc["namespace"].as_str(), Some("remote" | "aws")) {
        "client"
    } else {
        "internal"
    };
    out.push(SpanRecord {
        span_id: id.clone(),
        parent_span_id: parent.map(str::to_string),
        service: service.to_string(),
        name,
        kind: kind.into(),
        start_time: DateTime::from_timestamp_micros((start * 1e6) as i64).unwrap_or_default(),
        duration_ms: ((end - start) * 1000.0).max(0.0),
        status: if failed { "error" } else { "unset" }.into(),
        status_message: doc["cause"]["exceptions"][0]["message"]
            .as_str()
            .map(str::to_string),
        attributes: Value::Object(attributes),
        events: json!([]),
        links: json!([]),
    });
    for sub in doc["subsegments"].as_array().into_iter().flatten() {
        walk(sub, Some(&id), service, false, out);
    }
}

/// The path of a URL: what the local spans name a route by.
fn path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}

/// A trace's line in the list, counted as the local list counts it.
fn summary(d: &TraceDetail) -> Option<TraceSummary> {
    let root = d
        .spans
        .iter()
        .find(|s| s.parent_span_id.is_none())
        .or(d.spans.first())?;
    let start = d.spans.iter().map(|s| s.start).min()?;
    let end = d
        .spans
        .iter()
        .map(|s| s.start + Duration::microseconds((s.duration_ms * 1000.0) as i64))
        .max()?;
    let mut services = d.services.clone();
    services.sort();
    Some(TraceSummary {
        trace_id: d.trace_id.clone(),
        root: root.name.clone(),
        root_service: root.service.clone(),
        services,
        start,
        duration_ms: (end - start).num_microseconds().unwrap_or(0) as f64 / 1000.0,
        spans: d.spans.len() as i64,
        errors: d.spans.iter().filter(|s| s.status == "error").count() as i64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xrays_graph_reads_as_the_map() {
        use aws_sdk_xray::types::{
            Edge, EdgeStatistics, ErrorStatistics, FaultStatistics, HistogramEntry, Service,
        };
        let edge = Edge::builder()
            .reference_id(2)
            .summary_statistics(
                EdgeStatistics::builder()
                    .total_count(200)
                    .error_statistics(ErrorStatistics::builder().total_count(2).build())
                    .fault_statistics(FaultStatistics::builder().total_count(8).build())
                    .build(),
            )
            .response_time_histogram(HistogramEntry::builder().value(0.01).count(198).build())
            .response_time_histogram(HistogramEntry::builder().value(0.5).count(2).build())
            .build();
        let services = [
            Service::builder()
                .reference_id(1)
                .name("order")
                .r#type("AWS::Lambda::Function")
                .edges(edge)
                .build(),
            Service::builder()
                .reference_id(2)
                .name("shop-events.fifo")
                .r#type("AWS::SQS::Queue")
                .build(),
        ];
        let now = Utc::now();
        let m = map(&services, now - Duration::minutes(10), now, 10);
        assert_eq!(
            m.nodes,
            [
                MapNode {
                    id: "order".into(),
                    kind: "service".into()
                },
                MapNode {
                    id: "shop-events.fifo".into(),
                    kind: "queue".into()
                }
            ]
        );
        let e = &m.edges[0];
        assert_eq!(
            (e.from.as_str(), e.to.as_str(), e.requests),
            ("order", "shop-events.fifo", 200)
        );
        assert_eq!((e.per_minute, e.error_rate), (20.0, 0.05));
        assert_eq!(e.p99_ms, 10.0);
    }

    #[test]
    fn a_search_becomes_one_expression() {
        assert_eq!(expression(None, None, false, true).unwrap(), None);
        assert_eq!(
            expression(None, None, false, false).unwrap().unwrap(),
            "!http.url CONTAINS \"/admin/observe/\""
        );
        assert_eq!(
            expression(
                Some("service(\"order\") { fault }"),
                Some("o-1"),
                true,
                true
            )
            .unwrap()
            .unwrap(),
            "(service(\"order\") { fault }) AND (annotation.order_id = \"o-1\" OR annotation.correlation_id = \"o-1\") AND (fault OR error)"
        );
        assert!(expression(None, Some("a\" OR true"), false, true).is_err());
    }

    #[test]
    fn segments_read_as_the_local_spans() {
        let segment = json!({
            "name": "order", "id": "a1", "start_time": 10.0, "end_time": 10.5, "fault": true,
            "http": {"request": {"method": "POST", "url": "https://x.example/api/orders"}, "response": {"status": 500}},
            "annotations": {"order_id": "o-1"},
            "subsegments": [{"name": "SQS", "id": "a2", "namespace": "aws", "start_time": 10.1, "end_time": 10.2}]
        });
        let d = detail("0123456789abcdef0123456789abcdef", spans(&[segment])).unwrap();
        assert_eq!(d.spans.len(), 2);
        assert_eq!(
            (
                d.spans[0].name.as_str(),
                d.spans[0].kind.as_str(),
                d.spans[0].status.as_str()
            ),
            ("POST /api/orders", "server", "error")
        );
        assert_eq!(d.spans[0].attributes["http.response.status_code"], 500);
        assert_eq!(
            (
                d.spans[1].parent_span_id.as_deref(),
                d.spans[1].kind.as_str(),
                d.spans[1].service.as_str()
            ),
            (Some("a1"), "client", "order")
        );
        assert_eq!(d.order_ids, ["o-1"]);
        let s = summary(&d).unwrap();
        assert_eq!((s.spans, s.errors, s.duration_ms), (2, 1, 500.0));
        assert_eq!(xray_id(&d.trace_id), "1-01234567-89abcdef0123456789abcdef");
        assert_eq!(trace_id("1-01234567-89abcdef0123456789abcdef"), d.trace_id);
    }
}
