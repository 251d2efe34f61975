//! `loadgen run`: N shoppers, each signed in to Cognito as its own user, browsing, ordering,
//! cancelling and placing oversized orders against the API for a fixed time, closed loop (as fast
//! as answers come) or open loop at a total rate. Latency is measured from when a request was due,
//! not from when it was sent, so a stalled server cannot hide behind a stalled generator
//! (coordinated omission).
//!
//! This module holds the options and runs the phases: sign in ([`cognito`]), read the catalog
//! ([`catalog`]), let the [`shopper`]s loose with a [`progress`] line, wait for the orders being
//! followed to the read model ([`follow`]), then [`report`].

mod catalog;
mod cognito;
mod follow;
mod mix;
mod progress;
mod report;
mod shopper;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use hdrhistogram::Histogram;
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::stats::{self, KindStats};
use follow::Visibility;
use mix::{Kind, Mix};
use progress::Progress;

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The API base URL (the gateway's /api).
    #[arg(long, env = "LOADGEN_API", default_value = "http://127.0.0.1:8080/api")]
    api: String,
    /// Where Cognito's InitiateAuth is served: moto locally, https://cognito-idp.REGION.amazonaws.com on AWS.
    #[arg(
        long,
        env = "AWS_ENDPOINT_URL",
        default_value = "http://127.0.0.1:4566"
    )]
    cognito_endpoint: String,
    /// The user pool's app client id.
    #[arg(long, env = "COGNITO_CLIENT_ID")]
    client_id: String,
    /// The shoppers' user names; `{}` becomes 1..=clients, one user per shopper. Without `{}`
    /// every shopper signs in as that one user.
    #[arg(long, default_value = "load{}@example.com")]
    users: String,
    #[arg(long, env = "LOADGEN_PASSWORD", default_value = "Load-pass-1")]
    password: String,
    /// Concurrent shoppers.
    #[arg(long, short = 'c', default_value_t = 4)]
    clients: usize,
    /// Total requests per second across shoppers; 0 = closed loop, each shopper as fast as it is answered.
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// Seconds of load, after the warm-up.
    #[arg(long, short = 'd', default_value_t = 30.0)]
    duration: f64,
    /// Seconds of load before recording starts (connections, key fetch, caches).
    #[arg(long, default_value_t = 0.0)]
    warmup: f64,
    /// Weights of the request kinds: browse, order, cancel, oversized.
    #[arg(long, default_value = "browse=40,order=45,cancel=10,oversized=5")]
    mix: Mix,
    /// After each accepted order, follow it until the read model shows it (`?min_position=`), and
    /// report command → read model latency.
    #[arg(long)]
    visibility: bool,
    /// After each accepted order, follow it until the saga has decided it (confirmed or
    /// rejected: `?wait_for_change_from=pending`), and report command -> decided latency.
    #[arg(long, conflicts_with = "visibility")]
    decided: bool,
    /// Write the summary as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write every accepted order id (and its kind) here, one per line.
    #[arg(long)]
    orders_out: Option<PathBuf>,
    /// No progress line.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// What the shoppers, the followers and the progress line share for one run.
struct Shared {
    args: RunArgs,
    http: reqwest::Client,
    skus: Vec<String>,
    start: Instant,
    record_from: Instant,
    end: Instant,
    /// Set by Ctrl-C or SIGTERM: the shoppers stop and the summary covers the time so far.
    stopped: AtomicBool,
    requests: AtomicU64,
    errors: AtomicU64,
    accepted: AtomicU64,
    live: std::sync::Mutex<Histogram<u64>>,
    visibility: Mutex<Visibility>,
    accepted_ids: Mutex<Vec<(Uuid, &'static str)>>,
}

pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    if args.clients == 0 {
        bail!("--clients must be at least 1");
    }
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients * 4)
        .timeout(Duration::from_secs(30))
        .build()?;
    let api = args.api.trim_end_matches('/').to_string();
    let tokens = cognito::sign_in_shoppers(&http, &args).await?;
    let skus = catalog::skus(&http, &api).await?;

    let start = Instant::now();
    let record_from = start + Duration::from_secs_f64(args.warmup.max(0.0));
    let end = record_from + Duration::from_secs_f64(args.duration.max(0.0));
    let shared = Arc::new(Shared {
        http,
        skus,
        start,
        record_from,
        end,
        stopped: AtomicBool::new(false),
        requests: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        accepted: AtomicU64::new(0),
        live: std::sync::Mutex::new(stats::histogram()),
        visibility: Mutex::new(Visibility::default()),
        accepted_ids: Mutex::new(Vec::new()),
        args: RunArgs { api, ..args },
    });

    let progress = Progress::start(shared.clone());
    let signals = tokio::spawn(stop_on_signal(shared.clone()));
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        tasks.push(tokio::spawn(shopper::shopper(shared.clone(), i, token)));
    }
    let mut kinds: BTreeMap<Kind, KindStats> = BTreeMap::new();
    let mut followers = Vec::new();
    for task in tasks {
        let (local, follow) = task.await?;
        for (kind, s) in local {
            kinds.entry(kind).or_default().merge(&s);
        }
        followers.extend(follow);
    }
    let stopped_at = Instant::now();
    // Orders still being followed to the read model get their answer (each is bounded).
    for f in followers {
        let _ = f.await;
    }
    signals.abort();
    progress.stop(shared.args.quiet);
    report::report(&shared, &kinds, stopped_at).await
}

/// Ctrl-C or SIGTERM ends the load early rather than the process: the summary still comes out.
async fn stop_on_signal(shared: Arc<Shared>) {
    platform::shutdown::signal().await;
    shared.stopped.store(true, Ordering::Relaxed);
}
