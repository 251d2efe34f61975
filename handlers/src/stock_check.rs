//! The order path's synchronous hop: before placing, the order function asks the stock service
//! (the stock-projector's `GET /stock`) how many units of each line's SKU are available, and
//! refuses at once a line that clearly cannot be filled. The saga stays the truth: when the
//! service is slow (past the timeout) or down (the circuit breaker is open), the order is placed
//! unchecked and the saga decides, as it always did.
//!
//! The call is a client span with the trace context propagated, so the trace and the service map
//! show order → stock-projector; `StockCheckLatency` and `StockChecks{Outcome}` count it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use aggregates::LineRequest;
use eventstore::ordering::{Admission, Shortage};
use projections::catalog::Availability;
use tracing::Instrument;

/// Failures in a row that open the breaker.
const FAILURES_TO_OPEN: u32 = 3;
/// How long an open breaker skips the check before one call tries again.
const OPEN_FOR: Duration = Duration::from_secs(10);

pub struct StockService {
    http: reqwest::Client,
    url: String,
    timeout: Duration,
    breaker: Mutex<Breaker>,
}

/// A consecutive-failure circuit breaker: closed, open until a time, then half-open (one call
/// goes through; its outcome closes or reopens it).
#[derive(Debug, Default)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
    trying: bool,
}

impl Breaker {
    /// Whether a call may go out now.
    fn allow(&mut self, now: Instant) -> bool {
        match self.open_until {
            None => true,
            Some(until) if now < until => false,
            // Half-open: one trial at a time.
            Some(_) if self.trying => false,
            Some(_) => {
                self.trying = true;
                true
            }
        }
    }

    fn succeeded(&mut self) {
        *self = Self::default();
    }

    /// Records a failure; returns true when it opened the breaker.
    fn failed(&mut self, now: Instant) -> bool {
        self.failures += 1;
        let was_open = self.open_until.is_some();
        self.trying = false;
        if self.failures >= FAILURES_TO_OPEN || was_open {
            self.open_until = Some(now + OPEN_FOR);
            return !was_open;
        }
        false
    }
}

/// What one check found.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Available,
    Short(Shortage),
    /// The check could not be made: the order goes on unchecked.
    Unchecked(&'static str),
}

impl StockService {
    pub fn new(url: &str, timeout: Duration) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(timeout)
                .build()
                .expect("a plain HTTP client builds"),
            url: url.trim_end_matches('/').to_string(),
            timeout,
            breaker: Mutex::new(Breaker::default()),
        }
    }

    async fn check(&self, lines: &[LineRequest]) -> Outcome {
        if !self.breaker().allow(Instant::now()) {
            return Outcome::Unchecked("open");
        }
        let span = tracing::info_span!(
            "stock check",
            otel.name = "GET /stock",
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            peer.service = "stock-projector",
            http.request.method = "GET",
            url.full = %format!("{}/stock", self.url),
            http.response.status_code = tracing::field::Empty,
        );
        let started = Instant::now();
        let answer = self.ask(lines).instrument(span.clone()).await;
        metrics::histogram!("StockCheckLatency").record(started.elapsed().as_secs_f64() * 1000.0);
        let outcome = match answer {
            Ok(availability) => {
                self.breaker().succeeded();
                shortage(lines, &availability).map_or(Outcome::Available, Outcome::Short)
            }
            Err(failure) => {
                span.record("otel.status_code", "ERROR");
                let opened = self.breaker().failed(Instant::now());
                tracing::warn!(
                    parent: &span,
                    error = %failure,
                    timeout_ms = self.timeout.as_millis() as u64,
                    breaker_opened = opened,
                    "stock service check failed; placing the order unchecked, the saga decides"
                );
                Outcome::Unchecked(if failure.is_timeout() {
                    "timeout"
                } else {
                    "error"
                })
            }
        };
        let label = match &outcome {
            Outcome::Available => "available",
            Outcome::Short(_) => "short",
            Outcome::Unchecked(why) => why,
        };
        metrics::counter!("StockChecks", "Outcome" => label).increment(1);
        outcome
    }

    async fn ask(&self, lines: &[LineRequest]) -> reqwest::Result<Availability> {
        let query: Vec<(&str, &str)> = lines.iter().map(|l| ("sku", l.sku.as_str())).collect();
        let mut request = self.http.get(format!("{}/stock", self.url)).query(&query);
        if let Some(traceparent) = platform::telemetry::current_traceparent() {
            request = request.header("traceparent", traceparent);
        }
        let response = request.send().await?;
        tracing::Span::current().record("http.response.status_code", response.status().as_u16());
        response.error_for_status()?.json().await
    }

    fn breaker(&self) -> std::sync::MutexGuard<'_, Breaker> {
        self.breaker
            .lock()
            .expect("never poisoned: no panics while held")
    }
}

