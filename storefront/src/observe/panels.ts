// The Metrics page's charts: each panel is one or more PromQL queries over the metrics the
// services export on /metrics (docs/observability.md names them; histograms are in milliseconds,
// exported as NAME_bucket / NAME_sum / NAME_count with the label `le`). The same signals hold the
// CloudWatch dashboard on AWS. How each series is named and its values written lives here too.

/** What a query's values measure, for their labels and the axis. */
export type Unit = "perMinute" | "ms" | "ratio" | "events" | "count";

export type PanelQuery = {
  /** The series' name in the legend, when the answer has one series. */
  name: string;
  promql: string;
  unit: Unit;
  /** The label that tells a `sum by` / `max by` query's series apart; each is named by its value. */
  by?: string;
};

export type Panel = { title: string; queries: readonly PanelQuery[] };

const perMinute = (metric: string): PanelQuery => ({ name: metric, promql: `sum(rate(${metric}[1m]))*60`, unit: "perMinute" });

const quantile = (q: number, metric: string, by?: string) =>
  `histogram_quantile(${q}, sum by (${by ? `le, ${by}` : "le"}) (rate(${metric}_bucket[5m])))`;

export const panels: readonly Panel[] = [
  {
    title: "Orders placed and rejected (per minute)",
    queries: [perMinute("OrdersPlaced"), perMinute("OrdersRejected"), perMinute("OrdersConfirmed")],
  },
  {
    title: "Order decision latency p50 / p99 (ms)",
    queries: [
      { name: "p50", promql: quantile(0.5, "OrderDecisionLatency"), unit: "ms" },
      { name: "p99", promql: quantile(0.99, "OrderDecisionLatency"), unit: "ms" },
    ],
  },
  {
    title: "Requests per minute by route",
    // The console's own polling (/api/admin/observe/*) is left out: it would bury the shop's routes.
    queries: [
      {
        name: "HttpRequests",
        promql: 'sum by (Route) (rate(HttpRequests{Route!~".*/admin/observe/.*"}[1m]))*60',
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
        unit: "ratio",
      },
    ],
  },
  {
    title: "Request latency p99 by route (ms)",
    queries: [{ name: "p99", promql: quantile(0.99, "HttpRequestLatency", "Route"), unit: "ms", by: "Route" }],
  },
  {
    title: "Command latency p99 (ms)",
    queries: [{ name: "p99", promql: quantile(0.99, "CommandLatency", "Command"), unit: "ms", by: "Command" }],
  },
  {
    title: "Projection lag (events)",
    queries: [{ name: "ProjectionLagEvents", promql: "max by (Projection) (ProjectionLagEvents)", unit: "events", by: "Projection" }],
  },
  {
    title: "Projection lag (ms)",
    queries: [{ name: "ProjectionLagMs", promql: "max by (Projection) (ProjectionLagMs)", unit: "ms", by: "Projection" }],
  },
  {
    title: "SQS send p99 (ms) and failures",
    queries: [
      { name: "SqsSendLatency p99", promql: quantile(0.99, "SqsSendLatency"), unit: "ms" },
      { name: "PublishFailures", promql: "sum(increase(PublishFailures[5m]))", unit: "count" },
    ],
  },
  {
    title: "Stock check p99 (ms) and outcomes (per minute)",
    queries: [
      { name: "StockCheckLatency p99", promql: quantile(0.99, "StockCheckLatency"), unit: "ms" },
      { name: "StockChecks", promql: "sum by (Outcome) (rate(StockChecks[1m]))*60", unit: "perMinute", by: "Outcome" },
    ],
  },
  {
    title: "Dead-letter queue depth",
    queries: [{ name: "DLQDepth", promql: "max(DLQDepth)", unit: "count" }],
  },
];

/** A series' name: the value of the query's `by` label when it has one, else the query's name. */
export function seriesName(query: PanelQuery, labels: Record<string, string>): string {
  const value = query.by ? labels[query.by] : undefined;
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
