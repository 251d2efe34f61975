//! The summary of a run: a table on stdout, the same figures as JSON (`--json`), and the accepted
//! orders (`--orders-out`). Scripts read all three: scripts/bench greps the `order`, `orders
//! accepted` and `command` lines and loadgen/bench_report.py reads the JSON, scripts/chaos checks
//! the accepted orders against the event store. Their shape is an interface.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;

use super::Shared;
use super::mix::Kind;
use crate::stats::{KindStats, KindSummary, Percentiles, fmt_ms};

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
    /// What was waited for: `visible` in the read model, or `decided` by the saga.
    until: &'static str,
    latency: Percentiles,
    timeouts: u64,
}

/// Prints the summary of the recorded time, then writes `--json` and `--orders-out`.
pub async fn report(
    shared: &Shared,
    kinds: &BTreeMap<Kind, KindStats>,
    stopped_at: Instant,
) -> anyhow::Result<()> {
    let a = &shared.args;
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
        mix: a
            .mix
            .weights()
            .iter()
            .map(|(k, w)| (k.name(), *w))
            .collect(),
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
        visibility: (a.visibility || a.decided).then(|| VisibilitySummary {
            until: if a.decided { "decided" } else { "visible" },
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
            "command -> {}: {} orders, p50 {} ms, p90 {} ms, p99 {} ms, max {} ms, {} not {} within 30 s",
            if v.until == "decided" {
                "decided"
            } else {
                "read model visible"
            },
            v.latency.count,
            fmt_ms(v.latency.p50_ms),
            fmt_ms(v.latency.p90_ms),
            fmt_ms(v.latency.p99_ms),
            fmt_ms(v.latency.max_ms),
            v.timeouts,
            v.until
        );
    }
}
