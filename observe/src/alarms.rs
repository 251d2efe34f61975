//! The alarms and SLOs of observability/alarms.json (compiled in: the console shows exactly what
//! Prometheus and CloudWatch evaluate), and the board the console draws of them: each alarm's
//! state and since-when, the SLO's error budget and burn rates, and the transitions of the last
//! hour. Locally [`crate::prometheus`] fills it, on AWS [`crate::cloudwatch`].

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const DEFINITION: &str = include_str!("../../observability/alarms.json");

#[derive(Debug, Clone, Deserialize)]
pub struct Definition {
    pub alarms: Vec<Alarm>,
    pub slos: Vec<Slo>,
    /// AWS-only alarms on resources with no local counterpart (RDS, ECS, Lambda, CloudFront).
    #[serde(default)]
    pub resource_alarms: Vec<Alarm>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Alarm {
    pub name: String,
    pub summary: String,
    pub threshold: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Slo {
    pub name: String,
    pub summary: String,
    pub objective: f64,
    pub threshold_ms: f64,
    pub window: Windows,
    pub burn_alerts: Vec<BurnAlert>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Windows {
    pub aws: String,
    pub local: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BurnAlert {
    pub name: String,
    pub summary: String,
    pub burn_rate: f64,
    pub local: LocalWindows,
    pub aws: AwsWindows,
}

/// A burn alert's windows on AWS, in seconds.
#[derive(Debug, Clone, Deserialize)]
pub struct AwsWindows {
    pub long: u64,
    pub short: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LocalWindows {
    pub long: String,
    pub short: String,
}

/// The definition this build carries.
pub fn definition() -> &'static Definition {
    static PARSED: OnceLock<Definition> = OnceLock::new();
    PARSED.get_or_init(|| {
        serde_json::from_str(DEFINITION).expect("observability/alarms.json is checked by a test")
    })
}

impl Definition {
    /// Every alarm's name, summary and threshold: the plain alarms, then each SLO's burn alerts.
    pub fn all(&self) -> impl Iterator<Item = (&str, &str, f64)> {
        let plain = self
            .alarms
            .iter()
            .map(|a| (a.name.as_str(), a.summary.as_str(), a.threshold));
        let burns = self
            .slos
            .iter()
            .flat_map(|s| &s.burn_alerts)
            .map(|b| (b.name.as_str(), b.summary.as_str(), b.burn_rate));
        plain.chain(burns)
    }
}

impl Slo {
    /// The name Prometheus records its rules under (scripts/alarms).
    pub(crate) fn rule(&self, what: &str, window: &str) -> String {
        format!("{}{what}_{window}", self.rule_prefix())
    }

    /// What every one of its recorded rules' names starts with.
    pub(crate) fn rule_prefix(&self) -> String {
        format!("slo:{}:", self.name.replace('-', "_"))
    }

    /// Every window its rules are recorded over, shortest first.
    pub(crate) fn windows(&self) -> Vec<String> {
        let mut windows: Vec<String> = self
            .burn_alerts
            .iter()
            .flat_map(|b| [b.local.short.clone(), b.local.long.clone()])
            .collect();
        windows.sort_by_key(|w| seconds(w));
        windows.dedup();
        windows
    }
}

/// `30s`, `5m`, `1h`, `30d` in seconds (0 for anything else).
fn seconds(window: &str) -> i64 {
    let (number, unit) = window.split_at(window.len().saturating_sub(1));
    let n: i64 = number.parse().unwrap_or(0);
    n * match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => 0,
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlarmView {
    pub name: String,
    pub summary: String,
    /// ok, pending or firing.
    pub state: String,
    /// When it entered its state, when known.
    pub since: Option<DateTime<Utc>>,
    /// The watched value when last evaluated above the threshold.
    pub value: Option<f64>,
    pub threshold: f64,
    /// The alarm in the CloudWatch console, on AWS.
    pub link: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BurnRateView {
    pub window: String,
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SloView {
    pub name: String,
    pub summary: String,
    pub objective: f64,
    pub threshold_ms: f64,
    /// The window the budget is counted over (shortened locally).
    pub window: String,
    /// The share of the window's error budget not yet spent (below 0 when overspent); `None`
    /// before any order was decided in the window.
    pub error_budget_remaining: Option<f64>,
    pub burn_rates: Vec<BurnRateView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Transition {
    pub alarm: String,
    pub from: String,
    pub to: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlarmBoard {
    /// Who evaluates the alarms: prometheus locally.
    pub source: String,
    pub alarms: Vec<AlarmView>,
    pub slo: SloView,
    /// Newest first, over the last hour.
    pub history: Vec<Transition>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definition_parses_with_unique_names_and_windows_prometheus_reads() {
        let definition = definition();
        let mut names: Vec<&str> = definition.alarms.iter().map(|a| a.name.as_str()).collect();
        names.extend(
            definition
                .slos
                .iter()
                .flat_map(|s| &s.burn_alerts)
                .map(|b| b.name.as_str()),
        );
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "alarm names are unique");
        for slo in &definition.slos {
            assert!(slo.objective > 0.0 && slo.objective < 1.0);
            for window in slo.windows().iter().chain([&slo.window.local]) {
                assert!(seconds(window) > 0, "{window} is a Prometheus duration");
            }
            for burn in &slo.burn_alerts {
                assert!(seconds(&burn.local.short) < seconds(&burn.local.long));
                // A learner sees a fast burn within two minutes locally.
                assert!(seconds(&burn.local.long) <= 600);
            }
        }
    }

    #[test]
    fn windows_read_as_seconds() {
        assert_eq!(seconds("30s"), 30);
        assert_eq!(seconds("2m"), 120);
        assert_eq!(seconds("1h"), 3600);
        assert_eq!(seconds("x"), 0);
    }
}
