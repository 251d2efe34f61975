//! Every setting a binary reads, parsed once at start into one typed [`Settings`]
//! (docs/architecture.md section 5). A value that is set but does not parse is an error naming
//! the variable and the form it accepts: a binary given `DATABASE_POOL_SIZE=ten` stops at once
//! with that message instead of running on a default nobody chose.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::faults::Faults;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`: the event store and the read models.
    pub database_url: String,
    /// On AWS, when `DATABASE_URL` is unset: RDS credentials from Secrets Manager.
    pub database_secret: Option<DatabaseSecret>,
    /// `DATABASE_POOL_SIZE` (10): connections per process.
    pub database_pool_size: u32,
    /// `EVENT_QUEUE_URL`: the FIFO queue commands publish to; unset turns publishing off.
    pub event_queue_url: Option<String>,
    /// `AWS_ENDPOINT_URL`: moto locally; unset on AWS, where the SDK finds the real endpoints.
    pub aws_endpoint_url: Option<String>,
    /// `AWS_REGION` (us-east-1).
    pub aws_region: String,
    /// `STOCK_SNAPSHOT_EVERY` (50): a snapshot of a `Stock` stream every N events.
    pub stock_snapshot_every: usize,
    /// `COGNITO_ISSUER`, `COGNITO_CLIENT_ID`, `COGNITO_JWKS_URL`: who signs tokens. Unset: every
    /// route that needs a caller answers 401.
    pub cognito: Option<Cognito>,
    /// `HTTP_ADDR` (127.0.0.1:8080): where the gateway and a Lambda binary outside Lambda listen.
    pub http_addr: SocketAddr,
    /// `STOREFRONT_DIR`: the storefront's static export, served by the gateway at `/`.
    pub storefront_dir: Option<PathBuf>,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: where spans go over OTLP/HTTP; unset: no export.
    pub otlp_endpoint: Option<String>,
    /// `AWS_LAMBDA_RUNTIME_API`, set by Lambda: serve invocations instead of HTTP.
    pub lambda_runtime_api: Option<String>,
    /// The fault switches (`SHOP_FAULT_*`, see [`crate::faults`]).
    pub faults: Faults,
    /// The stock service the order function asks before placing an order.
    pub stock_service: StockService,
    /// `PRODUCT_IMAGES_BUCKET`: the S3 bucket of product images; unset: no image routes.
    pub images_bucket: Option<String>,
    /// The projector's own settings.
    pub projector: Projector,
    /// The local observability plane's settings.
    pub observe: Observe,
    /// The local gateway's throttling, when not API Gateway's stage's.
    pub gateway_throttle: GatewayThrottle,
}

/// `GATEWAY_THROTTLE_RATE` (requests a second) and `GATEWAY_THROTTLE_BURST`: the local
/// gateway's throttling; each unset takes the stage's (terraform/throttle.json). The scripts
/// that load the stack on purpose raise them.
#[derive(Debug, Clone, Copy, Default)]
pub struct GatewayThrottle {
    pub rate: Option<i32>,
    pub burst: Option<i32>,
}

/// Where RDS's managed credentials live and where the database is: `DATABASE_SECRET_ARN`
/// (a secret with `username` and `password`), `DATABASE_HOST`, `DATABASE_PORT` (5432),
/// `DATABASE_NAME` (shop), `DATABASE_SSL_MODE` (require).
#[derive(Debug, Clone)]
pub struct DatabaseSecret {
    pub arn: String,
    pub host: String,
    pub port: u16,
    pub name: String,
    pub ssl_mode: String,
}

/// The Cognito user pool whose tokens the API accepts.
#[derive(Debug, Clone)]
pub struct Cognito {
    pub issuer: String,
    pub client_id: String,
    /// Default: the issuer's `/.well-known/jwks.json`.
    pub jwks_url: String,
}

