//! The alarm board on AWS: the CloudWatch alarms Terraform created from
//! observability/alarms.json (named `<prefix><name>`), their state and since-when, the values
//! they last evaluated (a burn-rate window alarm's value is its burn rate), the last hour's state
//! changes, and a link to each in the CloudWatch console.

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{AlarmType, HistoryItemType, StateValue};
use chrono::{DateTime, Duration, Utc};

use crate::alarms::{AlarmBoard, AlarmView, BurnRateView, SloView, Transition, definition};

/// CloudWatch did not answer.
#[derive(Debug, thiserror::Error)]
#[error("CloudWatch did not answer: {0}")]
pub struct CloudWatchError(String);

/// Where the alarms live: the client, the name prefix and the console's region.
#[derive(Debug, Clone)]
pub struct CloudWatch {
    pub client: Client,
    pub prefix: String,
    pub region: String,
}

/// One alarm as CloudWatch reports it.
struct Reported {
    name: String,
    state: &'static str,
    since: Option<DateTime<Utc>>,
    value: Option<f64>,
}

fn state(value: Option<&StateValue>) -> &'static str {
    // Missing data is treated as not breaching: an alarm without data is not firing.
    match value {
        Some(StateValue::Alarm) => "firing",
        _ => "ok",
    }
}

fn time(t: Option<&aws_sdk_cloudwatch::primitives::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
}

/// The last datapoint an evaluation recorded (`recentDatapoints` of the state reason's data).
fn last_value(reason_data: Option<&str>) -> Option<f64> {
    let data: serde_json::Value = serde_json::from_str(reason_data?).ok()?;
    data["recentDatapoints"].as_array()?.last()?.as_f64()
}

impl CloudWatch {
    /// The console page of alarm `name`.
    pub fn link(&self, name: &str) -> String {
        let region = &self.region;
        format!(
            "https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#alarmsV2:alarm/{}{name}",
            self.prefix
        )
    }

    async fn reported(&self) -> Result<Vec<Reported>, CloudWatchError> {
        let mut reported = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .describe_alarms()
                .alarm_name_prefix(&self.prefix)
                .alarm_types(AlarmType::MetricAlarm)
                .alarm_types(AlarmType::CompositeAlarm)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| {
                    CloudWatchError(aws_sdk_cloudwatch::error::DisplayErrorContext(e).to_string())
                })?;
            for alarm in page.metric_alarms() {
                reported.push(Reported {
                    name: alarm.alarm_name().unwrap_or_default().to_string(),
                    state: state(alarm.state_value()),
                    since: time(alarm.state_updated_timestamp()),
                    value: last_value(alarm.state_reason_data()),
                });
            }
            for alarm in page.composite_alarms() {
                reported.push(Reported {
                    name: alarm.alarm_name().unwrap_or_default().to_string(),
                    state: state(alarm.state_value()),
                    since: time(alarm.state_updated_timestamp()),
                    value: None,
                });
            }
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(reported);
            }
        }
    }

    /// State changes of the last hour, newest first. History is a nicety: when CloudWatch
    /// refuses it, the board shows none rather than failing.
    async fn history(&self) -> Vec<Transition> {
        let since = Utc::now() - Duration::hours(1);
        let Ok(page) = self
            .client
            .describe_alarm_history()
            .history_item_type(HistoryItemType::StateUpdate)
            .start_date(aws_sdk_cloudwatch::primitives::DateTime::from_secs(
                since.timestamp(),
            ))
            .end_date(aws_sdk_cloudwatch::primitives::DateTime::from_secs(
                Utc::now().timestamp(),
            ))
            .max_records(100)
            .send()
            .await
        else {
            return Vec::new();
        };
        let label = |value: &serde_json::Value| match value["stateValue"].as_str() {
            Some("ALARM") => "firing",
            _ => "ok",
        };
        let mut transitions: Vec<Transition> = page
            .alarm_history_items()
            .iter()
            .filter_map(|item| {
                let alarm = item.alarm_name()?.strip_prefix(&self.prefix)?;
                let data: serde_json::Value = serde_json::from_str(item.history_data()?).ok()?;
                Some(Transition {
                    alarm: alarm.to_string(),
                    from: label(&data["oldState"]).into(),
                    to: label(&data["newState"]).into(),
                    at: time(item.timestamp())?,
                })
            })
            .filter(|t| t.from != t.to)
            .collect();
        transitions.sort_by_key(|t| std::cmp::Reverse(t.at));
        transitions
    }

    /// The board: every alarm of the definition that CloudWatch has, in the definition's order,
    /// the AWS-only resource alarms last.
    pub async fn board(&self) -> Result<AlarmBoard, CloudWatchError> {
        let definition = definition();
        let reported = self.reported().await?;
        let find = |name: &str| {
            reported
                .iter()
                .find(|r| r.name.strip_prefix(&self.prefix) == Some(name))
        };
        let resources = definition
            .resource_alarms
            .iter()
            .map(|a| (a.name.as_str(), a.summary.as_str(), a.threshold));
        let alarms = definition
            .all()
            .chain(resources)
            .filter_map(|(name, summary, threshold)| {
                let alarm = find(name)?;
                Some(AlarmView {
                    name: name.to_string(),
                    summary: summary.to_string(),
                    state: alarm.state.into(),
                    since: alarm.since,
                    value: alarm.value,
                    threshold,
                    link: Some(self.link(name)),
                })
            })
            .collect();
        let slo = &definition.slos[0];
        // Each burn alert's window alarms evaluate the burn rate itself.
        let mut burn_rates = Vec::new();
        for burn in &slo.burn_alerts {
            for (part, seconds) in [("long", burn.aws.long), ("short", burn.aws.short)] {
                let window = if seconds % 3600 == 0 {
                    format!("{}h", seconds / 3600)
                } else {
                    format!("{}m", seconds / 60)
                };
                if burn_rates.iter().any(|b: &BurnRateView| b.window == window) {
                    continue;
                }
                burn_rates.push(BurnRateView {
                    rate: find(&format!("{}-{part}", burn.name)).and_then(|r| r.value),
                    window,
                });
            }
        }
        Ok(AlarmBoard {
            source: "cloudwatch".into(),
            alarms,
            slo: SloView {
                name: slo.name.clone(),
                summary: slo.summary.clone(),
                objective: slo.objective,
                threshold_ms: slo.threshold_ms,
                window: slo.window.aws.clone(),
                error_budget_remaining: None,
                burn_rates,
            },
            history: self.history().await,
        })
    }
}
