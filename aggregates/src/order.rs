//! `Order`: what a shopper asked for, at the prices of the moment, and where it stands.
//!
//! An order is placed `pending`; the reservation saga then confirms or rejects it exactly once.
//! The shopper may cancel it while it is pending or confirmed (nothing ships yet in this system).
//! Prices come from the catalog through [`Catalog`] when the order is placed, in integer cents.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::limits::MAX_ORDER_LINES;
use crate::unavailable::Unavailable;
use crate::values::{Quantity, Sku};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRequest {
    pub sku: Sku,
    pub quantity: Quantity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    pub sku: String,
    pub quantity: u32,
    pub unit_price_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderCommand {
    PlaceOrder {
        order_id: Uuid,
        customer_id: String,
        lines: Vec<LineRequest>,
    },
    ConfirmOrder,
    RejectOrder {
        reason: String,
    },
    CancelOrder,
}

impl OrderCommand {
    pub fn name(&self) -> &'static str {
        match self {
            Self::PlaceOrder { .. } => "PlaceOrder",
            Self::ConfirmOrder => "ConfirmOrder",
            Self::RejectOrder { .. } => "RejectOrder",
            Self::CancelOrder => "CancelOrder",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderEvent {
    OrderPlaced {
        order_id: Uuid,
        customer_id: String,
        lines: Vec<OrderLine>,
        total_cents: i64,
    },
    OrderConfirmed,
    OrderRejected {
        reason: String,
    },
    OrderCancelled {
        /// What the saga must release: the lines as placed.
        lines: Vec<OrderLine>,
    },
}

impl DomainEvent for OrderEvent {
    fn event_type(&self) -> String {
        match self {
            Self::OrderPlaced { .. } => "OrderPlaced",
            Self::OrderConfirmed => "OrderConfirmed",
            Self::OrderRejected { .. } => "OrderRejected",
            Self::OrderCancelled { .. } => "OrderCancelled",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1".to_string()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// No order in this stream yet.
    #[default]
    New,
    Pending,
    Confirmed,
    Rejected,
    Cancelled,
}

impl OrderStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        }
    }

    /// The status `name` spells ([`OrderStatus::as_str`]).
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::New,
            Self::Pending,
            Self::Confirmed,
            Self::Rejected,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }

    /// Whether no command can move an order on from here: a rejected or a cancelled order
    /// stays so (a confirmed one may still be cancelled).
    pub const fn is_final(self) -> bool {
        matches!(self, Self::Rejected | Self::Cancelled)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("{field} {reason}")]
    Invalid { field: String, reason: String },
    #[error("unknown product {sku}")]
    UnknownSku { field: String, sku: String },
    #[error("order already exists")]
    AlreadyPlaced,
    #[error("order not found")]
    NotFound,
    #[error("order is {} and cannot be {action}", .status.as_str())]
    WrongStatus {
        status: OrderStatus,
        action: &'static str,
    },
    #[error("the catalog could not be read")]
    CatalogUnavailable(#[source] Unavailable),
}

impl OrderError {
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } | Self::UnknownSku { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// Where `PlaceOrder` reads prices. The domain only names the question; the platform answers it
/// from the event store, so a product can be ordered the moment it is registered.
#[async_trait]
pub trait Catalog: Send + Sync {
    /// Unit prices in cents of the SKUs that exist; unknown SKUs are simply absent.
    async fn prices(&self, skus: &[String]) -> Result<HashMap<String, i64>, Unavailable>;
}

#[derive(Clone)]
pub struct OrderServices {
    pub catalog: Arc<dyn Catalog>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    order_id: Option<Uuid>,
    customer_id: String,
    status: OrderStatus,
    lines: Vec<OrderLine>,
    total_cents: i64,
    reason: Option<String>,
}

impl Order {
    pub fn status(&self) -> OrderStatus {
        self.status
    }
    pub fn customer_id(&self) -> &str {
        &self.customer_id
    }
    pub fn lines(&self) -> &[OrderLine] {
        &self.lines
    }
    pub fn total_cents(&self) -> i64 {
        self.total_cents
    }
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    fn transition(&self, to: OrderStatus) -> Result<bool, OrderError> {
        use OrderStatus::*;
        let action = match to {
            Confirmed => "confirmed",
            Rejected => "rejected",
            Cancelled => "cancelled",
            New | Pending => unreachable!("no command leads back to {to:?}"),
        };
        match (self.status, to) {
            (New, _) => Err(OrderError::NotFound),
            // Repeating the transition that already happened is a no-op: the saga may retry.
            (from, to) if from == to => Ok(false),
            (Pending, _) | (Confirmed, Cancelled) => Ok(true),
            (status, _) => Err(OrderError::WrongStatus { status, action }),
        }
    }
}

/// Checks a placement before any price is looked up, naming the field at fault the way the HTTP
/// body names it (`lines[2].sku`). Each line's SKU and quantity are valid by their types.
pub fn validate_lines(lines: &[LineRequest]) -> Result<(), OrderError> {
    let invalid = |field: String, reason: &str| OrderError::Invalid {
        field,
        reason: reason.to_string(),
    };
    if lines.is_empty() {
        return Err(invalid("lines".into(), "must name at least one product"));
    }
    if lines.len() > MAX_ORDER_LINES {
        return Err(OrderError::Invalid {
            field: "lines".into(),
            reason: format!("must have at most {MAX_ORDER_LINES} lines"),
        });
    }
    let mut seen = BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        if !seen.insert(line.sku.as_str()) {
            return Err(invalid(
                format!("lines[{i}].sku"),
                "appears twice; put the whole quantity on one line",
            ));
        }
    }
    Ok(())
}

impl Aggregate for Order {
    const TYPE: &'static str = "Order";
    type Command = OrderCommand;
    type Event = OrderEvent;
    type Error = OrderError;
    type Services = OrderServices;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let event = match command {
            OrderCommand::PlaceOrder {
                order_id,
                customer_id,
                lines,
            } => {
                if self.status != OrderStatus::New {
                    return Err(OrderError::AlreadyPlaced);
                }
                validate_lines(&lines)?;
                let skus: Vec<String> = lines.iter().map(|l| l.sku.to_string()).collect();
                let prices = services
                    .catalog
                    .prices(&skus)
                    .await
                    .map_err(OrderError::CatalogUnavailable)?;
                let mut priced = Vec::with_capacity(lines.len());
                for (i, line) in lines.into_iter().enumerate() {
                    let Some(&unit_price_cents) = prices.get(line.sku.as_str()) else {
                        return Err(OrderError::UnknownSku {
                            field: format!("lines[{i}].sku"),
                            sku: line.sku.into(),
                        });
                    };
                    priced.push(OrderLine {
                        sku: line.sku.into(),
                        quantity: line.quantity.get(),
                        unit_price_cents,
                    });
                }
                // Bounded by the limits: 50 lines x 1000 units x 1e8 cents fits an i64 easily.
                let total_cents = priced
                    .iter()
                    .map(|l| i64::from(l.quantity) * l.unit_price_cents)
                    .sum();
                OrderEvent::OrderPlaced {
                    order_id,
                    customer_id,
                    lines: priced,
                    total_cents,
                }
            }
            OrderCommand::ConfirmOrder => {
                if !self.transition(OrderStatus::Confirmed)? {
                    return Ok(());
                }
                OrderEvent::OrderConfirmed
            }
            OrderCommand::RejectOrder { reason } => {
                if !self.transition(OrderStatus::Rejected)? {
                    return Ok(());
                }
                OrderEvent::OrderRejected { reason }
            }
            OrderCommand::CancelOrder => {
                if !self.transition(OrderStatus::Cancelled)? {
                    return Ok(());
                }
                OrderEvent::OrderCancelled {
                    lines: self.lines.clone(),
                }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            OrderEvent::OrderPlaced {
                order_id,
                customer_id,
                lines,
                total_cents,
            } => {
                self.order_id = Some(order_id);
                self.customer_id = customer_id;
                self.lines = lines;
                self.total_cents = total_cents;
                self.status = OrderStatus::Pending;
            }
            OrderEvent::OrderConfirmed => self.status = OrderStatus::Confirmed,
            OrderEvent::OrderRejected { reason } => {
                self.status = OrderStatus::Rejected;
                self.reason = Some(reason);
            }
            OrderEvent::OrderCancelled { .. } => self.status = OrderStatus::Cancelled,
        }
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;

    /// A fixed price list: the catalog's answers are data here, the pricing logic is the order's.
    struct PriceList(HashMap<String, i64>);

    #[async_trait]
    impl Catalog for PriceList {
        async fn prices(&self, skus: &[String]) -> Result<HashMap<String, i64>, Unavailable> {
            Ok(skus
                .iter()
                .filter_map(|s| self.0.get(s).map(|p| (s.clone(), *p)))
                .collect())
        }
    }

    fn services() -> OrderServices {
        OrderServices {
            catalog: Arc::new(PriceList(HashMap::from([
                ("TEA-1".to_string(), 450),
                ("MUG-2".to_string(), 1200),
            ]))),
        }
    }

    fn id() -> Uuid {
        Uuid::from_u128(7)
    }

    fn line(sku: &str, quantity: u32) -> LineRequest {
        LineRequest {
            sku: sku.parse().unwrap(),
            quantity: quantity.try_into().unwrap(),
        }
    }

    fn place(lines: Vec<LineRequest>) -> OrderCommand {
        OrderCommand::PlaceOrder {
            order_id: id(),
            customer_id: "shopper-1".into(),
            lines,
        }
    }

    fn placed() -> OrderEvent {
        OrderEvent::OrderPlaced {
            order_id: id(),
            customer_id: "shopper-1".into(),
            lines: vec![
                OrderLine {
                    sku: "TEA-1".into(),
                    quantity: 2,
                    unit_price_cents: 450,
                },
                OrderLine {
                    sku: "MUG-2".into(),
                    quantity: 1,
                    unit_price_cents: 1200,
                },
            ],
            total_cents: 2100,
        }
    }

    fn test() -> TestFramework<Order> {
        TestFramework::with(services())
    }

    async fn field_of(lines: Vec<LineRequest>) -> String {
        let result = test()
            .given_no_previous_events()
            .when_async(place(lines))
            .await;
        let error = result.inspect_result().unwrap_err();
        error.field().expect("a field").to_string()
    }

    #[tokio::test]
    async fn placing_prices_every_line_from_the_catalog() {
        test()
            .given_no_previous_events()
            .when_async(place(vec![line("TEA-1", 2), line("MUG-2", 1)]))
            .await
            .then_expect_events(vec![placed()]);
    }

    #[tokio::test]
    async fn placing_bad_lines_names_the_field_at_fault() {
        assert_eq!(field_of(vec![]).await, "lines");
        assert_eq!(
            field_of(vec![line("TEA-1", 1), line("TEA-1", 2)]).await,
            "lines[1].sku"
        );
        assert_eq!(field_of(vec![line("NOPE-9", 1)]).await, "lines[0].sku");
        let many = (0..=MAX_ORDER_LINES)
            .map(|i| line(&format!("SKU-{i}"), 1))
            .collect();
        assert_eq!(field_of(many).await, "lines");
    }

    #[tokio::test]
    async fn an_unknown_sku_is_named_in_the_error() {
        let result = test()
            .given_no_previous_events()
            .when_async(place(vec![line("TEA-1", 1), line("GONE-3", 1)]))
            .await;
        result.then_expect_error_message("unknown product GONE-3");
    }

    #[tokio::test]
    async fn placing_twice_is_refused() {
        test()
            .given(vec![placed()])
            .when_async(place(vec![line("TEA-1", 1)]))
            .await
            .then_expect_error(OrderError::AlreadyPlaced);
    }

    #[test]
    fn a_pending_order_is_confirmed_once() {
        test()
            .given(vec![placed()])
            .when(OrderCommand::ConfirmOrder)
            .then_expect_events(vec![OrderEvent::OrderConfirmed]);
        test()
            .given(vec![placed(), OrderEvent::OrderConfirmed])
            .when(OrderCommand::ConfirmOrder)
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_rejected_order_cannot_be_confirmed() {
        test()
            .given(vec![
                placed(),
                OrderEvent::OrderRejected {
                    reason: "insufficient stock for TEA-1".into(),
                },
            ])
            .when(OrderCommand::ConfirmOrder)
            .then_expect_error_message("order is rejected and cannot be confirmed");
    }

    #[test]
    fn a_confirmed_order_cannot_be_rejected() {
        test()
            .given(vec![placed(), OrderEvent::OrderConfirmed])
            .when(OrderCommand::RejectOrder {
                reason: "late".into(),
            })
            .then_expect_error(OrderError::WrongStatus {
                status: OrderStatus::Confirmed,
                action: "rejected",
            });
    }

    #[test]
    fn cancel_carries_the_lines_to_release() {
        let OrderEvent::OrderPlaced { lines, .. } = placed() else {
            unreachable!()
        };
        for given in [vec![placed()], vec![placed(), OrderEvent::OrderConfirmed]] {
            test()
                .given(given)
                .when(OrderCommand::CancelOrder)
                .then_expect_events(vec![OrderEvent::OrderCancelled {
                    lines: lines.clone(),
                }]);
        }
    }

    #[test]
    fn a_rejected_order_cannot_be_cancelled() {
        test()
            .given(vec![
                placed(),
                OrderEvent::OrderRejected { reason: "x".into() },
            ])
            .when(OrderCommand::CancelOrder)
            .then_expect_error_message("order is rejected and cannot be cancelled");
    }

    #[test]
    fn commands_on_a_missing_order_are_not_found() {
        for command in [
            OrderCommand::ConfirmOrder,
            OrderCommand::CancelOrder,
            OrderCommand::RejectOrder { reason: "x".into() },
        ] {
            test()
                .given_no_previous_events()
                .when(command)
                .then_expect_error(OrderError::NotFound);
        }
    }
}
