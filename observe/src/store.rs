//! Where received telemetry is kept: the `observe` schema's `spans` and `logs` tables
//! (migrations/0006_observe.sql), written in batches and trimmed to a bounded size, so telemetry
//! never fills the disk however long the stack runs.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, QueryBuilder};

use crate::otlp::{LogRow, SpanRow};

/// Rows per INSERT: PostgreSQL takes at most 65535 bind parameters in one statement.
const BATCH: usize = 1000;

/// How much telemetry is kept: rows older than `max_age`, and the oldest rows beyond the caps,
/// are deleted by [`trim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub max_age: Duration,
    pub max_spans: i64,
    pub max_logs: i64,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            max_age: Duration::from_secs(24 * 3600),
            max_spans: 200_000,
            max_logs: 200_000,
        }
    }
}

fn time(unix_nano: u64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(i64::try_from(unix_nano).unwrap_or(i64::MAX))
}

pub async fn insert_spans(pool: &PgPool, rows: &[SpanRow]) -> sqlx::Result<()> {
    for chunk in rows.chunks(BATCH) {
        let mut query: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO observe.spans (trace_id, span_id, parent_span_id, service, name, kind, \
             start_time, end_time, duration_ms, status, status_message, attributes, events, links, keys) ",
        );
        query.push_values(chunk, |mut row, span| {
            row.push_bind(&span.trace_id)
                .push_bind(&span.span_id)
                .push_bind(&span.parent_span_id)
                .push_bind(&span.service)
                .push_bind(&span.name)
                .push_bind(span.kind)
                .push_bind(time(span.start_unix_nano))
                .push_bind(time(span.end_unix_nano))
                .push_bind((span.end_unix_nano - span.start_unix_nano) as f64 / 1e6)
                .push_bind(span.status)
                .push_bind(&span.status_message)
                .push_bind(&span.attributes)
                .push_bind(&span.events)
                .push_bind(&span.links)
                .push_bind(&span.keys);
        });
        query.build().execute(pool).await?;
    }
    Ok(())
}

pub async fn insert_logs(pool: &PgPool, rows: &[LogRow]) -> sqlx::Result<()> {
    for chunk in rows.chunks(BATCH) {
        let mut query: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO observe.logs (time, service, level, message, trace_id, span_id, attributes, keys) ",
        );
        query.push_values(chunk, |mut row, log| {
            row.push_bind(time(log.time_unix_nano))
                .push_bind(&log.service)
                .push_bind(log.level)
                .push_bind(&log.message)
                .push_bind(&log.trace_id)
                .push_bind(&log.span_id)
                .push_bind(&log.attributes)
                .push_bind(&log.keys);
        });
        query.build().execute(pool).await?;
    }
    Ok(())
}

/// What one [`trim`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trimmed {
    pub spans: u64,
    pub logs: u64,
}

/// Deletes what `retention` no longer keeps: rows received longer ago than its age, then the
/// oldest rows beyond its caps. Age counts from arrival, not from the sender's clock.
pub async fn trim(pool: &PgPool, retention: Retention) -> sqlx::Result<Trimmed> {
    let age = retention.max_age.as_secs_f64();
    let mut trimmed = Trimmed::default();
    for (table, cap, count) in [
        ("spans", retention.max_spans, &mut trimmed.spans),
        ("logs", retention.max_logs, &mut trimmed.logs),
    ] {
        let old = sqlx::query(&format!(
            "DELETE FROM observe.{table} WHERE received_at < clock_timestamp() - make_interval(secs => $1)"
        ))
        .bind(age)
        .execute(pool)
        .await?;
        let over = sqlx::query(&format!(
            "DELETE FROM observe.{table} WHERE id <= \
             (SELECT id FROM observe.{table} ORDER BY id DESC OFFSET $1 LIMIT 1)"
        ))
        .bind(cap)
        .execute(pool)
        .await?;
        *count = old.rows_affected() + over.rows_affected();
    }
    Ok(trimmed)
}
