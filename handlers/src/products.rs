//! The catalog's reads (the Product Lambda): every product, or one, with live availability.

use axum::extract::{Path, State};
use axum::response::Response;
use projections::catalog;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::images::{CatalogItem, with_images};
use crate::problem::{Params, Problem};
use crate::read::{Items, ReadQuery, respond, wait};
use platform::db::read_once_more;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_products))
        .routes(routes!(get_product))
}

/// The catalog with live availability.
#[utoipa::path(get, path = "/products", tag = "catalog", params(ReadQuery),
    responses((status = 200, description = "With `X-Read-Model-Behind: true` when the wait for `min_position` ran out", body = Items<CatalogItem>),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The failing-reads fault switch is on", body = Problem, content_type = "application/problem+json")))]
async fn list_products(
    State(state): State<AppState>,
    Params(q): Params<ReadQuery>,
) -> Result<Response, Problem> {
    injected_failure(&state).await?;
    let freshness = wait(&state, &projections::catalog::Catalog, &q).await?;
    let products = read_once_more(|| catalog::list(&state.pool))
        .await
        .map_err(Problem::internal)?;
    let items = with_images(&state, products).await;
    Ok(respond(Items { items }, freshness))
}

/// One product.
#[utoipa::path(get, path = "/products/{sku}", tag = "catalog",
    params(("sku" = String, Path), ReadQuery),
    responses((status = 200, description = "With `X-Read-Model-Behind: true` when the wait for `min_position` ran out", body = CatalogItem),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The failing-reads fault switch is on", body = Problem, content_type = "application/problem+json")))]
async fn get_product(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    Params(q): Params<ReadQuery>,
) -> Result<Response, Problem> {
    injected_failure(&state).await?;
    let freshness = wait(&state, &projections::catalog::Catalog, &q).await?;
    let product = read_once_more(|| catalog::get(&state.pool, &sku))
        .await
        .map_err(Problem::internal)?
        .ok_or_else(|| Problem::not_found("product"))?;
    let mut items = with_images(&state, vec![product]).await;
    let item = items.pop().expect("one product in, one item out");
    Ok(respond(item, freshness))
}

/// The failing-reads fault switch: this read fails as a bug would, for its share of reads.
async fn injected_failure(state: &AppState) -> Result<(), Problem> {
    if state.faults.current().await.fails_product_read() {
        // The answer reads as any 500 does; only the log names the switch, as a stack trace
        // would name the bug.
        tracing::error!("product read failed (fault switch product_read_failure)");
        return Err(Problem::failed());
    }
    Ok(())
}
