//! Executing a command: load the aggregate, let it decide, append its events with their
//! metadata under optimistic concurrency, retry on conflict, then publish one SQS message for the
//! command. Which aggregates it serves is registered, not written here: each is a [`Streams`].
//!
//! This is cqrs-es's `CqrsFramework::execute` opened up. Loading stays cqrs-es's (snapshot,
//! events after it, upcasters); the append is our own single statement ([`log::append`]), because
//! the caller needs the committed events' global positions and ids (read-your-writes, the SQS
//! deduplication id), a conflict must be retried against the new state, and postgres-es's
//! `persist` spends four round trips and returns nothing. It also snapshots the state the events
//! lead to; cqrs-es 0.5 applies them a second time to the state `handle` already changed.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aggregates::{Context, Order, OrderCommand, OrderError, Stock, StockCommand, StockError};
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::EventStoreAggregateContext;
use platform::faults::FaultSwitches;
use rand::Rng;
use sqlx::PgPool;
use tracing::Instrument;
use uuid::Uuid;

use crate::error::{CommandError, StoreError};
use crate::log::{self, Appended, Committed};
use crate::publish::Publisher;
use crate::streams::{Streamed, Streams};

/// How long a command keeps retrying optimistic-concurrency conflicts before giving up. A hot SKU
/// under a burst of orders sees many; each round one writer wins, so this bounds the burst.
const CONFLICT_BUDGET: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
    /// The slow-database fault switch: a wait before every append.
    faults: FaultSwitches,
}

struct Inner {
    pool: PgPool,
    /// One [`Streams`] per registered aggregate type, by the type's id.
    streams: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
    publisher: Option<Publisher>,
}

/// A [`Store`] being put together: the aggregate types it serves and where it publishes.
pub struct Builder {
    pool: PgPool,
    streams: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
    publisher: Option<Publisher>,
}

impl Builder {
    /// Serves commands on aggregate `A`, loaded as `streams` says.
    pub fn serve<A: Streamed>(mut self, streams: Streams<A>) -> Self
    where
        Streams<A>: Send + Sync,
    {
        self.streams.insert(TypeId::of::<A>(), Box::new(streams));
        self
    }

    /// Publishes one message per committed command.
    pub fn publishing(mut self, publisher: Option<Publisher>) -> Self {
        self.publisher = publisher;
        self
    }

    pub fn build(self) -> Store {
        Store {
            inner: Arc::new(Inner {
                pool: self.pool,
                streams: self.streams,
                publisher: self.publisher,
            }),
            faults: FaultSwitches::default(),
        }
    }
}

impl Store {
    pub fn builder(pool: PgPool) -> Builder {
        Builder {
            pool,
            streams: HashMap::new(),
            publisher: None,
        }
    }

    /// The same store with the slow-database fault switch (see [`platform::faults`]).
    pub fn with_faults(mut self, faults: FaultSwitches) -> Self {
        self.faults = faults;
        self
    }

    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    /// The streams of aggregate `A`: loading, replaying.
    pub fn streams<A: Streamed>(&self) -> Result<&Streams<A>, StoreError> {
        self.inner
            .streams
            .get(&TypeId::of::<A>())
            .and_then(|s| s.downcast_ref::<Streams<A>>())
            .ok_or(StoreError::Unregistered(A::TYPE))
    }

    /// Aggregate `A`'s stream `id` as it stands (from its latest snapshot, where it has one).
    pub async fn current<A: Streamed>(&self, id: &str) -> Result<A, StoreError> {
        self.streams::<A>()?.current(id).await
    }

    /// Aggregate `A`'s stream `id` rebuilt from its events alone, up to sequence `up_to`.
    pub async fn replay<A: Streamed>(&self, id: &str, up_to: Option<i64>) -> Result<A, StoreError> {
        self.streams::<A>()?.replay(id, up_to).await
    }

    /// Runs `command` on aggregate `A`'s stream `id`, as `context`'s actor.
    pub async fn execute<A: Streamed>(
        &self,
        id: &str,
        command: A::Command,
        context: &Context,
    ) -> Result<Committed, CommandError<A::Error>> {
        let span = command_span(A::TYPE, id, A::command_name(&command));
        self.run::<A>(id, command, context).instrument(span).await
    }

