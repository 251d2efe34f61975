//! After a command commits: one message on the FIFO event queue that says which events it
//! appended. The message only wakes the projector and carries the trace; the projector reads the
//! events themselves from the store, so a message lost here costs latency, never an event.
//!
//! Two ways to send the same message. A Lambda instance serves one request at a time: it sends its
//! message alone (`SendMessage`) before it answers. A process that serves many requests at once
//! (the local gateway) hands its messages to one batcher ([`Publisher::batching`]), which sends
//! whatever is waiting as one `SendMessageBatch` of up to 10 entries, a few batches in flight.
//! Nothing waits for a batch to fill: at rest each message still goes alone at once; under load
//! the messages that arrive while the in-flight batches are out go together, so the queue sees a
//! tenth of the requests. Each command still waits for its own entry's answer, so its trace shows
//! the send, its message id and how many messages shared the request.

use std::collections::HashMap;
use std::sync::Arc;

use aggregates::Context;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::{
    MessageAttributeValue, MessageSystemAttributeNameForSends, MessageSystemAttributeValue,
    SendMessageBatchRequestEntry,
};
use serde::Serialize;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tracing::Instrument;

use platform::faults::FaultSwitches;

use crate::log::{Appended, Committed};

/// SQS's limit on the entries of one `SendMessageBatch`.
const BATCH_ENTRIES: usize = 10;
/// SQS refuses a batch whose bodies and attributes pass 256 KiB; the margin covers the attributes.
const BATCH_BODY_BYTES: usize = 200 * 1024;
/// Batches out at once. More fill fewer entries each; fewer make every command wait behind them.
const BATCHES_IN_FLIGHT: usize = 4;
/// Messages handed to the batcher and not yet taken: past this a command waits to hand its own.
const WAITING_MESSAGES: usize = 1024;

#[derive(Clone)]
pub struct Publisher {
    client: Client,
    queue_url: String,
    faults: FaultSwitches,
    /// `Some` once [`Publisher::batching`]: where messages wait for the batcher.
    batcher: Option<mpsc::Sender<Pending>>,
}

/// The message body. Small on purpose: ids and positions, no payloads.
#[derive(Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct EventsAppended {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub correlation_id: String,
    pub events: Vec<Appended>,
}

/// What became of one command's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// On the queue under `message_id`, in a request that carried `batch_size` messages (1 when
    /// it went alone).
    Sent {
        message_id: String,
        batch_size: usize,
    },
    /// Nothing sent: the command appended nothing, or a fault switch dropped or failed it.
    NotSent,
    /// The queue refused it or could not be reached; the projector's catch-up finds the events.
    Failed(SendError),
}

/// Why a message did not reach the queue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// SQS answered the message's batch entry with an error.
    #[error("{code}: {message}")]
    Refused { code: String, message: String },
    /// The request itself failed (SQS unreachable, or refusing the whole request), with the
    /// SDK error's whole context: a `SdkError` is neither `Clone` nor one per batch entry.
    #[error("{0}")]
    Request(String),
    #[error("the batcher has stopped")]
    BatcherStopped,
    #[error("the batcher dropped the message")]
    Dropped,
    #[error("the batch's answer did not name this entry")]
    Unanswered,
}

/// One message as SQS takes it, alone or as a batch entry.
struct Message {
    body: String,
    group_id: String,
    deduplication_id: String,
    traceparent: String,
    correlation_id: String,
    /// The trace as X-Ray reads it, on AWS only.
    xray: Option<String>,
}

/// A message handed to the batcher, and where its answer goes.
struct Pending {
    message: Message,
    answer: oneshot::Sender<Result<Sent, SendError>>,
}

struct Sent {
    message_id: String,
    batch_size: usize,
}

impl Publisher {
    pub fn new(client: Client, queue_url: String) -> Self {
        Self {
            client,
            queue_url,
            faults: FaultSwitches::default(),
            batcher: None,
        }
    }

    /// The same publisher with fault switches (see [`platform::faults`]).
    pub fn with_faults(mut self, faults: FaultSwitches) -> Self {
        self.faults = faults;
        self
    }

    /// The same publisher, its messages sent in batches by a task of its own (see the module's
    /// comment). For a process that serves many requests at once; needs a Tokio runtime.
    pub fn batching(mut self) -> Self {
        let (waiting, taken) = mpsc::channel(WAITING_MESSAGES);
        tokio::spawn(send_batches(
            self.client.clone(),
            self.queue_url.clone(),
            taken,
        ));
        self.batcher = Some(waiting);
        self
    }

