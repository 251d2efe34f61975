//! The Observe console's routes (admin only): traces (searched by an X-Ray filter expression),
//! one trace, the service map and logs (queried in CloudWatch Logs Insights' language) from the
//! telemetry the local OTLP receiver keeps; metrics and alarms from Prometheus. Every query is
//! bounded: a window of at most a day and a page of at most a few hundred rows. On AWS the same
//! expressions and queries go to X-Ray and CloudWatch Logs themselves (`OBSERVE_XRAY`,
//! `OBSERVE_LOG_GROUPS`), the service map is X-Ray's, alarms and each metric panel's CloudWatch
//! expression come from CloudWatch, and a trace links to the X-Ray console.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use observe::alarms::AlarmBoard;
use observe::insights::{QueryError, QueryResults};
use observe::prometheus::{MetricRange, PrometheusError};
use observe::query::{LogFilter, LogLines, ServiceMap, TraceDetail, TraceFilter, TraceList};
use observe::saved::SavedQuery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Admin;
use crate::problem::{Params, Problem};

const PROBLEM: &str = "application/problem+json";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(traces))
        .routes(routes!(trace))
        .routes(routes!(service_map))
        .routes(routes!(logs))
        .routes(routes!(insights))
        .routes(routes!(saved_queries))
        .routes(routes!(metrics))
        .routes(routes!(alarms))
}

/// The longest window any view reads, in minutes: one day.
const MAX_MINUTES: i64 = 1440;

/// Parameter `field`, `default` when absent, between 1 and `max`.
fn bounded(field: &str, value: Option<i64>, default: i64, max: i64) -> Result<i64, Problem> {
    let value = value.unwrap_or(default);
    if (1..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Problem::invalid(
            field,
            format!("must be between 1 and {max}"),
        ))
    }
}

fn minutes(value: Option<i64>, default: i64) -> Result<i64, Problem> {
    bounded("minutes", value, default, MAX_MINUTES)
}

/// A time parameter the window arithmetic and PostgreSQL both take: years 1970 to 9999.
fn instant(field: &str, value: Option<DateTime<Utc>>) -> Result<Option<DateTime<Utc>>, Problem> {
    use chrono::Datelike;
    match value {
        Some(t) if !(1970..=9999).contains(&t.year()) => Err(Problem::invalid(
            field,
            "must be a time between the years 1970 and 9999",
        )),
        other => Ok(other),
    }
}

