//! The fault switches at run time (platform::faults): list them, flip one. Every process sees a
//! flip within about a second; a game day's switch stays hidden until it is answered.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use platform::faults::{self, Fault, SWITCHES};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Admin;
use crate::problem::{Body, Problem};

const PROBLEM: &str = "application/problem+json";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_faults))
        .routes(routes!(flip_fault))
}

/// One switch: what it breaks, its parameters and their bounds, and its state.
#[derive(Debug, Serialize, ToSchema)]
pub struct FaultView {
    /// `slow_database`, `sqs_send_failure`, `sqs_message_lost`, `poison_message`,
    /// `projector_crash` or `product_read_failure`.
    name: String,
    title: String,
    /// What it breaks, in one sentence.
    breaks: String,
    parameter_specs: Vec<ParameterSpec>,
    /// Absent while a game day hides it.
    enabled: Option<bool>,
    /// The parameters it runs (or last ran) with; absent while hidden or never flipped.
    parameters: Option<serde_json::Value>,
    /// Who flipped it last: an admin's `sub`, `environment (SHOP_FAULT_*)`, or `scenario <run>`.
    flipped_by: Option<String>,
    flipped_at: Option<DateTime<Utc>>,
    /// True while a running game day keeps this switch's state to itself.
    hidden: bool,
}

/// One parameter of a switch.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParameterSpec {
    name: String,
    description: String,
    minimum: Option<u32>,
    maximum: Option<u32>,
    default: Option<u32>,
    unit: Option<String>,
    /// The values it takes, when it is a choice (`event_type`: the event types).
    options: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FaultsView {
    items: Vec<FaultView>,
}

#[utoipa::path(get, path = "/admin/faults", tag = "faults",
    responses((status = 200, body = FaultsView),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn list_faults(State(state): State<AppState>, _: Admin) -> Result<Response, Problem> {
    let (states, hidden) = tokio::try_join!(
        faults::states(&state.pool),
        observe::gameday::hidden_switch(&state.pool)
    )
    .map_err(Problem::internal)?;
    let items = SWITCHES
        .iter()
        .map(|switch| {
            let state = states.iter().find(|s| s.name == switch.name);
            view(switch, state, hidden == Some(switch.name))
        })
        .collect();
    Ok(Json(FaultsView { items }).into_response())
}

fn view(switch: &faults::Switch, state: Option<&faults::State>, hidden: bool) -> FaultView {
    let shown = state.filter(|_| !hidden);
    FaultView {
        name: switch.name.into(),
        title: switch.title.into(),
        breaks: switch.breaks.into(),
        parameter_specs: switch
            .parameters
            .iter()
            .map(|p| ParameterSpec {
                name: p.name.into(),
                description: p.description.into(),
                minimum: p.minimum,
                maximum: p.maximum,
                default: p.default,
                unit: p.unit.map(Into::into),
                options: (p.name == "event_type").then(|| {
                    aggregates::EVENT_TYPES
                        .iter()
                        .map(|t| t.to_string())
                        .collect()
                }),
            })
            .collect(),
        enabled: if hidden {
            None
        } else {
            Some(state.is_some_and(|s| s.enabled))
        },
        parameters: shown.map(|s| s.parameters.clone()),
        flipped_by: shown.map(|s| s.flipped_by.clone()),
        flipped_at: shown.map(|s| s.flipped_at),
        hidden,
    }
}

/// Turns a switch on or off. The parameters a switch takes may come along; those left out keep
/// the last value, else the default.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Flip {
    enabled: bool,
    /// `slow_database`: milliseconds added before every append, 1 to 10000 (300).
    #[schema(minimum = 1, maximum = 10000)]
    #[serde(default, deserialize_with = "crate::problem::whole")]
    added_ms: Option<u32>,
    /// `projector_crash`: the event type that crashes it.
    event_type: Option<String>,
    /// `product_read_failure`: share of product reads that fail, 1 to 100 (50).
    #[schema(minimum = 1, maximum = 100)]
    #[serde(default, deserialize_with = "crate::problem::whole")]
    percent: Option<u8>,
}

/// Flips one switch, for every process within about a second. Logged and counted (`FaultFlips`).
#[utoipa::path(put, path = "/admin/faults/{name}", tag = "faults", request_body = Flip,
    params(("name" = String, Path, description = "The switch")),
    responses((status = 200, body = FaultView),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM),
        (status = 409, description = "A game day is running", body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn flip_fault(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(name): Path<String>,
    Body(flip): Body<Flip>,
) -> Result<Response, Problem> {
    let switch = faults::switch(&name).ok_or_else(|| Problem::not_found("fault switch"))?;
    if observe::gameday::hidden_switch(&state.pool)
        .await
        .map_err(Problem::internal)?
        .is_some()
    {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "a game day is running: answer or finish it on the Scenarios page first",
        ));
    }
    let states = faults::states(&state.pool)
        .await
        .map_err(Problem::internal)?;
    let kept = states
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.parameters.clone());
    if !flip.enabled && kept.is_none() {
        // Never flipped, so already off.
        return Ok(Json(view(switch, None, false)).into_response());
    }
    let fault = fault(switch, &flip, kept)?;
    fault
        .check(aggregates::EVENT_TYPES)
        .map_err(|(field, message)| Problem::invalid(field, message))?;
    let flipped = faults::flip(&state.pool, &fault, flip.enabled, &admin.sub)
        .await
        .map_err(Problem::internal)?;
    Ok(Json(view(switch, Some(&flipped), false)).into_response())
}

/// The fault `flip` asks for: its parameters, else those `kept` from last time, else the
/// defaults. A parameter the switch does not take is a 422 naming it.
fn fault(
    switch: &faults::Switch,
    flip: &Flip,
    kept: Option<serde_json::Value>,
) -> Result<Fault, Problem> {
    let mut parameters = kept.unwrap_or_else(|| serde_json::json!({}));
    for p in switch.parameters {
        if parameters.get(p.name).is_none()
            && let Some(default) = p.default
        {
            parameters[p.name] = default.into();
        }
    }
    let given = [
        ("added_ms", flip.added_ms.map(serde_json::Value::from)),
        ("event_type", flip.event_type.clone().map(Into::into)),
        ("percent", flip.percent.map(serde_json::Value::from)),
    ];
    for (field, value) in given {
        let Some(value) = value else { continue };
        if !switch.parameters.iter().any(|p| p.name == field) {
            return Err(Problem::invalid(
                field,
                format!("is not a parameter of {}", switch.name),
            ));
        }
        parameters[field] = value;
    }
    Fault::from_parts(switch.name, parameters).map_err(|_| {
        let missing = switch
            .parameters
            .iter()
            .map(|p| p.name)
            .next()
            .unwrap_or("body");
        Problem::invalid(missing, format!("is required to turn {} on", switch.name))
    })
}
