//! The Product Lambda: reads of the read models (catalog and orders) and the health check.
//! Reads take `?min_position=P` and wait, at most 2 s, until the read model has applied the
//! event at global position P; past that they answer with what they have and
//! `X-Read-Model-Behind: true`.

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Principal;
use crate::problem::Problem;

const MAX_WAIT: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(openapi_json))
        .routes(routes!(list_products))
        .routes(routes!(get_product))
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReadQuery {
    /// Wait (at most 2 s) until the read model has applied the event at this global position,
    /// the `position` a command returned. Past the wait the answer carries
    /// `X-Read-Model-Behind: true`.
    pub min_position: Option<i64>,
}

/// A list, as every list in this API is shaped.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct ProductView {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub image_url: Option<String>,
    pub on_hand: i32,
    pub reserved: i32,
    pub available: i32,
    pub position: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct OrderView {
    pub order_id: Uuid,
    pub customer_id: String,
    /// pending, confirmed, rejected or cancelled.
    pub status: String,
    #[schema(value_type = Vec<OrderLineView>)]
    pub lines: serde_json::Value,
    pub total_cents: i64,
    pub reason: Option<String>,
    pub placed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub position: i64,
}

/// One line of an order, priced from the catalog when the order was placed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderLineView {
    pub sku: String,
    pub quantity: u32,
    pub unit_price_cents: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub database: String,
}

const PRODUCT_COLUMNS: &str =
    "sku, name, description, price_cents, image_url, on_hand, reserved, available, position";
const ORDER_COLUMNS: &str =
    "order_id, customer_id, status, lines, total_cents, reason, placed_at, updated_at, position";

/// Liveness: answers when the database does.
#[utoipa::path(get, path = "/health", tag = "meta",
    responses((status = 200, body = Health), (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn health(State(state): State<AppState>) -> Response {
    match sqlx::query("SELECT 1").execute(&state.pool).await {
        Ok(_) => Json(Health {
            status: "ok".into(),
            database: "ok".into(),
        })
        .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the database is unavailable",
            )
            .into_response()
        }
    }
}

/// The catalog with live availability.
#[utoipa::path(get, path = "/products", tag = "catalog", params(ReadQuery),
    responses((status = 200, description = "With `X-Read-Model-Behind: true` when the wait for `min_position` ran out", body = Items<ProductView>),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_products(
    State(state): State<AppState>,
    Query(q): Query<ReadQuery>,
) -> Result<Response, Problem> {
    let behind = wait_for(&state.pool, "catalog", q.min_position).await?;
    let items: Vec<ProductView> = sqlx::query_as(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products ORDER BY name, sku"
    ))
    .fetch_all(&state.pool)
    .await
    .map_err(Problem::internal)?;
    Ok(respond(Items { items }, behind))
}

/// One product.
#[utoipa::path(get, path = "/products/{sku}", tag = "catalog",
    params(("sku" = String, Path), ReadQuery),
    responses((status = 200, description = "With `X-Read-Model-Behind: true` when the wait for `min_position` ran out", body = ProductView),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_product(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    Query(q): Query<ReadQuery>,
) -> Result<Response, Problem> {
    let behind = wait_for(&state.pool, "catalog", q.min_position).await?;
    let product: Option<ProductView> = sqlx::query_as(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE sku = $1"
    ))
    .bind(&sku)
    .fetch_optional(&state.pool)
    .await
    .map_err(Problem::internal)?;
    let product = product.ok_or_else(|| Problem::not_found("product"))?;
    Ok(respond(product, behind))
}

/// The caller's orders, newest first (at most 200).
#[utoipa::path(get, path = "/orders", tag = "orders", params(ReadQuery),
    responses((status = 200, description = "With `X-Read-Model-Behind: true` when the wait for `min_position` ran out", body = Items<OrderView>),
        (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn list_orders(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<ReadQuery>,
) -> Result<Response, Problem> {
    let behind = wait_for(&state.pool, "orders", q.min_position).await?;
    let items: Vec<OrderView> = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 200"
    ))
    .bind(&principal.sub)
    .fetch_all(&state.pool)
    .await
    .map_err(Problem::internal)?;
    Ok(respond(Items { items }, behind))
}

/// One order: the caller's own, or any for an admin. Another shopper's order is 404.
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
    Query(q): Query<ReadQuery>,
) -> Result<Response, Problem> {
    let id: Uuid = id.parse().map_err(|_| Problem::not_found("order"))?;
    let behind = wait_for(&state.pool, "orders", q.min_position).await?;
    let order: Option<OrderView> = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = $1"
    ))
    .bind(id)
    .fetch_optional(&state.pool)
    .await
    .map_err(Problem::internal)?;
    // Another shopper's order is "not found", not "forbidden": ids must not leak.
    let order = order
        .filter(|o| o.customer_id == principal.sub || principal.is_admin())
        .ok_or_else(|| Problem::not_found("order"))?;
    Ok(respond(order, behind))
}

/// This document: the whole contract, generated from the code.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi_json() -> Response {
    Json(crate::openapi()).into_response()
}

fn respond(body: impl Serialize, behind: bool) -> Response {
    let mut response = Json(body).into_response();
    if behind {
        response
            .headers_mut()
            .insert("x-read-model-behind", HeaderValue::from_static("true"));
    }
    response
}

/// Waits until `projection` has applied the event at `min_position`. Returns whether it is
/// still behind when the wait ends.
pub async fn wait_for(
    pool: &PgPool,
    projection: &str,
    min_position: Option<i64>,
) -> Result<bool, Problem> {
    let Some(position) = min_position else {
        return Ok(false);
    };
    if position < 0 {
        return Err(Problem::invalid("min_position", "must not be negative"));
    }
    let started = Instant::now();
    loop {
        // Passed = the checkpoint's cursor is at or beyond the event's own cursor.
        let passed: Option<bool> = sqlx::query_scalar(
            "SELECT (c.transaction_id, c.global_position) >= (e.transaction_id, e.global_position)
               FROM projection_checkpoints c, events e
              WHERE c.name = $1 AND e.global_position = $2",
        )
        .bind(projection)
        .bind(position)
        .fetch_optional(pool)
        .await
        .map_err(Problem::internal)?;
        match passed {
            Some(true) => return Ok(false),
            None => return Ok(true), // no such event (yet): nothing to wait for that can pass
            Some(false) if started.elapsed() >= MAX_WAIT => return Ok(true),
            Some(false) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}
