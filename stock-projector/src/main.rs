//! `stock-projector`: the long-running service (ECS Fargate on AWS) that runs the reservation
//! saga and keeps the read models, plus the operator commands around it.
//!
//! - `run`: long-polls the event queue; a message (or the poll timing out, which doubles as the
//!   catch-up timer for messages that were never sent) wakes it to read the store from its
//!   checkpoints. Messages are deleted only after the projections committed. Serves `/healthz`
//!   and `/metrics` on 127.0.0.1:8081 and stops between batches on SIGTERM or Ctrl-C.
//! - `status`: each projection's checkpoint, the log's head, lag in events and time.
//! - `rebuild [--projection NAME]`: replays the log into a read model (see `projections`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use clap::{Parser, Subcommand};
use platform::publish::Publisher;
use platform::{Config, Store};
use projections::Projection;
use sqlx::PgPool;
use tokio::sync::watch;

#[derive(Parser)]
#[command(
    version,
    about = "Runs the stock reservation saga and builds the read models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Consume the event queue and keep every projection caught up.
    Run {
        /// Health and metrics address.
        #[arg(long, env = "PROJECTOR_HTTP_ADDR", default_value = "127.0.0.1:8081")]
        http: SocketAddr,
        /// Seconds a receive waits for a message before catching up anyway.
        #[arg(long, env = "PROJECTOR_POLL_SECONDS", default_value_t = 2)]
        poll_seconds: i32,
    },
    /// Print each projection's checkpoint and lag.
    Status,
    /// Replay the event store into read models.
    Rebuild {
        /// One projection (catalog or orders); all read models when omitted.
        #[arg(long)]
        projection: Option<String>,
    },
}

#[tokio::main]
async fn main() {
    if let Err(error) = run(Cli::parse()).await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env();
    match cli.command {
        Command::Run { http, poll_seconds } => {
            platform::telemetry::init("stock-projector");
            let pool = platform::db::connect(&config.database_url).await?;
            let sqs = match &config.event_queue_url {
                Some(url) => Some((platform::aws::sqs(&config).await, url.clone())),
                None => None,
            };
            let publisher = sqs.clone().map(|(c, u)| Publisher::new(c, u));
            let store = Store::new(pool.clone(), config.stock_snapshot_every, publisher);
            serve(pool, store, sqs, http, poll_seconds).await
        }
        Command::Status => {
            let pool = platform::db::connect(&config.database_url).await?;
            println!(
                "{:<14} {:>10} {:>10} {:>10} {:>10}  last error",
                "projection", "position", "head", "lag", "lag ms"
            );
            for s in projections::status(&pool).await? {
                println!(
                    "{:<14} {:>10} {:>10} {:>10} {:>10}  {}",
                    s.name,
                    s.position,
                    s.head_position,
                    s.lag_events,
                    s.lag_ms,
                    s.last_error.unwrap_or_default()
                );
            }
            Ok(())
        }
        Command::Rebuild { projection } => {
            let chosen: Vec<Projection> = match projection.as_deref() {
                None => Projection::ALL
                    .into_iter()
                    .filter(|p| p.table().is_some())
                    .collect(),
                Some(name) => match Projection::parse(name) {
                    Some(p) if p.table().is_some() => vec![p],
                    _ => anyhow::bail!("unknown read model {name:?}: choose catalog or orders"),
                },
            };
            let pool = platform::db::connect(&config.database_url).await?;
            for projection in chosen {
                let started = Instant::now();
                let done = projections::rebuild(&pool, projection, |done| {
                    let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-3);
                    eprint!("\r{}: {done} events, {rate:.0} events/s", projection.name());
                })
                .await?;
                eprintln!();
                println!(
                    "{}: rebuilt from {done} events in {:.1} s",
                    projection.name(),
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(())
        }
    }
}

#[derive(Clone)]
struct Health {
    pool: PgPool,
}

async fn serve(
    pool: PgPool,
    store: Store,
    sqs: Option<(Client, String)>,
    http: SocketAddr,
    poll_seconds: i32,
) -> anyhow::Result<()> {
    let (stop_tx, stop) = watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("stopping after the current batch");
        let _ = stop_tx.send(true);
    });

    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(Arc::new(Health { pool: pool.clone() }));
    let listener = tokio::net::TcpListener::bind(http)
        .await
        .with_context(|| format!("cannot listen on {http}"))?;
    tracing::info!(%http, "health and metrics listening");
    let mut server_stop = stop.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = server_stop.wait_for(|s| *s).await;
            })
            .await
    });

    let mut stop_loop = stop.clone();
    while !*stop.borrow() {
        let received = match &sqs {
            Some((client, url)) => tokio::select! {
                r = client.receive_message()
                    .queue_url(url)
                    .max_number_of_messages(10)
                    .wait_time_seconds(poll_seconds)
                    .message_attribute_names("All")
                    .send() => match r {
                        Ok(out) => out.messages.unwrap_or_default(),
                        Err(e) => {
                            tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "receive failed; catching up from the store");
                            tokio::time::sleep(Duration::from_secs(poll_seconds as u64)).await;
                            Vec::new()
                        }
                    },
                _ = stop_loop.wait_for(|s| *s) => break,
            },
            None => {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(poll_seconds as u64)) => {},
                    _ = stop_loop.wait_for(|s| *s) => break,
                }
                Vec::new()
            }
        };
        let started = Instant::now();
        let mut applied = 0;
        let mut failed = false;
        // The saga appends events the read models then need: repeat until a pass moves nothing.
        loop {
            let mut moved = 0;
            for projection in Projection::ALL {
                match projections::catch_up(&pool, &store, projection).await {
                    Ok(n) => moved += n,
                    Err(error) => {
                        failed = true;
                        tracing::error!(projection = projection.name(), error = %format!("{error:#}"), "projection failed");
                    }
                }
            }
            applied += moved;
            if moved == 0 || failed {
                break;
            }
        }
        if applied > 0 {
            tracing::info!(
                events = applied,
                messages = received.len(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "caught up"
            );
        }
        // Only after the projections committed: a crash before this redelivers, which is harmless.
        if !failed && let (Some((client, url)), false) = (&sqs, received.is_empty()) {
            let entries: Vec<_> = received
                .iter()
                .enumerate()
                .filter_map(|(i, m)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .set_receipt_handle(m.receipt_handle.clone())
                        .build()
                        .ok()
                })
                .collect();
            if let Err(e) = client
                .delete_message_batch()
                .queue_url(url)
                .set_entries(Some(entries))
                .send()
                .await
            {
                tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "delete failed; the messages will come back and change nothing");
            }
        }
    }
    server.await??;
    tracing::info!("stopped");
    Ok(())
}

async fn healthz(State(health): State<Arc<Health>>) -> (StatusCode, &'static str) {
    match sqlx::query("SELECT 1").execute(&health.pool).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

async fn metrics(
    State(health): State<Arc<Health>>,
) -> Result<Json<Vec<projections::projection::Status>>, (StatusCode, String)> {
    projections::status(&health.pool)
        .await
        .map(Json)
        .map_err(|e| (StatusCode::SERVICE_UNAVAILABLE, e.to_string()))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
