//! The orders read model: one row per order with its status, lines, total and rejection reason;
//! indexed by customer for "my orders".
//!
//! Like the catalog, a page of events is folded into one change per order and written with two
//! set-based statements.

use std::collections::BTreeMap;

use aggregates::OrderEvent;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::reader::StoredEvent;

pub const TABLE: &str = "orders";

struct Change {
    placed: Option<Placed>,
    status: &'static str,
    reason: Option<String>,
    updated_at: DateTime<Utc>,
    sequence: i64,
    position: i64,
}

struct Placed {
    customer_id: String,
    lines: serde_json::Value,
    total_cents: i64,
    placed_at: DateTime<Utc>,
}

/// Applies `events` (Order events, in commit order) to the orders table `table`.
pub async fn apply(
    db: &mut PgConnection,
    table: &str,
    events: &[StoredEvent],
) -> anyhow::Result<()> {
    let mut changes: BTreeMap<Uuid, Change> = BTreeMap::new();
    for event in events {
        let order_id: Uuid = event.aggregate_id.parse()?;
        let change = changes.entry(order_id).or_insert_with(|| Change {
            placed: None,
            status: "pending",
            reason: None,
            updated_at: event.recorded_at,
            sequence: event.sequence,
            position: event.global_position,
        });
        change.updated_at = event.recorded_at;
        change.sequence = event.sequence;
        change.position = event.global_position;
        match event.decode::<OrderEvent>()? {
            OrderEvent::OrderPlaced {
                customer_id,
                lines,
                total_cents,
                ..
            } => {
                change.placed = Some(Placed {
                    customer_id,
                    lines: serde_json::to_value(lines)?,
                    total_cents,
                    placed_at: event.recorded_at,
                });
                change.status = "pending";
            }
            OrderEvent::OrderConfirmed => change.status = "confirmed",
            OrderEvent::OrderRejected { reason } => {
                change.status = "rejected";
                change.reason = Some(reason);
            }
            OrderEvent::OrderCancelled { .. } => change.status = "cancelled",
        }
    }

    let (new, existing): (Vec<_>, Vec<_>) =
        changes.into_iter().partition(|(_, c)| c.placed.is_some());
    if !new.is_empty() {
        let mut cols = Columns::default();
        let (mut customers, mut lines, mut totals, mut placed_at) =
            (vec![], vec![], vec![], vec![]);
        for (order_id, change) in new {
            let p = change.placed.as_ref().expect("partitioned on placed");
            customers.push(p.customer_id.clone());
            lines.push(p.lines.clone());
            totals.push(p.total_cents);
            placed_at.push(p.placed_at);
            cols.push(order_id, change);
        }
        sqlx::query(&format!(
            "INSERT INTO {table} (order_id, status, reason, updated_at, sequence, position,
                                  customer_id, lines, total_cents, placed_at)
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[],
                                  $6::bigint[], $7::text[], $8::jsonb[], $9::bigint[], $10::timestamptz[])"
        ))
        .bind(&cols.ids)
        .bind(&cols.statuses)
        .bind(&cols.reasons)
        .bind(&cols.updated_at)
        .bind(&cols.sequences)
        .bind(&cols.positions)
        .bind(&customers)
        .bind(&lines)
        .bind(&totals)
        .bind(&placed_at)
        .execute(&mut *db)
        .await?;
    }
    if !existing.is_empty() {
        let mut cols = Columns::default();
        for (order_id, change) in existing {
            cols.push(order_id, change);
        }
        let updated = sqlx::query(&format!(
            "UPDATE {table} AS o
                SET status = u.status, reason = coalesce(u.reason, o.reason),
                    updated_at = u.updated_at, sequence = u.sequence, position = u.position
               FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[], $6::bigint[])
                    AS u(order_id, status, reason, updated_at, sequence, position)
              WHERE o.order_id = u.order_id"
        ))
        .bind(&cols.ids)
        .bind(&cols.statuses)
        .bind(&cols.reasons)
        .bind(&cols.updated_at)
        .bind(&cols.sequences)
        .bind(&cols.positions)
        .execute(&mut *db)
        .await?;
        anyhow::ensure!(
            updated.rows_affected() == cols.ids.len() as u64,
            "order events for an order the read model has never seen placed"
        );
    }
    Ok(())
}

#[derive(Default)]
struct Columns {
    ids: Vec<Uuid>,
    statuses: Vec<&'static str>,
    reasons: Vec<Option<String>>,
    updated_at: Vec<DateTime<Utc>>,
    sequences: Vec<i64>,
    positions: Vec<i64>,
}

impl Columns {
    fn push(&mut self, order_id: Uuid, change: Change) {
        self.ids.push(order_id);
        self.statuses.push(change.status);
        self.reasons.push(change.reason);
        self.updated_at.push(change.updated_at);
        self.sequences.push(change.sequence);
        self.positions.push(change.position);
    }
}
