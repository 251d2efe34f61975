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

use aggregates::saga::Outcome;
use anyhow::Context as _;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry, Message,
    MessageSystemAttributeName,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use platform::metrics::{Record, Unit};
use platform::publish::EventsAppended;
use platform::{Config, Store};
use projections::Projection;
use sqlx::PgPool;
use tokio::sync::watch;
use tracing::Instrument;

const SERVICE: &str = "stock-projector";

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
        /// Seconds a received message stays hidden (renewed while its batch runs); a message
        /// this projector cannot read comes back after it.
        #[arg(long, env = "PROJECTOR_VISIBILITY_SECONDS", default_value_t = 60)]
        visibility_seconds: i32,
    },
    /// Print each projection's checkpoint and lag.
    Status,
    /// Exit 0 when the running projector's /healthz answers 200 (the container's health check:
    /// the runtime image has no shell and no curl).
    Healthcheck {
        /// The running projector's health address; 0.0.0.0 is asked on 127.0.0.1.
        #[arg(long, env = "PROJECTOR_HTTP_ADDR", default_value = "127.0.0.1:8081")]
        http: SocketAddr,
    },
    /// Print the path of one order (or correlation id) through the system, hop by hop.
    Trace {
        /// An order id or a correlation id.
        id: String,
        /// The timeline as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
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
        Command::Run {
            http,
            poll_seconds,
            visibility_seconds,
        } => {
            let _telemetry = platform::telemetry::init("stock-projector");
            let pool = platform::db::connect_configured(&config).await?;
            let sqs = match &config.event_queue_url {
                Some(url) => Some((platform::aws::sqs(&config).await, url.clone())),
                None => None,
            };
            let faults = platform::faults::Faults::from_env();
            // The saga's commands publish nothing: this projector, the queue's only consumer,
            // reads their events from the store in the same pass. Publishing them would only
            // put three or four sends per order on the queue's critical path.
            let store =
                Store::new(pool.clone(), config.stock_snapshot_every, None).with_faults(&faults);
            let settings = Settings {
                visibility: visibility_seconds,
                crash_on_event: faults.crash_on_event,
            };
            serve(pool, store, sqs, http, poll_seconds, settings).await
        }
        Command::Healthcheck { http } => healthcheck(http).await,
        Command::Status => {
            let pool = platform::db::connect_configured(&config).await?;
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
        Command::Trace { id, json } => {
            let pool = platform::db::connect_configured(&config).await?;
            let Some(timeline) = projections::timeline::timeline(&pool, &id).await? else {
                anyhow::bail!("no event carries {id:?} as its order id or correlation id");
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&timeline)?);
                return Ok(());
            }
            println!(
                "correlation {}  trace {}",
                timeline.correlation_id,
                timeline.trace_id.as_deref().unwrap_or("-")
            );
            println!(
                "{:>10} {:>10}  {:<16} {:<40} details",
                "at ms", "+ms", "service", "hop"
            );
            for hop in &timeline.hops {
                let details: Vec<String> = hop
                    .attributes
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                println!(
                    "{:>10.1} {:>10.1}  {:<16} {:<40} {}",
                    hop.offset_ms,
                    hop.latency_ms,
                    hop.service,
                    hop.name,
                    details.join(" ")
                );
            }
            Ok(())
        }
        Command::Rebuild { projection } => {
            let chosen = projections::rebuild::chosen(projection.as_deref())?;
            let pool = platform::db::connect_configured(&config).await?;
            let names: Vec<_> = chosen.iter().map(|p| p.name()).collect();
            let started = Instant::now();
            let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let mut shown = Instant::now();
            let done = projections::rebuild(&pool, &chosen, |p| {
                // A line that redraws itself on a terminal; one line every few seconds in a log.
                let every = if terminal { 0 } else { 5 };
                if shown.elapsed().as_secs() >= every {
                    shown = Instant::now();
                    let eta = p.eta_seconds.map_or("?".into(), |s| format!("{s:.0} s"));
                    let line = format!(
                        "{}: {} of {} events, {:.0} events/s, ETA {eta}",
                        names.join("+"),
                        p.events_done,
                        p.events_total,
                        p.events_per_second
                    );
                    if terminal {
                        eprint!("\r\x1b[2K{line}");
                    } else {
                        eprintln!("{line}");
                    }
                }
            })
            .await?;
            if terminal {
                eprintln!();
            }
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "{}: rebuilt from {done} events in {seconds:.1} s ({:.0} events/s)",
                names.join(", "),
                done as f64 / seconds.max(1e-3)
            );
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
    settings: Settings,
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
    let mut last_prune = Instant::now();
    while !*stop.borrow() {
        let received = match &sqs {
            Some((client, url)) => tokio::select! {
                r = receive(client, url, poll_seconds, settings.visibility) => r,
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
        let batch = receive_span(&received);
        handle_batch(&pool, &store, sqs.as_ref(), received, &settings)
            .instrument(batch)
            .await;
        if last_prune.elapsed() > Duration::from_secs(3600) {
            last_prune = Instant::now();
            match projections::timeline::prune(&pool, 7).await {
                Ok(n) if n > 0 => {
                    tracing::info!(rows = n, "pruned timeline records older than 7 days")
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "pruning timeline records failed"),
            }
        }
        match projections::rebuild::serve_request(&pool).await {
            Ok(Some(r)) => {
                tracing::info!(request_id = %r.request_id, status = %r.status, events = r.events_done, error = r.error.as_deref(), "rebuild finished")
            }
            Ok(None) => {}
            Err(error) => tracing::error!(error = %format!("{error:#}"), "rebuild request failed"),
        }
    }
    server.await??;
    tracing::info!("stopped");
    Ok(())
}

/// Records the messages, catches every projection up, and deletes the messages once that
/// committed: a crash before the delete redelivers, which is harmless. After a failure the
/// messages come back, and after maxReceiveCount go to the dead-letter queue; the events stay in
/// the store for the next pass either way.
async fn handle_batch(
    pool: &PgPool,
    store: &Store,
    sqs: Option<&(Client, String)>,
    received: Vec<Message>,
    settings: &Settings,
) {
    let bodies: Vec<Option<EventsAppended>> = received.iter().map(body).collect();
    record_deliveries(pool, &received, &bodies).await;
    // A batch that outlasts part of the visibility timeout keeps its messages hidden, so
    // another instance does not take them while this one still works on them.
    let keeper = sqs.filter(|_| !received.is_empty()).map(|(client, url)| {
        tokio::spawn(keep_invisible(
            client.clone(),
            url.clone(),
            handles(&received),
            settings.visibility,
        ))
    });
    let failed = catch_up_all(pool, store, settings.crash_on_event.as_deref()).await;
    if let Some(keeper) = keeper {
        keeper.abort();
    }
    if !failed && let Some((client, url)) = sqs {
        let count = received.len();
        let understood: Vec<Message> = received
            .into_iter()
            .zip(&bodies)
            .filter_map(|(message, body)| body.as_ref().map(|_| message))
            .collect();
        if understood.len() < count {
            Record::new(SERVICE)
                .metric(
                    "DLQMessages",
                    (count - understood.len()) as f64,
                    Unit::Count,
                )
                .emit();
        }
        delete(client, url, &understood).await;
    }
}

/// What `run` is told beyond its addresses.
struct Settings {
    visibility: i32,
    crash_on_event: Option<String>,
}

async fn receive(client: &Client, url: &str, poll_seconds: i32, visibility: i32) -> Vec<Message> {
    let result = client
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(10)
        .wait_time_seconds(poll_seconds)
        .visibility_timeout(visibility)
        .message_attribute_names("All")
        .message_system_attribute_names(MessageSystemAttributeName::AwsTraceHeader)
        .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
        .message_system_attribute_names(MessageSystemAttributeName::SentTimestamp)
        .send()
        .await;
    match result {
        Ok(out) => out.messages.unwrap_or_default(),
        Err(e) => {
            tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "receive failed; catching up from the store");
            tokio::time::sleep(Duration::from_secs(poll_seconds as u64)).await;
            Vec::new()
        }
    }
}

