//! Product images (platform::images): an admin asks for an upload (a presigned S3 PUT whose key,
//! content type and size the server chose), the browser PUTs the image to S3, then the admin
//! attaches it to the product, which records `ProductImageChanged` on its `Stock` stream. The
//! catalog reads carry what S3 says about each image (the seed's "Read Image Info"), cached.

use std::sync::Arc;

use aggregates::{Stock, StockCommand, StockError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use eventstore::CommandError;
use platform::images::{ImageError, Images, ObjectInfo, Upload};
use projections::catalog::ProductView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Admin;
use crate::problem::{Body, Problem};
use crate::{AppState, request_context};

const PROBLEM: &str = "application/problem+json";
/// Abandoned uploads one request for a new upload deletes at most.
const SWEEP_PER_REQUEST: i64 = 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_upload))
        .routes(routes!(attach_image))
}

fn images(state: &AppState) -> Result<&Arc<Images>, Problem> {
    state.images.as_ref().ok_or_else(|| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "product images are not configured (PRODUCT_IMAGES_BUCKET)",
        )
    })
}

impl From<ImageError> for Problem {
    fn from(error: ImageError) -> Self {
        match error.field() {
            Some(field) => Problem::invalid(field, error.to_string()),
            None => Problem::internal(error),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadRequest {
    /// image/png, image/jpeg or image/webp.
    content_type: String,
    /// The image's exact size, 1 to 2097152 bytes: the upload accepts only this size.
    #[schema(minimum = 1, maximum = 2097152)]
    #[serde(deserialize_with = "crate::problem::whole")]
    size_bytes: i64,
}

/// Hands out an upload for one image of the product: PUT the bytes to `url` with `headers`
/// within 15 minutes, then attach `key`. An upload never attached is deleted after an hour.
#[utoipa::path(post, path = "/admin/products/{sku}/image-uploads", tag = "admin",
    params(("sku" = String, Path)), request_body = UploadRequest,
    responses((status = 201, body = Upload),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM),
        (status = 503, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn request_upload(
    State(state): State<AppState>,
    _: Admin,
    Path(sku): Path<String>,
    Body(body): Body<UploadRequest>,
) -> Result<Response, Problem> {
    let images = images(&state)?;
    registered(&state, &sku).await?;
    if let Err(error) = images.sweep(&state.pool, SWEEP_PER_REQUEST).await {
        tracing::warn!(%error, "sweeping abandoned image uploads failed; the next request tries again");
    }
    let upload = images
        .upload(&state.pool, &sku, &body.content_type, body.size_bytes)
        .await?;
    Ok((StatusCode::CREATED, Json(upload)).into_response())
}

async fn registered(state: &AppState, sku: &str) -> Result<(), Problem> {
    let stock = state
        .store
        .current::<Stock>(sku)
        .await
        .map_err(Problem::internal)?;
    stock
        .product()
        .map(|_| ())
        .ok_or_else(|| Problem::not_found("product"))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachImage {
    /// The `key` of an upload handed out for this product, after the PUT succeeded.
    key: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImageAttached {
    sku: String,
    image_url: String,
    image: ObjectInfo,
    correlation_id: String,
    /// Global position of the event, for `min_position` on the catalog reads.
    position: Option<i64>,
}

/// Makes an uploaded image the product's: checks the object is there and is what the upload
/// allowed, records `ProductImageChanged`, and deletes the image it replaces.
#[utoipa::path(put, path = "/admin/products/{sku}/image", tag = "admin",
    params(("sku" = String, Path)), request_body = AttachImage,
    responses((status = 202, body = ImageAttached),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM),
        (status = 503, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn attach_image(
    State(state): State<AppState>,
    Admin(admin): Admin,
    headers: HeaderMap,
    Path(sku): Path<String>,
    Body(body): Body<AttachImage>,
) -> Result<Response, Problem> {
    let images = images(&state)?;
    let stock = state
        .store
        .current::<Stock>(&sku)
        .await
        .map_err(Problem::internal)?;
    let replaced = stock
        .product()
        .ok_or_else(|| Problem::not_found("product"))?
        .image_url
        .clone();
    let (pending, info) = images.uploaded(&state.pool, &sku, &body.key).await?;
    let image_url = format!("/{}", pending.key);
    let context = request_context(&headers, &admin);
    let committed = state
        .store
        .stock(
            &sku,
            StockCommand::ChangeImage {
                image_url: image_url.clone(),
            },
            &context,
        )
        .await
        .map_err(|e| match e {
            CommandError::Domain(StockError::NotRegistered) => Problem::not_found("product"),
            CommandError::Domain(e) => Problem::invalid(e.field().unwrap_or("key"), e.to_string()),
            CommandError::Conflict => Problem::new(StatusCode::CONFLICT, e.to_string()),
            CommandError::Store(e) => Problem::internal(e),
        })?;
    images
        .attached(&state.pool, &pending.key)
        .await
        .map_err(Problem::internal)?;
    // The replaced image is one no product points to any more. Its deletion may fail; the
    // product already shows the new one, and the old object is only storage.
    if let Some(old) = replaced
        .as_deref()
        .and_then(platform::images::key_of)
        .filter(|old| *old != pending.key)
        && let Err(error) = images.forget(&state.pool, old).await
    {
        tracing::warn!(%error, key = old, "deleting the replaced image failed");
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(ImageAttached {
            sku,
            image_url,
            image: info,
            correlation_id: context.correlation_id,
            position: committed.position(),
        }),
    )
        .into_response())
}

/// A product as the catalog reads answer it: the read model's row and what S3 says about its
/// image (absent without one, or when the bucket does not have it).
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogItem {
    #[serde(flatten)]
    pub product: ProductView,
    pub image: Option<ObjectInfo>,
}

/// `products` with their images' info, read concurrently, from this process's cache when it
/// has it. A bucket that cannot be read leaves `image` empty; the catalog still answers.
pub async fn with_images(state: &AppState, products: Vec<ProductView>) -> Vec<CatalogItem> {
    let infos = futures::future::join_all(products.iter().map(|product| async {
        let images = state.images.as_ref()?;
        let key = product
            .image_url
            .as_deref()
            .and_then(platform::images::key_of)?;
        match images.info(key).await {
            Ok(info) => info,
            Err(error) => {
                tracing::warn!(%error, key, "reading an image's info failed");
                None
            }
        }
    }))
    .await;
    products
        .into_iter()
        .zip(infos)
        .map(|(product, image)| CatalogItem { product, image })
        .collect()
}

/// One image from the bucket, for the local gateway's `/images/*` (CloudFront's behaviour on
/// AWS): its bytes and content type, cacheable for good since keys are never overwritten.
pub async fn serve(images: Arc<Images>, key: String) -> Response {
    let key = format!("images/{key}");
    match images.get(&key).await {
        Ok(Some(object)) => {
            let content_type = object
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            match object.body.collect().await {
                Ok(bytes) => (
                    [
                        (axum::http::header::CONTENT_TYPE, content_type),
                        (
                            axum::http::header::CACHE_CONTROL,
                            "public, max-age=31536000, immutable".to_string(),
                        ),
                    ],
                    bytes.into_bytes(),
                )
                    .into_response(),
                Err(error) => {
                    Problem::internal(anyhow::anyhow!("reading {key}: {error}")).into_response()
                }
            }
        }
        Ok(None) => Problem::not_found("image").into_response(),
        Err(error) => Problem::internal(error).into_response(),
    }
}
