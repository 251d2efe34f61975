// The Observe console's routes (/api/admin/observe/*): the stored traces, the service map drawn
// from them, Prometheus's series, the alarms and SLO, the log lines and the Logs Insights queries
// over them, the saved queries. As in ./types.ts, every type comes from ./schema.d.ts, generated
// from docs/openapi.json. Every time is an RFC 3339 string in UTC; a part the answer needs that is
// down (Prometheus, the telemetry schema) is a 503 problem, as every failure is problem+json.
// The document types kinds, statuses, states, levels, languages and sources as plain strings
// (their descriptions list the values of today) and attributes as any JSON value: code that maps
// them to labels or colours keeps a fallback, and an attribute is shown with @/observe/attributes.
import type { Api } from "./client";
import type { components, paths } from "./schema";
import type { Answer } from "./types";

type Schemas = components["schemas"];

/** A span's, a span event's or a log line's attributes: any JSON value under each key. */
export type Attributes = SpanView["attributes"];

/** One trace in a list: what its root did, who took part, how long it took. */
export type TraceSummary = Schemas["TraceSummary"];

export type TraceList = Answer<"/admin/observe/traces", "get", 200>;

/** internal, server, client, producer or consumer, as the document's description says. */
export type SpanKind = SpanView["kind"];

/** unset, ok or error, as the document's description says. */
export type SpanStatus = SpanView["status"];

export type SpanEvent = Schemas["SpanEventView"];

export type SpanLink = Schemas["SpanLink"];

export type SpanView = Schemas["SpanView"];

export type TraceDetail = Answer<"/admin/observe/traces/{trace_id}", "get", 200>;

/** service, queue or database, as the document's description says. */
export type MapNodeKind = MapNode["kind"];

export type MapNode = Schemas["MapNode"];

/** Calls from one node to another in the window. */
export type MapEdge = Schemas["MapEdge"];

export type ServiceMap = Answer<"/admin/observe/service-map", "get", 200>;

/** Its points are `[unix seconds, value]` pairs, as the document's description says. */
export type MetricSeries = Schemas["Series"];

/** Prometheus's query_range, relayed. */
export type MetricRange = Answer<"/admin/observe/metrics", "get", 200>;

/** ok, pending or firing, as the document's description says. */
export type AlarmState = AlarmView["state"];

export type AlarmView = Schemas["AlarmView"];

export type BurnRate = Schemas["BurnRateView"];

export type SloView = Schemas["SloView"];

export type AlarmTransition = Schemas["Transition"];

export type AlarmBoard = Answer<"/admin/observe/alarms", "get", 200>;

/** TRACE, DEBUG, INFO, WARN or ERROR, as the document's description says. */
export type LogLevel = LogLine["level"];

/** The levels the log search offers, lowest first; the server may write another. */
export const logLevels: readonly LogLevel[] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];

export type LogLine = Schemas["LogLine"];

/**
 * A page of log lines, newest first; `next_before` (absent or null on the last page) asks for
 * the next, older one.
 */
export type LogPage = Answer<"/admin/observe/logs", "get", 200>;

/** A route's query parameters as the client sends them: one not given is left out, never null. */
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? { [K in keyof NonNullable<Q>]: Exclude<NonNullable<Q>[K], null> }
  : never;

/**
 * A trace search: `q` is a trace id, an order id or a correlation id; `filter` an X-Ray filter
 * expression (`service("order") { fault }`), at most 2,000 characters.
 */
export type TraceQuery = QueryOf<"/admin/observe/traces">;

/** A log search; every filter is optional. `level` keeps that level and the ones above it. */
export type LogQuery = QueryOf<"/admin/observe/logs">;

export type MetricQuery = QueryOf<"/admin/observe/metrics">;

// The query languages' routes: a Logs Insights query over the log lines, the saved queries of
// both languages. A query that does not parse is a 422 whose `errors` name the field ("query" or
// "filter") and say where, "at character N: expected ...", N counted in characters from 1.

/** One value of a result row: every value is a string, as CloudWatch's GetQueryResults answers. */
export type InsightsCell = Schemas["ResultField"];

/**
 * GET /admin/observe/logs/insights: `fields` are the columns in order; each row lists the fields
 * it has (one it lacks is absent). `status` is Complete, or Timeout when the query ran out of time
 * (a plain string: another is read as Complete). `chart` is set when the query was
 * `stats ... by bin(...)`, absent or null otherwise: its time field's values are
 * "YYYY-MM-DD HH:MM:SS.mmm" in UTC.
 */
export type InsightsResult = Answer<"/admin/observe/logs/insights", "get", 200>;

export type InsightsChart = Schemas["ChartView"];

/** `query` at most 10,000 characters; `minutes` 1 to 1440 back from `end` (RFC 3339, now by default). */
export type InsightsQuery = QueryOf<"/admin/observe/logs/insights">;

/** insights (a Logs Insights query) or xray (an X-Ray filter expression), as the document's description says. */
export type QueryLanguage = SavedQuery["language"];

/** A saved query; `services` (absent when none) are the services an insights query runs over on AWS. */
export type SavedQuery = Schemas["SavedQuery"];

export type SavedQueries = Answer<"/admin/observe/saved-queries", "get", 200>;

export type ObserveApi = ReturnType<typeof observeApi>;

/** The Observe routes, called through the shop's client with the admin's token. */
export function observeApi(api: Api) {
  const seg = encodeURIComponent;
  return {
    traces: ({ q, minutes, limit, errors, before, filter }: TraceQuery, signal?: AbortSignal) =>
      api.adminRead<TraceList>(
        "/admin/observe/traces",
        { q, minutes, limit, errors: errors ? "true" : undefined, before, filter },
        signal,
      ),
    trace: (traceId: string, signal?: AbortSignal) =>
      api.adminRead<TraceDetail>(`/admin/observe/traces/${seg(traceId)}`, {}, signal),
    serviceMap: (minutes: number, signal?: AbortSignal) =>
      api.adminRead<ServiceMap>("/admin/observe/service-map", { minutes }, signal),
    metrics: ({ query, cloudwatch, minutes, step }: MetricQuery, signal?: AbortSignal) =>
      api.adminRead<MetricRange>("/admin/observe/metrics", { query, cloudwatch, minutes, step }, signal),
    alarms: (signal?: AbortSignal) => api.adminRead<AlarmBoard>("/admin/observe/alarms", {}, signal),
    logs: (query: LogQuery, signal?: AbortSignal) => api.adminRead<LogPage>("/admin/observe/logs", { ...query }, signal),
    insights: ({ query, minutes, end }: InsightsQuery, signal?: AbortSignal) =>
      api.adminRead<InsightsResult>("/admin/observe/logs/insights", { query, minutes, end }, signal),
    savedQueries: (signal?: AbortSignal) => api.adminRead<SavedQueries>("/admin/observe/saved-queries", {}, signal),
  };
}
