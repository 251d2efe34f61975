//! The stock reservation saga: turns a placed order into reserved stock and a confirmed or
//! rejected order, and gives the units back when an order is cancelled.
//!
//! It holds no state of its own. Every step is a command whose aggregate makes it idempotent
//! (a second `ReserveStock` for the same order appends nothing, releasing twice releases once,
//! confirming a confirmed order appends nothing), and it acts only on orders still `pending`, so
//! running it twice over the same events does nothing new. The [`Ledger`] it drives is the
//! platform's command executor in production, which retries optimistic-concurrency conflicts.

use async_trait::async_trait;
use uuid::Uuid;

use crate::unavailable::Unavailable;
use crate::{OrderCommand, OrderError, OrderEvent, OrderStatus, StockCommand, StockError};

/// A command that did not go through.
#[derive(Debug)]
pub enum Refusal<E> {
    /// The aggregate said no: a business outcome the saga acts on.
    Domain(E),
    /// The store or the network failed: the saga stops and the event is handled again later.
    Unavailable(Unavailable),
}

/// The saga's view of the system: execute a command, read an order's status.
#[async_trait]
pub trait Ledger: Send + Sync {
    async fn stock(&self, sku: &str, command: StockCommand) -> Result<(), Refusal<StockError>>;
    async fn order(&self, order_id: Uuid, command: OrderCommand)
    -> Result<(), Refusal<OrderError>>;
    async fn order_status(&self, order_id: Uuid) -> Result<OrderStatus, Unavailable>;
}

/// What the saga did with one event, for logs and metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Confirmed,
    Rejected {
        reason: Rejection,
    },
    /// The order was cancelled while the saga worked: what it had reserved went back.
    Released,
    /// Nothing to do: not an event the saga reacts to, or an order already settled.
    Skipped,
}

/// Reacts to one `Order` event. `Err` means the store was unavailable: nothing is lost, because
/// every step already taken is idempotent and the caller retries the same event.
pub async fn on_order_event(
    ledger: &dyn Ledger,
    order_id: Uuid,
    event: &OrderEvent,
) -> Result<Outcome, Unavailable> {
    match event {
        OrderEvent::OrderPlaced { lines, .. } => {
            if ledger.order_status(order_id).await? != OrderStatus::Pending {
                return Ok(Outcome::Skipped);
            }
            let mut reserved = Vec::with_capacity(lines.len());
            for line in lines {
                let reserve = StockCommand::ReserveStock {
                    order_id,
                    quantity: line.quantity,
                };
                match ledger.stock(&line.sku, reserve).await {
                    Ok(()) => reserved.push(line.sku.as_str()),
                    Err(Refusal::Domain(refused)) => {
                        let reason = Rejection::of(&line.sku, refused);
                        release(ledger, order_id, &reserved).await?;
                        return match ledger
                            .order(
                                order_id,
                                OrderCommand::RejectOrder {
                                    reason: reason.to_string(),
                                },
                            )
                            .await
                        {
                            Ok(()) => Ok(Outcome::Rejected { reason }),
                            // Cancelled meanwhile: the units are back either way.
                            Err(Refusal::Domain(_)) => Ok(Outcome::Released),
                            Err(Refusal::Unavailable(e)) => Err(e),
                        };
                    }
                    Err(Refusal::Unavailable(e)) => return Err(e),
                }
            }
            match ledger.order(order_id, OrderCommand::ConfirmOrder).await {
                Ok(()) => Ok(Outcome::Confirmed),
                Err(Refusal::Domain(_)) => {
                    release(ledger, order_id, &reserved).await?;
                    Ok(Outcome::Released)
                }
                Err(Refusal::Unavailable(e)) => Err(e),
            }
        }
        OrderEvent::OrderCancelled { lines } => {
            let skus: Vec<&str> = lines.iter().map(|l| l.sku.as_str()).collect();
            release(ledger, order_id, &skus).await?;
            Ok(Outcome::Released)
        }
        OrderEvent::OrderConfirmed | OrderEvent::OrderRejected { .. } => Ok(Outcome::Skipped),
    }
}

async fn release(ledger: &dyn Ledger, order_id: Uuid, skus: &[&str]) -> Result<(), Unavailable> {
    for sku in skus {
        match ledger
            .stock(sku, StockCommand::ReleaseReservation { order_id })
            .await
        {
            // Releasing is a no-op where nothing is reserved, so a domain refusal cannot happen
            // for a registered SKU; an unregistered one holds nothing to release.
            Ok(()) | Err(Refusal::Domain(_)) => {}
            Err(Refusal::Unavailable(e)) => return Err(e),
        }
    }
    Ok(())
}

/// Why the saga rejected an order: a kind a metric can count, and the shopper-facing reason the
/// `OrderRejected` event records (its `Display`), always naming the SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Fewer units available than the line asked for.
    InsufficientStock(StockError),
    /// The SKU was never registered.
    NotInCatalog { sku: String },
    /// Any other refusal of the stock.
    Refused { sku: String, refused: StockError },
}

