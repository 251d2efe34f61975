//! Every setting a binary reads, from the environment, with the local stack's defaults
//! (design.md section 5). One place, so README.md's table and the code cannot disagree.

use std::env;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: the event store and the read models.
    pub database_url: String,
    /// `EVENT_QUEUE_URL`: the FIFO queue commands publish to; unset turns publishing off.
    pub event_queue_url: Option<String>,
    /// `AWS_ENDPOINT_URL`: moto locally; unset on AWS, where the SDK finds the real endpoints.
    pub aws_endpoint_url: Option<String>,
    /// `AWS_REGION`.
    pub aws_region: String,
    /// `STOCK_SNAPSHOT_EVERY`: a snapshot of a `Stock` stream every N events.
    pub stock_snapshot_every: usize,
    /// On AWS, when `DATABASE_URL` is unset: RDS credentials from Secrets Manager.
    pub database_secret: Option<DatabaseSecret>,
}

/// Where RDS's managed credentials live and where the database is: `DATABASE_SECRET_ARN`
/// (a secret with `username` and `password`), `DATABASE_HOST`, `DATABASE_PORT` (5432),
/// `DATABASE_NAME` (shop), `DATABASE_SSL_MODE` (require).
#[derive(Debug, Clone)]
pub struct DatabaseSecret {
    pub arn: String,
    pub host: String,
    pub port: u16,
    pub name: String,
    pub ssl_mode: String,
}

impl Config {
    pub fn from_env() -> Self {
        Self {
            database_url: var("DATABASE_URL")
                .unwrap_or_else(|| "postgres://postgres@127.0.0.1:55432/shop".into()),
            event_queue_url: var("EVENT_QUEUE_URL"),
            aws_endpoint_url: var("AWS_ENDPOINT_URL"),
            aws_region: var("AWS_REGION").unwrap_or_else(|| "us-east-1".into()),
            stock_snapshot_every: var("STOCK_SNAPSHOT_EVERY")
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(50),
            database_secret: match (var("DATABASE_URL"), var("DATABASE_SECRET_ARN")) {
                (None, Some(arn)) => Some(DatabaseSecret {
                    arn,
                    host: var("DATABASE_HOST").unwrap_or_else(|| "127.0.0.1".into()),
                    port: var("DATABASE_PORT")
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(5432),
                    name: var("DATABASE_NAME").unwrap_or_else(|| "shop".into()),
                    ssl_mode: var("DATABASE_SSL_MODE").unwrap_or_else(|| "require".into()),
                }),
                _ => None,
            },
        }
    }
}

/// Whether this process runs on AWS (Lambda or ECS set these), where X-Ray's propagation and
/// `AWSTraceHeader` apply. Read once.
pub fn on_aws() -> bool {
    static ON_AWS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON_AWS.get_or_init(|| {
        env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some()
            || env::var_os("ECS_CONTAINER_METADATA_URI_V4").is_some()
    })
}

/// A variable that is set and not blank.
pub fn var(name: &str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.trim().is_empty())
}