#[derive(Debug, Clone)]
pub struct Projector {
    /// `PROJECTOR_HTTP_ADDR` (127.0.0.1:8081): health, status and metrics.
    pub http_addr: SocketAddr,
    /// `PROJECTOR_POLL_SECONDS` (2, at most 20): how long a receive waits for a message before
    /// the projector catches up anyway.
    pub poll_seconds: i32,
    /// `PROJECTOR_VISIBILITY_SECONDS` (60): how long a received message stays hidden (renewed
    /// while its batch runs).
    pub visibility_seconds: i32,
    /// `SHOP_RESTARTS` and `SHOP_LAST_EXIT_CODE`, set by the supervisor that restarted this
    /// process (scripts/dev): recorded at start so a crash loop shows in the console.
    pub restarts: Option<i32>,
    pub last_exit_code: Option<i32>,
}

/// The synchronous availability check of the order path (the stock-projector's `/stock`).
#[derive(Debug, Clone)]
pub struct StockService {
    /// `STOCK_SERVICE_URL` (`http://127.0.0.1:8081` locally, the projector's Cloud Map name on
    /// AWS); unset: orders are placed without the check and the saga alone decides.
    pub url: Option<String>,
    /// `STOCK_CHECK_TIMEOUT_MS` (150): past this the order is placed unchecked.
    pub timeout: Duration,
}

/// The local observability plane: the OTLP receiver and where the console finds Prometheus.
#[derive(Debug, Clone)]
pub struct Observe {
    /// `OTLP_RECEIVER_ADDR` (127.0.0.1:4318, OTLP/HTTP's port): where `otlp-receiver` listens.
    pub receiver_addr: SocketAddr,
    /// `OBSERVE_RETENTION_HOURS` (24): received spans and logs older than this are deleted.
    pub retention_hours: u64,
    /// `OBSERVE_MAX_SPANS`, `OBSERVE_MAX_LOGS` (200000 each): the oldest rows beyond these are
    /// deleted, so telemetry never fills the disk.
    pub max_spans: i64,
    pub max_logs: i64,
    /// `PROMETHEUS_URL`: the Prometheus whose HTTP API the console's metrics and alarms read;
    /// unset (as on AWS, where CloudWatch holds both), those views answer 503.
    pub prometheus_url: Option<String>,
    /// `OBSERVE_CONSOLE_REGION`: set on AWS (by Terraform), traces link to the X-Ray console of
    /// this region.
    pub console_region: Option<String>,
    /// `OBSERVE_ALARM_PREFIX`: set on AWS (by Terraform, `<name>-`), the console reads the state
    /// of the CloudWatch alarms named by it and observability/alarms.json.
    pub alarm_prefix: Option<String>,
    /// `OBSERVE_LOG_GROUPS`: set on AWS (by Terraform, comma-separated), the console's Logs
    /// Insights queries run in CloudWatch Logs over these groups instead of the local store.
    pub log_groups: Vec<String>,
    /// `OBSERVE_XRAY=1`: set on AWS (by Terraform), the console's traces come from X-Ray.
    pub xray: bool,
}

