//! The orders' reads (the Product Lambda): the caller's orders, or one order.

use std::time::Duration;

use aggregates::OrderStatus;
use axum::extract::{Path, State};
use axum::response::Response;
use projections::orders::{self, OrderView};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Principal;
use crate::problem::{Params, Problem};
use crate::read::{Items, ReadQuery, respond, wait};
use platform::db::read_once_more;

/// The statuses an order can be waited out of.
const SETTLES_FROM: [&str; 4] = [
    OrderStatus::Pending.as_str(),
    OrderStatus::Confirmed.as_str(),
    OrderStatus::Rejected.as_str(),
    OrderStatus::Cancelled.as_str(),
];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
}

/// The caller's orders, newest first (at most 200).
#[utoipa::path(get, path = "/orders", tag = "orders", params(ReadQuery),
    responses((status = 200, description = "With `X-Read-Model-Behind: true` when the wait for `min_position` ran out", body = Items<OrderView>),
        (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn list_orders(
    State(state): State<AppState>,
    principal: Principal,
    Params(q): Params<ReadQuery>,
) -> Result<Response, Problem> {
    let freshness = wait(&state, &projections::orders::Orders, &q).await?;
    let items = read_once_more(|| orders::of_customer(&state.pool, &principal.sub))
        .await
        .map_err(Problem::internal)?;
    Ok(respond(Items { items }, freshness))
}

/// How long a read of one order may wait for its status to change (`wait_for_change_from`): well
/// inside the functions' 20 s timeout and API Gateway's 29 s.
pub const OUTCOME_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrderQuery {
    /// As for every read: wait (at most 2 s) until the read model is current to this position.
    #[param(minimum = 0)]
    pub min_position: Option<i64>,
    /// Hold the answer (at most 10 s) while the order's status is still this one, so a client
    /// learns the outcome as soon as it is decided without polling: pass `pending` after placing.
    /// The answer past the wait is the order as it is (its status maybe unchanged): ask again.
    /// A rejected or cancelled order never changes: it is answered at once.
    #[param(pattern = "^(pending|confirmed|rejected|cancelled)$")]
    pub wait_for_change_from: Option<String>,
}

/// One order: the caller's own, or any for an admin. Another shopper's order is 404. An order
/// the read model has not reached yet is answered from its events (status `pending`).
#[utoipa::path(get, path = "/orders/{id}", tag = "orders",
    params(("id" = Uuid, Path), OrderQuery),
    responses((status = 200, description = "With `X-Read-Model-Behind: true` when the wait for `min_position` ran out", body = OrderView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn get_order(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    Params(q): Params<OrderQuery>,
) -> Result<Response, Problem> {
    let id: Uuid = id.parse().map_err(|_| Problem::not_found("order"))?;
    let from = q.wait_for_change_from;
    if from.as_deref().is_some_and(|s| !SETTLES_FROM.contains(&s)) {
        return Err(Problem::invalid(
            "wait_for_change_from",
            "must be pending, confirmed, rejected or cancelled",
        ));
    }
    let read = ReadQuery {
        min_position: q.min_position,
    };
    let freshness = wait(&state, &projections::orders::Orders, &read).await?;
    let mut order = read_once_more(|| orders::get(&state.pool, id))
        .await
        .map_err(Problem::internal)?;
    if order.is_none() {
        // Placed a moment ago: the read model has not reached it yet, the event store has.
        order = orders::from_stream(&state.pool, id)
            .await
            .map_err(Problem::internal)?;
    }
    // Another shopper's order is "not found", not "forbidden": ids must not leak.
    let mut order = order
        .filter(|o| o.customer_id == principal.sub || principal.is_admin())
        .ok_or_else(|| Problem::not_found("order"))?;
    // A final status never changes: nothing to wait for.
    let waits = |from: &String| {
        *from == order.status && !OrderStatus::from_name(from).is_some_and(OrderStatus::is_final)
    };
    let mut held = Duration::ZERO;
    if let Some(from) = from.filter(waits) {
        let started = std::time::Instant::now();
        let changed =
            orders::wait_for_change(&state.pool, &state.progress, id, &from, OUTCOME_WAIT)
                .await
                .map_err(Problem::internal)?;
        held = started.elapsed();
        if let Some(changed) = changed {
            order = changed;
        }
    }
    let mut response = respond(order, freshness);
    // The hold is the client's asking, not the service's slowness: kept out of the latency.
    response.extensions_mut().insert(crate::Held(held));
    Ok(response)
}
