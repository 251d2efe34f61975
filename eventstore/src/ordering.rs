//! Placing an order once: the order service behind `POST /orders`. With an `Idempotency-Key`,
//! the same key and lines within 24 hours return the first answer and append nothing; the same
//! key with other lines is refused. It owns the three moves (zero2prod's idempotency module is
//! the model): claim the key, replay a finished answer, recover an answer a crashed request
//! never recorded. The order id is derived from (customer, key), so a crash between the
//! command's commit and the key's update leaves an order the next retry finds, not a second one.

use std::time::Instant;

use aggregates::{Context, LineRequest, OrderCommand, OrderError, OrderEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{CommandError, StoreError};
use crate::idempotency::{self, Claim, IdempotencyKey};
use crate::{Store, log};

/// An order placed: what the caller is told (and what a key replays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub order_id: Uuid,
    /// Always `pending`: the saga decides.
    pub status: String,
    pub correlation_id: String,
    /// Global position of the `OrderPlaced` event, for read-your-writes.
    pub position: Option<i64>,
}

/// How an order placement ended.
#[derive(Debug)]
pub enum Placement {
    /// Placed now.
    Placed(Placed),
    /// The key's first answer, sent again: its HTTP status and body.
    Replayed(u16, serde_json::Value),
}

/// A line the stock service says cannot be filled now: refused before anything is appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortage {
    /// The line's index in the request.
    pub line: usize,
    pub sku: String,
    pub requested: u32,
    pub available: i64,
}

/// What is asked before an order is placed, once its key (if any) is claimed: a replayed answer
/// is never asked again. The stock service's synchronous check is one; the saga stays the truth
/// for whatever it lets through.
pub trait Admission {
    fn admit(
        &self,
        lines: &[LineRequest],
    ) -> impl std::future::Future<Output = Result<(), Shortage>> + Send;
}

/// Admits every order (no synchronous check).
impl Admission for () {
    async fn admit(&self, _: &[LineRequest]) -> Result<(), Shortage> {
        Ok(())
    }
}

impl<A: Admission + Send + Sync> Admission for std::sync::Arc<A> {
    async fn admit(&self, lines: &[LineRequest]) -> Result<(), Shortage> {
        self.as_ref().admit(lines).await
    }
}

impl<A: Admission + Sync> Admission for Option<A> {
    async fn admit(&self, lines: &[LineRequest]) -> Result<(), Shortage> {
        match self {
            Some(admission) => admission.admit(lines).await,
            None => Ok(()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error(
        "{} is short: {} requested, {} available", .0.sku, .0.requested, .0.available
    )]
    Short(Shortage),
    #[error(transparent)]
    Command(#[from] CommandError<OrderError>),
    #[error(
        "the Idempotency-Key was already used with a different request body; use a new key for a new order"
    )]
    KeyReused,
    #[error("a request with this Idempotency-Key is still being processed; retry in a moment")]
    KeyInFlight,
    #[error("idempotency keys could not be read or written")]
    Keys(#[from] sqlx::Error),
    #[error("the first answer could not be recorded")]
    Record(#[from] serde_json::Error),
}

/// Places an order of `lines` for `customer_id`, once per `key` when there is one.
pub async fn place(
    store: &Store,
    customer_id: &str,
    key: Option<&IdempotencyKey>,
    lines: Vec<LineRequest>,
    context: &Context,
    admission: &impl Admission,
) -> Result<Placement, PlaceError> {
    let Some(key) = key else {
        admission.admit(&lines).await.map_err(PlaceError::Short)?;
        return Ok(Placement::Placed(
            place_once(store, customer_id, Uuid::new_v4(), lines, context).await?,
        ));
    };
    let pool = store.pool();
    let hash = fingerprint(lines.iter().map(|l| (l.sku.as_str(), l.quantity.get())));
    match idempotency::claim(pool, customer_id, key.as_str(), &hash).await? {
        Claim::Claimed => {}
        Claim::Replay(status, body) => return Ok(Placement::Replayed(status, body)),
        Claim::Reused => return Err(PlaceError::KeyReused),
        Claim::InFlight => return Err(PlaceError::KeyInFlight),
    }
    if let Err(shortage) = admission.admit(&lines).await {
        idempotency::release(pool, customer_id, key.as_str()).await;
        return Err(PlaceError::Short(shortage));
    }
    let order_id = idempotency::order_id(customer_id, key.as_str());
    let outcome = match place_once(store, customer_id, order_id, lines, context).await {
        // Placed before, by a request that died before recording its answer.
        Err(CommandError::Domain(OrderError::AlreadyPlaced)) => {
            recover(store, order_id, &hash).await
        }
        other => other.map_err(PlaceError::from),
    };
    match outcome {
        Ok(placed) => {
            let body = serde_json::to_value(&placed)?;
            idempotency::finish(pool, customer_id, key.as_str(), ACCEPTED, &body).await?;
            Ok(Placement::Placed(placed))
        }
        Err(error) => {
            idempotency::release(pool, customer_id, key.as_str()).await;
            Err(error)
        }
    }
}

/// The HTTP status a placement answers with, which a replay repeats.
const ACCEPTED: u16 = 202;

async fn place_once(
    store: &Store,
    customer_id: &str,
    order_id: Uuid,
    lines: Vec<LineRequest>,
    context: &Context,
) -> Result<Placed, CommandError<OrderError>> {
    let command = OrderCommand::PlaceOrder {
        order_id,
        customer_id: customer_id.to_string(),
        lines,
    };
    let started = Instant::now();
    let committed = store.order(order_id, command, context).await?;
    metrics::counter!("OrdersPlaced").increment(1);
    metrics::histogram!("CommandLatency", "Command" => "PlaceOrder")
        .record(started.elapsed().as_secs_f64() * 1000.0);
    Ok(Placed {
        order_id,
        status: "pending".into(),
        correlation_id: context.correlation_id.clone(),
        position: committed.position(),
    })
}

/// The answer an earlier placement under the same key gave, rebuilt from its `OrderPlaced`.
async fn recover(store: &Store, order_id: Uuid, hash: &[u8]) -> Result<Placed, PlaceError> {
    let events = log::stream(store.pool(), "Order", &order_id.to_string())
        .await
        .map_err(|e| CommandError::Store(StoreError::Database(e)))?;
    let placed = events.first().and_then(|e| match e.decode::<OrderEvent>() {
        Ok(OrderEvent::OrderPlaced { lines, .. }) => Some((e, lines)),
        _ => None,
    });
    let Some((event, lines)) = placed else {
        return Err(CommandError::Domain(OrderError::AlreadyPlaced).into());
    };
    if fingerprint(lines.iter().map(|l| (l.sku.as_str(), l.quantity))) != hash {
        return Err(PlaceError::KeyReused);
    }
    Ok(Placed {
        order_id,
        status: "pending".into(),
        correlation_id: event.meta("correlation_id").to_string(),
        position: Some(event.global_position),
    })
}

/// The fingerprint of an order's lines, as requested or as placed: the same lines give the same
/// hash whichever side they are read from.
fn fingerprint<'a>(lines: impl Iterator<Item = (&'a str, u32)>) -> Vec<u8> {
    #[derive(Serialize)]
    struct Line<'a> {
        sku: &'a str,
        quantity: u32,
    }
    let lines: Vec<Line> = lines
        .map(|(sku, quantity)| Line { sku, quantity })
        .collect();
    idempotency::fingerprint(&lines)
}
