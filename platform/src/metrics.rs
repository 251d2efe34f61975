//! Metrics, instrumented once and exported twice. Every metric is recorded through the `metrics`
//! facade (`metrics::counter!`, `gauge!`, `histogram!`); [`install`] puts a recorder behind it
//! that hands each call to two exporters:
//!
//! - CloudWatch Embedded Metric Format: one JSON object per call on stdout, which CloudWatch Logs
//!   turns into metrics with no agent and no API call (Lambda's and ECS's log drivers ship
//!   stdout). Namespace `Shop`, dimension `Service` plus the call's labels.
//! - Prometheus text, rendered by [`render`] for the `/metrics` routes of the gateway and the
//!   projector, which the local Prometheus scrapes. Labels as above; histograms in buckets.
//!
//! [`CATALOG`] names every metric with its kind, unit and meaning: the one list both exporters,
//! the dashboards and docs/observability.md follow.
//!
//! The EMF format (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
//! a root `_aws` with `Timestamp` (epoch ms) and `CloudWatchMetrics`, a list of directives, each
//! with `Namespace`, `Dimensions` (a list of dimension sets, each a list of member names) and
//! `Metrics` (`Name`, `Unit`); every dimension and metric named there is a root member holding
//! its value. Small enough that one module following the spec beats a dependency.

use std::io::Write;

use serde_json::{Map, Value, json};

pub const NAMESPACE: &str = "Shop";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Milliseconds,
    Seconds,
    CountPerSecond,
}

impl Unit {
    fn as_str(self) -> &'static str {
        match self {
            Self::Count => "Count",
            Self::Milliseconds => "Milliseconds",
            Self::Seconds => "Seconds",
            Self::CountPerSecond => "Count/Second",
        }
    }

    fn facade(self) -> ::metrics::Unit {
        match self {
            Self::Count => ::metrics::Unit::Count,
            Self::Milliseconds => ::metrics::Unit::Milliseconds,
            Self::Seconds => ::metrics::Unit::Seconds,
            Self::CountPerSecond => ::metrics::Unit::CountPerSecond,
        }
    }
}

/// How a metric is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// One metric of [`CATALOG`].
#[derive(Debug, Clone, Copy)]
pub struct Described {
    pub name: &'static str,
    pub kind: Kind,
    pub unit: Unit,
    /// Its labels (EMF dimensions beside `Service`).
    pub labels: &'static [&'static str],
    pub help: &'static str,
}

const fn metric(
    name: &'static str,
    kind: Kind,
    unit: Unit,
    labels: &'static [&'static str],
    help: &'static str,
) -> Described {
    Described {
        name,
        kind,
        unit,
        labels,
        help,
    }
}

use Kind::{Counter, Gauge, Histogram};

