//! What every event records about why it exists: the five keys of docs/architecture.md section 2
//! (the store adds a sixth, `command_id`, marking the events of one command).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Who asked, on behalf of which request, within which trace. Built once per request or per saga
/// step and stamped on every event that step appends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// Shared by everything one shopper action causes, across the queue and the saga.
    pub correlation_id: String,
    /// The id of what caused this: a request id, or the event id a saga step reacts to.
    pub causation_id: String,
    /// W3C trace context of the span that appended the events.
    pub traceparent: String,
    /// The user's `sub`, or `system:stock-projector` for the saga.
    pub actor: String,
}

impl Context {
    /// The metadata map cqrs-es stores beside each event.
    pub fn metadata(&self, command: &str) -> HashMap<String, String> {
        HashMap::from([
            ("correlation_id".into(), self.correlation_id.clone()),
            ("causation_id".into(), self.causation_id.clone()),
            ("traceparent".into(), self.traceparent.clone()),
            ("actor".into(), self.actor.clone()),
            ("command".into(), command.to_string()),
        ])
    }
}

/// The actor of every command the reservation saga issues.
pub const SAGA_ACTOR: &str = "system:stock-projector";
