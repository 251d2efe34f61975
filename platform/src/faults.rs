//! Fault switches for learners: break one thing on purpose, at run time, and watch the alarms,
//! metrics, traces and logs change (docs/learn.md walks through each).
//!
//! A switch's state lives in the database's `fault_switches` table (migration 0007), the one place
//! every process can read, locally and on AWS alike: the Lambdas and the projector share the
//! database but nothing else. Each process reads the table at most once a second, when it next
//! needs a switch ([`FaultSwitches::current`]), so a flip reaches every process within about a
//! second, a frozen Lambda on its next invocation, with one small query a second and none while
//! idle. The environment still sets switches at start: a process whose `SHOP_FAULT_*` variables
//! turn one on writes it to the table as it starts (see [`crate::settings`]).
//!
//! | switch | parameters | variable at start | effect |
//! |---|---|---|---|
//! | `slow_database` | `added_ms` 1 to 10000 | `SHOP_FAULT_DB_LATENCY_MS=N` | every append waits first |
//! | `sqs_send_failure` | | `SHOP_FAULT_SQS_SEND=fail` | every publish fails before SQS |
//! | `sqs_message_lost` | | `SHOP_FAULT_SQS_LOST=1` | every publish "succeeds" and is never delivered |
//! | `poison_message` | | `SHOP_FAULT_POISON=1` | every publish also sends an unreadable message |
//! | `projector_crash` | `event_type` | `SHOP_FAULT_CRASH_ON_EVENT=Type` | the projector exits (70) before that event |
//! | `product_read_failure` | `percent` 1 to 100 | `SHOP_FAULT_PRODUCT_READ_FAILURE_PERCENT=N` | that share of product reads fail |
//! | `slow_stock_service` | `added_ms` 1 to 10000 | `SHOP_FAULT_STOCK_LATENCY_MS=N` | the stock service answers late |

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

/// How long a process trusts what it last read from the table.
pub const REFRESH: Duration = Duration::from_secs(1);

/// Bounds of the switches' parameters.
pub const MAX_ADDED_MS: u32 = 10_000;
pub const MAX_PERCENT: u8 = 100;

/// One switch turned on, with its parameters: the table's `name` and `parameters` columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", content = "parameters", rename_all = "snake_case")]
pub enum Fault {
    SlowDatabase { added_ms: u32 },
    SqsSendFailure {},
    SqsMessageLost {},
    PoisonMessage {},
    ProjectorCrash { event_type: String },
    ProductReadFailure { percent: u8 },
    SlowStockService { added_ms: u32 },
}

/// What one switch is, for the console: its name, what it breaks, its parameters.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Switch {
    pub name: &'static str,
    pub title: &'static str,
    /// What it breaks, in one sentence.
    pub breaks: &'static str,
    pub parameters: &'static [Parameter],
}

/// One parameter of a switch and its bounds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Parameter {
    pub name: &'static str,
    pub description: &'static str,
    /// Whole numbers between `minimum` and `maximum`; absent for `event_type`, whose values are
    /// the event types.
    pub minimum: Option<u32>,
    pub maximum: Option<u32>,
    pub default: Option<u32>,
    pub unit: Option<&'static str>,
}

