//! The event queue, as the projector consumes it: long-poll receive, keep a batch's messages
//! hidden while it runs, delete them once the projections committed. A message only wakes the
//! projector and carries the trace; the events themselves are read from the store.

use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry, Message,
    MessageSystemAttributeName, QueueAttributeName,
};
use chrono::DateTime;
use eventstore::publish::EventsAppended;
use projections::timeline::Received;
use tokio::task::JoinHandle;

/// SQS's most per receive, delete or visibility change.
const RECEIVE_MAX: usize = 10;
/// Messages taken into one batch at most: ten receives' worth.
pub const MESSAGES_PER_BATCH: usize = 100;

#[derive(Clone)]
pub struct Queue {
    client: Client,
    url: String,
}

impl Queue {
    pub fn new(client: Client, url: String) -> Self {
        Self { client, url }
    }

    /// The queue's name: the last segment of its URL.
    pub fn name(&self) -> &str {
        self.url.rsplit('/').next().unwrap_or(&self.url)
    }

    /// The messages waiting, waiting at most `poll_seconds` for the first: one receive of up to
    /// ten (SQS's most), then, while receives come back full, more without waiting, up to
    /// [`MESSAGES_PER_BATCH`]. A batch catches every follower up to the head of the store however
    /// many messages woke it, so taking all that wait in one batch drains a backlog of wake-ups
    /// in one catch-up instead of one per ten. A failed receive is logged and waits the poll out:
    /// the projector then catches up from the store anyway.
    pub async fn receive(&self, poll_seconds: i32, visibility: i32) -> Vec<Message> {
        let mut messages = self.receive_once(poll_seconds, visibility).await;
        let mut last = messages.len();
        while last == RECEIVE_MAX && messages.len() < MESSAGES_PER_BATCH {
            let more = self.receive_once(0, visibility).await;
            last = more.len();
            messages.extend(more);
        }
        let now = chrono::Utc::now().timestamp_millis();
        let oldest = messages
            .iter()
            .filter_map(|m| {
                m.attributes()?
                    .get(&MessageSystemAttributeName::SentTimestamp)?
                    .parse::<i64>()
                    .ok()
            })
            .min();
        // An empty receive means nothing waits: the oldest message's age is zero.
        crate::reporting::oldest_message(oldest.map_or(0.0, |sent| (now - sent) as f64 / 1000.0));
        messages
    }

    /// One `ReceiveMessage` of up to ten.
    async fn receive_once(&self, poll_seconds: i32, visibility: i32) -> Vec<Message> {
        let result = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(RECEIVE_MAX as i32)
            .wait_time_seconds(poll_seconds)
            .visibility_timeout(visibility)
            .message_attribute_names("All")
            .message_system_attribute_names(MessageSystemAttributeName::AwsTraceHeader)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .message_system_attribute_names(MessageSystemAttributeName::SentTimestamp)
            .send()
            .await;
        match result {
            Ok(out) => out.messages.unwrap_or_default(),
            Err(e) => {
                tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "receive failed; catching up from the store");
                tokio::time::sleep(Duration::from_secs(poll_seconds as u64)).await;
                Vec::new()
            }
        }
    }

    /// Reports the depth of the queue's dead-letter queue (named by its redrive policy) every
    /// `every`, until the task is aborted. Without a redrive policy there is nothing to watch.
    pub fn watch_dead_letters(&self, every: Duration) -> JoinHandle<()> {
        let (client, url) = (self.client.clone(), self.url.clone());
        tokio::spawn(async move {
            let Some(dlq) = dead_letter_url(&client, &url).await else {
                tracing::info!("the event queue has no dead-letter queue to watch");
                return;
            };
            loop {
                let depth = client
                    .get_queue_attributes()
                    .queue_url(&dlq)
                    .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
                    .send()
                    .await;
                match depth {
                    Ok(out) => {
                        let depth = out
                            .attributes()
                            .and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages))
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                        crate::reporting::dead_letters(depth);
                    }
                    Err(e) => {
                        tracing::debug!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "reading the dead-letter queue's depth failed")
                    }
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    /// Keeps `messages` hidden, renewing at a third of `visibility`, until the task is aborted:
    /// a batch that outlasts part of the timeout must not be taken by another instance.
    pub fn keep_invisible(&self, messages: &[Message], visibility: i32) -> JoinHandle<()> {
        let (client, url, handles) = (self.client.clone(), self.url.clone(), handles(messages));
        tokio::spawn(async move {
            // Renew at a third of the timeout, so one slow renewal still lands in time.
            let every = Duration::from_secs((visibility as u64 / 3).max(1));
            loop {
                tokio::time::sleep(every).await;
                for chunk in handles.chunks(RECEIVE_MAX) {
                    let entries: Vec<_> = chunk
                        .iter()
                        .enumerate()
                        .filter_map(|(i, h)| {
                            ChangeMessageVisibilityBatchRequestEntry::builder()
                                .id(i.to_string())
                                .receipt_handle(h)
                                .visibility_timeout(visibility)
                                .build()
                                .ok()
                        })
                        .collect();
                    let renewed = client
                        .change_message_visibility_batch()
                        .queue_url(&url)
                        .set_entries(Some(entries))
                        .send()
                        .await;
                    match renewed {
                        Ok(_) => tracing::debug!(
                            messages = chunk.len(),
                            "batch still running; visibility extended"
                        ),
                        Err(e) => {
                            tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "extending visibility failed")
                        }
                    }
                }
            }
        })
    }

    /// Deletes `messages`, ten to a request (SQS's most). A failed delete only means they come
    /// back, and change nothing.
    pub async fn delete(&self, messages: &[Message]) {
        for chunk in handles(messages).chunks(RECEIVE_MAX) {
            let entries: Vec<_> = chunk
                .iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(h)
                        .build()
                        .ok()
                })
                .collect();
            if let Err(e) = self
                .client
                .delete_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
            {
                tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "delete failed; the messages will come back and change nothing");
            }
        }
    }
}

