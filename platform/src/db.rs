//! The PostgreSQL pool shared by the event store and the read models, and the migrations that
//! every service applies at start.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;

pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Connects and applies pending migrations (idempotent; concurrent starters serialise on
/// sqlx's advisory lock).
pub async fn connect(database_url: &str) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(pool_size())
        .acquire_timeout(Duration::from_secs(5))
        .connect(database_url)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot connect to the database at {}: {e}",
                redact(database_url)
            )
        })?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

fn pool_size() -> u32 {
    crate::config::var("DATABASE_POOL_SIZE")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

/// The URL without its password, for error messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            super::redact("postgres://shop:s3cret@db:5432/shop"),
            "postgres://shop@db:5432/shop"
        );
        assert_eq!(
            super::redact("postgres://postgres@127.0.0.1/shop"),
            "postgres://postgres@127.0.0.1/shop"
        );
    }
}
