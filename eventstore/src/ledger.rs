//! The saga's [`Ledger`] on the real event store: each step is a command with the saga's
//! metadata (actor `system:stock-projector`, caused by the event being handled, same correlation
//! and trace as the order), retried on conflict by [`Store`].

use std::collections::HashMap;

use aggregates::saga::{Ledger, Refusal};
use aggregates::{
    Context, Order, OrderCommand, OrderError, OrderStatus, StockCommand, StockError, Unavailable,
};
use async_trait::async_trait;
use uuid::Uuid;

use crate::error::CommandError;
use crate::store::Store;

pub struct StoreLedger<'a> {
    store: &'a Store,
    context: Context,
    known: Option<&'a HashMap<Uuid, OrderStatus>>,
}

impl<'a> StoreLedger<'a> {
    pub fn new(store: &'a Store, context: Context) -> Self {
        Self {
            store,
            context,
            known: None,
        }
    }

    /// The same ledger answering `order_status` from `statuses` where they hold the order (read
    /// for a whole page of events at once), and from the store otherwise.
    pub fn knowing(mut self, statuses: &'a HashMap<Uuid, OrderStatus>) -> Self {
        self.known = Some(statuses);
        self
    }
}

fn refusal<E>(error: CommandError<E>) -> Refusal<E> {
    match error {
        CommandError::Domain(e) => Refusal::Domain(e),
        CommandError::Conflict => Refusal::Unavailable(Unavailable::new(
            "the stream",
            "it kept changing under the command; the saga tries again",
        )),
        CommandError::Store(e) => Refusal::Unavailable(Unavailable::new("the event store", e)),
    }
}

#[async_trait]
impl Ledger for StoreLedger<'_> {
    async fn stock(&self, sku: &str, command: StockCommand) -> Result<(), Refusal<StockError>> {
        self.store
            .stock(sku, command, &self.context)
            .await
            .map(drop)
            .map_err(refusal)
    }

    async fn order(
        &self,
        order_id: Uuid,
        command: OrderCommand,
    ) -> Result<(), Refusal<OrderError>> {
        self.store
            .order(order_id, command, &self.context)
            .await
            .map(drop)
            .map_err(refusal)
    }

    async fn order_status(&self, order_id: Uuid) -> Result<OrderStatus, Unavailable> {
        if let Some(status) = self.known.and_then(|known| known.get(&order_id)) {
            return Ok(*status);
        }
        self.store
            .current::<Order>(&order_id.to_string())
            .await
            .map(|o| o.status())
            .map_err(|e| Unavailable::new("the event store", e))
    }
}
