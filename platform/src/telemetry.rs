//! Logs and traces for every binary.
//!
//! Logs: one JSON object per line on stdout, flat, in the shape CloudWatch Logs Insights queries
//! without parsing rules: `timestamp`, `level`, `message`, `target`, `trace_id`, `span_id`, the
//! fields of the enclosing spans (`correlation_id`, aggregate ids, ...) and the event's own.
//! `RUST_LOG` filters (default `info`).
//!
//! Traces: OpenTelemetry spans exported over OTLP/HTTP to `OTEL_EXPORTER_OTLP_ENDPOINT` (off when
//! unset). Context crosses processes as W3C `traceparent`; on AWS the X-Ray propagator and id
//! generator are added, so X-Ray (through the ADOT collector) shows the same trace. Off AWS, the
//! same endpoint receives every log line over OTLP logs, with its trace and span ids, beside
//! stdout (on AWS stdout is CloudWatch Logs).
//! Export is asynchronous: an endpoint that is down never slows or fails a request.
//!
//! One process may speak for several services: the local gateway serves the order, product and
//! admin functions that are separate Lambdas on AWS. Spans started inside [`serving`] belong to
//! the service it names, so the local service map and X-Ray's draw the same nodes.

use std::fmt;

use opentelemetry::propagation::{TextMapCompositePropagator, TextMapPropagator};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use serde_json::{Map, Value};
use tracing::{Event, Subscriber};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

static EXPORTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether spans leave the process. Hot loops (the projector's per-event spans) make spans only
/// then, so trace export costs nothing when it is off.
pub fn exporting() -> bool {
    EXPORTING.load(std::sync::atomic::Ordering::Relaxed)
}

/// The exporters installed, for [`flush_now`] (the providers are handles to the same exporters).
static INSTALLED: std::sync::OnceLock<Telemetry> = std::sync::OnceLock::new();

/// Sends every finished span and log record now, from anywhere: a process about to exit on
/// purpose (the crash fault switch) calls this so its last words reach the console.
pub fn flush_now() {
    if let Some(telemetry) = INSTALLED.get() {
        telemetry.flush();
    }
}

/// Keeps the exporters alive; dropping it flushes what is buffered.
#[must_use = "dropping the guard flushes and stops trace export"]
pub struct Telemetry {
    providers: Vec<SdkTracerProvider>,
    logs: Option<SdkLoggerProvider>,
}

impl Telemetry {
    /// Sends every finished span and log record now: a Lambda invocation calls this before it
    /// returns, because the sandbox may freeze right after.
    pub fn flush(&self) {
        for provider in &self.providers {
            if let Err(error) = provider.force_flush() {
                eprintln!("trace export: {error}");
            }
        }
        if let Some(logs) = &self.logs
            && let Err(error) = logs.force_flush()
        {
            eprintln!("log export: {error}");
        }
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        for provider in self.providers.drain(..) {
            let _ = provider.shutdown();
        }
        if let Some(logs) = self.logs.take() {
            let _ = logs.shutdown();
        }
    }
}

tokio::task_local! {
    static SERVING: &'static str;
}

/// Runs `future` as service `name`: the spans it starts are that service's (see the module's
/// documentation). Outside any, spans are the process's own service's.
pub async fn serving<F: std::future::Future>(name: &'static str, future: F) -> F::Output {
    SERVING.scope(name, future).await
}

/// The tracer behind the `tracing` layer: the process's own, or the one of the service
/// [`serving`] names, each with its own `service.name`.
#[derive(Clone)]
struct ServiceTracer {
    own: opentelemetry_sdk::trace::SdkTracer,
    others: std::sync::Arc<Vec<(&'static str, opentelemetry_sdk::trace::SdkTracer)>>,
}

impl opentelemetry::trace::Tracer for ServiceTracer {
    type Span = opentelemetry_sdk::trace::Span;

    fn build_with_context(
        &self,
        builder: opentelemetry::trace::SpanBuilder,
        parent_cx: &opentelemetry::Context,
    ) -> Self::Span {
        let tracer = SERVING
            .try_with(|name| {
                self.others
                    .iter()
                    .find(|(service, _)| service == name)
                    .map(|(_, tracer)| tracer)
            })
            .ok()
            .flatten()
            .unwrap_or(&self.own);
        tracer.build_with_context(builder, parent_cx)
    }
}

/// An exporter that counts what it failed to send (`TelemetryDropped`, by signal): the receiver
/// being down loses telemetry, never a request, and the loss shows on `/metrics`.
#[derive(Debug)]
struct Counted<E> {
    inner: E,
    signal: &'static str,
}

impl<E> Counted<E> {
    /// `result` of exporting `items`, counted as dropped when it failed.
    fn counting(
        &self,
        items: u64,
        result: opentelemetry_sdk::error::OTelSdkResult,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        if result.is_err() {
            metrics::counter!("TelemetryDropped", "Signal" => self.signal).increment(items);
        }
        result
    }
}

impl<E: opentelemetry_sdk::trace::SpanExporter> opentelemetry_sdk::trace::SpanExporter
    for Counted<E>
{
    async fn export(
        &self,
        batch: Vec<opentelemetry_sdk::trace::SpanData>,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        let spans = batch.len() as u64;
        self.counting(spans, self.inner.export(batch).await)
    }
    fn shutdown_with_timeout(
        &self,
        timeout: std::time::Duration,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }
    fn force_flush(&self) -> opentelemetry_sdk::error::OTelSdkResult {
        self.inner.force_flush()
    }
    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

impl<E: opentelemetry_sdk::logs::LogExporter> opentelemetry_sdk::logs::LogExporter for Counted<E> {
    async fn export(
        &self,
        batch: opentelemetry_sdk::logs::LogBatch<'_>,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        let records = batch.iter().count() as u64;
        self.counting(records, self.inner.export(batch).await)
    }
    fn shutdown_with_timeout(
        &self,
        timeout: std::time::Duration,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }
    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

/// Targets whose log lines never go out over OTLP: the exporters' own, which would loop.
const NOT_EXPORTED: &[&str] = &["opentelemetry", "hyper", "reqwest", "h2", "tower"];

/// Installs logging and, when the settings name an OTLP/HTTP endpoint (`http://host:4318`, say),
/// trace export. Safe to call more than once (tests): only the first call installs anything.
pub fn init(service: &'static str, settings: &crate::Settings) -> Telemetry {
    init_with(service, settings.otlp_endpoint.clone())
}

/// [`init`] for a process that also speaks for the services `hosted` (see [`serving`]).
pub fn init_hosting(
    service: &'static str,
    hosted: &[&'static str],
    settings: &crate::Settings,
) -> Telemetry {
    install(service, hosted, settings.otlp_endpoint.clone())
}

/// [`init`] with the OTLP/HTTP endpoint given, or export off.
pub fn init_with(service: &'static str, otlp_endpoint: Option<String>) -> Telemetry {
    install(service, &[], otlp_endpoint)
}

fn install(
    service: &'static str,
    hosted: &[&'static str],
    otlp_endpoint: Option<String>,
) -> Telemetry {
    crate::metrics::install(service);
    let on_aws = crate::settings::on_aws();
    let mut propagators: Vec<Box<dyn TextMapPropagator + Send + Sync>> =
        vec![Box::new(TraceContextPropagator::new())];
    if on_aws {
        propagators.push(Box::new(opentelemetry_aws::trace::XrayPropagator::default()));
    }
    opentelemetry::global::set_text_map_propagator(TextMapCompositePropagator::new(propagators));

    let endpoint = otlp_endpoint.map(|e| e.trim_end_matches('/').to_string());
    let provider_for = |name: &'static str| {
        let endpoint = endpoint.as_ref()?;
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_endpoint(format!("{endpoint}/v1/traces"))
            .build()
            .map_err(|e| eprintln!("trace export is off: {e}"))
            .ok()?;
        let exporter = Counted {
            inner: exporter,
            signal: "spans",
        };
        let mut builder = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(Resource::builder().with_service_name(name).build());
        if on_aws {
            builder =
                builder.with_id_generator(opentelemetry_aws::trace::XrayIdGenerator::default());
        }
        Some(builder.build())
    };
    let provider = provider_for(service);
    let hosted: Vec<(&'static str, SdkTracerProvider)> = hosted
        .iter()
        .filter_map(|name| Some((*name, provider_for(name)?)))
        .collect();
    // On AWS stdout is CloudWatch Logs already, and the ADOT collector has no logs pipeline.
    let logger = endpoint.as_ref().filter(|_| !on_aws).and_then(|endpoint| {
        let exporter = opentelemetry_otlp::LogExporter::builder()
            .with_http()
            .with_endpoint(format!("{endpoint}/v1/logs"))
            .build()
            .map_err(|e| eprintln!("log export is off: {e}"))
            .ok()?;
        let exporter = Counted {
            inner: exporter,
            signal: "logs",
        };
        Some(
            SdkLoggerProvider::builder()
                .with_batch_exporter(exporter)
                .with_resource(Resource::builder().with_service_name(service).build())
                .build(),
        )
    });

    // RUST_LOG chooses the log lines; spans are exported at info whatever it says, so quieting
    // the logs never breaks a trace.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt::layer()
        .fmt_fields(JsonFields::new())
        .event_format(FlatJson { service })
        .with_filter(filter);
    let traces = provider.as_ref().map(|p| {
        let tracer = ServiceTracer {
            own: p.tracer(service),
            others: std::sync::Arc::new(
                hosted
                    .iter()
                    .map(|(name, provider)| (*name, provider.tracer(*name)))
                    .collect(),
            ),
        };
        tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(tracing_subscriber::filter::LevelFilter::INFO)
    });
    let exported_logs = logger.as_ref().map(|l| {
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
        // The fields a learner searches logs by, taken from the enclosing spans as stdout's
        // lines have them.
        let searched = opentelemetry_appender_tracing::layer::TracingSpanAttributes::allowlist([
            "correlation_id",
            "aggregate_id",
            "aggregate_type",
            "command",
            "projection",
            "event_type",
            "order_id",
            "sku",
            // The function a line of the local gateway is from: its `service`, as on AWS.
            "faas.name",
        ]);
        opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge::builder(l)
            .with_tracing_span_attributes(searched)
            .build()
            .with_filter(filter)
            .with_filter(tracing_subscriber::filter::filter_fn(|meta| {
                let target = meta.target();
                !NOT_EXPORTED.iter().any(|t| {
                    target == *t || target.strip_prefix(t).is_some_and(|r| r.starts_with("::"))
                })
            }))
    });
    let installed = tracing_subscriber::registry()
        .with(logs)
        .with(traces)
        .with(exported_logs)
        .try_init();
    if installed.is_ok() {
        if let Some(p) = &provider {
            opentelemetry::global::set_tracer_provider(p.clone());
            EXPORTING.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        tracing::info!(
            service,
            version = env!("CARGO_PKG_VERSION"),
            traces = provider.is_some(),
            "starting"
        );
        let providers: Vec<_> = provider
            .into_iter()
            .chain(hosted.into_iter().map(|(_, p)| p))
            .collect();
        let _ = INSTALLED.set(Telemetry {
            providers: providers.clone(),
            logs: logger.clone(),
        });
        Telemetry {
            providers,
            logs: logger,
        }
    } else {
        Telemetry {
            providers: Vec::new(),
            logs: None,
        }
    }
}

/// The current span's context as a W3C `traceparent`, when there is a valid one (trace export
/// on, or a parent taken from a request).
pub fn current_traceparent() -> Option<String> {
    let context = tracing::Span::current().context();
    let span = context.span();
    let sc = span.span_context();
    sc.is_valid().then(|| {
        format!(
            "00-{}-{}-{:02x}",
            sc.trace_id(),
            sc.span_id(),
            sc.trace_flags().to_u8()
        )
    })
}

/// The OpenTelemetry context a `traceparent` (and, on AWS, an X-Ray header) names.
pub fn context_from(traceparent: &str, xray: Option<&str>) -> opentelemetry::Context {
    let mut carrier = std::collections::HashMap::new();
    carrier.insert("traceparent".to_string(), traceparent.to_string());
    if let Some(header) = xray {
        carrier.insert("x-amzn-trace-id".to_string(), header.to_string());
    }
    opentelemetry::global::get_text_map_propagator(|p| p.extract(&carrier))
}

/// One flat JSON object per event, naming the service it is from: on AWS, where each line
/// lands in its function's log group, a Logs Insights query over several groups groups by it,
/// as the local console's does.
struct FlatJson {
    /// The process's own service; a line inside [`serving`] names that service instead.
    service: &'static str,
}

impl<S, N> FormatEvent<S, N> for FlatJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut line = Map::new();
        line.insert(
            "timestamp".into(),
            chrono::Utc::now()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                .into(),
        );
        line.insert("level".into(), event.metadata().level().as_str().into());
        line.insert("target".into(), event.metadata().target().into());
        let service = SERVING.try_with(|name| *name).unwrap_or(self.service);
        line.insert("service".into(), service.into());
        // Span fields, outermost first, so an inner span's value wins.
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                let extensions = span.extensions();
                if let Some(fields) = extensions.get::<FormattedFields<N>>()
                    && let Ok(Value::Object(map)) = serde_json::from_str::<Value>(fields)
                {
                    line.extend(map);
                }
            }
        }
        let mut visitor = Fields(&mut line);
        event.record(&mut visitor);
        let context = tracing::Span::current().context();
        let span = context.span();
        let sc = span.span_context();
        if sc.is_valid() {
            line.insert("trace_id".into(), sc.trace_id().to_string().into());
            line.insert("span_id".into(), sc.span_id().to_string().into());
        }
        writeln!(writer, "{}", Value::Object(line))
    }
}

struct Fields<'a>(&'a mut Map<String, Value>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().into(), format!("{value:?}").into());
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_bool(&mut self, field: &tracing::field::Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }
}