    /// Sends the command's message. A failure is logged and left to the projector's catch-up.
    pub async fn publish(&self, committed: &Committed, context: &Context) -> Published {
        let queue = self
            .queue_url
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let span = tracing::info_span!(
            "publish",
            otel.name = format!("send {queue}"),
            otel.kind = "producer",
            messaging.system = "aws_sqs",
            messaging.operation.type = "send",
            messaging.destination.name = queue,
            messaging.message.id = tracing::field::Empty,
            messaging.batch.message_count = tracing::field::Empty,
            correlation_id = %context.correlation_id,
        );
        self.send(committed, context).instrument(span).await
    }

    async fn send(&self, committed: &Committed, context: &Context) -> Published {
        let Some(first) = committed.events.first() else {
            return Published::NotSent;
        };
        let faults = self.faults.current().await;
        if faults.fail_sqs_send {
            tracing::warn!(
                aggregate_id = %committed.aggregate_id,
                "publishing to the event queue failed (fault switch sqs_send_failure); the projector's catch-up will find the events"
            );
            metrics::counter!("PublishFailures").increment(1);
            return Published::NotSent;
        }
        if faults.lose_sqs_message {
            // Lost on the way: the sender sees a success, nobody ever receives it. Only the
            // span's attribute tells, for the learner who looks at the producer span.
            tracing::Span::current().record("messaging.message.id", "lost (fault switch)");
            tracing::debug!(
                aggregate_id = %committed.aggregate_id,
                "message dropped on the way (fault switch sqs_message_lost)"
            );
            return Published::NotSent;
        }
        if faults.poison {
            let poison = self
                .client
                .send_message()
                .queue_url(&self.queue_url)
                .message_body("this is not an EventsAppended message (fault switch poison_message)")
                .message_group_id("poison")
                .message_deduplication_id(uuid::Uuid::new_v4().to_string())
                .send()
                .await;
            if let Err(error) = poison {
                tracing::warn!(error = %DisplayErrorContext(&error), "sending the poison message failed");
            }
        }
        let body = EventsAppended {
            aggregate_type: committed.aggregate_type.to_string(),
            aggregate_id: committed.aggregate_id.clone(),
            correlation_id: context.correlation_id.clone(),
            events: committed.events.clone(),
        };
        // The consumer's spans become children of this producer span.
        let traceparent = platform::telemetry::current_traceparent()
            .unwrap_or_else(|| context.traceparent.clone());
        let message = Message {
            body: serde_json::to_string(&body).expect("plain data serialises"),
            // One group per stream keeps a stream's messages in order without serialising
            // unrelated streams behind each other.
            group_id: format!("{}:{}", committed.aggregate_type, committed.aggregate_id),
            deduplication_id: format!("{}:{}", first.event_id, committed.events.len()),
            // On AWS, X-Ray reads the trace from the system attribute; inside Lambda the SDK
            // would otherwise fill it with the function's own segment and split the trace in two.
            xray: platform::settings::on_aws()
                .then(|| xray_header(&traceparent))
                .flatten(),
            traceparent,
            correlation_id: context.correlation_id.clone(),
        };
        let started = std::time::Instant::now();
        let result = match &self.batcher {
            Some(batcher) => in_a_batch(batcher, message).await,
            None => self.alone(message).await,
        };
        metrics::histogram!("SqsSendLatency").record(started.elapsed().as_secs_f64() * 1000.0);
        match result {
            Ok(sent) => {
                let span = tracing::Span::current();
                span.record("messaging.message.id", sent.message_id.as_str());
                span.record("messaging.batch.message_count", sent.batch_size);
                tracing::debug!(
                    message_id = sent.message_id,
                    batch_size = sent.batch_size,
                    position = committed.position(),
                    "published"
                );
                Published::Sent {
                    message_id: sent.message_id,
                    batch_size: sent.batch_size,
                }
            }
            Err(error) => {
                metrics::counter!("PublishFailures").increment(1);
                tracing::warn!(
                    error = %error,
                    aggregate_id = %committed.aggregate_id,
                    "publishing to the event queue failed; the projector's catch-up will find the events"
                );
                Published::Failed(error)
            }
        }
    }

    /// `SendMessage`: the message in a request of its own.
    async fn alone(&self, message: Message) -> Result<Sent, SendError> {
        let mut send = self
            .client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(message.body)
            .message_group_id(message.group_id)
            .message_deduplication_id(message.deduplication_id)
            .message_attributes("traceparent", attribute(&message.traceparent))
            .message_attributes("correlation_id", attribute(&message.correlation_id));
        if let Some(header) = &message.xray {
            send = send.message_system_attributes(
                MessageSystemAttributeNameForSends::AwsTraceHeader,
                system_attribute(header),
            );
        }
        match send.send().await {
            Ok(sent) => Ok(Sent {
                message_id: sent.message_id().unwrap_or_default().to_string(),
                batch_size: 1,
            }),
            Err(error) => Err(SendError::Request(DisplayErrorContext(&error).to_string())),
        }
    }
}

