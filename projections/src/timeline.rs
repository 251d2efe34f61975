//! The path of one command through the system, without any tracing backend: read back from the
//! event store and the projector's own records (`deliveries`, `applied_pages`).
//!
//! request received (from the UUIDv7 causation id the handler minted at the request's start)
//! → each event appended → each SQS message sent and received → each event applied by each
//! projection (the saga's `reservations` included), every hop with its latency. The timeline
//! owns those records: it writes them ([`record_page`], [`record_deliveries`]) and prunes them.

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use sqlx::PgPool;
use std::collections::BTreeMap;

use eventstore::{Cursor, StoredEvent, log};
use sqlx::PgConnection;

use crate::checkpoint::Follower;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Timeline {
    pub correlation_id: String,
    /// The W3C trace id the command's events carry, to find the same path in X-Ray or Jaeger.
    #[schema(required = true)]
    pub trace_id: Option<String>,
    pub hops: Vec<Hop>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hop {
    pub name: String,
    /// order, product, admin, event-store, sqs or stock-projector.
    pub service: String,
    pub at: DateTime<Utc>,
    /// Since the first hop.
    pub offset_ms: f64,
    /// Since the hop before.
    pub latency_ms: f64,
    pub attributes: BTreeMap<String, String>,
}

/// The timeline of `correlation_id`, or `None` when no event carries it. An order id is
/// accepted too: it resolves to the correlation id of the order's first event.
/// `followers` are the saga and the read models whose applications it shows.
pub async fn timeline(
    pool: &PgPool,
    followers: &[Follower],
    id: &str,
) -> anyhow::Result<Option<Timeline>> {
    let Some(correlation_id) = log::correlation_of(pool, id).await? else {
        return Ok(None);
    };
    let events = log::by_correlation(pool, &correlation_id).await?;

    let mut hops: Vec<Hop> = Vec::new();
    let mut hop = |at, name: String, service: &str, attributes| {
        hops.push(Hop {
            name,
            service: service.to_string(),
            at,
            offset_ms: 0.0,
            latency_ms: 0.0,
            attributes,
        })
    };
    // The request: the handler's causation ids are UUIDv7, whose first 48 bits are the
    // millisecond the request's context was made.
    let requester = events
        .iter()
        .find(|e| !e.meta("actor").starts_with("system:"));
    if let Some(first) = requester
        && let Some(at) = uuid_v7_time(first.meta("causation_id"))
    {
        let service = match first.aggregate_type.as_str() {
            "Order" => "order",
            _ => "admin",
        };
        let attrs = BTreeMap::from([
            ("command".into(), first.meta("command").to_string()),
            ("actor".into(), first.meta("actor").to_string()),
        ]);
        hop(at, "request received".into(), service, attrs);
    }
    for event in &events {
        let attrs = BTreeMap::from([
            (
                "stream".into(),
                format!("{}:{}", event.aggregate_type, event.aggregate_id),
            ),
            ("sequence".into(), event.sequence.to_string()),
            ("global_position".into(), event.global_position.to_string()),
            ("command".into(), event.meta("command").to_string()),
            ("actor".into(), event.meta("actor").to_string()),
        ]);
        hop(
            event.recorded_at,
            format!("{} appended", event.event_type),
            "event-store",
            attrs,
        );
        for follower in followers {
            if !follower
                .aggregate_types
                .contains(&event.aggregate_type.as_str())
            {
                continue;
            }
            let applied: Option<DateTime<Utc>> = sqlx::query_scalar(
                "SELECT min(applied_at) FROM applied_pages
                  WHERE projection = $1
                    AND (to_transaction_id, to_global_position) >= ($2::text::xid8, $3)
                    AND (from_transaction_id, from_global_position) < ($2::text::xid8, $3)",
            )
            .bind(follower.name)
            .bind(event.transaction_id.to_string())
            .bind(event.global_position)
            .fetch_one(pool)
            .await?;
            if let Some(at) = applied {
                let attrs = BTreeMap::from([
                    ("event".into(), event.event_type.clone()),
                    ("global_position".into(), event.global_position.to_string()),
                ]);
                let name = if follower.saga {
                    format!("{} handled by the saga", event.event_type)
                } else {
                    format!("{} applied to {}", event.event_type, follower.name)
                };
                hop(at, name, "stock-projector", attrs);
            }
        }
    }
    let deliveries: Vec<Delivery> = sqlx::query_as(
        "SELECT message_id, aggregate_type, aggregate_id, sent_at, received_at, receive_count
               FROM deliveries WHERE correlation_id = $1 ORDER BY received_at",
    )
    .bind(&correlation_id)
    .fetch_all(pool)
    .await?;
    let mut sent_seen = std::collections::HashSet::new();
    for Delivery {
        message_id,
        aggregate_type,
        aggregate_id,
        sent_at,
        received_at,
        receive_count,
    } in deliveries
    {
        let stream = format!("{aggregate_type}:{aggregate_id}");
        if let Some(sent) = sent_at.filter(|_| sent_seen.insert(message_id.clone())) {
            let attrs = BTreeMap::from([
                ("message_id".into(), message_id.clone()),
                ("group".into(), stream.clone()),
            ]);
            hop(sent, "message sent".into(), "sqs", attrs);
        }
        let attrs = BTreeMap::from([
            ("message_id".into(), message_id),
            ("group".into(), stream),
            ("receive_count".into(), receive_count.to_string()),
        ]);
        hop(
            received_at,
            "message received".into(),
            "stock-projector",
            attrs,
        );
    }

    hops.sort_by_key(|h| h.at);
    let start = hops.first().map(|h| h.at);
    let mut previous = start;
    for h in &mut hops {
        let ms = |from: Option<DateTime<Utc>>| {
            from.map_or(0.0, |f| {
                (h.at - f).num_microseconds().unwrap_or(0) as f64 / 1000.0
            })
        };
        h.offset_ms = ms(start);
        h.latency_ms = ms(previous);
        previous = Some(h.at);
    }
    let trace_id = events
        .first()
        .and_then(|e| e.meta("traceparent").split('-').nth(1).map(str::to_string))
        .filter(|t| t.len() == 32);
    Ok(Some(Timeline {
        correlation_id,
        trace_id,
        hops,
    }))
}

#[derive(sqlx::FromRow)]
struct Delivery {
    message_id: String,
    aggregate_type: String,
    aggregate_id: String,
    sent_at: Option<DateTime<Utc>>,
    received_at: DateTime<Utc>,
    receive_count: i32,
}

/// The millisecond timestamp inside a UUIDv7, when `text` is one.
fn uuid_v7_time(text: &str) -> Option<DateTime<Utc>> {
    let uuid = uuid::Uuid::parse_str(text).ok()?;
    if uuid.get_version_num() != 7 {
        return None;
    }
    let (seconds, nanos) = uuid.get_timestamp()?.to_unix();
    Utc.timestamp_opt(seconds as i64, nanos).single()
}

/// Deletes timeline records older than `days`. Returns the rows removed.
pub async fn prune(pool: &PgPool, days: i32) -> sqlx::Result<u64> {
    let mut removed = 0;
    for table in ["deliveries", "applied_pages"] {
        let column = if table == "deliveries" {
            "received_at"
        } else {
            "applied_at"
        };
        removed += sqlx::query(&format!(
            "DELETE FROM {table} WHERE {column} < now() - make_interval(days => $1)"
        ))
        .bind(days)
        .execute(pool)
        .await?
        .rows_affected();
    }
    Ok(removed)
}

/// What the timeline reads of one step: its cursor range and, by its commit, when it applied.
pub async fn record_page(
    db: &mut PgConnection,
    follower: &str,
    from: Cursor,
    to: Cursor,
    events: usize,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO applied_pages (projection, from_transaction_id, from_global_position,
                                    to_transaction_id, to_global_position, events)
         VALUES ($1, $2::text::xid8, $3, $4::text::xid8, $5, $6)",
    )
    .bind(follower)
    .bind(from.transaction_id.to_string())
    .bind(from.global_position)
    .bind(to.transaction_id.to_string())
    .bind(to.global_position)
    .bind(events as i32)
    .execute(db)
    .await
    .map(drop)
}

