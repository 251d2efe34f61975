//! Publishing on a real SQS (moto): one message per command, grouped by stream, deduplicated by
//! its events, carrying the trace and correlation ids; a no-op command publishes nothing.

use aggregates::{Context, StockCommand};
use aws_sdk_sqs::types::MessageSystemAttributeName;
use eventstore::publish::{EventsAppended, Publisher};
use eventstore::testing::{fifo_queue, fresh_database, moto_endpoint, register_product, sqs};
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
