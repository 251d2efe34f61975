//! Rebuilding read models from the event store without downtime.
//!
//! The whole log is replayed into shadow tables (`products_rebuild`, ...) in large set-based
//! pages, reading the next page while the current one is written. Then, holding each
//! projection's lock so the live projector pauses, the last events are applied, the shadow
//! replaces the live table and the checkpoint moves, all in one transaction: readers see the old
//! table until that commit and the new one after it, never an empty or half-built one.
//!
//! An admin can ask the running projector for a rebuild: a row in `rebuild_requests` that one
//! projector instance claims, runs and reports progress on.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::projection::{Projection, apply, lock, save};
use crate::reader::{Cursor, StoredEvent, read_after};

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

/// The read models a rebuild of `name` covers: one, or every one when `name` is `None`.
pub fn chosen(name: Option<&str>) -> anyhow::Result<Vec<Projection>> {
    let read_models = Projection::ALL.into_iter().filter(|p| p.table().is_some());
    match name {
        None => Ok(read_models.collect()),
        Some(name) => read_models
            .clone()
            .find(|p| p.name() == name)
            .map(|p| vec![p])
            .ok_or_else(|| {
                let names: Vec<_> = read_models.map(Projection::name).collect();
                anyhow::anyhow!("unknown read model {name:?}: choose {}", names.join(" or "))
            }),
    }
}

/// Replays the whole log into `projections` and swaps them in. Returns the events replayed.
/// `progress` is called after every page.
pub async fn rebuild(
    pool: &PgPool,
    projections: &[Projection],
    progress: impl FnMut(Progress),
) -> anyhow::Result<u64> {
    // One rebuild at a time: they share the shadow tables. A session lock on a connection held
    // to the end, released whatever happens.
    let mut guard = pool.acquire().await?;
    let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext('shop:rebuild'))")
        .fetch_one(&mut *guard)
        .await?;
    anyhow::ensure!(free, "another rebuild is running");
    let result = replay_and_swap(pool, &mut guard, projections, progress).await;
    sqlx::query("SELECT pg_advisory_unlock(hashtext('shop:rebuild'))")
        .execute(&mut *guard)
        .await?;
    result
}

