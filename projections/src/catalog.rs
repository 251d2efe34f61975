//! The product catalog read model: one row per SKU with price and live availability, how it
//! applies a page of events, and its reads.
//!
//! A page of events is folded in memory into one change per SKU, then written with two
//! set-based statements (insert the newly registered, update the rest), so applying 10,000
//! events costs two round trips, not 10,000.

use std::collections::BTreeMap;

use aggregates::StockEvent;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use eventstore::StoredEvent;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use utoipa::ToSchema;

use crate::read_model::{ApplyError, ReadModel};

pub const TABLE: &str = "products";

pub struct Catalog;

#[async_trait]
impl ReadModel for Catalog {
    fn name(&self) -> &'static str {
        "catalog"
    }
    fn aggregate_types(&self) -> &'static [&'static str] {
        &["Stock"]
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

/// One product as shoppers see it.
#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct ProductView {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub image_url: Option<String>,
    pub on_hand: i32,
    pub reserved: i32,
    pub available: i32,
    /// The global position of the last event applied to this row.
    pub position: i64,
}

const COLUMNS: &str =
    "sku, name, description, price_cents, image_url, on_hand, reserved, available, position";

/// The catalog, by name then SKU.
pub async fn list(pool: &PgPool) -> sqlx::Result<Vec<ProductView>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM {TABLE} ORDER BY name, sku"))
        .fetch_all(pool)
        .await
}

/// One product, or `None` when the SKU is not in the catalog.
pub async fn get(pool: &PgPool, sku: &str) -> sqlx::Result<Option<ProductView>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM {TABLE} WHERE sku = $1"))
        .bind(sku)
        .fetch_optional(pool)
        .await
}

/// What the stock service answers (`GET /stock?sku=..`): the units available per SKU, as the
/// catalog stood at `position`. SKUs the catalog does not know are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Availability {
    pub items: Vec<SkuAvailable>,
    /// The global position the catalog was current to when read.
    pub position: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct SkuAvailable {
    pub sku: String,
    pub available: i32,
}

/// The units available of `skus`, with the catalog's checkpoint, in one snapshot.
pub async fn availability(pool: &PgPool, skus: &[String]) -> sqlx::Result<Availability> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let items: Vec<SkuAvailable> = sqlx::query_as(&format!(
        "SELECT sku, available FROM {TABLE} WHERE sku = ANY($1) ORDER BY sku"
    ))
    .bind(skus)
    .fetch_all(&mut *tx)
    .await?;
    let position: i64 = sqlx::query_scalar(
        "SELECT COALESCE((SELECT global_position FROM projection_checkpoints WHERE name = 'catalog'), 0)",
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Availability { items, position })
}

/// What a page of events does to one SKU's row.
struct Change {
    registered: Option<Registered>,
    /// The image the page's last `ProductImageChanged` points at, if any.
    image_url: Option<String>,
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
async fn apply(
    db: &mut PgConnection,
    table: &str,
    events: &[StoredEvent],
) -> Result<(), ApplyError> {
    let mut changes: BTreeMap<&str, Change> = BTreeMap::new();
    for event in events {
        let change = changes
            .entry(event.aggregate_id.as_str())
            .or_insert_with(|| Change {
                registered: None,
                image_url: None,
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
            StockEvent::ProductImageChanged { image_url } => change.image_url = Some(image_url),
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
            images.push(change.image_url.clone().or_else(|| r.image_url.clone()));
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
        let mut images = Vec::new();
        for (sku, change) in existing {
            cols.push(sku, &change);
            images.push(change.image_url.clone());
        }
        let updated = sqlx::query(&format!(
            "UPDATE {table} AS p
                SET on_hand = p.on_hand + u.on_hand, reserved = p.reserved + u.reserved,
                    position = u.position, updated_at = u.updated_at,
                    image_url = COALESCE(u.image_url, p.image_url)
               FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::timestamptz[], $6::text[])
                    AS u(sku, on_hand, reserved, position, updated_at, image_url)
              WHERE p.sku = u.sku"
        ))
        .bind(&cols.skus)
        .bind(&cols.on_hand)
        .bind(&cols.reserved)
        .bind(&cols.positions)
        .bind(&cols.updated_at)
        .bind(&images)
        .execute(&mut *db)
        .await?;
        // The domain never lets stock move before registration; a miss means a corrupt log.
        if updated.rows_affected() != cols.skus.len() as u64 {
            return Err(ApplyError::Inconsistent(
                "stock events for a product the catalog has never seen registered",
            ));
        }
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
