//! CloudWatch Logs Insights over the stored log records: a query compiled by `querylang` to one
//! parameterized statement, run with a time limit, answered as GetQueryResults answers.
//!
//! Each record is the JSON line the service printed, as Logs Insights discovers it on AWS: the
//! line's keys (`level`, `message`, `service`, `trace_id`, `correlation_id`, ...) and the system
//! fields `@timestamp`, `@message` (the line), `@logStream` (the service, here) and `@log` (the
//! log group the service writes to on AWS, under the default deployment name `shop`).

use chrono::{DateTime, Utc};
use querylang::insights::{self, Chart};
use querylang::sql::{Param, Statement};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;

pub use crate::bounded::QueryError;

/// How long a query may run.
pub const TIME_LIMIT_SECONDS: u32 = 10;

/// The records between `from` and `to`, newest first, as `(o, ts, r)`.
fn records(st: &mut Statement, from: DateTime<Utc>, to: DateTime<Utc>) {
    st.push(
        "SELECT row_number() OVER (ORDER BY x.time DESC, x.id DESC) AS o, x.time AS ts, \
         x.line || jsonb_build_object('@message', x.line::text, '@logStream', x.service, \
             '@log', CASE WHEN x.service = 'stock-projector' THEN '/ecs/shop/stock-projector' \
                     ELSE '/aws/lambda/shop-' || x.service END) AS r \
         FROM (SELECT l.id, l.time, COALESCE(l.attributes ->> 'faas.name', l.service) AS service, \
                 (l.attributes - 'faas.name') || jsonb_strip_nulls(jsonb_build_object( \
                     'timestamp', to_char(l.time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), \
                     'level', l.level, 'message', l.message, \
                     'service', COALESCE(l.attributes ->> 'faas.name', l.service), \
                     'trace_id', l.trace_id, 'span_id', l.span_id)) AS line \
               FROM observe.logs l WHERE l.time >= ",
    )
    .bind(Param::Text(from.to_rfc3339()))
    .push("::timestamptz AND l.time < ")
    .bind(Param::Text(to.to_rfc3339()))
    .push("::timestamptz) x");
}

/// A result as CloudWatch's GetQueryResults gives it, with the columns and, for a time series,
/// how to draw it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueryResults {
    /// `Complete`, or `Timeout` when the query ran out of time.
    pub status: String,
    /// The result's columns, in order.
    pub fields: Vec<String>,
    /// Each row: the fields it has, each value as text.
    pub results: Vec<Vec<ResultField>>,
    pub statistics: Statistics,
    /// Set for `stats ... by bin(...)`: draw it over time.
    pub chart: Option<ChartView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ResultField {
    pub field: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Statistics {
    pub records_matched: i64,
    pub records_scanned: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChartView {
    pub time_field: String,
    pub value_fields: Vec<String>,
    pub group_fields: Vec<String>,
}

impl From<Chart> for ChartView {
    fn from(c: Chart) -> Self {
        Self {
            time_field: c.time_field,
            value_fields: c.value_fields,
            group_fields: c.group_fields,
        }
    }
}

/// Runs Logs Insights `query` over the records from `from` to `to`.
pub async fn run(
    pool: &PgPool,
    query: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<QueryResults, QueryError> {
    let parsed = insights::parse(query)?;
    let compiled = insights::compile(&parsed, |st| records(st, from, to)).map_err(|e| {
        QueryError::Invalid {
            message: e.0,
            position: None,
        }
    })?;
    let answer: Option<Vec<(i64, i64, serde_json::Value)>> =
        crate::bounded::fetch_all(pool, &compiled.statement, TIME_LIMIT_SECONDS).await?;
    let Some((scanned, matched, rows)) = answer.and_then(|rows| rows.into_iter().next()) else {
        return Ok(QueryResults {
            status: "Timeout".into(),
            fields: compiled.fields,
            results: Vec::new(),
            statistics: Statistics {
                records_matched: 0,
                records_scanned: 0,
            },
            chart: None,
        });
    };
    let results = rows
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            compiled
                .fields
                .iter()
                .zip(row.as_array().into_iter().flatten())
                .filter_map(|(field, value)| {
                    value.as_str().map(|v| ResultField {
                        field: field.clone(),
                        value: v.to_string(),
                    })
                })
                .collect()
        })
        .collect();
    Ok(QueryResults {
        status: "Complete".into(),
        fields: compiled.fields,
        results,
        statistics: Statistics {
            records_matched: matched,
            records_scanned: scanned,
        },
        chart: compiled.chart.map(ChartView::from),
    })
}
