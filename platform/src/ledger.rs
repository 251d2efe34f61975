//! The saga's [`Ledger`] on the real event store: each step is a command with the saga's
//! metadata (actor `system:stock-projector`, caused by the event being handled, same correlation
//! and trace as the order), retried on conflict by [`Store`].

use std::collections::HashMap;

use aggregates::saga::{Ledger, Refusal};
use aggregates::{Context, OrderCommand, OrderError, OrderStatus, StockCommand, StockError};
use async_trait::async_trait;
use uuid::Uuid;

use crate::store::{CommandError, Store};

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
        CommandError::Conflict => Refusal::Unavailable("kept conflicting; will retry".into()),
        CommandError::Store(e) => Refusal::Unavailable(e),
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

    async fn order_status(&self, order_id: Uuid) -> Result<OrderStatus, String> {
        if let Some(status) = self.known.and_then(|known| known.get(&order_id)) {
            return Ok(*status);
        }
        self.store.load_order(order_id).await.map(|o| o.status())
    }
}
