//! The shared fixtures of every crate's integration tests, in one place: a fresh, migrated
//! database per test (cloned from a template, so tests run in parallel on one real PostgreSQL
//! and never see each other's events), a context, a registered product, a placed order, a FIFO
//! queue on moto, a read model's rows.
//!
//! `TEST_DATABASE_URL` names a server and a database to connect to for administration
//! (`scripts/test` starts a throwaway cluster and sets it). Without it the tests fail, loudly:
//! they are integration tests, and skipping them would report a pass that tested nothing.

use aggregates::{Context, LineRequest, OrderCommand, StockCommand};
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::QueueAttributeName;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use uuid::Uuid;

use crate::{Committed, Store};

use platform::db::MIGRATOR;

/// An advisory-lock key for "creating the template": test processes race to do it once.
const TEMPLATE_LOCK: i64 = 0x5_4e0b;

pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").expect(
        "TEST_DATABASE_URL is not set: integration tests need PostgreSQL; run scripts/test, \
         which starts one",
    )
}

/// A new database with every migration applied, and its URL.
pub async fn fresh_database() -> (PgPool, String) {
    let admin = admin_url();
    let template = template_name();
    let mut conn = PgConnection::connect(&admin)
        .await
        .expect("connect to TEST_DATABASE_URL");
    conn.execute(format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})").as_str())
        .await
        .unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&template)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    if !exists {
        conn.execute(format!(r#"CREATE DATABASE "{template}""#).as_str())
            .await
            .unwrap();
        let url = with_database(&admin, &template);
        let mut setup = PgConnection::connect(&url).await.unwrap();
        MIGRATOR.run(&mut setup).await.expect("migrations apply");
        setup.close().await.unwrap();
    }
    let name = format!("test_{}", Uuid::new_v4().simple());
    conn.execute(format!(r#"CREATE DATABASE "{name}" TEMPLATE "{template}""#).as_str())
        .await
        .unwrap();
    conn.execute(format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})").as_str())
        .await
        .unwrap();
    conn.close().await.unwrap();
    let url = with_database(&admin, &name);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(40)
        .connect(&url)
        .await
        .unwrap();
    (pool, url)
}

/// The template's name follows the migrations, so a changed migration gets a new template.
fn template_name() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for migration in MIGRATOR.iter() {
        for byte in migration.checksum.iter() {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3);
        }
    }
    format!("shop_template_{hash:016x}")
}

/// `url` with its database replaced by `database`, query string kept.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    match query {
        Some(q) => format!("{server}/{database}?{q}"),
        None => format!("{server}/{database}"),
    }
}

/// A shopper's context with fresh correlation and causation ids and a sampled trace.
pub fn context() -> Context {
    Context {
        correlation_id: Uuid::new_v4().to_string(),
        causation_id: Uuid::new_v4().to_string(),
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into(),
        actor: "shopper-sub".into(),
    }
}

/// The shop's store on `pool`, publishing nothing, a `Stock` snapshot every `snapshot_every`.
pub fn store(pool: &PgPool, snapshot_every: usize) -> Store {
    crate::shop_store(pool.clone(), snapshot_every, None)
}

/// A `RegisterProduct` for `sku` at `price_cents` with `units` in stock.
pub fn register_product(sku: &str, price_cents: i64, units: u32) -> StockCommand {
    StockCommand::RegisterProduct {
        sku: sku.parse().expect("a valid SKU"),
        name: format!("Product {sku}"),
        description: String::new(),
        price_cents: price_cents.try_into().expect("a valid price"),
        image_url: None,
        initial_stock: units,
    }
}

/// Registers `sku` at `price_cents` with `units` in stock.
pub async fn register(store: &Store, sku: &str, price_cents: i64, units: u32) -> Committed {
    store
        .stock(sku, register_product(sku, price_cents, units), &context())
        .await
        .expect("the product registers")
}

/// `n` orders of one unit of `sku` each, placed one after another by customer `c1`; their ids.
pub async fn place_orders(store: &Store, sku: &str, n: usize) -> Vec<Uuid> {
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        let (id, place) = place_order("c1", &[(sku, 1)]);
        store
            .order(id, place, &context())
            .await
            .expect("the order is placed");
        ids.push(id);
    }
    ids
}

/// A `PlaceOrder` of `lines` (SKU, units) for a new order of `customer_id`.
pub fn place_order(customer_id: &str, lines: &[(&str, u32)]) -> (Uuid, OrderCommand) {
    let order_id = Uuid::new_v4();
    let command = OrderCommand::PlaceOrder {
        order_id,
        customer_id: customer_id.into(),
        lines: lines
            .iter()
            .map(|(sku, quantity)| LineRequest {
                sku: sku.parse().expect("a valid SKU"),
                quantity: (*quantity).try_into().expect("a valid quantity"),
            })
            .collect(),
    };
    (order_id, command)
}

/// The moto endpoint `scripts/test` started.
pub fn moto_endpoint() -> String {
    std::env::var("TEST_AWS_ENDPOINT_URL")
        .expect("TEST_AWS_ENDPOINT_URL is not set: run scripts/test, which starts moto")
}

/// An SQS client on the moto at `endpoint`.
pub async fn sqs(endpoint: &str) -> Client {
    let settings = platform::Settings {
        aws_endpoint_url: Some(endpoint.to_string()),
        ..platform::Settings::from_lookup(|_| None).expect("the defaults parse")
    };
    platform::aws::sqs(&settings).await
}

/// A new FIFO queue named `name` (which must end in `.fifo`), and its URL.
pub async fn fifo_queue(sqs: &Client, name: &str) -> String {
    sqs.create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .expect("moto creates the queue")
        .queue_url
        .expect("a created queue has a URL")
}

/// Every row of `table` as JSON, in a stable order: two tables are equal when these are.
pub async fn rows(pool: &PgPool, table: &str) -> Vec<serde_json::Value> {
    sqlx::query_scalar(&format!(
        "SELECT to_jsonb(t) FROM {table} t ORDER BY to_jsonb(t)::text"
    ))
    .fetch_all(pool)
    .await
    .expect("the table reads")
}