/// Every metric shop records.
pub const CATALOG: &[Described] = &[
    metric(
        "HttpRequests",
        Counter,
        Unit::Count,
        &["Route", "Method", "Status"],
        "HTTP requests answered",
    ),
    metric(
        "HttpRequestLatency",
        Histogram,
        Unit::Milliseconds,
        &["Route", "Method", "Status"],
        "time to answer an HTTP request, less any hold the client asked for",
    ),
    metric(
        "HttpRequestHeld",
        Histogram,
        Unit::Milliseconds,
        &["Route", "Method", "Status"],
        "time a request was held on purpose (a read waiting for an order's outcome)",
    ),
    metric(
        "HttpRequestsThrottled",
        Counter,
        Unit::Count,
        &[],
        "requests the local gateway refused with 429, as API Gateway's stage throttling does",
    ),
    metric(
        "CommandLatency",
        Histogram,
        Unit::Milliseconds,
        &["Command"],
        "load, decide and append of one command",
    ),
    metric(
        "OrdersPlaced",
        Counter,
        Unit::Count,
        &[],
        "orders accepted (202)",
    ),
    metric(
        "OrdersConfirmed",
        Counter,
        Unit::Count,
        &[],
        "orders the saga confirmed",
    ),
    metric(
        "OrdersRejected",
        Counter,
        Unit::Count,
        &["Reason"],
        "orders the saga rejected, by reason",
    ),
    metric(
        "OrderDecisionLatency",
        Histogram,
        Unit::Milliseconds,
        &[],
        "from an order placed to its confirmation or rejection (the SLO's signal)",
    ),
    metric(
        "StockReserved",
        Counter,
        Unit::Count,
        &[],
        "reservations the catalog applied",
    ),
    metric(
        "SqsSendLatency",
        Histogram,
        Unit::Milliseconds,
        &[],
        "one SQS send of a command's events",
    ),
    metric(
        "PublishFailures",
        Counter,
        Unit::Count,
        &[],
        "SQS sends that failed (the events stay in the store; the projector catches up)",
    ),
    metric(
        "EventsApplied",
        Counter,
        Unit::Count,
        &["Projection"],
        "events a projection applied",
    ),
    metric(
        "ProjectionLagEvents",
        Gauge,
        Unit::Count,
        &["Projection"],
        "events committed but not yet applied",
    ),
    metric(
        "ProjectionLagMs",
        Gauge,
        Unit::Milliseconds,
        &["Projection"],
        "age of the oldest event not yet applied",
    ),
    metric(
        "QueueOldestMessageAge",
        Gauge,
        Unit::Seconds,
        &[],
        "age of the oldest message of the last batch received",
    ),
    metric(
        "DLQDepth",
        Gauge,
        Unit::Count,
        &[],
        "messages in the dead-letter queue",
    ),
    metric(
        "DLQMessages",
        Counter,
        Unit::Count,
        &[],
        "unreadable messages left for the dead-letter queue",
    ),
    metric(
        "RebuildEventsPerSecond",
        Gauge,
        Unit::CountPerSecond,
        &[],
        "throughput of the last requested rebuild",
    ),
    metric(
        "ProjectorCrashes",
        Counter,
        Unit::Count,
        &[],
        "crashes forced by the crash fault switch",
    ),
    metric(
        "StockCheckLatency",
        Histogram,
        Unit::Milliseconds,
        &[],
        "the order path's synchronous availability check, as the order function waited for it",
    ),
    metric(
        "StockChecks",
        Counter,
        Unit::Count,
        &["Outcome"],
        "availability checks by outcome: available, short (refused, 409), timeout, error, open (breaker open: skipped)",
    ),
    metric(
        "FaultFlips",
        Counter,
        Unit::Count,
        &["Switch", "Enabled"],
        "fault switches turned on or off, from the console or the environment",
    ),
    metric(
        "FaultActive",
        Gauge,
        Unit::Count,
        &["Switch"],
        "1 while this process sees the fault switch on, else 0",
    ),
    metric(
        "ServiceRestarts",
        Gauge,
        Unit::Count,
        &[],
        "how many times the supervisor restarted this service (scripts/dev; ECS on AWS)",
    ),
    metric(
        "TelemetryReceived",
        Counter,
        Unit::Count,
        &["Signal"],
        "spans and log records the local OTLP receiver stored",
    ),
];

/// Histogram buckets for the Prometheus side, in milliseconds. 1000 is one: the order-decision
/// SLO counts the decisions within it.
pub const BUCKETS_MS: &[f64] = &[
    1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0, 30000.0,
];

static PROMETHEUS: std::sync::OnceLock<metrics_exporter_prometheus::PrometheusHandle> =
    std::sync::OnceLock::new();

/// Installs the facade's recorder for `service` (its `Service` label and dimension). Only the
/// first call in a process installs anything, so tests may call it freely.
pub fn install(service: &'static str) {
    PROMETHEUS.get_or_init(|| {
        let prometheus = metrics_exporter_prometheus::PrometheusBuilder::new()
            .set_buckets(BUCKETS_MS)
            .expect("bucket list is not empty")
            .add_global_label("Service", service)
            .build_recorder();
        let handle = prometheus.handle();
        let fanout = metrics_util::layers::FanoutBuilder::default()
            .add_recorder(prometheus)
            .add_recorder(Emf { service })
            .build();
        if ::metrics::set_global_recorder(fanout).is_ok() {
            for m in CATALOG {
                match m.kind {
                    Counter => ::metrics::describe_counter!(m.name, m.unit.facade(), m.help),
                    Gauge => ::metrics::describe_gauge!(m.name, m.unit.facade(), m.help),
                    Histogram => ::metrics::describe_histogram!(m.name, m.unit.facade(), m.help),
                }
            }
        }
        handle
    });
}

/// The content type of [`render`]'s output.
pub const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Whether this process has rendered its metrics for a scrape yet.
fn scraped() -> &'static tokio::sync::watch::Sender<bool> {
    static SCRAPED: std::sync::OnceLock<tokio::sync::watch::Sender<bool>> =
        std::sync::OnceLock::new();
    SCRAPED.get_or_init(|| tokio::sync::watch::channel(false).0)
}

/// Returns once [`render`] has run in this process (Prometheus has scraped it), or after
/// `at_most` (nothing scrapes a process whose metrics go out as EMF only). Prometheus sees only
/// what changes between its scrapes: whatever a new process counted before its first scrape is
/// part of the first value it reads, which no `rate` or `increase` counts.
pub async fn first_scrape(at_most: std::time::Duration) {
    let mut seen = scraped().subscribe();
    let _ = tokio::time::timeout(at_most, seen.wait_for(|s| *s)).await;
}

