//! Stored events as every reader takes them: the upcasters first (cqrs-es's
//! `SemanticVersionEventUpcaster` on any stored version string), then serde into `StockEvent` or
//! `OrderEvent`. A payload that decodes must survive a round trip unchanged; nothing may panic,
//! whatever a corrupted or hand-edited row holds.

#![no_main]

use aggregates::{OrderEvent, StockEvent};
use cqrs_es::persist::SerializedEvent;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const TYPES: [(&str, &str); 8] = [
    ("Stock", "ProductRegistered"),
    ("Stock", "StockReceived"),
    ("Stock", "StockReserved"),
    ("Stock", "ReservationReleased"),
    ("Order", "OrderPlaced"),
    ("Order", "OrderConfirmed"),
    ("Order", "OrderRejected"),
    ("Order", "OrderCancelled"),
];
const VERSIONS: [&str; 6] = ["1", "2", "1.0.0", "2.0.0", "0.9", "x"];

fuzz_target!(|data: &[u8]| {
    let [t, v, rest @ ..] = data else {
        return;
    };
    let Ok(payload) = serde_json::from_slice::<Value>(rest) else {
        return;
    };
    let (aggregate_type, event_type) = TYPES[*t as usize % TYPES.len()];
    let event = aggregates::upcast::upcast(SerializedEvent {
        aggregate_id: "FUZZ-1".into(),
        sequence: 1,
        aggregate_type: aggregate_type.into(),
        event_type: event_type.into(),
        event_version: VERSIONS[*v as usize % VERSIONS.len()].into(),
        payload,
        metadata: Value::Null,
    });
    if aggregate_type == "Stock" {
        round_trip::<StockEvent>(event.payload);
    } else {
        round_trip::<OrderEvent>(event.payload);
    }
});

fn round_trip<E>(payload: Value)
where
    E: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    if let Ok(decoded) = serde_json::from_value::<E>(payload) {
        let again: E = serde_json::from_value(serde_json::to_value(&decoded).expect("serialises"))
            .expect("what decoded once decodes again");
        assert_eq!(decoded, again);
    }
}
