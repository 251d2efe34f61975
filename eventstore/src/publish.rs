//! After a command commits: one message on the FIFO event queue that says which events it
//! appended. The message only wakes the projector and carries the trace; the projector reads the
//! events themselves from the store, so a message lost here costs latency, never an event.

use aggregates::Context;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{
    MessageAttributeValue, MessageSystemAttributeNameForSends, MessageSystemAttributeValue,
};
use serde::Serialize;
use tracing::Instrument;

use platform::faults::FaultSwitches;

use crate::log::{Appended, Committed};

#[derive(Clone)]
pub struct Publisher {
    client: Client,
    queue_url: String,
    faults: FaultSwitches,
}

/// The message body. Small on purpose: ids and positions, no payloads.
#[derive(Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct EventsAppended {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub correlation_id: String,
    pub events: Vec<Appended>,
}

impl Publisher {
    pub fn new(client: Client, queue_url: String) -> Self {
        Self {
            client,
            queue_url,
            faults: FaultSwitches::default(),
        }
    }

    /// The same publisher with fault switches (see [`platform::faults`]).
    pub fn with_faults(mut self, faults: FaultSwitches) -> Self {
        self.faults = faults;
        self
    }

    /// Sends the command's message. A failure is logged and left to the projector's catch-up.
    pub async fn publish(&self, committed: &Committed, context: &Context) {
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
            correlation_id = %context.correlation_id,
        );
        self.send(committed, context).instrument(span).await
    }

    async fn send(&self, committed: &Committed, context: &Context) {
        let Some(first) = committed.events.first() else {
            return;
        };
        let body = EventsAppended {
            aggregate_type: committed.aggregate_type.to_string(),
            aggregate_id: committed.aggregate_id.clone(),
            correlation_id: context.correlation_id.clone(),
            events: committed.events.clone(),
        };
        let attribute = |value: &str| {
            MessageAttributeValue::builder()
                .data_type("String")
                .string_value(value)
                .build()
                .expect("data type and value are set")
        };
        let faults = self.faults.current().await;
        if faults.fail_sqs_send {
            tracing::warn!(
                aggregate_id = %committed.aggregate_id,
                "publishing to the event queue failed (fault switch sqs_send_failure); the projector's catch-up will find the events"
            );
            metrics::counter!("PublishFailures").increment(1);
            return;
        }
        if faults.lose_sqs_message {
            // Lost on the way: the sender sees a success, nobody ever receives it. Only the
            // span's attribute tells, for the learner who looks at the producer span.
            tracing::Span::current().record("messaging.message.id", "lost (fault switch)");
            tracing::debug!(
                aggregate_id = %committed.aggregate_id,
                "message dropped on the way (fault switch sqs_message_lost)"
            );
            return;
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
                tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&error), "sending the poison message failed");
            }
        }
        // The consumer's spans become children of this producer span.
        let traceparent = platform::telemetry::current_traceparent()
            .unwrap_or_else(|| context.traceparent.clone());
        let mut send = self.client.send_message();
        // On AWS, X-Ray reads the trace from the system attribute; inside Lambda the SDK would
        // otherwise fill it with the function's own segment and split the trace in two.
        if platform::settings::on_aws()
            && let Some(header) = xray_header(&traceparent)
        {
            send = send.message_system_attributes(
                MessageSystemAttributeNameForSends::AwsTraceHeader,
                MessageSystemAttributeValue::builder()
                    .data_type("String")
                    .string_value(header)
                    .build()
                    .expect("data type and value are set"),
            );
        }
        let started = std::time::Instant::now();
        let result = send
            .queue_url(&self.queue_url)
            .message_body(serde_json::to_string(&body).expect("plain data serialises"))
            // One group per stream keeps a stream's messages in order without serialising
            // unrelated streams behind each other.
            .message_group_id(format!(
                "{}:{}",
                committed.aggregate_type, committed.aggregate_id
            ))
            .message_deduplication_id(format!("{}:{}", first.event_id, committed.events.len()))
            .message_attributes("traceparent", attribute(&traceparent))
            .message_attributes("correlation_id", attribute(&context.correlation_id))
            .send()
            .await;
        metrics::histogram!("SqsSendLatency").record(started.elapsed().as_secs_f64() * 1000.0);
        match result {
            Ok(sent) => {
                let id = sent.message_id().unwrap_or_default();
                tracing::Span::current().record("messaging.message.id", id);
                tracing::debug!(
                    message_id = id,
                    position = committed.position(),
                    "published"
                )
            }
            Err(error) => {
                metrics::counter!("PublishFailures").increment(1);
                tracing::warn!(
                    error = %aws_sdk_sqs::error::DisplayErrorContext(&error),
                    aggregate_id = %committed.aggregate_id,
                    "publishing to the event queue failed; the projector's catch-up will find the events"
                )
            }
        }
    }
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
