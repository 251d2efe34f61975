import { describe, expect, it } from "vitest";
import type { InsightsResult } from "@/api/observe";
import {
  binSeconds,
  chartSeries,
  correlationLogsQuery,
  resultChart,
  resultTable,
  resultTime,
  statisticsText,
  traceLogsQuery,
} from "./insights";

/** A result row from field/value pairs, as the route answers it. */
const row = (values: Record<string, string>) => Object.entries(values).map(([field, value]) => ({ field, value }));

describe("resultTable", () => {
  it("has the answer's fields as columns, in order, and each row's values by field", () => {
    const { columns, rows } = resultTable({
      fields: ["@timestamp", "service", "message"],
      results: [
        row({ "@timestamp": "2026-12-07 23:45:01.123", service: "order", message: "placed" }),
        row({ message: "no service", "@timestamp": "2026-12-07 23:45:00.004" }),
      ],
    });
    expect(columns).toEqual(["@timestamp", "service", "message"]);
    expect(columns.map((c) => rows[0]!.get(c))).toEqual(["2026-12-07 23:45:01.123", "order", "placed"]);
    // A field missing from a row is absent from it, not an empty string.
    expect(columns.map((c) => rows[1]!.get(c))).toEqual(["2026-12-07 23:45:00.004", undefined, "no service"]);
  });

  it("reads any field name, and keeps a field's first value when a row names it twice", () => {
    const { rows } = resultTable({ fields: ["constructor"], results: [[{ field: "constructor", value: "a" }, { field: "constructor", value: "b" }], []] });
    expect(rows.map((r) => r.get("constructor"))).toEqual(["a", undefined]);
  });

  it("without fields, takes the rows' fields in the order they first appear, leaving out @ptr", () => {
    const { columns } = resultTable({
      fields: [],
      results: [row({ "@ptr": "x", level: "INFO" }), row({ level: "WARN", message: "m" })],
    });
    expect(columns).toEqual(["level", "message"]);
  });
});

describe("result times and bins", () => {
  it("reads Logs Insights' UTC times, and RFC 3339 ones", () => {
    expect(resultTime("2026-12-07 23:45:01.123")).toBe(Date.UTC(2026, 11, 7, 23, 45, 1, 123) / 1000);
    expect(resultTime("2026-12-07 23:45:00")).toBe(Date.UTC(2026, 11, 7, 23, 45) / 1000);
    expect(resultTime("2026-12-07T23:45:00+01:00")).toBe(Date.UTC(2026, 11, 7, 22, 45) / 1000);
    expect(resultTime("yesterday")).toBeNull();
    expect(resultTime("")).toBeNull();
  });

  it("knows a bin's width in seconds", () => {
    expect(binSeconds("bin(1m)")).toBe(60);
    expect(binSeconds("bin(30s)")).toBe(30);
    expect(binSeconds("bin(5min)")).toBe(300);
    expect(binSeconds("bin(1h)")).toBe(3600);
    expect(binSeconds("bin(500ms)")).toBe(0.5);
    expect(binSeconds("bin(1y)")).toBeNull();
    expect(binSeconds("@timestamp")).toBeNull();
  });
});

describe("chartSeries", () => {
  const t = (minute: number) => `2026-12-07 23:${String(minute).padStart(2, "0")}:00.000`;
  const at = (minute: number) => Date.UTC(2026, 11, 7, 23, minute) / 1000;

  it("draws one line per combination of group values, named by them, its points oldest first", () => {
    const results = [
      row({ "bin(1m)": t(2), service: "order", "count(*)": "4" }),
      row({ "bin(1m)": t(1), service: "order", "count(*)": "3" }),
      row({ "bin(1m)": t(1), service: "product", "count(*)": "1" }),
      row({ "bin(1m)": t(1), "count(*)": "7" }),
    ];
    const lines = chartSeries(results, { time_field: "bin(1m)", value_fields: ["count(*)"], group_fields: ["service"] });
    expect(lines).toEqual([
      { name: "order", points: [[at(1), 3], [at(2), 4]] },
      { name: "product", points: [[at(1), 1]] },
      { name: "(none)", points: [[at(1), 7]] },
    ]);
  });

  it("names a line by its value field too when there are several, and by it alone without group fields", () => {
    const results = [row({ "bin(5m)": t(0), service: "order", level: "ERROR", "count(*)": "2", "avg(latency)": "12.5" })];
    const grouped = chartSeries(results, { time_field: "bin(5m)", value_fields: ["count(*)", "avg(latency)"], group_fields: ["service", "level"] });
    expect(grouped.map((l) => [l.name, l.points])).toEqual([
      ["count(*) order · ERROR", [[at(0), 2]]],
      ["avg(latency) order · ERROR", [[at(0), 12.5]]],
    ]);
    const plain = chartSeries(results, { time_field: "bin(5m)", value_fields: ["count(*)"], group_fields: [] });
    expect(plain.map((l) => l.name)).toEqual(["count(*)"]);
  });

  it("leaves out a row whose time or value is not one", () => {
    const results = [
      row({ "bin(1m)": "soon", "count(*)": "1" }),
      row({ "bin(1m)": t(1), "count(*)": "" }),
      row({ "bin(1m)": t(1), "count(*)": "many" }),
      row({ "bin(1m)": t(2), "count(*)": "0" }),
    ];
    const [line] = chartSeries(results, { time_field: "bin(1m)", value_fields: ["count(*)"], group_fields: [] });
    expect(line!.points).toEqual([[at(2), 0]]);
  });
});

describe("resultChart", () => {
  const result: Pick<InsightsResult, "results" | "chart"> = {
    results: [row({ "bin(1m)": "2026-12-07 23:01:00.000", service: "order", "count(*)": "3" })],
    chart: { time_field: "bin(1m)", value_fields: ["count(*)"], group_fields: ["service"] },
  };
  const end = Date.UTC(2026, 11, 7, 23, 30) / 1000;

  it("spans the window the query ran on, stepping by the bin, titled by what it counts", () => {
    const chart = resultChart(result, { from: end - 3600, to: end });
    expect(chart).toMatchObject({ title: "count(*) by bin(1m), service", from: end - 3600, to: end, step: 60 });
    expect(chart!.lines.map((l) => l.name)).toEqual(["order"]);
  });

  it("widens the window to every point, and is null without a chart, null or absent", () => {
    expect(resultChart(result, { from: end, to: end + 60 })!.from).toBe(Date.UTC(2026, 11, 7, 23, 1) / 1000);
    expect(resultChart({ ...result, chart: null }, { from: 0, to: 1 })).toBeNull();
    expect(resultChart({ results: result.results }, { from: 0, to: 1 })).toBeNull();
  });
});

describe("the Logs page's words and links", () => {
  it("counts the records", () => {
    expect(statisticsText({ records_matched: 12, records_scanned: 340 })).toBe("12 records matched, 340 scanned");
    expect(statisticsText({ records_matched: 1, records_scanned: 12345 })).toBe("1 record matched, 12,345 scanned");
  });

  it("writes a trace's and a correlation id's log queries, their ids quoted", () => {
    expect(traceLogsQuery("4bf92f3577b34da6a3ce929d0e0e4736")).toBe(
      'fields @timestamp, service, level, message | filter trace_id = "4bf92f3577b34da6a3ce929d0e0e4736" | sort @timestamp asc',
    );
    expect(correlationLogsQuery('a"b\\c')).toBe('fields @timestamp, service, level, message | filter correlation_id = "a\\"b\\\\c" | sort @timestamp asc');
  });
});