/// Hands the message to the batcher and waits for its entry's answer.
async fn in_a_batch(batcher: &mpsc::Sender<Pending>, message: Message) -> Result<Sent, SendError> {
    let (answer, answered) = oneshot::channel();
    batcher
        .send(Pending { message, answer })
        .await
        .map_err(|_| SendError::BatcherStopped)?;
    answered.await.map_err(|_| SendError::Dropped)?
}

/// The batcher: takes the first waiting message, waits for a slot among the batches in flight
/// (more messages arrive meanwhile), then sends every message waiting, up to one batch.
async fn send_batches(client: Client, queue_url: String, mut waiting: mpsc::Receiver<Pending>) {
    let in_flight = Arc::new(Semaphore::new(BATCHES_IN_FLIGHT));
    let mut carried = None;
    loop {
        let first = match carried.take() {
            Some(pending) => pending,
            None => match waiting.recv().await {
                Some(pending) => pending,
                // Every publisher is gone.
                None => return,
            },
        };
        let slot = in_flight
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let mut bytes = first.message.body.len();
        let mut batch = vec![first];
        while batch.len() < BATCH_ENTRIES {
            let Ok(next) = waiting.try_recv() else { break };
            if bytes + next.message.body.len() > BATCH_BODY_BYTES {
                carried = Some(next);
                break;
            }
            bytes += next.message.body.len();
            batch.push(next);
        }
        let client = client.clone();
        let queue_url = queue_url.clone();
        tokio::spawn(async move {
            send_batch(&client, &queue_url, batch).await;
            drop(slot);
        });
    }
}

/// One `SendMessageBatch`; each entry's answer to its own waiting command. SQS answers each entry
/// on its own: some may fail while the rest are sent.
async fn send_batch(client: &Client, queue_url: &str, batch: Vec<Pending>) {
    let batch_size = batch.len();
    let entries = batch
        .iter()
        .enumerate()
        .map(|(index, pending)| entry(index, &pending.message))
        .collect();
    let result = client
        .send_message_batch()
        .queue_url(queue_url)
        .set_entries(Some(entries))
        .send()
        .await;
    let mut answers: HashMap<String, Result<Sent, SendError>> = HashMap::new();
    match result {
        Ok(output) => {
            for sent in output.successful() {
                let answer = Sent {
                    message_id: sent.message_id().to_string(),
                    batch_size,
                };
                answers.insert(sent.id().to_string(), Ok(answer));
            }
            for failed in output.failed() {
                let error = SendError::Refused {
                    code: failed.code().to_string(),
                    message: failed.message().unwrap_or("no message").to_string(),
                };
                answers.insert(failed.id().to_string(), Err(error));
            }
        }
        Err(error) => {
            let error = SendError::Request(DisplayErrorContext(&error).to_string());
            for index in 0..batch_size {
                answers.insert(index.to_string(), Err(error.clone()));
            }
        }
    }
    for (index, pending) in batch.into_iter().enumerate() {
        let answer = answers
            .remove(&index.to_string())
            .unwrap_or(Err(SendError::Unanswered));
        // A command that stopped waiting (its request was dropped) needs no answer.
        let _ = pending.answer.send(answer);
    }
}

/// The message as entry `index` of a batch; the index is its id within the batch.
fn entry(index: usize, message: &Message) -> SendMessageBatchRequestEntry {
    let mut entry = SendMessageBatchRequestEntry::builder()
        .id(index.to_string())
        .message_body(&message.body)
        .message_group_id(&message.group_id)
        .message_deduplication_id(&message.deduplication_id)
        .message_attributes("traceparent", attribute(&message.traceparent))
        .message_attributes("correlation_id", attribute(&message.correlation_id));
    if let Some(header) = &message.xray {
        entry = entry.message_system_attributes(
            MessageSystemAttributeNameForSends::AwsTraceHeader,
            system_attribute(header),
        );
    }
    entry.build().expect("id and body are set")
}

fn attribute(value: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .expect("data type and value are set")
}

fn system_attribute(value: &str) -> MessageSystemAttributeValue {
    MessageSystemAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .expect("data type and value are set")
}

/// A W3C traceparent as an X-Ray trace header: the same trace and parent ids, X-Ray's spelling.
pub fn xray_header(traceparent: &str) -> Option<String> {
    let parts: Vec<&str> = traceparent.split('-').collect();
    let [_, trace, parent, flags] = parts.as_slice() else {
        return None;
    };
    if trace.len() != 32 || parent.len() != 16 {
        return None;
    }
    let sampled = u8::from_str_radix(flags, 16).ok()? & 1;
    Some(format!(
        "Root=1-{}-{};Parent={parent};Sampled={sampled}",
        &trace[..8],
        &trace[8..]
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_traceparent_becomes_the_same_trace_in_xray_spelling() {
        assert_eq!(
            super::xray_header("00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01")
                .as_deref(),
            Some("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
        );
        assert_eq!(super::xray_header("garbage"), None);
    }
}
