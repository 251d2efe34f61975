//! Executing a command: load the aggregate (from its snapshot for `Stock`), let it decide, append
//! its events with their metadata under optimistic concurrency, retry on conflict, then publish
//! one SQS message for the command.
//!
//! This is cqrs-es's `CqrsFramework::execute` opened up, for three reasons: the caller needs the
//! committed events' global positions and ids (read-your-writes, the SQS deduplication id), a
//! conflict must be retried against the new state, and cqrs-es 0.5 applies the new events twice
//! when it builds a snapshot from the context its `handle` already mutated. Here the aggregate
//! decides on a copy, so the context handed to `commit` is the state the events apply to.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aggregates::{
    Context, Order, OrderCommand, OrderError, OrderServices, Stock, StockCommand, StockError,
};
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::PersistedEventStore;
use cqrs_es::{Aggregate, AggregateError, EventStore};
use postgres_es::PostgresEventRepository;
use rand::Rng;
use sqlx::PgPool;
use tracing::Instrument;
use uuid::Uuid;

use crate::catalog::StoreCatalog;
use crate::publish::Publisher;

type Repo<A> = PersistedEventStore<PostgresEventRepository, A>;

/// How long a command keeps retrying optimistic-concurrency conflicts before giving up. A hot SKU
/// under a burst of orders sees many; each round one writer wins, so this bounds the burst.
const CONFLICT_BUDGET: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum CommandError<E> {
    #[error(transparent)]
    Domain(E),
    #[error("the aggregate kept changing under the command; try again")]
    Conflict,
    #[error("event store: {0}")]
    Store(String),
}

/// One event as appended, with what the store assigned to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Appended {
    pub event_id: Uuid,
    pub sequence: i64,
    pub global_position: i64,
    pub event_type: String,
}

/// What one command appended. Empty when the command was a no-op (a repeated reservation, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub events: Vec<Appended>,
}

impl Committed {
    /// The global position of the command's last event: what read-your-writes waits for.
    pub fn position(&self) -> Option<i64> {
        self.events.iter().map(|e| e.global_position).max()
    }
}

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
    /// The slow-database fault switch: a wait before every append.
    db_latency: Option<Duration>,
}

struct Inner {
    pool: PgPool,
    orders: Repo<Order>,
    stock: Repo<Stock>,
    order_services: OrderServices,
    publisher: Option<Publisher>,
}

impl Store {
    pub fn new(pool: PgPool, stock_snapshot_every: usize, publisher: Option<Publisher>) -> Self {
        let repo = || PostgresEventRepository::new(pool.clone());
        Self {
            inner: Arc::new(Inner {
                orders: PersistedEventStore::new_event_store(repo())
                    .with_upcasters(aggregates::upcast::upcasters()),
                stock: PersistedEventStore::new_snapshot_store(repo(), stock_snapshot_every)
                    .with_upcasters(aggregates::upcast::upcasters()),
                order_services: OrderServices {
                    catalog: Arc::new(StoreCatalog::new(pool.clone())),
                },
                pool,
                publisher,
            }),
            db_latency: None,
        }
    }

    /// The same store with the slow-database fault switch (see [`crate::faults`]).
    pub fn with_faults(mut self, faults: &crate::faults::Faults) -> Self {
        self.db_latency = faults.db_latency;
        self
    }

    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    pub async fn order(
        &self,
        order_id: Uuid,
        command: OrderCommand,
        context: &Context,
    ) -> Result<Committed, CommandError<OrderError>> {
        let name = command.name();
        let id = order_id.to_string();
        let i = &self.inner;
        self.run(&i.orders, &i.order_services, &id, command, name, context)
            .instrument(command_span("Order", &id, name))
            .await
    }

    pub async fn stock(
        &self,
        sku: &str,
        command: StockCommand,
        context: &Context,
    ) -> Result<Committed, CommandError<StockError>> {
        let name = command.name();
        self.run(&self.inner.stock, &(), sku, command, name, context)
            .instrument(command_span("Stock", sku, name))
            .await
    }

    pub async fn load_order(&self, order_id: Uuid) -> Result<Order, String> {
        load(&self.inner.orders, &order_id.to_string()).await
    }

    /// A `Stock` as it stands, loaded from its latest snapshot plus the events after it.
    pub async fn load_stock(&self, sku: &str) -> Result<Stock, String> {
        load(&self.inner.stock, sku).await
    }

    /// A `Stock` rebuilt from its events alone, snapshots aside, up to `up_to` (a sequence).
    pub async fn replay_stock(&self, sku: &str, up_to: Option<i64>) -> Result<Stock, String> {
        replay(&self.inner.stock, sku, up_to).await
    }

    /// An `Order` rebuilt from its events, up to `up_to` (a sequence).
    pub async fn replay_order(&self, order_id: Uuid, up_to: Option<i64>) -> Result<Order, String> {
        replay(&self.inner.orders, &order_id.to_string(), up_to).await
    }