/// Runs the projections in rounds of one page each, until a round moves nothing (the saga
/// appends events the read models then need). Rounds, not one projection to its end and then
/// the next: a saga backlog must not starve the read models shoppers are waiting on. Returns
/// whether any projection failed.
async fn catch_up_all(pool: &PgPool, store: &Store, crash_on_event: Option<&str>) -> bool {
    let started = Instant::now();
    let mut applied = 0;
    let mut failed = false;
    'passes: loop {
        let mut moved = 0;
        for projection in Projection::ALL {
            if let Some(kind) = crash_on_event {
                crash_if_pending(pool, kind).await;
            }
            match projections::step(pool, store, projection, projection.batch()).await {
                Ok(done) => {
                    moved += done.events;
                    report(projection, &done);
                }
                Err(error) => {
                    tracing::error!(projection = projection.name(), error = %format!("{error:#}"), "projection failed");
                    failed = true;
                    break 'passes;
                }
            }
        }
        applied += moved;
        if moved == 0 {
            break;
        }
    }
    if applied > 0 {
        tracing::info!(
            events = applied,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "caught up"
        );
    }
    if let Ok(statuses) = projections::status(pool).await {
        for s in statuses {
            Record::new(SERVICE)
                .dimension("Projection", s.name)
                .metric("ProjectionLagEvents", s.lag_events as f64, Unit::Count)
                .metric("ProjectionLagMs", s.lag_ms as f64, Unit::Milliseconds)
                .emit();
        }
    }
    failed
}

