//! Reading the log: pages in commit order below the horizon, one stream, several streams, one
//! correlation id, the head.

use chrono::{DateTime, Utc};
use cqrs_es::persist::SerializedEvent;
use sqlx::PgExecutor;
use uuid::Uuid;

use super::{Cursor, StoredEvent};

type Row = (
    Uuid,
    String,
    String,
    i64,
    i64,
    i64,
    String,
    String,
    serde_json::Value,
    serde_json::Value,
    DateTime<Utc>,
);

/// The columns `Row` reads. `transaction_id` is cast for the client, so the output column of that
/// name is a bigint: ORDER BY must name `events.transaction_id`, or PostgreSQL sorts by the cast,
/// which no index provides, and every page becomes a scan and sort of the rest of the log.
const COLUMNS: &str = "event_id, aggregate_type, aggregate_id, sequence, global_position,
    transaction_id::text::bigint, event_type, event_version, payload, metadata, recorded_at";

/// Up to `limit` events after `after`, in commit order, of the given aggregate types (all when
/// empty). Run it outside any transaction that holds a transaction id, or the reader's own
/// transaction becomes the horizon it waits behind.
pub async fn read_after<'e>(
    db: impl PgExecutor<'e>,
    after: Cursor,
    aggregate_types: &[&str],
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let types = super::query::owned(aggregate_types);
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM events
          WHERE (transaction_id, global_position) > ($1::text::xid8, $2)
            AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            AND (cardinality($3::text[]) = 0 OR aggregate_type = ANY($3))
          ORDER BY events.transaction_id, events.global_position
          LIMIT $4"
    ))
    .bind(after.transaction_id.to_string())
    .bind(after.global_position)
    .bind(&types)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(stored).collect())
}

/// One aggregate's events in sequence order, for the admin history.
pub async fn stream<'e>(
    db: impl PgExecutor<'e>,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence"
    ))
    .bind(aggregate_type)
    .bind(aggregate_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(stored).collect())
}

/// The events of several aggregates of one type, each stream in sequence order.
pub async fn streams<'e>(
    db: impl PgExecutor<'e>,
    aggregate_type: &str,
    aggregate_ids: &[String],
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM events WHERE aggregate_type = $1 AND aggregate_id = ANY($2)
          ORDER BY aggregate_id, sequence"
    ))
    .bind(aggregate_type)
    .bind(aggregate_ids)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(stored).collect())
}

/// The first event of each of several streams of one type (for a `Stock`, its registration):
/// one primary-key probe per stream.
pub async fn firsts<'e>(
    db: impl PgExecutor<'e>,
    aggregate_type: &str,
    aggregate_ids: &[String],
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM events WHERE aggregate_type = $1 AND aggregate_id = ANY($2) AND sequence = 1"
    ))
    .bind(aggregate_type)
    .bind(aggregate_ids)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(stored).collect())
}

/// Every event one shopper action caused (its correlation id), in commit order.
pub async fn by_correlation<'e>(
    db: impl PgExecutor<'e>,
    correlation_id: &str,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM events WHERE metadata ->> 'correlation_id' = $1
          ORDER BY events.transaction_id, events.global_position"
    ))
    .bind(correlation_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(stored).collect())
}

/// The last readable event's cursor: where a projection that is caught up stands.
pub async fn head<'e>(db: impl PgExecutor<'e>) -> Result<Cursor, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT transaction_id::text::bigint, global_position FROM events
          WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map_or_else(Cursor::default, |(t, g)| Cursor {
        transaction_id: t,
        global_position: g,
    }))
}

fn stored(row: Row) -> StoredEvent {
    let (
        event_id,
        aggregate_type,
        aggregate_id,
        sequence,
        global_position,
        transaction_id,
        event_type,
        event_version,
        payload,
        metadata,
        recorded_at,
    ) = row;
    let upcast = aggregates::upcast::upcast(SerializedEvent {
        aggregate_id,
        sequence: sequence as usize,
        aggregate_type,
        event_type,
        event_version,
        payload,
        metadata,
    });
    StoredEvent {
        event_id,
        aggregate_type: upcast.aggregate_type,
        aggregate_id: upcast.aggregate_id,
        sequence,
        global_position,
        transaction_id,
        event_type: upcast.event_type,
        event_version: upcast.event_version,
        payload: upcast.payload,
        metadata: upcast.metadata,
        recorded_at,
    }
}
