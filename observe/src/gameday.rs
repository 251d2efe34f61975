//! Game days: guided scenarios on the console's Scenarios page. A scenario states what a shopper
//! (or the on-call) reports, turns on a fault switch without naming it, and lets the learner
//! investigate with the alarms, metrics, traces and logs; then asks which part broke and why,
//! checks the answer, and shows the signals that gave it away. Finishing turns the fault off; the
//! console then shows that nothing was lost (every order decided, read models equal to a
//! rebuild). Runs are kept in `scenario_runs`; one runs at a time, for at most [`TIME_LIMIT`]:
//! a run nobody finishes ends itself then (its fault off, `finished_by` saying so), so a game day
//! left open never keeps a hidden fault on, nor every switch locked.

use chrono::{DateTime, Utc};
use platform::faults::{self, Fault};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

/// How long a game day may run before it ends itself.
pub const TIME_LIMIT: chrono::Duration = chrono::Duration::minutes(30);

/// Who ends a run that reached [`TIME_LIMIT`].
pub const TIMED_OUT: &str = "time limit (30 minutes)";

/// Makes the fault a scenario turns on (a `const` cannot hold the `String` some faults carry).
pub type MakeFault = fn() -> Fault;

/// A guided scenario.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Scenario {
    pub id: &'static str,
    pub title: &'static str,
    /// What a shopper (or the on-call) reports.
    pub symptom: &'static str,
    /// Where to start looking, without giving the answer away.
    pub hint: &'static str,
    /// The fault it turns on (revealed with the answer).
    #[serde(skip)]
    #[schema(ignore)]
    pub fault: MakeFault,
    /// Why that switch gives this symptom (revealed with the answer).
    #[serde(skip)]
    pub explanation: &'static str,
    /// The signals that give it away, with where to see them (revealed with the answer).
    #[serde(skip)]
    pub signals: &'static [Signal],
}

/// One signal and the console page that shows it (a path under the storefront).
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Signal {
    pub what: &'static str,
    pub link: &'static str,
}

/// One possible answer: a part and why it broke, one per switch.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Choice {
    pub switch: &'static str,
    pub diagnosis: &'static str,
}

/// The answers a learner chooses from: every switch, as a part and a cause.
pub const CHOICES: &[Choice] = &[
    Choice {
        switch: "slow_database",
        diagnosis: "The database: every write to the event store is slow.",
    },
    Choice {
        switch: "sqs_send_failure",
        diagnosis: "The queue: the order service cannot send to it.",
    },
    Choice {
        switch: "sqs_message_lost",
        diagnosis: "The queue: messages are sent but never arrive.",
    },
    Choice {
        switch: "poison_message",
        diagnosis: "The queue: a message no consumer can read keeps coming back.",
    },
    Choice {
        switch: "projector_crash",
        diagnosis: "The projector: it crashes on one kind of event, again and again.",
    },
    Choice {
        switch: "product_read_failure",
        diagnosis: "The product service: a share of its reads fail.",
    },
    Choice {
        switch: "slow_stock_service",
        diagnosis: "The stock service: it answers the order function's availability check too late.",
    },
];

const ALARMS: &str = "/admin/observe/alarms/";
const METRICS: &str = "/admin/observe/metrics/";
const TRACES: &str = "/admin/observe/";
const LOGS: &str = "/admin/observe/logs/";
const MAP: &str = "/admin/observe/map/";
const PROJECTIONS: &str = "/admin/projections/";

