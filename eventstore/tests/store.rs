//! The event store on a real PostgreSQL: metadata on every event, bad input leaves nothing,
//! snapshots agree with a full replay, old event versions are upcast, and the saga never
//! oversells however many orders race for the last units.

use std::collections::HashMap;

use aggregates::saga::{Outcome, on_order_event};
use aggregates::{
    Context, Order, OrderCommand, OrderError, OrderEvent, OrderStatus, SAGA_ACTOR, Stock,
    StockCommand, StockError,
};
use eventstore::ledger::StoreLedger;
use eventstore::testing::{self, context, fresh_database, register};
use eventstore::{CommandError, Store};
use sqlx::PgPool;
use uuid::Uuid;

async fn store(snapshot_every: usize) -> (Store, PgPool) {
    let (pool, _) = fresh_database().await;
    (testing::store(&pool, snapshot_every), pool)
}

async fn event_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn place(lines: &[(&str, u32)]) -> OrderCommand {
    testing::place_order("shopper-sub", lines).1
}

#[tokio::test]
async fn every_event_carries_the_five_metadata_keys_and_its_position() {
    let (store, pool) = store(50).await;
    register(&store, "TEA-1", 450, 3).await;
    let context = context();
    let id = Uuid::new_v4();
    let OrderCommand::PlaceOrder { lines, .. } = place(&[("TEA-1", 2)]) else {
        unreachable!()
    };
    let command = OrderCommand::PlaceOrder {
        order_id: id,
        customer_id: "shopper-sub".into(),
        lines,
    };
    let committed = store.order(id, command, &context).await.unwrap();
    let position = committed.position().expect("one event appended");
    let (metadata, global_position): (serde_json::Value, i64) = sqlx::query_as(
        "SELECT metadata, global_position FROM events WHERE aggregate_type = 'Order' AND aggregate_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(global_position, position);
    let metadata: HashMap<String, String> = serde_json::from_value(metadata).unwrap();
    assert_eq!(metadata["correlation_id"], context.correlation_id);
    assert_eq!(metadata["causation_id"], context.causation_id);
    assert_eq!(metadata["traceparent"], context.traceparent);
    assert_eq!(metadata["actor"], "shopper-sub");
    assert_eq!(metadata["command"], "PlaceOrder");
    let order = store.current::<Order>(&id.to_string()).await.unwrap();
    assert_eq!(
        order.total_cents(),
        900,
        "priced from the registered product"
    );
}

#[tokio::test]
async fn refused_commands_append_nothing() {
    let (store, pool) = store(50).await;
    register(&store, "TEA-1", 450, 3).await;
    let before = event_count(&pool).await;
    let unknown = store
        .order(Uuid::new_v4(), place(&[("NOPE-1", 1)]), &context())
        .await;
    assert!(
        matches!(unknown, Err(CommandError::Domain(OrderError::UnknownSku { ref sku, .. })) if sku == "NOPE-1"),
        "{unknown:?}"
    );
    // A quantity out of bounds cannot even be written down (`Quantity`); a SKU twice can.
    let twice = store
        .order(
            Uuid::new_v4(),
            place(&[("TEA-1", 1), ("TEA-1", 2)]),
            &context(),
        )
        .await;
    assert!(matches!(
        twice,
        Err(CommandError::Domain(OrderError::Invalid { .. }))
    ));
    let nothing = store
        .stock("TEA-1", StockCommand::Restock { quantity: 0 }, &context())
        .await;
    assert!(nothing.is_err());
    assert_eq!(event_count(&pool).await, before);
}

#[tokio::test]
async fn a_stock_loaded_from_its_snapshot_equals_a_full_replay() {
    let (store, pool) = store(4).await;
    register(&store, "TEA-1", 450, 10).await;
    for i in 0..9u32 {
        let order_id = Uuid::from_u128(u128::from(i));
        store
            .stock(
                "TEA-1",
                StockCommand::ReserveStock {
                    order_id,
                    quantity: 1,
                },
                &context(),
            )
            .await
            .unwrap();
        if i % 3 == 0 {
            store
                .stock(
                    "TEA-1",
                    StockCommand::ReleaseReservation { order_id },
                    &context(),
                )
                .await
                .unwrap();
            store
                .stock("TEA-1", StockCommand::Restock { quantity: 2 }, &context())
                .await
                .unwrap();
        }
    }
    let snapshots: i64 = sqlx::query_scalar("SELECT count(*) FROM snapshots")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(snapshots, 1, "the Stock stream was snapshotted");
    let (last_sequence, version): (i64, i64) =
        sqlx::query_as("SELECT last_sequence, current_snapshot FROM snapshots")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (last_sequence, version),
        (16, 4),
        "16 events, a snapshot every 4, each replacing the last"
    );
    let from_snapshot = store.current::<Stock>("TEA-1").await.unwrap();
    let replayed = store.replay::<Stock>("TEA-1", None).await.unwrap();
    assert_eq!(from_snapshot, replayed);
    assert_eq!(replayed.on_hand(), 16);
    assert_eq!(replayed.reserved(), 6);
}

