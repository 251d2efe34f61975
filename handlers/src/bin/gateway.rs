//! The local gateway: every router under `/api` on one port, and the storefront's static export
//! at `/` (`STOREFRONT_DIR`, when it exists), as CloudFront and API Gateway do on AWS.

use handlers::Application;
use tower_http::services::{ServeDir, ServeFile};

#[tokio::main]
async fn main() {
    let settings = platform::settings::or_exit();
    let _telemetry = platform::telemetry::init("gateway", &settings);
    let application = match Application::build(&settings).await {
        Ok(application) => application,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::exit(1);
        }
    };
    let mut app = application.api();
    if let Some(dir) = settings.storefront_dir.as_ref().filter(|d| d.is_dir()) {
        app = app
            .fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html"))));
    }
    if let Err(error) = handlers::lambda::serve(app, settings.http_addr).await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}
