//! `loadgen sqs`: how fast the queue itself takes `SendMessage`, with the same client, message
//! shape and attributes as the order handler's publisher, so the publishing share of an order's
//! cost can be read beside the order figures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_sqs::types::MessageAttributeValue;
use eventstore::Appended;
use eventstore::publish::EventsAppended;
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
    /// Write the summary as JSON here.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
}

pub async fn run(args: SqsArgs) -> anyhow::Result<()> {
    let client = platform::aws::sqs(&platform::Settings::from_env()?).await;
    // One send before the clock starts: connection and credentials.
    send(&client, &args.queue_url).await?;
    let end = Instant::now() + Duration::from_secs_f64(args.duration);
    let url = Arc::new(args.queue_url.clone());
    let mut tasks = Vec::new();
    for _ in 0..args.clients.max(1) {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut h = stats::histogram();
            let mut errors = 0u64;
            while Instant::now() < end {
                let started = Instant::now();
                match send(&client, &url).await {
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
        "sqs: {} senders, {} messages in {:.1} s = {rate:.1}/s, p50 {} ms, p99 {} ms, {errors} errors",
        args.clients,
        p.count,
        args.duration,
        fmt_ms(p.p50_ms),
        fmt_ms(p.p99_ms)
    );
    if let Some(path) = &args.json {
        let summary = json!({"clients": args.clients, "duration_s": args.duration,
            "messages": p.count, "per_second": rate, "errors": errors, "latency": p});
        std::fs::write(path, serde_json::to_string_pretty(&summary)?)?;
    }
    Ok(())
}

async fn send(client: &aws_sdk_sqs::Client, url: &str) -> anyhow::Result<()> {
    let order_id = Uuid::new_v4();
    let event_id = Uuid::new_v4();
    let body = EventsAppended {
        aggregate_type: "Order".into(),
        aggregate_id: order_id.to_string(),
        correlation_id: Uuid::new_v4().to_string(),
        events: vec![Appended {
            event_id,
            sequence: 1,
            global_position: 1,
            event_type: "OrderPlaced".into(),
        }],
    };
    let attribute = |v: &str| {
        MessageAttributeValue::builder()
            .data_type("String")
            .string_value(v)
            .build()
            .expect("data type and value are set")
    };
    let trace = Uuid::new_v4().simple().to_string();
    client
        .send_message()
        .queue_url(url)
        .message_body(serde_json::to_string(&body)?)
        .message_group_id(format!("Order:{order_id}"))
        .message_deduplication_id(format!("{event_id}:1"))
        .message_attributes(
            "traceparent",
            attribute(&format!("00-{trace}-{}-01", &trace[..16])),
        )
        .message_attributes("correlation_id", attribute(&body.correlation_id))
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("{}", aws_sdk_sqs::error::DisplayErrorContext(&e)))?;
    Ok(())
}
