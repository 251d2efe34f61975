import { describe, expect, it } from "vitest";
import { compact, formatValue, panels, seriesName, stepFor } from "./panels";

const panel = (title: string) => {
  const found = panels.find((p) => p.title === title);
  if (!found) throw new Error(`no panel ${title}`);
  return found;
};

describe("panels", () => {
  it("are the console's charts, each titled once", () => {
    expect(panels.map((p) => p.title)).toEqual([
      "Orders placed and rejected (per minute)",
      "Order decision latency p50 / p99 (ms)",
      "Requests per minute by route",
      "HTTP 5xx rate",
      "Throttled requests, 429 (per minute)",
      "Request latency p99 by route (ms)",
      "Command latency p99 (ms)",
      "Projection lag (events)",
      "Projection lag (ms)",
      "SQS send p99 (ms) and failures",
      "Stock check p99 (ms) and outcomes (per minute)",
      "Dead-letter queue depth",
    ]);
  });

  it("ask Prometheus for the services' metric names, histograms through their buckets", () => {
    expect(panel("Orders placed and rejected (per minute)").queries.map((q) => [q.name, q.promql])).toEqual([
      ["OrdersPlaced", "sum(rate(OrdersPlaced[1m]))*60"],
      ["OrdersRejected", "sum(rate(OrdersRejected[1m]))*60"],
      ["OrdersConfirmed", "sum(rate(OrdersConfirmed[1m]))*60"],
    ]);
    expect(panel("Order decision latency p50 / p99 (ms)").queries.map((q) => q.promql)).toEqual([
      "histogram_quantile(0.5, sum by (le) (rate(OrderDecisionLatency_bucket[5m])))",
      "histogram_quantile(0.99, sum by (le) (rate(OrderDecisionLatency_bucket[5m])))",
    ]);
    expect(panel("Request latency p99 by route (ms)").queries[0]!.promql).toBe(
      "histogram_quantile(0.99, sum by (le, Route) (rate(HttpRequestLatency_bucket[5m])))",
    );
    // The console's own polling is not the shop's traffic.
    expect(panel("Requests per minute by route").queries[0]!.promql).toBe(
      'sum by (Route) (rate(HttpRequests{Route!~".*/admin/observe/.*"}[1m]))*60',
    );
    expect(panel("HTTP 5xx rate").queries[0]!.promql).toBe(
      'sum(rate(HttpRequests{Status=~"5.."}[1m])) / clamp_min(sum(rate(HttpRequests[1m])), 1e-9)',
    );
    expect(panel("SQS send p99 (ms) and failures").queries.map((q) => q.promql)).toEqual([
      "histogram_quantile(0.99, sum by (le) (rate(SqsSendLatency_bucket[5m])))",
      "sum(increase(PublishFailures[5m]))",
    ]);
  });

  it("ask CloudWatch for the same metric as Prometheus, in the namespace the services' EMF writes", () => {
    for (const { queries } of panels) {
      for (const q of queries) {
        // The metric PromQL reads: the name before its range, labels or buckets, or a gauge alone.
        const metric = (/([A-Z][A-Za-z]+)(?=_bucket|\[|\{)/.exec(q.promql) ?? /\(([A-Z][A-Za-z]+)\)$/.exec(q.promql))?.[1];
        expect(metric, q.promql).toBeTruthy();
        if (q.awsMetric) {
          // Another service's metric on AWS, named as such in the legend.
          expect(q.cloudwatch).toContain(`MetricName="${q.awsMetric}"`);
          expect(q.name).toContain("on AWS");
        } else {
          expect(q.cloudwatch).toContain(`Namespace="Shop" MetricName="${metric}"`);
        }
      }
    }
    expect(panel("Order decision latency p50 / p99 (ms)").queries.map((q) => q.cloudwatch)).toEqual([
      `SEARCH('Namespace="Shop" MetricName="OrderDecisionLatency"', 'p50', 60)`,
      `SEARCH('Namespace="Shop" MetricName="OrderDecisionLatency"', 'p99', 60)`,
    ]);
    expect(panel("Orders placed and rejected (per minute)").queries[0]!.cloudwatch).toBe(
      `SUM(SEARCH('Namespace="Shop" MetricName="OrdersPlaced"', 'Sum', 60))`,
    );
  });

  it("group by the label that names each series", () => {
    for (const { queries } of panels) {
      for (const q of queries) {
        if (q.by) expect(q.promql).toMatch(new RegExp(`by \\((le, )?${q.by}\\)`));
        else expect(q.promql).not.toMatch(/by \((?!le\))/);
      }
    }
  });
});

describe("series", () => {
  const [byRoute] = panel("Requests per minute by route").queries;

  it("are named by CloudWatch's label on AWS, where Prometheus's labels are absent", () => {
    expect(seriesName(byRoute!, { label: "order /api/orders POST 202" })).toBe("order /api/orders POST 202");
    expect(seriesName(byRoute!, { label: "panel" })).toBe("HttpRequests");
  });

  it("are named by their label's value, or by the query when they have none", () => {
    expect(seriesName(byRoute!, { Route: "POST /api/orders" })).toBe("POST /api/orders");
    expect(seriesName(byRoute!, {})).toBe("HttpRequests");
    expect(seriesName(panel("Dead-letter queue depth").queries[0]!, { instance: "x" })).toBe("DLQDepth");
  });

  it("write their values short, with the unit", () => {
    expect(formatValue(1.234, "perMinute")).toBe("1.2/min");
    expect(formatValue(0.25, "perMinute")).toBe("0.25/min");
    expect(formatValue(338.4, "ms")).toBe("338 ms");
    expect(formatValue(0.005, "ratio")).toBe("0.5%");
    expect(formatValue(0, "ratio")).toBe("0%");
    expect(formatValue(12, "events")).toBe("12 events");
    expect(formatValue(3.04, "count")).toBe("3");
    expect(compact(15_300)).toBe("15k");
    expect(compact(1_500)).toBe("1.5k");
    expect(compact(2_400_000)).toBe("2.4M");
    expect(compact(-0.0001)).toBe("-0.0001");
  });

  it("are asked for at about 240 points, never finer than 15 s", () => {
    expect(stepFor(15)).toBe(15);
    expect(stepFor(60)).toBe(15);
    expect(stepFor(360)).toBe(90);
    expect(stepFor(1440)).toBe(360);
  });
});
