//! The Admin Lambda: catalog commands, the event log (one stream, its state as of a sequence,
//! the global log in commit order) and the projections' checkpoints and lag.

use aggregates::{Cents, Order, Sku, Stock, StockCommand, StockError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use eventstore::log::{read_after, stream};
use eventstore::{CommandError, Cursor, StoredEvent};
use projections::Status;
use projections::rebuild_requests::{self, Request as RebuildRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Admin;
use crate::problem::{Body, Params, Problem};
use crate::read::Items;
use crate::{AppState, request_context};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(restock))
        .routes(routes!(stream_events))
        .routes(routes!(stream_state))
        .routes(routes!(global_log))
        .routes(routes!(projections_status))
        .routes(routes!(request_rebuild))
        .routes(routes!(trace_timeline))
        .merge(crate::observe::router())
        .merge(crate::faults::router())
        .merge(crate::images::router())
        .merge(crate::scenarios::router())
}

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Register {
    /// 2 to 64 of A-Z a-z 0-9 - _.
    #[schema(value_type = String, example = "TEA-EARLGREY")]
    sku: Sku,
    name: String,
    #[serde(default)]
    description: String,
    #[schema(value_type = i64)]
    #[serde(deserialize_with = "crate::problem::whole")]
    price_cents: Cents,
    image_url: Option<String>,
    #[serde(default, deserialize_with = "crate::problem::whole")]
    initial_stock: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Restock {
    /// 1 to 1,000,000 units.
    #[serde(deserialize_with = "crate::problem::whole")]
    quantity: u32,
}

/// A catalog command was accepted.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockAccepted {
    sku: String,
    correlation_id: String,
    /// Global position of the command's last event, for `min_position`.
    position: Option<i64>,
}