/// A setting that is set but invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}={value:?} is invalid: expected {expected}")]
pub struct SettingsError {
    pub variable: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl Settings {
    /// The settings of this process's environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings `lookup` gives (a variable's value, or `None`); blank counts as unset.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String> + 'static,
    ) -> Result<Self, SettingsError> {
        let env = Env(Box::new(move |name| {
            lookup(name).filter(|v| !v.trim().is_empty())
        }));
        let database_url = env.get("DATABASE_URL");
        let database_secret = match (&database_url, env.get("DATABASE_SECRET_ARN")) {
            (None, Some(arn)) => Some(DatabaseSecret {
                arn,
                host: env.or("DATABASE_HOST", "127.0.0.1"),
                port: env.parse("DATABASE_PORT", "a port number", 5432)?,
                name: env.or("DATABASE_NAME", "shop"),
                ssl_mode: env.or("DATABASE_SSL_MODE", "require"),
            }),
            _ => None,
        };
        let cognito = match (env.get("COGNITO_ISSUER"), env.get("COGNITO_CLIENT_ID")) {
            (Some(issuer), Some(client_id)) => Some(Cognito {
                jwks_url: env
                    .get("COGNITO_JWKS_URL")
                    .unwrap_or_else(|| format!("{issuer}/.well-known/jwks.json")),
                issuer,
                client_id,
            }),
            _ => None,
        };
        let settings = Self {
            database_url: database_url
                .unwrap_or_else(|| "postgres://postgres@127.0.0.1:55432/shop".into()),
            database_secret,
            database_pool_size: env.positive("DATABASE_POOL_SIZE", 10)?,
            event_queue_url: env.get("EVENT_QUEUE_URL"),
            aws_endpoint_url: env.get("AWS_ENDPOINT_URL"),
            aws_region: env.or("AWS_REGION", "us-east-1"),
            stock_snapshot_every: env.positive("STOCK_SNAPSHOT_EVERY", 50)?,
            cognito,
            http_addr: env.parse("HTTP_ADDR", ADDRESS, ([127, 0, 0, 1], 8080).into())?,
            storefront_dir: env.get("STOREFRONT_DIR").map(PathBuf::from),
            otlp_endpoint: env.get("OTEL_EXPORTER_OTLP_ENDPOINT"),
            lambda_runtime_api: env.get("AWS_LAMBDA_RUNTIME_API"),
            faults: Faults {
                db_latency: env.fault_millis("SHOP_FAULT_DB_LATENCY_MS")?,
                fail_sqs_send: env.choice("SHOP_FAULT_SQS_SEND", &["fail"], "fail")?,
                lose_sqs_message: env.flag("SHOP_FAULT_SQS_LOST")?,
                poison: env.flag("SHOP_FAULT_POISON")?,
                crash_on_event: env.get("SHOP_FAULT_CRASH_ON_EVENT"),
                stock_service_latency: env.fault_millis("SHOP_FAULT_STOCK_LATENCY_MS")?,
                product_read_failure_percent: env
                    .get("SHOP_FAULT_PRODUCT_READ_FAILURE_PERCENT")
                    .map(|v| {
                        v.parse()
                            .ok()
                            .filter(|p| (1..=crate::faults::MAX_PERCENT).contains(p))
                            .ok_or_else(|| {
                                env.invalid(
                                    "SHOP_FAULT_PRODUCT_READ_FAILURE_PERCENT",
                                    v,
                                    "a percentage, 1 to 100",
                                )
                            })
                    })
                    .transpose()?,
            },
            images_bucket: env.get("PRODUCT_IMAGES_BUCKET"),
            stock_service: StockService {
                url: env.get("STOCK_SERVICE_URL"),
                timeout: Duration::from_millis(env.ranged(
                    "STOCK_CHECK_TIMEOUT_MS",
                    1..=10_000,
                    "1 to 10000 ms",
                    150,
                )? as u64),
            },
            projector: Projector {
                http_addr: env.parse(
                    "PROJECTOR_HTTP_ADDR",
                    ADDRESS,
                    ([127, 0, 0, 1], 8081).into(),
                )?,
                poll_seconds: env.ranged("PROJECTOR_POLL_SECONDS", 0..=20, "0 to 20 seconds", 2)?,
                visibility_seconds: env.ranged(
                    "PROJECTOR_VISIBILITY_SECONDS",
                    1..=43_200,
                    "1 to 43200 seconds",
                    60,
                )?,
                restarts: env
                    .get("SHOP_RESTARTS")
                    .map(|_| env.ranged("SHOP_RESTARTS", 0..=i32::MAX, "a whole number", 0))
                    .transpose()?,
                last_exit_code: env
                    .get("SHOP_LAST_EXIT_CODE")
                    .map(|_| env.ranged("SHOP_LAST_EXIT_CODE", -255..=255, "an exit code", 0))
                    .transpose()?,
            },
            gateway_throttle: GatewayThrottle {
                rate: env
                    .get("GATEWAY_THROTTLE_RATE")
                    .map(|_| {
                        env.ranged(
                            "GATEWAY_THROTTLE_RATE",
                            1..=1_000_000,
                            "1 to 1000000 requests a second",
                            1,
                        )
                    })
                    .transpose()?,
                burst: env
                    .get("GATEWAY_THROTTLE_BURST")
                    .map(|_| {
                        env.ranged(
                            "GATEWAY_THROTTLE_BURST",
                            1..=1_000_000,
                            "1 to 1000000 requests",
                            1,
                        )
                    })
                    .transpose()?,
            },
            observe: Observe {
                receiver_addr: env.parse(
                    "OTLP_RECEIVER_ADDR",
                    ADDRESS,
                    ([127, 0, 0, 1], 4318).into(),
                )?,
                retention_hours: env.positive("OBSERVE_RETENTION_HOURS", 24)?,
                max_spans: env.positive("OBSERVE_MAX_SPANS", 200_000)?,
                max_logs: env.positive("OBSERVE_MAX_LOGS", 200_000)?,
                prometheus_url: env.get("PROMETHEUS_URL"),
                console_region: env.get("OBSERVE_CONSOLE_REGION"),
                alarm_prefix: env.get("OBSERVE_ALARM_PREFIX"),
                log_groups: env
                    .get("OBSERVE_LOG_GROUPS")
                    .map(|groups| {
                        groups
                            .split(',')
                            .map(str::trim)
                            .filter(|g| !g.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                xray: env.get("OBSERVE_XRAY").is_some_and(|v| v == "1"),
            },
        };
        Ok(settings)
    }
}

const ADDRESS: &str = "an address and port, such as 127.0.0.1:8080";

/// A variable's value, or `None` when it is unset or blank.
type Lookup = Box<dyn Fn(&str) -> Option<String>>;

/// The environment as the parser reads it.
struct Env(Lookup);

impl Env {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
    }

    fn or(&self, name: &str, default: &str) -> String {
        self.get(name).unwrap_or_else(|| default.to_string())
    }

    fn invalid(
        &self,
        variable: &'static str,
        value: String,
        expected: &'static str,
    ) -> SettingsError {
        SettingsError {
            variable,
            value,
            expected,
        }
    }

    fn parse<T: FromStr>(
        &self,
        name: &'static str,
        expected: &'static str,
        default: T,
    ) -> Result<T, SettingsError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| self.invalid(name, v, expected)),
        }
    }

    fn positive<T: FromStr + Default + PartialOrd>(
        &self,
        name: &'static str,
        default: T,
    ) -> Result<T, SettingsError> {
        let value = self.parse(name, "a whole number above 0", default)?;
        if value > T::default() {
            Ok(value)
        } else {
            Err(self.invalid(
                name,
                self.get(name).unwrap_or_default(),
                "a whole number above 0",
            ))
        }
    }

    /// A fault switch's milliseconds, 1 to [`crate::faults::MAX_ADDED_MS`], when set.
    fn fault_millis(&self, name: &'static str) -> Result<Option<Duration>, SettingsError> {
        self.get(name)
            .map(|v| {
                v.parse()
                    .ok()
                    .filter(|ms| (1..=crate::faults::MAX_ADDED_MS).contains(ms))
                    .map(|ms| Duration::from_millis(ms.into()))
                    .ok_or_else(|| self.invalid(name, v, "milliseconds, 1 to 10000"))
            })
            .transpose()
    }

    fn ranged(
        &self,
        name: &'static str,
        range: std::ops::RangeInclusive<i32>,
        expected: &'static str,
        default: i32,
    ) -> Result<i32, SettingsError> {
        let value = self.parse(name, expected, default)?;
        if range.contains(&value) {
            Ok(value)
        } else {
            Err(self.invalid(name, self.get(name).unwrap_or_default(), expected))
        }
    }

    /// A switch that is off unless set to one of `on`.
    fn choice(
        &self,
        name: &'static str,
        on: &[&str],
        expected: &'static str,
    ) -> Result<bool, SettingsError> {
        match self.get(name) {
            None => Ok(false),
            Some(v) if on.contains(&v.trim()) => Ok(true),
            Some(v) => Err(self.invalid(name, v, expected)),
        }
    }

    fn flag(&self, name: &'static str) -> Result<bool, SettingsError> {
        match self.get(name).as_deref().map(str::trim) {
            None | Some("0" | "false") => Ok(false),
            Some("1" | "true") => Ok(true),
            Some(v) => Err(self.invalid(name, v.to_string(), "1, true, 0 or false")),
        }
    }
}

