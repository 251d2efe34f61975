//! Metrics as CloudWatch Embedded Metric Format: one JSON object per line on stdout, which
//! CloudWatch Logs turns into metrics with no agent and no API call (Lambda's and ECS's log
//! drivers ship stdout). Namespace `Shop`, dimension `Service` plus any a metric adds.
//!
//! The format (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
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
    CountPerSecond,
}

impl Unit {
    fn as_str(self) -> &'static str {
        match self {
            Self::Count => "Count",
            Self::Milliseconds => "Milliseconds",
            Self::CountPerSecond => "Count/Second",
        }
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
