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
        }
    }
}

/// A variable that is set and not blank.
pub fn var(name: &str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.trim().is_empty())
}
