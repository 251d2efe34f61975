//! Questions about the log that are answered by counting or probing it, not by reading events:
//! how much a checkpoint has still to apply, where an event stands, which correlation an order
//! belongs to.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use super::Cursor;

/// Aggregate types as PostgreSQL binds a `text[]`.
pub(super) fn owned(types: &[&str]) -> Vec<String> {
    types.iter().map(|t| t.to_string()).collect()
}

/// Events of the given aggregate types, all of them.
pub async fn count<'e>(db: impl PgExecutor<'e>, aggregate_types: &[&str]) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_type = ANY($1)")
        .bind(owned(aggregate_types))
        .fetch_one(db)
        .await
}

/// Committed events after `cursor` of the given aggregate types (only those at the global
/// positions `among`, when given): what a checkpoint at `cursor` has not applied yet.
pub async fn unapplied<'e>(
    db: impl PgExecutor<'e>,
    cursor: Cursor,
    aggregate_types: &[&str],
    among: Option<&[i64]>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM events
          WHERE (transaction_id, global_position) > ($1::text::xid8, $2)
            AND aggregate_type = ANY($3) AND ($4::bigint[] IS NULL OR global_position = ANY($4))",
    )
    .bind(cursor.transaction_id.to_string())
    .bind(cursor.global_position)
    .bind(owned(aggregate_types))
    .bind(among)
    .fetch_one(db)
    .await
}

/// The events after `from` up to `to` (inclusive) of the given aggregate types, and when the
/// oldest of them was recorded: a checkpoint's lag behind the head, in events and in time.
pub async fn unapplied_since<'e>(
    db: impl PgExecutor<'e>,
    from: Cursor,
    to: Cursor,
    aggregate_types: &[&str],
) -> sqlx::Result<(i64, Option<DateTime<Utc>>)> {
    sqlx::query_as(
        "SELECT count(*), min(recorded_at) FROM events
          WHERE (transaction_id, global_position) > ($1::text::xid8, $2)
            AND (transaction_id, global_position) <= ($3::text::xid8, $4)
            AND aggregate_type = ANY($5)",
    )
    .bind(from.transaction_id.to_string())
    .bind(from.global_position)
    .bind(to.transaction_id.to_string())
    .bind(to.global_position)
    .bind(owned(aggregate_types))
    .fetch_one(db)
    .await
}

/// The cursor of the event at `global_position`, or `None` when no such event has committed.
/// A checkpoint at or past it has applied the event.
pub async fn cursor_at<'e>(
    db: impl PgExecutor<'e>,
    global_position: i64,
) -> sqlx::Result<Option<Cursor>> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT transaction_id::text::bigint, global_position FROM events WHERE global_position = $1",
    )
    .bind(global_position)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(transaction_id, global_position)| Cursor {
        transaction_id,
        global_position,
    }))
}

/// The correlation id of `id`: an order id (its first event's correlation) or a correlation id
/// itself. `None` when no event carries it.
pub async fn correlation_of<'e>(db: impl PgExecutor<'e>, id: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT metadata ->> 'correlation_id' FROM events
          WHERE (aggregate_type = 'Order' AND aggregate_id = $1 AND sequence = 1)
             OR metadata ->> 'correlation_id' = $1
          ORDER BY global_position LIMIT 1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Orders placed since `since` that the event store has not seen decided (confirmed, rejected
/// or cancelled) yet: the store's answer, not the read model's, so a projector that is down
/// cannot hide one.
pub async fn undecided_since<'e>(
    db: impl PgExecutor<'e>,
    since: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM events placed
          WHERE placed.aggregate_type = 'Order' AND placed.event_type = 'OrderPlaced'
            AND placed.recorded_at >= $1
            AND NOT EXISTS (SELECT 1 FROM events decided
                 WHERE decided.aggregate_type = 'Order'
                   AND decided.aggregate_id = placed.aggregate_id
                   AND decided.event_type IN ('OrderConfirmed', 'OrderRejected', 'OrderCancelled'))",
    )
    .bind(since)
    .fetch_one(db)
    .await
}
