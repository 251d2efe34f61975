import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { InsightsResult } from "@/api/observe";
import { InsightsResults } from "./InsightsResults";

const row = (values: Record<string, string>) => Object.entries(values).map(([field, value]) => ({ field, value }));

const end = Date.UTC(2026, 11, 7, 23, 50) / 1000;

const lines: InsightsResult = {
  status: "Complete",
  fields: ["@timestamp", "service", "trace_id", "message"],
  results: [
    row({ "@timestamp": "2026-12-07 23:45:01.123", service: "order", trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", message: "order placed" }),
    row({ "@timestamp": "2026-12-07 23:45:00.004", message: "no service here" }),
  ],
  statistics: { records_matched: 12, records_scanned: 340 },
  chart: null,
};

describe("InsightsResults", () => {
  it("shows the rows under the query's fields, a trace id opening its trace, and the statistics", () => {
    const html = renderToStaticMarkup(<InsightsResults result={lines} minutes={60} end={end} />);
    expect(html.match(/<th scope="col"[^>]*>([^<]*)<\/th>/g)!.map((th) => th.replace(/<[^>]+>/g, ""))).toEqual([
      "@timestamp",
      "service",
      "trace_id",
      "message",
    ]);
    expect(html).toContain("12 records matched, 340 scanned.");
    // Next drops the trailing slash outside the export.
    expect(html).toMatch(/href="\/admin\/observe\/trace\/?\?id=4bf92f3577b34da6a3ce929d0e0e4736">4bf92f35<\/a>/);
    expect(html).toContain("no service here");
    expect(html).not.toContain("<figure");
    expect(html).not.toContain("ran out of time");
  });

  it("draws a stats by bin answer as a chart above its table, one line per group", () => {
    const stats: InsightsResult = {
      status: "Complete",
      fields: ["bin(1m)", "service", "count(*)"],
      results: [
        row({ "bin(1m)": "2026-12-07 23:45:00.000", service: "order", "count(*)": "3" }),
        row({ "bin(1m)": "2026-12-07 23:46:00.000", service: "order", "count(*)": "5" }),
        row({ "bin(1m)": "2026-12-07 23:45:00.000", service: "product", "count(*)": "2" }),
      ],
      statistics: { records_matched: 10, records_scanned: 10 },
      chart: { time_field: "bin(1m)", value_fields: ["count(*)"], group_fields: ["service"] },
    };
    const html = renderToStaticMarkup(<InsightsResults result={stats} minutes={15} end={end} />);
    expect(html).toContain('<figure aria-label="count(*) by bin(1m), service"');
    expect(html).toContain("order 5");
    expect(html).toContain("product 2");
    expect(html.indexOf("<figure")).toBeLessThan(html.indexOf("<table"));
  });

  it("says when the query ran out of time, the rows it found being only part of the answer", () => {
    const partial = renderToStaticMarkup(<InsightsResults result={{ ...lines, status: "Timeout" }} minutes={1440} end={end} />);
    expect(partial).toContain("The query ran out of time before it finished: the rows below are only part of the answer.");
    expect(partial).toContain("Narrow the time window");
    expect(partial).toContain("<table");
    const none = renderToStaticMarkup(
      <InsightsResults
        result={{ ...lines, status: "Timeout", results: [], statistics: { records_matched: 0, records_scanned: 0 } }}
        minutes={1440}
        end={end}
      />,
    );
    expect(none).toContain("The query ran out of time before it finished. Narrow the time window");
    // Neither "0 records matched" nor "no record matches": the query did not get that far.
    expect(none).not.toContain("matched");
    expect(none).not.toContain("No record");
  });

  it("says when nothing matched", () => {
    const html = renderToStaticMarkup(<InsightsResults result={{ ...lines, results: [] }} minutes={1440} end={end} />);
    expect(html).toContain("No record of the last 24h matches the query.");
    expect(html).not.toContain("<table");
  });
});
