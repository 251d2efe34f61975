//! Latency recording (HDR histograms in microseconds) and the summaries printed and written as
//! JSON.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Microseconds, 1 µs to 10 minutes, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("static bounds are valid")
}

pub fn record(h: &mut Histogram<u64>, d: Duration) {
    h.saturating_record(d.as_micros().clamp(1, u128::from(u64::MAX)) as u64);
}

/// Waits for workers that each return their latencies and error count; all of them together.
pub async fn gather(
    workers: Vec<tokio::task::JoinHandle<(Histogram<u64>, u64)>>,
) -> anyhow::Result<(Histogram<u64>, u64)> {
    let mut all = histogram();
    let mut errors = 0;
    for worker in workers {
        let (h, e) = worker.await?;
        all.add(&h).expect("same bounds");
        errors += e;
    }
    Ok((all, errors))
}

/// Percentiles in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Percentiles {
    pub count: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Percentiles {
    pub fn of(h: &Histogram<u64>) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        if h.is_empty() {
            return Self {
                count: 0,
                p50_ms: 0.0,
                p90_ms: 0.0,
                p99_ms: 0.0,
                p999_ms: 0.0,
                max_ms: 0.0,
                mean_ms: 0.0,
            };
        }
        Self {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.50)),
            p90_ms: ms(h.value_at_quantile(0.90)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
            mean_ms: h.mean() / 1000.0,
        }
    }
}

/// What one kind of request did.
#[derive(Debug, Clone)]
pub struct KindStats {
    pub latency: Histogram<u64>,
    /// HTTP status (or "transport" for a request that got no response) -> count.
    pub statuses: BTreeMap<String, u64>,
    /// Responses the kind expects (2xx, and 409 for a cancel of a settled order).
    pub ok: u64,
    pub errors: u64,
}

impl Default for KindStats {
    fn default() -> Self {
        Self {
            latency: histogram(),
            statuses: BTreeMap::new(),
            ok: 0,
            errors: 0,
        }
    }
}

impl KindStats {
    pub fn merge(&mut self, other: &KindStats) {
        self.latency
            .add(&other.latency)
            .expect("histograms share bounds");
        for (k, v) in &other.statuses {
            *self.statuses.entry(k.clone()).or_default() += v;
        }
        self.ok += other.ok;
        self.errors += other.errors;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KindSummary {
    pub requests: u64,
    pub ok: u64,
    pub errors: u64,
    pub per_second: f64,
    pub statuses: BTreeMap<String, u64>,
    pub latency: Percentiles,
}

impl KindSummary {
    pub fn of(stats: &KindStats, seconds: f64) -> Self {
        Self {
            requests: stats.latency.len(),
            ok: stats.ok,
            errors: stats.errors,
            per_second: stats.latency.len() as f64 / seconds.max(1e-9),
            statuses: stats.statuses.clone(),
            latency: Percentiles::of(&stats.latency),
        }
    }
}

pub fn fmt_ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}
