//! `--visibility`: following an accepted order until the read model shows it, for the command →
//! read model latency. One task per order, so a slow read model never holds a shopper back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use uuid::Uuid;

use super::Shared;
use crate::stats;

/// A task following one order; the run waits for these after the shoppers stop.
pub type Follower = tokio::task::JoinHandle<()>;

/// What the followers measured, across shoppers.
pub struct Visibility {
    pub latency: Histogram<u64>,
    /// Orders the read model did not show within 30 s.
    pub timeouts: u64,
}

impl Default for Visibility {
    fn default() -> Self {
        Self {
            latency: stats::histogram(),
            timeouts: 0,
        }
    }
}

/// Reads the order until the read model has applied its command's last event. The API waits up
/// to 2 s per read (`?min_position=`); this asks again until 30 s have passed.
pub async fn follow(
    shared: Arc<Shared>,
    token: String,
    order_id: Uuid,
    position: i64,
    sent: Instant,
) {
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