/// Registers a product, with optional initial stock.
#[utoipa::path(post, path = "/admin/products", tag = "admin", request_body = Register,
    responses((status = 201, body = StockAccepted),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already registered", body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn register(
    State(state): State<AppState>,
    Admin(admin): Admin,
    headers: HeaderMap,
    Body(body): Body<Register>,
) -> Result<Response, Problem> {
    let context = request_context(&headers, &admin);
    let sku = body.sku.to_string();
    let command = StockCommand::RegisterProduct {
        sku: body.sku,
        name: body.name,
        description: body.description,
        price_cents: body.price_cents,
        image_url: body.image_url,
        initial_stock: body.initial_stock,
    };
    let committed = state
        .store
        .stock(&sku, command, &context)
        .await
        .map_err(stock_problem)?;
    let body = StockAccepted {
        sku,
        correlation_id: context.correlation_id,
        position: committed.position(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Adds units to a product's stock.
#[utoipa::path(post, path = "/admin/products/{sku}/restock", tag = "admin",
    params(("sku" = String, Path)), request_body = Restock,
    responses((status = 202, body = StockAccepted),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn restock(
    State(state): State<AppState>,
    Admin(admin): Admin,
    headers: HeaderMap,
    Path(sku): Path<String>,
    Body(body): Body<Restock>,
) -> Result<Response, Problem> {
    let context = request_context(&headers, &admin);
    let command = StockCommand::Restock {
        quantity: body.quantity,
    };
    let committed = state
        .store
        .stock(&sku, command, &context)
        .await
        .map_err(|e| match e {
            CommandError::Domain(StockError::NotRegistered) => Problem::not_found("product"),
            other => stock_problem(other),
        })?;
    let body = StockAccepted {
        sku,
        correlation_id: context.correlation_id,
        position: committed.position(),
    };
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

fn stock_problem(error: CommandError<StockError>) -> Problem {
    match error {
        CommandError::Domain(StockError::AlreadyRegistered { sku }) => Problem::new(
            StatusCode::CONFLICT,
            format!("product {sku} is already registered"),
        ),
        CommandError::Domain(e) => Problem::invalid(e.field().unwrap_or("body"), e.to_string()),
        CommandError::Conflict => Problem::new(StatusCode::CONFLICT, error.to_string()),
        CommandError::Store(e) => Problem::internal(e),
    }
}

fn aggregate_type(kind: &str) -> Result<&'static str, Problem> {
    match kind {
        "Order" => Ok("Order"),
        "Stock" => Ok("Stock"),
        _ => Err(Problem::invalid("type", "must be Order or Stock")),
    }
}

/// One aggregate's events in sequence order, with their metadata.
#[utoipa::path(get, path = "/admin/streams/{type}/{id}/events", tag = "admin",
    params(("type" = String, Path, description = "Order or Stock", pattern = "^(Order|Stock)$"), ("id" = String, Path, description = "Order id or SKU")),
    responses((status = 200, body = Items<StoredEvent>),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn stream_events(
    State(state): State<AppState>,
    _: Admin,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let events = stream(&state.pool, aggregate_type(&kind)?, &id)
        .await
        .map_err(Problem::internal)?;
    if events.is_empty() {
        return Err(Problem::not_found("stream"));
    }
    Ok(Json(Items { items: events }).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOf {
    /// Apply events up to this sequence (1 or more); all when absent.
    #[param(minimum = 1)]
    as_of_sequence: Option<i64>,
}

/// An aggregate's state rebuilt from its events alone, snapshots aside.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamState {
    aggregate_type: String,
    aggregate_id: String,
    as_of_sequence: Option<i64>,
    #[schema(value_type = Object)]
    state: serde_json::Value,
}

/// An aggregate's state as of a sequence.
#[utoipa::path(get, path = "/admin/streams/{type}/{id}/state", tag = "admin",
    params(("type" = String, Path, description = "Order or Stock", pattern = "^(Order|Stock)$"), ("id" = String, Path), AsOf),
    responses((status = 200, body = StreamState),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn stream_state(
    State(state): State<AppState>,
    _: Admin,
    Path((kind, id)): Path<(String, String)>,
    Params(q): Params<AsOf>,
) -> Result<Response, Problem> {
    if q.as_of_sequence.is_some_and(|n| n < 1) {
        return Err(Problem::invalid("as_of_sequence", "must be 1 or more"));
    }
    let value = match aggregate_type(&kind)? {
        "Order" => {
            let order_id: Uuid = id.parse().map_err(|_| Problem::not_found("stream"))?;
            let order = state
                .store
                .replay::<Order>(&order_id.to_string(), q.as_of_sequence)
                .await
                .map_err(Problem::internal)?;
            serde_json::to_value(order)
        }
        _ => {
            let stock = state
                .store
                .replay::<Stock>(&id, q.as_of_sequence)
                .await
                .map_err(Problem::internal)?;
            serde_json::to_value(stock)
        }
    }
    .map_err(Problem::internal)?;
    Ok(Json(StreamState {
        aggregate_type: kind,
        aggregate_id: id,
        as_of_sequence: q.as_of_sequence,
        state: value,
    })
    .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// An opaque cursor: a previous page's `next`. Absent, empty or `0`: the start of the log.
    #[param(pattern = "^(0|[0-9]{1,18}:[0-9]{1,18})?$")]
    after: Option<String>,
    /// 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

/// A page of the global log in commit order.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogPage {
    items: Vec<StoredEvent>,
    /// Pass as `after` for the next page; null when this page is empty.
    next: Option<String>,
}

/// The global log in commit order, never skipping an event that commits late.
#[utoipa::path(get, path = "/admin/events", tag = "admin", params(LogQuery),
    responses((status = 200, body = LogPage),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn global_log(
    State(state): State<AppState>,
    _: Admin,
    Params(q): Params<LogQuery>,
) -> Result<Response, Problem> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(Problem::invalid("limit", "must be between 1 and 1000"));
    }
    let after = match q.after.as_deref() {
        None | Some("" | "0") => Cursor::default(),
        Some(text) => parse_cursor(text).ok_or_else(|| {
            Problem::invalid("after", "must be a cursor from a previous page's next")
        })?,
    };
    let events = read_after(&state.pool, after, &[], limit)
        .await
        .map_err(Problem::internal)?;
    let next = events
        .last()
        .map(|e| format!("{}:{}", e.transaction_id, e.global_position));
    Ok(Json(LogPage {
        items: events,
        next,
    })
    .into_response())
}

fn parse_cursor(text: &str) -> Option<Cursor> {
    let (t, g) = text.split_once(':')?;
    Some(Cursor {
        transaction_id: t.parse().ok()?,
        global_position: g.parse().ok()?,
    })
}

/// Each projection's checkpoint and lag, and the latest rebuild request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectionsView {
    items: Vec<Status>,
    #[schema(value_type = Option<RebuildRequest>)]
    rebuild: Option<RebuildRequest>,
    /// The projector's latest start: restarts and the last exit code show a crash loop.
    projector: Option<platform::supervision::Start>,
}

#[utoipa::path(get, path = "/admin/projections", tag = "admin",
    responses((status = 200, body = ProjectionsView),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn projections_status(State(state): State<AppState>, _: Admin) -> Result<Response, Problem> {
    let (items, rebuild, projector) = tokio::try_join!(
        projections::projector::status(&state.pool, &state.read_models),
        async { Ok(rebuild_requests::latest(&state.pool).await?) },
        async { Ok(platform::supervision::latest(&state.pool, "stock-projector").await?) },
    )
    .map_err(Problem::internal)?;
    Ok(Json(ProjectionsView {
        items,
        rebuild,
        projector,
    })
    .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RebuildBody {
    /// One read model; every read model when absent or null.
    #[serde(default)]
    projection: Option<String>,
}

/// Asks the running projector to rebuild: it claims the request between batches and reports
/// progress in `GET /admin/projections`.
#[utoipa::path(post, path = "/admin/projections/rebuild", tag = "admin", request_body = RebuildBody,
    responses((status = 202, description = "Requested, or the request already pending", body = RebuildRequest),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn request_rebuild(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Body(body): Body<RebuildBody>,
) -> Result<Response, Problem> {
    if let Err(e) = state.read_models.chosen(body.projection.as_deref()) {
        return Err(Problem::invalid("projection", e.to_string()));
    }
    let request = rebuild_requests::request(
        &state.pool,
        &state.read_models,
        body.projection.as_deref(),
        &admin.sub,
    )
    .await
    .map_err(Problem::internal)?;
    Ok((StatusCode::ACCEPTED, Json(request)).into_response())
}

/// The path of one command, hop by hop with latencies: request, each event appended, each SQS
/// message sent and received, each event applied by each projection. An order id works too.
#[utoipa::path(get, path = "/admin/traces/{correlation_id}", tag = "admin",
    params(("correlation_id" = String, Path, description = "A correlation id, or an order id")),
    responses((status = 200, body = projections::timeline::Timeline),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn trace_timeline(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let followers = state.read_models.followers();
    let timeline = projections::timeline::timeline(&state.pool, &followers, &id)
        .await
        .map_err(Problem::internal)?
        .ok_or_else(|| Problem::not_found("trace"))?;
    Ok(Json(timeline).into_response())
}
