//! What a read model is, which ones the shop has, and how one takes its next page of the log.
//!
//! A read model is a table kept from the events of some aggregate types: it folds a page of
//! events into set-based writes inside the caller's transaction, and the caller commits them with
//! the checkpoint. Adding one is a file that implements [`ReadModel`] and one line in
//! [`crate::registry::ReadModels::shop`]; the projector, `status`, the lag metrics, rebuilds and
//! the trace timeline then cover it.

use std::collections::BTreeMap;

use async_trait::async_trait;
use eventstore::StoredEvent;
use sqlx::{PgConnection, PgPool};

use crate::checkpoint::{self, Follower};
use crate::guard::PageGuard;
use crate::timeline;

/// Why a page could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("the read model's database failed")]
    Database(#[from] sqlx::Error),
    #[error("an event's payload is not what its type says")]
    Decode(#[from] serde_json::Error),
    #[error("an aggregate id is not what its type says")]
    Id(#[from] uuid::Error),
    /// The log contradicts itself (an event for a stream the read model never saw start).
    #[error("{0}")]
    Inconsistent(&'static str),
}

#[async_trait]
pub trait ReadModel: Send + Sync + 'static {
    /// Its name: its checkpoint's, and what admins pass to a rebuild.
    fn name(&self) -> &'static str;
    /// The aggregate types whose events it reads.
    fn aggregate_types(&self) -> &'static [&'static str];
    /// Its table. A rebuild fills `{table}_rebuild` (made `LIKE` it) and swaps it in.
    fn table(&self) -> &'static str;
    /// Events per step: large, because the writes are set-based.
    fn batch(&self) -> i64 {
        5000
    }
    /// Applies `events` (of its aggregate types, in commit order) to `table` (the live table or
    /// a rebuild's shadow) in the caller's transaction.
    async fn apply(
        &self,
        db: &mut PgConnection,
        table: &str,
        events: &[StoredEvent],
    ) -> Result<(), ApplyError>;
}

pub(crate) fn follower(model: &dyn ReadModel) -> Follower {
    Follower {
        name: model.name(),
        aggregate_types: model.aggregate_types(),
        saga: false,
    }
}

/// What one step did, for logs and metrics.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Applied {
    pub events: usize,
    /// Events applied, by event type.
    pub by_type: BTreeMap<String, usize>,
    /// What the saga did with each event (empty for a read model).
    pub outcomes: Vec<aggregates::saga::Outcome>,
    /// For each order decision read ([`crate::decisions`]), how long after the order was placed
    /// it was recorded, in milliseconds: the order-decision SLO's signal.
    pub decision_ms: Vec<f64>,
}

impl Applied {
    pub(crate) fn count(&mut self, event: &StoredEvent) {
        self.events += 1;
        *self.by_type.entry(event.event_type.clone()).or_default() += 1;
    }
}

/// Applies `model`'s next page: up to `batch` events after its checkpoint, written with the new
/// checkpoint in one transaction. Zero events means it is caught up.
pub async fn step(
    pool: &PgPool,
    model: &dyn ReadModel,
    batch: i64,
    guard: Option<&dyn PageGuard>,
) -> anyhow::Result<Applied> {
    let name = model.name();
    let Some(page) = checkpoint::next_page(pool, &follower(model), batch).await? else {
        return Ok(Applied::default());
    };
    let checkpoint::Page {
        mut tx,
        from,
        to,
        events,
    } = page;
    if let Some(guard) = guard {
        guard.before_apply(name, &events).await;
    }
    // One span per event (bounded), each a child of the span that appended it, so the event's
    // own trace shows when each read model took it in. Only when spans leave the process: this
    // is the hot path of a catch-up.
    let _spans: Vec<tracing::Span> = if platform::telemetry::exporting() {
        events
            .iter()
            .take(256)
            .map(|e| timeline::event_span(name, e))
            .collect()
    } else {
        Vec::new()
    };
    model.apply(&mut tx, model.table(), &events).await?;
    let mut applied = Applied::default();
    for event in &events {
        applied.count(event);
    }
    timeline::record_page(&mut tx, name, from, to, events.len()).await?;
    checkpoint::save(&mut tx, name, to, None).await?;
    tx.commit().await?;
    Ok(applied)
}
