//! The orders' reads (the Product Lambda): the caller's orders, or one order.

use axum::extract::{Path, State};
use axum::response::Response;
use projections::orders::{self, OrderView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Principal;
use crate::problem::{Params, Problem};
use crate::read::{Items, ReadQuery, respond, wait};
use platform::db::read_once_more;

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
    let freshness = wait(&state.pool, &projections::orders::Orders, &q).await?;
    let items = read_once_more(|| orders::of_customer(&state.pool, &principal.sub))
        .await
        .map_err(Problem::internal)?;
    Ok(respond(Items { items }, freshness))
}

/// One order: the caller's own, or any for an admin. Another shopper's order is 404. An order
/// the read model has not reached yet is answered from its events (status `pending`).
#[utoipa::path(get, path = "/orders/{id}", tag = "orders",
    params(("id" = Uuid, Path), ReadQuery),
    responses((status = 200, description = "With `X-Read-Model-Behind: true` when the wait for `min_position` ran out", body = OrderView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn get_order(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    Params(q): Params<ReadQuery>,
) -> Result<Response, Problem> {
    let id: Uuid = id.parse().map_err(|_| Problem::not_found("order"))?;
    let freshness = wait(&state.pool, &projections::orders::Orders, &q).await?;
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
    let order = order
        .filter(|o| o.customer_id == principal.sub || principal.is_admin())
        .ok_or_else(|| Problem::not_found("order"))?;
    Ok(respond(order, freshness))
}