/// Whether this process runs on AWS (Lambda or ECS set these), where X-Ray's propagation and
/// `AWSTraceHeader` apply. A fact of the host, not a setting: read once.
pub fn on_aws() -> bool {
    static ON_AWS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON_AWS.get_or_init(|| {
        std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some()
            || std::env::var_os("ECS_CONTAINER_METADATA_URI_V4").is_some()
    })
}

/// Parses this process's settings, or ends it: the message names the variable and what it
/// accepts, and the exit code is 2 (bad usage), before anything has started.
pub fn or_exit() -> Settings {
    Settings::from_env().unwrap_or_else(|error| {
        eprintln!("error: {error}");
        std::process::exit(2);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(move |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn nothing_set_gives_the_local_stacks_defaults() {
        let settings = with(&[]).unwrap();
        assert_eq!(settings.database_pool_size, 10);
        assert_eq!(settings.stock_snapshot_every, 50);
        assert_eq!(settings.http_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.projector.poll_seconds, 2);
        assert!(settings.cognito.is_none());
        assert_eq!(settings.faults, Faults::default());
    }

    #[test]
    fn a_value_that_does_not_parse_names_its_variable_and_form() {
        let error = with(&[("DATABASE_POOL_SIZE", "ten")]).unwrap_err();
        assert_eq!(error.variable, "DATABASE_POOL_SIZE");
        assert_eq!(
            error.to_string(),
            "DATABASE_POOL_SIZE=\"ten\" is invalid: expected a whole number above 0"
        );
        for (variable, value) in [
            ("STOCK_SNAPSHOT_EVERY", "0"),
            ("HTTP_ADDR", "localhost"),
            ("PROJECTOR_POLL_SECONDS", "21"),
            ("SHOP_FAULT_SQS_SEND", "yes"),
            ("SHOP_FAULT_POISON", "maybe"),
            ("SHOP_FAULT_DB_LATENCY_MS", "-5"),
            ("SHOP_FAULT_DB_LATENCY_MS", "20000"),
            ("SHOP_FAULT_PRODUCT_READ_FAILURE_PERCENT", "0"),
            ("DATABASE_PORT", "x"),
        ] {
            let vars = [("DATABASE_SECRET_ARN", "arn"), (variable, value)];
            assert_eq!(
                with(&vars).unwrap_err().variable,
                variable,
                "{variable}={value}"
            );
        }
    }

    #[test]
    fn set_values_are_taken() {
        let settings = with(&[
            ("COGNITO_ISSUER", "https://issuer"),
            ("COGNITO_CLIENT_ID", "web"),
            ("SHOP_FAULT_DB_LATENCY_MS", "300"),
            ("SHOP_FAULT_POISON", "1"),
            ("PROJECTOR_HTTP_ADDR", "0.0.0.0:9000"),
        ])
        .unwrap();
        let cognito = settings.cognito.unwrap();
        assert_eq!(cognito.jwks_url, "https://issuer/.well-known/jwks.json");
        assert_eq!(settings.faults.db_latency, Some(Duration::from_millis(300)));
        assert!(settings.faults.poison);
        assert_eq!(settings.projector.http_addr.port(), 9000);
    }
}
