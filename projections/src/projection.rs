//! Running projections from the log: each one reads after its checkpoint and commits its writes
//! and its new checkpoint in one transaction, so a crash anywhere replays nothing twice and loses
//! nothing. A transaction-scoped advisory lock per projection lets any number of projector
//! instances run: one applies a projection at a time, the others wait their turn.
//!
//! `reservations` is the saga: its "writes" are commands on the aggregates, each idempotent, so
//! replaying the event a crash interrupted does nothing new; its checkpoint advances per event.

use std::collections::HashMap;
use std::time::Instant;

use aggregates::saga::{Outcome, on_order_event};
use aggregates::{Context, Order, OrderEvent, OrderStatus, SAGA_ACTOR};
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use platform::Store;
use platform::ledger::StoreLedger;
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use tracing::Instrument;
use uuid::Uuid;

use crate::reader::{self, Cursor, StoredEvent, head, read_after};
use crate::{catalog, orders};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projection {
    Catalog,
    Orders,
    Reservations,
}

impl Projection {
    /// The saga first: the read models then see its events in the same pass.
    pub const ALL: [Projection; 3] = [Self::Reservations, Self::Catalog, Self::Orders];

    pub fn name(self) -> &'static str {
        match self {
            Self::Catalog => "catalog",
            Self::Orders => "orders",
            Self::Reservations => "reservations",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    pub(crate) fn aggregate_types(self) -> &'static [&'static str] {
        match self {
            Self::Catalog => &["Stock"],
            Self::Orders | Self::Reservations => &["Order"],
        }
    }

    /// Events per step: large for read models (set-based writes), small for the saga, whose
    /// transaction holds the projection's lock while it issues one command per event.
    pub fn batch(self) -> i64 {
        match self {
            Self::Catalog | Self::Orders => 5000,
            Self::Reservations => 100,
        }
    }

    /// The read model table a rebuild replaces; the saga has none and is never replayed.
    pub fn table(self) -> Option<&'static str> {
        match self {
            Self::Catalog => Some(catalog::TABLE),
            Self::Orders => Some(orders::TABLE),
            Self::Reservations => None,
        }
    }
}

/// What one step did, for logs and metrics.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    pub events: usize,
    pub outcomes: Vec<Outcome>,
    /// Events applied to a read model, by event type (for metrics).
    pub by_type: std::collections::BTreeMap<String, usize>,
}

impl Applied {
    fn add(&mut self, other: Applied) {
        self.events += other.events;
        self.outcomes.extend(other.outcomes);
        for (kind, n) in other.by_type {
            *self.by_type.entry(kind).or_default() += n;
        }
    }
}

/// Applies up to `batch` events to `projection`. Zero events means it is caught up.
pub async fn step(
    pool: &PgPool,
    store: &Store,
    projection: Projection,
    batch: i64,
) -> anyhow::Result<Applied> {
    // Read before taking the lock: the reading connection holds no transaction id, so it does
    // not hold back its own horizon.
    let checkpoint = checkpoint(pool, projection).await?;
    let mut events = read_after(pool, checkpoint, projection.aggregate_types(), batch).await?;
    if events.is_empty() {
        return Ok(Applied::default());
    }
    let mut tx = pool.begin().await?;
    lock(&mut tx, projection).await?;
    // Another instance may have applied some of these while this one waited for the lock.
    let locked = checkpoint_in(&mut tx, projection).await?;
    events.retain(|e| e.cursor() > locked);
    let Some(last) = events.last().map(StoredEvent::cursor) else {
        return Ok(Applied::default());
    };
    let mut applied = Applied::default();
    match projection.table() {
        Some(table) => {
            // One span per event (bounded), each a child of the span that appended it, so the
            // event's own trace shows when each read model took it in. Only when spans leave
            // the process: this is the hot path of a catch-up.
            let _spans: Vec<tracing::Span> = if platform::telemetry::exporting() {
                events
                    .iter()
                    .take(256)
                    .map(|e| event_span(projection, e))
                    .collect()
            } else {
                Vec::new()
            };
            apply(&mut tx, projection, table, &events).await?;
            applied.events = events.len();
            for event in &events {
                *applied.by_type.entry(event.event_type.clone()).or_default() += 1;
            }
            record_page(&mut tx, projection, locked, last, events.len()).await?;
            save(&mut tx, projection, last, None).await?;
        }
        None => {
            let statuses = order_statuses(pool, &events).await;
            for event in &events {
                let span = event_span(projection, event);
                match react(store, event, &statuses).instrument(span).await {
                    Ok(outcome) => {
                        applied.events += 1;
                        applied.outcomes.push(outcome);
                    }
                    Err(error) => {
                        // Keep what is done; the failed event is tried again next step.
                        if let Some(done) =
                            applied.events.checked_sub(1).map(|i| events[i].cursor())
                        {
                            save(&mut tx, projection, done, Some(&error)).await?;
                        } else {
                            record_error(&mut tx, projection, &error).await?;
                        }
                        tx.commit().await?;
                        anyhow::bail!("reservations stopped at event {}: {error}", event.event_id);
                    }
                }
            }
            record_page(&mut tx, projection, locked, last, events.len()).await?;
            save(&mut tx, projection, last, None).await?;
        }
    }
    tx.commit().await?;
    Ok(applied)
}

