//! The projector's metrics, through the `metrics` facade (exported as EMF and on `/metrics`, see
//! platform::metrics): what each follower applied, what the saga decided and how long each
//! decision took (as the store recorded it, projections::decisions), each follower's lag, the queue's oldest message and the dead-letter queue.

use aggregates::saga::Outcome;
use projections::Status;
use projections::read_model::Applied;

pub const SERVICE: &str = "stock-projector";

/// The metrics that must read zero before anything is counted: the order-decision latency, so
/// that the first decisions a restarted projector measures are an increase Prometheus sees.
pub fn register() {
    // Registering is enough: the exporter renders a registered histogram with zero counts.
    let _ = metrics::histogram!("OrderDecisionLatency");
}

/// What follower `name` just applied.
pub fn applied(name: &str, applied: &Applied) {
    if applied.events == 0 {
        return;
    }
    metrics::counter!("EventsApplied", "Projection" => name.to_string())
        .increment(applied.events as u64);
    if let Some(n) = applied
        .by_type
        .get("StockReserved")
        .filter(|_| name == "catalog")
    {
        metrics::counter!("StockReserved").increment(*n as u64);
    }
    for outcome in &applied.outcomes {
        match outcome {
            Outcome::Confirmed => metrics::counter!("OrdersConfirmed").increment(1),
            // A dimension needs few values: the kind of reason, not its text.
            Outcome::Rejected { reason } => {
                metrics::counter!("OrdersRejected", "Reason" => reason.kind()).increment(1)
            }
            Outcome::Released | Outcome::Skipped => {}
        }
    }
    for ms in &applied.decision_ms {
        metrics::histogram!("OrderDecisionLatency").record(*ms);
    }
}

/// Each follower's lag behind the head of the log.
pub fn lag(statuses: &[Status]) {
    for s in statuses {
        metrics::gauge!("ProjectionLagEvents", "Projection" => s.name).set(s.lag_events as f64);
        metrics::gauge!("ProjectionLagMs", "Projection" => s.name).set(s.lag_ms as f64);
    }
}

/// Messages this projector could not read, left for the dead-letter queue.
pub fn unreadable(count: usize) {
    if count > 0 {
        metrics::counter!("DLQMessages").increment(count as u64);
    }
}

/// The age of the oldest message of a batch just received, in seconds.
pub fn oldest_message(age_seconds: f64) {
    metrics::gauge!("QueueOldestMessageAge").set(age_seconds.max(0.0));
}

/// How many messages wait in the dead-letter queue.
pub fn dead_letters(depth: u64) {
    metrics::gauge!("DLQDepth").set(depth as f64);
}
