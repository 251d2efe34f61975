//! One binary, two homes: under the Lambda runtime when `AWS_LAMBDA_RUNTIME_API` is set (the
//! same axum router behind API Gateway's proxy events), a plain HTTP server otherwise.

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub async fn run(name: &'static str, routes: OpenApiRouter<AppState>) {
    let telemetry = std::sync::Arc::new(platform::telemetry::init(name));
    let state = match crate::AppState::from_env().await {
        Ok(state) => state,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::exit(1);
        }
    };
    let app = Router::new().nest("/api", crate::finish(routes, state));
    let result = if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        // The sandbox may freeze as soon as the invocation returns: send its spans first.
        let app = app.layer(axum::middleware::map_response(
            move |response: axum::response::Response| {
                let telemetry = telemetry.clone();
                async move {
                    let _ = tokio::task::spawn_blocking(move || telemetry.flush()).await;
                    response
                }
            },
        ));
        lambda_http::run(app).await.map_err(|e| anyhow::anyhow!(e))
    } else {
        serve(app).await
    };
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

/// Serves on `HTTP_ADDR` (default 127.0.0.1:8080) until Ctrl-C or SIGTERM.
pub async fn serve(app: Router) -> anyhow::Result<()> {
    let addr = platform::config::var("HTTP_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tracing::info!(%addr, "listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("a SIGTERM handler installs");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = term.recv() => {},
            }
        })
        .await?;
    Ok(())
}