#[tokio::test]
async fn a_stream_that_exists_is_not_started_again() {
    let (store, pool) = store(50).await;
    register(&store, "TEA-1", 450, 3).await;
    let again = testing::register_product("TEA-1", 1, 100);
    assert!(store.stock("TEA-1", again, &context()).await.is_err());
    let id = Uuid::new_v4();
    let OrderCommand::PlaceOrder { lines, .. } = place(&[("TEA-1", 1)]) else {
        unreachable!()
    };
    let command = |lines| OrderCommand::PlaceOrder {
        order_id: id,
        customer_id: "shopper-sub".into(),
        lines,
    };
    let placed = store.order(id, command(lines.clone()), &context()).await;
    assert_eq!(placed.unwrap().events[0].sequence, 1);
    let before = event_count(&pool).await;
    let twice = store.order(id, command(lines), &context()).await;
    assert!(
        matches!(twice, Err(CommandError::Domain(OrderError::AlreadyPlaced))),
        "{twice:?}"
    );
    assert_eq!(event_count(&pool).await, before);
    assert_eq!(store.current::<Stock>("TEA-1").await.unwrap().on_hand(), 3);
}

/// Each process keeps the `Stock` aggregates it last commanded; a command must still decide on the
/// stream as it stands when another process (the admin API, another projector) appended since.
#[tokio::test]
async fn a_stock_changed_by_another_process_is_read_again() {
    let (projector, pool) = store(4).await;
    let admin = testing::store(&pool, 4);
    register(&projector, "TEA-1", 450, 1).await;
    let reserve = |quantity| StockCommand::ReserveStock {
        order_id: Uuid::new_v4(),
        quantity,
    };
    projector
        .stock("TEA-1", reserve(1), &context())
        .await
        .expect("the one unit is reserved");
    admin
        .stock("TEA-1", StockCommand::Restock { quantity: 5 }, &context())
        .await
        .unwrap();
    let after_restock = projector.stock("TEA-1", reserve(3), &context()).await;
    assert!(
        after_restock.is_ok(),
        "the restock by the other process counts: {after_restock:?}"
    );
    let too_many = projector.stock("TEA-1", reserve(3), &context()).await;
    assert!(
        matches!(
            too_many,
            Err(CommandError::Domain(StockError::Insufficient { .. }))
        ),
        "2 units left: {too_many:?}"
    );
    let stock = projector.current::<Stock>("TEA-1").await.unwrap();
    assert_eq!((stock.on_hand(), stock.reserved()), (6, 4));
    assert_eq!(
        stock,
        projector.replay::<Stock>("TEA-1", None).await.unwrap()
    );
}

