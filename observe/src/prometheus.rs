//! The few calls of Prometheus's HTTP API the console needs: a range query for charts, an
//! instant query for a number, and the alerting rules with their state.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone)]
pub struct Prometheus {
    base: String,
    http: reqwest::Client,
}

/// Prometheus did not answer, or answered with an error.
#[derive(Debug, thiserror::Error)]
pub enum PrometheusError {
    #[error("Prometheus is unreachable: {0}")]
    Unreachable(#[from] reqwest::Error),
    #[error("Prometheus refused the query: {0}")]
    Refused(String),
}

/// One series of a range query.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Series {
    pub labels: std::collections::BTreeMap<String, String>,
    /// `[unix seconds, value]` pairs.
    pub points: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MetricRange {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub step_seconds: i64,
    pub series: Vec<Series>,
}

/// An alerting rule as Prometheus evaluates it.
#[derive(Debug, Clone, Deserialize)]
pub struct AlertRule {
    pub name: String,
    /// inactive, pending or firing.
    pub state: String,
    #[serde(default)]
    pub alerts: Vec<ActiveAlert>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveAlert {
    pub active_at: Option<DateTime<Utc>>,
    pub value: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    status: String,
    #[serde(default)]
    data: Value,
    #[serde(default)]
    error: Option<String>,
}

impl Prometheus {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("a reqwest client with a timeout"),
        }
    }

    async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, PrometheusError> {
        let answer: Answer = self
            .http
            .get(format!("{}{path}", self.base))
            .query(query)
            .send()
            .await?
            .json()
            .await?;
        if answer.status == "success" {
            Ok(answer.data)
        } else {
            Err(PrometheusError::Refused(answer.error.unwrap_or_default()))
        }
    }

    /// `query` from `from` to `to`, one point every `step_seconds`.
    pub async fn range(
        &self,
        query: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        step_seconds: i64,
    ) -> Result<MetricRange, PrometheusError> {
        let data = self
            .get(
                "/api/v1/query_range",
                &[
                    ("query", query.to_string()),
                    ("start", from.timestamp().to_string()),
                    ("end", to.timestamp().to_string()),
                    ("step", step_seconds.to_string()),
                ],
            )
            .await?;
        let series = data["result"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| Series {
                labels: serde_json::from_value(s["metric"].clone()).unwrap_or_default(),
                points: s["values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(point)
                    .filter(|[_, v]| v.is_finite())
                    .collect(),
            })
            .collect();
        Ok(MetricRange {
            from,
            to,
            step_seconds,
            series,
        })
    }

    /// The first value `query` gives now, if any (NaN counts as none).
    pub async fn value(&self, query: &str) -> Result<Option<f64>, PrometheusError> {
        let data = self
            .get("/api/v1/query", &[("query", query.to_string())])
            .await?;
        Ok(data["result"]
            .as_array()
            .and_then(|r| r.first())
            .and_then(|s| point(&s["value"]))
            .map(|[_, v]| v)
            .filter(|v| v.is_finite()))
    }

    /// Every alerting rule loaded, with its state.
    pub async fn alert_rules(&self) -> Result<Vec<AlertRule>, PrometheusError> {
        let data = self
            .get("/api/v1/rules", &[("type", "alert".to_string())])
            .await?;
        Ok(data["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
            .filter_map(|r| serde_json::from_value(r).ok())
            .collect())
    }
}

/// A `[time, "value"]` pair as Prometheus sends it.
fn point(value: &Value) -> Option<[f64; 2]> {
    let time = value.get(0)?.as_f64()?;
    let number: f64 = value.get(1)?.as_str()?.parse().ok()?;
    Some([time, number])
}
