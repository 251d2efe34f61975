//! `Stock`: one product (its stream id is the SKU), its catalog entry and its units.
//!
//! The invariant the whole system leans on lives here: `available = on_hand - reserved` never goes
//! below zero. Reservations are keyed by order so that the saga can retry a reservation, or run
//! twice over the same events, without reserving twice.

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::limits::{MAX_LINE_QUANTITY, MAX_ON_HAND, MAX_RESTOCK, check_description, check_name};
use crate::values::{Cents, Sku};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockCommand {
    RegisterProduct {
        sku: Sku,
        name: String,
        description: String,
        price_cents: Cents,
        image_url: Option<String>,
        initial_stock: u32,
    },
    Restock {
        quantity: u32,
    },
    ReserveStock {
        order_id: Uuid,
        quantity: u32,
    },
    ReleaseReservation {
        order_id: Uuid,
    },
    /// Points the product at an uploaded image (`/images/...`, as the storefront and CloudFront
    /// serve it).
    ChangeImage {
        image_url: String,
    },
}

/// Where product images are served from, on every deployment.
pub const IMAGE_URL_PREFIX: &str = "/images/";
/// The longest image URL a product keeps.
pub const MAX_IMAGE_URL_CHARS: usize = 512;

impl StockCommand {
    /// The command's name as it is recorded in every event's metadata.
    pub fn name(&self) -> &'static str {
        match self {
            Self::RegisterProduct { .. } => "RegisterProduct",
            Self::Restock { .. } => "Restock",
            Self::ReserveStock { .. } => "ReserveStock",
            Self::ReleaseReservation { .. } => "ReleaseReservation",
            Self::ChangeImage { .. } => "ChangeImage",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StockEvent {
    ProductRegistered {
        sku: String,
        name: String,
        description: String,
        price_cents: i64,
        image_url: Option<String>,
    },
    /// Version 2 renamed v1's `qty` to `quantity`; see [`crate::upcast`].
    StockReceived {
        quantity: u32,
    },
    StockReserved {
        order_id: Uuid,
        quantity: u32,
    },
    ReservationReleased {
        order_id: Uuid,
        quantity: u32,
    },
    /// Added after the first release: streams written before it simply have none.
    ProductImageChanged {
        image_url: String,
    },
}

impl DomainEvent for StockEvent {
    fn event_type(&self) -> String {
        match self {
            Self::ProductRegistered { .. } => "ProductRegistered",
            Self::StockReceived { .. } => "StockReceived",
            Self::StockReserved { .. } => "StockReserved",
            Self::ReservationReleased { .. } => "ReservationReleased",
            Self::ProductImageChanged { .. } => "ProductImageChanged",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        match self {
            Self::StockReceived { .. } => crate::upcast::STOCK_RECEIVED_VERSION,
            _ => "1",
        }
        .to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StockError {
    #[error("product {sku} is already registered")]
    AlreadyRegistered { sku: String },
    #[error("product is not registered")]
    NotRegistered,
    #[error("{field} {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("insufficient stock for {sku}: {requested} requested, {available} available")]
    Insufficient {
        sku: String,
        requested: u32,
        available: u32,
    },
    #[error("the reservation of {sku} for order {order_id} was already released")]
    ReservationClosed { sku: String, order_id: Uuid },
}

impl StockError {
    /// The request field at fault, for problem+json `errors`.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::AlreadyRegistered { .. } | Self::NotRegistered => Some("sku"),
            Self::Insufficient { .. } | Self::ReservationClosed { .. } => Some("quantity"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stock {
    product: Option<Product>,
    on_hand: u32,
    reserved: u32,
    /// Open reservations by order.
    reservations: BTreeMap<Uuid, u32>,
    /// Orders whose reservation was released: a late or repeated ReserveStock must not revive it.
    released: BTreeSet<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub image_url: Option<String>,
}

impl Stock {
    pub fn product(&self) -> Option<&Product> {
        self.product.as_ref()
    }
    pub fn on_hand(&self) -> u32 {
        self.on_hand
    }
    pub fn reserved(&self) -> u32 {
        self.reserved
    }
    pub fn available(&self) -> u32 {
        self.on_hand - self.reserved
    }
    pub fn reservation(&self, order_id: Uuid) -> Option<u32> {
        self.reservations.get(&order_id).copied()
    }

    fn sku(&self) -> String {
        self.product
            .as_ref()
            .map_or_else(String::new, |p| p.sku.clone())
    }

    fn decide(&self, command: StockCommand) -> Result<Vec<StockEvent>, StockError> {
        if let StockCommand::RegisterProduct {
            sku,
            name,
            description,
            price_cents,
            image_url,
            initial_stock,
        } = command
        {
            if let Some(p) = &self.product {
                return Err(StockError::AlreadyRegistered { sku: p.sku.clone() });
            }
            check_name(&name).map_err(|e| invalid("name")(e.to_string()))?;
            check_description(&description).map_err(|e| invalid("description")(e.to_string()))?;
            if let Some(url) = &image_url {
                check_image_url(url)?;
            }
            if initial_stock > MAX_RESTOCK {
                return Err(invalid("initial_stock")(format!(
                    "must be at most {MAX_RESTOCK}"
                )));
            }
            let mut events = vec![StockEvent::ProductRegistered {
                sku: sku.into(),
                name,
                description,
                price_cents: price_cents.get(),
                image_url,
            }];
            if initial_stock > 0 {
                events.push(StockEvent::StockReceived {
                    quantity: initial_stock,
                });
            }
            return Ok(events);
        }
        if self.product.is_none() {
            return Err(StockError::NotRegistered);
        }
        match command {
            StockCommand::RegisterProduct { .. } => unreachable!("handled above"),
            StockCommand::Restock { quantity } => {
                if !(1..=MAX_RESTOCK).contains(&quantity) {
                    return Err(invalid("quantity")(format!(
                        "must be between 1 and {MAX_RESTOCK}"
                    )));
                }
                if self.on_hand + quantity > MAX_ON_HAND {
                    return Err(invalid("quantity")(format!(
                        "would take on hand above {MAX_ON_HAND}"
                    )));
                }
                Ok(vec![StockEvent::StockReceived { quantity }])
            }
            StockCommand::ReserveStock { order_id, quantity } => {
                if !(1..=MAX_LINE_QUANTITY).contains(&quantity) {
                    return Err(invalid("quantity")(format!(
                        "must be between 1 and {MAX_LINE_QUANTITY}"
                    )));
                }
                if self.reservations.contains_key(&order_id) {
                    return Ok(vec![]);
                }
                if self.released.contains(&order_id) {
                    return Err(StockError::ReservationClosed {
                        sku: self.sku(),
                        order_id,
                    });
                }
                if quantity > self.available() {
                    return Err(StockError::Insufficient {
                        sku: self.sku(),
                        requested: quantity,
                        available: self.available(),
                    });
                }
                Ok(vec![StockEvent::StockReserved { order_id, quantity }])
            }
            StockCommand::ChangeImage { image_url } => {
                check_image_url(&image_url)?;
                let current = self.product.as_ref().and_then(|p| p.image_url.as_deref());
                if current == Some(image_url.as_str()) {
                    return Ok(vec![]);
                }
                Ok(vec![StockEvent::ProductImageChanged { image_url }])
            }
            StockCommand::ReleaseReservation { order_id } => {
                // Releasing what was never reserved is a no-op, so the saga can release blindly.
                Ok(self
                    .reservations
                    .get(&order_id)
                    .map(|&quantity| StockEvent::ReservationReleased { order_id, quantity })
                    .into_iter()
                    .collect())
            }
        }
    }
}

/// An image is one of ours, served under [`IMAGE_URL_PREFIX`], its key written by the server.
fn check_image_url(url: &str) -> Result<(), StockError> {
    let key = url.strip_prefix(IMAGE_URL_PREFIX).unwrap_or("");
    if key.is_empty()
        || url.chars().count() > MAX_IMAGE_URL_CHARS
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(invalid("image_url")(format!(
            "must start with {IMAGE_URL_PREFIX} and be at most {MAX_IMAGE_URL_CHARS} characters"
        )));
    }
    Ok(())
}

fn invalid(field: &'static str) -> impl Fn(String) -> StockError {
    move |reason| StockError::Invalid { field, reason }
}

impl Aggregate for Stock {
    const TYPE: &'static str = "Stock";
    type Command = StockCommand;
    type Event = StockEvent;
    type Error = StockError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            StockEvent::ProductRegistered {
                sku,
                name,
                description,
                price_cents,
                image_url,
            } => {
                self.product = Some(Product {
                    sku,
                    name,
                    description,
                    price_cents,
                    image_url,
                })
            }
            StockEvent::StockReceived { quantity } => self.on_hand += quantity,
            StockEvent::StockReserved { order_id, quantity } => {
                self.reserved += quantity;
                self.reservations.insert(order_id, quantity);
            }
            StockEvent::ReservationReleased { order_id, quantity } => {
                self.reserved -= quantity;
                self.reservations.remove(&order_id);
                self.released.insert(order_id);
            }
            StockEvent::ProductImageChanged { image_url } => {
                if let Some(product) = &mut self.product {
                    product.image_url = Some(image_url);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;
    use crate::limits::MAX_DESCRIPTION_CHARS;

    type StockTest = TestFramework<Stock>;

    fn registered() -> StockEvent {
        StockEvent::ProductRegistered {
            sku: "TEA-1".into(),
            name: "Green tea".into(),
            description: "Loose leaf".into(),
            price_cents: 450,
            image_url: None,
        }
    }

    fn register(initial_stock: u32) -> StockCommand {
        StockCommand::RegisterProduct {
            sku: "TEA-1".parse().unwrap(),
            name: "Green tea".into(),
            description: "Loose leaf".into(),
            price_cents: 450.try_into().unwrap(),
            image_url: None,
            initial_stock,
        }
    }

    fn order(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn registering_with_initial_stock_receives_it() {
        StockTest::with(())
            .given_no_previous_events()
            .when(register(10))
            .then_expect_events(vec![
                registered(),
                StockEvent::StockReceived { quantity: 10 },
            ]);
    }

    #[test]
    fn registering_without_stock_records_only_the_product() {
        StockTest::with(())
            .given_no_previous_events()
            .when(register(0))
            .then_expect_events(vec![registered()]);
    }

    #[test]
    fn registering_twice_is_refused() {
        StockTest::with(())
            .given(vec![registered()])
            .when(register(1))
            .then_expect_error(StockError::AlreadyRegistered {
                sku: "TEA-1".into(),
            });
    }

    fn register_with(
        change: impl FnOnce(&mut String, &mut String, &mut Option<String>),
    ) -> StockCommand {
        let mut c = register(0);
        if let StockCommand::RegisterProduct {
            name,
            description,
            image_url,
            ..
        } = &mut c
        {
            change(name, description, image_url);
        }
        c
    }

    #[test]
    fn registering_bad_fields_names_the_field() {
        let cases = [
            ("name", register_with(|n, _, _| *n = "  ".into())),
            // PostgreSQL cannot store NUL; no control character shows to a shopper.
            ("name", register_with(|n, _, _| *n = "Tea\0".into())),
            ("name", register_with(|n, _, _| *n = "Tea\u{85}".into())),
            (
                "description",
                register_with(|_, d, _| *d = "x".repeat(MAX_DESCRIPTION_CHARS + 1)),
            ),
            (
                "description",
                register_with(|_, d, _| *d = "a\u{1b}[31m".into()),
            ),
            (
                "image_url",
                register_with(|_, _, i| *i = Some("https://elsewhere/x.png".into())),
            ),
            ("initial_stock", register(MAX_RESTOCK + 1)),
        ];
        for (field, command) in cases {
            let error = StockTest::with(())
                .given_no_previous_events()
                .when(command)
                .inspect_result()
                .expect_err(field);
            assert_eq!(error.field(), Some(field), "{error}");
        }
    }

    #[test]
    fn a_description_may_break_lines_and_a_name_hold_inner_spaces() {
        let command = register_with(|n, d, _| {
            *n = " Earl Grey ".into();
            *d = "Line one\r\n\tLine two".into();
        });
        let events = StockTest::with(())
            .given_no_previous_events()
            .when(command)
            .inspect_result()
            .expect("accepted");
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn restock_adds_units() {
        StockTest::with(())
            .given(vec![registered()])
            .when(StockCommand::Restock { quantity: 5 })
            .then_expect_events(vec![StockEvent::StockReceived { quantity: 5 }]);
    }

    #[test]
    fn an_image_is_recorded_once_and_only_under_the_images_path() {
        let image = "/images/products/TEA-1/a.png".to_string();
        StockTest::with(())
            .given(vec![registered()])
            .when(StockCommand::ChangeImage {
                image_url: image.clone(),
            })
            .then_expect_events(vec![StockEvent::ProductImageChanged {
                image_url: image.clone(),
            }]);
        StockTest::with(())
            .given(vec![
                registered(),
                StockEvent::ProductImageChanged {
                    image_url: image.clone(),
                },
            ])
            .when(StockCommand::ChangeImage { image_url: image })
            .then_expect_events(vec![]);
        StockTest::with(())
            .given(vec![registered()])
            .when(StockCommand::ChangeImage {
                image_url: "https://elsewhere.example/a.png".into(),
            })
            .then_expect_error(StockError::Invalid {
                field: "image_url",
                reason: format!(
                    "must start with {IMAGE_URL_PREFIX} and be at most {MAX_IMAGE_URL_CHARS} characters"
                ),
            });
        StockTest::with(())
            .given_no_previous_events()
            .when(StockCommand::ChangeImage {
                image_url: "/images/x.png".into(),
            })
            .then_expect_error(StockError::NotRegistered);
    }

    #[test]
    fn restock_of_an_unknown_product_is_refused() {
        StockTest::with(())
            .given_no_previous_events()
            .when(StockCommand::Restock { quantity: 5 })
            .then_expect_error(StockError::NotRegistered);
    }

    #[test]
    fn restock_must_be_positive_and_bounded() {
        for quantity in [0, MAX_RESTOCK + 1] {
            let error = StockTest::with(())
                .given(vec![registered()])
                .when(StockCommand::Restock { quantity })
                .inspect_result()
                .unwrap_err();
            assert_eq!(error.field(), Some("quantity"));
        }
    }

    #[test]
    fn reserve_takes_available_units() {
        StockTest::with(())
            .given(vec![
                registered(),
                StockEvent::StockReceived { quantity: 3 },
            ])
            .when(StockCommand::ReserveStock {
                order_id: order(1),
                quantity: 3,
            })
            .then_expect_events(vec![StockEvent::StockReserved {
                order_id: order(1),
                quantity: 3,
            }]);
    }

    #[test]
    fn reserve_beyond_available_is_refused_naming_the_sku() {
        StockTest::with(())
            .given(vec![
                registered(),
                StockEvent::StockReceived { quantity: 3 },
                StockEvent::StockReserved {
                    order_id: order(1),
                    quantity: 2,
                },
            ])
            .when(StockCommand::ReserveStock {
                order_id: order(2),
                quantity: 2,
            })
            .then_expect_error_message("insufficient stock for TEA-1: 2 requested, 1 available");
    }

    #[test]
    fn reserving_twice_for_one_order_appends_nothing() {
        StockTest::with(())
            .given(vec![
                registered(),
                StockEvent::StockReceived { quantity: 3 },
                StockEvent::StockReserved {
                    order_id: order(1),
                    quantity: 2,
                },
            ])
            .when(StockCommand::ReserveStock {
                order_id: order(1),
                quantity: 2,
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn reserving_after_release_is_refused() {
        StockTest::with(())
            .given(vec![
                registered(),
                StockEvent::StockReceived { quantity: 3 },
                StockEvent::StockReserved {
                    order_id: order(1),
                    quantity: 2,
                },
                StockEvent::ReservationReleased {
                    order_id: order(1),
                    quantity: 2,
                },
            ])
            .when(StockCommand::ReserveStock {
                order_id: order(1),
                quantity: 2,
            })
            .then_expect_error(StockError::ReservationClosed {
                sku: "TEA-1".into(),
                order_id: order(1),
            });
    }

    #[test]
    fn release_returns_the_units_once() {
        let given = vec![
            registered(),
            StockEvent::StockReceived { quantity: 3 },
            StockEvent::StockReserved {
                order_id: order(1),
                quantity: 2,
            },
        ];
        StockTest::with(())
            .given(given.clone())
            .when(StockCommand::ReleaseReservation { order_id: order(1) })
            .then_expect_events(vec![StockEvent::ReservationReleased {
                order_id: order(1),
                quantity: 2,
            }]);
        let mut released = given;
        released.push(StockEvent::ReservationReleased {
            order_id: order(1),
            quantity: 2,
        });
        StockTest::with(())
            .given(released)
            .when(StockCommand::ReleaseReservation { order_id: order(1) })
            .then_expect_events(vec![]);
    }
}
