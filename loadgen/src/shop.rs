//! `loadgen run`: N shoppers, each signed in to Cognito as its own user, browsing, ordering,
//! cancelling and placing oversized orders against the API for a fixed time, closed loop (as fast
//! as answers come) or open loop at a total rate. Latency is measured from when a request was due,
//! not from when it was sent, so a stalled server cannot hide behind a stalled generator
//! (coordinated omission).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::stats::{self, KindStats, KindSummary, Percentiles, fmt_ms};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Browse,
    Order,
    Cancel,
    Oversized,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Browse, Kind::Order, Kind::Cancel, Kind::Oversized];
    fn name(self) -> &'static str {
        match self {
            Kind::Browse => "browse",
            Kind::Order => "order",
            Kind::Cancel => "cancel",
            Kind::Oversized => "oversized",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Mix(Vec<(Kind, u32)>);

impl FromStr for Mix {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut weights = Vec::new();
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let (name, weight) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: write kind=weight"))?;
            let kind = Kind::ALL
                .into_iter()
                .find(|k| k.name() == name.trim())
                .ok_or_else(|| {
                    format!("{name:?} is not a kind: browse, order, cancel, oversized")
                })?;
            let weight: u32 = weight
                .trim()
                .parse()
                .map_err(|_| format!("{weight:?} is not a whole number"))?;
            weights.push((kind, weight));
        }
        if weights.iter().map(|(_, w)| w).sum::<u32>() == 0 {
            return Err("the weights add up to zero".into());
        }
        Ok(Self(weights))
    }
}

impl Mix {
    fn pick(&self, rng: &mut StdRng) -> Kind {
        let total: u32 = self.0.iter().map(|(_, w)| w).sum();
        let mut n = rng.random_range(0..total);
        for &(kind, w) in &self.0 {
            if n < w {
                return kind;
            }
            n -= w;
        }
        self.0[0].0
    }
}

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

struct Visibility {
    latency: Histogram<u64>,
    timeouts: u64,
}

#[derive(Serialize)]
struct Summary {
    clients: usize,
    rate: f64,
    duration_s: f64,
    mix: BTreeMap<&'static str, u32>,
    requests: u64,
    requests_per_second: f64,
    errors: u64,
    orders_accepted: u64,
    orders_accepted_per_second: f64,
    all: Percentiles,
    kinds: BTreeMap<&'static str, KindSummary>,
    visibility: Option<VisibilitySummary>,
}

#[derive(Serialize)]
struct VisibilitySummary {
    latency: Percentiles,
    timeouts: u64,
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

    let users: Vec<String> = (1..=args.clients)
        .map(|i| args.users.replace("{}", &i.to_string()))
        .collect();
    let mut tokens = Vec::with_capacity(users.len());
    for user in &users {
        tokens.push(
            sign_in(
                &http,
                &args.cognito_endpoint,
                &args.client_id,
                user,
                &args.password,
            )
            .await
            .with_context(|| format!("signing in {user}"))?,
        );
    }

    let catalog: Value = http
        .get(format!("{api}/products"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .with_context(|| format!("GET {api}/products"))?
        .json()
        .await?;
    let skus: Vec<String> = catalog["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|p| p["sku"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if skus.is_empty() {
        bail!("the catalog at {api}/products is empty: seed it first");
    }

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
        visibility: Mutex::new(Visibility {
            latency: stats::histogram(),
            timeouts: 0,
        }),
        accepted_ids: Mutex::new(Vec::new()),
        args: RunArgs { api, ..args },
    });