/// Every metric in Prometheus's text format (empty before [`install`]).
pub fn render() -> String {
    scraped().send_replace(true);
    PROMETHEUS.get().map_or_else(String::new, |handle| {
        handle.run_upkeep();
        handle.render()
    })
}

fn unit_of(name: &str) -> Unit {
    CATALOG
        .iter()
        .find(|m| m.name == name)
        .map_or(Unit::Count, |m| m.unit)
}

/// The EMF side of the recorder: each counter increment, gauge setting and histogram value is
/// one record on stdout, as CloudWatch aggregates them itself.
struct Emf {
    service: &'static str,
}

struct EmfMetric {
    record: Record,
    name: String,
    unit: Unit,
    /// A gauge's value, for increments and decrements (f64 bits).
    gauge: std::sync::atomic::AtomicU64,
}

impl EmfMetric {
    fn emit(&self, value: f64) {
        self.record
            .clone()
            .metric(&self.name, value, self.unit)
            .emit();
    }
}

impl ::metrics::CounterFn for EmfMetric {
    fn increment(&self, value: u64) {
        self.emit(value as f64);
    }
    fn absolute(&self, value: u64) {
        self.emit(value as f64);
    }
}

impl ::metrics::GaugeFn for EmfMetric {
    fn increment(&self, value: f64) {
        self.set(f64::from_bits(self.gauge.load(std::sync::atomic::Ordering::Relaxed)) + value);
    }
    fn decrement(&self, value: f64) {
        self.increment(-value);
    }
    fn set(&self, value: f64) {
        self.gauge
            .store(value.to_bits(), std::sync::atomic::Ordering::Relaxed);
        self.emit(value);
    }
}

impl ::metrics::HistogramFn for EmfMetric {
    fn record(&self, value: f64) {
        self.emit(value);
    }
}

impl Emf {
    fn metric(&self, key: &::metrics::Key) -> std::sync::Arc<EmfMetric> {
        let record = key.labels().fold(Record::new(self.service), |r, l| {
            r.dimension(l.key(), l.value())
        });
        std::sync::Arc::new(EmfMetric {
            record,
            name: key.name().to_string(),
            unit: unit_of(key.name()),
            gauge: std::sync::atomic::AtomicU64::new(0f64.to_bits()),
        })
    }
}

impl ::metrics::Recorder for Emf {
    fn describe_counter(
        &self,
        _: ::metrics::KeyName,
        _: Option<::metrics::Unit>,
        _: ::metrics::SharedString,
    ) {
    }
    fn describe_gauge(
        &self,
        _: ::metrics::KeyName,
        _: Option<::metrics::Unit>,
        _: ::metrics::SharedString,
    ) {
    }
    fn describe_histogram(
        &self,
        _: ::metrics::KeyName,
        _: Option<::metrics::Unit>,
        _: ::metrics::SharedString,
    ) {
    }

    fn register_counter(
        &self,
        key: &::metrics::Key,
        _: &::metrics::Metadata<'_>,
    ) -> ::metrics::Counter {
        ::metrics::Counter::from_arc(self.metric(key))
    }
    fn register_gauge(
        &self,
        key: &::metrics::Key,
        _: &::metrics::Metadata<'_>,
    ) -> ::metrics::Gauge {
        ::metrics::Gauge::from_arc(self.metric(key))
    }
    fn register_histogram(
        &self,
        key: &::metrics::Key,
        _: &::metrics::Metadata<'_>,
    ) -> ::metrics::Histogram {
        ::metrics::Histogram::from_arc(self.metric(key))
    }
}

/// One EMF record: metrics sharing a service and, optionally, more dimensions.
#[derive(Debug, Clone)]
pub struct Record {
    service: String,
    dimensions: Vec<(String, String)>,
    metrics: Vec<(String, f64, Unit)>,
    properties: Map<String, Value>,
}

impl Record {
    pub fn new(service: &str) -> Self {
        Self {
            service: service.into(),
            dimensions: Vec::new(),
            metrics: Vec::new(),
            properties: Map::new(),
        }
    }

    /// A dimension beyond `Service` (for example `Reason` on OrdersRejected).
    pub fn dimension(mut self, name: &str, value: &str) -> Self {
        self.dimensions.push((name.into(), value.into()));
        self
    }

    pub fn metric(mut self, name: &str, value: f64, unit: Unit) -> Self {
        self.metrics.push((name.into(), value, unit));
        self
    }

