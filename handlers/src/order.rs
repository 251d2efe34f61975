//! The Order Lambda: placing and cancelling orders. The response carries the global position
//! of the command's last event, for `?min_position=` on the reads.

use aggregates::{LineRequest, OrderCommand, OrderError};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use platform::CommandError;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::auth::Principal;
use crate::problem::{Body, Problem};
use crate::{AppState, request_context};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orders", post(place))
        .route("/orders/{id}/cancel", post(cancel))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrder {
    pub lines: Vec<LineRequest>,
}

pub async fn place(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Body(body): Body<PlaceOrder>,
) -> Result<Response, Problem> {
    let context = request_context(&headers, &principal);
    let order_id = Uuid::new_v4();
    let command = OrderCommand::PlaceOrder {
        order_id,
        customer_id: principal.sub.clone(),
        lines: body.lines,
    };
    let committed = state
        .store
        .order(order_id, command, &context)
        .await
        .map_err(order_problem)?;
    let body = json!({
        "order_id": order_id,
        "status": "pending",
        "correlation_id": context.correlation_id,
        "position": committed.position(),
    });
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

async fn cancel(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let order_id: Uuid = id.parse().map_err(|_| Problem::not_found("order"))?;
    let order = state
        .store
        .load_order(order_id)
        .await
        .map_err(Problem::internal)?;
    if order.customer_id() != principal.sub && !principal.is_admin() {
        return Err(Problem::not_found("order"));
    }
    let context = request_context(&headers, &principal);
    let committed = state
        .store
        .order(order_id, OrderCommand::CancelOrder, &context)
        .await
        .map_err(order_problem)?;
    let body = json!({
        "order_id": order_id,
        "status": "cancelled",
        "correlation_id": context.correlation_id,
        "position": committed.position(),
    });
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

fn order_problem(error: CommandError<OrderError>) -> Problem {
    match error {
        CommandError::Domain(e) => match e.field() {
            Some(field) => Problem::invalid(field, e.to_string()),
            None => match e {
                OrderError::NotFound => Problem::not_found("order"),
                OrderError::CatalogUnavailable(_) => Problem::internal(e),
                other => Problem::new(StatusCode::CONFLICT, other.to_string()),
            },
        },
        CommandError::Conflict => Problem::new(StatusCode::CONFLICT, error.to_string()),
        CommandError::Store(e) => Problem::internal(e),
    }
}