impl Rejection {
    fn of(sku: &str, refused: StockError) -> Self {
        match refused {
            StockError::Insufficient { .. } => Self::InsufficientStock(refused),
            StockError::NotRegistered => Self::NotInCatalog {
                sku: sku.to_string(),
            },
            other => Self::Refused {
                sku: sku.to_string(),
                refused: other,
            },
        }
    }

    /// Few values, for a metric dimension: the kind of reason, not its text.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InsufficientStock(_) => "insufficient_stock",
            Self::NotInCatalog { .. } => "not_in_catalog",
            Self::Refused { .. } => "other",
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InsufficientStock(refused) => write!(f, "{refused}"),
            Self::NotInCatalog { sku } => write!(f, "product {sku} is not in the catalog"),
            Self::Refused { sku, refused } => write!(f, "{sku}: {refused}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use cqrs_es::Aggregate;
    use cqrs_es::event_sink::EventSink;

    use super::*;
    use crate::{Catalog, Order, OrderServices, Stock};

    /// The saga's ledger over the real aggregates held in memory: commands go through `handle`,
    /// events through `apply`, exactly as the store-backed ledger does, minus the database.
    #[derive(Default)]
    struct MemoryLedger {
        stock: Mutex<HashMap<String, Stock>>,
        orders: Mutex<HashMap<Uuid, Order>>,
        appended: Mutex<usize>,
    }

    struct NoCatalog;
    #[async_trait]
    impl Catalog for NoCatalog {
        async fn prices(&self, _: &[String]) -> Result<HashMap<String, i64>, Unavailable> {
            Ok(HashMap::new())
        }
    }

    async fn run<A: Aggregate + Clone>(
        aggregate: &mut A,
        command: A::Command,
        services: &A::Services,
    ) -> Result<usize, A::Error> {
        let mut working = aggregate.clone();
        let sink = EventSink::default();
        working.handle(command, services, &sink).await?;
        let events = sink.collect().await;
        let n = events.len();
        for event in events {
            aggregate.apply(event);
        }
        Ok(n)
    }

    #[async_trait]
    impl Ledger for MemoryLedger {
        async fn stock(&self, sku: &str, command: StockCommand) -> Result<(), Refusal<StockError>> {
            let mut stock = self.stock.lock().unwrap().remove(sku).unwrap_or_default();
            let result = run(&mut stock, command, &()).await;
            self.stock.lock().unwrap().insert(sku.to_string(), stock);
            *self.appended.lock().unwrap() += result.clone().unwrap_or(0);
            result.map(drop).map_err(Refusal::Domain)
        }
        async fn order(&self, id: Uuid, command: OrderCommand) -> Result<(), Refusal<OrderError>> {
            let mut order = self.orders.lock().unwrap().remove(&id).unwrap_or_default();
            let services = OrderServices {
                catalog: Arc::new(NoCatalog),
            };
            let result = run(&mut order, command, &services).await;
            self.orders.lock().unwrap().insert(id, order);
            *self.appended.lock().unwrap() += result.clone().unwrap_or(0);
            result.map(drop).map_err(Refusal::Domain)
        }
        async fn order_status(&self, id: Uuid) -> Result<OrderStatus, Unavailable> {
            Ok(self
                .orders
                .lock()
                .unwrap()
                .get(&id)
                .map_or(OrderStatus::New, Order::status))
        }
    }

    impl MemoryLedger {
        async fn with_stock(units: &[(&str, u32)]) -> Self {
            let ledger = Self::default();
            for (sku, units) in units {
                let register = StockCommand::RegisterProduct {
                    sku: sku.parse().unwrap(),
                    name: sku.to_string(),
                    description: String::new(),
                    price_cents: 100.try_into().unwrap(),
                    image_url: None,
                    initial_stock: *units,
                };
                ledger.stock(sku, register).await.unwrap();
            }
            ledger
        }

        /// Places an order directly as its event, so the saga has something to react to.
        fn place(&self, id: Uuid, lines: &[(&str, u32)]) -> OrderEvent {
            let event = OrderEvent::OrderPlaced {
                order_id: id,
                customer_id: "shopper".into(),
                lines: lines
                    .iter()
                    .map(|(sku, quantity)| crate::OrderLine {
                        sku: sku.to_string(),
                        quantity: *quantity,
                        unit_price_cents: 100,
                    })
                    .collect(),
                total_cents: 0,
            };
            let mut order = Order::default();
            order.apply(event.clone());
            self.orders.lock().unwrap().insert(id, order);
            event
        }

        fn available(&self, sku: &str) -> u32 {
            self.stock.lock().unwrap()[sku].available()
        }

        fn status(&self, id: Uuid) -> OrderStatus {
            self.orders.lock().unwrap()[&id].status()
        }

        fn appended(&self) -> usize {
            *self.appended.lock().unwrap()
        }
    }

    #[tokio::test]
    async fn an_order_with_stock_for_every_line_is_confirmed() {
        let ledger = MemoryLedger::with_stock(&[("TEA-1", 5), ("MUG-2", 1)]).await;
        let id = Uuid::new_v4();
        let placed = ledger.place(id, &[("TEA-1", 2), ("MUG-2", 1)]);
        let outcome = on_order_event(&ledger, id, &placed).await.unwrap();
        assert_eq!(outcome, Outcome::Confirmed);
        assert_eq!(ledger.status(id), OrderStatus::Confirmed);
        assert_eq!(ledger.available("TEA-1"), 3);
        assert_eq!(ledger.available("MUG-2"), 0);
    }

    #[tokio::test]
    async fn a_short_line_rejects_the_order_and_releases_the_others() {
        let ledger = MemoryLedger::with_stock(&[("TEA-1", 5), ("MUG-2", 1)]).await;
        let id = Uuid::new_v4();
        let placed = ledger.place(id, &[("TEA-1", 2), ("MUG-2", 3)]);
        let outcome = on_order_event(&ledger, id, &placed).await.unwrap();
        let Outcome::Rejected { reason } = outcome else {
            panic!("rejected, not {outcome:?}");
        };
        assert_eq!(reason.kind(), "insufficient_stock");
        assert_eq!(
            reason.to_string(),
            "insufficient stock for MUG-2: 3 requested, 1 available"
        );
        assert_eq!(ledger.status(id), OrderStatus::Rejected);
        assert_eq!(ledger.available("TEA-1"), 5, "TEA-1 was released");
        assert_eq!(ledger.available("MUG-2"), 1);
    }

    #[tokio::test]
    async fn running_twice_over_the_same_event_appends_nothing_new() {
        let ledger = MemoryLedger::with_stock(&[("TEA-1", 1)]).await;
        let (ok, short) = (Uuid::new_v4(), Uuid::new_v4());
        let placed_ok = ledger.place(ok, &[("TEA-1", 1)]);
        let placed_short = ledger.place(short, &[("TEA-1", 1)]);
        on_order_event(&ledger, ok, &placed_ok).await.unwrap();
        on_order_event(&ledger, short, &placed_short).await.unwrap();
        let appended = ledger.appended();
        // Restocking in between must not let the replay of the rejected order reserve now.
        ledger
            .stock("TEA-1", StockCommand::Restock { quantity: 5 })
            .await
            .unwrap();
        let appended = appended + 1;
        for (id, event) in [(ok, &placed_ok), (short, &placed_short)] {
            let outcome = on_order_event(&ledger, id, event).await.unwrap();
            assert_eq!(outcome, Outcome::Skipped);
        }
        assert_eq!(ledger.appended(), appended);
        assert_eq!(ledger.available("TEA-1"), 5);
    }

    #[tokio::test]
    async fn a_cancelled_order_gives_its_units_back_once() {
        let ledger = MemoryLedger::with_stock(&[("TEA-1", 4)]).await;
        let id = Uuid::new_v4();
        let placed = ledger.place(id, &[("TEA-1", 3)]);
        on_order_event(&ledger, id, &placed).await.unwrap();
        assert_eq!(ledger.available("TEA-1"), 1);
        ledger.order(id, OrderCommand::CancelOrder).await.unwrap();
        let cancelled = OrderEvent::OrderCancelled {
            lines: ledger.orders.lock().unwrap()[&id].lines().to_vec(),
        };
        for _ in 0..2 {
            on_order_event(&ledger, id, &cancelled).await.unwrap();
            assert_eq!(ledger.available("TEA-1"), 4);
        }
    }

    #[tokio::test]
    async fn an_order_cancelled_before_the_saga_runs_reserves_nothing() {
        let ledger = MemoryLedger::with_stock(&[("TEA-1", 4)]).await;
        let id = Uuid::new_v4();
        let placed = ledger.place(id, &[("TEA-1", 3)]);
        ledger.order(id, OrderCommand::CancelOrder).await.unwrap();
        let outcome = on_order_event(&ledger, id, &placed).await.unwrap();
        assert_eq!(outcome, Outcome::Skipped);
        assert_eq!(ledger.available("TEA-1"), 4);
    }

    #[tokio::test]
    async fn an_unregistered_sku_rejects_with_its_name() {
        let ledger = MemoryLedger::with_stock(&[("TEA-1", 4)]).await;
        let id = Uuid::new_v4();
        let placed = ledger.place(id, &[("TEA-1", 1), ("GONE-1", 1)]);
        let outcome = on_order_event(&ledger, id, &placed).await.unwrap();
        let Outcome::Rejected { reason } = outcome else {
            panic!("rejected, not {outcome:?}");
        };
        assert_eq!(reason.kind(), "not_in_catalog");
        assert_eq!(reason.to_string(), "product GONE-1 is not in the catalog");
        assert_eq!(ledger.available("TEA-1"), 4);
    }
}
