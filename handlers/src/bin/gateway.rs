//! The local gateway: every router under `/api` on one port, and the storefront's static export
//! at `/` (`STOREFRONT_DIR`, when it exists), as CloudFront and API Gateway do on AWS.

use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

#[tokio::main]
async fn main() {
    let _telemetry = platform::telemetry::init("gateway");
    let state = match handlers::AppState::from_env().await {
        Ok(state) => state,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::exit(1);
        }
    };
    let mut app = Router::new().nest("/api", handlers::api(state));
    if let Some(dir) =
        platform::config::var("STOREFRONT_DIR").filter(|d| std::path::Path::new(d).is_dir())
    {
        let index = format!("{dir}/index.html");
        app = app.fallback_service(ServeDir::new(&dir).fallback(ServeFile::new(index)));
    }
    if let Err(error) = handlers::lambda::serve(app).await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}
