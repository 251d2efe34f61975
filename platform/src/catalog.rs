//! Prices for `PlaceOrder`, read from the event store rather than the catalog read model: a
//! product can be ordered the moment its registration commits, whatever the projector's lag.

use std::collections::HashMap;

use aggregates::{Catalog, StockEvent};
use async_trait::async_trait;
use cqrs_es::persist::SerializedEvent;
use sqlx::PgPool;

pub struct StoreCatalog {
    pool: PgPool,
}

impl StoreCatalog {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl Catalog for StoreCatalog {
    async fn prices(&self, skus: &[String]) -> Result<HashMap<String, i64>, String> {
        // Sequence 1 of a Stock stream is always its registration: one primary-key probe per SKU.
        let rows = sqlx::query_as::<_, (String, String, serde_json::Value)>(
            "SELECT aggregate_id, event_version, payload FROM events
              WHERE aggregate_type = 'Stock' AND aggregate_id = ANY($1) AND sequence = 1
                AND event_type = 'ProductRegistered'",
        )
        .bind(skus)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| e.to_string())?;
        let mut prices = HashMap::with_capacity(rows.len());
        for (sku, event_version, payload) in rows {
            let stored = SerializedEvent {
                aggregate_id: sku.clone(),
                sequence: 1,
                aggregate_type: "Stock".into(),
                event_type: "ProductRegistered".into(),
                event_version,
                payload,
                metadata: serde_json::Value::Null,
            };
            let event: StockEvent =
                serde_json::from_value(aggregates::upcast::upcast(stored).payload)
                    .map_err(|e| format!("registration of {sku} is unreadable: {e}"))?;
            if let StockEvent::ProductRegistered { price_cents, .. } = event {
                prices.insert(sku, price_cents);
            }
        }
        Ok(prices)
    }
}