/// Applies until caught up; returns what was applied.
pub async fn catch_up(
    pool: &PgPool,
    store: &Store,
    projection: Projection,
) -> anyhow::Result<Applied> {
    let mut total = Applied::default();
    loop {
        let applied = step(pool, store, projection, projection.batch()).await?;
        if applied.events == 0 {
            return Ok(total);
        }
        total.add(applied);
    }
}

/// Runs every projection until each has applied every event committed so far, or `timeout`
/// passes. "Caught up" is not enough: the reader's horizon is the oldest transaction running
/// anywhere in the cluster, so one long transaction, even in another database, can hide events
/// that have committed.
pub async fn settle(
    pool: &PgPool,
    store: &Store,
    timeout: std::time::Duration,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        for projection in Projection::ALL {
            catch_up(pool, store, projection).await?;
        }
        let mut behind = 0;
        for projection in Projection::ALL {
            behind += unapplied(pool, projection, None).await?;
        }
        if behind == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            anyhow::bail!("{behind} committed events still unapplied after {timeout:?}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Whether some projection has an event of `event_type` still to apply (the projector's
/// crash-on-event fault switch asks before each pass).
pub async fn pending_of_type(pool: &PgPool, event_type: &str) -> sqlx::Result<bool> {
    for projection in Projection::ALL {
        if unapplied(pool, projection, Some(event_type)).await? > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Committed events (of one type, or all) that `projection` has not applied yet.
async fn unapplied(
    pool: &PgPool,
    projection: Projection,
    event_type: Option<&str>,
) -> sqlx::Result<i64> {
    let cursor = checkpoint(pool, projection).await?;
    let types: Vec<String> = projection
        .aggregate_types()
        .iter()
        .map(|t| t.to_string())
        .collect();
    sqlx::query_scalar(
        "SELECT count(*) FROM events
          WHERE (transaction_id, global_position) > ($1::text::xid8, $2)
            AND aggregate_type = ANY($3) AND ($4::text IS NULL OR event_type = $4)",
    )
    .bind(cursor.transaction_id.to_string())
    .bind(cursor.global_position)
    .bind(&types)
    .bind(event_type)
    .fetch_one(pool)
    .await
}

/// A span for handling `event`, a child of the span that appended it.
fn event_span(projection: Projection, event: &StoredEvent) -> tracing::Span {
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let span = tracing::info_span!(
        "apply",
        otel.name = format!("{} {}", projection.name(), event.event_type),
        projection = projection.name(),
        event_type = %event.event_type,
        global_position = event.global_position,
        aggregate_id = %event.aggregate_id,
        correlation_id = %event.meta("correlation_id"),
    );
    let traceparent = event.meta("traceparent");
    if !traceparent.is_empty() {
        let _ = span.set_parent(platform::telemetry::context_from(traceparent, None));
    }
    span
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
    let Ok(streams) = reader::streams(pool, "Order", &placed).await else {
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
) -> Result<Outcome, String> {
    let order_event: OrderEvent = event.decode().map_err(|e| e.to_string())?;
    let order_id = event
        .aggregate_id
        .parse()
        .map_err(|e| format!("order id: {e}"))?;
    let context = Context {
        correlation_id: event.meta("correlation_id").to_string(),
        causation_id: event.event_id.to_string(),
        traceparent: platform::telemetry::current_traceparent()
            .unwrap_or_else(|| event.meta("traceparent").to_string()),
        actor: SAGA_ACTOR.to_string(),
    };
    let ledger = StoreLedger::new(store, context).knowing(statuses);
    on_order_event(&ledger, order_id, &order_event).await
}

/// Applies a page of events to a read model's table (the live one or a rebuild's shadow).
pub(crate) async fn apply(
    db: &mut PgConnection,
    projection: Projection,
    table: &str,
    events: &[StoredEvent],
) -> anyhow::Result<()> {
    match projection {
        Projection::Catalog => catalog::apply(db, table, events).await,
        Projection::Orders => orders::apply(db, table, events).await,
        Projection::Reservations => anyhow::bail!("the saga has no table"),
    }
}

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

/// Each projection's checkpoint against the head of the log (design.md section 4).
pub async fn status(pool: &PgPool) -> anyhow::Result<Vec<Status>> {
    let head = head(pool).await?;
    let started = Instant::now();
    let mut all = Vec::new();
    for projection in Projection::ALL {
        let (transaction_id, position, updated_at, last_error): (
            i64,
            i64,
            DateTime<Utc>,
            Option<String>,
        ) = sqlx::query_as(
            "SELECT transaction_id::text::bigint, global_position, updated_at, last_error
                   FROM projection_checkpoints WHERE name = $1",
        )
        .bind(projection.name())
        .fetch_one(pool)
        .await?;
        let types: Vec<String> = projection
            .aggregate_types()
            .iter()
            .map(|t| t.to_string())
            .collect();
        let (lag_events, oldest): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
            "SELECT count(*), min(recorded_at) FROM events
              WHERE (transaction_id, global_position) > ($1::text::xid8, $2)
                AND (transaction_id, global_position) <= ($3::text::xid8, $4)
                AND aggregate_type = ANY($5)",
        )
        .bind(transaction_id.to_string())
        .bind(position)
        .bind(head.transaction_id.to_string())
        .bind(head.global_position)
        .bind(&types)
        .fetch_one(pool)
        .await?;
        all.push(Status {
            name: projection.name(),
            position,
            head_position: head.global_position,
            lag_events,
            lag_ms: oldest.map_or(0, |t| (Utc::now() - t).num_milliseconds().max(0)),
            updated_at,
            last_error,
        });
    }
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "status read"
    );
    Ok(all)
}

/// What the trace timeline reads: this step's cursor range and, by its commit, when it applied.
async fn record_page(
    db: &mut PgConnection,
    projection: Projection,
    from: Cursor,
    to: Cursor,
    events: usize,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO applied_pages (projection, from_transaction_id, from_global_position,
                                    to_transaction_id, to_global_position, events)
         VALUES ($1, $2::text::xid8, $3, $4::text::xid8, $5, $6)",
    )
    .bind(projection.name())
    .bind(from.transaction_id.to_string())
    .bind(from.global_position)
    .bind(to.transaction_id.to_string())
    .bind(to.global_position)
    .bind(events as i32)
    .execute(db)
    .await
    .map(drop)
}

pub(crate) async fn lock(tx: &mut PgConnection, projection: Projection) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('projection:' || $1))")
        .bind(projection.name())
        .execute(tx)
        .await
        .map(drop)
}