/// The crash fault switch: exit as a bug would, before applying an event of type `kind`.
async fn crash_if_pending(pool: &PgPool, kind: &str) {
    if projections::projection::pending_of_type(pool, kind)
        .await
        .unwrap_or(false)
    {
        tracing::error!(
            event_type = kind,
            "crashing on purpose before applying a {kind} event (fault switch SHOP_FAULT_CRASH_ON_EVENT)"
        );
        Record::new(SERVICE)
            .metric("ProjectorCrashes", 1.0, Unit::Count)
            .emit();
        std::process::exit(70);
    }
}

/// EMF metrics for what one projection just applied.
fn report(projection: Projection, applied: &projections::projection::Applied) {
    if applied.events == 0 {
        return;
    }
    Record::new(SERVICE)
        .dimension("Projection", projection.name())
        .metric("EventsApplied", applied.events as f64, Unit::Count)
        .emit();
    if let Some(n) = applied
        .by_type
        .get("StockReserved")
        .filter(|_| projection == Projection::Catalog)
    {
        Record::new(SERVICE)
            .metric("StockReserved", *n as f64, Unit::Count)
            .emit();
    }
    let confirmed = applied
        .outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Confirmed))
        .count();
    if confirmed > 0 {
        Record::new(SERVICE)
            .metric("OrdersConfirmed", confirmed as f64, Unit::Count)
            .emit();
    }
    let mut rejected = std::collections::BTreeMap::<&str, usize>::new();
    for outcome in &applied.outcomes {
        if let Outcome::Rejected { reason } = outcome {
            // A dimension needs few values: the kind of reason, not its text.
            let kind = if reason.starts_with("insufficient stock") {
                "insufficient_stock"
            } else {
                "other"
            };
            *rejected.entry(kind).or_default() += 1;
        }
    }
    for (reason, n) in rejected {
        Record::new(SERVICE)
            .dimension("Reason", reason)
            .metric("OrdersRejected", n as f64, Unit::Count)
            .emit();
    }
}

/// The span of one received batch (a consumer span linked to every message's producer), and
/// one short child span per message, parented to its producer span, so each message's own
/// trace shows when the projector took it.
fn receive_span(messages: &[Message]) -> tracing::Span {
    use opentelemetry::trace::TraceContextExt;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let batch = tracing::info_span!(
        "receive",
        otel.name = "receive shop-events",
        otel.kind = "consumer",
        messaging.system = "aws_sqs",
        messaging.operation.type = "receive",
        messaging.batch.message_count = messages.len(),
    );
    for message in messages {
        let attribute = |name: &str| {
            message
                .message_attributes()
                .and_then(|a| a.get(name))
                .and_then(|v| v.string_value())
        };
        let xray = message
            .attributes()
            .and_then(|a| a.get(&MessageSystemAttributeName::AwsTraceHeader))
            .map(String::as_str);
        let Some(traceparent) = attribute("traceparent").or(xray.map(|_| "")) else {
            continue;
        };
        let context = platform::telemetry::context_from(traceparent, xray);
        batch.add_link(context.span().span_context().clone());
        let process = tracing::info_span!(
            parent: &batch,
            "process",
            otel.name = "process shop-events",
            otel.kind = "consumer",
            messaging.system = "aws_sqs",
            messaging.operation.type = "process",
            messaging.message.id = message.message_id().unwrap_or_default(),
            correlation_id = attribute("correlation_id").unwrap_or_default(),
        );
        let _ = process.set_parent(context);
        process.in_scope(|| tracing::debug!("message received"));
    }
    batch
}

