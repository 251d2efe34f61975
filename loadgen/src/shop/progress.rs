//! The progress line on stderr while the load runs (`-q` turns it off): requests, rate, accepted
//! orders, errors and a live p99, so a stall shows before the summary does.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::Shared;
use crate::stats::fmt_ms;

/// The running progress line; [`Progress::stop`] ends it.
pub struct Progress(tokio::task::JoinHandle<()>);

impl Progress {
    pub fn start(shared: Arc<Shared>) -> Self {
        Self(tokio::spawn(progress(shared)))
    }

    /// Stops the line and, on a terminal, ends the line it overwrote so the summary starts on a
    /// line of its own.
    pub fn stop(self, quiet: bool) {
        self.0.abort();
        if !quiet && std::io::stderr().is_terminal() {
            eprintln!();
        }
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