/// Every scenario, one per switch family.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        id: "slow-checkout",
        title: "Checkout hangs",
        symptom: "\"When I press Place order, it spins for seconds before it says my order is placed.\"",
        hint: "Which alarm fires? Then open a slow checkout's trace and find the span that holds the time.",
        fault: || Fault::SlowDatabase { added_ms: 2500 },
        explanation: "Every append to the event store waited 2.5 s before it ran. The checkout request waits for its append, so the API's p99 latency crossed 2 s and the saga's commands slowed too. The trace shows it exactly: under PlaceOrder, `append events` holds nearly all the time, in its child \"slow database (fault switch)\".",
        signals: &[
            Signal {
                what: "Alarm api-p99-latency firing",
                link: ALARMS,
            },
            Signal {
                what: "Request latency p99 by route: POST /api/orders above 2 s",
                link: METRICS,
            },
            Signal {
                what: "A checkout trace: `append events` takes 2.5 s",
                link: TRACES,
            },
            Signal {
                what: "Service map: the order → postgresql edge's p99",
                link: MAP,
            },
        ],
    },
    Scenario {
        id: "quiet-delay",
        title: "Late confirmations, nothing in the logs",
        symptom: "\"My orders take a few seconds to confirm. They used to confirm at once.\"",
        hint: "Compare an order's trace today with one from before: what happens after the message is sent?",
        fault: || Fault::SqsMessageLost {},
        explanation: "The order service sent each message and SQS never delivered it. Nothing failed, so no log line warns; the projector only found the orders on its catch-up timer, every 2 s, so decisions took seconds. In the trace, `send shop-events.fifo` has no `process shop-events` span under it, and its message id reads \"lost\".",
        signals: &[
            Signal {
                what: "Order decision latency p50 near 2 s",
                link: METRICS,
            },
            Signal {
                what: "The order-decision SLO burning its budget",
                link: ALARMS,
            },
            Signal {
                what: "A trace whose send span has no consumer under it",
                link: TRACES,
            },
            Signal {
                what: "No warning in the logs: the silence is the clue",
                link: LOGS,
            },
        ],
    },
    Scenario {
        id: "noisy-delay",
        title: "Late confirmations, and warnings",
        symptom: "\"My orders take a few seconds to confirm.\"",
        hint: "The order service's logs around a checkout say something the traces do not.",
        fault: || Fault::SqsSendFailure {},
        explanation: "Every send to the event queue failed, as when the order function's role loses sqs:SendMessage. The events were committed, so nothing was lost: the projector's catch-up timer found them every 2 s. The order service logs \"publishing to the event queue failed\" on every command, PublishFailures climbs, and each trace's `send shop-events.fifo` span is empty: no message id, nothing under it.",
        signals: &[
            Signal {
                what: "Warnings: \"publishing to the event queue failed\"",
                link: LOGS,
            },
            Signal {
                what: "SQS send failures (PublishFailures) above 0",
                link: METRICS,
            },
            Signal {
                what: "Traces: no `send shop-events.fifo` span under PlaceOrder",
                link: TRACES,
            },
            Signal {
                what: "The order-decision SLO burning its budget",
                link: ALARMS,
            },
        ],
    },
    Scenario {
        id: "missing-products",
        title: "Products fail to load",
        symptom: "\"Some products don't load; a refresh sometimes fixes it.\"",
        hint: "Which alarm fires? Then find an error span and read its log line.",
        fault: || Fault::ProductReadFailure { percent: 30 },
        explanation: "A share of the product service's reads failed with 500, like a bug in one path of a service. The 5xx alarm fires on the error rate; the failing spans are the product function's GET /api/products, and their log lines name the failure. Reads that succeeded were correct: the read models never changed.",
        signals: &[
            Signal {
                what: "Alarm api-5xx-rate firing",
                link: ALARMS,
            },
            Signal {
                what: "Requests by route: 500s on GET /api/products",
                link: METRICS,
            },
            Signal {
                what: "Error spans in the product function",
                link: TRACES,
            },
            Signal {
                what: "ERROR lines: \"product read failed\"",
                link: LOGS,
            },
        ],
    },
    Scenario {
        id: "stuck-orders",
        title: "Orders never confirm",
        symptom: "\"I ordered minutes ago and it still says pending.\"",
        hint: "Is the projector running? Look at its restarts and its last words.",
        fault: || Fault::ProjectorCrash {
            event_type: "OrderPlaced".into(),
        },
        explanation: "The projector exited (code 70) each time an OrderPlaced event waited to be applied, like a bug one event type triggers. Its supervisor restarted it, it met the same event and crashed again: a crash loop, so nothing was decided. Its restart count climbs, its last log line says why, projection lag grows and the order-decision SLO burns.",
        signals: &[
            Signal {
                what: "Projections: the projector's restart count and exit code 70",
                link: PROJECTIONS,
            },
            Signal {
                what: "ERROR: \"crashing on purpose before applying a OrderPlaced event\"",
                link: LOGS,
            },
            Signal {
                what: "Projection lag climbing; alarm projection-lag",
                link: ALARMS,
            },
            Signal {
                what: "Traces end at the send: no projector spans",
                link: TRACES,
            },
        ],
    },
    Scenario {
        id: "dead-letters",
        title: "Paged at night, shoppers fine",
        symptom: "The on-call is paged: \"dead-letter queue not empty\". Shoppers notice nothing.",
        hint: "What is in the dead-letter queue, and what does the projector say when it receives it?",
        fault: || Fault::PoisonMessage {},
        explanation: "Beside every real message, a message no consumer can read was sent. The projector left each for the dead-letter queue; after 5 receives SQS moved it there and dlq-not-empty fired. The poison had its own message group, so the real messages were not held up: orders flowed, which is why shoppers saw nothing.",
        signals: &[
            Signal {
                what: "Alarm dlq-not-empty firing",
                link: ALARMS,
            },
            Signal {
                what: "DLQ depth climbing",
                link: METRICS,
            },
            Signal {
                what: "WARN: \"unreadable message left for the dead-letter queue\"",
                link: LOGS,
            },
        ],
    },
    Scenario {
        id: "late-refusals",
        title: "Sold out, but only later",
        symptom: "\"I ordered something that was sold out. It said placed, then a moment later rejected. It used to tell me straight away.\"",
        hint: "Before placing an order, the order function asks another service a question. Open a checkout's trace: is that call there, and how long did it take?",
        fault: || Fault::SlowStockService { added_ms: 500 },
        explanation: "The stock service answered the order function's availability check late. The check gives up after 150 ms, so the first orders waited that long and were placed unchecked; after three failures in a row the circuit breaker opened and the check was skipped altogether. Sold-out lines were no longer refused at once with 409: the saga, which stays the truth, rejected them a moment later. Nothing was oversold.",
        signals: &[
            Signal {
                what: "A checkout trace: `GET /stock` ends at 150 ms with an error, or is missing (breaker open)",
                link: TRACES,
            },
            Signal {
                what: "Stock checks by outcome: timeout, then open",
                link: METRICS,
            },
            Signal {
                what: "WARN: \"stock service check failed; placing the order unchecked\"",
                link: LOGS,
            },
            Signal {
                what: "Service map: the order → stock-projector edge's errors",
                link: MAP,
            },
        ],
    },
];

