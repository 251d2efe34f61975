//! OTLP/HTTP export requests, protobuf or JSON, turned into the rows the receiver keeps: one
//! [`SpanRow`] per span and one [`LogRow`] per log record, each with its resource's
//! `service.name`, attributes flattened to JSON, and the values a learner searches by.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use prost::Message;
use serde_json::{Map, Value};

/// Attributes whose values a learner searches by: a trace is found by its order or correlation id.
pub const SEARCH_KEYS: &[&str] = &[
    "correlation_id",
    "aggregate_id",
    "order_id",
    "messaging.message.id",
];

/// How the body of an export is encoded, from its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Protobuf,
    Json,
}

impl Encoding {
    /// `None` for a content type OTLP/HTTP does not define.
    pub fn of(content_type: &str) -> Option<Self> {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        match essence {
            "application/x-protobuf" | "application/protobuf" => Some(Self::Protobuf),
            "application/json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// The body is not the OTLP message it claims to be.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not an OTLP protobuf message: {0}")]
    Protobuf(#[from] prost::DecodeError),
    #[error("not an OTLP JSON message: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SpanRow {
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub service: String,
    pub name: String,
    pub kind: &'static str,
    pub start_unix_nano: u64,
    pub end_unix_nano: u64,
    pub status: &'static str,
    pub status_message: Option<String>,
    pub attributes: Value,
    pub events: Value,
    pub links: Value,
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogRow {
    pub time_unix_nano: u64,
    pub service: String,
    pub level: &'static str,
    pub message: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub attributes: Value,
    pub keys: Vec<String>,
}

/// The spans of one `/v1/traces` body.
pub fn spans(body: &[u8], encoding: Encoding) -> Result<Vec<SpanRow>, DecodeError> {
    let request: ExportTraceServiceRequest = match encoding {
        Encoding::Protobuf => ExportTraceServiceRequest::decode(body)?,
        Encoding::Json => serde_json::from_slice(body)?,
    };
    let mut rows = Vec::new();
    for resource_spans in request.resource_spans {
        let service = service_name(resource_spans.resource.as_ref());
        for scope in resource_spans.scope_spans {
            for span in scope.spans {
                let trace_id = id(&span.trace_id, 16, "traceId")?;
                let span_id = id(&span.span_id, 8, "spanId")?;
                let parent_span_id = if span.parent_span_id.is_empty() {
                    None
                } else {
                    Some(id(&span.parent_span_id, 8, "parentSpanId")?)
                };
                let attributes = object(&span.attributes);
                let status = span.status.as_ref();
                let code = status.map_or(StatusCode::Unset as i32, |s| s.code);
                let events: Vec<Value> = span
                    .events
                    .iter()
                    .map(|e| {
                        serde_json::json!({
                            "name": e.name,
                            "time_unix_nano": e.time_unix_nano,
                            "attributes": object(&e.attributes),
                        })
                    })
                    .collect();
                let links: Vec<Value> = span
                    .links
                    .iter()
                    .map(|l| serde_json::json!({"trace_id": hex(&l.trace_id), "span_id": hex(&l.span_id)}))
                    .collect();
                rows.push(SpanRow {
                    keys: keys(&attributes),
                    trace_id,
                    span_id,
                    parent_span_id,
                    service: service.clone(),
                    name: span.name,
                    kind: kind(span.kind),
                    start_unix_nano: span.start_time_unix_nano,
                    end_unix_nano: span.end_time_unix_nano.max(span.start_time_unix_nano),
                    status: if code == StatusCode::Error as i32 {
                        "error"
                    } else if code == StatusCode::Ok as i32 {
                        "ok"
                    } else {
                        "unset"
                    },
                    status_message: status.map(|s| s.message.clone()).filter(|m| !m.is_empty()),
                    attributes,
                    events: Value::Array(events),
                    links: Value::Array(links),
                });
            }
        }
    }
    Ok(rows)
}

/// The log records of one `/v1/logs` body.
pub fn logs(body: &[u8], encoding: Encoding) -> Result<Vec<LogRow>, DecodeError> {
    let request: ExportLogsServiceRequest = match encoding {
        Encoding::Protobuf => ExportLogsServiceRequest::decode(body)?,
        Encoding::Json => serde_json::from_slice(body)?,
    };
    let mut rows = Vec::new();
    for resource_logs in request.resource_logs {
        let service = service_name(resource_logs.resource.as_ref());
        for scope in resource_logs.scope_logs {
            for record in scope.log_records {
                let attributes = object(&record.attributes);
                let message = record
                    .body
                    .as_ref()
                    .map(|b| match value(b) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .unwrap_or_default();
                let time = if record.time_unix_nano > 0 {
                    record.time_unix_nano
                } else {
                    record.observed_time_unix_nano
                };
                rows.push(LogRow {
                    keys: keys(&attributes),
                    time_unix_nano: time,
                    service: service.clone(),
                    level: level(record.severity_number, &record.severity_text),
                    message,
                    trace_id: (!record.trace_id.is_empty())
                        .then(|| id(&record.trace_id, 16, "traceId"))
                        .transpose()?,
                    span_id: (!record.span_id.is_empty())
                        .then(|| id(&record.span_id, 8, "spanId"))
                        .transpose()?,
                    attributes,
                });
            }
        }
    }
    Ok(rows)
}

fn service_name(resource: Option<&Resource>) -> String {
    resource
        .into_iter()
        .flat_map(|r| &r.attributes)
        .find(|a| a.key == "service.name")
        .and_then(|a| a.value.as_ref())
        .map(value)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "unknown_service".into())
}

fn id(bytes: &[u8], len: usize, field: &str) -> Result<String, DecodeError> {
    if bytes.len() != len || bytes.iter().all(|b| *b == 0) {
        return Err(DecodeError::Invalid(format!(
            "{field} must be {len} bytes and not all zero"
        )));
    }
    Ok(hex(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn kind(kind: i32) -> &'static str {
    match SpanKind::try_from(kind) {
        Ok(SpanKind::Server) => "server",
        Ok(SpanKind::Client) => "client",
        Ok(SpanKind::Producer) => "producer",
        Ok(SpanKind::Consumer) => "consumer",
        _ => "internal",
    }
}

/// The level of a record: its severity number's range (the OTLP data model), else its text.
fn level(number: i32, text: &str) -> &'static str {
    match number {
        1..=4 => "TRACE",
        5..=8 => "DEBUG",
        9..=12 => "INFO",
        13..=16 => "WARN",
        17..=24 => "ERROR",
        _ => match text.to_ascii_uppercase().as_str() {
            "TRACE" => "TRACE",
            "DEBUG" => "DEBUG",
            "WARN" | "WARNING" => "WARN",
            "ERROR" | "FATAL" => "ERROR",
            _ => "INFO",
        },
    }
}

fn object(attributes: &[KeyValue]) -> Value {
    let mut map = Map::new();
    for attribute in attributes {
        if let Some(v) = &attribute.value {
            map.insert(attribute.key.clone(), value(v));
        }
    }
    Value::Object(map)
}

fn value(v: &AnyValue) -> Value {
    match &v.value {
        Some(any_value::Value::StringValue(s)) => Value::String(s.clone()),
        Some(any_value::Value::BoolValue(b)) => Value::Bool(*b),
        Some(any_value::Value::IntValue(i)) => Value::from(*i),
        Some(any_value::Value::DoubleValue(d)) => Value::from(*d),
        Some(any_value::Value::ArrayValue(a)) => Value::Array(a.values.iter().map(value).collect()),
        Some(any_value::Value::KvlistValue(l)) => object(&l.values),
        Some(any_value::Value::BytesValue(b)) => Value::String(hex(b)),
        // String-indexed values refer to a dictionary only profiles use.
        Some(_) | None => Value::Null,
    }
}

fn keys(attributes: &Value) -> Vec<String> {
    SEARCH_KEYS
        .iter()
        .filter_map(|k| attributes.get(*k).and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_name_their_encoding() {
        assert_eq!(
            Encoding::of("application/x-protobuf"),
            Some(Encoding::Protobuf)
        );
        assert_eq!(
            Encoding::of("application/json; charset=utf-8"),
            Some(Encoding::Json)
        );
        assert_eq!(Encoding::of("text/plain"), None);
    }

    #[test]
    fn a_json_export_becomes_rows_with_service_kind_status_and_keys() {
        let body = serde_json::json!({"resourceSpans": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "storefront"}}]},
            "scopeSpans": [{"spans": [{
                "traceId": "5b8efff798038103d269b633813fc60c",
                "spanId": "eee19b7ec3c1b174",
                "parentSpanId": "",
                "name": "checkout",
                "kind": 3,
                "startTimeUnixNano": "1544712660000000000",
                "endTimeUnixNano": "1544712661000000000",
                "attributes": [{"key": "correlation_id", "value": {"stringValue": "c-1"}},
                               {"key": "http.status", "value": {"intValue": "503"}}],
                "status": {"code": 2, "message": "boom"}
            }]}]
        }]});
        let rows = spans(body.to_string().as_bytes(), Encoding::Json).unwrap();
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(
            (row.service.as_str(), row.kind, row.status),
            ("storefront", "client", "error")
        );
        assert_eq!(row.parent_span_id, None);
        assert_eq!(row.status_message.as_deref(), Some("boom"));
        assert_eq!(row.keys, vec!["c-1".to_string()]);
        assert_eq!(row.attributes["http.status"], 503);
        assert_eq!(row.end_unix_nano - row.start_unix_nano, 1_000_000_000);
    }

    #[test]
    fn what_is_not_otlp_is_refused() {
        assert!(spans(b"hello", Encoding::Json).is_err());
        assert!(spans(&[0xff, 0xff, 0xff], Encoding::Protobuf).is_err());
        let zero_id = serde_json::json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": "00000000000000000000000000000000", "spanId": "eee19b7ec3c1b174", "name": "x"
        }]}]}]});
        assert!(matches!(
            spans(zero_id.to_string().as_bytes(), Encoding::Json),
            Err(DecodeError::Invalid(_))
        ));
    }
}