/// Every switch, in the console's order.
pub const SWITCHES: &[Switch] = &[
    Switch {
        name: "slow_database",
        title: "Slow database",
        breaks: "Every append to the event store waits `added_ms` first, as a database short of I/O would: commands, checkout and the saga slow down.",
        parameters: &[Parameter {
            name: "added_ms",
            description: "milliseconds added before every append",
            minimum: Some(1),
            maximum: Some(MAX_ADDED_MS),
            default: Some(300),
            unit: Some("ms"),
        }],
    },
    Switch {
        name: "sqs_send_failure",
        title: "Failing SQS send",
        breaks: "Every publish to the event queue fails, as when an IAM policy loses sqs:SendMessage: orders are decided late, by the projector's catch-up timer.",
        parameters: &[],
    },
    Switch {
        name: "sqs_message_lost",
        title: "Lost SQS message",
        breaks: "Every publish looks sent and is never delivered: no error anywhere, orders are decided late, by the projector's catch-up timer.",
        parameters: &[],
    },
    Switch {
        name: "poison_message",
        title: "Poison message",
        breaks: "Every publish also sends a message no consumer can read: it comes back until SQS moves it to the dead-letter queue.",
        parameters: &[],
    },
    Switch {
        name: "projector_crash",
        title: "Projector crash",
        breaks: "The projector exits (code 70) before applying an event of `event_type`, like a bug one event triggers: restarted, it crashes again, and orders stay pending.",
        parameters: &[Parameter {
            name: "event_type",
            description: "the event type that crashes it",
            minimum: None,
            maximum: None,
            default: None,
            unit: None,
        }],
    },
    Switch {
        name: "product_read_failure",
        title: "Failing product reads",
        breaks: "That `percent` of catalog reads (GET /api/products and /api/products/{sku}) fail with 500, as a bug in the product service would.",
        parameters: &[Parameter {
            name: "percent",
            description: "share of product reads that fail",
            minimum: Some(1),
            maximum: Some(MAX_PERCENT as u32),
            default: Some(50),
            unit: Some("%"),
        }],
    },
    Switch {
        name: "slow_stock_service",
        title: "Slow stock service",
        breaks: "The stock service answers the order function's availability check `added_ms` late: the check times out (150 ms), its circuit breaker opens, and sold-out lines are no longer refused at once but rejected by the saga.",
        parameters: &[Parameter {
            name: "added_ms",
            description: "milliseconds added before every availability answer",
            minimum: Some(1),
            maximum: Some(MAX_ADDED_MS),
            default: Some(500),
            unit: Some("ms"),
        }],
    },
];

/// The switch named `name`, if there is one.
pub fn switch(name: &str) -> Option<&'static Switch> {
    SWITCHES.iter().find(|s| s.name == name)
}