impl Admission for StockService {
    async fn admit(&self, lines: &[LineRequest]) -> Result<(), Shortage> {
        match self.check(lines).await {
            Outcome::Short(shortage) => Err(shortage),
            Outcome::Available | Outcome::Unchecked(_) => Ok(()),
        }
    }
}

/// The first line asking for more than the stock service says is available. A SKU it does not
/// know is not judged here: pricing refuses it with 422.
fn shortage(lines: &[LineRequest], availability: &Availability) -> Option<Shortage> {
    lines.iter().enumerate().find_map(|(line, request)| {
        let known = availability
            .items
            .iter()
            .find(|a| a.sku == request.sku.as_str())?;
        let requested = request.quantity.get();
        (i64::from(requested) > i64::from(known.available)).then(|| Shortage {
            line,
            sku: known.sku.clone(),
            requested,
            available: i64::from(known.available.max(0)),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use projections::catalog::SkuAvailable;

    fn line(sku: &str, quantity: u32) -> LineRequest {
        LineRequest {
            sku: sku.parse().unwrap(),
            quantity: quantity.try_into().unwrap(),
        }
    }

    #[test]
    fn a_line_over_the_available_units_is_short_and_unknown_skus_are_not_judged() {
        let availability = Availability {
            items: vec![
                SkuAvailable {
                    sku: "TEA-1".into(),
                    available: 5,
                },
                SkuAvailable {
                    sku: "MUG-1".into(),
                    available: 1,
                },
            ],
            position: 9,
        };
        assert_eq!(shortage(&[line("TEA-1", 5)], &availability), None);
        assert_eq!(shortage(&[line("NEW-1", 50)], &availability), None);
        assert_eq!(
            shortage(&[line("TEA-1", 1), line("MUG-1", 2)], &availability),
            Some(Shortage {
                line: 1,
                sku: "MUG-1".into(),
                requested: 2,
                available: 1
            })
        );
    }

    #[test]
    fn the_breaker_opens_after_failures_in_a_row_and_one_trial_closes_it() {
        let now = Instant::now();
        let mut breaker = Breaker::default();
        assert!(!breaker.failed(now));
        breaker.succeeded();
        for _ in 1..FAILURES_TO_OPEN {
            assert!(breaker.allow(now));
            assert!(!breaker.failed(now));
        }
        assert!(breaker.failed(now), "the third failure in a row opens it");
        assert!(!breaker.allow(now + OPEN_FOR / 2), "open: no call");
        let later = now + OPEN_FOR;
        assert!(breaker.allow(later), "half-open: one trial");
        assert!(!breaker.allow(later), "only one at a time");
        assert!(
            !breaker.failed(later),
            "a failed trial reopens, not a new opening"
        );
        assert!(!breaker.allow(later + OPEN_FOR / 2));
        assert!(breaker.allow(later + OPEN_FOR));
        breaker.succeeded();
        assert!(breaker.allow(later + OPEN_FOR), "closed again");
    }
}
