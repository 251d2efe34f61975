//! One aggregate type's streams, whatever the type: how its aggregates load (cqrs-es's loader,
//! with the upcasters and, where configured, snapshots), the services its commands need, and the
//! copies this process keeps between commands.

use std::collections::HashMap;
use std::sync::Mutex;

use aggregates::{Order, OrderCommand, Stock, StockCommand};
use cqrs_es::persist::{EventStoreAggregateContext, PersistedEventStore};
use cqrs_es::{Aggregate, EventStore};
use postgres_es::PostgresEventRepository;
use sqlx::PgPool;

use crate::error::StoreError;
use crate::log;

type Repo<A> = PersistedEventStore<PostgresEventRepository, A>;

/// An aggregate the [`crate::Store`] can run commands on: what it needs to know of a command
/// beyond the aggregate's own `handle`.
pub trait Streamed:
    Aggregate<Command: Clone, Error: Send + Sync + 'static> + Clone + 'static
{
    /// The command's name, as recorded in every event's metadata.
    fn command_name(command: &Self::Command) -> &'static str;
    /// Whether the command starts a stream: it is tried on an empty stream first, and only a
    /// stream that exists already costs a load, on the retry.
    fn starts_stream(command: &Self::Command) -> bool;
}

impl Streamed for Order {
    fn command_name(command: &OrderCommand) -> &'static str {
        command.name()
    }
    fn starts_stream(command: &OrderCommand) -> bool {
        matches!(command, OrderCommand::PlaceOrder { .. })
    }
}

impl Streamed for Stock {
    fn command_name(command: &StockCommand) -> &'static str {
        command.name()
    }
    fn starts_stream(command: &StockCommand) -> bool {
        matches!(command, StockCommand::RegisterProduct { .. })
    }
}

/// How many aggregates of one type a process keeps (see [`Streams::keeping`]).
const KEPT_AGGREGATES: usize = 256;

pub struct Streams<A: Aggregate> {
    pool: PgPool,
    repo: Repo<A>,
    pub(crate) services: A::Services,
    /// Each aggregate as this process's last command on it left it (see [`Streams::keeping`]).
    kept: Option<Mutex<HashMap<String, Kept<A>>>>,
    /// Every how many events the stream's snapshot is replaced; `None`: no snapshots.
    pub(crate) snapshot_every: Option<usize>,
}

struct Kept<A> {
    aggregate: A,
    sequence: usize,
    snapshot: Option<usize>,
}

impl<A: Streamed> Streams<A> {
    /// Streams loaded from their events alone.
    pub fn new(pool: PgPool, services: A::Services) -> Self {
        Self {
            repo: PersistedEventStore::new_event_store(PostgresEventRepository::new(pool.clone()))
                .with_upcasters(aggregates::upcast::upcasters()),
            pool,
            services,
            kept: None,
            snapshot_every: None,
        }
    }

    /// Streams that keep a snapshot, replaced every `every` events, and load from it.
    pub fn snapshot_every(mut self, every: usize) -> Self {
        self.repo = PersistedEventStore::new_snapshot_store(
            PostgresEventRepository::new(self.pool.clone()),
            every,
        )
        .with_upcasters(aggregates::upcast::upcasters());
        self.snapshot_every = Some(every);
        self
    }

    /// Keeps each aggregate as this process's last command left it. Worth it for a large
    /// aggregate commanded over and over: a `Stock` holds every reservation it has taken, so
    /// loading one parses a snapshot that grows with the shop (about 200 KB a SKU after a million
    /// events), and the saga commands the same few SKUs again and again. A kept copy is used
    /// while no event follows its sequence, which one indexed query tells; otherwise the
    /// aggregate is loaded again.
    pub fn keeping(mut self) -> Self {
        self.kept = Some(Mutex::default());
        self
    }

    /// The aggregate as the command about to run sees it.
    pub(crate) async fn load(&self, id: &str) -> Result<EventStoreAggregateContext<A>, StoreError> {
        let copy = self.kept.as_ref().and_then(|kept| {
            let mut kept = kept.lock().expect("no panic while the lock is held");
            // Taken out, not cloned (a `Stock` is large): `keep` puts it back after the command,
            // and a command on the same stream meanwhile loads it from the store.
            kept.remove(id)
        });
        if let Some(copy) = copy
            && !log::moved_since::<A>(&self.pool, id, copy.sequence).await?
        {
            return Ok(EventStoreAggregateContext {
                aggregate_id: id.to_string(),
                aggregate: copy.aggregate,
                current_sequence: copy.sequence,
                current_snapshot: copy.snapshot,
            });
        }
        self.repo.load_aggregate(id).await.map_err(StoreError::load)
    }

    pub(crate) fn keep(&self, id: &str, aggregate: A, sequence: usize, snapshot: Option<usize>) {
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

    pub(crate) fn forget(&self, id: &str) {
        if let Some(kept) = &self.kept {
            kept.lock()
                .expect("no panic while the lock is held")
                .remove(id);
        }
    }

    /// The aggregate as it stands (from its latest snapshot, where it has one).
    pub async fn current(&self, id: &str) -> Result<A, StoreError> {
        self.repo
            .load_aggregate(id)
            .await
            .map(|context| context.aggregate)
            .map_err(StoreError::load)
    }

    /// The aggregate rebuilt from its events alone, snapshots aside, up to sequence `up_to`.
    pub async fn replay(&self, id: &str, up_to: Option<i64>) -> Result<A, StoreError> {
        let mut aggregate = A::default();
        for envelope in self.repo.load_events(id).await.map_err(StoreError::load)? {
            if up_to.is_some_and(|n| envelope.sequence as i64 > n) {
                break;
            }
            aggregate.apply(envelope.payload);
        }
        Ok(aggregate)
    }
}
