//! The projector's metrics, as CloudWatch EMF lines: what each follower applied, what the saga
//! decided, each follower's lag, unreadable messages.

use aggregates::saga::Outcome;
use platform::metrics::{Record, Unit};
use projections::Status;
use projections::read_model::Applied;

pub const SERVICE: &str = "stock-projector";

/// What follower `name` just applied.
pub fn applied(name: &str, applied: &Applied) {
    if applied.events == 0 {
        return;
    }
    Record::new(SERVICE)
        .dimension("Projection", name)
        .metric("EventsApplied", applied.events as f64, Unit::Count)
        .emit();
    if let Some(n) = applied
        .by_type
        .get("StockReserved")
        .filter(|_| name == "catalog")
    {
        Record::new(SERVICE)
            .metric("StockReserved", *n as f64, Unit::Count)
            .emit();
    }
    let confirmed = applied
        .outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Confirmed))
        .count();
    if confirmed > 0 {
        Record::new(SERVICE)
            .metric("OrdersConfirmed", confirmed as f64, Unit::Count)
            .emit();
    }
    let mut rejected = std::collections::BTreeMap::<&str, usize>::new();
    for outcome in &applied.outcomes {
        if let Outcome::Rejected { reason } = outcome {
            // A dimension needs few values: the kind of reason, not its text.
            *rejected.entry(reason.kind()).or_default() += 1;
        }
    }
    for (reason, n) in rejected {
        Record::new(SERVICE)
            .dimension("Reason", reason)
            .metric("OrdersRejected", n as f64, Unit::Count)
            .emit();
    }
}

/// Each follower's lag behind the head of the log.
pub fn lag(statuses: &[Status]) {
    for s in statuses {
        Record::new(SERVICE)
            .dimension("Projection", s.name)
            .metric("ProjectionLagEvents", s.lag_events as f64, Unit::Count)
            .metric("ProjectionLagMs", s.lag_ms as f64, Unit::Milliseconds)
            .emit();
    }
}

/// Messages this projector could not read, left for the dead-letter queue.
pub fn unreadable(count: usize) {
    if count > 0 {
        Record::new(SERVICE)
            .metric("DLQMessages", count as f64, Unit::Count)
            .emit();
    }
}
