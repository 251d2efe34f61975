//! The local gateway: every function's routes under `/api` on one port, and the storefront's
//! static export at `/` (`STOREFRONT_DIR`, when it exists), as CloudFront and API Gateway do on
//! AWS; product images at `/images/*` from the images bucket, as CloudFront serves them on AWS;
//! `/metrics` in Prometheus's text format for the local Prometheus. The API is throttled as
//! API Gateway's stage throttles it (handlers::throttle). Its spans are the
//! gateway's, and each function's are that function's, as on AWS.

use handlers::Application;
use tower_http::services::{ServeDir, ServeFile};

#[tokio::main]
async fn main() {
    let settings = platform::settings::or_exit();
    let functions = handlers::functions().map(|(name, _)| name);
    let _telemetry = platform::telemetry::init_hosting("gateway", &functions, &settings);
    let application = match Application::build(&settings).await {
        Ok(application) => application,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::exit(1);
        }
    };
    // API Gateway's stage throttling, on the API only: CloudFront serves the rest on AWS.
    let limit = handlers::throttle::Limit::configured(&settings.gateway_throttle);
    let mut app = handlers::throttle::throttled(application.api(), limit).route(
        "/metrics",
        axum::routing::get(|| async {
            (
                [(
                    axum::http::header::CONTENT_TYPE,
                    platform::metrics::TEXT_FORMAT,
                )],
                platform::metrics::render(),
            )
        }),
    );
    // Product images at the same relative URLs as on AWS, where CloudFront serves `/images/*`
    // from the bucket.
    if let Some(images) = application.state().images.clone() {
        app = app.route(
            "/images/{*key}",
            axum::routing::get(
                move |axum::extract::Path(key): axum::extract::Path<String>| {
                    handlers::images::serve(images.clone(), key)
                },
            ),
        );
    }
    if let Some(dir) = settings.storefront_dir.as_ref().filter(|d| d.is_dir()) {
        app = app
            .fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html"))));
    }
    if let Err(error) = handlers::lambda::serve(app, settings.http_addr).await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}
