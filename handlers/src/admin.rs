//! The Admin Lambda: catalog commands, the event log (one stream, its state as of a sequence,
//! the global log in commit order) and the projections' checkpoints and lag.

use aggregates::{StockCommand, StockError};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use platform::CommandError;
use projections::reader::{Cursor, read_after, stream};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::auth::Admin;
use crate::problem::{Body, Problem};
use crate::{AppState, request_context};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/products", post(register))
        .route("/admin/products/{sku}/restock", post(restock))
        .route("/admin/streams/{kind}/{id}/events", get(stream_events))
        .route("/admin/streams/{kind}/{id}/state", get(stream_state))
        .route("/admin/events", get(global_log))
        .route("/admin/projections", get(projections_status))
        .route("/admin/projections/rebuild", post(request_rebuild))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Register {
    sku: String,
    name: String,
    #[serde(default)]
    description: String,
    price_cents: i64,
    image_url: Option<String>,
    #[serde(default)]
    initial_stock: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Restock {
    quantity: u32,
}

async fn register(
    State(state): State<AppState>,
    Admin(admin): Admin,
    headers: HeaderMap,
    Body(body): Body<Register>,
) -> Result<Response, Problem> {
    let context = request_context(&headers, &admin);
    let sku = body.sku.clone();
    if let Err(reason) = aggregates::limits::check_sku(&sku) {
        return Err(Problem::invalid("sku", reason));
    }
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
    let body = json!({"sku": sku, "correlation_id": context.correlation_id, "position": committed.position()});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

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
    let body = json!({"sku": sku, "correlation_id": context.correlation_id, "position": committed.position()});
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
        "Order" | "order" => Ok("Order"),
        "Stock" | "stock" => Ok("Stock"),
        _ => Err(Problem::invalid("type", "must be Order or Stock")),
    }
}

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
    Ok(Json(json!({ "items": events })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AsOf {
    as_of_sequence: Option<i64>,
}

async fn stream_state(
    State(state): State<AppState>,
    _: Admin,
    Path((kind, id)): Path<(String, String)>,
    Query(q): Query<AsOf>,
) -> Result<Response, Problem> {
    if q.as_of_sequence.is_some_and(|n| n < 1) {
        return Err(Problem::invalid("as_of_sequence", "must be 1 or more"));
    }
    let value = match aggregate_type(&kind)? {
        "Order" => {
            let order_id: Uuid = id.parse().map_err(|_| Problem::not_found("stream"))?;
            let order = state
                .store
                .replay_order(order_id, q.as_of_sequence)
                .await
                .map_err(Problem::internal)?;
            serde_json::to_value(order)
        }
        _ => {
            let stock = state
                .store
                .replay_stock(&id, q.as_of_sequence)
                .await
                .map_err(Problem::internal)?;
            serde_json::to_value(stock)
        }
    }
    .map_err(Problem::internal)?;
    Ok(Json(json!({"aggregate_type": kind, "aggregate_id": id, "as_of_sequence": q.as_of_sequence, "state": value})).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogQuery {
    /// A cursor from a previous page's `next`: "transaction_id:global_position".
    after: Option<String>,
    limit: Option<i64>,
}

async fn global_log(
    State(state): State<AppState>,
    _: Admin,
    Query(q): Query<LogQuery>,
) -> Result<Response, Problem> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(Problem::invalid("limit", "must be between 1 and 1000"));
    }
    let after = match q.after.as_deref() {
        None | Some("") => Cursor::default(),
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
    Ok(Json(json!({ "items": events, "next": next })).into_response())
}

fn parse_cursor(text: &str) -> Option<Cursor> {
    let (t, g) = text.split_once(':')?;
    Some(Cursor {
        transaction_id: t.parse().ok()?,
        global_position: g.parse().ok()?,
    })
}

async fn projections_status(State(state): State<AppState>, _: Admin) -> Result<Response, Problem> {
    let items = projections::status(&state.pool)
        .await
        .map_err(Problem::internal)?;
    let rebuild = projections::rebuild::latest(&state.pool)
        .await
        .map_err(Problem::internal)?;
    Ok(Json(json!({ "items": items, "rebuild": rebuild })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RebuildRequest {
    /// One read model; every read model when absent or null.
    #[serde(default)]
    projection: Option<String>,
}

/// Asks the running projector to rebuild: it claims the request between batches and reports
/// progress in `GET /admin/projections`.
async fn request_rebuild(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Body(body): Body<RebuildRequest>,
) -> Result<Response, Problem> {
    if let Err(e) = projections::rebuild::chosen(body.projection.as_deref()) {
        return Err(Problem::invalid("projection", e.to_string()));
    }
    let request =
        projections::rebuild::request(&state.pool, body.projection.as_deref(), &admin.sub)
            .await
            .map_err(Problem::internal)?;
    Ok((StatusCode::ACCEPTED, Json(request)).into_response())
}
