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

/// How often the RDS secret is read again when nothing asks for it sooner.
const SECRET_REFRESH: Duration = Duration::from_secs(600);
/// At most one read of the secret this often, however many connections fail at once.
const SECRET_REREAD_AT_MOST_EVERY: Duration = Duration::from_secs(5);

/// Counts the database's refusals of the credentials (SQLSTATE 28P01): RDS rotated the password
/// and the secret already holds the new one, so it is read again now, not at the next refresh.
/// A watch rather than a single wake-up: every pool of the process sees each refusal, and one
/// that comes while a pool is reading the secret is not lost.
static CREDENTIALS_REFUSED: std::sync::LazyLock<tokio::sync::watch::Sender<u64>> =
    std::sync::LazyLock::new(|| tokio::sync::watch::Sender::new(0));

/// Says that the database refused the password: the secret is read again at once (see
/// [`connect_configured`]). [`unavailable`] calls it for every such error.
pub fn credentials_refused() {
    CREDENTIALS_REFUSED.send_modify(|refusals| *refusals += 1);
}

/// Connects as `config` says: `DATABASE_URL`, or on AWS the RDS secret (see
/// [`crate::settings::DatabaseSecret`]). With a secret, the credentials are fetched again every
/// ten minutes, and at once when the database refuses them, and handed to the pool, so new
/// connections keep working after RDS rotates the password.
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
    let mut refusals = CREDENTIALS_REFUSED.subscribe();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(SECRET_REFRESH) => {}
                Ok(()) = refusals.changed() => {
                    tracing::warn!("the database refused the password; reading its secret again");
                }
            }
            match secret_options(&client, &secret).await {
                Ok(options) => refreshed.set_connect_options(options),
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "refreshing the database secret failed")
                }
            }
            tokio::time::sleep(SECRET_REREAD_AT_MOST_EVERY).await;
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

/// Whether `error`, or any error in its chain, says the database could not be reached or went
/// away (a restart, a failover, a connection that died while idle), or refused a password that
/// RDS has just rotated: worth a retry, and a 503 to a caller, not a 500. A refused password
/// also has the secret read again at once ([`credentials_refused`]).
pub fn unavailable(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(error) = error.downcast_ref::<sqlx::Error>() {
            return match error {
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                // Class 08: connection exception; 57P01-57P03: the server is shutting down,
                // crashed, or cannot take connections yet.
                // 28P01: invalid_password, what a connection with the rotated-out password gets.
                sqlx::Error::Database(db) if db.code().as_deref() == Some("28P01") => {
                    credentials_refused();
                    true
                }
                sqlx::Error::Database(db) => db
                    .code()
                    .is_some_and(|c| c.starts_with("08") || c.starts_with("57P0")),
                _ => false,
            };
        }
        if error.downcast_ref::<std::io::Error>().is_some() {
            return true;
        }
        next = error.source();
    }
    false
}

/// Runs a read, and runs it once more when the first attempt met a connection that proved dead
/// (the pool does not ping connections before handing them out: see [`pool_options`]). Only for
/// reads: a command whose connection died may have committed.
pub async fn read_once_more<T, F, Fut>(read: F) -> sqlx::Result<T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = sqlx::Result<T>>,
{
    match read().await {
        Err(error) if unavailable(&error) => {
            tracing::debug!(%error, "read failed on a dead connection; once more");
            read().await
        }
        other => other,
    }
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
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn a_lost_connection_is_unavailable_and_a_bad_query_is_not() {
        let lost = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(super::unavailable(&lost));
        assert!(super::unavailable(&sqlx::Error::PoolTimedOut));
        assert!(!super::unavailable(&sqlx::Error::RowNotFound));
        // Found through the chain of whatever wrapped it.
        let wrapped = anyhow::Error::from(sqlx::Error::PoolClosed).context("reading the catalog");
        assert!(super::unavailable(wrapped.as_ref()));
    }

    #[tokio::test]
    async fn a_read_is_tried_once_more_after_a_dead_connection_only() {
        let tries = AtomicU32::new(0);
        let read = || async {
            match tries.fetch_add(1, Ordering::SeqCst) {
                0 => Err(sqlx::Error::Io(std::io::ErrorKind::BrokenPipe.into())),
                n => Ok(n),
            }
        };
        assert_eq!(super::read_once_more(read).await.unwrap(), 1);
        let bad = AtomicU32::new(0);
        let refused = || async {
            bad.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(sqlx::Error::RowNotFound)
        };
        assert!(super::read_once_more(refused).await.is_err());
        assert_eq!(bad.load(Ordering::SeqCst), 1, "a bad query is not retried");
    }

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