impl Fault {
    pub fn name(&self) -> &'static str {
        match self {
            Self::SlowDatabase { .. } => "slow_database",
            Self::SqsSendFailure {} => "sqs_send_failure",
            Self::SqsMessageLost {} => "sqs_message_lost",
            Self::PoisonMessage {} => "poison_message",
            Self::ProjectorCrash { .. } => "projector_crash",
            Self::ProductReadFailure { .. } => "product_read_failure",
            Self::SlowStockService { .. } => "slow_stock_service",
        }
    }

    /// The parameters as the table keeps them (an object, empty for a switch without any).
    pub fn parameters(&self) -> serde_json::Value {
        let mut tagged = serde_json::to_value(self).expect("plain data serialises");
        tagged["parameters"].take()
    }

    /// The fault named `name` with `parameters`, as the table keeps them.
    pub fn from_parts(name: &str, parameters: serde_json::Value) -> serde_json::Result<Self> {
        serde_json::from_value(serde_json::json!({"name": name, "parameters": parameters}))
    }

    /// Checks the parameters' bounds; `event_types` are the ones the projector can meet. Returns
    /// the parameter at fault and why.
    pub fn check(&self, event_types: &[&str]) -> Result<(), (&'static str, String)> {
        match self {
            Self::SlowDatabase { added_ms } | Self::SlowStockService { added_ms }
                if !(1..=MAX_ADDED_MS).contains(added_ms) =>
            {
                Err((
                    "added_ms",
                    format!("must be between 1 and {MAX_ADDED_MS} milliseconds"),
                ))
            }
            Self::ProductReadFailure { percent } if !(1..=MAX_PERCENT).contains(percent) => {
                Err(("percent", format!("must be between 1 and {MAX_PERCENT}")))
            }
            Self::ProjectorCrash { event_type } if !event_types.contains(&event_type.as_str()) => {
                Err((
                    "event_type",
                    format!("must be one of {}", event_types.join(", ")),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// Which switches are on, as one process sees them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    pub db_latency: Option<Duration>,
    pub fail_sqs_send: bool,
    pub lose_sqs_message: bool,
    pub poison: bool,
    pub crash_on_event: Option<String>,
    pub product_read_failure_percent: Option<u8>,
    pub stock_service_latency: Option<Duration>,
}

impl Faults {
    /// The switches `on` turn on.
    pub fn from_on(on: impl IntoIterator<Item = Fault>) -> Self {
        let mut faults = Self::default();
        for fault in on {
            match fault {
                Fault::SlowDatabase { added_ms } => {
                    faults.db_latency = Some(Duration::from_millis(added_ms.into()))
                }
                Fault::SqsSendFailure {} => faults.fail_sqs_send = true,
                Fault::SqsMessageLost {} => faults.lose_sqs_message = true,
                Fault::PoisonMessage {} => faults.poison = true,
                Fault::ProjectorCrash { event_type } => faults.crash_on_event = Some(event_type),
                Fault::ProductReadFailure { percent } => {
                    faults.product_read_failure_percent = Some(percent)
                }
                Fault::SlowStockService { added_ms } => {
                    faults.stock_service_latency = Some(Duration::from_millis(added_ms.into()))
                }
            }
        }
        faults
    }

    /// The switches on, one [`Fault`] each.
    pub fn on(&self) -> Vec<Fault> {
        let mut on = Vec::new();
        if let Some(latency) = self.db_latency {
            on.push(Fault::SlowDatabase {
                added_ms: u32::try_from(latency.as_millis()).unwrap_or(u32::MAX),
            });
        }
        if self.fail_sqs_send {
            on.push(Fault::SqsSendFailure {});
        }
        if self.lose_sqs_message {
            on.push(Fault::SqsMessageLost {});
        }
        if self.poison {
            on.push(Fault::PoisonMessage {});
        }
        if let Some(event_type) = &self.crash_on_event {
            on.push(Fault::ProjectorCrash {
                event_type: event_type.clone(),
            });
        }
        if let Some(percent) = self.product_read_failure_percent {
            on.push(Fault::ProductReadFailure { percent });
        }
        if let Some(latency) = self.stock_service_latency {
            on.push(Fault::SlowStockService {
                added_ms: u32::try_from(latency.as_millis()).unwrap_or(u32::MAX),
            });
        }
        on
    }

    /// Whether this product read is one the failing-reads switch fails: a draw against its share.
    pub fn fails_product_read(&self) -> bool {
        self.product_read_failure_percent
            .is_some_and(|percent| rand::random_range(0..100u8) < percent)
    }
}

/// One switch as the table holds it: on or off, its parameters, who flipped it last and when.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct State {
    pub name: String,
    pub enabled: bool,
    pub parameters: serde_json::Value,
    pub flipped_by: String,
    pub flipped_at: DateTime<Utc>,
}

/// How a game day's flips are signed (`scenario <run id>`): their logs do not name the switch.
pub const GAME_DAY_ACTOR: &str = "scenario ";

/// Every switch flipped at least once.
pub async fn states(pool: &PgPool) -> sqlx::Result<Vec<State>> {
    sqlx::query_as(
        "SELECT name, enabled, parameters, flipped_by, flipped_at FROM fault_switches ORDER BY name",
    )
    .fetch_all(pool)
    .await
}

/// Turns `fault` on, or its switch off (`enabled` false; the parameters are kept for next time),
/// as `actor`. Logged and counted in `FaultFlips`.
pub async fn flip<'e>(
    db: impl sqlx::PgExecutor<'e>,
    fault: &Fault,
    enabled: bool,
    actor: &str,
) -> sqlx::Result<State> {
    let state: State = sqlx::query_as(
        "INSERT INTO fault_switches (name, enabled, parameters, flipped_by, flipped_at)
         VALUES ($1, $2, $3, $4, clock_timestamp())
         ON CONFLICT (name) DO UPDATE SET enabled = $2, parameters = $3, flipped_by = $4,
             flipped_at = clock_timestamp()
         RETURNING name, enabled, parameters, flipped_by, flipped_at",
    )
    .bind(fault.name())
    .bind(enabled)
    .bind(fault.parameters())
    .bind(actor)
    .fetch_one(db)
    .await?;
    let turned = if enabled { "on" } else { "off" };
    if actor.starts_with(GAME_DAY_ACTOR) {
        // A game day's fault is for the learner to find: the log says a switch moved, not which.
        tracing::warn!(actor, "a game day turned its hidden fault switch {turned}");
    } else {
        tracing::warn!(
            switch = fault.name(),
            enabled,
            parameters = %state.parameters,
            actor,
            "fault switch {} turned {turned}",
            fault.name(),
        );
    }
    metrics::counter!("FaultFlips", "Switch" => fault.name(), "Enabled" => enabled.to_string())
        .increment(1);
    Ok(state)
}

/// Turns the switch named `name` off, keeping its parameters; nothing when it was never flipped.
pub async fn switch_off(db: &mut sqlx::PgConnection, name: &str, actor: &str) -> sqlx::Result<()> {
    let kept: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT parameters FROM fault_switches WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *db)
            .await?;
    if let Some(fault) = kept.and_then(|p| Fault::from_parts(name, p).ok()) {
        flip(db, &fault, false, actor).await?;
    }
    Ok(())
}

/// The switches as one process sees them: fixed (tests, tools), or read from the table.
#[derive(Clone)]
pub struct FaultSwitches(Arc<Source>);

enum Source {
    Fixed(Arc<Faults>),
    Table {
        pool: PgPool,
        seen: Mutex<Option<(Instant, Arc<Faults>)>>,
        /// One reader at a time: the others use what it read.
        reading: tokio::sync::Mutex<()>,
    },
}

impl Default for FaultSwitches {
    /// Every switch off, for good.
    fn default() -> Self {
        Self::fixed(Faults::default())
    }
}

impl FaultSwitches {
    /// Switches that never change.
    pub fn fixed(faults: Faults) -> Self {
        Self(Arc::new(Source::Fixed(Arc::new(faults))))
    }

    /// The switches of the `fault_switches` table, re-read at most every [`REFRESH`].
    pub fn table(pool: PgPool) -> Self {
        Self(Arc::new(Source::Table {
            pool,
            seen: Mutex::new(None),
            reading: tokio::sync::Mutex::new(()),
        }))
    }

    /// The table's switches, after writing to it those that `at_start` (the environment) turns
    /// on.
    pub async fn start(pool: PgPool, at_start: &Faults) -> sqlx::Result<Self> {
        for fault in at_start.on() {
            flip(&pool, &fault, true, "environment (SHOP_FAULT_*)").await?;
        }
        Ok(Self::table(pool))
    }

    /// The switches now. Reads the table when what this process saw is older than [`REFRESH`];
    /// when the table cannot be read (the database is away), keeps what it saw last.
    pub async fn current(&self) -> Arc<Faults> {
        let (pool, seen, reading) = match &*self.0 {
            Source::Fixed(faults) => return faults.clone(),
            Source::Table {
                pool,
                seen,
                reading,
            } => (pool, seen, reading),
        };
        let fresh = |seen: &Mutex<Option<(Instant, Arc<Faults>)>>| {
            seen.lock()
                .expect("never poisoned: no panics while held")
                .as_ref()
                .filter(|(at, _)| at.elapsed() < REFRESH)
                .map(|(_, faults)| faults.clone())
        };
        if let Some(faults) = fresh(seen) {
            return faults;
        }
        let _reading = reading.lock().await;
        if let Some(faults) = fresh(seen) {
            return faults;
        }
        let last = seen
            .lock()
            .expect("never poisoned")
            .as_ref()
            .map(|(_, f)| f.clone());
        let now = match read_on(pool).await {
            Ok(now) => Arc::new(now),
            Err(error) => {
                tracing::debug!(%error, "cannot read the fault switches; keeping the last seen");
                last.clone().unwrap_or_default()
            }
        };
        if last.as_deref() != Some(&*now) {
            announce(last.as_deref().unwrap_or(&Faults::default()), &now);
        }
        *seen.lock().expect("never poisoned") = Some((Instant::now(), now.clone()));
        now
    }
}

/// The switches the table has on.
async fn read_on(pool: &PgPool) -> sqlx::Result<Faults> {
    let rows: Vec<(String, serde_json::Value)> =
        sqlx::query_as("SELECT name, parameters FROM fault_switches WHERE enabled")
            .fetch_all(pool)
            .await?;
    Ok(Faults::from_on(rows.into_iter().filter_map(
        |(name, parameters)| match Fault::from_parts(&name, parameters) {
            Ok(fault) => Some(fault),
            Err(error) => {
                tracing::warn!(switch = name, %error, "ignoring a fault switch this binary cannot read");
                None
            }
        },
    )))
}

/// Says in the `FaultActive` gauge, and at debug level in the log (a game day's switch must not
/// show in the learner's log search), what changed, as this process sees it.
fn announce(before: &Faults, now: &Faults) {
    let (before, now) = (before.on(), now.on());
    for fault in &now {
        if !before.contains(fault) {
            tracing::debug!(switch = fault.name(), parameters = %fault.parameters(), "fault switch {} is on here", fault.name());
        }
    }
    for switch in SWITCHES {
        let on = now.iter().any(|f| f.name() == switch.name);
        let was = before.iter().any(|f| f.name() == switch.name);
        if was && !on {
            tracing::debug!(
                switch = switch.name,
                "fault switch {} is off here",
                switch.name
            );
        }
        metrics::gauge!("FaultActive", "Switch" => switch.name).set(if on { 1.0 } else { 0.0 });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_is_kept_as_its_name_and_an_object_of_parameters() {
        let slow = Fault::SlowDatabase { added_ms: 300 };
        assert_eq!(slow.parameters(), serde_json::json!({"added_ms": 300}));
        assert_eq!(Fault::SqsMessageLost {}.parameters(), serde_json::json!({}));
        assert_eq!(
            Fault::from_parts("slow_database", serde_json::json!({"added_ms": 300})).unwrap(),
            slow
        );
        assert_eq!(
            Fault::from_parts("poison_message", serde_json::json!({})).unwrap(),
            Fault::PoisonMessage {}
        );
        assert!(Fault::from_parts("no_such_switch", serde_json::json!({})).is_err());
    }

    #[test]
    fn every_switch_in_the_catalog_is_a_fault_and_back() {
        let every = Faults {
            db_latency: Some(Duration::from_millis(5)),
            fail_sqs_send: true,
            lose_sqs_message: true,
            poison: true,
            crash_on_event: Some("OrderPlaced".into()),
            product_read_failure_percent: Some(10),
            stock_service_latency: Some(Duration::from_millis(7)),
        };
        let on = every.on();
        let names: Vec<_> = on.iter().map(Fault::name).collect();
        let catalog: Vec<_> = SWITCHES.iter().map(|s| s.name).collect();
        assert_eq!(names, catalog);
        assert_eq!(Faults::from_on(on), every);
    }

    #[test]
    fn parameters_out_of_bounds_name_the_parameter() {
        let types = ["OrderPlaced"];
        assert_eq!(
            Fault::SlowDatabase { added_ms: 0 }
                .check(&types)
                .unwrap_err()
                .0,
            "added_ms"
        );
        assert_eq!(
            Fault::ProductReadFailure { percent: 101 }
                .check(&types)
                .unwrap_err()
                .0,
            "percent"
        );
        assert_eq!(
            Fault::ProjectorCrash {
                event_type: "Nope".into()
            }
            .check(&types)
            .unwrap_err()
            .0,
            "event_type"
        );
        assert!(
            Fault::ProjectorCrash {
                event_type: "OrderPlaced".into()
            }
            .check(&types)
            .is_ok()
        );
    }

    #[test]
    fn no_share_fails_no_read_and_all_fails_every_read() {
        assert!(!Faults::default().fails_product_read());
        let all = Faults {
            product_read_failure_percent: Some(100),
            ..Default::default()
        };
        assert!((0..100).all(|_| all.fails_product_read()));
    }
}
