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

/// CloudWatch refused a metric expression, or did not answer.
#[derive(Debug, thiserror::Error)]
pub enum MetricDataError {
    #[error("CloudWatch refused the expression: {0}")]
    Refused(String),
    #[error(transparent)]
    Unanswered(#[from] CloudWatchError),
}

/// How many pages of GetMetricData a panel reads at most (each holds up to 100,800 points).
const METRIC_PAGES: usize = 5;

impl CloudWatch {
    /// A panel's series on AWS: the CloudWatch metric math `expression` (the same signal as
    /// the panel's PromQL locally, such as `SUM(SEARCH('Namespace="Shop" MetricName="OrdersPlaced"', 'Sum', 60))`)
    /// from `from` to `to`, a point every `period` seconds, each series labelled as CloudWatch
    /// labels it (`label`).
    pub async fn metric_range(
        &self,
        expression: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        period: i64,
    ) -> Result<crate::prometheus::MetricRange, MetricDataError> {
        let query = aws_sdk_cloudwatch::types::MetricDataQuery::builder()
            .id("panel")
            .expression(expression)
            .period(i32::try_from(period).unwrap_or(60))
            .return_data(true)
            .build();
        let mut results = Vec::new();
        let mut token = None;
        for _ in 0..METRIC_PAGES {
            let page = self
                .client
                .get_metric_data()
                .metric_data_queries(query.clone())
                .start_time(aws_sdk_cloudwatch::primitives::DateTime::from_secs(
                    from.timestamp(),
                ))
                .end_time(aws_sdk_cloudwatch::primitives::DateTime::from_secs(
                    to.timestamp(),
                ))
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| {
                    use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
                    let e = e.into_service_error();
                    // An expression CloudWatch cannot read comes back unmodelled, by its code.
                    let refused = matches!(
                        e.code(),
                        Some(
                            "ValidationError"
                                | "InvalidParameterValue"
                                | "InvalidParameterCombination"
                        )
                    );
                    if refused {
                        MetricDataError::Refused(
                            e.meta().message().unwrap_or("invalid").to_string(),
                        )
                    } else {
                        MetricDataError::Unanswered(CloudWatchError(
                            aws_sdk_cloudwatch::error::DisplayErrorContext(e).to_string(),
                        ))
                    }
                })?;
            results.extend(page.metric_data_results().iter().cloned());
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        Ok(range(&results, from, to, period))
    }
}

/// GetMetricData's results as the console's series: one per label, points oldest first. A
/// result CloudWatch could not compute (its messages say why) is refused as the expression.
pub(crate) fn range(
    results: &[aws_sdk_cloudwatch::types::MetricDataResult],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    period: i64,
) -> crate::prometheus::MetricRange {
    use std::collections::BTreeMap;
    let mut by_label: BTreeMap<String, Vec<[f64; 2]>> = BTreeMap::new();
    for result in results {
        let label = result.label().unwrap_or("value").to_string();
        let points = by_label.entry(label).or_default();
        for (t, v) in result.timestamps().iter().zip(result.values()) {
            points.push([t.secs() as f64, *v]);
        }
    }
    let series = by_label
        .into_iter()
        .map(|(label, mut points)| {
            points.sort_by(|a, b| a[0].total_cmp(&b[0]));
            crate::prometheus::Series {
                labels: BTreeMap::from([("label".to_string(), label)]),
                points,
            }
        })
        .collect();
    crate::prometheus::MetricRange {
        from,
        to,
        step_seconds: period,
        series,
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudwatch::primitives::DateTime as AwsTime;
    use aws_sdk_cloudwatch::types::MetricDataResult;

    use super::*;

    #[test]
    fn metric_data_reads_as_the_consoles_series() {
        let results = [
            MetricDataResult::builder()
                .label("order /api/orders POST 202")
                .timestamps(AwsTime::from_secs(120))
                .values(4.0)
                .timestamps(AwsTime::from_secs(60))
                .values(2.0)
                .build(),
            MetricDataResult::builder()
                .label("product /api/products GET 200")
                .timestamps(AwsTime::from_secs(60))
                .values(9.0)
                .build(),
        ];
        let now = Utc::now();
        let r = range(&results, now - Duration::minutes(5), now, 60);
        assert_eq!(r.series.len(), 2);
        assert_eq!(r.series[0].labels["label"], "order /api/orders POST 202");
        assert_eq!(
            r.series[0].points,
            [[60.0, 2.0], [120.0, 4.0]],
            "oldest first"
        );
        assert_eq!(r.step_seconds, 60);
    }
}
