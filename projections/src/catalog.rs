//! The product catalog read model: one row per SKU with price and live availability.

use aggregates::StockEvent;
use sqlx::PgConnection;

use crate::reader::StoredEvent;

pub const TABLE: &str = "products";

pub async fn apply(db: &mut PgConnection, event: &StoredEvent) -> anyhow::Result<()> {
    let (sku, at, position) = (
        &event.aggregate_id,
        event.recorded_at,
        event.global_position,
    );
    match event.decode::<StockEvent>()? {
        StockEvent::ProductRegistered {
            name,
            description,
            price_cents,
            image_url,
            ..
        } => {
            sqlx::query(
                "INSERT INTO products (sku, name, description, price_cents, image_url, position, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(sku)
            .bind(name)
            .bind(description)
            .bind(price_cents)
            .bind(image_url)
            .bind(position)
            .bind(at)
            .execute(&mut *db)
            .await?;
        }
        StockEvent::StockReceived { quantity } => {
            adjust(db, sku, "on_hand = on_hand + $2", quantity, position, at).await?
        }
        StockEvent::StockReserved { quantity, .. } => {
            adjust(db, sku, "reserved = reserved + $2", quantity, position, at).await?
        }
        StockEvent::ReservationReleased { quantity, .. } => {
            adjust(db, sku, "reserved = reserved - $2", quantity, position, at).await?
        }
    }
    Ok(())
}

async fn adjust(
    db: &mut PgConnection,
    sku: &str,
    set: &str,
    quantity: u32,
    position: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    sqlx::query(&format!(
        "UPDATE products SET {set}, position = $3, updated_at = $4 WHERE sku = $1"
    ))
    .bind(sku)
    .bind(i64::from(quantity))
    .bind(position)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}
