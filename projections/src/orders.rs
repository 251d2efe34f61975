//! The orders read model: one row per order with its status, lines, total and rejection reason,
//! indexed by customer for "my orders"; how it applies a page of events, and its reads.
//!
//! Like the catalog, a page of events is folded into one change per order and written with two
//! set-based statements.

use std::collections::BTreeMap;

use aggregates::{OrderEvent, OrderStatus};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use eventstore::StoredEvent;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::checkpoint;
use crate::progress::Progress;
use crate::read_model::{ApplyError, ReadModel};

pub const TABLE: &str = "orders";

pub struct Orders;

#[async_trait]
impl ReadModel for Orders {
    fn name(&self) -> &'static str {
        "orders"
    }
    fn aggregate_types(&self) -> &'static [&'static str] {
        &["Order"]
    }
    fn table(&self) -> &'static str {
        TABLE
    }
    async fn apply(
        &self,
        db: &mut PgConnection,
        table: &str,
        events: &[StoredEvent],
    ) -> Result<(), ApplyError> {
        apply(db, table, events).await
    }
}

/// One order as its shopper (or an admin) sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct OrderView {
    pub order_id: Uuid,
    pub customer_id: String,
    /// pending, confirmed, rejected or cancelled.
    pub status: String,
    #[schema(value_type = Vec<OrderLineView>)]
    pub lines: serde_json::Value,
    pub total_cents: i64,
    pub reason: Option<String>,
    pub placed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The global position of the last event applied to this row.
    pub position: i64,
}

/// One line of an order, priced from the catalog when the order was placed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderLineView {
    pub sku: String,
    pub quantity: u32,
    pub unit_price_cents: i64,
}

const COLUMNS: &str =
    "order_id, customer_id, status, lines, total_cents, reason, placed_at, updated_at, position";

/// How many orders "my orders" lists, newest first.
pub const MINE_LIMIT: i64 = 200;

/// A customer's orders, newest first (at most [`MINE_LIMIT`]).
pub async fn of_customer(pool: &PgPool, customer_id: &str) -> sqlx::Result<Vec<OrderView>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {TABLE} WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT $2"
    ))
    .bind(customer_id)
    .bind(MINE_LIMIT)
    .fetch_all(pool)
    .await
}

/// One order, or `None` when the read model has no such order.
pub async fn get(pool: &PgPool, order_id: Uuid) -> sqlx::Result<Option<OrderView>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {TABLE} WHERE order_id = $1"
    ))
    .bind(order_id)
    .fetch_optional(pool)
    .await
}

/// Waits, at most `max`, until order `order_id`'s status in the read model is no longer `from`
/// (the saga decided it, or it was cancelled); the order as it is then, if the read model has it.
/// It reads the order again only when the orders read model has moved ([`Progress`]), rather
/// than LISTENing: a Lambda holds no connection of its own to listen on.
pub async fn wait_for_change(
    pool: &PgPool,
    progress: &Progress,
    order_id: Uuid,
    from: &str,
    max: std::time::Duration,
) -> sqlx::Result<Option<OrderView>> {
    let until = tokio::time::Instant::now() + max;
    // The checkpoint before the order: a decision applied after this read moves it.
    let mut seen = checkpoint::read(pool, Orders.name()).await?;
    loop {
        let order = get(pool, order_id).await?;
        if order.as_ref().is_some_and(|o| o.status != from) {
            return Ok(order);
        }
        match progress.past(Orders.name(), seen, until).await {
            Some(moved) => seen = moved,
            None => return Ok(order),
        }
    }
}

struct Change {
    placed: Option<Placed>,
    status: OrderStatus,
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

/// What `events` (Order events, in commit order) do to each order they touch.
fn fold(events: &[StoredEvent]) -> Result<BTreeMap<Uuid, Change>, ApplyError> {
    let mut changes: BTreeMap<Uuid, Change> = BTreeMap::new();
    for event in events {
        let order_id: Uuid = event.aggregate_id.parse()?;
        let change = changes.entry(order_id).or_insert_with(|| Change {
            placed: None,
            status: OrderStatus::Pending,
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
                change.status = OrderStatus::Pending;
            }
            OrderEvent::OrderConfirmed => change.status = OrderStatus::Confirmed,
            OrderEvent::OrderRejected { reason } => {
                change.status = OrderStatus::Rejected;
                change.reason = Some(reason);
            }
            OrderEvent::OrderCancelled { .. } => change.status = OrderStatus::Cancelled,
        }
    }
    Ok(changes)
}

/// One order folded from its own stream, for the moment before the read model has it (its
/// owner reads it right after placing it): the same view, straight from the event store.
pub async fn from_stream(pool: &PgPool, order_id: Uuid) -> Result<Option<OrderView>, ApplyError> {
    let events = eventstore::log::stream(pool, "Order", &order_id.to_string()).await?;
    let Some(change) = fold(&events)?.remove(&order_id) else {
        return Ok(None);
    };
    Ok(change.placed.map(|placed| OrderView {
        order_id,
        customer_id: placed.customer_id,
        status: change.status.as_str().to_string(),
        lines: placed.lines,
        total_cents: placed.total_cents,
        reason: change.reason,
        placed_at: placed.placed_at,
        updated_at: change.updated_at,
        position: change.position,
    }))
}

/// Applies `events` (Order events, in commit order) to the orders table `table`.
async fn apply(
    db: &mut PgConnection,
    table: &str,
    events: &[StoredEvent],
) -> Result<(), ApplyError> {
    let changes = fold(events)?;
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
        if updated.rows_affected() != cols.ids.len() as u64 {
            return Err(ApplyError::Inconsistent(
                "order events for an order the read model has never seen placed",
            ));
        }
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
        self.statuses.push(change.status.as_str());
        self.reasons.push(change.reason);
        self.updated_at.push(change.updated_at);
        self.sequences.push(change.sequence);
        self.positions.push(change.position);
    }
}
