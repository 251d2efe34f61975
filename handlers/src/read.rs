//! What every read shares: `?min_position=P` (wait, at most 2 s, until the read model is current
//! to global position P, having applied every event of its own up to P; past that, answer with
//! what there is and `X-Read-Model-Behind: true`) and the shape of a list.

use axum::Json;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use projections::ReadModel;
use projections::freshness::{self, Freshness};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::problem::Problem;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReadQuery {
    /// Wait (at most 2 s) until the read model is current to this global position (the
    /// `position` a command returned): it has applied every event it reads up to there. Past the
    /// wait the answer carries `X-Read-Model-Behind: true`.
    #[param(minimum = 0)]
    pub min_position: Option<i64>,
}

/// A list, as every list in this API is shaped.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// Waits until read model `model` is as fresh as `query` asks.
pub async fn wait(
    state: &AppState,
    model: &dyn ReadModel,
    query: &ReadQuery,
) -> Result<Freshness, Problem> {
    if query.min_position.is_some_and(|p| p < 0) {
        return Err(Problem::invalid("min_position", "must not be negative"));
    }
    platform::db::read_once_more(|| {
        freshness::wait_for(&state.pool, &state.progress, model, query.min_position)
    })
    .await
    .map_err(Problem::internal)
}

/// `body` as JSON, marked when it may be behind what the caller asked for.
pub fn respond(body: impl Serialize, freshness: Freshness) -> Response {
    let mut response = Json(body).into_response();
    if freshness == Freshness::Behind {
        response
            .headers_mut()
            .insert("x-read-model-behind", HeaderValue::from_static("true"));
    }
    response
}
