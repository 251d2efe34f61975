//! `loadgen sqs`: how fast the queue itself takes the order handler's messages, sent by the
//! handlers' own [`Publisher`] (alone, as a Lambda sends them, or `--batching`, as the gateway
//! does), so the publishing share of an order's cost can be read beside the order figures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use eventstore::publish::{Published, Publisher};
use eventstore::{Appended, Committed};
use serde_json::json;
use uuid::Uuid;

use crate::stats::{self, Percentiles, fmt_ms};

#[derive(clap::Args, Debug)]
pub struct SqsArgs {
    /// The FIFO queue to send to (moto's, locally).
    #[arg(long, env = "EVENT_QUEUE_URL")]
    queue_url: String,
    /// Concurrent senders.
    #[arg(long, short = 'c', default_value_t = 4)]
    clients: usize,
    /// Seconds of sending.
    #[arg(long, short = 'd', default_value_t = 10.0)]
    duration: f64,
    /// Send through one batching publisher, as the gateway does (`SendMessageBatch`).
    #[arg(long)]
    batching: bool,
    /// Write the summary as JSON here.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
}

pub async fn run(args: SqsArgs) -> anyhow::Result<()> {
    let client = platform::aws::sqs(&platform::Settings::from_env()?).await;
    let mut publisher = Publisher::new(client, args.queue_url.clone());
    if args.batching {
        publisher = publisher.batching();
    }
    // One send before the clock starts: connection and credentials.
    send(&publisher).await?;
    let end = Instant::now() + Duration::from_secs_f64(args.duration);
    let publisher = Arc::new(publisher);
    let mut tasks = Vec::new();
    for _ in 0..args.clients.max(1) {
        let publisher = publisher.clone();
        tasks.push(tokio::spawn(async move {
            let mut h = stats::histogram();
            let mut errors = 0u64;
            while Instant::now() < end {
                let started = Instant::now();
                match send(&publisher).await {
                    Ok(()) => stats::record(&mut h, started.elapsed()),
                    Err(_) => errors += 1,
                }
            }
            (h, errors)
        }));
    }
    let (all, errors) = stats::gather(tasks).await?;
    let p = Percentiles::of(&all);
    let rate = p.count as f64 / args.duration;
    println!(
        "sqs: {} senders{}, {} messages in {:.1} s = {rate:.1}/s, p50 {} ms, p99 {} ms, {errors} errors",
        args.clients,
        if args.batching { " (batching)" } else { "" },
        p.count,
        args.duration,
        fmt_ms(p.p50_ms),
        fmt_ms(p.p99_ms)
    );
    if let Some(path) = &args.json {
        let summary = json!({"clients": args.clients, "batching": args.batching,
            "duration_s": args.duration, "messages": p.count, "per_second": rate,
            "errors": errors, "latency": p});
        std::fs::write(path, serde_json::to_string_pretty(&summary)?)?;
    }
    Ok(())
}

/// One order's message, as the order handler publishes it after `OrderPlaced`.
async fn send(publisher: &Publisher) -> anyhow::Result<()> {
    let committed = Committed {
        aggregate_type: "Order",
        aggregate_id: Uuid::new_v4().to_string(),
        events: vec![Appended {
            event_id: Uuid::new_v4(),
            sequence: 1,
            global_position: 1,
            event_type: "OrderPlaced".into(),
        }],
    };
    let trace = Uuid::new_v4().simple().to_string();
    let context = aggregates::Context {
        correlation_id: Uuid::new_v4().to_string(),
        causation_id: Uuid::new_v4().to_string(),
        traceparent: format!("00-{trace}-{}-01", &trace[..16]),
        actor: "loadgen".into(),
    };
    match publisher.publish(&committed, &context).await {
        Published::Sent { .. } => Ok(()),
        other => anyhow::bail!("not sent: {other:?}"),
    }
}
