//! How an event written by older code is read by today's code.
//!
//! `StockReceived` v1 carried `{"qty": n}`; v2 calls it `quantity`. Stored events are never
//! rewritten: every reader (cqrs-es loading an aggregate, the projections paging the log) passes
//! the stored JSON through [`upcasters`] first, so the domain only ever sees the newest shape.

use cqrs_es::persist::{EventUpcaster, SemanticVersionEventUpcaster, SerializedEvent};
use serde_json::Value;

/// The version `StockReceived` is written with today.
pub const STOCK_RECEIVED_VERSION: &str = "2";

/// Every upcaster, oldest change first, as cqrs-es's `with_upcasters` expects.
pub fn upcasters() -> Vec<Box<dyn EventUpcaster>> {
    vec![Box::new(SemanticVersionEventUpcaster::new(
        "StockReceived",
        STOCK_RECEIVED_VERSION,
        Box::new(stock_received_v1_to_v2),
    ))]
}

/// Applies every upcaster that claims the event, in order. The list is built once: the log
/// reader calls this for every event it reads.
pub fn upcast(mut event: SerializedEvent) -> SerializedEvent {
    static UPCASTERS: std::sync::LazyLock<Vec<Box<dyn EventUpcaster>>> =
        std::sync::LazyLock::new(upcasters);
    for upcaster in UPCASTERS.iter() {
        if upcaster.can_upcast(&event.event_type, &event.event_version) {
            event = upcaster.upcast(event);
        }
    }
    event
}

fn stock_received_v1_to_v2(mut payload: Value) -> Value {
    if let Some(body) = payload
        .get_mut("StockReceived")
        .and_then(Value::as_object_mut)
        && let Some(qty) = body.remove("qty")
    {
        body.insert("quantity".into(), qty);
    }
    payload
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::StockEvent;

    fn stored(version: &str, payload: Value) -> SerializedEvent {
        SerializedEvent {
            aggregate_id: "TEA-1".into(),
            sequence: 2,
            aggregate_type: "Stock".into(),
            event_type: "StockReceived".into(),
            event_version: version.into(),
            payload,
            metadata: json!({}),
        }
    }

    #[test]
    fn a_v1_stock_received_reads_as_today_s_event() {
        let event = upcast(stored("1", json!({"StockReceived": {"qty": 5}})));
        let read: StockEvent = serde_json::from_value(event.payload).unwrap();
        assert_eq!(read, StockEvent::StockReceived { quantity: 5 });
        assert_eq!(event.event_version, "2.0.0");
    }

    #[test]
    fn a_current_event_passes_unchanged() {
        let payload = json!({"StockReceived": {"quantity": 5}});
        let event = upcast(stored(STOCK_RECEIVED_VERSION, payload.clone()));
        assert_eq!(event.payload, payload);
    }
}