    /// An `Order` command (shorthand for [`Store::execute`]).
    pub async fn order(
        &self,
        order_id: Uuid,
        command: OrderCommand,
        context: &Context,
    ) -> Result<Committed, CommandError<OrderError>> {
        self.execute::<Order>(&order_id.to_string(), command, context)
            .await
    }

    /// A `Stock` command (shorthand for [`Store::execute`]).
    pub async fn stock(
        &self,
        sku: &str,
        command: StockCommand,
        context: &Context,
    ) -> Result<Committed, CommandError<StockError>> {
        self.execute::<Stock>(sku, command, context).await
    }

    async fn run<A: Streamed>(
        &self,
        id: &str,
        command: A::Command,
        context: &Context,
    ) -> Result<Committed, CommandError<A::Error>> {
        let streams = self.streams::<A>()?;
        let name = A::command_name(&command);
        let starts_stream = A::starts_stream(&command);
        let started = Instant::now();
        for attempt in 0u32.. {
            // A command that starts a stream tries it empty first: the append at sequence 1 proves
            // it empty, and only a stream that exists already (an order placed again under the
            // same Idempotency-Key, a SKU registered twice) costs the load, on the retry.
            let loaded = if attempt == 0 && starts_stream {
                EventStoreAggregateContext {
                    aggregate_id: id.to_string(),
                    aggregate: A::default(),
                    current_sequence: 0,
                    current_snapshot: None,
                }
            } else {
                streams.load(id).await?
            };
            // `handle` applies what it decides to `state`, which becomes the state after the
            // events (what a snapshot records).
            let mut state = loaded.aggregate;
            let sink = EventSink::default();
            state
                .handle(command.clone(), &streams.services, &sink)
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
                .map(|_| log::Snapshot {
                    version: loaded.current_snapshot.unwrap_or(0) + 1,
                    state: &state,
                });
            let snapshot_after = snapshot
                .as_ref()
                .map(|s| s.version)
                .or(loaded.current_snapshot);
            let mut metadata = context.metadata(name);
            // Marks the events of one command, which may be several.
            metadata.insert("command_id".into(), Uuid::now_v7().to_string());
            // The events carry this command's span, so whatever reacts to them joins its trace.
            if let Some(traceparent) = platform::telemetry::current_traceparent() {
                metadata.insert("traceparent".into(), traceparent);
            }
            let span = tracing::info_span!(
                "append",
                otel.name = "append events",
                db.system.name = "postgresql",
                events = events.len(),
                attempt
            );
            let latency = self.faults.current().await.db_latency;
            let outcome = async {
                if let Some(latency) = latency {
                    let wait = tracing::info_span!(
                        "slow database",
                        otel.name = "slow database (fault switch)",
                        added_ms = latency.as_millis() as u64
                    );
                    tokio::time::sleep(latency).instrument(wait).await;
                }
                log::append(&self.inner.pool, id, after, &events, &metadata, snapshot).await
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
                Err(log::Append::Conflict) => {
                    streams.forget(id);
                    if started.elapsed() > CONFLICT_BUDGET {
                        return Err(CommandError::Conflict);
                    }
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Err(log::Append::Failed(e)) => {
                    streams.forget(id);
                    return Err(e.into());
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

fn command_span(aggregate_type: &str, id: &str, command: &str) -> tracing::Span {
    let span = tracing::info_span!(
        "command",
        otel.name = command,
        command,
        aggregate_type,
        aggregate_id = id,
        order_id = tracing::field::Empty,
        sku = tracing::field::Empty,
    );
    record_subject(&span, aggregate_type, id);
    span
}

/// Names on `span` the order or product that aggregate `id` is, as `order_id` or `sku`: the
/// attributes the collector indexes as X-Ray annotations (terraform's `xray_annotations`), so
/// `annotation.order_id = "…"` finds an order's traces, locally and on AWS. The span must
/// declare both fields.
pub fn record_subject(span: &tracing::Span, aggregate_type: &str, id: &str) {
    match aggregate_type {
        "Order" => {
            span.record("order_id", id);
        }
        "Stock" => {
            span.record("sku", id);
        }
        _ => {}
    }
}

/// Full jitter over an exponential window (2 ms doubling to 64 ms), so writers that collided
/// spread out instead of colliding again in lockstep.
fn backoff(attempt: u32) -> Duration {
    let window_ms = 2u64 << attempt.min(5);
    Duration::from_micros(rand::rng().random_range(0..window_ms * 1000))
}
