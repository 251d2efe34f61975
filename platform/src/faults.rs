//! Fault switches for learners: break one thing on purpose and watch the logs, metrics, traces
//! and the trace timeline change (docs/learn.md walks through each). All off by default; each is
//! an environment variable read at start, so turning one off is a restart, as on ECS or Lambda.
//!
//! | variable | effect |
//! |---|---|
//! | `SHOP_FAULT_DB_LATENCY_MS=N` | every append waits N ms first (a slow database) |
//! | `SHOP_FAULT_SQS_SEND=fail` | every publish fails before it reaches SQS |
//! | `SHOP_FAULT_POISON=1` | every publish also sends a message no consumer can read |
//! | `SHOP_FAULT_CRASH_ON_EVENT=Type` | the projector exits (code 70) when it meets that event |

use std::time::Duration;

use crate::config::var;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    pub db_latency: Option<Duration>,
    pub fail_sqs_send: bool,
    pub poison: bool,
    pub crash_on_event: Option<String>,
}

impl Faults {
    pub fn from_env() -> Self {
        let faults = Self {
            db_latency: var("SHOP_FAULT_DB_LATENCY_MS")
                .and_then(|v| v.parse().ok())
                .map(Duration::from_millis),
            fail_sqs_send: var("SHOP_FAULT_SQS_SEND").is_some_and(|v| v == "fail"),
            poison: var("SHOP_FAULT_POISON").is_some_and(|v| v == "1" || v == "true"),
            crash_on_event: var("SHOP_FAULT_CRASH_ON_EVENT"),
        };
        if faults != Self::default() {
            tracing::warn!(?faults, "fault switches are on");
        }
        faults
    }
}
