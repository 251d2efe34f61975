//! The PostgreSQL pool shared by the event store and the read models, and the migrations that
//! every service applies at start.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;

pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Connects and applies pending migrations (see [`migrate`]).
pub async fn connect(database_url: &str, pool_size: u32) -> anyhow::Result<PgPool> {
    let pool = pool_options(pool_size)
        .connect(database_url)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot connect to the database at {}: {e}",
                redact(database_url)
            )
        })?;
    migrate(&pool).await?;
    Ok(pool)
}

/// Applies the migrations this binary carries that the database lacks. A database already at or
/// past this binary's newest migration is left alone after one query, so a Lambda cold start
/// skips the migrator's lock and reads, and a binary one release behind keeps starting beside the
/// newer schema during a rolling deploy (migrations only add). Otherwise sqlx's migrator runs,
/// under its advisory lock, checksums checked.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    let newest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    // Fails when the table does not exist yet: a new database, for the migrator.
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await
            .unwrap_or(None);
    if applied.is_some_and(|version| version >= newest) {
        return Ok(());
    }
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// Connects as `config` says: `DATABASE_URL`, or on AWS the RDS secret (see
/// [`crate::settings::DatabaseSecret`]). With a secret, the credentials are fetched again every
/// ten minutes and handed to the pool, so new connections keep working after RDS rotates them.
pub async fn connect_configured(config: &crate::Settings) -> anyhow::Result<PgPool> {
    let Some(secret) = config.database_secret.clone() else {
        return connect(&config.database_url, config.database_pool_size).await;
    };
    let client = aws_sdk_secretsmanager::Client::new(&crate::aws::sdk_config(config).await);
    let options = secret_options(&client, &secret).await?;
    let pool = pool_options(config.database_pool_size)
        .connect_with(options)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot connect to the database at {}:{}/{}: {e}",
                secret.host,
                secret.port,
                secret.name
            )
        })?;
    migrate(&pool).await?;
    let refreshed = pool.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(600)).await;
            match secret_options(&client, &secret).await {
                Ok(options) => refreshed.set_connect_options(options),
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "refreshing the database secret failed")
                }
            }
        }
    });
    Ok(pool)
}

async fn secret_options(
    client: &aws_sdk_secretsmanager::Client,
    secret: &crate::settings::DatabaseSecret,
) -> anyhow::Result<sqlx::postgres::PgConnectOptions> {
    #[derive(serde::Deserialize)]
    struct Credentials {
        username: String,
        password: String,
    }
    let value = client
        .get_secret_value()
        .secret_id(&secret.arn)
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "reading the database secret: {}",
                aws_sdk_secretsmanager::error::DisplayErrorContext(&e)
            )
        })?;
    let credentials: Credentials = serde_json::from_str(value.secret_string().unwrap_or_default())
        .map_err(|e| anyhow::anyhow!("the database secret is not username/password JSON: {e}"))?;
    let ssl_mode = secret
        .ssl_mode
        .parse()
        .map_err(|e| anyhow::anyhow!("DATABASE_SSL_MODE: {e}"))?;
    Ok(sqlx::postgres::PgConnectOptions::new()
        .host(&secret.host)
        .port(secret.port)
        .database(&secret.name)
        .username(&credentials.username)
        .password(&credentials.password)
        .ssl_mode(ssl_mode))
}

/// The pool both connection paths share. sqlx pings a connection before handing it out unless
/// told not to: a round trip per query, as many as the command path's own. A connection that
/// died idle fails its query instead, and connections are recycled before RDS or a NAT would
/// drop them.
fn pool_options(size: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
        .idle_timeout(Duration::from_secs(300))
        .max_lifetime(Duration::from_secs(1800))
}

/// One round trip: whether the database answers (health checks).
pub async fn ping(pool: &PgPool) -> sqlx::Result<()> {
    sqlx::query("SELECT 1").execute(pool).await.map(drop)
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
