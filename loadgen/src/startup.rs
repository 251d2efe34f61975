//! `loadgen startup`: from a binary's exec to its first successful HTTP response, over several
//! runs, with the resident set the process reached by then. Environment passes through, so the
//! binary starts exactly as configured (database, queue, Cognito).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::json;

use crate::stats::{self, Percentiles, fmt_ms};

#[derive(clap::Args, Debug)]
pub struct StartupArgs {
    /// The binary to start (set HTTP_ADDR and the rest in the environment).
    #[arg(long)]
    bin: std::path::PathBuf,
    /// The URL whose first 2xx answer ends the clock.
    #[arg(long)]
    url: String,
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Write the summary as JSON here.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
}

pub async fn run(args: StartupArgs) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .pool_max_idle_per_host(0)
        .build()?;
    let mut h = stats::histogram();
    let mut peak_rss_kib = 0u64;
    for _ in 0..args.runs.max(1) {
        let started = Instant::now();
        let mut child = Command::new(&args.bin)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", args.bin.display()))?;
        let answered = loop {
            if let Ok(r) = http.get(&args.url).send().await
                && r.status().is_success()
            {
                break Some(started.elapsed());
            }
            if started.elapsed() > Duration::from_secs(20) || child.try_wait()?.is_some() {
                break None;
            }
            tokio::time::sleep(Duration::from_micros(500)).await;
        };
        peak_rss_kib = peak_rss_kib.max(vm_hwm_kib(child.id()).unwrap_or(0));
        let _ = child.kill();
        let _ = child.wait();
        match answered {
            Some(d) => stats::record(&mut h, d),
            None => bail!(
                "{} gave no 2xx on {} within 20 s (or exited)",
                args.bin.display(),
                args.url
            ),
        }
        // Let the port close before the next start.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let p = Percentiles::of(&h);
    println!(
        "startup: {} runs of {}, first response p50 {} ms, min {} ms, max {} ms, peak RSS {} MiB",
        p.count,
        args.bin.display(),
        fmt_ms(p.p50_ms),
        fmt_ms(h.min() as f64 / 1000.0),
        fmt_ms(p.max_ms),
        peak_rss_kib / 1024
    );
    if let Some(path) = &args.json {
        let summary = json!({"runs": p.count, "latency": p, "min_ms": h.min() as f64 / 1000.0,
            "peak_rss_kib": peak_rss_kib});
        std::fs::write(path, serde_json::to_string_pretty(&summary)?)?;
    }
    Ok(())
}

/// The process's peak resident set (VmHWM) in KiB, from /proc.
pub fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
