//! The local observability plane (docs/observability.md): what a learner without an AWS account
//! sees. [`receiver`] takes OTLP/HTTP spans and logs from every service (and any other
//! OpenTelemetry exporter), [`otlp`] decodes them, [`store`] keeps them in PostgreSQL's
//! `observe` schema within a bounded retention, [`query`] answers the Observe console (with
//! [`insights`] for CloudWatch Logs Insights queries and X-Ray filter expressions on traces), and
//! [`alarms`] holds the one definition of the alarms and SLOs that Prometheus (through
//! [`prometheus`]) and CloudWatch (read through [`cloudwatch`] on AWS) evaluate.

pub mod alarms;
mod bounded;
pub mod cloudwatch;
pub mod cloudwatch_logs;
pub mod gameday;
pub mod insights;
pub mod otlp;
pub mod prometheus;
pub mod query;
pub mod receiver;
pub mod saved;
pub mod store;
pub mod xray;

pub use store::Retention;

impl Retention {
    /// The retention the settings choose.
    pub fn from_settings(settings: &platform::settings::Observe) -> Self {
        Self {
            max_age: std::time::Duration::from_secs(settings.retention_hours * 3600),
            max_spans: settings.max_spans,
            max_logs: settings.max_logs,
        }
    }
}
