//! The product catalog read model: one row per SKU with price and live availability.
//!
//! A page of events is folded in memory into one change per SKU, then written with two
//! set-based statements (insert the newly registered, update the rest), so applying 10,000
//! events costs two round trips, not 10,000.

use std::collections::BTreeMap;

use aggregates::StockEvent;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::reader::StoredEvent;

pub const TABLE: &str = "products";

/// What a page of events does to one SKU's row.
struct Change {
    registered: Option<Registered>,
    on_hand: i64,
    reserved: i64,
    position: i64,
    updated_at: DateTime<Utc>,
}

struct Registered {
    name: String,
    description: String,
    price_cents: i64,
    image_url: Option<String>,
}

/// Applies `events` (Stock events, in commit order) to the catalog table `table`.
pub async fn apply(
    db: &mut PgConnection,
    table: &str,
    events: &[StoredEvent],
) -> anyhow::Result<()> {
    let mut changes: BTreeMap<&str, Change> = BTreeMap::new();
    for event in events {
        let change = changes
            .entry(event.aggregate_id.as_str())
            .or_insert_with(|| Change {
                registered: None,
                on_hand: 0,
                reserved: 0,
                position: event.global_position,
                updated_at: event.recorded_at,
            });
        change.position = event.global_position;
        change.updated_at = event.recorded_at;
        match event.decode::<StockEvent>()? {
            StockEvent::ProductRegistered {
                name,
                description,
                price_cents,
                image_url,
                ..
            } => {
                change.registered = Some(Registered {
                    name,
                    description,
                    price_cents,
                    image_url,
                })
            }
            StockEvent::StockReceived { quantity } => change.on_hand += i64::from(quantity),
            StockEvent::StockReserved { quantity, .. } => change.reserved += i64::from(quantity),
            StockEvent::ReservationReleased { quantity, .. } => {
                change.reserved -= i64::from(quantity)
            }
        }
    }

    let (new, existing): (Vec<_>, Vec<_>) = changes
        .into_iter()
        .partition(|(_, c)| c.registered.is_some());
    if !new.is_empty() {
        let mut cols = Columns::default();
        let (mut names, mut descriptions, mut prices, mut images) =
            (vec![], vec![], vec![], vec![]);
        for (sku, change) in new {
            let r = change
                .registered
                .as_ref()
                .expect("partitioned on registered");
            names.push(r.name.clone());
            descriptions.push(r.description.clone());
            prices.push(r.price_cents);
            images.push(r.image_url.clone());
            cols.push(sku, &change);
        }
        sqlx::query(&format!(
            "INSERT INTO {table} (sku, on_hand, reserved, position, updated_at, name, description, price_cents, image_url)
             SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::timestamptz[],
                                  $6::text[], $7::text[], $8::bigint[], $9::text[])"
        ))
        .bind(&cols.skus)
        .bind(&cols.on_hand)
        .bind(&cols.reserved)
        .bind(&cols.positions)
        .bind(&cols.updated_at)
        .bind(&names)
        .bind(&descriptions)
        .bind(&prices)
        .bind(&images)
        .execute(&mut *db)
        .await?;
    }
    if !existing.is_empty() {
        let mut cols = Columns::default();
        for (sku, change) in existing {
            cols.push(sku, &change);
        }
        let updated = sqlx::query(&format!(
            "UPDATE {table} AS p
                SET on_hand = p.on_hand + u.on_hand, reserved = p.reserved + u.reserved,
                    position = u.position, updated_at = u.updated_at
               FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::timestamptz[])
                    AS u(sku, on_hand, reserved, position, updated_at)
              WHERE p.sku = u.sku"
        ))
        .bind(&cols.skus)
        .bind(&cols.on_hand)
        .bind(&cols.reserved)
        .bind(&cols.positions)
        .bind(&cols.updated_at)
        .execute(&mut *db)
        .await?;
        // The domain never lets stock move before registration; a miss means a corrupt log.
        anyhow::ensure!(
            updated.rows_affected() == cols.skus.len() as u64,
            "stock events for a product the catalog has never seen registered"
        );
    }
    Ok(())
}

#[derive(Default)]
struct Columns {
    skus: Vec<String>,
    on_hand: Vec<i32>,
    reserved: Vec<i32>,
    positions: Vec<i64>,
    updated_at: Vec<DateTime<Utc>>,
}

impl Columns {
    fn push(&mut self, sku: &str, change: &Change) {
        self.skus.push(sku.to_string());
        // A page's net change lies between minus and plus the final amount, which the domain
        // caps at MAX_ON_HAND (10^8), so it fits the i32 column.
        self.on_hand.push(change.on_hand as i32);
        self.reserved.push(change.reserved as i32);
        self.positions.push(change.position);
        self.updated_at.push(change.updated_at);
    }
}
