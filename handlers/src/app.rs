//! Putting the HTTP surface together from the settings, once: the pool (migrated), the store and
//! its publisher, the token verifier. The gateway, every Lambda binary and the API tests build
//! it the same way, with [`Application::build`].

use std::sync::Arc;

use axum::Router;
use eventstore::Store;
use eventstore::publish::Publisher;
use platform::Settings;
use platform::faults::FaultSwitches;
use platform::images::Images;
use projections::{Progress, ReadModels};
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::Verifier;
use crate::stock_check::StockService;

/// What every handler is given.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub pool: PgPool,
    /// The fault switches, as this process sees them (see [`platform::faults`]).
    pub faults: FaultSwitches,
    /// The stock service the order path asks before placing; `None`: no synchronous check.
    pub stock: Option<Arc<StockService>>,
    /// The product images bucket; `None` without `PRODUCT_IMAGES_BUCKET`.
    pub images: Option<Arc<Images>>,
    /// `None` when no Cognito pool is configured: every route that needs a caller answers 401.
    pub verifier: Option<Arc<Verifier>>,
    pub read_models: ReadModels,
    /// The read models' checkpoints, polled once for every read that waits on them.
    pub progress: Progress,
    /// Where the Observe console's views read from besides the database.
    pub observe: ObserveSources,
}

/// Prometheus (locally), CloudWatch's alarms and the AWS console region (on AWS), from the
/// settings.
#[derive(Clone, Default)]
pub struct ObserveSources {
    pub prometheus: Option<observe::prometheus::Prometheus>,
    pub cloudwatch: Option<observe::cloudwatch::CloudWatch>,
    pub console_region: Option<String>,
    /// On AWS: Logs Insights queries run in CloudWatch Logs, traces come from X-Ray.
    pub logs_insights: Option<observe::cloudwatch_logs::LogsInsights>,
    pub xray: Option<observe::xray::XRay>,
}

pub struct Application {
    state: AppState,
}

impl Application {
    /// Connects (and migrates) the database, builds the store, its publisher and the verifier.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        // The AWS clients read and parse the system's TLS roots (several ms of CPU): their one
        // configuration is loaded on another thread while the pool connects, so a cold start
        // waits for the longer of the two, not for both.
        let needs_aws = settings.event_queue_url.is_some()
            || settings.observe.alarm_prefix.is_some()
            || !settings.observe.log_groups.is_empty()
            || settings.observe.xray
            || settings.images_bucket.is_some();
        let aws = needs_aws.then(|| {
            let settings = settings.clone();
            tokio::spawn(async move { platform::aws::Clients::load(&settings).await })
        });
        let pool = platform::db::connect_configured(settings).await?;
        let aws = match aws {
            Some(loading) => Some(loading.await?),
            None => None,
        };
        let faults = FaultSwitches::start(pool.clone(), &settings.faults).await?;
        let publisher = aws
            .as_ref()
            .zip(settings.event_queue_url.clone())
            .map(|(aws, url)| {
                let publisher = Publisher::new(aws.sqs(), url).with_faults(faults.clone());
                // A Lambda instance serves one request at a time and is frozen between them: it
                // sends its one message itself. Anywhere else (the local gateway) many requests
                // share the process, and their messages share requests to the queue.
                if settings.lambda_runtime_api.is_some() {
                    publisher
                } else {
                    publisher.batching()
                }
            });
        let store = eventstore::shop_store(pool.clone(), settings.stock_snapshot_every, publisher)
            .with_faults(faults.clone());
        Ok(Self {
            state: AppState {
                progress: Progress::start(pool.clone()),
                store,
                pool,
                faults,
                images: aws
                    .as_ref()
                    .zip(settings.images_bucket.clone())
                    .map(|(aws, bucket)| Arc::new(Images::new(aws.s3(), bucket))),
                stock: settings
                    .stock_service
                    .url
                    .as_deref()
                    .map(|url| Arc::new(StockService::new(url, settings.stock_service.timeout))),
                verifier: settings.cognito.clone().map(|c| Arc::new(Verifier::new(c))),
                read_models: ReadModels::shop(),
                observe: ObserveSources {
                    prometheus: settings
                        .observe
                        .prometheus_url
                        .as_deref()
                        .map(observe::prometheus::Prometheus::new),
                    cloudwatch: aws.as_ref().zip(settings.observe.alarm_prefix.clone()).map(
                        |(aws, prefix)| observe::cloudwatch::CloudWatch {
                            client: aws.cloudwatch(),
                            prefix,
                            region: settings
                                .observe
                                .console_region
                                .clone()
                                .unwrap_or_else(|| settings.aws_region.clone()),
                        },
                    ),
                    console_region: settings.observe.console_region.clone(),
                    logs_insights: aws
                        .as_ref()
                        .filter(|_| !settings.observe.log_groups.is_empty())
                        .map(|aws| observe::cloudwatch_logs::LogsInsights {
                            client: aws_sdk_cloudwatchlogs::Client::new(aws.config()),
                            log_groups: settings.observe.log_groups.clone(),
                        }),
                    xray: aws.as_ref().filter(|_| settings.observe.xray).map(|aws| {
                        observe::xray::XRay {
                            client: aws_sdk_xray::Client::new(aws.config()),
                        }
                    }),
                },
            },
        })
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// `routes` under `/api`, as API Gateway mounts a function's routes.
    pub fn router(&self, routes: OpenApiRouter<AppState>) -> Router {
        Router::new().nest("/api", crate::finish(routes, self.state.clone()))
    }

    /// Every route of the contract under `/api`, as the local gateway serves them.
    pub fn api(&self) -> Router {
        self.router(crate::all_routes())
    }
}
