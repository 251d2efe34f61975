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
pub use stock::{Product, Stock, StockCommand, StockError, StockEvent};
pub use unavailable::Unavailable;
pub use values::{Cents, Invalid, Quantity, Sku};
