//! The local OTLP/HTTP receiver that `scripts/dev` runs and points every service at: spans and
//! logs into PostgreSQL (schema `observe`), trimmed to the retention every 30 s. Its own logs go
//! to stdout only: sending them to itself would loop.

use std::time::Duration;

use observe::Retention;

const TRIM_EVERY: Duration = Duration::from_secs(30);

#[tokio::main]
async fn main() {
    let settings = platform::settings::or_exit();
    let _telemetry = platform::telemetry::init_with("otlp-receiver", None);
    if let Err(error) = run(&settings).await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

async fn run(settings: &platform::Settings) -> anyhow::Result<()> {
    let pool = platform::db::connect_configured(settings).await?;
    let retention = Retention::from_settings(&settings.observe);
    let trimming = pool.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(TRIM_EVERY);
        loop {
            every.tick().await;
            match observe::store::trim(&trimming, retention).await {
                Ok(trimmed) if trimmed.spans + trimmed.logs > 0 => {
                    tracing::info!(
                        spans = trimmed.spans,
                        logs = trimmed.logs,
                        "trimmed telemetry"
                    )
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "trimming telemetry failed"),
            }
        }
    });
    let addr = settings.observe.receiver_addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tracing::info!(%addr, ?retention, "receiving OTLP/HTTP");
    axum::serve(listener, observe::receiver::router(pool))
        .with_graceful_shutdown(platform::shutdown::signal())
        .await?;
    Ok(())
}
