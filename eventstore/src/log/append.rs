//! Appending: one statement commits a command's events (and its stream's snapshot, when one is
//! due) or nothing, with the primary key as the optimistic-concurrency check.

use std::collections::HashMap;

use cqrs_es::{Aggregate, DomainEvent};
use sqlx::PgPool;
use uuid::Uuid;

use super::Appended;
use crate::error::StoreError;

/// Why an append did not commit.
#[derive(Debug)]
pub enum Append {
    /// Another command appended to the stream since it was loaded.
    Conflict,
    Failed(StoreError),
}

/// The state a stream's new snapshot records, and its version.
pub struct Snapshot<'a, A> {
    pub version: usize,
    pub state: &'a A,
}

/// Appends `events` after sequence `after` in one statement, so one round trip commits them (and
/// the snapshot, if any) or nothing. The primary key (aggregate_type, aggregate_id, sequence) is
/// the optimistic-concurrency check.
///
/// This writes the tables postgres-es reads, as its `persist` would, without its BEGIN, INSERT
/// per event and COMMIT, and returns what the store assigned (global position, event id), which
/// `persist` does not.
pub async fn append<A: Aggregate>(
    pool: &PgPool,
    id: &str,
    after: usize,
    events: &[A::Event],
    metadata: &HashMap<String, String>,
    snapshot: Option<Snapshot<'_, A>>,
) -> Result<Vec<Appended>, Append> {
    let failed = |e: serde_json::Error| Append::Failed(StoreError::Serialise(e));
    let metadata = serde_json::to_value(metadata).map_err(failed)?;
    let (mut types, mut versions, mut payloads) = (vec![], vec![], vec![]);
    for event in events {
        types.push(event.event_type());
        versions.push(event.event_version());
        payloads.push(serde_json::to_value(event).map_err(failed)?);
    }
    let (snapshot_version, snapshot_state) = match snapshot {
        Some(s) => (
            Some(s.version as i64),
            Some(serde_json::to_value(s.state).map_err(failed)?),
        ),
        None => (None, None),
    };
    let rows = sqlx::query_as::<_, (Uuid, i64, i64, String)>(
        "WITH appended AS (
            INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
            SELECT $1, $2, $3 + n - 1, t, v, p, $7
              FROM unnest($4::text[], $5::text[], $6::jsonb[]) WITH ORDINALITY AS e(t, v, p, n)
            RETURNING event_id, sequence, global_position, event_type
         ), first_snapshot AS (
            INSERT INTO snapshots (aggregate_type, aggregate_id, last_sequence, current_snapshot, payload)
            SELECT $1, $2, $8, $9, $10 WHERE $9 = 1
         ), next_snapshot AS (
            UPDATE snapshots SET last_sequence = $8, current_snapshot = $9, payload = $10
             WHERE aggregate_type = $1 AND aggregate_id = $2 AND current_snapshot = $9 - 1 AND $9 > 1
         )
         SELECT event_id, sequence, global_position, event_type FROM appended ORDER BY sequence",
    )
    .bind(A::TYPE)
    .bind(id)
    .bind(after as i64 + 1)
    .bind(&types)
    .bind(&versions)
    .bind(&payloads)
    .bind(&metadata)
    .bind((after + events.len()) as i64)
    .bind(snapshot_version)
    .bind(snapshot_state)
    .fetch_all(pool)
    .await
    .map_err(|e| {
        let conflict = matches!(&e, sqlx::Error::Database(db) if db.code().as_deref() == Some("23505"));
        if conflict {
            Append::Conflict
        } else {
            Append::Failed(StoreError::Database(e))
        }
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(event_id, sequence, global_position, event_type)| Appended {
                event_id,
                sequence,
                global_position,
                event_type,
            },
        )
        .collect())
}

/// Whether stream `id` of aggregate `A` has an event after `sequence`: whether a copy of the
/// aggregate kept at that sequence is still current. One indexed probe.
pub async fn moved_since<A: Aggregate>(
    pool: &PgPool,
    id: &str,
    sequence: usize,
) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM events
                         WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3)",
    )
    .bind(A::TYPE)
    .bind(id)
    .bind(sequence as i64)
    .fetch_one(pool)
    .await?)
}
