//! The projector's own HTTP: `/healthz` (the database answers), `/status` (each follower's
//! checkpoint and lag, as JSON), `/metrics` (Prometheus's text format, which the local Prometheus
//! scrapes), `/stock` (the stock service: availability per SKU for the order path's synchronous
//! check), and the container health check that asks `/healthz`.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use platform::faults::FaultSwitches;
use projections::catalog::{self, Availability};
use projections::{Projector, Status};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Listens on `addr` (port 0: any free one) and returns where, and the server's task.
pub async fn serve(
    projector: Projector,
    faults: FaultSwitches,
    addr: SocketAddr,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/status", get(status))
        .route("/metrics", get(metrics))
        .route("/stock", get(stock))
        .with_state(Http { projector, faults });
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    tracing::info!(http = %bound, "health and status listening");
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
    });
    Ok((bound, server))
}

/// What the routes are given.
#[derive(Clone)]
struct Http {
    projector: Projector,
    /// The slow-stock-service switch.
    faults: FaultSwitches,
}

async fn healthz(State(http): State<Http>) -> (StatusCode, &'static str) {
    match platform::db::ping(http.projector.pool()).await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

async fn metrics() -> ([(axum::http::header::HeaderName, &'static str); 1], String) {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            platform::metrics::TEXT_FORMAT,
        )],
        platform::metrics::render(),
    )
}

async fn status(State(http): State<Http>) -> Result<Json<Vec<Status>>, (StatusCode, String)> {
    http.projector
        .status()
        .await
        .map(Json)
        .map_err(|e| (StatusCode::SERVICE_UNAVAILABLE, format!("{e:#}")))
}

/// SKUs one availability question may name: an order's lines at most.
const MAX_SKUS: usize = aggregates::limits::MAX_ORDER_LINES;

/// `GET /stock?sku=A&sku=B`: the units available of each SKU the catalog knows, and the position
/// the catalog is current to. A server span under the caller's `traceparent`, so the order's
/// trace and the service map show the hop.
async fn stock(
    State(http): State<Http>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<Availability>, (StatusCode, String)> {
    let span = tracing::info_span!(
        "stock",
        otel.name = "GET /stock",
        otel.kind = "server",
        http.request.method = "GET",
        http.route = "/stock",
    );
    if let Some(traceparent) = headers.get("traceparent").and_then(|v| v.to_str().ok()) {
        let _ = span.set_parent(platform::telemetry::context_from(traceparent, None));
    }
    async move {
        let skus: Vec<String> = query
            .as_deref()
            .unwrap_or_default()
            .split('&')
            .filter_map(|pair| pair.strip_prefix("sku="))
            .map(str::to_string)
            .collect();
        if skus.is_empty() || skus.len() > MAX_SKUS {
            return Err((
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("sku: name 1 to {MAX_SKUS} SKUs, as ?sku=A&sku=B"),
            ));
        }
        if let Some(added) = http.faults.current().await.stock_service_latency {
            tokio::time::sleep(added)
                .instrument(tracing::info_span!(
                    "slow stock service",
                    otel.name = "slow stock service (fault switch)",
                    added_ms = added.as_millis() as u64
                ))
                .await;
        }
        catalog::availability(http.projector.pool(), &skus)
            .await
            .map(Json)
            .map_err(|e| (StatusCode::SERVICE_UNAVAILABLE, format!("{e:#}")))
    }
    .instrument(span)
    .await
}

/// Succeeds when the projector at `addr` answers `/healthz` with 200 (the container's health
/// check: the runtime image has no shell and no curl). 0.0.0.0 is asked on 127.0.0.1.
pub async fn healthcheck(mut addr: SocketAddr) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let ask = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream
            .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
            .await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        anyhow::Ok(answer)
    };
    let answer = tokio::time::timeout(Duration::from_secs(3), ask)
        .await
        .context("no answer within 3 s")??;
    let status_line = String::from_utf8_lossy(&answer);
    let status_line = status_line.lines().next().unwrap_or_default();
    anyhow::ensure!(
        status_line.split_whitespace().nth(1) == Some("200"),
        "unhealthy: {status_line}"
    );
    Ok(())
}