fn handles(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|m| m.receipt_handle.clone())
        .collect()
}

/// The message's body, when it is one this projector understands. One that is not (a poison
/// message) is left on the queue: SQS redelivers it until maxReceiveCount and then moves it to
/// the dead-letter queue, where an operator can read it. The projector keeps going meanwhile.
pub fn body(message: &Message) -> Option<EventsAppended> {
    if let Some(Ok(body)) = message.body().map(serde_json::from_str::<EventsAppended>) {
        return Some(body);
    }
    tracing::warn!(
        message_id = message.message_id().unwrap_or_default(),
        receive_count = message
            .attributes()
            .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
            .map(String::as_str)
            .unwrap_or("?"),
        "unreadable message left for the dead-letter queue"
    );
    None
}

/// What the trace timeline records of a message this projector understood.
pub fn received(message: &Message, body: &EventsAppended) -> Received {
    let attribute = |name| {
        message
            .attributes()
            .and_then(|a| a.get(&name))
            .and_then(|v| v.parse::<i64>().ok())
    };
    Received {
        message_id: message.message_id().unwrap_or_default().to_string(),
        correlation_id: body.correlation_id.clone(),
        aggregate_type: body.aggregate_type.clone(),
        aggregate_id: body.aggregate_id.clone(),
        sent_at: attribute(MessageSystemAttributeName::SentTimestamp)
            .and_then(DateTime::from_timestamp_millis),
        receive_count: attribute(MessageSystemAttributeName::ApproximateReceiveCount).unwrap_or(1)
            as i32,
    }
}

/// The span of one received batch from `queue` (a consumer span linked to every message's
/// producer), and one short child span per message, parented to its producer span, so each
/// message's own trace shows when the projector took it. An empty receive has no span: a poll
/// that found nothing is not a trace worth keeping.
pub fn receive_span(queue: &str, messages: &[Message]) -> tracing::Span {
    use opentelemetry::trace::TraceContextExt;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    if messages.is_empty() {
        return tracing::Span::none();
    }
    let batch = tracing::info_span!(
        "receive",
        otel.name = "receive shop-events",
        otel.kind = "consumer",
        messaging.system = "aws_sqs",
        messaging.operation.type = "receive",
        messaging.destination.name = queue,
        messaging.batch.message_count = messages.len(),
    );
    for message in messages {
        let attribute = |name: &str| {
            message
                .message_attributes()
                .and_then(|a| a.get(name))
                .and_then(|v| v.string_value())
        };
        let xray = message
            .attributes()
            .and_then(|a| a.get(&MessageSystemAttributeName::AwsTraceHeader))
            .map(String::as_str);
        let Some(traceparent) = attribute("traceparent").or(xray.map(|_| "")) else {
            continue;
        };
        let context = platform::telemetry::context_from(traceparent, xray);
        batch.add_link(context.span().span_context().clone());
        let process = tracing::info_span!(
            parent: &batch,
            "process",
            otel.name = "process shop-events",
            otel.kind = "consumer",
            messaging.system = "aws_sqs",
            messaging.operation.type = "process",
            messaging.destination.name = queue,
            messaging.message.id = message.message_id().unwrap_or_default(),
            correlation_id = attribute("correlation_id").unwrap_or_default(),
        );
        let _ = process.set_parent(context);
        process.in_scope(|| tracing::debug!("message received"));
    }
    batch
}

/// The URL of the dead-letter queue `queue_url`'s redrive policy names, if any.
async fn dead_letter_url(client: &Client, queue_url: &str) -> Option<String> {
    let attributes = client
        .get_queue_attributes()
        .queue_url(queue_url)
        .attribute_names(QueueAttributeName::RedrivePolicy)
        .send()
        .await
        .ok()?;
    let policy: serde_json::Value = serde_json::from_str(
        attributes
            .attributes()?
            .get(&QueueAttributeName::RedrivePolicy)?,
    )
    .ok()?;
    let name = policy["deadLetterTargetArn"].as_str()?.rsplit(':').next()?;
    let url = client.get_queue_url().queue_name(name).send().await.ok()?;
    url.queue_url().map(str::to_string)
}
