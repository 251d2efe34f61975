//! Rebuilding read models from the event store without downtime.
//!
//! The whole log is replayed into shadow tables (`products_rebuild`, ...) in large set-based
//! pages, reading the next page while the current one is written. Then, holding each
//! projection's lock so the live projector pauses, the last events are applied, the shadow
//! replaces the live table and the checkpoint moves, all in one transaction: readers see the old
//! table until that commit and the new one after it, never an empty or half-built one.
//!
//! An admin can also ask the running projector for one: see [`crate::rebuild_requests`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use eventstore::log::{self, read_after};
use eventstore::{Cursor, StoredEvent};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use crate::checkpoint::{lock, read_in, save};
use crate::read_model::ReadModel;

/// Events per page: large enough that round trips vanish against the work, small enough that a
/// page's rows stay a few megabytes.
const PAGE: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    pub events_done: u64,
    /// Events in the log when the rebuild started (more may arrive while it runs).
    pub events_total: u64,
    pub events_per_second: f64,
    pub eta_seconds: Option<f64>,
}

/// Replays the whole log into `models` and swaps them in. Returns the events replayed.
/// `progress` is called after every page.
pub async fn rebuild(
    pool: &PgPool,
    models: &[Arc<dyn ReadModel>],
    progress: impl FnMut(Progress),
) -> anyhow::Result<u64> {
    // One rebuild at a time: they share the shadow tables. A session lock on a connection held
    // to the end, released whatever happens.
    let mut guard = pool.acquire().await?;
    let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext('shop:rebuild'))")
        .fetch_one(&mut *guard)
        .await?;
    anyhow::ensure!(free, "another rebuild is running");
    let result = replay_and_swap(pool, &mut guard, models, progress).await;
    sqlx::query("SELECT pg_advisory_unlock(hashtext('shop:rebuild'))")
        .execute(&mut *guard)
        .await?;
    result
}

async fn replay_and_swap(
    pool: &PgPool,
    writer: &mut PgConnection,
    models: &[Arc<dyn ReadModel>],
    mut progress: impl FnMut(Progress),
) -> anyhow::Result<u64> {
    anyhow::ensure!(!models.is_empty(), "nothing to rebuild");
    let tables: Vec<Shadow> = models
        .iter()
        .map(|model| Shadow {
            model: model.clone(),
            shadow: format!("{}_rebuild", model.table()),
        })
        .collect();
    let mut types: Vec<&str> = models
        .iter()
        .flat_map(|m| m.aggregate_types().iter().copied())
        .collect();
    types.sort_unstable();
    types.dedup();

    for Shadow { model, shadow } in &tables {
        let table = model.table();
        sqlx::raw_sql(&format!(
            "DROP TABLE IF EXISTS {shadow}; CREATE TABLE {shadow} (LIKE {table} INCLUDING ALL)"
        ))
        .execute(&mut *writer)
        .await?;
    }
    let total = log::count(pool, &types).await? as u64;

    let started = Instant::now();
    let mut cursor = Cursor::default();
    let mut done = 0u64;
    let mut page = read_after(pool, cursor, &types, PAGE).await?;
    while let Some(last) = page.last().map(StoredEvent::cursor) {
        // Read the next page while this one is written.
        let (next, written) = tokio::join!(
            read_after(pool, last, &types, PAGE),
            apply_page(&mut *writer, &tables, &page)
        );
        written?;
        done += page.len() as u64;
        cursor = last;
        progress(rate(done, total, started.elapsed()));
        page = next?;
    }

    // The swap: the live projector waits on these locks, so nothing moves under it.
    let mut tx = pool.begin().await?;
    for Shadow { model, .. } in &tables {
        lock(&mut tx, model.name()).await?;
    }
    let mut rest = Vec::new();
    loop {
        let page = read_after(&mut *tx, cursor, &types, PAGE).await?;
        let Some(last) = page.last().map(StoredEvent::cursor) else {
            break;
        };
        cursor = last;
        rest.extend(page);
    }
    apply_page(&mut tx, &tables, &rest).await?;
    done += rest.len() as u64;
    for Shadow { model, shadow } in &tables {
        swap(&mut tx, model.table(), shadow).await?;
        save(&mut tx, model.name(), cursor, None).await?;
    }
    tx.commit().await?;
    progress(rate(done, total.max(done), started.elapsed()));
    Ok(done)
}