fn hex_id(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Prometheus or CloudWatch did not answer: 503, worth a retry in a few seconds.
fn unanswered(error: impl std::fmt::Display) -> Problem {
    tracing::warn!(%error, "an Observe source did not answer");
    let mut problem = Problem::new(StatusCode::SERVICE_UNAVAILABLE, error.to_string());
    problem.retry_after = Some(5);
    problem
}

fn prometheus(state: &AppState) -> Result<&observe::prometheus::Prometheus, Problem> {
    state.observe.prometheus.as_ref().ok_or_else(|| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no Prometheus is configured (PROMETHEUS_URL); on AWS the CloudWatch dashboard and alarms hold these views (OBSERVE_ALARM_PREFIX names the alarms)",
        )
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TraceQuery {
    /// A trace id (32 hex digits), an order id or a correlation id.
    #[param(max_length = 128, pattern = "^[^\\u0000]*$")]
    q: Option<String>,
    /// The window, 1 to 1440 minutes back (default 60).
    #[param(minimum = 1, maximum = 1440)]
    minutes: Option<i64>,
    /// 1 to 200 traces (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// Only traces with an error span.
    errors: Option<bool>,
    /// An X-Ray filter expression (`service("order") { fault }`, `annotation.order_id = "…"`),
    /// at most 2000 characters.
    #[param(max_length = 2000)]
    filter: Option<String>,
    /// The console's own requests too (`/api/admin/observe/*`); left out by default.
    console: Option<bool>,
    /// Traces that started before this time: a previous page's `next_before`.
    before: Option<DateTime<Utc>>,
}

/// Recent traces, newest first, or those a trace, order or correlation id names.
#[utoipa::path(get, path = "/admin/observe/traces", tag = "observe", params(TraceQuery),
    responses((status = 200, body = TraceList),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM),
        (status = 503, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn traces(
    State(state): State<AppState>,
    _: Admin,
    Params(query): Params<TraceQuery>,
) -> Result<Json<TraceList>, Problem> {
    let minutes = minutes(query.minutes, 60)?;
    let limit = bounded("limit", query.limit, 50, 200)?;
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.chars().count() > 128 || q.contains('\0')) {
        return Err(Problem::invalid(
            "q",
            "must be at most 128 characters, without NUL",
        ));
    }
    if query.filter.as_deref().is_some_and(|f| f.contains('\0')) {
        return Err(Problem::invalid("filter", "must not contain NUL"));
    }
    let expression = query
        .filter
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(querylang::xray::parse)
        .transpose()
        .map_err(|e| Problem::invalid("filter", e.to_string()))?;
    let filter = TraceFilter {
        q: q.map(str::to_string),
        filter: expression,
        minutes,
        limit,
        errors_only: query.errors.unwrap_or(false),
        before: instant("before", query.before)?,
        include_console: query.console.unwrap_or(false),
    };
    let found = match &state.observe.xray {
        // The same expression, to X-Ray itself.
        Some(xray) => {
            let expression = observe::xray::expression(
                query
                    .filter
                    .as_deref()
                    .map(str::trim)
                    .filter(|f| !f.is_empty()),
                filter.q.as_deref(),
                filter.errors_only,
                filter.include_console,
            )
            .map_err(|e| query_problem("filter", e))?;
            xray.traces(expression, filter.minutes, filter.limit, filter.before)
                .await
        }
        None => observe::query::traces(&state.pool, &filter).await,
    };
    found.map(Json).map_err(|e| query_problem("filter", e))
}

/// A query's failure: the learner's text (422, naming `field`) or the database's (500).
fn query_problem(field: &str, error: QueryError) -> Problem {
    match error {
        QueryError::Invalid { message, .. } => Problem::invalid(field, message),
        QueryError::Database(e) => Problem::internal(e),
        QueryError::Unavailable(e) => unanswered(e),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SavedQueries {
    queries: &'static [SavedQuery],
}

/// The saved Logs Insights queries and X-Ray filter expressions (terraform/saved-queries.json),
/// the same that CloudWatch saves when deployed.
#[utoipa::path(get, path = "/admin/observe/saved-queries", tag = "observe",
    responses((status = 200, body = SavedQueries),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn saved_queries(_: Admin) -> Json<SavedQueries> {
    Json(SavedQueries {
        queries: observe::saved::all(),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InsightsQuery {
    /// A CloudWatch Logs Insights query, at most 10000 characters.
    #[param(min_length = 1, max_length = 10000)]
    query: String,
    /// The window, 1 to 1440 minutes back from `end` (default 60).
    #[param(minimum = 1, maximum = 1440)]
    minutes: Option<i64>,
    /// The window's end (default now).
    end: Option<DateTime<Utc>>,
}

/// A CloudWatch Logs Insights query over the log lines, answered as GetQueryResults answers.
#[utoipa::path(get, path = "/admin/observe/logs/insights", tag = "observe", params(InsightsQuery),
    responses((status = 200, body = QueryResults),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM),
        (status = 503, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn insights(
    State(state): State<AppState>,
    _: Admin,
    Params(query): Params<InsightsQuery>,
) -> Result<Json<QueryResults>, Problem> {
    let minutes = minutes(query.minutes, 60)?;
    if query.query.trim().is_empty() {
        return Err(Problem::invalid("query", "must not be empty"));
    }
    if query.query.contains('\0') {
        return Err(Problem::invalid("query", "must not contain NUL"));
    }
    let to = instant("end", query.end)?.unwrap_or_else(Utc::now);
    let from = to - Duration::minutes(minutes);
    let answer = match &state.observe.logs_insights {
        // The same query, to CloudWatch Logs Insights itself.
        Some(logs) => logs.run(&query.query, from, to).await,
        None => observe::insights::run(&state.pool, &query.query, from, to).await,
    };
    answer.map(Json).map_err(|e| query_problem("query", e))
}

/// One trace's spans in start order, with the orders and correlations it carries.
#[utoipa::path(get, path = "/admin/observe/traces/{trace_id}", tag = "observe",
    params(("trace_id" = String, Path, description = "32 hex digits", pattern = "^[0-9a-fA-F]{32}$")),
    responses((status = 200, body = TraceDetail),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 404, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM),
        (status = 503, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn trace(
    State(state): State<AppState>,
    _: Admin,
    Path(trace_id): Path<String>,
) -> Result<Json<TraceDetail>, Problem> {
    let trace_id = trace_id.to_ascii_lowercase();
    if !hex_id(&trace_id, 32) {
        return Err(Problem::invalid("trace_id", "must be 32 hex digits"));
    }
    let found = match &state.observe.xray {
        Some(xray) => xray.trace(&trace_id).await,
        None => observe::query::trace(&state.pool, &trace_id)
            .await
            .map_err(QueryError::from),
    };
    let mut detail = found
        .map_err(|e| query_problem("trace_id", e))?
        .ok_or_else(|| Problem::not_found("trace"))?;
    if let Some(region) = &state.observe.console_region {
        // X-Ray spells the same id 1-<8 hex>-<24 hex>.
        detail.xray_url = Some(format!(
            "https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#xray:traces/1-{}-{}",
            &trace_id[..8],
            &trace_id[8..]
        ));
    }
    Ok(Json(detail))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WindowQuery {
    /// The window, 1 to 1440 minutes back (default 15).
    #[param(minimum = 1, maximum = 1440)]
    minutes: Option<i64>,
}

/// Services, the queue and the database, with the calls between them in the window.
#[utoipa::path(get, path = "/admin/observe/service-map", tag = "observe", params(WindowQuery),
    responses((status = 200, body = ServiceMap),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM),
        (status = 503, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn service_map(
    State(state): State<AppState>,
    _: Admin,
    Params(query): Params<WindowQuery>,
) -> Result<Json<ServiceMap>, Problem> {
    let minutes = minutes(query.minutes, 15)?;
    let map = match &state.observe.xray {
        Some(xray) => xray.service_map(minutes).await,
        None => observe::query::service_map(&state.pool, minutes)
            .await
            .map_err(QueryError::from),
    };
    map.map(Json).map_err(|e| query_problem("minutes", e))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// Lines of this trace (32 hex digits).
    #[param(pattern = r"^\s*([0-9a-fA-F]{32})?\s*$")]
    trace_id: Option<String>,
    /// Lines carrying this correlation id.
    #[param(max_length = 128, pattern = "^[^\\u0000]*$")]
    correlation_id: Option<String>,
    /// At least this level: TRACE, DEBUG, INFO, WARN or ERROR (empty: any).
    #[param(pattern = "^(TRACE|DEBUG|INFO|WARN|ERROR)?$")]
    level: Option<String>,
    /// Text in the message, case-insensitive.
    #[param(max_length = 128, pattern = "^[^\\u0000]*$")]
    q: Option<String>,
    /// The window, 1 to 1440 minutes back (default 60).
    #[param(minimum = 1, maximum = 1440)]
    minutes: Option<i64>,
    /// 1 to 500 lines (default 100).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// Lines before this time: a previous page's `next_before`.
    before: Option<DateTime<Utc>>,
}

/// Log lines, newest first.
#[utoipa::path(get, path = "/admin/observe/logs", tag = "observe", params(LogQuery),
    responses((status = 200, body = LogLines),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM),
        (status = 503, body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn logs(
    State(state): State<AppState>,
    _: Admin,
    Params(query): Params<LogQuery>,
) -> Result<Json<LogLines>, Problem> {
    let blank = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let trace_id = blank(query.trace_id).map(|t| t.to_ascii_lowercase());
    if trace_id.as_deref().is_some_and(|t| !hex_id(t, 32)) {
        return Err(Problem::invalid("trace_id", "must be 32 hex digits"));
    }
    let level = query.level.filter(|l| !l.is_empty());
    if level
        .as_deref()
        .is_some_and(|l| !observe::query::is_level(l))
    {
        return Err(Problem::invalid(
            "level",
            "must be TRACE, DEBUG, INFO, WARN or ERROR",
        ));
    }
    let text = blank(query.q);
    let correlation_id = blank(query.correlation_id);
    // PostgreSQL's text holds no NUL.
    let unfit = |t: &Option<String>| {
        t.as_ref()
            .is_some_and(|t| t.chars().count() > 128 || t.contains('\0'))
    };
    for (field, value) in [("q", &text), ("correlation_id", &correlation_id)] {
        if unfit(value) {
            return Err(Problem::invalid(
                field,
                "must be at most 128 characters, without NUL",
            ));
        }
    }
    let filter = LogFilter {
        trace_id,
        correlation_id,
        level,
        text,
        minutes: minutes(query.minutes, 60)?,
        limit: bounded("limit", query.limit, 100, 500)?,
        before: query.before,
    };
    observe::query::logs(&state.pool, &filter)
        .await
        .map(Json)
        .map_err(Problem::internal)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MetricQuery {
    /// A PromQL expression (at most 2000 characters): what Prometheus answers, locally.
    #[param(min_length = 1, max_length = 2000, pattern = r"\S")]
    query: String,
    /// The same signal as a CloudWatch metric math expression (at most 2000 characters): what
    /// CloudWatch answers, on AWS, where no Prometheus runs.
    #[param(max_length = 2000)]
    cloudwatch: Option<String>,
    /// The window, 1 to 1440 minutes back (default 60).
    #[param(minimum = 1, maximum = 1440)]
    minutes: Option<i64>,
    /// Seconds between points, 5 to 3600 (default: the window in about 240 points); raised when
    /// the window would need more than 10,000 points.
    #[param(minimum = 5, maximum = 3600)]
    step: Option<i64>,
}

/// A PromQL range query against the local Prometheus, for the console's charts.
#[utoipa::path(get, path = "/admin/observe/metrics", tag = "observe", params(MetricQuery),
    responses((status = 200, body = MetricRange),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 422, body = Problem, content_type = PROBLEM),
        (status = 503, description = "No Prometheus (on AWS), or it did not answer", body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn metrics(
    State(state): State<AppState>,
    _: Admin,
    Params(query): Params<MetricQuery>,
) -> Result<Json<MetricRange>, Problem> {
    if query.query.trim().is_empty() || query.query.chars().count() > 2000 {
        return Err(Problem::invalid(
            "query",
            "must be 1 to 2000 characters of PromQL",
        ));
    }
    let minutes = minutes(query.minutes, 60)?;
    let step = query.step.unwrap_or((minutes * 60 / 240).max(5));
    if !(5..=3600).contains(&step) {
        return Err(Problem::invalid(
            "step",
            "must be between 5 and 3600 seconds",
        ));
    }
    // Prometheus answers at most 11,000 points a series: a finer step over a long window is raised.
    let step = step.max((minutes * 60 + 9_999) / 10_000);
    let to = Utc::now();
    if state.observe.prometheus.is_none()
        && let Some(cloudwatch) = &state.observe.cloudwatch
    {
        let expression = query
            .cloudwatch
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty() && e.chars().count() <= 2000 && !e.contains('\0'))
            .ok_or_else(|| {
                Problem::invalid(
                    "cloudwatch",
                    "on AWS the panel's CloudWatch expression is required: 1 to 2000 characters",
                )
            })?;
        // CloudWatch's periods are whole minutes past one minute.
        let period = if step < 60 { 60 } else { step / 60 * 60 };
        return cloudwatch
            .metric_range(expression, to - Duration::minutes(minutes), to, period)
            .await
            .map(Json)
            .map_err(|error| match error {
                observe::cloudwatch::MetricDataError::Refused(message) => {
                    Problem::invalid("cloudwatch", message)
                }
                other => unanswered(other),
            });
    }
    let prometheus = prometheus(&state)?;
    prometheus
        .range(&query.query, to - Duration::minutes(minutes), to, step)
        .await
        .map(Json)
        .map_err(|error| match error {
            // Prometheus refusing the expression is the caller's mistake.
            PrometheusError::Refused(message) => Problem::invalid("query", message),
            other => unanswered(other),
        })
}

/// Each alarm's state, the SLO's error budget and burn rates, and the last hour's transitions:
/// from Prometheus locally, from CloudWatch on AWS (with a link to each alarm there).
#[utoipa::path(get, path = "/admin/observe/alarms", tag = "observe",
    responses((status = 200, body = AlarmBoard),
        (status = 401, body = Problem, content_type = PROBLEM),
        (status = 403, body = Problem, content_type = PROBLEM),
        (status = 503, description = "Neither Prometheus nor CloudWatch is configured, or it did not answer", body = Problem, content_type = PROBLEM)),
    security(("bearer" = [])))]
async fn alarms(State(state): State<AppState>, _: Admin) -> Result<Json<AlarmBoard>, Problem> {
    alarm_board(&state).await.map(Json)
}

/// The alarm board from whichever evaluates the alarms here: Prometheus, or CloudWatch on AWS.
pub(crate) async fn alarm_board(state: &AppState) -> Result<AlarmBoard, Problem> {
    if let (None, Some(cloudwatch)) = (&state.observe.prometheus, &state.observe.cloudwatch) {
        return cloudwatch.board().await.map_err(unanswered);
    }
    observe::prometheus::board(prometheus(state)?)
        .await
        .map_err(unanswered)
}
