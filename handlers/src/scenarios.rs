//! Game days (observe::gameday): list the scenarios, start one (its fault hidden), answer which
//! part broke, finish it, and check that nothing was lost.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use observe::gameday::{self, Choice, GameDayError, Run, Scenario, Signal};
use projections::rebuild::Verified;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Admin;
use crate::problem::{Body, Ids, Problem};

const PROBLEM: &str = "application/problem+json";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_scenarios))
        .routes(routes!(start_scenario))
        .routes(routes!(answer_run))
        .routes(routes!(finish_run))
        .routes(routes!(run_recovery))
}

impl From<GameDayError> for Problem {
    fn from(error: GameDayError) -> Self {
        match error {
            GameDayError::NoSuchRun => Problem::not_found("scenario run"),
            GameDayError::Database(e) => Problem::internal(e),
            conflict => Problem::new(StatusCode::CONFLICT, conflict.to_string()),
        }
    }
}

/// A run as the console shows it: the answer's explanation and signals once answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    #[serde(flatten)]
    run: Run,
    title: String,
    symptom: String,
    /// Once answered: the switch the scenario turned on.
    switch: Option<String>,
    explanation: Option<String>,
    signals: Option<Vec<SignalView>>,
}

/// A signal of the answer, with the verdict on its alarm.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignalView {
    #[serde(flatten)]
    signal: Signal,
    /// For a signal that is an alarm: whether it fired during the run. `null` for the others,
    /// and when the alarm board cannot say (it did not answer, or its history of the last hour
    /// does not reach the run).
    fired: Option<bool>,
}

