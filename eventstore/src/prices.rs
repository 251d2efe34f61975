//! The domain's `Catalog` port: prices for `PlaceOrder`, read from the event store rather than the catalog read model: a
//! product can be ordered the moment its registration commits, whatever the projector's lag.
//! A registration never changes, so each price is read once per process and kept.

use std::collections::HashMap;
use std::sync::RwLock;

use aggregates::{Catalog, StockEvent, Unavailable};
use async_trait::async_trait;
use sqlx::PgPool;

use crate::log;

/// How many prices a process keeps; past that, the rest are read each time.
const KEPT: usize = 100_000;

pub struct StorePrices {
    pool: PgPool,
    known: RwLock<HashMap<String, i64>>,
}

impl StorePrices {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            known: RwLock::default(),
        }
    }
}

#[async_trait]
impl Catalog for StorePrices {
    async fn prices(&self, skus: &[String]) -> Result<HashMap<String, i64>, Unavailable> {
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
        let registrations = log::firsts(&self.pool, "Stock", &unknown)
            .await
            .map_err(|e| Unavailable::new("the event store", e))?;
        let mut read = HashMap::with_capacity(registrations.len());
        for registration in registrations {
            let event: StockEvent = registration
                .decode()
                .map_err(|e| Unavailable::new("a product's registration", e))?;
            if let StockEvent::ProductRegistered { price_cents, .. } = event {
                read.insert(registration.aggregate_id, price_cents);
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
