//! The Order Lambda: placing and cancelling orders. The response carries the global position
//! of the command's last event, for `?min_position=` on the reads.

use aggregates::{LineRequest, OrderCommand, OrderError, OrderEvent};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use platform::CommandError;
use platform::metrics::{Record, Unit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::problem::{Body, Problem};
use crate::{AppState, idempotency, request_context};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(place))
        .routes(routes!(cancel))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrder {
    /// 1 to 50 lines, each SKU at most once.
    pub lines: Vec<OrderLineRequest>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLineRequest {
    #[schema(example = "TEA-EARLGREY")]
    pub sku: String,
    /// 1 to 1000 units.
    #[schema(minimum = 1, maximum = 1000)]
    pub quantity: u32,
}

/// A command was accepted: its events are committed; the saga and read models follow.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderAccepted {
    pub order_id: Uuid,
    /// `pending` after placing, `cancelled` after cancelling.
    pub status: String,
    /// Follows the command through events, the queue and the projector.
    pub correlation_id: String,
    /// Global position of the command's last event: pass it as `min_position` to the reads.
    pub position: Option<i64>,
}

/// Places an order. The stock is reserved asynchronously: read the order with
/// `?min_position=<position>` to see it confirmed or rejected.
#[utoipa::path(
    post,
    path = "/orders",
    tag = "orders",
    request_body = PlaceOrder,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Same key and body within 24 h returns the first response and places nothing")),
    responses(
        (status = 202, description = "Order placed, pending reservation", body = OrderAccepted),
        (status = 400, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Same key still in flight", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, or the key was used with another body", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn place(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Body(body): Body<PlaceOrder>,
) -> Result<Response, Problem> {
    let Some(key) = idempotency::key(&headers)? else {
        return place_once(&state, &principal, &headers, Uuid::new_v4(), body)
            .await
            .map(accepted);
    };
    let hash = idempotency::fingerprint(&body.lines);
    let customer = principal.sub.as_str();
    match idempotency::claim(&state.pool, customer, &key, &hash).await? {
        idempotency::Claim::Replay(status, stored) => {
            let mut response = (status, Json(stored)).into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(response);
        }
        idempotency::Claim::Claimed => {}
    }
    let order_id = idempotency::order_id(customer, &key);
    let outcome = match place_once(&state, &principal, &headers, order_id, body).await {
        // Placed before, by a request that died before recording its answer.
        Err(p) if p.status == StatusCode::CONFLICT.as_u16() => {
            earlier_placement(&state, order_id, &hash)
                .await
                .map_err(|e| e.unwrap_or(p))
        }
        other => other,
    };
    match outcome {
        Ok(accepted_body) => {
            let value = serde_json::to_value(&accepted_body).map_err(Problem::internal)?;
            idempotency::finish(&state.pool, customer, &key, StatusCode::ACCEPTED, &value).await?;
            Ok(accepted(accepted_body))
        }
        Err(problem) => {
            idempotency::release(&state.pool, customer, &key).await;
            Err(problem)
        }
    }
}

async fn place_once(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    order_id: Uuid,
    body: PlaceOrder,
) -> Result<OrderAccepted, Problem> {
    let context = request_context(headers, principal);
    let lines = body
        .lines
        .into_iter()
        .map(|l| LineRequest {
            sku: l.sku,
            quantity: l.quantity,
        })
        .collect();
    let command = OrderCommand::PlaceOrder {
        order_id,
        customer_id: principal.sub.clone(),
        lines,
    };
    let started = std::time::Instant::now();
    let committed = state
        .store
        .order(order_id, command, &context)
        .await
        .map_err(order_problem)?;
    Record::new("order")
        .metric("OrdersPlaced", 1.0, Unit::Count)
        .metric(
            "CommandLatency",
            started.elapsed().as_secs_f64() * 1000.0,
            Unit::Milliseconds,
        )
        .property("correlation_id", context.correlation_id.clone())
        .emit();
    Ok(OrderAccepted {
        order_id,
        status: "pending".into(),
        correlation_id: context.correlation_id,
        position: committed.position(),
    })
}

/// The answer an earlier placement under the same key gave, rebuilt from its `OrderPlaced`
/// event. `Err(None)` when there is none to rebuild from.
async fn earlier_placement(
    state: &AppState,
    order_id: Uuid,
    hash: &[u8],
) -> Result<OrderAccepted, Option<Problem>> {
    let events = projections::reader::stream(&state.pool, "Order", &order_id.to_string())
        .await
        .map_err(|e| Some(Problem::internal(e)))?;
    let placed = events.first().ok_or(None)?;
    let Ok(OrderEvent::OrderPlaced { lines, .. }) = placed.decode::<OrderEvent>() else {
        return Err(None);
    };
    let requested: Vec<OrderLineRequest> = lines
        .into_iter()
        .map(|l| OrderLineRequest {
            sku: l.sku,
            quantity: l.quantity,
        })
        .collect();
    if idempotency::fingerprint(&requested) != hash {
        return Err(Some(idempotency::reused()));
    }
    Ok(OrderAccepted {
        order_id,
        status: "pending".into(),
        correlation_id: placed.meta("correlation_id").to_string(),
        position: Some(placed.global_position),
    })
}

fn accepted(body: OrderAccepted) -> Response {
    (StatusCode::ACCEPTED, Json(body)).into_response()
}

/// Cancels an order before it ships; the saga releases its reserved stock.
#[utoipa::path(
    post,
    path = "/orders/{id}/cancel",
    tag = "orders",
    params(("id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 202, description = "Cancelled", body = OrderAccepted),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or another shopper's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order can no longer be cancelled", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn cancel(
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
    Ok(accepted(OrderAccepted {
        order_id,
        status: "cancelled".into(),
        correlation_id: context.correlation_id,
        position: committed.position(),
    }))
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
