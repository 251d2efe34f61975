//! The write side of shop and the one door to the `events` table.
//!
//! - [`log`]: every SQL statement on `events`: the append, load probes, reading in commit order.
//! - [`Streams`]: one aggregate type's streams (loading, snapshots, kept copies), generic over it.
//! - [`Store`]: executes a command on any registered aggregate and [`publish`]es what it appended.
//! - [`prices`] and [`ledger`]: the domain's ports (`Catalog`, the saga's `Ledger`) on the store.
//! - [`ordering`]: placing an order once per `Idempotency-Key` ([`idempotency`] keeps the keys).

pub mod error;
pub mod idempotency;
pub mod ledger;
pub mod log;
pub mod ordering;
pub mod prices;
pub mod publish;
pub mod store;
pub mod streams;
#[cfg(feature = "testing")]
pub mod testing;

use std::sync::Arc;

use aggregates::{Order, OrderServices, Stock};
use sqlx::PgPool;

pub use error::{CommandError, StoreError};
pub use log::{Appended, Committed, Cursor, StoredEvent};
pub use store::Store;
pub use streams::{Streamed, Streams};

use crate::prices::StorePrices;
use crate::publish::Publisher;

/// The shop's store: its two aggregate types registered. `Order`s load from their events (they
/// are short); `Stock`s from a snapshot every `stock_snapshot_every` events, and each process
/// keeps the ones it commands.
pub fn shop_store(
    pool: PgPool,
    stock_snapshot_every: usize,
    publisher: Option<Publisher>,
) -> Store {
    let prices = OrderServices {
        catalog: Arc::new(StorePrices::new(pool.clone())),
    };
    Store::builder(pool.clone())
        .serve(Streams::<Order>::new(pool.clone(), prices))
        .serve(
            Streams::<Stock>::new(pool, ())
                .snapshot_every(stock_snapshot_every)
                .keeping(),
        )
        .publishing(publisher)
        .build()
}
