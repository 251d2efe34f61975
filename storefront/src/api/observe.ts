// The Observe console's routes (/api/admin/observe/*): the stored traces, the service map drawn
// from them, Prometheus's series, the alarms and SLO, the log lines. Typed by hand until
// docs/openapi.json describes them; then these names become aliases of its schemas, as in
// ./types.ts. Every time is an RFC 3339 string in UTC; a part the answer needs that is down
// (Prometheus, the telemetry schema) is a 503 problem, as every failure is problem+json.
import type { Api } from "./client";

/** An attribute's value, as OpenTelemetry allows it. */
export type AttributeValue = string | number | boolean;

export type Attributes = Record<string, AttributeValue>;

/** One trace in a list: what its root did, who took part, how long it took. */
export type TraceSummary = {
  /** 32 lowercase hex digits. */
  trace_id: string;
  /** The root span's name. */
  root: string;
  root_service: string;
  /** Every service with a span in the trace. */
  services: string[];
  start: string;
  duration_ms: number;
  spans: number;
  /** Spans whose status is error. */
  errors: number;
};

export type TraceList = { traces: TraceSummary[]; from: string; to: string };

/** internal, server, client, producer or consumer; another value is shown as it is. */
export type SpanKind = "internal" | "server" | "client" | "producer" | "consumer";

export type SpanStatus = "unset" | "ok" | "error";

export type SpanEvent = { name: string; time: string; attributes: Attributes };

export type SpanLink = { trace_id: string; span_id: string };

export type SpanView = {
  /** 16 lowercase hex digits. */
  span_id: string;
  parent_span_id: string | null;
  service: string;
  name: string;
  kind: SpanKind;
  start: string;
  /** From the trace's first span. */
  start_offset_ms: number;
  duration_ms: number;
  status: SpanStatus;
  status_message: string | null;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
};

export type TraceDetail = {
  trace_id: string;
  spans: SpanView[];
  services: string[];
  /** The orders the trace's spans name. */
  order_ids: string[];
  correlation_ids: string[];
  /** On AWS, the same trace in the X-Ray console. */
  xray_url: string | null;
};

/** service, queue or database. */
export type MapNodeKind = "service" | "queue" | "database";

export type MapNode = { id: string; kind: MapNodeKind };

/** Calls from one node to another in the window. */
export type MapEdge = {
  from: string;
  to: string;
  requests: number;
  per_minute: number;
  /** Between 0 and 1. */
  error_rate: number;
  p99_ms: number;
};

export type ServiceMap = { from: string; to: string; nodes: MapNode[]; edges: MapEdge[] };

/** A point of a range query: [unix seconds, value]. */
export type MetricPoint = [number, number];

export type MetricSeries = { labels: Record<string, string>; points: MetricPoint[] };

/** Prometheus's query_range, relayed. */
export type MetricRange = { from: string; to: string; step_seconds: number; series: MetricSeries[] };

export type AlarmState = "ok" | "pending" | "firing";

export type AlarmView = {
  name: string;
  summary: string;
  state: AlarmState;
  since: string | null;
  value: number | null;
  threshold: number;
  /** The alarm in the CloudWatch console, on AWS. */
  link: string | null;
};

export type BurnRate = { window: string; rate: number | null };

export type SloView = {
  name: string;
  /** The share of good events promised: 0.99. */
  objective: number;
  /** An order decided slower than this is a bad event. */
  threshold_ms: number;
  window: string;
  /** Between 0 and 1; null before there is data. */
  error_budget_remaining: number | null;
  burn_rates: BurnRate[];
};

export type AlarmTransition = { alarm: string; from: AlarmState; to: AlarmState; at: string };

export type AlarmBoard = {
  /** Who evaluates the alarms: Prometheus locally, CloudWatch on AWS. */
  source: "prometheus" | "cloudwatch";
  alarms: AlarmView[];
  slo: SloView;
  history: AlarmTransition[];
};

export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR";

export const logLevels: readonly LogLevel[] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];

export type LogLine = {
  time: string;
  service: string;
  level: LogLevel;
  message: string;
  trace_id: string | null;
  span_id: string | null;
  attributes: Attributes;
};

export type LogPage = {
  logs: LogLine[];
  /** Pass as `before` for the next, older page; null on the last. */
  next_before: string | null;
};

/** A trace search: `q` is a trace id, an order id or a correlation id. */
export type TraceQuery = { q?: string; minutes?: number; limit?: number; errors?: boolean };

/** A log search; every filter is optional. `level` keeps that level and the ones above it. */
export type LogQuery = {
  trace_id?: string;
  correlation_id?: string;
  level?: LogLevel;
  q?: string;
  minutes?: number;
  limit?: number;
  before?: string;
};

export type MetricQuery = { query: string; minutes: number; step: number };

export type ObserveApi = ReturnType<typeof observeApi>;

/** The Observe routes, called through the shop's client with the admin's token. */
export function observeApi(api: Api) {
  const seg = encodeURIComponent;
  return {
    traces: ({ q, minutes, limit, errors }: TraceQuery, signal?: AbortSignal) =>
      api.adminRead<TraceList>("/admin/observe/traces", { q, minutes, limit, errors: errors ? "true" : undefined }, signal),
    trace: (traceId: string, signal?: AbortSignal) =>
      api.adminRead<TraceDetail>(`/admin/observe/traces/${seg(traceId)}`, {}, signal),
    serviceMap: (minutes: number, signal?: AbortSignal) =>
      api.adminRead<ServiceMap>("/admin/observe/service-map", { minutes }, signal),
    metrics: ({ query, minutes, step }: MetricQuery, signal?: AbortSignal) =>
      api.adminRead<MetricRange>("/admin/observe/metrics", { query, minutes, step }, signal),
    alarms: (signal?: AbortSignal) => api.adminRead<AlarmBoard>("/admin/observe/alarms", {}, signal),
    logs: (query: LogQuery, signal?: AbortSignal) => api.adminRead<LogPage>("/admin/observe/logs", { ...query }, signal),
  };
}