async fn replay_and_swap(
    pool: &PgPool,
    writer: &mut PgConnection,
    projections: &[Projection],
    mut progress: impl FnMut(Progress),
) -> anyhow::Result<u64> {
    anyhow::ensure!(!projections.is_empty(), "nothing to rebuild");
    let mut tables = Vec::new();
    for &projection in projections {
        let Some(table) = projection.table() else {
            anyhow::bail!(
                "{} issues commands and is never replayed",
                projection.name()
            );
        };
        tables.push((projection, table, format!("{table}_rebuild")));
    }
    let types: Vec<&str> = projections
        .iter()
        .flat_map(|p| p.aggregate_types().iter().copied())
        .collect();

    for (_, table, shadow) in &tables {
        sqlx::raw_sql(&format!(
            "DROP TABLE IF EXISTS {shadow}; CREATE TABLE {shadow} (LIKE {table} INCLUDING ALL)"
        ))
        .execute(&mut *writer)
        .await?;
    }
    let total: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_type = ANY($1)")
            .bind(&types)
            .fetch_one(pool)
            .await?;
    let total = total as u64;

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
    for (projection, ..) in &tables {
        lock(&mut tx, *projection).await?;
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
    for (projection, table, shadow) in &tables {
        swap(&mut tx, table, shadow).await?;
        save(&mut tx, *projection, cursor, None).await?;
    }
    tx.commit().await?;
    progress(rate(done, total.max(done), started.elapsed()));
    Ok(done)
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

async fn apply_page(
    db: &mut PgConnection,
    tables: &[(Projection, &'static str, String)],
    events: &[StoredEvent],
) -> anyhow::Result<()> {
    for (projection, _, shadow) in tables {
        let types = projection.aggregate_types();
        let mine: Vec<StoredEvent> = events
            .iter()
            .filter(|e| types.contains(&e.aggregate_type.as_str()))
            .cloned()
            .collect();
        if !mine.is_empty() {
            apply(db, *projection, shadow, &mine).await?;
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

/// A rebuild an admin asked for, as the admin API and the projector see it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = RebuildRequest)]
pub struct Request {
    pub request_id: Uuid,
    /// `None`: every read model.
    pub projection: Option<String>,
    /// requested, running, done or failed.
    pub status: String,
    pub events_done: i64,
    pub events_total: Option<i64>,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

const REQUEST_COLUMNS: &str =
    "request_id, projection, status, events_done, events_total, requested_by,
    requested_at, started_at, finished_at, error";

/// Records a request for the projector. One pending request at a time: asking again while one
/// waits or runs returns that one.
pub async fn request(pool: &PgPool, projection: Option<&str>, by: &str) -> anyhow::Result<Request> {
    chosen(projection)?;
    let mut tx = pool.begin().await?;
    sqlx::query("LOCK TABLE rebuild_requests IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let pending: Option<Request> = sqlx::query_as(&format!(
        "SELECT {REQUEST_COLUMNS} FROM rebuild_requests WHERE status IN ('requested', 'running')"
    ))
    .fetch_optional(&mut *tx)
    .await?;
    let request = match pending {
        Some(request) => request,
        None => {
            sqlx::query_as(&format!(
                "INSERT INTO rebuild_requests (request_id, projection, requested_by)
                 VALUES ($1, $2, $3) RETURNING {REQUEST_COLUMNS}"
            ))
            .bind(Uuid::now_v7())
            .bind(projection)
            .bind(by)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    tx.commit().await?;
    Ok(request)
}

/// The newest request, whatever its state.
pub async fn latest(pool: &PgPool) -> sqlx::Result<Option<Request>> {
    sqlx::query_as(&format!(
        "SELECT {REQUEST_COLUMNS} FROM rebuild_requests ORDER BY requested_at DESC LIMIT 1"
    ))
    .fetch_optional(pool)
    .await
}

/// How long a running request may go without a heartbeat before another projector takes it
/// over (its runner crashed).
const LEASE: &str = "30 seconds";

/// Claims the next request for this projector, if there is one, and runs it to the end,
/// recording progress. Returns the request as it finished.
pub async fn serve_request(pool: &PgPool) -> anyhow::Result<Option<Request>> {
    let claimed: Option<Request> = sqlx::query_as(&format!(
        "UPDATE rebuild_requests SET status = 'running', started_at = now(), heartbeat_at = now(),
                events_done = 0, error = NULL
          WHERE request_id = (
                SELECT request_id FROM rebuild_requests
                 WHERE status = 'requested'
                    OR (status = 'running' AND heartbeat_at < now() - interval '{LEASE}')
                 ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING {REQUEST_COLUMNS}"
    ))
    .fetch_optional(pool)
    .await?;
    let Some(request) = claimed else {
        return Ok(None);
    };
    tracing::info!(request_id = %request.request_id, projection = ?request.projection, "rebuild requested by {}", request.requested_by);
    let (tx, mut rx) = tokio::sync::watch::channel(None::<Progress>);
    let id = request.request_id;
    // Progress lands in the table at most once a second; the rebuild never waits on it.
    let reporter = {
        let pool = pool.clone();
        tokio::spawn(async move {
            while rx.changed().await.is_ok() {
                let Some(p) = *rx.borrow_and_update() else {
                    continue;
                };
                let _ = sqlx::query(
                    "UPDATE rebuild_requests SET events_done = $2, events_total = $3, heartbeat_at = now()
                      WHERE request_id = $1",
                )
                .bind(id)
                .bind(p.events_done as i64)
                .bind(p.events_total as i64)
                .execute(&pool)
                .await;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    let outcome = match chosen(request.projection.as_deref()) {
        Ok(projections) => {
            rebuild(pool, &projections, |p| {
                let _ = tx.send(Some(p));
            })
            .await
        }
        Err(e) => Err(e),
    };
    drop(tx);
    let _ = reporter.await;
    let (status, error, done) = match outcome {
        Ok(done) => ("done", None, Some(done as i64)),
        Err(e) => ("failed", Some(format!("{e:#}")), None),
    };
    let finished: Request = sqlx::query_as(&format!(
        "UPDATE rebuild_requests
            SET status = $2, error = $3, finished_at = now(), events_done = coalesce($4, events_done),
                events_total = coalesce($4, events_total)
          WHERE request_id = $1 RETURNING {REQUEST_COLUMNS}"
    ))
    .bind(id)
    .bind(status)
    .bind(error)
    .bind(done)
    .fetch_one(pool)
    .await?;
    Ok(Some(finished))
}
