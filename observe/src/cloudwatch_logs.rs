//! Logs Insights on AWS: the query the learner typed, sent unchanged to CloudWatch Logs
//! (StartQuery over the services' log groups, then GetQueryResults until it completes), and
//! answered in the shape the local console answers ([`crate::insights::QueryResults`]).

use std::time::Duration as StdDuration;

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::QueryStatus;
use chrono::{DateTime, Utc};

use crate::insights::{ChartView, QueryError, QueryResults, ResultField, Statistics};

/// Where the queries run: the client and the services' log groups.
#[derive(Debug, Clone)]
pub struct LogsInsights {
    pub client: Client,
    pub log_groups: Vec<String>,
}

/// How long the console waits for CloudWatch before it stops the query: as long as the local
/// console lets a query run.
const WAIT: StdDuration = StdDuration::from_secs(crate::insights::TIME_LIMIT_SECONDS as u64);
const POLL: StdDuration = StdDuration::from_millis(400);

impl LogsInsights {
    /// Runs `query` over the log groups from `from` to `to`.
    pub async fn run(
        &self,
        query: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<QueryResults, QueryError> {
        // The columns and the chart as the local compiler reads the query; a query outside the
        // local subset still goes to CloudWatch, which has the last word on its language.
        let described = querylang::insights::parse(query)
            .ok()
            .and_then(|q| querylang::insights::compile(&q, |_| {}).ok());
        let started = self
            .client
            .start_query()
            .set_log_group_names(Some(self.log_groups.clone()))
            .start_time(from.timestamp())
            .end_time(to.timestamp())
            .query_string(query)
            .send()
            .await
            .map_err(|e| {
                let e = e.into_service_error();
                if e.is_malformed_query_exception() || e.is_invalid_parameter_exception() {
                    QueryError::Invalid {
                        message: format!(
                            "CloudWatch refused the query: {}",
                            e.meta().message().unwrap_or("malformed")
                        ),
                        position: None,
                    }
                } else {
                    QueryError::Unavailable(format!("CloudWatch Logs did not answer: {e}"))
                }
            })?;
        let id = started.query_id().unwrap_or_default().to_string();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let answer = self
                .client
                .get_query_results()
                .query_id(&id)
                .send()
                .await
                .map_err(|e| {
                    QueryError::Unavailable(format!(
                        "CloudWatch Logs did not answer: {}",
                        e.into_service_error()
                    ))
                })?;
            let status = answer.status().cloned().unwrap_or(QueryStatus::Running);
            let done = matches!(
                status,
                QueryStatus::Complete
                    | QueryStatus::Failed
                    | QueryStatus::Cancelled
                    | QueryStatus::Timeout
            );
            if done || tokio::time::Instant::now() >= deadline {
                if !done {
                    let _ = self.client.stop_query().query_id(&id).send().await;
                }
                if status == QueryStatus::Failed {
                    return Err(QueryError::Invalid {
                        message: "CloudWatch could not run the query".into(),
                        position: None,
                    });
                }
                return Ok(results(answer, described, done));
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// GetQueryResults' answer as the console reads it: `@ptr` (CloudWatch's pointer to the
/// record) left out, the columns in the query's order.
fn results(
    answer: aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput,
    described: Option<querylang::insights::Compiled>,
    complete: bool,
) -> QueryResults {
    let rows: Vec<Vec<ResultField>> = answer
        .results()
        .iter()
        .map(|row| {
            row.iter()
                .filter_map(|f| {
                    let field = f.field()?;
                    (field != "@ptr").then(|| ResultField {
                        field: field.to_string(),
                        value: f.value().unwrap_or_default().to_string(),
                    })
                })
                .collect()
        })
        .collect();
    let fields = match &described {
        Some(compiled) => compiled.fields.clone(),
        None => {
            let mut seen: Vec<String> = Vec::new();
            for field in rows.iter().flatten() {
                if !seen.contains(&field.field) {
                    seen.push(field.field.clone());
                }
            }
            seen
        }
    };
    let statistics = answer.statistics();
    QueryResults {
        status: if complete { "Complete" } else { "Timeout" }.into(),
        fields,
        results: rows,
        statistics: Statistics {
            records_matched: statistics.map_or(0, |s| s.records_matched() as i64),
            records_scanned: statistics.map_or(0, |s| s.records_scanned() as i64),
        },
        chart: described.and_then(|c| c.chart).map(ChartView::from),
    }
}