async fn checkpoint(pool: &PgPool, projection: Projection) -> sqlx::Result<Cursor> {
    let mut conn = pool.acquire().await?;
    checkpoint_in(&mut conn, projection).await
}

pub(crate) async fn checkpoint_in(
    db: &mut PgConnection,
    projection: Projection,
) -> sqlx::Result<Cursor> {
    let (transaction_id, global_position): (i64, i64) = sqlx::query_as(
        "SELECT transaction_id::text::bigint, global_position FROM projection_checkpoints WHERE name = $1",
    )
    .bind(projection.name())
    .fetch_one(db)
    .await?;
    Ok(Cursor {
        transaction_id,
        global_position,
    })
}

pub(crate) async fn save(
    db: &mut PgConnection,
    projection: Projection,
    cursor: Cursor,
    error: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE projection_checkpoints
            SET transaction_id = $2::text::xid8, global_position = $3, updated_at = now(), last_error = $4
          WHERE name = $1",
    )
    .bind(projection.name())
    .bind(cursor.transaction_id.to_string())
    .bind(cursor.global_position)
    .bind(error)
    .execute(db)
    .await
    .map(drop)
}

async fn record_error(
    db: &mut PgConnection,
    projection: Projection,
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE projection_checkpoints SET last_error = $2, updated_at = now() WHERE name = $1",
    )
    .bind(projection.name())
    .bind(error)
    .execute(db)
    .await
    .map(drop)
}
