//! Order-decision latency as the event store records it: from an order placed to its decision,
//! both times the store's, each decision measured once. A projector that decided orders without
//! measuring them (it crashed, or had not been scraped yet) leaves them to the next one, which
//! measures their real latency.

use std::time::Duration;

use eventstore::testing::{context, fresh_database, place_order, register, store};
use projections::Projector;
use projections::decisions::FOLLOWER;
use tokio::sync::watch;

/// The latencies the decision follower measured in one catch-up, in milliseconds.
async fn measured(projector: &Projector) -> Vec<f64> {
    let mut all = Vec::new();
    loop {
        let round = projector.round().await.unwrap();
        let moved: usize = round.iter().map(|(_, a)| a.events).sum();
        all.extend(
            round
                .into_iter()
                .filter(|(name, _)| *name == FOLLOWER.name)
                .flat_map(|(_, applied)| applied.decision_ms),
        );
        if moved == 0 {
            return all;
        }
    }
}

#[tokio::test]
async fn a_decision_is_measured_once_with_the_latency_the_store_recorded() {
    let (pool, _) = fresh_database().await;
    let store = store(&pool, 50);
    register(&store, "TEA-1", 450, 1).await;
    let (first, place) = place_order("c-1", &[("TEA-1", 1)]);
    store.order(first, place, &context()).await.unwrap();
    let (second, place) = place_order("c-2", &[("TEA-1", 1)]);
    store.order(second, place, &context()).await.unwrap();
    // The orders wait before anything decides them, as behind a crashed projector.
    tokio::time::sleep(Duration::from_millis(1200)).await;

    // A projector that decides without measuring: a new process before its first scrape.
    let (open, closed) = watch::channel(false);
    let held = Projector::new(pool.clone(), store.clone()).measuring_from(closed);
    assert_eq!(measured(&held).await, Vec::<f64>::new());
    let decided: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE event_type IN ('OrderConfirmed', 'OrderRejected')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(decided, 2, "one confirmed, one rejected for want of stock");

    // The next projector measures both, late, with the latency of their decision.
    let restarted = Projector::new(pool.clone(), store.clone());
    let latencies = measured(&restarted).await;
    assert_eq!(latencies.len(), 2, "{latencies:?}");
    for ms in &latencies {
        assert!(
            (1200.0..10_000.0).contains(ms),
            "placed to decided, not placed to measured: {ms} ms"
        );
    }
    assert_eq!(
        measured(&restarted).await,
        Vec::<f64>::new(),
        "each decision once"
    );
    // Opening the held one now measures nothing more: the checkpoint is shared.
    open.send(true).unwrap();
    assert_eq!(measured(&held).await, Vec::<f64>::new());
}
