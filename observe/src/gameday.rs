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

use crate::alarms::AlarmBoard;
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
    /// The alarm of observability/alarms.json that is this signal, when one is: the verdict
    /// says whether it fired during the run.
    pub alarm: Option<&'static str>,
}

/// A signal seen on the page `link`.
const fn see(what: &'static str, link: &'static str) -> Signal {
    Signal {
        what,
        link,
        alarm: None,
    }
}

/// A signal that is the alarm `name`, on the alarm board.
const fn alarm(name: &'static str, what: &'static str) -> Signal {
    Signal {
        what,
        link: ALARMS,
        alarm: Some(name),
    }
}

/// Whether `alarm` fired during `run`, by the alarm board `board` read at `now`: it turned to
/// firing between the run's start and its end (or now), or was firing then. `None` when the
/// board's history (the last hour) does not reach back to the run's start.
pub fn fired(run: &Run, alarm: &str, board: &AlarmBoard, now: DateTime<Utc>) -> Option<bool> {
    if run.started_at < now - chrono::Duration::hours(1) {
        return None;
    }
    let end = run.finished_at.unwrap_or(now);
    let during = |at: DateTime<Utc>| run.started_at <= at && at <= end;
    let turned = board
        .history
        .iter()
        .any(|t| t.alarm == alarm && t.to == "firing" && during(t.at));
    let firing = board
        .alarms
        .iter()
        .any(|a| a.name == alarm && a.state == "firing" && a.since.is_none_or(|s| s <= end));
    Some(turned || firing)
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
            alarm(
                "api-p99-latency",
                "Alarm api-p99-latency: API p99 latency above 2 s",
            ),
            see(
                "Request latency p99 by route: POST /api/orders above 2 s",
                METRICS,
            ),
            see("A checkout trace: `append events` takes 2.5 s", TRACES),
            see("Service map: the order → postgresql edge's p99", MAP),
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
            see("Order decision latency p50 near 2 s", METRICS),
            alarm(
                "order-decision-slo-fast-burn",
                "The order-decision SLO burning its budget: alarm order-decision-slo-fast-burn",
            ),
            see("A trace whose send span has no consumer under it", TRACES),
            see("No warning in the logs: the silence is the clue", LOGS),
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
            see("Warnings: \"publishing to the event queue failed\"", LOGS),
            see("SQS send failures (PublishFailures) above 0", METRICS),
            see(
                "Traces: no `send shop-events.fifo` span under PlaceOrder",
                TRACES,
            ),
            alarm(
                "order-decision-slo-fast-burn",
                "The order-decision SLO burning its budget: alarm order-decision-slo-fast-burn",
            ),
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
            alarm(
                "api-5xx-rate",
                "Alarm api-5xx-rate: more than 5% of API requests answer 5xx",
            ),
            see("Requests by route: 500s on GET /api/products", METRICS),
            see("Error spans in the product function", TRACES),
            see("ERROR lines: \"product read failed\"", LOGS),
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
            see(
                "Projections: the projector's restart count and exit code 70",
                PROJECTIONS,
            ),
            see(
                "ERROR: \"crashing on purpose before applying a OrderPlaced event\"",
                LOGS,
            ),
            alarm(
                "projector-down",
                "Alarm projector-down: the projector ran less than half of the last minute",
            ),
            see(
                "Projection lag climbing on Admin → Projections, read from the database (the projector reports none while it crash-loops)",
                PROJECTIONS,
            ),
            see("Traces end at the send: no projector spans", TRACES),
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
            alarm(
                "dlq-not-empty",
                "Alarm dlq-not-empty: a message waits in the dead-letter queue",
            ),
            see("DLQ depth climbing", METRICS),
            see(
                "WARN: \"unreadable message left for the dead-letter queue\"",
                LOGS,
            ),
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
            see(
                "A checkout trace: `GET /stock` ends at 150 ms with an error, or is missing (breaker open)",
                TRACES,
            ),
            see("Stock checks by outcome: timeout, then open", METRICS),
            see(
                "WARN: \"stock service check failed; placing the order unchecked\"",
                LOGS,
            ),
            see(
                "Service map: the order → stock-projector edge's errors",
                MAP,
            ),
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

    #[test]
    fn every_alarm_a_signal_names_is_an_alarm_of_the_definition() {
        let names: Vec<&str> = crate::alarms::definition()
            .all()
            .map(|(name, _, _)| name)
            .collect();
        for scenario in SCENARIOS {
            for signal in scenario.signals {
                if let Some(alarm) = signal.alarm {
                    assert!(names.contains(&alarm), "{}: {alarm}", scenario.id);
                    assert!(
                        signal.what.contains(alarm),
                        "{}: {}",
                        scenario.id,
                        signal.what
                    );
                }
            }
        }
    }

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap()
    }

    fn played(from: i64, to: Option<i64>) -> Run {
        Run {
            run_id: Uuid::nil(),
            scenario: "stuck-orders".into(),
            started_by: "admin".into(),
            started_at: at(from),
            answer: Some("projector_crash".into()),
            correct: Some(true),
            answered_at: None,
            finished_at: to.map(at),
            finished_by: None,
            ends_at: at(from + 30),
        }
    }

    fn board(history: &[(&str, &str, i64)], firing: Option<(&str, i64)>) -> AlarmBoard {
        use crate::alarms::{AlarmView, SloView, Transition};
        AlarmBoard {
            source: "prometheus".into(),
            alarms: firing
                .map(|(name, since)| AlarmView {
                    name: name.into(),
                    summary: String::new(),
                    state: "firing".into(),
                    since: Some(at(since)),
                    value: None,
                    threshold: 0.5,
                    link: None,
                })
                .into_iter()
                .collect(),
            slo: SloView {
                name: "order-decision".into(),
                summary: String::new(),
                objective: 0.99,
                threshold_ms: 1000.0,
                window: "1h".into(),
                error_budget_remaining: None,
                burn_rates: Vec::new(),
            },
            history: history
                .iter()
                .map(|(alarm, to, minute)| Transition {
                    alarm: (*alarm).into(),
                    from: "ok".into(),
                    to: (*to).into(),
                    at: at(*minute),
                })
                .collect(),
        }
    }

    #[test]
    fn an_alarm_fired_during_a_run_when_it_turned_firing_inside_it_or_was_firing_then() {
        let run = played(0, Some(10));
        let now = at(20);
        let fired = |b: &AlarmBoard| super::fired(&run, "projector-down", b, now);
        assert_eq!(
            fired(&board(&[("projector-down", "firing", 4)], None)),
            Some(true)
        );
        assert_eq!(
            fired(&board(&[("projector-down", "pending", 4)], None)),
            Some(false),
            "pending is not firing"
        );
        assert_eq!(
            fired(&board(&[("projector-down", "firing", 12)], None)),
            Some(false),
            "after the run"
        );
        assert_eq!(
            fired(&board(&[("projection-lag", "firing", 4)], None)),
            Some(false),
            "another alarm"
        );
        assert_eq!(
            fired(&board(&[], Some(("projector-down", -5)))),
            Some(true),
            "firing since before the run"
        );
        assert_eq!(
            fired(&board(&[], Some(("projector-down", 15)))),
            Some(false),
            "firing only since after the run"
        );
        let running = played(0, None);
        assert_eq!(
            super::fired(
                &running,
                "projector-down",
                &board(&[("projector-down", "firing", 18)], None),
                now
            ),
            Some(true),
            "a run not finished reaches to now"
        );
        assert_eq!(
            super::fired(
                &played(-90, Some(-70)),
                "projector-down",
                &board(&[], None),
                now
            ),
            None,
            "the history reaches back an hour"
        );
    }
}