/// Columns of the deliveries rows one receive produces.
#[derive(Default)]
struct Deliveries {
    ids: Vec<String>,
    correlations: Vec<String>,
    types: Vec<String>,
    streams: Vec<String>,
    sent: Vec<Option<DateTime<Utc>>>,
    counts: Vec<i32>,
}

/// Notes each message for the trace timeline: when SQS took it, when this projector got it.
async fn record_deliveries(pool: &PgPool, messages: &[Message], bodies: &[Option<EventsAppended>]) {
    let mut rows = Deliveries::default();
    for (message, body) in messages.iter().zip(bodies) {
        let Some(body) = body else {
            continue;
        };
        let attribute = |name| {
            message
                .attributes()
                .and_then(|a| a.get(&name))
                .and_then(|v| v.parse::<i64>().ok())
        };
        rows.ids
            .push(message.message_id().unwrap_or_default().to_string());
        rows.correlations.push(body.correlation_id.clone());
        rows.types.push(body.aggregate_type.clone());
        rows.streams.push(body.aggregate_id.clone());
        rows.sent.push(
            attribute(MessageSystemAttributeName::SentTimestamp)
                .and_then(DateTime::from_timestamp_millis),
        );
        rows.counts.push(
            attribute(MessageSystemAttributeName::ApproximateReceiveCount).unwrap_or(1) as i32,
        );
    }
    if rows.ids.is_empty() {
        return;
    }
    let result = sqlx::query(
        "INSERT INTO deliveries (message_id, correlation_id, aggregate_type, aggregate_id, sent_at, receive_count)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[])",
    )
    .bind(&rows.ids)
    .bind(&rows.correlations)
    .bind(&rows.types)
    .bind(&rows.streams)
    .bind(&rows.sent)
    .bind(&rows.counts)
    .execute(pool)
    .await;
    if let Err(error) = result {
        tracing::warn!(%error, "recording deliveries for the timeline failed");
    }
}

/// The message's body, when it is one this projector understands. One that is not (a poison
/// message) is left on the queue: SQS redelivers it until maxReceiveCount and then moves it to
/// the dead-letter queue, where an operator can read it. The projector keeps going meanwhile.
fn body(message: &Message) -> Option<EventsAppended> {
    if let Some(Ok(body)) = message.body().map(serde_json::from_str::<EventsAppended>) {
        return Some(body);
    }
    tracing::warn!(
        message_id = message.message_id().unwrap_or_default(),
        receive_count = message
            .attributes()
            .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
            .map(String::as_str)
            .unwrap_or("?"),
        "unreadable message left for the dead-letter queue"
    );
    None
}

fn handles(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|m| m.receipt_handle.clone())
        .collect()
}

async fn keep_invisible(client: Client, url: String, handles: Vec<String>, visibility: i32) {
    // Renew at a third of the timeout, so one slow renewal still lands in time.
    let every = Duration::from_secs((visibility as u64 / 3).max(1));
    loop {
        tokio::time::sleep(every).await;
        let entries: Vec<_> = handles
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(h)
                    .visibility_timeout(visibility)
                    .build()
                    .ok()
            })
            .collect();
        match client
            .change_message_visibility_batch()
            .queue_url(&url)
            .set_entries(Some(entries))
            .send()
            .await
        {
            Ok(_) => tracing::debug!(
                messages = handles.len(),
                "batch still running; visibility extended"
            ),
            Err(e) => {
                tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "extending visibility failed")
            }
        }
    }
}

async fn delete(client: &Client, url: &str, messages: &[Message]) {
    let entries: Vec<_> = handles(messages)
        .into_iter()
        .enumerate()
        .filter_map(|(i, h)| {
            DeleteMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .receipt_handle(h)
                .build()
                .ok()
        })
        .collect();
    if entries.is_empty() {
        return;
    }
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

async fn healthcheck(mut addr: SocketAddr) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let ask = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream
            .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
            .await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        anyhow::Ok(answer)
    };
    let answer = tokio::time::timeout(Duration::from_secs(3), ask)
        .await
        .context("no answer within 3 s")??;
    let status_line = String::from_utf8_lossy(&answer);
    let status_line = status_line.lines().next().unwrap_or_default();
    anyhow::ensure!(
        status_line.split_whitespace().nth(1) == Some("200"),
        "unhealthy: {status_line}"
    );
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