/// One message the projector received, as the timeline shows it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub message_id: String,
    pub correlation_id: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// When SQS took the message.
    pub sent_at: Option<DateTime<Utc>>,
    pub receive_count: i32,
}

/// Notes each received message (received now) for the timeline.
pub async fn record_deliveries(pool: &PgPool, received: &[Received]) -> sqlx::Result<()> {
    if received.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&Received) -> String| received.iter().map(f).collect::<Vec<_>>();
    let sent: Vec<Option<DateTime<Utc>>> = received.iter().map(|r| r.sent_at).collect();
    let counts: Vec<i32> = received.iter().map(|r| r.receive_count).collect();
    sqlx::query(
        "INSERT INTO deliveries (message_id, correlation_id, aggregate_type, aggregate_id, sent_at, receive_count)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[])",
    )
    .bind(column(|r| r.message_id.clone()))
    .bind(column(|r| r.correlation_id.clone()))
    .bind(column(|r| r.aggregate_type.clone()))
    .bind(column(|r| r.aggregate_id.clone()))
    .bind(&sent)
    .bind(&counts)
    .execute(pool)
    .await
    .map(drop)
}

/// A span for `follower` handling `event`, a child of the span that appended it, so the event's
/// own trace shows when each follower took it in.
pub fn event_span(follower: &str, event: &StoredEvent) -> tracing::Span {
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let span = tracing::info_span!(
        "apply",
        otel.name = format!("{follower} {}", event.event_type),
        projection = follower,
        event_type = %event.event_type,
        global_position = event.global_position,
        aggregate_id = %event.aggregate_id,
        correlation_id = %event.meta("correlation_id"),
        order_id = tracing::field::Empty,
        sku = tracing::field::Empty,
    );
    eventstore::store::record_subject(&span, &event.aggregate_type, &event.aggregate_id);
    let traceparent = event.meta("traceparent");
    if !traceparent.is_empty() {
        let _ = span.set_parent(platform::telemetry::context_from(traceparent, None));
    }
    span
}
