//! The few calls of Prometheus's HTTP API the console needs (a range query for charts, an
//! instant query for a number, the alerting rules with their state), and the alarm board as
//! Prometheus evaluates observability/alarms.json locally.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::alarms::{AlarmBoard, AlarmView, BurnRateView, SloView, Transition, definition};

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
    /// Its `for`, in seconds: how long it stays pending before it fires.
    #[serde(default)]
    pub duration: f64,
    #[serde(default)]
    pub alerts: Vec<ActiveAlert>,
}

impl AlertRule {
    /// When it entered its state: Prometheus's `activeAt` is when the alert turned pending, so a
    /// firing one has fired since `activeAt` plus its `for`.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        let active_at = self.alerts.first()?.active_at?;
        match self.state.as_str() {
            "firing" => {
                Some(active_at + chrono::Duration::milliseconds((self.duration * 1000.0) as i64))
            }
            _ => Some(active_at),
        }
    }
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

    /// The value of each series `query` gives now, by metric name (NaN counts as none).
    pub async fn values_by_name(
        &self,
        query: &str,
    ) -> Result<BTreeMap<String, f64>, PrometheusError> {
        let data = self
            .get("/api/v1/query", &[("query", query.to_string())])
            .await?;
        Ok(data["result"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                let name = s["metric"]["__name__"].as_str()?.to_string();
                let [_, value] = point(&s["value"])?;
                value.is_finite().then_some((name, value))
            })
            .collect())
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

/// The history's reach and resolution.
const HISTORY: i64 = 60;
const HISTORY_STEP: i64 = 5;

/// The board as Prometheus sees it now.
pub async fn board(prometheus: &Prometheus) -> Result<AlarmBoard, PrometheusError> {
    let definition = definition();
    let slo = &definition.slos[0];
    // The SLO's recorded error ratios and burn rates, every window in one query.
    let recorded = format!("{{__name__=~\"{}.+\"}}", slo.rule_prefix());
    let (rules, history, recorded) = tokio::try_join!(
        prometheus.alert_rules(),
        history(prometheus),
        prometheus.values_by_name(&recorded),
    )?;
    let mut alarms = Vec::new();
    for (name, summary, threshold) in definition.all() {
        let rule = rules.iter().find(|r| r.name == name);
        let state = match rule.map(|r| r.state.as_str()) {
            Some("firing") => "firing",
            Some("pending") => "pending",
            _ => "ok",
        };
        let active = rule.and_then(|r| r.alerts.first());
        let since = rule.and_then(AlertRule::since).or_else(|| {
            history
                .iter()
                .find(|t| t.alarm == name && t.to == state)
                .map(|t| t.at)
        });
        alarms.push(AlarmView {
            name: name.to_string(),
            summary: summary.to_string(),
            state: state.into(),
            since,
            value: active.and_then(|a| a.value.as_deref()?.parse().ok()),
            threshold,
            link: None,
        });
    }
    let remaining = recorded
        .get(&slo.rule("error_ratio", &slo.window.local))
        .map(|ratio| 1.0 - ratio / (1.0 - slo.objective));
    let burn_rates = slo
        .windows()
        .into_iter()
        .map(|window| BurnRateView {
            rate: recorded.get(&slo.rule("burn_rate", &window)).copied(),
            window,
        })
        .collect();
    Ok(AlarmBoard {
        source: "prometheus".into(),
        alarms,
        slo: SloView {
            name: slo.name.clone(),
            summary: slo.summary.clone(),
            objective: slo.objective,
            threshold_ms: slo.threshold_ms,
            window: slo.window.local.clone(),
            error_budget_remaining: remaining,
            burn_rates,
        },
        history,
    })
}

/// The state changes of the last hour, from Prometheus's own `ALERTS` series: at each step an
/// alarm is firing or pending when that series has a point, ok otherwise.
async fn history(prometheus: &Prometheus) -> Result<Vec<Transition>, PrometheusError> {
    let to = Utc::now();
    let from = to - chrono::Duration::minutes(HISTORY);
    let range = prometheus
        .range(
            "max by (alertname, alertstate) (ALERTS)",
            from,
            to,
            HISTORY_STEP,
        )
        .await?;
    let mut states: BTreeMap<String, BTreeMap<i64, &'static str>> = BTreeMap::new();
    for series in &range.series {
        let (Some(name), Some(state)) = (
            series.labels.get("alertname"),
            series.labels.get("alertstate"),
        ) else {
            continue;
        };
        let state = if state == "firing" {
            "firing"
        } else {
            "pending"
        };
        let steps = states.entry(name.clone()).or_default();
        for [time, _] in &series.points {
            let slot = steps.entry(*time as i64).or_insert(state);
            if state == "firing" {
                *slot = "firing";
            }
        }
    }
    let mut transitions = Vec::new();
    for (alarm, steps) in states {
        let mut previous = "ok";
        let mut last_time = None;
        for (&time, &state) in &steps {
            // A gap in the series is a return to ok.
            if let Some(last) = last_time
                && time - last > HISTORY_STEP
                && previous != "ok"
            {
                transitions.push(transition(&alarm, previous, "ok", last + HISTORY_STEP));
                previous = "ok";
            }
            if state != previous {
                transitions.push(transition(&alarm, previous, state, time));
                previous = state;
            }
            last_time = Some(time);
        }
        if let Some(last) = last_time
            && previous != "ok"
            && to.timestamp() - last > HISTORY_STEP
        {
            transitions.push(transition(&alarm, previous, "ok", last + HISTORY_STEP));
        }
    }
    transitions.sort_by_key(|t| std::cmp::Reverse(t.at));
    Ok(transitions)
}

fn transition(alarm: &str, from: &str, to: &str, at: i64) -> Transition {
    Transition {
        alarm: alarm.into(),
        from: from.into(),
        to: to.into(),
        at: DateTime::from_timestamp(at, 0).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(state: &str) -> AlertRule {
        serde_json::from_value(serde_json::json!({
            "name": "projector-down",
            "state": state,
            "duration": 30,
            "alerts": [{"activeAt": "2026-12-08T03:00:00Z", "value": "0.2"}]
        }))
        .unwrap()
    }

    #[test]
    fn a_firing_alarm_has_fired_since_its_pending_start_plus_its_for() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        assert_eq!(rule("pending").since(), Some(at("2026-12-08T03:00:00Z")));
        assert_eq!(rule("firing").since(), Some(at("2026-12-08T03:00:30Z")));
        let mut quiet = rule("inactive");
        quiet.alerts.clear();
        assert_eq!(quiet.since(), None);
    }
}
