//! `loadgen cqrs-es`: the alternative a Rust user would pick, measured beside our HTTP path. The
//! same `PlaceOrder` (the `Order` aggregate, the same prices from the event store, the same
//! metadata fields) through stock cqrs-es: `CqrsFramework` over postgres-es's
//! `PostgresEventRepository`, on tables of its own in postgres-es's schema, with no HTTP, no
//! token, no global position and no idempotency record: the floor of what the framework costs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aggregates::{LineRequest, Order, OrderCommand, OrderServices, Quantity, Sku};
use cqrs_es::CqrsFramework;
use cqrs_es::persist::PersistedEventStore;
use eventstore::prices::StorePrices;
use postgres_es::PostgresEventRepository;
use rand::Rng;
use serde_json::json;
use uuid::Uuid;

use crate::stats::{self, Percentiles, fmt_ms};

#[derive(clap::Args, Debug)]
pub struct CqrsArgs {
    /// The shop's database: its products price the orders; the framework's tables go beside.
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// Concurrent commands in flight, as the HTTP phases' clients.
    #[arg(long, short = 'c', default_value_t = 4)]
    clients: usize,
    /// Seconds recorded, after the warm-up.
    #[arg(long, short = 'd', default_value_t = 10.0)]
    duration: f64,
    /// Seconds of commands before recording starts.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Write the summary as JSON here.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
}

/// postgres-es's own schema (its db/init.sql), under names of our own.
const TABLES: &str = "
CREATE TABLE IF NOT EXISTS cqrs_events (
    aggregate_type text NOT NULL, aggregate_id text NOT NULL,
    sequence bigint CHECK (sequence >= 0) NOT NULL, event_type text NOT NULL,
    event_version text NOT NULL, payload json NOT NULL, metadata json NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence));
CREATE TABLE IF NOT EXISTS cqrs_snapshots (
    aggregate_type text NOT NULL, aggregate_id text NOT NULL,
    last_sequence bigint CHECK (last_sequence >= 0) NOT NULL,
    current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL, payload json NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence));";

type Framework = CqrsFramework<Order, PersistedEventStore<PostgresEventRepository, Order>>;

pub async fn run(args: CqrsArgs) -> anyhow::Result<()> {
    let clients = args.clients.max(1);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(clients as u32 + 1)
        .connect(&args.database_url)
        .await?;
    sqlx::raw_sql(TABLES).execute(&pool).await?;
    let skus: Vec<String> = sqlx::query_scalar(
        "SELECT aggregate_id FROM events WHERE aggregate_type = 'Stock' AND sequence = 1 LIMIT 100",
    )
    .fetch_all(&pool)
    .await?;
    anyhow::ensure!(!skus.is_empty(), "the database holds no product to order");
    let repository =
        PostgresEventRepository::new(pool.clone()).with_tables("cqrs_events", "cqrs_snapshots");
    let services = OrderServices {
        catalog: Arc::new(StorePrices::new(pool.clone())),
    };
    let cqrs: Arc<Framework> = Arc::new(CqrsFramework::new(
        PersistedEventStore::new_event_store(repository),
        vec![],
        services,
    ));
    let skus = Arc::new(skus);
    let started = Instant::now();
    let recording = started + Duration::from_secs_f64(args.warmup);
    let end = recording + Duration::from_secs_f64(args.duration);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (cqrs, skus) = (cqrs.clone(), skus.clone());
        tasks.push(tokio::spawn(async move {
            let mut h = stats::histogram();
            let mut errors = 0u64;
            while Instant::now() < end {
                let begun = Instant::now();
                let ok = place(&cqrs, &skus).await.is_ok();
                if begun >= recording {
                    if ok {
                        stats::record(&mut h, begun.elapsed());
                    } else {
                        errors += 1;
                    }
                }
            }
            (h, errors)
        }));
    }
    let (all, errors) = stats::gather(tasks).await?;
    let p = Percentiles::of(&all);
    let rate = p.count as f64 / args.duration;
    println!(
        "cqrs-es: {clients} clients, {} PlaceOrder in {:.1} s = {rate:.0}/s, p50 {} ms, p99 {} ms, {errors} errors",
        p.count,
        args.duration,
        fmt_ms(p.p50_ms),
        fmt_ms(p.p99_ms)
    );
    if let Some(path) = &args.json {
        let summary = json!({"clients": clients, "duration_s": args.duration,
            "commands": p.count, "per_second": rate, "errors": errors, "latency": p});
        std::fs::write(path, serde_json::to_string_pretty(&summary)?)?;
    }
    Ok(())
}

/// One order of 1 to 3 lines, with the metadata every event of ours carries.
async fn place(cqrs: &Framework, skus: &[String]) -> anyhow::Result<()> {
    let order_id = Uuid::new_v4();
    let lines = {
        let mut rng = rand::rng();
        let count = rng.random_range(1..=3).min(skus.len());
        let start = rng.random_range(0..skus.len());
        (0..count)
            .map(|i| -> anyhow::Result<LineRequest> {
                Ok(LineRequest {
                    sku: Sku::parse(&skus[(start + i) % skus.len()])?,
                    quantity: Quantity::try_from(1u32)?,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?
    };
    let trace = Uuid::new_v4().simple().to_string();
    let metadata = HashMap::from([
        ("correlation_id".to_string(), Uuid::new_v4().to_string()),
        ("causation_id".to_string(), Uuid::now_v7().to_string()),
        (
            "traceparent".to_string(),
            format!("00-{trace}-{}-01", &trace[..16]),
        ),
        ("actor".to_string(), "bench".to_string()),
        ("command".to_string(), "PlaceOrder".to_string()),
    ]);
    let command = OrderCommand::PlaceOrder {
        order_id,
        customer_id: "bench".into(),
        lines,
    };
    cqrs.execute_with_metadata(&order_id.to_string(), command, metadata)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}
