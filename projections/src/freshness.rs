//! Read-your-writes: a command answers with the global position of its last event, and a read
//! that passes it as `min_position` waits, briefly, until the read model has applied that event.

use std::time::{Duration, Instant};

use eventstore::log;
use sqlx::PgPool;

use crate::checkpoint;

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

/// Waits, at most [`MAX_WAIT`], until read model `name` has applied the event at global
/// position `min_position`.
pub async fn wait_for(
    pool: &PgPool,
    name: &str,
    min_position: Option<i64>,
) -> sqlx::Result<Freshness> {
    let Some(position) = min_position else {
        return Ok(Freshness::Current);
    };
    // No such event (yet): nothing to wait for that can pass.
    let Some(event) = log::cursor_at(pool, position).await? else {
        return Ok(Freshness::Behind);
    };
    let started = Instant::now();
    loop {
        if checkpoint::read(pool, name).await? >= event {
            return Ok(Freshness::Current);
        }
        if started.elapsed() >= MAX_WAIT {
            return Ok(Freshness::Behind);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
