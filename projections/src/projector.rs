//! Running every follower of the log: the saga and each read model, in rounds of one page each,
//! until a round moves nothing. Rounds, not one follower to its end and then the next: a saga
//! backlog must not starve the read models shoppers are waiting on. Within a round the followers
//! step at once: each has its own checkpoint, lock and transaction, so while one waits on the
//! database another decodes its page, and a catch-up keeps both the projector and PostgreSQL
//! busy. The saga's own events (a confirmation) reach the read models in the next round, which
//! [`Projector::catch_up`] runs at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use eventstore::{Store, log};
use serde::Serialize;
use sqlx::PgPool;

use crate::checkpoint::{self, Follower};
use crate::decisions;
use crate::guard::PageGuard;
use crate::read_model::{self, Applied};
use crate::registry::ReadModels;
use crate::saga;

#[derive(Clone)]
pub struct Projector {
    pool: PgPool,
    store: Store,
    read_models: ReadModels,
    /// What looks at each page before it is applied (the crash fault switch, say).
    guard: Option<Arc<dyn PageGuard>>,
    /// The saga's next page size ([`saga::next_batch`]), shared by clones.
    saga_batch: Arc<AtomicI64>,
    /// Whether the decision-latency follower steps in a round yet ([`Projector::measuring_from`]).
    measuring: tokio::sync::watch::Receiver<bool>,
}

impl Projector {
    /// The saga and the shop's read models, on `pool`, the saga's commands going to `store`.
    pub fn new(pool: PgPool, store: Store) -> Self {
        Self {
            pool,
            store,
            read_models: ReadModels::shop(),
            guard: None,
            saga_batch: Arc::new(AtomicI64::new(saga::MIN_BATCH)),
            measuring: tokio::sync::watch::channel(true).1,
        }
    }

    /// The same projector measuring order decisions ([`decisions`]) only once `open` is true.
    /// The decisions wait in the log meanwhile, and are measured then with their real latency.
    /// Prometheus cannot see what a new process counted before its first scrape: a projector
    /// restarted after a crash loop decides the late orders at once, so it holds their
    /// measurement until it has been scraped.
    pub fn measuring_from(mut self, open: tokio::sync::watch::Receiver<bool>) -> Self {
        self.measuring = open;
        self
    }

    /// The same projector keeping `read_models` instead.
    pub fn with_read_models(mut self, read_models: ReadModels) -> Self {
        self.read_models = read_models;
        self
    }

    /// The same projector showing every page to `guard` before applying it.
    pub fn with_guard(mut self, guard: Arc<dyn PageGuard>) -> Self {
        self.guard = Some(guard);
        self
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub fn read_models(&self) -> &ReadModels {
        &self.read_models
    }

    /// One page of each follower, all at once. Returns what each applied, by name, the saga
    /// first, then the decision latency when it is measuring; when one fails, the others' pages are still committed and the first failure (in
    /// that order) is the error, with its name.
    pub async fn round(&self) -> anyhow::Result<Vec<(&'static str, Applied)>> {
        let guard = self.guard.as_deref();
        let saga = async {
            let name = saga::FOLLOWER.name;
            let batch = self.saga_batch.load(Ordering::Relaxed);
            let done = saga::step(&self.pool, &self.store, batch, guard)
                .await
                .with_context(|| format!("projection {name} failed"))?;
            self.saga_batch
                .store(saga::next_batch(done.events), Ordering::Relaxed);
            Ok((name, done))
        };
        let models = futures::future::join_all(self.read_models.iter().map(|model| async move {
            let name = model.name();
            read_model::step(&self.pool, model.as_ref(), model.batch(), guard)
                .await
                .map(|done| (name, done))
                .with_context(|| format!("projection {name} failed"))
        }));
        let measure = async {
            let name = decisions::FOLLOWER.name;
            if !*self.measuring.borrow() {
                return None;
            }
            Some(
                decisions::step(&self.pool, decisions::BATCH, guard)
                    .await
                    .map(|done| (name, done))
                    .with_context(|| format!("projection {name} failed")),
            )
        };
        let (saga, measured, models) = tokio::join!(saga, measure, models);
        std::iter::once(saga)
            .chain(measured)
            .chain(models)
            .collect()
    }

    /// Rounds until one moves nothing; returns the events applied.
    pub async fn catch_up(&self) -> anyhow::Result<usize> {
        let mut total = 0;
        loop {
            let moved: usize = self.round().await?.iter().map(|(_, a)| a.events).sum();
            if moved == 0 {
                return Ok(total);
            }
            total += moved;
        }
    }

    /// Catches up until every follower has applied every event committed so far, or `timeout`
    /// passes. "Caught up" is not enough: the reader's horizon is the oldest transaction running
    /// anywhere in the cluster, so one long transaction, even in another database, can hide
    /// events that have committed.
    pub async fn settle(&self, timeout: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            self.catch_up().await?;
            let mut behind = 0;
            for follower in self.stepping() {
                behind += self.unapplied(follower, None).await?;
            }
            if behind == 0 {
                return Ok(());
            }
            if Instant::now() > deadline {
                anyhow::bail!("{behind} committed events still unapplied after {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Whether every follower has applied the events at `global_positions` (those it follows).
    /// A catch-up can end short of an event that has committed: see [`Projector::settle`].
    pub async fn applied(&self, global_positions: &[i64]) -> anyhow::Result<bool> {
        for follower in self.stepping() {
            if self.unapplied(follower, Some(global_positions)).await? > 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The followers a round steps now: every one, but the decision latency while it waits.
    fn stepping(&self) -> impl Iterator<Item = Follower> + use<> {
        let measuring = *self.measuring.borrow();
        self.read_models
            .followers()
            .into_iter()
            .filter(move |f| measuring || f.name != decisions::FOLLOWER.name)
    }

    async fn unapplied(&self, follower: Follower, among: Option<&[i64]>) -> sqlx::Result<i64> {
        let cursor = checkpoint::read(&self.pool, follower.name).await?;
        log::unapplied(&self.pool, cursor, follower.aggregate_types, among).await
    }

    /// Each follower's checkpoint against the head of the log.
    pub async fn status(&self) -> anyhow::Result<Vec<Status>> {
        status(&self.pool, &self.read_models).await
    }
}

/// One follower's checkpoint against the head of the log (docs/architecture.md section 4).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Status {
    pub name: &'static str,
    pub position: i64,
    pub head_position: i64,
    pub lag_events: i64,
    pub lag_ms: i64,
    pub updated_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// Each follower's checkpoint against the head of the log, without a projector to hand (the
/// admin API reads it).
pub async fn status(pool: &PgPool, read_models: &ReadModels) -> anyhow::Result<Vec<Status>> {
    let head = log::head(pool).await?;
    let mut all = Vec::new();
    for follower in read_models.followers() {
        let row = checkpoint::row(pool, follower.name).await?;
        let cursor = row.as_ref().map(|r| r.cursor).unwrap_or_default();
        let (lag_events, oldest) =
            log::unapplied_since(pool, cursor, head, follower.aggregate_types).await?;
        all.push(Status {
            name: follower.name,
            position: cursor.global_position,
            head_position: head.global_position,
            lag_events,
            lag_ms: oldest.map_or(0, |t| (Utc::now() - t).num_milliseconds().max(0)),
            updated_at: row.as_ref().map_or_else(Utc::now, |r| r.updated_at),
            last_error: row.and_then(|r| r.last_error),
        });
    }
    Ok(all)
}
