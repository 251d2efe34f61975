//! Read-your-writes across read models: a read model is current to a position once it has
//! applied every event of its own aggregate types up to it. The catalog, asked for the position
//! of an order's event, answers at once when no `Stock` event before it waits; the orders read
//! model, which the order's event belongs to, waits for it.

use eventstore::testing::{context, fresh_database, place_order, register, store};
use projections::catalog::Catalog;
use projections::freshness::{Freshness, wait_for};
use projections::orders::Orders;
use projections::{Progress, Projector};
use std::time::Duration;

#[tokio::test]
async fn a_read_model_is_current_once_its_own_events_up_to_the_position_are_applied() {
    let (pool, _) = fresh_database().await;
    let store = store(&pool, 50);
    let registered = register(&store, "TEA-1", 450, 5).await;
    let projector = Projector::new(pool.clone(), store.clone());
    let progress = Progress::start(pool.clone());
    projector.settle(Duration::from_secs(10)).await.unwrap();
    let stock_position = registered.position().unwrap();
    assert_eq!(
        wait_for(&pool, &progress, &Catalog, Some(stock_position))
            .await
            .unwrap(),
        Freshness::Current
    );

    // An order placed after the catalog last moved: no Stock event lies between.
    let (order_id, command) = place_order("c-1", &[("TEA-1", 1)]);
    let placed = store.order(order_id, command, &context()).await.unwrap();
    let order_position = placed.position().unwrap();
    assert_eq!(
        wait_for(&pool, &progress, &Catalog, Some(order_position))
            .await
            .unwrap(),
        Freshness::Current,
        "the catalog has applied every Stock event up to the order's position"
    );
    assert_eq!(
        wait_for(&pool, &progress, &Orders, Some(order_position))
            .await
            .unwrap(),
        Freshness::Behind,
        "the orders read model has not applied the order's own event"
    );

    // A Stock event the catalog has not applied, before the position asked: behind.
    let restocked = register(&store, "JAM-2", 300, 1).await;
    let (order_id, command) = place_order("c-1", &[("TEA-1", 1)]);
    let later = store.order(order_id, command, &context()).await.unwrap();
    assert!(later.position() > restocked.position());
    assert_eq!(
        wait_for(&pool, &progress, &Catalog, later.position())
            .await
            .unwrap(),
        Freshness::Behind
    );
    // A read already waiting when the projector gets there answers Current, woken by the move.
    let (waited, _) = tokio::join!(
        wait_for(&pool, &progress, &Orders, later.position()),
        async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            projector.settle(Duration::from_secs(10)).await.unwrap();
        }
    );
    assert_eq!(waited.unwrap(), Freshness::Current);
    for position in [order_position, later.position().unwrap()] {
        assert_eq!(
            wait_for(&pool, &progress, &Orders, Some(position))
                .await
                .unwrap(),
            Freshness::Current
        );
    }
}