/// One read model compared with a replay of the log up to its checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Verified {
    pub name: &'static str,
    /// The global position of the last event it had applied.
    pub position: i64,
    pub rows: i64,
    /// Rows in one table and not the other (each way); 0 when it equals a rebuild.
    pub differing: i64,
}

/// Checks that each of `models` equals a rebuild, without rebuilding: replays the log up to the
/// model's checkpoint into a temporary table and compares it with the live table row for row,
/// holding the model's lock so the live projector waits meanwhile. Changes nothing.
pub async fn verify(pool: &PgPool, models: &[Arc<dyn ReadModel>]) -> anyhow::Result<Vec<Verified>> {
    let mut verified = Vec::new();
    for model in models {
        let mut tx = pool.begin().await?;
        verified.push(verify_one(&mut tx, model.as_ref()).await?);
        tx.rollback().await?;
    }
    Ok(verified)
}

async fn verify_one(db: &mut PgConnection, model: &dyn ReadModel) -> anyhow::Result<Verified> {
    let (name, table) = (model.name(), model.table());
    let shadow = format!("{table}_verify");
    lock(&mut *db, name).await?;
    let upto = read_in(&mut *db, name).await?;
    sqlx::query(&format!(
        "CREATE TEMP TABLE {shadow} (LIKE {table} INCLUDING ALL) ON COMMIT DROP"
    ))
    .execute(&mut *db)
    .await?;
    let mut cursor = Cursor::default();
    while cursor < upto {
        let page: Vec<StoredEvent> = read_after(&mut *db, cursor, model.aggregate_types(), PAGE)
            .await?
            .into_iter()
            .take_while(|e| e.cursor() <= upto)
            .collect();
        let Some(last) = page.last().map(StoredEvent::cursor) else {
            break;
        };
        model.apply(&mut *db, &shadow, &page).await?;
        cursor = last;
    }
    let (rows, differing): (i64, i64) = sqlx::query_as(&format!(
        "SELECT (SELECT count(*) FROM {table}),
                (SELECT count(*) FROM ((SELECT * FROM {table} EXCEPT ALL SELECT * FROM {shadow})
                  UNION ALL (SELECT * FROM {shadow} EXCEPT ALL SELECT * FROM {table})) d)"
    ))
    .fetch_one(&mut *db)
    .await?;
    Ok(Verified {
        name,
        position: upto.global_position,
        rows,
        differing,
    })
}

fn rate(done: u64, total: u64, elapsed: Duration) -> Progress {
    let per_second = done as f64 / elapsed.as_secs_f64().max(1e-3);
    Progress {
        events_done: done,
        events_total: total,
        events_per_second: per_second,
        eta_seconds: (per_second > 0.0).then(|| total.saturating_sub(done) as f64 / per_second),
    }
}

/// A read model being rebuilt, and the table it is rebuilt into.
struct Shadow {
    model: Arc<dyn ReadModel>,
    shadow: String,
}

async fn apply_page(
    db: &mut PgConnection,
    tables: &[Shadow],
    events: &[StoredEvent],
) -> anyhow::Result<()> {
    for Shadow { model, shadow } in tables {
        let types = model.aggregate_types();
        let mine: Vec<StoredEvent> = events
            .iter()
            .filter(|e| types.contains(&e.aggregate_type.as_str()))
            .cloned()
            .collect();
        if !mine.is_empty() {
            model.apply(db, shadow, &mine).await?;
        }
    }
    Ok(())
}

/// Puts `shadow` in place of `table`, and gives its indexes the live names (they were created
/// with generated ones), matching them by definition.
async fn swap(tx: &mut PgConnection, table: &str, shadow: &str) -> anyhow::Result<()> {
    const SHAPES: &str = "SELECT indexname::text, regexp_replace(indexdef, '^.* ON \\S+ ', '')
                            FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1";
    let live: Vec<(String, String)> = sqlx::query_as(SHAPES)
        .bind(table)
        .fetch_all(&mut *tx)
        .await?;
    let new: Vec<(String, String)> = sqlx::query_as(SHAPES)
        .bind(shadow)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::raw_sql(&format!(
        "DROP TABLE {table}; ALTER TABLE {shadow} RENAME TO {table}"
    ))
    .execute(&mut *tx)
    .await?;
    for (name, shape) in new {
        if let Some((live_name, _)) = live.iter().find(|(_, s)| *s == shape) {
            sqlx::raw_sql(&format!("ALTER INDEX {name} RENAME TO {live_name}"))
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}