    let progress = tokio::spawn(progress(shared.clone()));
    let signals = tokio::spawn({
        let shared = shared.clone();
        async move {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("a SIGTERM handler installs");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = term.recv() => {},
            }
            shared.stopped.store(true, Ordering::Relaxed);
        }
    });
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        tasks.push(tokio::spawn(shopper(shared.clone(), i, token)));
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
    progress.abort();
    signals.abort();
    let a = &shared.args;
    if !a.quiet && std::io::stderr().is_terminal() {
        eprintln!();
    }

    // Stopped early: the rates cover the recorded time that passed.
    let seconds = (stopped_at
        .min(shared.end)
        .saturating_duration_since(shared.record_from))
    .as_secs_f64()
    .max(1e-9);
    let mut all = KindStats::default();
    for s in kinds.values() {
        all.merge(s);
    }
    let accepted: u64 = shared.accepted_ids.lock().await.len() as u64;
    let vis = shared.visibility.lock().await;
    let summary = Summary {
        clients: a.clients,
        rate: a.rate,
        duration_s: seconds,
        mix: a.mix.0.iter().map(|(k, w)| (k.name(), *w)).collect(),
        requests: all.latency.len(),
        requests_per_second: all.latency.len() as f64 / seconds,
        errors: all.errors,
        orders_accepted: accepted,
        orders_accepted_per_second: accepted as f64 / seconds,
        all: Percentiles::of(&all.latency),
        kinds: kinds
            .iter()
            .map(|(k, s)| (k.name(), KindSummary::of(s, seconds)))
            .collect(),
        visibility: a.visibility.then(|| VisibilitySummary {
            latency: Percentiles::of(&vis.latency),
            timeouts: vis.timeouts,
        }),
    };
    print_summary(&summary);
    if let Some(path) = &a.json {
        std::fs::write(path, serde_json::to_string_pretty(&summary)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &a.orders_out {
        let ids = shared.accepted_ids.lock().await;
        let text: String = ids.iter().map(|(id, k)| format!("{id} {k}\n")).collect();
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Cognito's USER_PASSWORD_AUTH: an unsigned InitiateAuth call, as a browser makes it.
pub async fn sign_in(
    http: &reqwest::Client,
    endpoint: &str,
    client_id: &str,
    user: &str,
    password: &str,
) -> anyhow::Result<String> {
    let response = http
        .post(endpoint.trim_end_matches('/').to_string() + "/")
        .header(
            "X-Amz-Target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )
        .header("Content-Type", "application/x-amz-json-1.1")
        .body(
            json!({
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": client_id,
                "AuthParameters": {"USERNAME": user, "PASSWORD": password},
            })
            .to_string(),
        )
        .send()
        .await?;
    let status = response.status();
    let body: Value = serde_json::from_str(&response.text().await?).unwrap_or(Value::Null);
    match body["AuthenticationResult"]["AccessToken"].as_str() {
        Some(token) if status.is_success() => Ok(token.to_string()),
        _ => bail!(
            "Cognito answered {status}: {} (create the users with scripts/local_aws.py users)",
            body["message"].as_str().unwrap_or("no token")
        ),
    }
}

type Follower = tokio::task::JoinHandle<()>;

async fn shopper(
    shared: Arc<Shared>,
    index: usize,
    token: String,
) -> (BTreeMap<Kind, KindStats>, Vec<Follower>) {
    let a = &shared.args;
    let mut rng = StdRng::from_os_rng();
    let mut stats: BTreeMap<Kind, KindStats> = BTreeMap::new();
    let mut mine: Vec<Uuid> = Vec::new();
    let mut followers = Vec::new();
    let interval =
        (a.rate > 0.0).then(|| Duration::from_secs_f64(a.clients as f64 / a.rate.max(1e-9)));
    // Spread the shoppers' schedules over one interval so they do not fire in lockstep.
    let mut next = shared.start
        + interval.map_or(Duration::ZERO, |i| {
            i.mul_f64(index as f64 / a.clients as f64)
        });
    loop {
        let due = match interval {
            Some(i) => {
                let due = next;
                next += i;
                if due >= shared.end {
                    break;
                }
                tokio::time::sleep_until(due.into()).await;
                due
            }
            None => Instant::now(),
        };
        if due >= shared.end || shared.stopped.load(Ordering::Relaxed) {
            break;
        }
        let kind = a.mix.pick(&mut rng);
        let outcome = act(&shared, &token, kind, &mine, &mut rng).await;
        let latency = due.elapsed();
        let (status, ok) = match &outcome {
            Ok((status, _)) => (status.to_string(), expected(kind, *status)),
            Err(_) => ("transport".to_string(), false),
        };
        if let Ok((202, Some((order_id, position)))) = outcome
            && matches!(kind, Kind::Order | Kind::Oversized)
        {
            mine.push(order_id);
            shared.accepted.fetch_add(1, Ordering::Relaxed);
            if due >= shared.record_from {
                shared
                    .accepted_ids
                    .lock()
                    .await
                    .push((order_id, kind.name()));
                if a.visibility {
                    followers.push(tokio::spawn(follow(
                        shared.clone(),
                        token.clone(),
                        order_id,
                        position,
                        due,
                    )));
                }
            }
        }
        if due < shared.record_from {
            continue;
        }
        shared.requests.fetch_add(1, Ordering::Relaxed);
        if !ok {
            shared.errors.fetch_add(1, Ordering::Relaxed);
        }
        if let Ok(mut live) = shared.live.lock() {
            stats::record(&mut live, latency);
        }
        let s = stats.entry(kind).or_default();
        stats::record(&mut s.latency, latency);
        *s.statuses.entry(status).or_default() += 1;
        if ok {
            s.ok += 1;
        } else {
            s.errors += 1;
        }
    }
    (stats, followers)
}

fn expected(kind: Kind, status: u16) -> bool {
    (200..300).contains(&status) || (kind == Kind::Cancel && status == 409)
}

/// One request of `kind`; an accepted order comes back with its id and position.
async fn act(
    shared: &Shared,
    token: &str,
    kind: Kind,
    mine: &[Uuid],
    rng: &mut StdRng,
) -> reqwest::Result<(u16, Option<(Uuid, i64)>)> {
    let api = &shared.args.api;
    let http = &shared.http;
    let sku = || {
        shared
            .skus
            .choose(&mut rand::rng())
            .cloned()
            .unwrap_or_default()
    };
    let request = match kind {
        Kind::Browse => {
            if rng.random_bool(0.5) {
                http.get(format!("{api}/products"))
            } else {
                http.get(format!("{api}/products/{}", sku()))
            }
        }
        Kind::Order | Kind::Oversized => {
            // The largest quantity a line may ask for: more than any seeded SKU holds, so the
            // saga rejects it.
            let lines: Vec<Value> = if kind == Kind::Oversized {
                vec![json!({"sku": sku(), "quantity": aggregates::limits::MAX_LINE_QUANTITY})]
            } else {
                let n = rng.random_range(1..=3.min(shared.skus.len()));
                shared
                    .skus
                    .choose_multiple(rng, n)
                    .map(|s| json!({"sku": s, "quantity": rng.random_range(1..=2)}))
                    .collect()
            };
            http.post(format!("{api}/orders"))
                .bearer_auth(token)
                .json(&json!({ "lines": lines }))
        }
        Kind::Cancel => match mine.choose(rng) {
            Some(id) => http
                .post(format!("{api}/orders/{id}/cancel"))
                .bearer_auth(token),
            // Nothing to cancel yet: look at my orders instead, as a shopper would.
            None => http.get(format!("{api}/orders")).bearer_auth(token),
        },
    };
    let response = request.send().await?;
    let status = response.status().as_u16();
    let body = response.bytes().await?;
    let placed = (status == 202 && matches!(kind, Kind::Order | Kind::Oversized))
        .then(|| serde_json::from_slice::<Value>(&body).ok())
        .flatten()
        .and_then(|v| {
            Some((
                v["order_id"].as_str()?.parse().ok()?,
                v["position"].as_i64()?,
            ))
        });
    Ok((status, placed))
}

/// Reads the order until the read model has applied its command's last event. The API waits up
/// to 2 s per read (`?min_position=`); this asks again until 30 s have passed.
async fn follow(shared: Arc<Shared>, token: String, order_id: Uuid, position: i64, sent: Instant) {
    let url = format!(
        "{}/orders/{order_id}?min_position={position}",
        shared.args.api
    );
    loop {
        let visible = match shared.http.get(&url).bearer_auth(&token).send().await {
            Ok(r) => r.status().is_success() && !r.headers().contains_key("x-read-model-behind"),
            Err(_) => false,
        };
        let mut v = shared.visibility.lock().await;
        if visible {
            stats::record(&mut v.latency, sent.elapsed());
            return;
        }
        if sent.elapsed() > Duration::from_secs(30) {
            v.timeouts += 1;
            return;
        }
        drop(v);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// One line a second on a terminal (overwritten in place), one every 10 s into a log.
async fn progress(shared: Arc<Shared>) {
    if shared.args.quiet {
        return;
    }
    let terminal = std::io::stderr().is_terminal();
    let every = if terminal { 1 } else { 10 };
    let total = (shared.end - shared.start).as_secs_f64();
    let mut last = (Instant::now(), 0u64);
    loop {
        tokio::time::sleep(Duration::from_secs(every)).await;
        let now = Instant::now();
        let requests = shared.requests.load(Ordering::Relaxed);
        let rate = (requests - last.1) as f64 / (now - last.0).as_secs_f64();
        last = (now, requests);
        let p99 = shared
            .live
            .lock()
            .map(|h| h.value_at_quantile(0.99) as f64 / 1000.0)
            .unwrap_or(0.0);
        let phase = if now < shared.record_from {
            "warm-up"
        } else {
            "load"
        };
        let line = format!(
            "[{:>5.1}/{total:.0} s {phase}] {requests} requests, {rate:.0}/s, {} orders accepted, {} errors, p99 {} ms",
            (now - shared.start).as_secs_f64(),
            shared.accepted.load(Ordering::Relaxed),
            shared.errors.load(Ordering::Relaxed),
            fmt_ms(p99),
        );
        if terminal {
            eprint!("\r{line:<110}");
        } else {
            eprintln!("{line}");
        }
    }
}

fn print_summary(s: &Summary) {
    let mode = if s.rate > 0.0 {
        format!("open loop at {} requests/s", s.rate)
    } else {
        "closed loop".to_string()
    };
    println!(
        "loadgen: {} shoppers, {mode}, {:.1} s recorded",
        s.clients, s.duration_s
    );
    println!(
        "{:<10} {:>8} {:>8} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8}  statuses",
        "kind",
        "requests",
        "ok",
        "errors",
        "per s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "p99.9",
        "max ms"
    );
    let row = |name: &str, k: &KindSummary| {
        let l = &k.latency;
        let statuses: Vec<String> = k.statuses.iter().map(|(s, n)| format!("{s}:{n}")).collect();
        println!(
            "{name:<10} {:>8} {:>8} {:>7} {:>9.1} {:>8} {:>8} {:>8} {:>8} {:>8}  {}",
            k.requests,
            k.ok,
            k.errors,
            k.per_second,
            fmt_ms(l.p50_ms),
            fmt_ms(l.p90_ms),
            fmt_ms(l.p99_ms),
            fmt_ms(l.p999_ms),
            fmt_ms(l.max_ms),
            statuses.join(" ")
        );
    };
    for (name, k) in &s.kinds {
        row(name, k);
    }
    let all = KindSummary {
        requests: s.requests,
        ok: s.requests - s.errors,
        errors: s.errors,
        per_second: s.requests_per_second,
        statuses: BTreeMap::new(),
        latency: s.all.clone(),
    };
    row("all", &all);
    println!(
        "orders accepted: {} ({:.1}/s)",
        s.orders_accepted, s.orders_accepted_per_second
    );
    if let Some(v) = &s.visibility {
        println!(
            "command -> read model visible: {} orders, p50 {} ms, p90 {} ms, p99 {} ms, max {} ms, {} not visible within 30 s",
            v.latency.count,
            fmt_ms(v.latency.p50_ms),
            fmt_ms(v.latency.p90_ms),
            fmt_ms(v.latency.p99_ms),
            fmt_ms(v.latency.max_ms),
            v.timeouts
        );
    }
}
