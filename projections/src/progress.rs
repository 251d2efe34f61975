//! The read models' checkpoints as this process sees them, polled once for every read that waits
//! on them. A read that waits for a command's events (`min_position`) or for an order's decision
//! (`wait_for_change_from`) sleeps until the checkpoint it needs moves, instead of polling the
//! database on its own: a hundred waiting reads cost one query every 20 ms, not a hundred, and
//! nothing is polled while no read waits.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use eventstore::log::Cursor;
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::time::Instant;

/// How often the checkpoints are read while any read waits: a waiting read answers at most this
/// long after its read model got there.
const EVERY: Duration = Duration::from_millis(20);

type Checkpoints = Arc<HashMap<String, Cursor>>;

/// Cheap to clone: every clone shares the one poll.
#[derive(Clone)]
pub struct Progress {
    checkpoints: Arc<watch::Sender<Checkpoints>>,
}

impl Progress {
    /// Starts the poll (a task that reads only while some read waits, and ends with the last
    /// clone). Needs a Tokio runtime.
    pub fn start(pool: PgPool) -> Self {
        let (checkpoints, _) = watch::channel(Checkpoints::default());
        let checkpoints = Arc::new(checkpoints);
        tokio::spawn(poll(pool, Arc::downgrade(&checkpoints)));
        Self { checkpoints }
    }

    /// Waits until read model `name`'s checkpoint is past `seen`, and returns it; `None` once
    /// `until` has come first.
    pub async fn past(&self, name: &str, seen: Cursor, until: Instant) -> Option<Cursor> {
        let mut checkpoints = self.checkpoints.subscribe();
        loop {
            let now = checkpoints
                .borrow_and_update()
                .get(name)
                .copied()
                .unwrap_or_default();
            if now > seen {
                return Some(now);
            }
            match tokio::time::timeout_at(until, checkpoints.changed()).await {
                Ok(Ok(())) => {}
                // The deadline, or the poll has ended (it never does while `self` lives).
                Ok(Err(_)) | Err(_) => return None,
            }
        }
    }
}

async fn poll(pool: PgPool, checkpoints: Weak<watch::Sender<Checkpoints>>) {
    loop {
        tokio::time::sleep(EVERY).await;
        let Some(checkpoints) = checkpoints.upgrade() else {
            return;
        };
        if checkpoints.receiver_count() == 0 {
            continue;
        }
        let read: sqlx::Result<Vec<(String, i64, i64)>> = sqlx::query_as(
            "SELECT name, transaction_id::text::bigint, global_position FROM projection_checkpoints",
        )
        .fetch_all(&pool)
        .await;
        match read {
            Ok(rows) => {
                let now: HashMap<String, Cursor> = rows
                    .into_iter()
                    .map(|(name, transaction_id, global_position)| {
                        let cursor = Cursor {
                            transaction_id,
                            global_position,
                        };
                        (name, cursor)
                    })
                    .collect();
                checkpoints.send_if_modified(|old| {
                    let moved = **old != now;
                    if moved {
                        *old = Arc::new(now);
                    }
                    moved
                });
            }
            // The waiting reads run out their time and answer with what they have.
            Err(error) => tracing::debug!(%error, "reading the checkpoints failed"),
        }
    }
}