#[tokio::test]
async fn a_version_1_event_in_the_store_is_read_through_the_upcaster() {
    let (store, pool) = store(50).await;
    register(&store, "TEA-1", 450, 0).await;
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('Stock', 'TEA-1', 2, 'StockReceived', '1', '{\"StockReceived\":{\"qty\":7}}', '{}')",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(store.current::<Stock>("TEA-1").await.unwrap().on_hand(), 7);
    let committed = store
        .stock("TEA-1", StockCommand::Restock { quantity: 1 }, &context())
        .await
        .unwrap();
    assert_eq!(committed.events[0].sequence, 3);
    assert_eq!(store.current::<Stock>("TEA-1").await.unwrap().on_hand(), 8);
}

/// 32 shoppers want one unit each of a SKU with 10 on hand; the saga runs for all of them at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_orders_for_the_last_units_never_oversell() {
    let (store, pool) = store(8).await;
    register(&store, "HOT-1", 999, 10).await;
    let mut orders = Vec::new();
    for _ in 0..32 {
        let command = place(&[("HOT-1", 1)]);
        let OrderCommand::PlaceOrder { order_id, .. } = &command else {
            unreachable!()
        };
        let order_id = *order_id;
        let committed = store.order(order_id, command, &context()).await.unwrap();
        orders.push((order_id, committed));
    }
    let mut sagas = Vec::new();
    for (order_id, committed) in orders.clone() {
        let store = store.clone();
        sagas.push(tokio::spawn(async move {
            let order = store.current::<Order>(&order_id.to_string()).await.unwrap();
            let placed = OrderEvent::OrderPlaced {
                order_id,
                customer_id: order.customer_id().to_string(),
                lines: order.lines().to_vec(),
                total_cents: order.total_cents(),
            };
            let context = Context {
                correlation_id: Uuid::new_v4().to_string(),
                causation_id: committed.events[0].event_id.to_string(),
                traceparent: String::new(),
                actor: SAGA_ACTOR.into(),
            };
            let ledger = StoreLedger::new(&store, context);
            on_order_event(&ledger, order_id, &placed).await.unwrap()
        }));
    }
    let mut confirmed = 0;
    let mut rejected = 0;
    for saga in sagas {
        match saga.await.unwrap() {
            Outcome::Confirmed => confirmed += 1,
            Outcome::Rejected { reason } => {
                assert!(reason.to_string().contains("HOT-1"), "{reason}");
                rejected += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((confirmed, rejected), (10, 22));
    for (order_id, _) in &orders {
        let status = store
            .current::<Order>(&order_id.to_string())
            .await
            .unwrap()
            .status();
        assert!(matches!(
            status,
            OrderStatus::Confirmed | OrderStatus::Rejected
        ));
    }
    let stock = store.current::<Stock>("HOT-1").await.unwrap();
    assert_eq!(
        (stock.on_hand(), stock.reserved(), stock.available()),
        (10, 10, 0)
    );
    assert_eq!(stock, store.replay::<Stock>("HOT-1", None).await.unwrap());
    let reserved_events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE aggregate_id = 'HOT-1' AND event_type = 'StockReserved'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(reserved_events, 10);
    let actors: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT metadata->>'actor' FROM events WHERE event_type IN ('StockReserved', 'OrderConfirmed', 'OrderRejected')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(actors, vec![SAGA_ACTOR.to_string()]);
}

#[tokio::test]
async fn state_as_of_a_sequence_replays_only_that_far() {
    let (store, _) = store(2).await;
    register(&store, "TEA-1", 450, 5).await;
    for _ in 0..3 {
        store
            .stock("TEA-1", StockCommand::Restock { quantity: 1 }, &context())
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .replay::<Stock>("TEA-1", Some(2))
            .await
            .unwrap()
            .on_hand(),
        5
    );
    assert_eq!(
        store
            .replay::<Stock>("TEA-1", Some(4))
            .await
            .unwrap()
            .on_hand(),
        7
    );
    assert_eq!(
        store
            .replay::<Stock>("TEA-1", None)
            .await
            .unwrap()
            .on_hand(),
        8
    );
}