    async fn run<A>(
        &self,
        repo: &Repo<A>,
        services: &A::Services,
        id: &str,
        command: A::Command,
        command_name: &str,
        context: &Context,
    ) -> Result<Committed, CommandError<A::Error>>
    where
        A: Aggregate + Clone,
        A::Command: Clone,
    {
        let started = Instant::now();
        for attempt in 0u32.. {
            let loaded = repo.load_aggregate(id).await.map_err(store_error)?;
            let after_sequence = loaded.current_sequence as i64;
            let mut working = loaded.aggregate.clone();
            let sink = EventSink::default();
            working
                .handle(command.clone(), services, &sink)
                .await
                .map_err(CommandError::Domain)?;
            let events = sink.collect().await;
            if events.is_empty() {
                return Ok(self.committed::<A>(id, vec![]));
            }
            // Marks this attempt's events, so a commit reported as failed can be recognised.
            let command_id = Uuid::now_v7().to_string();
            let mut metadata = context.metadata(command_name);
            metadata.insert("command_id".into(), command_id.clone());
            // The events carry this command's span, so whatever reacts to them joins its trace.
            if let Some(traceparent) = crate::telemetry::current_traceparent() {
                metadata.insert("traceparent".into(), traceparent);
            }
            let append = tracing::info_span!(
                "append",
                otel.name = "append events",
                db.system.name = "postgresql",
                events = events.len(),
                attempt
            );
            let latency = self.db_latency;
            let outcome = async {
                if let Some(latency) = latency {
                    tokio::time::sleep(latency).await;
                }
                repo.commit(events, loaded, metadata).await
            }
            .instrument(append)
            .await;
            match outcome {
                Ok(_) => {}
                Err(AggregateError::AggregateConflict) => {
                    // postgres-es commits the events before it checks the snapshot update, so a
                    // conflict can follow a successful append. Retrying then would append twice.
                    if self
                        .appended(A::TYPE, id, after_sequence, &command_id)
                        .await
                        .map_err(CommandError::Store)?
                        .is_empty()
                    {
                        if started.elapsed() > CONFLICT_BUDGET {
                            return Err(CommandError::Conflict);
                        }
                        tokio::time::sleep(backoff(attempt)).await;
                        continue;
                    }
                }
                Err(e) => return Err(store_error(e)),
            }
            let appended = self
                .appended(A::TYPE, id, after_sequence, &command_id)
                .await
                .map_err(CommandError::Store)?;
            let committed = self.committed::<A>(id, appended);
            if let Some(publisher) = &self.inner.publisher {
                publisher.publish(&committed, context).await;
            }
            return Ok(committed);
        }
        unreachable!("the retry loop returns")
    }

    fn committed<A: Aggregate>(&self, id: &str, events: Vec<Appended>) -> Committed {
        Committed {
            aggregate_type: A::TYPE,
            aggregate_id: id.to_string(),
            events,
        }
    }

    /// The events one attempt appended, found by the primary key's prefix.
    async fn appended(
        &self,
        aggregate_type: &str,
        id: &str,
        after_sequence: i64,
        command_id: &str,
    ) -> Result<Vec<Appended>, String> {
        sqlx::query_as::<_, (Uuid, i64, i64, String)>(
            "SELECT event_id, sequence, global_position, event_type FROM events
              WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3
                AND metadata->>'command_id' = $4
              ORDER BY sequence",
        )
        .bind(aggregate_type)
        .bind(id)
        .bind(after_sequence)
        .bind(command_id)
        .fetch_all(&self.inner.pool)
        .await
        .map(|rows| {
            rows.into_iter()
                .map(
                    |(event_id, sequence, global_position, event_type)| Appended {
                        event_id,
                        sequence,
                        global_position,
                        event_type,
                    },
                )
                .collect()
        })
        .map_err(|e| e.to_string())
    }
}

async fn load<A: Aggregate>(repo: &Repo<A>, id: &str) -> Result<A, String> {
    repo.load_aggregate(id)
        .await
        .map(|context| context.aggregate)
        .map_err(|e| e.to_string())
}

async fn replay<A: Aggregate>(repo: &Repo<A>, id: &str, up_to: Option<i64>) -> Result<A, String> {
    let mut aggregate = A::default();
    for envelope in repo.load_events(id).await.map_err(|e| e.to_string())? {
        if up_to.is_some_and(|n| envelope.sequence as i64 > n) {
            break;
        }
        aggregate.apply(envelope.payload);
    }
    Ok(aggregate)
}

fn command_span(aggregate_type: &str, id: &str, command: &str) -> tracing::Span {
    tracing::info_span!(
        "command",
        otel.name = command,
        command,
        aggregate_type,
        aggregate_id = id
    )
}

fn store_error<E: std::error::Error, T>(error: AggregateError<E>) -> CommandError<T> {
    CommandError::Store(error.to_string())
}

/// Full jitter over an exponential window (2 ms doubling to 64 ms), so writers that collided
/// spread out instead of colliding again in lockstep.
fn backoff(attempt: u32) -> Duration {
    let window_ms = 2u64 << attempt.min(5);
    Duration::from_micros(rand::rng().random_range(0..window_ms * 1000))
}
