//! The reservation saga as a process manager: it follows `Order` events from its own checkpoint
//! and, for each, runs the pure saga of `aggregates::saga` against the event store (through
//! [`StoreLedger`]). Its "writes" are commands on the aggregates, each idempotent, so replaying the
//! event a crash interrupted does nothing new; its checkpoint advances per event. It is never
//! rebuilt: it has no table, and replaying it would mean nothing.

use std::collections::HashMap;

use aggregates::saga::on_order_event;
use aggregates::{Context, Order, OrderEvent, OrderStatus, SAGA_ACTOR, Unavailable};
use cqrs_es::Aggregate;
use eventstore::ledger::StoreLedger;
use eventstore::{Store, StoredEvent, log};
use sqlx::PgPool;
use tracing::Instrument;
use uuid::Uuid;

use crate::checkpoint::{self, Follower};
use crate::guard::PageGuard;
use crate::read_model::Applied;
use crate::timeline;

pub const FOLLOWER: Follower = Follower {
    name: "reservations",
    aggregate_types: &["Order"],
    saga: true,
};

/// Events per step: the page a step reads starts at [`MIN_BATCH`] and doubles, up to
/// [`MAX_BATCH`], while steps use all of it (see [`next_batch`]). Most events of a backlog cost
/// the saga no command (an order already decided, a confirmation), and a large page spends its
/// reads and its commit on many of them; [`STEP_BUDGET`] bounds the events that do cost one.
pub const MIN_BATCH: i64 = 100;
pub const MAX_BATCH: i64 = 2000;

/// How long one step may spend issuing commands before it commits what it has done and lets the
/// read models take their turn: the saga's transaction holds its lock meanwhile, and the rounds
/// of [`crate::projector::Projector`] must not leave shoppers' read models behind a saga backlog.
/// The events after the budget are read again in the next step.
pub const STEP_BUDGET: std::time::Duration = std::time::Duration::from_millis(100);

/// Why the saga stopped at an event. Every step before it is kept; the event is handled again on
/// the next pass.
#[derive(Debug, thiserror::Error)]
pub enum SagaError {
    #[error("the saga's database failed")]
    Database(#[from] sqlx::Error),
    #[error("event {event_id} is not an order event")]
    Decode {
        event_id: Uuid,
        #[source]
        source: serde_json::Error,
    },
    #[error("event {event_id} has no order id")]
    OrderId {
        event_id: Uuid,
        #[source]
        source: uuid::Error,
    },
    #[error("reservations stopped at event {event_id}")]
    Stopped {
        event_id: Uuid,
        #[source]
        source: Unavailable,
    },
}

/// Handles up to `batch` order events after the saga's checkpoint, stopping after the event that
/// takes it past [`STEP_BUDGET`]. Zero events: caught up.
pub async fn step(
    pool: &PgPool,
    store: &Store,
    batch: i64,
    guard: Option<&dyn PageGuard>,
) -> Result<Applied, SagaError> {
    let started = std::time::Instant::now();
    let name = FOLLOWER.name;
    let Some(page) = checkpoint::next_page(pool, &FOLLOWER, batch).await? else {
        return Ok(Applied::default());
    };
    let checkpoint::Page {
        mut tx,
        from,
        events,
        ..
    } = page;
    if let Some(guard) = guard {
        guard.before_apply(name, &events).await;
    }
    let statuses = order_statuses(pool, &events).await;
    let mut applied = Applied::default();
    for event in &events {
        let span = timeline::event_span(name, event);
        match react(store, event, &statuses).instrument(span).await {
            Ok(outcome) => {
                applied.count(event);
                applied.outcomes.push(outcome);
                if started.elapsed() > STEP_BUDGET {
                    break;
                }
            }
            Err(error) => {
                // Keep what is done; the failed event is tried again next step.
                let message = chain(&error);
                match applied.events.checked_sub(1).map(|i| events[i].cursor()) {
                    Some(done) => checkpoint::save(&mut tx, name, done, Some(&message)).await?,
                    None => checkpoint::record_error(&mut tx, name, &message).await?,
                }
                tx.commit().await?;
                return Err(error);
            }
        }
    }
    // The budget may have ended the step before the page's end.
    let to = events[applied.events - 1].cursor();
    timeline::record_page(&mut tx, name, from, to, applied.events).await?;
    checkpoint::save(&mut tx, name, to, None).await?;
    tx.commit().await?;
    Ok(applied)
}

/// The status of every order placed in `events`, read in one query: the saga checks each
/// `OrderPlaced` against it instead of loading the order (one round trip per order, most of a
/// catch-up's time). An order whose events cannot be read is left out, and loaded on its own
/// when its turn comes, where the failure stops the saga at that event.
async fn order_statuses(pool: &PgPool, events: &[StoredEvent]) -> HashMap<Uuid, OrderStatus> {
    let placed: Vec<String> = events
        .iter()
        .filter(|e| e.event_type == "OrderPlaced")
        .map(|e| e.aggregate_id.clone())
        .collect();
    if placed.is_empty() {
        return HashMap::new();
    }
    let Ok(streams) = log::streams(pool, "Order", &placed).await else {
        return HashMap::new();
    };
    let mut orders: HashMap<&str, Option<Order>> = HashMap::new();
    for event in &streams {
        let order = orders
            .entry(event.aggregate_id.as_str())
            .or_insert_with(|| Some(Order::default()));
        match (order.as_mut(), event.decode::<OrderEvent>()) {
            (Some(order), Ok(decoded)) => order.apply(decoded),
            _ => *order = None,
        }
    }
    orders
        .into_iter()
        .filter_map(|(id, order)| Some((id.parse().ok()?, order?.status())))
        .collect()
}

/// The saga's reaction to one `Order` event, as the saga actor, in the order's correlation and
/// trace, caused by the event.
async fn react(
    store: &Store,
    event: &StoredEvent,
    statuses: &HashMap<Uuid, OrderStatus>,
) -> Result<aggregates::saga::Outcome, SagaError> {
    let event_id = event.event_id;
    let order_event: OrderEvent = event
        .decode()
        .map_err(|source| SagaError::Decode { event_id, source })?;
    let order_id = event
        .aggregate_id
        .parse()
        .map_err(|source| SagaError::OrderId { event_id, source })?;
    let context = Context {
        correlation_id: event.meta("correlation_id").to_string(),
        causation_id: event.event_id.to_string(),
        traceparent: platform::telemetry::current_traceparent()
            .unwrap_or_else(|| event.meta("traceparent").to_string()),
        actor: SAGA_ACTOR.to_string(),
    };
    let ledger = StoreLedger::new(store, context).knowing(statuses);
    on_order_event(&ledger, order_id, &order_event)
        .await
        .map_err(|source| SagaError::Stopped { event_id, source })
}

/// The page the step after one that applied `applied` events should read: twice what was used,
/// within [`MIN_BATCH`]..=[`MAX_BATCH`]. A step the budget ended early shrinks it, so a backlog of
/// commands does not read (and decode, and look up orders for) a page it cannot get through.
pub fn next_batch(applied: usize) -> i64 {
    (applied as i64)
        .saturating_mul(2)
        .clamp(MIN_BATCH, MAX_BATCH)
}

/// An error and its sources, as one line: what the checkpoint's `last_error` shows an operator.
fn chain(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}
