// The Metrics page's charts: each panel is one or more queries, each written once for both
// places it runs: PromQL over the metrics the services export on /metrics locally
// (docs/observability.md names them; histograms are in milliseconds, exported as NAME_bucket /
// NAME_sum / NAME_count with the label `le`), and a CloudWatch metric math expression over the
// same metrics as EMF writes them on AWS (namespace `Shop`; SEARCH over it as the deployed
// dashboard does, terraform/modules/observability). How each series is named and its values
// written lives here too.

/** What a query's values measure, for their labels and the axis. */
export type Unit = "perMinute" | "ms" | "ratio" | "events" | "count";

export type PanelQuery = {
  /** The series' name in the legend, when the answer has one series. */
  name: string;
  promql: string;
  /** The same signal in CloudWatch: what the console asks on AWS, where no Prometheus runs. */
  cloudwatch: string;
  /**
   * Set when AWS measures the signal in another service's metric (named here) rather than in
   * the shop's own: the legend says so.
   */
  awsMetric?: string;
  unit: Unit;
  /** The label that tells a `sum by` / `max by` query's series apart; each is named by its value. */
  by?: string;
};

export type Panel = { title: string; queries: readonly PanelQuery[] };

/** CloudWatch's series of `metric` under every dimension set, `stat` over `period` seconds. */
const search = (metric: string, stat: string, period = 60, also = "") =>
  `SEARCH('Namespace="Shop" MetricName="${metric}"${also}', '${stat}', ${period})`;

const perMinute = (metric: string): PanelQuery => ({
  name: metric,
  promql: `sum(rate(${metric}[1m]))*60`,
  cloudwatch: `SUM(${search(metric, "Sum")})`,
  unit: "perMinute",
});

const quantile = (q: number, metric: string, by?: string) =>
  `histogram_quantile(${q}, sum by (${by ? `le, ${by}` : "le"}) (rate(${metric}_bucket[5m])))`;

/** A percentile in CloudWatch's spelling: p50, p99. */
const percentile = (q: number, metric: string) => search(metric, `p${Math.round(q * 100)}`);

