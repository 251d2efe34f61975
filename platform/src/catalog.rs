//! Prices for `PlaceOrder`, read from the event store rather than the catalog read model: a
//! product can be ordered the moment its registration commits, whatever the projector's lag.
//! A registration never changes, so each price is read once per process and kept.

use std::collections::HashMap;
use std::sync::RwLock;

use aggregates::{Catalog, StockEvent};
use async_trait::async_trait;
use cqrs_es::persist::SerializedEvent;
use sqlx::PgPool;

/// How many prices a process keeps; past that, the rest are read each time.
const KEPT: usize = 100_000;

pub struct StoreCatalog {
    pool: PgPool,
    known: RwLock<HashMap<String, i64>>,
}

impl StoreCatalog {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            known: RwLock::default(),
        }
    }
}

#[async_trait]
impl Catalog for StoreCatalog {
    async fn prices(&self, skus: &[String]) -> Result<HashMap<String, i64>, String> {
        let mut prices = HashMap::with_capacity(skus.len());
        let mut unknown = Vec::new();
        {
            let known = self
                .known
                .read()
                .expect("no writer panics holding the lock");
            for sku in skus {
                if let Some(&price) = known.get(sku) {
                    prices.insert(sku.clone(), price);
                } else {
                    unknown.push(sku.clone());
                }
            }
        }
        if unknown.is_empty() {
            return Ok(prices);
        }
        // Sequence 1 of a Stock stream is always its registration: one primary-key probe per SKU.
        let rows = sqlx::query_as::<_, (String, String, serde_json::Value)>(
            "SELECT aggregate_id, event_version, payload FROM events
              WHERE aggregate_type = 'Stock' AND aggregate_id = ANY($1) AND sequence = 1
                AND event_type = 'ProductRegistered'",
        )
        .bind(&unknown)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| e.to_string())?;
        let mut read = HashMap::with_capacity(rows.len());
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
                read.insert(sku, price_cents);
            }
        }
        let mut known = self
            .known
            .write()
            .expect("no writer panics holding the lock");
        if known.len() + read.len() <= KEPT {
            known.extend(read.iter().map(|(sku, price)| (sku.clone(), *price)));
        }
        drop(known);
        prices.extend(read);
        Ok(prices)
    }
}