/// The run as the console shows it; once answered, each signal that is an alarm says whether
/// that alarm fired during the run, from the alarm board.
async fn run_view(state: &AppState, run: Run) -> RunView {
    let scenario = gameday::scenario(&run.scenario);
    let answered = run.answer.is_some() || run.finished_at.is_some();
    let revealed = scenario.filter(|_| answered);
    let alarms = revealed.is_some_and(|s| s.signals.iter().any(|sig| sig.alarm.is_some()));
    let board = if alarms {
        crate::observe::alarm_board(state).await.ok()
    } else {
        None
    };
    let now = chrono::Utc::now();
    let signals = revealed.map(|s| {
        s.signals
            .iter()
            .map(|signal| SignalView {
                signal: *signal,
                fired: signal
                    .alarm
                    .zip(board.as_ref())
                    .and_then(|(alarm, board)| gameday::fired(&run, alarm, board, now)),
            })
            .collect()
    });
    RunView {
        title: scenario.map_or("", |s| s.title).into(),
        symptom: scenario.map_or("", |s| s.symptom).into(),
        switch: revealed.map(|s| s.switch().into()),
        explanation: revealed.map(|s| s.explanation.into()),
        signals,
        run,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScenariosView {
    #[schema(value_type = Vec<Scenario>)]
    items: &'static [Scenario],
    /// The answers to choose from: a part and why it broke.
    #[schema(value_type = Vec<Choice>)]
    choices: &'static [Choice],
    /// The run not finished yet, if any.
    running: Option<RunView>,
}

#[utoipa::path(get, path = "/admin/scenarios", tag = "scenarios",
    responses((status = 200, body = ScenariosView),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn list_scenarios(State(state): State<AppState>, _: Admin) -> Result<Response, Problem> {
    let running = gameday::running(&state.pool)
        .await
        .map_err(Problem::internal)?;
    Ok(Json(ScenariosView {
        items: gameday::SCENARIOS,
        choices: gameday::CHOICES,
        running: match running {
            Some(run) => Some(run_view(&state, run).await),
            None => None,
        },
    })
    .into_response())
}

/// Starts a scenario: its fault goes on, unnamed, for every process within about a second.
#[utoipa::path(post, path = "/admin/scenarios/{id}/start", tag = "scenarios",
    params(("id" = String, Path, description = "The scenario")),
    responses((status = 201, body = RunView),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM),
        (status = 409, description = "Another scenario is running", body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn start_scenario(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let scenario = gameday::scenario(&id).ok_or_else(|| Problem::not_found("scenario"))?;
    let run = gameday::start(&state.pool, scenario, &admin.sub).await?;
    Ok((StatusCode::CREATED, Json(run_view(&state, run).await)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The choice's `switch`: which part broke, and why.
    switch: String,
}

/// Answers which part broke; once. The answer reveals the switch, why, and the signals.
#[utoipa::path(post, path = "/admin/scenarios/runs/{run_id}/answer", tag = "scenarios",
    request_body = Answer,
    params(("run_id" = Uuid, Path)),
    responses((status = 200, body = RunView),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already answered, or finished", body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn answer_run(
    State(state): State<AppState>,
    _: Admin,
    Ids(run_id): Ids<Uuid>,
    Body(answer): Body<Answer>,
) -> Result<Response, Problem> {
    if !gameday::CHOICES.iter().any(|c| c.switch == answer.switch) {
        let names: Vec<_> = gameday::CHOICES.iter().map(|c| c.switch).collect();
        return Err(Problem::invalid(
            "switch",
            format!("must be one of {}", names.join(", ")),
        ));
    }
    let run = gameday::answer(&state.pool, run_id, &answer.switch).await?;
    Ok(Json(run_view(&state, run).await).into_response())
}

/// Ends the run and turns its fault off; then `recovery` shows whether anything was lost.
#[utoipa::path(post, path = "/admin/scenarios/runs/{run_id}/finish", tag = "scenarios",
    params(("run_id" = Uuid, Path)),
    responses((status = 200, body = RunView),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn finish_run(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Ids(run_id): Ids<Uuid>,
) -> Result<Response, Problem> {
    let run = gameday::finish(&state.pool, run_id, &admin.sub).await?;
    Ok(Json(run_view(&state, run).await).into_response())
}

/// Whether the shop recovered from a run with nothing lost.
#[derive(Debug, Serialize, ToSchema)]
pub struct Recovery {
    /// The scenario's switch is off.
    fault_off: bool,
    /// Orders placed since the run started that the event store has not seen decided.
    undecided_orders: i64,
    /// Events the projections have still to apply, all together.
    lag_events: i64,
    /// Each read model against a replay of the log up to its checkpoint.
    read_models: Vec<Verified>,
    /// All of the above as it should be: off, every order decided, no lag, equal to a rebuild.
    recovered: bool,
}

#[utoipa::path(get, path = "/admin/scenarios/runs/{run_id}/recovery", tag = "scenarios",
    params(("run_id" = Uuid, Path)),
    responses((status = 200, body = Recovery),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn run_recovery(
    State(state): State<AppState>,
    _: Admin,
    Ids(run_id): Ids<Uuid>,
) -> Result<Response, Problem> {
    let run = gameday::run(&state.pool, run_id).await?;
    let switch = gameday::scenario(&run.scenario).map(Scenario::switch);
    let fault_off = run.finished_at.is_some()
        && !platform::faults::states(&state.pool)
            .await
            .map_err(Problem::internal)?
            .iter()
            .any(|s| Some(s.name.as_str()) == switch && s.enabled);
    let undecided_orders = eventstore::log::undecided_since(&state.pool, run.started_at)
        .await
        .map_err(Problem::internal)?;
    let lag_events = projections::projector::status(&state.pool, &state.read_models)
        .await
        .map_err(Problem::internal)?
        .iter()
        .map(|s| s.lag_events)
        .sum::<i64>();
    let models = state
        .read_models
        .chosen(None)
        .map_err(|e| Problem::internal(anyhow::anyhow!(e)))?;
    let read_models = projections::rebuild::verify(&state.pool, &models)
        .await
        .map_err(Problem::internal)?;
    let recovered = fault_off
        && undecided_orders == 0
        && lag_events == 0
        && read_models.iter().all(|m| m.differing == 0);
    Ok(Json(Recovery {
        fault_off,
        undecided_orders,
        lag_events,
        read_models,
        recovered,
    })
    .into_response())
}