/// The scenario `id`.
pub fn scenario(id: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.id == id)
}

impl Scenario {
    /// The switch its fault is on (revealed with the answer).
    pub fn switch(&self) -> &'static str {
        (self.fault)().name()
    }
}

/// One play of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Run {
    pub run_id: Uuid,
    pub scenario: String,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    /// The switch the learner named.
    pub answer: Option<String>,
    pub correct: Option<bool>,
    pub answered_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The admin who finished it, or its time limit ([`TIMED_OUT`]).
    pub finished_by: Option<String>,
    /// When it ends itself if nobody finishes it first.
    pub ends_at: DateTime<Utc>,
}

impl Run {
    /// The actor its fault is flipped as: the console hides that switch until the answer.
    pub fn actor(&self) -> String {
        actor(self.run_id)
    }
}

fn actor(run_id: Uuid) -> String {
    format!("{}{run_id}", faults::GAME_DAY_ACTOR)
}

#[derive(Debug, thiserror::Error)]
pub enum GameDayError {
    #[error("another scenario is running; finish it first")]
    Running,
    #[error("no such run")]
    NoSuchRun,
    #[error("this run is already answered")]
    Answered,
    #[error("this run is finished")]
    Finished,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

const RUN: &str = "run_id, scenario, started_by, started_at, answer, correct, answered_at, \
     finished_at, finished_by, started_at + interval '30 minutes' AS ends_at";

/// Starts `scenario` as `actor`: records the run and turns its fault on, in one transaction.
pub async fn start(pool: &PgPool, scenario: &Scenario, actor: &str) -> Result<Run, GameDayError> {
    end_overdue(pool).await?;
    let mut tx = pool.begin().await?;
    let run: Run = sqlx::query_as(&format!(
        "INSERT INTO scenario_runs (run_id, scenario, started_by) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING {RUN}"
    ))
    .bind(Uuid::now_v7())
    .bind(scenario.id)
    .bind(actor)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(GameDayError::Running)?;
    faults::flip(&mut *tx, &(scenario.fault)(), true, &run.actor()).await?;
    tx.commit().await?;
    tracing::info!(scenario = scenario.id, run_id = %run.run_id, "game day started");
    Ok(run)
}

/// Ends the run that has reached its time limit, if any, as [`TIMED_OUT`].
async fn end_overdue(pool: &PgPool) -> sqlx::Result<()> {
    let overdue: Option<Uuid> = sqlx::query_scalar(
        "SELECT run_id FROM scenario_runs WHERE finished_at IS NULL AND started_at <= clock_timestamp() - $1::interval",
    )
    .bind(format!("{} seconds", TIME_LIMIT.num_seconds()))
    .fetch_optional(pool)
    .await?;
    if let Some(run_id) = overdue {
        // Another request may have ended it meanwhile: only the database failing matters.
        if let Err(GameDayError::Database(e)) = finish(pool, run_id, TIMED_OUT).await {
            return Err(e);
        }
        tracing::warn!(%run_id, "a game day reached its time limit: its fault is off");
    }
    Ok(())
}

/// The run not finished yet, if any (one past its time limit is ended first).
pub async fn running(pool: &PgPool) -> sqlx::Result<Option<Run>> {
    end_overdue(pool).await?;
    sqlx::query_as(&format!(
        "SELECT {RUN} FROM scenario_runs WHERE finished_at IS NULL"
    ))
    .fetch_optional(pool)
    .await
}

/// Run `run_id`.
pub async fn run(pool: &PgPool, run_id: Uuid) -> Result<Run, GameDayError> {
    sqlx::query_as(&format!(
        "SELECT {RUN} FROM scenario_runs WHERE run_id = $1"
    ))
    .bind(run_id)
    .fetch_optional(pool)
    .await?
    .ok_or(GameDayError::NoSuchRun)
}

/// Records the learner's answer, once, and whether it names the scenario's switch.
pub async fn answer(pool: &PgPool, run_id: Uuid, switch: &str) -> Result<Run, GameDayError> {
    let current = run(pool, run_id).await?;
    let right = scenario(&current.scenario).is_some_and(|s| s.switch() == switch);
    let answered: Option<Run> = sqlx::query_as(&format!(
        "UPDATE scenario_runs SET answer = $2, correct = $3, answered_at = clock_timestamp()
          WHERE run_id = $1 AND answer IS NULL AND finished_at IS NULL RETURNING {RUN}"
    ))
    .bind(run_id)
    .bind(switch)
    .bind(right)
    .fetch_optional(pool)
    .await?;
    match answered {
        Some(run) => {
            tracing::info!(scenario = run.scenario, %run_id, correct = right, "game day answered");
            Ok(run)
        }
        None if current.finished_at.is_some() => Err(GameDayError::Finished),
        None => Err(GameDayError::Answered),
    }
}

/// Ends the run: turns its fault off, as `actor`. Finishing a finished run changes nothing.
pub async fn finish(pool: &PgPool, run_id: Uuid, actor: &str) -> Result<Run, GameDayError> {
    let current = run(pool, run_id).await?;
    if current.finished_at.is_some() {
        return Ok(current);
    }
    let mut tx = pool.begin().await?;
    if let Some(scenario) = scenario(&current.scenario) {
        faults::switch_off(&mut tx, scenario.switch(), actor).await?;
    }
    let run: Run = sqlx::query_as(&format!(
        "UPDATE scenario_runs SET finished_at = clock_timestamp(), finished_by = $2 WHERE run_id = $1 RETURNING {RUN}"
    ))
    .bind(run_id)
    .bind(actor)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(scenario = run.scenario, %run_id, "game day finished");
    Ok(run)
}

/// The switch a running, unanswered game day keeps hidden, if any.
pub async fn hidden_switch(pool: &PgPool) -> sqlx::Result<Option<&'static str>> {
    Ok(running(pool)
        .await?
        .filter(|run| run.answer.is_none())
        .and_then(|run| scenario(&run.scenario))
        .map(Scenario::switch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_limit_is_one_figure_everywhere_it_is_said() {
        let minutes = TIME_LIMIT.num_minutes();
        assert!(
            RUN.contains(&format!("interval '{minutes} minutes'")),
            "{RUN}"
        );
        assert!(
            TIMED_OUT.contains(&format!("{minutes} minutes")),
            "{TIMED_OUT}"
        );
    }

    #[test]
    fn every_switch_has_a_scenario_and_a_choice() {
        for switch in platform::faults::SWITCHES {
            assert!(
                SCENARIOS.iter().any(|s| s.switch() == switch.name),
                "{} has a scenario",
                switch.name
            );
            assert!(
                CHOICES.iter().any(|c| c.switch == switch.name),
                "{} has a choice",
                switch.name
            );
        }
        for scenario in SCENARIOS {
            assert!(!scenario.signals.is_empty(), "{}", scenario.id);
        }
    }
}
