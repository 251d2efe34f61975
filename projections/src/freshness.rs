//! Read-your-writes: a command answers with the global position of its last event, and a read
//! that passes it as `min_position` waits, briefly, until the read model has applied that event.

use std::time::Duration;

use eventstore::log;
use sqlx::PgPool;
use tokio::time::Instant;

use crate::checkpoint;
use crate::progress::Progress;
use crate::read_model::ReadModel;

/// How long a read waits at most before it answers with what it has.
pub const MAX_WAIT: Duration = Duration::from_secs(2);

/// Whether an answer is as fresh as the caller asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The read model has applied the event the caller named (or none was named).
    Current,
    /// The wait ran out, or no such event has committed: the answer may be behind.
    Behind,
}

/// Waits, at most [`MAX_WAIT`], until read model `model` is current to global position
/// `min_position`: it has applied every event of its own aggregate types up to that event. A
/// read model's checkpoint moves only over its own events, so the catalog, asked for the position
/// of an order's event, is current as soon as no `Stock` event before it waits; it need not (and
/// might never) pass the order's event itself. Between checks it sleeps until the checkpoint
/// moves ([`Progress`]).
pub async fn wait_for(
    pool: &PgPool,
    progress: &Progress,
    model: &dyn ReadModel,
    min_position: Option<i64>,
) -> sqlx::Result<Freshness> {
    let Some(position) = min_position else {
        return Ok(Freshness::Current);
    };
    // No such event (yet): nothing to wait for that can pass.
    let Some(event) = log::cursor_at(pool, position).await? else {
        return Ok(Freshness::Behind);
    };
    let until = Instant::now() + MAX_WAIT;
    let mut applied = checkpoint::read(pool, model.name()).await?;
    loop {
        if applied >= event
            || log::unapplied_since(pool, applied, event, model.aggregate_types())
                .await?
                .0
                == 0
        {
            return Ok(Freshness::Current);
        }
        match progress.past(model.name(), applied, until).await {
            Some(moved) => applied = moved,
            None => return Ok(Freshness::Behind),
        }
    }
}
