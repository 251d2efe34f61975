//! The OTLP/HTTP receiver: `POST /v1/traces` and `POST /v1/logs`, protobuf or JSON, as any
//! OpenTelemetry exporter sends them (the services', a browser's, a collector's). Each export is
//! decoded whole and stored in one go, or refused whole: 415 for an encoding OTLP does not
//! define, 413 over the size limit, 400 for a body that is not OTLP, 503 while the database is
//! away (exporters retry). Browsers may send from any local page (CORS).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use sqlx::PgPool;
use tower_http::cors::{Any, CorsLayer};

use crate::otlp::{self, Encoding};
use crate::store;

/// The largest export accepted, in bytes; the OpenTelemetry SDKs' batches stay far below it.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The receiver's routes, storing into `pool`.
pub fn router(pool: PgPool) -> Router {
    Router::new()
        .route("/v1/traces", post(traces))
        .route("/v1/logs", post(logs))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([axum::http::Method::POST])
                .allow_headers([header::CONTENT_TYPE]),
        )
        .with_state(pool)
}

/// Why an export was refused.
#[derive(Debug, thiserror::Error)]
enum Refused {
    #[error("Content-Type must be application/x-protobuf or application/json, not {0:?}")]
    Encoding(String),
    #[error("Content-Encoding {0:?} is not accepted: send the body uncompressed")]
    Compression(String),
    #[error(transparent)]
    Decode(#[from] otlp::DecodeError),
    #[error("the telemetry store is unavailable: {0}")]
    Store(#[from] sqlx::Error),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::Encoding(_) | Self::Compression(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Decode(_) => StatusCode::BAD_REQUEST,
            Self::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(error = %self, "export refused");
        }
        (status, self.to_string()).into_response()
    }
}

fn encoding(headers: &HeaderMap) -> Result<Encoding, Refused> {
    if let Some(coding) = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .filter(|c| !c.eq_ignore_ascii_case("identity"))
    {
        return Err(Refused::Compression(coding.to_string()));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Encoding::of(content_type).ok_or_else(|| Refused::Encoding(content_type.to_string()))
}

/// The success answer: an empty export response in the request's encoding.
fn accepted(encoding: Encoding) -> Response {
    match encoding {
        Encoding::Protobuf => (
            [(header::CONTENT_TYPE, "application/x-protobuf")],
            Vec::new(),
        )
            .into_response(),
        Encoding::Json => ([(header::CONTENT_TYPE, "application/json")], "{}").into_response(),
    }
}

async fn traces(
    State(pool): State<PgPool>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let encoding = encoding(&headers)?;
    let rows = otlp::spans(&body, encoding)?;
    store::insert_spans(&pool, &rows).await?;
    metrics::counter!("TelemetryReceived", "Signal" => "spans").increment(rows.len() as u64);
    Ok(accepted(encoding))
}

async fn logs(
    State(pool): State<PgPool>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let encoding = encoding(&headers)?;
    let rows = otlp::logs(&body, encoding)?;
    store::insert_logs(&pool, &rows).await?;
    metrics::counter!("TelemetryReceived", "Signal" => "logs").increment(rows.len() as u64);
    Ok(accepted(encoding))
}
