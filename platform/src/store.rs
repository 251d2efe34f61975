//! Executing a command: load the aggregate (from its snapshot for `Stock`), let it decide, append
//! its events with their metadata under optimistic concurrency, retry on conflict, then publish
//! one SQS message for the command.
//!
//! This is cqrs-es's `CqrsFramework::execute` opened up. Loading stays cqrs-es's (snapshot,
//! events after it, upcasters); the append is our own single statement, because the caller needs
//! the committed events' global positions and ids (read-your-writes, the SQS deduplication id), a
//! conflict must be retried against the new state, and postgres-es's `persist` spends four round
//! trips (BEGIN, an INSERT per event, COMMIT) and returns nothing. It also snapshots the state the
//! events lead to; cqrs-es 0.5 applies them a second time to the state `handle` already changed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aggregates::{
    Context, Order, OrderCommand, OrderError, OrderServices, Stock, StockCommand, StockError,
};
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{EventStoreAggregateContext, PersistedEventStore};
use cqrs_es::{Aggregate, DomainEvent, EventStore};
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
    orders: Streams<Order>,
    stock: Streams<Stock>,
    order_services: OrderServices,
    publisher: Option<Publisher>,
}

impl Store {
    pub fn new(pool: PgPool, stock_snapshot_every: usize, publisher: Option<Publisher>) -> Self {
        let repo = || PostgresEventRepository::new(pool.clone());
        Self {
            inner: Arc::new(Inner {
                orders: Streams {
                    repo: PersistedEventStore::new_event_store(repo())
                        .with_upcasters(aggregates::upcast::upcasters()),
                    kept: None,
                    snapshot_every: None,
                },
                stock: Streams {
                    repo: PersistedEventStore::new_snapshot_store(repo(), stock_snapshot_every)
                        .with_upcasters(aggregates::upcast::upcasters()),
                    kept: Some(Mutex::default()),
                    snapshot_every: Some(stock_snapshot_every),
                },
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
        let issued = Issued {
            name: command.name(),
            starts_stream: matches!(command, OrderCommand::PlaceOrder { .. }),
            command,
        };
        let id = order_id.to_string();
        let span = command_span("Order", &id, issued.name);
        let i = &self.inner;
        self.run(&i.orders, &i.order_services, &id, issued, context)
            .instrument(span)
            .await
    }

    pub async fn stock(
        &self,
        sku: &str,
        command: StockCommand,
        context: &Context,
    ) -> Result<Committed, CommandError<StockError>> {
        let issued = Issued {
            name: command.name(),
            starts_stream: matches!(command, StockCommand::RegisterProduct { .. }),
            command,
        };
        let span = command_span("Stock", sku, issued.name);
        self.run(&self.inner.stock, &(), sku, issued, context)
            .instrument(span)
            .await
    }

    pub async fn load_order(&self, order_id: Uuid) -> Result<Order, String> {
        load(&self.inner.orders.repo, &order_id.to_string()).await
    }

    /// A `Stock` as it stands, loaded from its latest snapshot plus the events after it.
    pub async fn load_stock(&self, sku: &str) -> Result<Stock, String> {
        load(&self.inner.stock.repo, sku).await
    }

    /// A `Stock` rebuilt from its events alone, snapshots aside, up to `up_to` (a sequence).
    pub async fn replay_stock(&self, sku: &str, up_to: Option<i64>) -> Result<Stock, String> {
        replay(&self.inner.stock.repo, sku, up_to).await
    }

    /// An `Order` rebuilt from its events, up to `up_to` (a sequence).
    pub async fn replay_order(&self, order_id: Uuid, up_to: Option<i64>) -> Result<Order, String> {
        replay(&self.inner.orders.repo, &order_id.to_string(), up_to).await
    }

    async fn run<A>(
        &self,
        streams: &Streams<A>,
        services: &A::Services,
        id: &str,
        issued: Issued<A::Command>,
        context: &Context,
    ) -> Result<Committed, CommandError<A::Error>>
    where
        A: Aggregate + Clone,
        A::Command: Clone,
    {
        let started = Instant::now();
        for attempt in 0u32.. {
            // A command that starts a stream tries it empty first: the append at sequence 1 proves
            // it empty, and only a stream that exists already (an order placed again under the
            // same Idempotency-Key, a SKU registered twice) costs the load, on the retry.
            let loaded = if attempt == 0 && issued.starts_stream {
                EventStoreAggregateContext {
                    aggregate_id: id.to_string(),
                    aggregate: A::default(),
                    current_sequence: 0,
                    current_snapshot: None,
                }
            } else {
                streams
                    .load(&self.inner.pool, id)
                    .await
                    .map_err(CommandError::Store)?
            };
            // `handle` applies what it decides to `state`, which becomes the state after the
            // events (what a snapshot records).
            let mut state = loaded.aggregate;
            let sink = EventSink::default();
            state
                .handle(issued.command.clone(), services, &sink)
                .await
                .map_err(CommandError::Domain)?;
            let events = sink.collect().await;
            let after = loaded.current_sequence;
            if events.is_empty() {
                streams.keep(id, state, after, loaded.current_snapshot);
                return Ok(self.committed::<A>(id, vec![]));
            }
            // Every `snapshot_every` events the stream's snapshot is replaced by a newer one.
            let snapshot = streams
                .snapshot_every
                .filter(|every| after / every != (after + events.len()) / every)
                .map(|_| Snapshot {
                    version: loaded.current_snapshot.unwrap_or(0) + 1,
                    state: &state,
                });
            let snapshot_after = snapshot
                .as_ref()
                .map(|s| s.version)
                .or(loaded.current_snapshot);
            let mut metadata = context.metadata(issued.name);
            // Marks the events of one command, which may be several.
            metadata.insert("command_id".into(), Uuid::now_v7().to_string());
            // The events carry this command's span, so whatever reacts to them joins its trace.
            if let Some(traceparent) = crate::telemetry::current_traceparent() {
                metadata.insert("traceparent".into(), traceparent);
            }
            let span = tracing::info_span!(
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
                append(&self.inner.pool, id, after, &events, &metadata, snapshot).await
            }
            .instrument(span)
            .await;
            match outcome {
                Ok(appended) => {
                    streams.keep(id, state, after + appended.len(), snapshot_after);
                    let committed = self.committed::<A>(id, appended);
                    if let Some(publisher) = &self.inner.publisher {
                        publisher.publish(&committed, context).await;
                    }
                    return Ok(committed);
                }
                Err(Append::Conflict) => {
                    streams.forget(id);
                    if started.elapsed() > CONFLICT_BUDGET {
                        return Err(CommandError::Conflict);
                    }
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Err(Append::Failed(e)) => {
                    streams.forget(id);
                    return Err(CommandError::Store(e));
                }
            }
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
}

enum Append {
    /// Another command appended to the stream since it was loaded.
    Conflict,
    Failed(String),
}

/// How many aggregates a process keeps (see [`Streams::kept`]).
const KEPT_AGGREGATES: usize = 256;

/// One aggregate type's event store.
struct Streams<A: Aggregate> {
    repo: Repo<A>,
    /// For `Stock`: each aggregate as this process's last command on it left it. A `Stock` holds
    /// every reservation it has taken, so loading one parses a snapshot that grows with the shop
    /// (about 200 KB a SKU after a million events), and the saga commands the same few SKUs over
    /// and over. A kept copy is used while no event follows its sequence, which one indexed
    /// query tells; otherwise the aggregate is loaded again.
    kept: Option<Mutex<HashMap<String, Kept<A>>>>,
    /// For `Stock`: every how many events the stream's snapshot is replaced.
    snapshot_every: Option<usize>,
}

struct Kept<A> {
    aggregate: A,
    sequence: usize,
    snapshot: Option<usize>,
}

impl<A: Aggregate + Clone> Streams<A> {
    async fn load(&self, pool: &PgPool, id: &str) -> Result<EventStoreAggregateContext<A>, String> {
        let copy = self.kept.as_ref().and_then(|kept| {
            let mut kept = kept.lock().expect("no panic while the lock is held");
            // Taken out, not cloned (a `Stock` is large): `keep` puts it back after the command,
            // and a command on the same stream meanwhile loads it from the store.
            kept.remove(id)
        });
        if let Some(copy) = copy {
            let moved: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM events
                                 WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3)",
            )
            .bind(A::TYPE)
            .bind(id)
            .bind(copy.sequence as i64)
            .fetch_one(pool)
            .await
            .map_err(|e| e.to_string())?;
            if !moved {
                return Ok(EventStoreAggregateContext {
                    aggregate_id: id.to_string(),
                    aggregate: copy.aggregate,
                    current_sequence: copy.sequence,
                    current_snapshot: copy.snapshot,
                });
            }
        }
        self.repo
            .load_aggregate(id)
            .await
            .map_err(|e| e.to_string())
    }

    fn keep(&self, id: &str, aggregate: A, sequence: usize, snapshot: Option<usize>) {
        if let Some(kept) = &self.kept {
            let mut kept = kept.lock().expect("no panic while the lock is held");
            if kept.len() < KEPT_AGGREGATES || kept.contains_key(id) {
                let copy = Kept {
                    aggregate,
                    sequence,
                    snapshot,
                };
                kept.insert(id.to_string(), copy);
            }
        }
    }

    fn forget(&self, id: &str) {
        if let Some(kept) = &self.kept {
            kept.lock()
                .expect("no panic while the lock is held")
                .remove(id);
        }
    }
}

/// A command with what the store needs to know of it.
struct Issued<C> {
    command: C,
    /// As recorded in every event's metadata.
    name: &'static str,
    /// Whether it starts a stream (see [`Store::run`]).
    starts_stream: bool,
}

struct Snapshot<'a, A> {
    version: usize,
    state: &'a A,
}

/// Appends `events` after sequence `after` in one statement, so one round trip commits them (and
/// the snapshot, if any) or nothing. The primary key (aggregate_type, aggregate_id, sequence) is
/// the optimistic-concurrency check.
///
/// This writes the tables postgres-es reads, as its `persist` would, without its BEGIN, INSERT
/// per event and COMMIT, and returns what the store assigned (global position, event id), which
/// `persist` does not.
async fn append<A: Aggregate>(
    pool: &PgPool,
    id: &str,
    after: usize,
    events: &[A::Event],
    metadata: &HashMap<String, String>,
    snapshot: Option<Snapshot<'_, A>>,
) -> Result<Vec<Appended>, Append> {
    let failed = |e: serde_json::Error| Append::Failed(format!("serialising an event: {e}"));
    let metadata = serde_json::to_value(metadata).map_err(failed)?;
    let (mut types, mut versions, mut payloads) = (vec![], vec![], vec![]);
    for event in events {
        types.push(event.event_type());
        versions.push(event.event_version());
        payloads.push(serde_json::to_value(event).map_err(failed)?);
    }
    let (snapshot_version, snapshot_state) = match snapshot {
        Some(s) => (
            Some(s.version as i64),
            Some(serde_json::to_value(s.state).map_err(failed)?),
        ),
        None => (None, None),
    };
    let rows = sqlx::query_as::<_, (Uuid, i64, i64, String)>(
        "WITH appended AS (
            INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
            SELECT $1, $2, $3 + n - 1, t, v, p, $7
              FROM unnest($4::text[], $5::text[], $6::jsonb[]) WITH ORDINALITY AS e(t, v, p, n)
            RETURNING event_id, sequence, global_position, event_type
         ), first_snapshot AS (
            INSERT INTO snapshots (aggregate_type, aggregate_id, last_sequence, current_snapshot, payload)
            SELECT $1, $2, $8, $9, $10 WHERE $9 = 1
         ), next_snapshot AS (
            UPDATE snapshots SET last_sequence = $8, current_snapshot = $9, payload = $10
             WHERE aggregate_type = $1 AND aggregate_id = $2 AND current_snapshot = $9 - 1 AND $9 > 1
         )
         SELECT event_id, sequence, global_position, event_type FROM appended ORDER BY sequence",
    )
    .bind(A::TYPE)
    .bind(id)
    .bind(after as i64 + 1)
    .bind(&types)
    .bind(&versions)
    .bind(&payloads)
    .bind(&metadata)
    .bind((after + events.len()) as i64)
    .bind(snapshot_version)
    .bind(snapshot_state)
    .fetch_all(pool)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => Append::Conflict,
        _ => Append::Failed(e.to_string()),
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(event_id, sequence, global_position, event_type)| Appended {
                event_id,
                sequence,
                global_position,
                event_type,
            },
        )
        .collect())
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

/// Full jitter over an exponential window (2 ms doubling to 64 ms), so writers that collided
/// spread out instead of colliding again in lockstep.
fn backoff(attempt: u32) -> Duration {
    let window_ms = 2u64 << attempt.min(5);
    Duration::from_micros(rand::rng().random_range(0..window_ms * 1000))
}
