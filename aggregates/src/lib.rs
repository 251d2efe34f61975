//! The domain of shop: two event-sourced aggregates and the saga between them.
//!
//! - [`Order`]: a shopper's order, priced from the catalog when placed, then confirmed, rejected
//!   or cancelled.
//! - [`Stock`]: one SKU's catalog entry and units; reservations never take availability below zero.
//! - [`saga`]: reserves stock for a placed order and settles it.
//!
//! Nothing here touches a database, the network or the clock: the platform crate persists these
//! aggregates with postgres-es and drives the saga from the event log.

pub mod limits;
mod metadata;
mod order;
pub mod saga;
mod stock;
mod unavailable;
pub mod upcast;
mod values;

pub use metadata::{Context, SAGA_ACTOR};
pub use order::{
    Catalog, LineRequest, Order, OrderCommand, OrderError, OrderEvent, OrderLine, OrderServices,
    OrderStatus, validate_lines,
};
pub use stock::{
    IMAGE_URL_PREFIX, MAX_IMAGE_URL_CHARS, Product, Stock, StockCommand, StockError, StockEvent,
};
pub use unavailable::Unavailable;
pub use values::{Cents, Invalid, Quantity, Sku};

/// Every event type either aggregate appends, as stored in `events.event_type`.
pub const EVENT_TYPES: &[&str] = &[
    "OrderPlaced",
    "OrderConfirmed",
    "OrderRejected",
    "OrderCancelled",
    "ProductRegistered",
    "StockReceived",
    "StockReserved",
    "ReservationReleased",
    "ProductImageChanged",
];

#[cfg(test)]
mod tests {
    use cqrs_es::DomainEvent;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn every_event_type_is_listed_once() {
        let id = Uuid::nil();
        let types: Vec<String> = [
            OrderEvent::OrderPlaced {
                order_id: id,
                customer_id: "c".into(),
                lines: vec![],
                total_cents: 0,
            }
            .event_type(),
            OrderEvent::OrderConfirmed.event_type(),
            OrderEvent::OrderRejected { reason: "r".into() }.event_type(),
            OrderEvent::OrderCancelled { lines: vec![] }.event_type(),
            StockEvent::ProductRegistered {
                sku: "S".into(),
                name: "n".into(),
                description: String::new(),
                price_cents: 1,
                image_url: None,
            }
            .event_type(),
            StockEvent::StockReceived { quantity: 1 }.event_type(),
            StockEvent::StockReserved {
                order_id: id,
                quantity: 1,
            }
            .event_type(),
            StockEvent::ReservationReleased {
                order_id: id,
                quantity: 1,
            }
            .event_type(),
            StockEvent::ProductImageChanged {
                image_url: "/images/a.png".into(),
            }
            .event_type(),
        ]
        .into();
        assert_eq!(types, EVENT_TYPES);
    }
}
