//! The orders read model: one row per order with its status, lines, total and rejection reason;
//! indexed by customer for "my orders".

use aggregates::OrderEvent;
use sqlx::PgConnection;

use crate::reader::StoredEvent;

pub const TABLE: &str = "orders";

pub async fn apply(db: &mut PgConnection, event: &StoredEvent) -> anyhow::Result<()> {
    let order_id: uuid::Uuid = event.aggregate_id.parse()?;
    let (at, position, sequence) = (event.recorded_at, event.global_position, event.sequence);
    let (status, reason) = match event.decode::<OrderEvent>()? {
        OrderEvent::OrderPlaced {
            customer_id,
            lines,
            total_cents,
            ..
        } => {
            sqlx::query(
                "INSERT INTO orders (order_id, customer_id, status, lines, total_cents, placed_at, updated_at, sequence, position)
                 VALUES ($1, $2, 'pending', $3, $4, $5, $5, $6, $7)",
            )
            .bind(order_id)
            .bind(customer_id)
            .bind(serde_json::to_value(lines)?)
            .bind(total_cents)
            .bind(at)
            .bind(sequence)
            .bind(position)
            .execute(&mut *db)
            .await?;
            return Ok(());
        }
        OrderEvent::OrderConfirmed => ("confirmed", None),
        OrderEvent::OrderRejected { reason } => ("rejected", Some(reason)),
        OrderEvent::OrderCancelled { .. } => ("cancelled", None),
    };
    sqlx::query(
        "UPDATE orders SET status = $2, reason = coalesce($3, reason), updated_at = $4, sequence = $5, position = $6
          WHERE order_id = $1",
    )
    .bind(order_id)
    .bind(status)
    .bind(reason)
    .bind(at)
    .bind(sequence)
    .bind(position)
    .execute(db)
    .await?;
    Ok(())
}