    /// A searchable field that is not a metric (a correlation id, say).
    pub fn property(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }

    /// The record as the JSON object EMF specifies.
    pub fn to_json(&self) -> Value {
        let mut root = self.properties.clone();
        let mut names = vec!["Service".to_string()];
        root.insert("Service".into(), self.service.clone().into());
        for (name, value) in &self.dimensions {
            names.push(name.clone());
            root.insert(name.clone(), value.clone().into());
        }
        let definitions: Vec<Value> = self
            .metrics
            .iter()
            .map(|(name, value, unit)| {
                root.insert(name.clone(), json!(value));
                json!({"Name": name, "Unit": unit.as_str()})
            })
            .collect();
        let timestamp = chrono::Utc::now().timestamp_millis();
        root.insert(
            "_aws".into(),
            json!({
                "Timestamp": timestamp,
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [names],
                    "Metrics": definitions,
                }],
            }),
        );
        Value::Object(root)
    }

    /// Writes the record as one line on stdout.
    pub fn emit(&self) {
        if self.metrics.is_empty() {
            return;
        }
        let line = self.to_json().to_string();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules of the EMF specification a record must satisfy, checked on the parsed line.
    fn check_against_spec(line: &str) -> Result<(), String> {
        let root: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let aws = root.get("_aws").ok_or("no _aws member")?;
        aws["Timestamp"]
            .as_i64()
            .ok_or("Timestamp must be epoch milliseconds")?;
        let directives = aws["CloudWatchMetrics"]
            .as_array()
            .ok_or("CloudWatchMetrics must be an array")?;
        for directive in directives {
            directive["Namespace"]
                .as_str()
                .filter(|n| !n.is_empty())
                .ok_or("Namespace")?;
            let sets = directive["Dimensions"]
                .as_array()
                .ok_or("Dimensions must be an array")?;
            for set in sets {
                let set = set.as_array().ok_or("a dimension set must be an array")?;
                if set.len() > 30 {
                    return Err("at most 30 dimensions in a set".into());
                }
                for name in set {
                    let name = name.as_str().ok_or("dimension names are strings")?;
                    root[name]
                        .as_str()
                        .ok_or(format!("dimension {name} needs a string value at the root"))?;
                }
            }
            let metrics = directive["Metrics"]
                .as_array()
                .ok_or("Metrics must be an array")?;
            if metrics.len() > 100 {
                return Err("at most 100 metrics in a directive".into());
            }
            for metric in metrics {
                let name = metric["Name"].as_str().ok_or("metric Name")?;
                let unit = metric["Unit"].as_str().unwrap_or("None");
                let units = [
                    "Seconds",
                    "Microseconds",
                    "Milliseconds",
                    "Bytes",
                    "Count",
                    "Count/Second",
                    "Percent",
                    "None",
                ];
                if !units.contains(&unit) {
                    return Err(format!("unit {unit} is not a CloudWatch unit"));
                }
                root[name]
                    .as_f64()
                    .ok_or(format!("metric {name} needs a number at the root"))?;
            }
        }
        Ok(())
    }

    #[test]
    fn a_record_follows_the_embedded_metric_format() {
        let record = Record::new("order")
            .dimension("Reason", "insufficient_stock")
            .metric("OrdersRejected", 1.0, Unit::Count)
            .metric("CommandLatency", 12.5, Unit::Milliseconds)
            .property("correlation_id", "c-1");
        let line = record.to_json().to_string();
        check_against_spec(&line).unwrap();
        let root: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(root["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Shop");
        assert_eq!(
            root["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["Service", "Reason"]])
        );
        assert_eq!(
            (root["Service"].as_str(), root["Reason"].as_str()),
            (Some("order"), Some("insufficient_stock"))
        );
        assert_eq!(root["CommandLatency"], 12.5);
        assert_eq!(root["correlation_id"], "c-1");
    }

    #[test]
    fn the_checker_catches_what_cloudwatch_would_drop() {
        let good = Record::new("p")
            .metric("EventsApplied", 3.0, Unit::Count)
            .to_json();
        let mut missing_value = good.clone();
        missing_value
            .as_object_mut()
            .unwrap()
            .remove("EventsApplied");
        assert!(check_against_spec(&missing_value.to_string()).is_err());
        let mut missing_dimension = good.clone();
        missing_dimension.as_object_mut().unwrap().remove("Service");
        assert!(check_against_spec(&missing_dimension.to_string()).is_err());
        let mut bad_unit = good;
        bad_unit["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] = "Widgets".into();
        assert!(check_against_spec(&bad_unit.to_string()).is_err());
    }
}