export const panels: readonly Panel[] = [
  {
    title: "Orders placed and rejected (per minute)",
    queries: [perMinute("OrdersPlaced"), perMinute("OrdersRejected"), perMinute("OrdersConfirmed")],
  },
  {
    title: "Order decision latency p50 / p99 (ms)",
    queries: [
      { name: "p50", promql: quantile(0.5, "OrderDecisionLatency"), cloudwatch: percentile(0.5, "OrderDecisionLatency"), unit: "ms" },
      { name: "p99", promql: quantile(0.99, "OrderDecisionLatency"), cloudwatch: percentile(0.99, "OrderDecisionLatency"), unit: "ms" },
    ],
  },
  {
    title: "Requests per minute by route",
    // The console's own polling (/api/admin/observe/*) is left out: it would bury the shop's routes.
    queries: [
      {
        name: "HttpRequests",
        promql: 'sum by (Route) (rate(HttpRequests{Route!~".*/admin/observe/.*"}[1m]))*60',
        cloudwatch: search("HttpRequests", "Sum", 60, " NOT observe"),
        unit: "perMinute",
        by: "Route",
      },
    ],
  },
  {
    title: "HTTP 5xx rate",
    queries: [
      {
        name: "5xx",
        promql: 'sum(rate(HttpRequests{Status=~"5.."}[1m])) / clamp_min(sum(rate(HttpRequests[1m])), 1e-9)',
        cloudwatch: `SUM(${search("HttpRequests", "Sum", 60, " Status=(500 OR 502 OR 503 OR 504)")}) / SUM(${search("HttpRequests", "Sum")})`,
        unit: "ratio",
      },
    ],
  },
  {
    // The local gateway throttles as API Gateway's stage does (terraform/throttle.json). On AWS
    // the refusals never reach a function, and API Gateway counts them only among its 4XXError.
    title: "Throttled requests, 429 (per minute)",
    queries: [
      {
        name: "429 (on AWS: every 4XX, which includes them)",
        promql: "sum(rate(HttpRequestsThrottled[1m]))*60",
        cloudwatch: `SUM(SEARCH('{AWS/ApiGateway,ApiName} MetricName="4XXError"', 'Sum', 60))`,
        awsMetric: "4XXError",
        unit: "perMinute",
      },
    ],
  },
  {
    title: "Request latency p99 by route (ms)",
    queries: [
      {
        name: "p99",
        promql: quantile(0.99, "HttpRequestLatency", "Route"),
        cloudwatch: percentile(0.99, "HttpRequestLatency"),
        unit: "ms",
        by: "Route",
      },
    ],
  },
  {
    title: "Command latency p99 (ms)",
    queries: [
      { name: "p99", promql: quantile(0.99, "CommandLatency", "Command"), cloudwatch: percentile(0.99, "CommandLatency"), unit: "ms", by: "Command" },
    ],
  },
  {
    title: "Projection lag (events)",
    queries: [
      {
        name: "ProjectionLagEvents",
        promql: "max by (Projection) (ProjectionLagEvents)",
        cloudwatch: search("ProjectionLagEvents", "Maximum"),
        unit: "events",
        by: "Projection",
      },
    ],
  },
  {
    title: "Projection lag (ms)",
    queries: [
      {
        name: "ProjectionLagMs",
        promql: "max by (Projection) (ProjectionLagMs)",
        cloudwatch: search("ProjectionLagMs", "Maximum"),
        unit: "ms",
        by: "Projection",
      },
    ],
  },
  {
    title: "SQS send p99 (ms) and failures",
    queries: [
      { name: "SqsSendLatency p99", promql: quantile(0.99, "SqsSendLatency"), cloudwatch: percentile(0.99, "SqsSendLatency"), unit: "ms" },
      {
        name: "PublishFailures",
        promql: "sum(increase(PublishFailures[5m]))",
        cloudwatch: `SUM(${search("PublishFailures", "Sum", 300)})`,
        unit: "count",
      },
    ],
  },
  {
    title: "Stock check p99 (ms) and outcomes (per minute)",
    queries: [
      { name: "StockCheckLatency p99", promql: quantile(0.99, "StockCheckLatency"), cloudwatch: percentile(0.99, "StockCheckLatency"), unit: "ms" },
      {
        name: "StockChecks",
        promql: "sum by (Outcome) (rate(StockChecks[1m]))*60",
        cloudwatch: search("StockChecks", "Sum"),
        unit: "perMinute",
        by: "Outcome",
      },
    ],
  },
  {
    title: "Dead-letter queue depth",
    queries: [{ name: "DLQDepth", promql: "max(DLQDepth)", cloudwatch: `MAX(${search("DLQDepth", "Maximum")})`, unit: "count" }],
  },
];

/**
 * A series' name: the value of the query's `by` label when it has one (Prometheus's labels), else
 * the label CloudWatch gave the series when there are several (its dimensions' values), else the
 * query's name.
 */
export function seriesName(query: PanelQuery, labels: Record<string, string>): string {
  const value = query.by ? (labels[query.by] ?? (labels.label !== "panel" ? labels.label : undefined)) : undefined;
  return value ? value : query.name;
}

/** A number in a few characters: 0.25, 3, 3.4, 12.5, 340, 1.2k, 12k, 3.4M. */
export function compact(value: number): string {
  const abs = Math.abs(value);
  const text =
    abs >= 1e6
      ? `${(value / 1e6).toFixed(1)}M`
      : abs >= 1e4
        ? `${(value / 1e3).toFixed(0)}k`
        : abs >= 1e3
          ? `${(value / 1e3).toFixed(1)}k`
          : abs >= 100
            ? value.toFixed(0)
            : abs >= 1
              ? value.toFixed(1).replace(/\.0$/, "")
              : abs === 0
                ? "0"
                : String(Number(value.toPrecision(2)));
  return text === "-0" ? "0" : text;
}

/** A value with its unit: "1.2/min", "340 ms", "0.5%", "3 events", "0". */
export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case "perMinute":
      return `${compact(value)}/min`;
    case "ms":
      return `${compact(value)} ms`;
    case "ratio":
      return `${compact(value * 100)}%`;
    case "events":
      return `${compact(value)} events`;
    case "count":
      return compact(value);
  }
}

/** The axis' tick label: the value alone, or a percentage. */
export const formatTick = (value: number, unit: Unit) => (unit === "ratio" ? `${compact(value * 100)}%` : compact(value));

/** The query_range step for a window: about 240 points, never under the 15 s scrape-and-rate grain. */
export function stepFor(minutes: number): number {
  return Math.max(15, Math.ceil((minutes * 60) / 240 / 15) * 15);
}
