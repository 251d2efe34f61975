//! One binary, two homes: under the Lambda runtime when `AWS_LAMBDA_RUNTIME_API` is set (the
//! same axum router behind API Gateway's proxy events), a plain HTTP server otherwise.

use std::net::SocketAddr;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::{AppState, Application};

/// Runs function `name` serving `routes`: settings parsed (or the process ends naming the bad
/// one), telemetry, the application built, then Lambda's runtime or HTTP.
pub async fn run(name: &'static str, routes: OpenApiRouter<AppState>) {
    let settings = platform::settings::or_exit();
    let telemetry = std::sync::Arc::new(platform::telemetry::init(name, &settings));
    let application = match Application::build(&settings).await {
        Ok(application) => application,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::exit(1);
        }
    };
    let app = application.router(routes);
    let result = if settings.lambda_runtime_api.is_some() {
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
        serve(app, settings.http_addr).await
    };
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

/// Serves `app` on `addr` until Ctrl-C or SIGTERM.
pub async fn serve(app: Router, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tracing::info!(%addr, "listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(platform::shutdown::signal())
        .await?;
    Ok(())
}
