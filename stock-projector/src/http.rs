//! The projector's own HTTP: `/healthz` (the database answers), `/status` (each follower's
//! checkpoint and lag, as JSON), `/metrics` (Prometheus's text format, which the local Prometheus
//! scrapes), and the container health check that asks `/healthz`.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use projections::{Projector, Status};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Listens on `addr` (port 0: any free one) and returns where, and the server's task.
pub async fn serve(
    projector: Projector,
    addr: SocketAddr,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/status", get(status))
        .route("/metrics", get(metrics))
        .with_state(projector);
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

async fn healthz(State(projector): State<Projector>) -> (StatusCode, &'static str) {
    match platform::db::ping(projector.pool()).await {
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

async fn status(
    State(projector): State<Projector>,
) -> Result<Json<Vec<Status>>, (StatusCode, String)> {
    projector
        .status()
        .await
        .map(Json)
        .map_err(|e| (StatusCode::SERVICE_UNAVAILABLE, format!("{e:#}")))
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
