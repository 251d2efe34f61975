//! Publishing on a real SQS (moto): one message per command, grouped by stream, deduplicated by
//! its events, carrying the trace and correlation ids; a no-op command publishes nothing. A
//! batching publisher sends the same messages in fewer requests, and a batch the queue refuses
//! costs the messages, never a command or an event.

use aggregates::{Context, StockCommand};
use aws_sdk_sqs::types::MessageSystemAttributeName;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use eventstore::log::{Appended, Committed};
use eventstore::publish::{EventsAppended, Published, Publisher};
use eventstore::testing::{
    context, fifo_queue, fresh_database, moto_endpoint, place_order, register, register_product,
    sqs,
};
use futures::future::join_all;
use uuid::Uuid;

#[tokio::test]
async fn a_command_sends_one_message_that_names_its_events() {
    let sqs = sqs(&moto_endpoint()).await;
    let queue = fifo_queue(&sqs, &format!("test-{}.fifo", Uuid::new_v4().simple())).await;
    let (pool, _) = fresh_database().await;
    let store = eventstore::shop_store(pool, 50, Some(Publisher::new(sqs.clone(), queue.clone())));
    let context = Context {
        correlation_id: "corr-1".into(),
        causation_id: "req-1".into(),
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into(),
        actor: "admin-sub".into(),
    };
    let register = register_product("TEA-1", 450, 5);
    let committed = store.stock("TEA-1", register, &context).await.unwrap();
    assert_eq!(committed.events.len(), 2);
    // Releasing a reservation that does not exist appends nothing, so sends nothing.
    let noop = StockCommand::ReleaseReservation {
        order_id: Uuid::new_v4(),
    };
    assert!(
        store
            .stock("TEA-1", noop, &context)
            .await
            .unwrap()
            .events
            .is_empty()
    );

    let received = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .message_attribute_names("All")
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await
        .unwrap();
    let messages = received.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    let body: EventsAppended = serde_json::from_str(message.body().unwrap()).unwrap();
    assert_eq!(body.aggregate_type, "Stock");
    assert_eq!(body.aggregate_id, "TEA-1");
    assert_eq!(body.correlation_id, "corr-1");
    assert_eq!(body.events, committed.events);
    let attributes = message.message_attributes().unwrap();
    assert_eq!(
        attributes["traceparent"].string_value(),
        Some(context.traceparent.as_str())
    );
    assert_eq!(attributes["correlation_id"].string_value(), Some("corr-1"));
    let system = message.attributes().unwrap();
    assert_eq!(
        system[&MessageSystemAttributeName::MessageGroupId],
        "Stock:TEA-1"
    );
    assert_eq!(
        system[&MessageSystemAttributeName::MessageDeduplicationId],
        format!("{}:2", committed.events[0].event_id)
    );
}

/// A command's worth of appended events, as the store reports them, for stream `id`.
fn committed(id: &str, events: i64) -> Committed {
    Committed {
        aggregate_type: "Order",
        aggregate_id: id.to_string(),
        events: (1..=events)
            .map(|sequence| Appended {
                event_id: Uuid::new_v4(),
                sequence,
                global_position: sequence,
                event_type: "OrderPlaced".into(),
            })
            .collect(),
    }
}

#[tokio::test]
async fn messages_published_at_once_share_requests_and_each_arrives_once() {
    let sqs = sqs(&moto_endpoint()).await;
    let queue = fifo_queue(&sqs, &format!("batch-{}.fifo", Uuid::new_v4().simple())).await;
    let publisher = Publisher::new(sqs.clone(), queue.clone()).batching();
    let commands: Vec<Committed> = (0..25)
        .map(|i| committed(&format!("o-{i}"), 1 + i % 3))
        .collect();
    let context = context();

    // 25 commands publish at the same moment, as 25 concurrent requests to the gateway do.
    let published = join_all(commands.iter().map(|c| publisher.publish(c, &context))).await;
    let mut sizes = Vec::new();
    for outcome in &published {
        let Published::Sent { batch_size, .. } = outcome else {
            panic!("every message is sent: {outcome:?}");
        };
        sizes.push(*batch_size);
    }
    assert!(
        sizes.iter().all(|&size| (1..=10).contains(&size)),
        "{sizes:?}"
    );
    let requests: f64 = sizes.iter().map(|&size| 1.0 / size as f64).sum();
    assert!(
        requests.round() <= 5.0,
        "25 messages waiting together take a few batches, not {requests} requests: {sizes:?}"
    );
    // Alone, at rest, a message does not wait for company.
    let alone = committed("o-alone", 1);
    assert!(matches!(
        publisher.publish(&alone, &context).await,
        Published::Sent { batch_size: 1, .. }
    ));

    // Every message arrives once, with its own group, deduplication id and trace.
    let mut expected: HashMap<String, &Committed> = commands
        .iter()
        .chain(std::iter::once(&alone))
        .map(|c| (c.aggregate_id.clone(), c))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !expected.is_empty() && Instant::now() < deadline {
        let received = sqs
            .receive_message()
            .queue_url(&queue)
            .max_number_of_messages(10)
            .message_attribute_names("All")
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .unwrap();
        for message in received.messages() {
            let body: EventsAppended = serde_json::from_str(message.body().unwrap()).unwrap();
            let sent = expected
                .remove(&body.aggregate_id)
                .unwrap_or_else(|| panic!("{} arrived twice or was never sent", body.aggregate_id));
            assert_eq!(body.events, sent.events);
            let system = message.attributes().unwrap();
            assert_eq!(
                system[&MessageSystemAttributeName::MessageGroupId],
                format!("Order:{}", sent.aggregate_id)
            );
            assert_eq!(
                system[&MessageSystemAttributeName::MessageDeduplicationId],
                format!("{}:{}", sent.events[0].event_id, sent.events.len())
            );
            assert_eq!(
                message.message_attributes().unwrap()["traceparent"].string_value(),
                Some(context.traceparent.as_str())
            );
            sqs.delete_message()
                .queue_url(&queue)
                .receipt_handle(message.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    assert!(expected.is_empty(), "never arrived: {:?}", expected.keys());
}

#[tokio::test]
async fn a_batch_the_queue_refuses_costs_its_messages_and_nothing_else() {
    let endpoint = moto_endpoint();
    let sqs = sqs(&endpoint).await;
    let missing = format!(
        "{endpoint}/123456789012/missing-{}.fifo",
        Uuid::new_v4().simple()
    );
    let (pool, _) = fresh_database().await;
    let publisher = Publisher::new(sqs, missing).batching();
    let store = eventstore::shop_store(pool.clone(), 50, Some(publisher.clone()));

    // Every command commits and answers, though none of their messages can be sent.
    register(&store, "TEA-7", 300, 20).await;
    let placed = join_all((0..12).map(|_| async {
        let (id, command) = place_order("c1", &[("TEA-7", 1)]);
        store.order(id, command, &context()).await.map(|c| (id, c))
    }))
    .await;
    for result in &placed {
        let (_, committed) = result.as_ref().expect("the command succeeds");
        assert_eq!(committed.events.len(), 1, "its event is appended");
    }
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE aggregate_type = 'Order' AND event_type = 'OrderPlaced'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        stored, 12,
        "every event is in the store for the catch-up to find"
    );
    // The publisher says so, each message on its own answer.
    let (_, committed) = placed[0].as_ref().unwrap();
    assert!(matches!(
        publisher.publish(committed, &context()).await,
        Published::Failed(error) if error.to_string().contains("QueueDoesNotExist") || error.to_string().contains("NonExistentQueue")
    ));
}
