//! The HTTP surface of shop (docs/architecture.md section 4): one axum router per Lambda
//! function, [`order`] (order commands), [`product_lambda`] (the reads: [`products`], [`orders`]
//! and [`meta`]) and [`admin`], mounted together under `/api` by the local gateway as API
//! Gateway does on AWS. Handlers stay thin: parse, authorise, call the store, the order service
//! or a read model, map the answer and the errors (problem+json). [`Application`] puts it
//! together from the settings.

pub mod admin;
pub mod app;
pub mod auth;
pub mod contract;
pub mod faults;
pub mod images;
pub mod lambda;
pub mod limits;
pub mod meta;
pub mod observe;
pub mod order;
pub mod orders;
pub mod problem;
pub mod products;
pub mod read;
pub mod scenarios;
pub mod stock_check;
pub mod throttle;

pub use app::{AppState, Application};

use std::sync::OnceLock;

use aggregates::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::auth::Principal;
use crate::problem::Problem;

/// Request bodies above this are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The Product Lambda's routes: the read models and the meta routes.
pub fn product_lambda() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(meta::routes())
        .merge(products::routes())
        .merge(orders::routes())
}

/// The functions of the contract, by name, as API Gateway routes to them on AWS.
pub fn functions() -> [(&'static str, OpenApiRouter<AppState>); 3] {
    [
        ("order", order::router()),
        ("product", product_lambda()),
        ("admin", admin::router()),
    ]
}

/// Every function's routes together, as the local gateway serves them. Each route runs as its
/// function: a server span of that service (see `platform::telemetry::serving`) inside the
/// gateway's, as API Gateway's span holds the Lambda function's on AWS.
fn all_routes() -> OpenApiRouter<AppState> {
    functions()
        .into_iter()
        .fold(OpenApiRouter::new(), |all, (name, routes)| {
            all.merge(routes.route_layer(axum::middleware::from_fn(
                move |request: axum::extract::Request, next: axum::middleware::Next| {
                    function(name, request, next)
                },
            )))
        })
}

/// Runs one request as function `name`.
async fn function(
    name: &'static str,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use tracing::Instrument;
    let route = route(&request);
    let span = tracing::info_span!(
        "function",
        otel.name = format!("{} {route}", request.method()),
        otel.kind = "server",
        faas.name = name,
    );
    platform::telemetry::serving(name, next.run(request).instrument(span)).await
}

/// The route template a request matched (`/api/orders/{id}`), as spans and metrics name it.
fn route<B>(request: &axum::http::Request<B>) -> &str {
    request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
}

/// Counts and times every answered request by route, method and status.
/// How long a route held its answer on purpose (a read waiting for an order's outcome): time the
/// client asked to wait, which [`measure`] keeps out of `HttpRequestLatency` and records as
/// `HttpRequestHeld`, so a long poll never reads as a slow service.
#[derive(Debug, Clone, Copy)]
pub struct Held(pub std::time::Duration);

async fn measure(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let route = route(&request).to_string();
    let method = request.method().to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let held = response
        .extensions()
        .get::<Held>()
        .map_or(std::time::Duration::ZERO, |h| h.0);
    // On the request's server span (the trace layer's, around this one): X-Ray's http.status.
    tracing::Span::current().record("http.response.status_code", response.status().as_u16());
    let labels = [
        ("Route", route),
        ("Method", method),
        ("Status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("HttpRequests", &labels).increment(1);
    metrics::histogram!("HttpRequestLatency", &labels)
        .record(started.elapsed().saturating_sub(held).as_secs_f64() * 1000.0);
    if !held.is_zero() {
        metrics::histogram!("HttpRequestHeld", &labels).record(held.as_secs_f64() * 1000.0);
    }
    response
}

/// A path with an encoded NUL names nothing this API keeps (PostgreSQL's text cannot hold one):
/// 404 here, before any route hands it to a query that would fail.
async fn refuse_nul(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if request.uri().path().contains("%00") {
        return Problem::new(StatusCode::NOT_FOUND, "no such resource").into_response();
    }
    next.run(request).await
}

/// What every router gets, whichever binary serves it: problem+json for unknown routes and
/// methods, the body limit, one log line per request.
pub fn finish(routes: OpenApiRouter<AppState>, state: AppState) -> Router {
    let (router, _) = routes.split_for_parts();
    router
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "no such route") })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed on this route",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(refuse_nul))
        .layer(axum::middleware::from_fn(measure))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                )
                .on_failure(()),
        )
        .with_state(state)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "shop",
        description = "Event-sourced orders and inventory: the HTTP contract (docs/architecture.md section 4). \
            Errors are application/problem+json with `errors` naming the fields at fault.",
        license(name = "Apache-2.0")
    ),
    servers((url = "/api")),
    modifiers(&Bearer)
)]
struct Document;

struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some(
                "A Cognito ID or access token; group `admin` for /admin routes",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The OpenAPI document of the whole contract, as served: generated from the routes and their
/// types.
pub fn openapi() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, paths) = all_routes().split_for_parts();
        let mut document = Document::openapi();
        document.merge(paths);
        utoipa::Modify::modify(&limits::Limits, &mut document);
        utoipa::Modify::modify(&contract::Contract, &mut document);
        let mut document = serde_json::to_value(document).expect("the document serialises");
        contract::spell_links(&mut document);
        document
    })
}

/// The server span of one request: a child of the caller's `traceparent` (or, on AWS, of the
/// X-Ray trace API Gateway started), named by its route, with the fields every log line of the
/// request carries.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let route = route(request);
    let method = request.method().as_str();
    let span = tracing::info_span!(
        "request",
        otel.name = format!("{method} {route}"),
        otel.kind = "server",
        http.request.method = method,
        http.route = route,
        url.path = request.uri().path(),
        http.response.status_code = tracing::field::Empty,
        correlation_id = tracing::field::Empty,
    );
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let xray = header("x-amzn-trace-id")
        .map(str::to_string)
        .or_else(|| std::env::var("_X_AMZN_TRACE_ID").ok());
    if let Some(traceparent) = header("traceparent") {
        let _ = span.set_parent(platform::telemetry::context_from(
            traceparent,
            xray.as_deref(),
        ));
    } else if let Some(xray) = xray {
        let _ = span.set_parent(platform::telemetry::context_from("", Some(&xray)));
    }
    span
}

/// The metadata context of one request: the caller's correlation id and trace when they send
/// them (`X-Correlation-Id`, `traceparent`), new ones otherwise.
pub fn request_context(headers: &HeaderMap, principal: &Principal) -> Context {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .filter(|v| !v.is_empty() && v.len() <= 128)
    };
    // v7: its first 48 bits are this moment, which the trace timeline shows as the request's start.
    let request_id = Uuid::now_v7().to_string();
    let correlation_id = header("x-correlation-id").unwrap_or_else(|| Uuid::new_v4().to_string());
    tracing::Span::current().record("correlation_id", correlation_id.as_str());
    Context {
        correlation_id,
        causation_id: request_id,
        // The request's own span when traces are on; else the caller's trace, or a new one.
        traceparent: platform::telemetry::current_traceparent()
            .or_else(|| header("traceparent").filter(|t| valid_traceparent(t)))
            .unwrap_or_else(new_traceparent),
        actor: principal.sub.clone(),
    }
}

fn valid_traceparent(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    parts.len() == 4
        && [2, 32, 16, 2]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn new_traceparent() -> String {
    let trace = Uuid::new_v4().simple().to_string();
    let span = &Uuid::new_v4().simple().to_string()[..16];
    format!("00-{trace}-{span}-01")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::response::IntoResponse;
    use tower::ServiceExt;

    use super::*;

    /// The value of the first line of `text` that starts with `prefix` and holds every `part`.
    fn value(text: &str, prefix: &str, parts: &[&str]) -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix) && parts.iter().all(|p| l.contains(p)))
            .and_then(|l| l.rsplit(' ').next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {prefix} with {parts:?} in:\n{text}"))
    }

    #[tokio::test]
    async fn a_hold_the_client_asked_for_is_not_latency() {
        platform::metrics::install("test");
        let held = Router::new()
            .route(
                "/held",
                axum::routing::get(|| async {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    let mut response = "decided".into_response();
                    response
                        .extensions_mut()
                        .insert(Held(Duration::from_millis(300)));
                    response
                }),
            )
            .layer(axum::middleware::from_fn(measure));
        let response = held
            .oneshot(
                axum::http::Request::get("/held")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let text = platform::metrics::render();
        let route = "Route=\"/held\"";
        assert!(value(&text, "HttpRequestHeld_sum", &[route]) >= 300.0);
        // Answered in about no time once the hold is left out: under 100 ms.
        let count = value(&text, "HttpRequestLatency_count", &[route]);
        let fast = value(&text, "HttpRequestLatency_bucket", &[route, "le=\"100\""]);
        assert_eq!((count, fast), (1.0, 1.0));
    }
}
