//! The Order Lambda: placing and cancelling orders. The response carries the global position
//! of the command's last event, for `?min_position=` on the reads.

use aggregates::{LineRequest, Order, OrderCommand, OrderError, Quantity, Sku};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use eventstore::CommandError;
use eventstore::idempotency::{IdempotencyKey, KEY_FORM};
use eventstore::ordering::{self, PlaceError, Placed, Placement};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::problem::{Body, Problem};
use crate::{AppState, request_context};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(place))
        .routes(routes!(cancel))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrder {
    /// The lines, each SKU at most once (bounds: see the schema).
    pub lines: Vec<OrderLineRequest>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLineRequest {
    #[schema(value_type = String, example = "TEA-EARLGREY")]
    pub sku: Sku,
    /// Units of the SKU (bounds: see the schema).
    #[schema(value_type = u32)]
    #[serde(deserialize_with = "crate::problem::whole")]
    pub quantity: Quantity,
}

/// The one conversion from a request's line to the domain's: its values were parsed (and
/// bounded) when the body was read.
impl From<OrderLineRequest> for LineRequest {
    fn from(line: OrderLineRequest) -> Self {
        Self {
            sku: line.sku,
            quantity: line.quantity,
        }
    }
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
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$",
        description = "Same key and body within 24 h returns the first response and places nothing")),
    responses(
        (status = 202, description = "Order placed, pending reservation", body = OrderAccepted),
        (status = 400, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A line is clearly unavailable now (`errors` names its quantity), or the same key is still in flight", body = Problem, content_type = "application/problem+json"),
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
    let key = match headers.get(IDEMPOTENCY_KEY) {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(IdempotencyKey::parse)
                .ok_or_else(|| Problem::invalid("Idempotency-Key", KEY_FORM))?,
        ),
    };
    let context = request_context(&headers, &principal);
    let lines = body.lines.into_iter().map(LineRequest::from).collect();
    let placement = ordering::place(
        &state.store,
        &principal.sub,
        key.as_ref(),
        lines,
        &context,
        &state.stock,
    )
    .await
    .map_err(place_problem)?;
    Ok(match placement {
        Placement::Placed(placed) => accepted(placed.into()),
        Placement::Replayed(status, stored) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::ACCEPTED);
            let mut response = (status, Json(stored)).into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            response
        }
    })
}

const IDEMPOTENCY_KEY: &str = "idempotency-key";

impl From<Placed> for OrderAccepted {
    fn from(placed: Placed) -> Self {
        Self {
            order_id: placed.order_id,
            status: placed.status,
            correlation_id: placed.correlation_id,
            position: placed.position,
        }
    }
}

fn place_problem(error: PlaceError) -> Problem {
    match error {
        PlaceError::Command(e) => order_problem(e),
        PlaceError::Short(ref short) => {
            let mut problem = Problem::new(StatusCode::CONFLICT, error.to_string());
            problem.errors.push(crate::problem::FieldError {
                field: format!("lines[{}].quantity", short.line),
                message: format!("only {} available for {}", short.available, short.sku),
            });
            problem
        }
        e @ PlaceError::KeyReused => Problem::invalid("Idempotency-Key", e.to_string()),
        e @ PlaceError::KeyInFlight => Problem::new(StatusCode::CONFLICT, e.to_string()),
        e @ (PlaceError::Keys(_) | PlaceError::Record(_)) => Problem::internal(e),
    }
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
        .current::<Order>(&order_id.to_string())
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
