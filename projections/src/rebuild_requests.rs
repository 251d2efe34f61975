//! Rebuilds an admin asks for: a row in `rebuild_requests` that one projector instance claims,
//! runs (on a task of its own, so catch-up goes on meanwhile) and reports progress on.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::rebuild::{Progress, rebuild};
use crate::registry::ReadModels;

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
pub async fn request(
    pool: &PgPool,
    read_models: &ReadModels,
    projection: Option<&str>,
    by: &str,
) -> anyhow::Result<Request> {
    read_models.chosen(projection)?;
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
pub async fn serve_request(
    pool: &PgPool,
    read_models: &ReadModels,
) -> anyhow::Result<Option<Request>> {
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
    let outcome = match read_models.chosen(request.projection.as_deref()) {
        Ok(models) => {
            rebuild(pool, &models, |p| {
                let _ = tx.send(Some(p));
            })
            .await
        }
        Err(e) => Err(e.into()),
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
