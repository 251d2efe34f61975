//! The worker driven in-process: a batch of messages is recorded for the timeline, every follower
//! catches up from the store, and only then are the messages deleted; an unreadable message is
//! left for the dead-letter queue; a backlog of wake-ups is taken and deleted in one batch; a
//! rebuild request is served while orders keep being decided.

use std::time::Duration;

use eventstore::publish::Publisher;
use eventstore::testing::{
    context, fifo_queue, fresh_database, moto_endpoint, place_order, place_orders, register, sqs,
};
use projections::{Projector, ReadModels, rebuild_requests};
use sqlx::PgPool;
use stock_projector::consumer::Queue;
use stock_projector::worker::Worker;
use tokio::sync::watch;
use uuid::Uuid;

async fn status_of(pool: &PgPool, order_id: Uuid) -> Option<String> {
    sqlx::query_scalar("SELECT status FROM orders WHERE order_id = $1")
        .bind(order_id)
        .fetch_optional(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_batch_is_applied_then_deleted_and_an_unreadable_message_is_kept() {
    let (pool, _) = fresh_database().await;
    let sqs = sqs(&moto_endpoint()).await;
    let url = fifo_queue(&sqs, &format!("worker-{}.fifo", Uuid::new_v4().simple())).await;
    let store = eventstore::shop_store(
        pool.clone(),
        50,
        Some(Publisher::new(sqs.clone(), url.clone())),
    );
    register(&store, "TEA-1", 300, 5).await;
    let (order_id, place) = place_order("c1", &[("TEA-1", 2)]);
    store.order(order_id, place, &context()).await.unwrap();
    sqs.send_message()
        .queue_url(&url)
        .message_body("not an EventsAppended message")
        .message_group_id("poison")
        .message_deduplication_id(Uuid::new_v4().to_string())
        .send()
        .await
        .unwrap();

    let queue = Queue::new(sqs.clone(), url.clone());
    let worker = Worker::new(
        // As the service runs it: the saga's own commands publish nothing.
        Projector::new(pool.clone(), eventstore::testing::store(&pool, 50)),
        Some(queue.clone()),
        1,
        1,
    );
    let mut received = Vec::new();
    for _ in 0..10 {
        received.extend(queue.receive(1, 1).await);
        if received.len() >= 3 {
            break;
        }
    }
    assert_eq!(received.len(), 3, "register, place and the poison message");
    assert!(
        worker.handle(received).await,
        "every follower applied what the messages announced"
    );

    assert_eq!(
        status_of(&pool, order_id).await.as_deref(),
        Some("confirmed")
    );
    let deliveries: i64 = sqlx::query_scalar("SELECT count(*) FROM deliveries")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(deliveries, 2, "the two readable messages, for the timeline");
    // Once their visibility runs out, only the unreadable message comes back.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut again = Vec::new();
    for _ in 0..3 {
        again.extend(queue.receive(1, 30).await);
    }
    let bodies: Vec<_> = again.iter().filter_map(|m| m.body()).collect();
    assert_eq!(
        bodies,
        ["not an EventsAppended message"],
        "the readable messages are deleted; the unreadable one waits for the dead-letter queue"
    );
}

#[tokio::test]
async fn a_backlog_of_messages_is_drained_by_one_catch_up() {
    let (pool, _) = fresh_database().await;
    let sqs = sqs(&moto_endpoint()).await;
    let url = fifo_queue(&sqs, &format!("backlog-{}.fifo", Uuid::new_v4().simple())).await;
    let store = eventstore::shop_store(
        pool.clone(),
        50,
        Some(Publisher::new(sqs.clone(), url.clone())),
    );
    register(&store, "TEA-2", 300, 50).await;
    let orders = place_orders(&store, "TEA-2", 24).await;

    // 25 messages wait (the registration and 24 orders): more than one receive's ten.
    let queue = Queue::new(sqs.clone(), url.clone());
    let received = queue.receive(1, 30).await;
    assert_eq!(received.len(), 25, "every waiting message in one batch");
    let worker = Worker::new(
        Projector::new(pool.clone(), eventstore::testing::store(&pool, 50)),
        Some(queue.clone()),
        1,
        30,
    );
    assert!(
        worker.handle(received).await,
        "every follower applied what the messages announced"
    );
    for order_id in orders {
        assert_eq!(
            status_of(&pool, order_id).await.as_deref(),
            Some("confirmed")
        );
    }
    // Deleted, ten to a request: none is left in flight, where a message not deleted would sit
    // until its 30 s visibility ran out and then come back.
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(
            aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
        )
        .send()
        .await
        .unwrap();
    let in_flight = attributes.attributes().unwrap()
        [&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible]
        .clone();
    assert_eq!(in_flight, "0", "every received message was deleted");
}

#[tokio::test]
async fn a_batch_waits_for_its_events_while_an_older_transaction_hides_them() {
    let (pool, _) = fresh_database().await;
    let sqs = sqs(&moto_endpoint()).await;
    let url = fifo_queue(&sqs, &format!("horizon-{}.fifo", Uuid::new_v4().simple())).await;
    let store = eventstore::shop_store(
        pool.clone(),
        50,
        Some(Publisher::new(sqs.clone(), url.clone())),
    );
    register(&store, "TEA-3", 300, 5).await;
    // A transaction that began before the order and is still running: the log is read below the
    // oldest running transaction, so the order, committed, is not yet readable.
    let mut older = pool.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *older)
        .await
        .unwrap();
    let (order_id, place) = place_order("c1", &[("TEA-3", 1)]);
    store.order(order_id, place, &context()).await.unwrap();

    let queue = Queue::new(sqs.clone(), url.clone());
    let worker = Worker::new(
        Projector::new(pool.clone(), eventstore::testing::store(&pool, 50)),
        Some(queue.clone()),
        1,
        30,
    );
    let received = queue.receive(1, 30).await;
    assert_eq!(received.len(), 2, "register and place");
    let release = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            status_of(&pool, order_id).await,
            None,
            "hidden while the older transaction runs"
        );
        older.commit().await.unwrap();
    };
    let (handled, ()) = tokio::join!(worker.handle(received), release);
    assert!(
        handled,
        "the batch waited for the order rather than report it applied"
    );
    assert_eq!(
        status_of(&pool, order_id).await.as_deref(),
        Some("confirmed")
    );
}

