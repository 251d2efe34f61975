//! `--visibility` and `--decided`: following an accepted order until the read model shows it, or
//! until the saga has decided it, for the command → read model (or → decided) latency. One task
//! per order, so a slow read model never holds a shopper back.

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

/// Reads the order until the read model has applied its command's last event (or, `decided`,
/// until its status is no longer pending). The API waits up to 2 s per read (`?min_position=`),
/// up to 10 s for a decision (`?wait_for_change_from=pending`); this asks again until 30 s have
/// passed.
pub async fn follow(
    shared: Arc<Shared>,
    token: String,
    order_id: Uuid,
    position: i64,
    sent: Instant,
    decided: bool,
) {
    let url = format!(
        "{}/orders/{order_id}?min_position={position}{}",
        shared.args.api,
        if decided {
            "&wait_for_change_from=pending"
        } else {
            ""
        }
    );
    loop {
        let visible = match shared.http.get(&url).bearer_auth(&token).send().await {
            Ok(r) if decided && r.status().is_success() => r
                .json::<serde_json::Value>()
                .await
                .is_ok_and(|order| order["status"] != "pending"),
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
