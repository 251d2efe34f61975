//! The event log: the one module that speaks SQL to the `events` table. Commands append here
//! ([`append`]), aggregates are probed here, and everything downstream reads the log here, in
//! commit order, without ever skipping an event.
//!
//! `global_position` is taken when a row is inserted but becomes visible when its transaction
//! commits, so positions appear out of order: a reader that remembered "the highest position I
//! saw" would jump over an earlier position that commits late. Instead the reader pages by
//! `(transaction_id, global_position)` and reads only transactions older than the oldest one
//! still running (`pg_snapshot_xmin`). Everything below that line has committed or aborted, so
//! nothing can appear behind the cursor later (docs/architecture.md section 2).

mod append;
mod query;
mod read;

pub use append::{Append, Snapshot, append, moved_since};
pub use query::{correlation_of, count, cursor_at, unapplied, unapplied_since, undecided_since};
pub use read::{by_correlation, firsts, head, read_after, stream, streams};

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// A place in the log. `Default` is the beginning.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Cursor {
    pub transaction_id: i64,
    pub global_position: i64,
}

/// One event as stored, its payload already upcast to today's shape.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredEvent {
    pub event_id: Uuid,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub global_position: i64,
    #[serde(skip)]
    pub transaction_id: i64,
    pub event_type: String,
    pub event_version: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// correlation_id, causation_id, traceparent, actor, command.
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    pub recorded_at: DateTime<Utc>,
}

impl StoredEvent {
    pub fn cursor(&self) -> Cursor {
        Cursor {
            transaction_id: self.transaction_id,
            global_position: self.global_position,
        }
    }

    /// The payload as the domain event of aggregate `A`.
    pub fn decode<E: serde::de::DeserializeOwned>(&self) -> Result<E, serde_json::Error> {
        // From a reference: no copy of the payload per event on the projector's hot path.
        E::deserialize(&self.payload)
    }

    /// A metadata value (`correlation_id`, `traceparent`, ...), empty when absent.
    pub fn meta(&self, key: &str) -> &str {
        self.metadata
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
    }
}

/// One event as appended, with what the store assigned to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Appended {
    pub event_id: Uuid,
    pub sequence: i64,
    pub global_position: i64,
    pub event_type: String,
}

/// What one command appended. Empty when the command was a no-op (a repeated reservation, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub events: Vec<Appended>,
}

impl Committed {
    /// The global position of the command's last event: what read-your-writes waits for.
    pub fn position(&self) -> Option<i64> {
        self.events.iter().map(|e| e.global_position).max()
    }
}
