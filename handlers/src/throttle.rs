//! The local gateway's throttling, as API Gateway's stage throttles on AWS: a token bucket that
//! `rate` requests a second refill, `burst` deep, shared by every client. A request that finds
//! it empty is answered 429 problem+json with `Retry-After`, and counted
//! (`HttpRequestsThrottled`), so a learner meets throttling locally as on AWS. The numbers are
//! the stage's, from terraform/throttle.json; settings may raise them (the load scripts do).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;

/// A stage's throttling: requests a second and the burst above them.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
pub struct Limit {
    #[serde(rename = "rate_limit")]
    pub rate: f64,
    #[serde(rename = "burst_limit")]
    pub burst: u32,
}

impl Limit {
    /// API Gateway's stage throttling as Terraform gives it (terraform/throttle.json).
    pub fn stage() -> Self {
        serde_json::from_str(include_str!("../../terraform/throttle.json"))
            .expect("terraform/throttle.json holds rate_limit and burst_limit")
    }

    /// The stage's, with what `settings` raise.
    pub fn configured(settings: &platform::settings::GatewayThrottle) -> Self {
        let stage = Self::stage();
        Self {
            rate: settings.rate.map_or(stage.rate, f64::from),
            burst: settings.burst.map_or(stage.burst, |b| b.unsigned_abs()),
        }
    }
}

/// The bucket: how many requests it holds now, as of when.
#[derive(Debug)]
struct Bucket {
    limit: Limit,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn new(limit: Limit, now: Instant) -> Self {
        Self {
            limit,
            tokens: f64::from(limit.burst),
            at: now,
        }
    }

    /// Takes one request's token at `now`, or says how long until one is there.
    fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let refilled = now.saturating_duration_since(self.at).as_secs_f64() * self.limit.rate;
        self.tokens = (self.tokens + refilled).min(f64::from(self.limit.burst));
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - self.tokens) / self.limit.rate,
            ))
        }
    }
}

/// `router` with every request throttled by `limit`.
pub fn throttled(router: Router, limit: Limit) -> Router {
    let bucket = Arc::new(Mutex::new(Bucket::new(limit, Instant::now())));
    router.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            let taken = bucket.lock().expect("never poisoned").take(Instant::now());
            async move {
                match taken {
                    Ok(()) => next.run(request).await,
                    Err(wait) => refused(wait),
                }
            }
        },
    ))
}

/// 429 with the whole seconds until a request would pass (at least one), as `Retry-After`.
fn refused(wait: Duration) -> Response {
    metrics::counter!("HttpRequestsThrottled").increment(1);
    let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut response = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!("too many requests: the API takes a steady rate with a burst above it (API Gateway's stage throttling); retry after {seconds} s"),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_refills_it() {
        let limit = Limit {
            rate: 10.0,
            burst: 3,
        };
        let start = Instant::now();
        let mut bucket = Bucket::new(limit, start);
        for _ in 0..3 {
            assert_eq!(bucket.take(start), Ok(()));
        }
        let wait = bucket.take(start).unwrap_err();
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-9, "{wait:?}");
        assert_eq!(bucket.take(start + Duration::from_millis(100)), Ok(()));
        assert!(bucket.take(start + Duration::from_millis(100)).is_err());
        // A long rest refills no more than the burst.
        let later = start + Duration::from_secs(60);
        for _ in 0..3 {
            assert_eq!(bucket.take(later), Ok(()));
        }
        assert!(bucket.take(later).is_err());
    }

    #[test]
    fn the_stage_limit_is_read_from_terraforms_file() {
        let stage = Limit::stage();
        assert!(stage.rate > 0.0 && stage.burst >= 1, "{stage:?}");
    }
}
