//! The operator's commands: `run` the service, `status`, `trace` one order, `rebuild` read
//! models, and the container's `healthcheck`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use eventstore::shop_store;
use platform::Settings;
use platform::faults::FaultSwitches;
use projections::{Projector, ReadModels};
use tokio::sync::watch;

use crate::consumer::Queue;
use crate::crash::CrashSwitch;
use crate::worker::Worker;
use crate::{http, reporting};

#[derive(Parser)]
#[command(
    version,
    about = "Runs the stock reservation saga and builds the read models"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Consume the event queue and keep every projection caught up.
    Run {
        /// Health and status address (default: PROJECTOR_HTTP_ADDR, else 127.0.0.1:8081).
        #[arg(long)]
        http: Option<SocketAddr>,
        /// Seconds a receive waits for a message before catching up anyway (default:
        /// PROJECTOR_POLL_SECONDS, else 2).
        #[arg(long, value_parser = clap::value_parser!(i32).range(0..=20))]
        poll_seconds: Option<i32>,
        /// Seconds a received message stays hidden (renewed while its batch runs); a message
        /// this projector cannot read comes back after it (default: PROJECTOR_VISIBILITY_SECONDS,
        /// else 60).
        #[arg(long, value_parser = clap::value_parser!(i32).range(1..=43_200))]
        visibility_seconds: Option<i32>,
    },
    /// Print each projection's checkpoint and lag.
    Status,
    /// Exit 0 when the running projector's /healthz answers 200 (the container's health check:
    /// the runtime image has no shell and no curl).
    Healthcheck {
        /// The running projector's health address (default: PROJECTOR_HTTP_ADDR, else
        /// 127.0.0.1:8081); 0.0.0.0 is asked on 127.0.0.1.
        #[arg(long)]
        http: Option<SocketAddr>,
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

impl Cli {
    /// Runs the command with `settings`.
    pub async fn run(self, settings: Settings) -> anyhow::Result<()> {
        match self.command {
            Command::Run {
                http,
                poll_seconds,
                visibility_seconds,
            } => {
                let mut settings = settings;
                let projector = &mut settings.projector;
                projector.http_addr = http.unwrap_or(projector.http_addr);
                projector.poll_seconds = poll_seconds.unwrap_or(projector.poll_seconds);
                projector.visibility_seconds =
                    visibility_seconds.unwrap_or(projector.visibility_seconds);
                serve(settings).await
            }
            Command::Healthcheck { http: addr } => {
                http::healthcheck(addr.unwrap_or(settings.projector.http_addr)).await
            }
            Command::Status => {
                let pool = platform::db::connect_configured(&settings).await?;
                println!(
                    "{:<14} {:>10} {:>10} {:>10} {:>10}  last error",
                    "projection", "position", "head", "lag", "lag ms"
                );
                for s in projections::projector::status(&pool, &ReadModels::shop()).await? {
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
                let pool = platform::db::connect_configured(&settings).await?;
                let followers = ReadModels::shop().followers();
                let Some(timeline) =
                    projections::timeline::timeline(&pool, &followers, &id).await?
                else {
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
                let chosen = ReadModels::shop().chosen(projection.as_deref())?;
                let pool = platform::db::connect_configured(&settings).await?;
                let names: Vec<_> = chosen.iter().map(|p| p.name()).collect();
                let started = Instant::now();
                let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
                let mut shown = Instant::now();
                let done = projections::rebuild::rebuild(&pool, &chosen, |p| {
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
}

/// The service: the worker, its health and status server, until SIGTERM or Ctrl-C.
async fn serve(settings: Settings) -> anyhow::Result<()> {
    let pool = platform::db::connect_configured(&settings).await?;
    platform::supervision::record_start(
        &pool,
        "stock-projector",
        settings.projector.restarts,
        settings.projector.last_exit_code,
    )
    .await?;
    let faults = FaultSwitches::start(pool.clone(), &settings.faults).await?;
    let queue = match &settings.event_queue_url {
        Some(url) => Some(Queue::new(platform::aws::sqs(&settings).await, url.clone())),
        None => None,
    };
    // The saga's commands publish nothing: this projector, the queue's only consumer, reads
    // their events from the store in the same pass. Publishing them would only put three or
    // four sends per order on the queue's critical path.
    let store =
        shop_store(pool.clone(), settings.stock_snapshot_every, None).with_faults(faults.clone());
    // Decisions are measured once Prometheus has read the histogram at zero (or after three
    // scrape intervals, when nothing scrapes): see Projector::measuring_from.
    reporting::register();
    let (open, measuring) = watch::channel(false);
    tokio::spawn(async move {
        platform::metrics::first_scrape(Duration::from_secs(15)).await;
        let _ = open.send(true);
    });
    let projector = Projector::new(pool, store)
        .with_guard(Arc::new(CrashSwitch(faults.clone())))
        .measuring_from(measuring);
    let (stop_tx, stop) = watch::channel(false);
    tokio::spawn(async move {
        platform::shutdown::signal().await;
        tracing::info!("stopping after the current batch");
        let _ = stop_tx.send(true);
    });
    let (_, server) = http::serve(
        projector.clone(),
        faults,
        settings.projector.http_addr,
        stop.clone(),
    )
    .await?;
    let worker = Worker::new(
        projector,
        queue,
        settings.projector.poll_seconds,
        settings.projector.visibility_seconds,
    );
    worker.run(stop).await;
    server.await??;
    tracing::info!("stopped");
    Ok(())
}