#[tokio::test]
async fn orders_are_decided_while_a_requested_rebuild_is_served() {
    let (pool, _) = fresh_database().await;
    let store = eventstore::testing::store(&pool, 50);
    register(&store, "JAM-1", 400, 10).await;
    let worker = Worker::new(Projector::new(pool.clone(), store.clone()), None, 1, 30);
    let read_models = ReadModels::shop();
    rebuild_requests::request(&pool, &read_models, None, "admin")
        .await
        .unwrap();
    let (stop_tx, stop) = watch::channel(false);
    let driver = async {
        let (order_id, place) = place_order("c1", &[("JAM-1", 3)]);
        store.order(order_id, place, &context()).await.unwrap();
        let mut decided = None;
        let mut rebuilt = None;
        for _ in 0..200 {
            decided = decided.or(status_of(&pool, order_id)
                .await
                .filter(|s| s == "confirmed"));
            rebuilt = rebuilt.or(rebuild_requests::latest(&pool)
                .await
                .unwrap()
                .filter(|r| r.status == "done"));
            if decided.is_some() && rebuilt.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        stop_tx.send(true).unwrap();
        (decided, rebuilt)
    };
    let (_, (decided, rebuilt)) = tokio::join!(worker.run(stop), driver);
    assert_eq!(decided.as_deref(), Some("confirmed"));
    let rebuilt = rebuilt.expect("the rebuild request was served");
    assert_eq!(rebuilt.error, None);
}
