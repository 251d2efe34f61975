//! Fault switches for learners: break one thing on purpose and watch the logs, metrics, traces
//! and the trace timeline change (docs/learn.md walks through each). All off by default; each is
//! an environment variable parsed with the other settings at start (see [`crate::settings`]), so
//! turning one off is a restart, as on ECS or Lambda.
//!
//! | variable | effect |
//! |---|---|
//! | `SHOP_FAULT_DB_LATENCY_MS=N` | every append waits N ms first (a slow database) |
//! | `SHOP_FAULT_SQS_SEND=fail` | every publish fails before it reaches SQS |
//! | `SHOP_FAULT_POISON=1` | every publish also sends a message no consumer can read |
//! | `SHOP_FAULT_CRASH_ON_EVENT=Type` | the projector exits (code 70) when it meets that event |

use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    pub db_latency: Option<Duration>,
    pub fail_sqs_send: bool,
    pub poison: bool,
    pub crash_on_event: Option<String>,
}

impl Faults {
    /// Says in the log which switches are on, once at start.
    pub fn announce(&self) {
        if *self != Self::default() {
            tracing::warn!(faults = ?self, "fault switches are on");
        }
    }
}
