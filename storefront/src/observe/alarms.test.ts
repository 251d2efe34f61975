import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import alarmsJson from "../../../observability/alarms.json";
import {
  alarmMeasure,
  cloudWatchUnit,
  enteredAt,
  errorBudget,
  formatAlarmNumber,
  formatThreshold,
  metricsInsightsUnit,
  promqlMetrics,
  promqlUnit,
  sinceText,
} from "./alarms";

/** Each alarm the board lists, its threshold as the page writes it, locally (Prometheus) and on AWS (CloudWatch). */
const thresholds = (source: string) =>
  Object.fromEntries(
    [...alarmsJson.alarms, ...(source === "cloudwatch" ? alarmsJson.resource_alarms : [])]
      .map((a) => [a.name, a.threshold] as const)
      .concat(alarmsJson.slos.flatMap((s) => s.burn_alerts.map((b) => [b.name, b.burn_rate] as const)))
      .map(([name, threshold]) => [name, formatThreshold(threshold, alarmMeasure(name, source))]),
  );

describe("alarm units", () => {
  it("are read from each alarm's PromQL locally", () => {
    expect(thresholds("prometheus")).toEqual({
      "api-5xx-rate": "> 5%",
      "api-p99-latency": "> 2,000 ms",
      "dlq-not-empty": "> 0 messages",
      "queue-oldest-message-age": "> 120 s",
      "projection-lag": "> 10,000 ms",
      "projector-down": "< 50%",
      "order-decision-slo-fast-burn": "> 14.4×",
      "order-decision-slo-slow-burn": "> 6×",
    });
  });

  it("are read from each alarm's CloudWatch metric on AWS, the resource alarms too", () => {
    expect(thresholds("cloudwatch")).toEqual({
      "api-5xx-rate": "> 5%",
      "api-p99-latency": "> 2,000 ms",
      "dlq-not-empty": "> 0 messages",
      "queue-oldest-message-age": "> 120 s",
      "projection-lag": "> 10,000 ms",
      // ECS's CPUUtilization SampleCount: how many datapoints the running tasks sent.
      "projector-down": "< 0.5",
      "order-decision-slo-fast-burn": "> 14.4×",
      "order-decision-slo-slow-burn": "> 6×",
      "rds-cpu": "> 80%",
      "rds-free-storage": "< 2 GiB",
      "rds-connections": "> 64",
      "projector-cpu": "> 80%",
      "projector-memory": "> 80%",
      "lambda-errors": "> 0",
      "lambda-throttles": "> 0",
      "lambda-concurrency": "> 8",
      "cloudfront-5xx": "> 5%",
    });
  });

  it("agree with the units docs/observability.md gives the metrics the local alarms watch", () => {
    // | `QueueOldestMessageAge`, `DLQDepth` | Seconds, Count | ...
    const documented = new Map<string, string>();
    for (const row of readFileSync(new URL("../../../docs/observability.md", import.meta.url), "utf8").split("\n")) {
      const cells = row.split("|").map((c) => c.trim());
      const names = [...(cells[1] ?? "").matchAll(/`(\w+)`/g)].map((m) => m[1]!);
      const units = (cells[2] ?? "").split(", ");
      if (names.length > 0 && names.length === units.length) names.forEach((n, i) => documented.set(n, units[i]!));
    }
    const expected: Record<string, string[]> = { Milliseconds: ["ms"], Seconds: ["s"], Count: ["count", "messages", "events"] };
    let checked = 0;
    for (const alarm of alarmsJson.alarms) {
      const metric = promqlMetrics(alarm.local.expr).find((m) => documented.has(m.replace(/_bucket$/, "")));
      if (!metric || promqlUnit(alarm.local.expr) === "ratio") continue;
      const unit = documented.get(metric.replace(/_bucket$/, ""))!;
      expect(expected[unit], `${alarm.name} watches ${metric}, documented in ${unit}`).toContain(alarmMeasure(alarm.name, "prometheus")?.unit);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it("follow a unit the definition gives over the metric's name", () => {
    const defined = {
      alarms: [{ name: "cart-size", threshold: 3, unit: "items", local: { expr: "max(CartLatency)" } }],
      slos: [{ burn_alerts: [] }],
    };
    expect(alarmMeasure("cart-size", "prometheus", defined)).toEqual({ unit: "items", comparison: ">" });
    expect(formatThreshold(3, alarmMeasure("cart-size", "prometheus", defined))).toBe("> 3 items");
  });

  it("are unknown for an alarm this build does not define: its numbers are shown bare", () => {
    expect(alarmMeasure("new-alarm", "prometheus")).toBeNull();
    expect(formatThreshold(2500, null)).toBe("> 2,500");
  });

  it("come from the metric names of PromQL, CloudWatch and Metrics Insights", () => {
    expect(promqlMetrics('histogram_quantile(0.99, sum by (le) (rate(HttpRequestLatency_bucket{Route="/x"}[1m])))')).toEqual([
      "HttpRequestLatency_bucket",
    ]);
    expect(promqlMetrics('sum(rate(HttpRequests{Status=~"5.."}[1m])) / clamp_min(sum(rate(HttpRequests[1m])), 1e-9)')).toEqual([
      "HttpRequests",
      "HttpRequests",
    ]);
    expect(promqlUnit("max by (Projection) (ProjectionLagEvents)")).toBe("events");
    expect(promqlUnit("max(ProjectionLagMs) / 1000")).toBe("ms");
    expect(promqlUnit("sum(rate(OrdersRejected[5m])) / sum(rate(OrdersPlaced[5m]))")).toBe("ratio");
    expect(promqlUnit('avg_over_time(up{job="stock-projector"}[1m])')).toBe("ratio");
    expect(promqlUnit("sum(increase(PublishFailures[5m]))")).toBe("count");
    expect(cloudWatchUnit("5XXError", "Average")).toBe("ratio");
    expect(cloudWatchUnit("5XXError", "Sum")).toBe("count");
    expect(cloudWatchUnit("ApproximateAgeOfOldestMessage", "Maximum")).toBe("s");
    expect(cloudWatchUnit("ApproximateNumberOfMessagesVisible", "Maximum")).toBe("messages");
    expect(metricsInsightsUnit('SELECT MAX(ProjectionLagMs) FROM "Shop"')).toBe("ms");
    expect(metricsInsightsUnit('SELECT COUNT(ProjectionLagMs) FROM "Shop"')).toBe("count");
  });
});

describe("alarm numbers", () => {
  it("are written in their unit", () => {
    expect(formatAlarmNumber(2345.678, "ms")).toBe("2,346 ms");
    expect(formatAlarmNumber(12.34, "ms")).toBe("12.34 ms");
    expect(formatAlarmNumber(0.0534, "ratio")).toBe("5.34%");
    expect(formatAlarmNumber(0.000123, "ratio")).toBe("0.012%");
    expect(formatAlarmNumber(1, "ratio")).toBe("100%");
    expect(formatAlarmNumber(97.5, "percent")).toBe("97.5%");
    expect(formatAlarmNumber(1, "messages")).toBe("1 message");
    expect(formatAlarmNumber(3, "events")).toBe("3 events");
    expect(formatAlarmNumber(1536, "bytes")).toBe("1.5 KiB");
    expect(formatAlarmNumber(22.1, "burnRate")).toBe("22.1×");
    expect(formatAlarmNumber(64, "count")).toBe("64");
    expect(formatAlarmNumber(2, "connections")).toBe("2 connections");
  });
});

describe("sinceText", () => {
  // Local times, so the test reads the same in every time zone.
  const now = new Date(2026, 11, 7, 12, 10, 0).getTime();

  it("names the state it is since, at the time of day today", () => {
    expect(sinceText("firing", new Date(2026, 11, 7, 12, 3, 4).toISOString(), now)).toBe("firing since 12:03:04");
    expect(sinceText("pending", new Date(2026, 11, 7, 0, 0, 9).toISOString(), now)).toBe("pending since 00:00:09");
  });

  it("adds the day for another day", () => {
    expect(sinceText("ok", new Date(2026, 11, 6, 23, 58, 30).toISOString(), now)).toBe("ok since Dec 6, 23:58");
  });

  it("says so when the board does not know", () => {
    expect(sinceText("ok", null, now)).toBe("ok, since unknown");
    expect(sinceText("ok", undefined, now)).toBe("ok, since unknown");
    expect(sinceText("firing", "not a time", now)).toBe("firing, since unknown");
  });
});

describe("enteredAt", () => {
  // As the local board gave them: api-p99-latency active (pending) at 01:05:33, firing a minute later.
  const history = [
    { alarm: "api-p99-latency", from: "pending", to: "firing", at: "2026-12-08T01:06:34Z" },
    { alarm: "order-decision-slo-fast-burn", from: "ok", to: "firing", at: "2026-12-08T01:05:44Z" },
    { alarm: "api-p99-latency", from: "ok", to: "pending", at: "2026-12-08T01:05:34Z" },
  ];

  it("is when a firing alarm went from pending to firing, when the history saw that after the board's since", () => {
    expect(enteredAt({ name: "api-p99-latency", state: "firing", since: "2026-12-08T01:05:33Z" }, history)).toBe("2026-12-08T01:06:34Z");
  });

  it("is the board's since otherwise", () => {
    expect(enteredAt({ name: "api-p99-latency", state: "pending", since: "2026-12-08T01:05:33Z" }, history)).toBe("2026-12-08T01:05:33Z");
    expect(enteredAt({ name: "order-decision-slo-fast-burn", state: "firing", since: "2026-12-08T01:05:50Z" }, history)).toBe(
      "2026-12-08T01:05:50Z",
    );
    // Fired again later: the history has not seen that yet.
    expect(enteredAt({ name: "api-p99-latency", state: "firing", since: "2026-12-08T01:07:00Z" }, history)).toBe("2026-12-08T01:07:00Z");
    expect(enteredAt({ name: "dlq-not-empty", state: "ok", since: null }, history)).toBeNull();
  });

  it("is the history's when the board does not know", () => {
    expect(enteredAt({ name: "order-decision-slo-fast-burn", state: "firing", since: null }, history)).toBe("2026-12-08T01:05:44Z");
  });
});

describe("errorBudget", () => {
  it("shows an overspent budget as overspent, never clamped to 0", () => {
    const budget = errorBudget(-3.84)!;
    expect(budget.figure).toBe("−384% (overspent)");
    expect(budget.sentence).toBe("−384% (overspent): 484% of the budget is spent.");
    expect(budget).toMatchObject({ overspent: true, percent: -384, fill: 0, tone: "out" });
  });

  it("shows what is left otherwise", () => {
    expect(errorBudget(0.42)).toMatchObject({ figure: "42% left", sentence: "42% of the budget left", overspent: false, percent: 42, tone: "low" });
    expect(errorBudget(1)).toMatchObject({ figure: "100% left", fill: 1, tone: "good" });
    expect(errorBudget(0)).toMatchObject({ figure: "0% left", overspent: false, tone: "out" });
    expect(errorBudget(-0.0004)).toMatchObject({ figure: "−0.04% (overspent)", overspent: true });
  });

  it("is none before any order was decided", () => {
    expect(errorBudget(null)).toBeNull();
    expect(errorBudget(undefined)).toBeNull();
    expect(errorBudget(Number.NaN)).toBeNull();
  });
});
