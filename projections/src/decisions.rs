//! Order-decision latency as the event store records it: from an order's `OrderPlaced` to its
//! `OrderConfirmed` or `OrderRejected`, both times the store's. The order-decision SLO counts
//! these. A follower of the log with its own checkpoint, apart from the saga that decides: a
//! projector that crashes and restarts loses no decision and counts none twice, and the
//! latencies of orders decided late, after a crash loop, are their real ones. It writes nothing
//! but its checkpoint and is never rebuilt: a replay would count old decisions as new.

use std::collections::HashMap;

use eventstore::{StoredEvent, log};
use sqlx::PgPool;

use crate::checkpoint::{self, Follower};
use crate::guard::PageGuard;
use crate::read_model::Applied;
use crate::timeline;

pub const FOLLOWER: Follower = Follower {
    name: "order-decisions",
    aggregate_types: &["Order"],
    saga: false,
};

/// Events per step: most are not decisions, and a decision costs one probe for its order's start.
pub const BATCH: i64 = 2000;

/// The event types that decide an order.
const DECISIONS: [&str; 2] = ["OrderConfirmed", "OrderRejected"];

/// Reads up to `batch` order events after the follower's checkpoint and, for each decision, how
/// long after its order was placed it was recorded (`Applied::decision_ms`), committed with the
/// checkpoint. Zero events: caught up.
pub async fn step(
    pool: &PgPool,
    batch: i64,
    guard: Option<&dyn PageGuard>,
) -> anyhow::Result<Applied> {
    let name = FOLLOWER.name;
    let Some(page) = checkpoint::next_page(pool, &FOLLOWER, batch).await? else {
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
    let decided: Vec<&StoredEvent> = events
        .iter()
        .filter(|e| DECISIONS.contains(&e.event_type.as_str()))
        .collect();
    let ids: Vec<String> = decided.iter().map(|e| e.aggregate_id.clone()).collect();
    let placed: HashMap<String, chrono::DateTime<chrono::Utc>> =
        log::firsts(&mut *tx, "Order", &ids)
            .await?
            .into_iter()
            .map(|first| (first.aggregate_id, first.recorded_at))
            .collect();
    let mut applied = Applied::default();
    for event in &events {
        applied.count(event);
    }
    applied.decision_ms = decided
        .iter()
        .filter_map(|e| {
            let waited = e.recorded_at - *placed.get(&e.aggregate_id)?;
            Some(waited.num_microseconds().unwrap_or(0).max(0) as f64 / 1000.0)
        })
        .collect();
    timeline::record_page(&mut tx, name, from, to, events.len()).await?;
    checkpoint::save(&mut tx, name, to, None).await?;
    tx.commit().await?;
    Ok(applied)
}
