//! Each start of a long-running service as its supervisor reported it (scripts/dev passes
//! `SHOP_RESTARTS` and `SHOP_LAST_EXIT_CODE`; ECS says nothing, so both stay empty there): a
//! crash loop shows in the console as a climbing restart count and the last exit code.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

/// How many starts of a service are kept.
const KEPT: i64 = 100;

/// One start of a service.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Start {
    pub service: String,
    pub started_at: DateTime<Utc>,
    /// Restarts so far, as the supervisor counts them; absent when it does not say (ECS).
    pub restarts: Option<i32>,
    /// How the previous run ended (70: the crash fault switch); absent on a first start.
    pub last_exit_code: Option<i32>,
}

/// Records that `service` started, as its supervisor says, and sets `ServiceRestarts`.
pub async fn record_start(
    pool: &PgPool,
    service: &str,
    restarts: Option<i32>,
    last_exit_code: Option<i32>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO service_starts (service, restarts, last_exit_code) VALUES ($1, $2, $3)",
    )
    .bind(service)
    .bind(restarts)
    .bind(last_exit_code)
    .execute(pool)
    .await?;
    sqlx::query(
        "DELETE FROM service_starts WHERE service = $1 AND started_at < (
             SELECT started_at FROM service_starts WHERE service = $1
             ORDER BY started_at DESC OFFSET $2 LIMIT 1)",
    )
    .bind(service)
    .bind(KEPT)
    .execute(pool)
    .await?;
    metrics::gauge!("ServiceRestarts").set(f64::from(restarts.unwrap_or(0)));
    if let Some(code) = last_exit_code.filter(|c| *c != 0) {
        tracing::warn!(
            restarts,
            last_exit_code = code,
            "{service} restarted after exiting with code {code}"
        );
    }
    Ok(())
}

/// `service`'s latest start, if it ever started.
pub async fn latest(pool: &PgPool, service: &str) -> sqlx::Result<Option<Start>> {
    sqlx::query_as(
        "SELECT service, started_at, restarts, last_exit_code FROM service_starts
         WHERE service = $1 ORDER BY started_at DESC LIMIT 1",
    )
    .bind(service)
    .fetch_optional(pool)
    .await
}
