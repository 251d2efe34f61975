// The Logs page's CloudWatch Logs Insights answers, read as the CloudWatch console shows them: the
// rows as a table whose columns are the query's fields, a `stats ... by bin(...)` result as a time
// series per value field and per combination of its group fields (the Visualization tab), and the
// statistics line. The queries other pages open the Logs page with are written here too.
import type { InsightsChart, InsightsResult } from "@/api/observe";
import type { MetricPoint } from "./chart";

/** What the query box holds until the admin writes another: the newest lines, as the old page listed them. */
export const defaultInsightsQuery = "fields @timestamp, service, level, message | sort @timestamp desc | limit 100";

/** The longest query the route takes, in characters. */
export const INSIGHTS_MAX_LENGTH = 10_000;

/** A string literal of either query language: in double quotes, `"` and `\` escaped. */
export const quoted = (text: string) => `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** The log lines of one trace, oldest first: its story across the services. */
export const traceLogsQuery = (traceId: string) =>
  `fields @timestamp, service, level, message | filter trace_id = ${quoted(traceId)} | sort @timestamp asc`;

/** The log lines of one correlation id (a request and the projector steps it caused), oldest first. */
export const correlationLogsQuery = (correlationId: string) =>
  `fields @timestamp, service, level, message | filter correlation_id = ${quoted(correlationId)} | sort @timestamp asc`;

/** A result row: each field it has and its value. A Map, since a field may be called anything ("constructor"). */
export type ResultRow = ReadonlyMap<string, string>;

export type ResultTable = { columns: string[]; rows: ResultRow[] };

/**
 * The table of an answer: its `fields` as columns, in order, and each row's values by field (a
 * field a row lacks is absent from it). When the answer names no fields, the columns are the
 * fields the rows have, in the order they first appear, without CloudWatch's hidden `@ptr`.
 */
export function resultTable({ fields, results }: Pick<InsightsResult, "fields" | "results">): ResultTable {
  const rows = resultRows(results);
  const columns = fields.length > 0 ? [...fields] : [...new Set(rows.flatMap((row) => [...row.keys()]))].filter((f) => f !== "@ptr");
  return { columns, rows };
}

/** Each row's values by field; when a row names a field twice, the first value counts. */
export function resultRows(results: InsightsResult["results"]): ResultRow[] {
  return results.map((cells) => {
    const row = new Map<string, string>();
    for (const { field, value } of cells) if (!row.has(field)) row.set(field, value);
    return row;
  });
}

/**
 * A time as Logs Insights writes it, "2026-12-07 23:45:01.123" in UTC (an RFC 3339 time is read
 * too), in unix seconds; null when it is neither.
 */
export function resultTime(text: string): number | null {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!match) return null;
  const ms = Date.parse(`${match[1]}T${match[2]}${match[3] ?? "Z"}`);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  msec: 0.001,
  millisecond: 0.001,
  milliseconds: 0.001,
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
};

/** The width of a `bin(5m)` time field, in seconds; null when the field is not one. */
export function binSeconds(timeField: string): number | null {
  const match = /^bin\(\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*\)$/i.exec(timeField.trim());
  const unit = match && UNIT_SECONDS[match[2]!.toLowerCase()];
  return match && unit ? Number(match[1]) * unit : null;
}

/** One line of the chart: a value field, for one combination of the group fields' values. */
export type ResultSeries = { name: string; points: MetricPoint[] };

/** How a row without a value for a group field is named in the legend. */
export const NO_GROUP_VALUE = "(none)";

/**
 * The chart's lines: one per value field and per combination of the group fields' values, in the
 * order the rows first show them. A line is named by its group values ("order", "order · ERROR"),
 * prefixed by its value field when there are several; without group fields, by its value field.
 * Each point is the row's time (the time field's value) and the value as a number, oldest first;
 * a row whose time or value is not one is left out.
 */
export function chartSeries(results: InsightsResult["results"], chart: InsightsChart): ResultSeries[] {
  const rows = resultRows(results);
  const series = new Map<string, ResultSeries>();
  for (const valueField of chart.value_fields) {
    for (const row of rows) {
      const time = resultTime(row.get(chart.time_field) ?? "");
      const text = row.get(valueField);
      const value = text === undefined || text.trim() === "" ? NaN : Number(text);
      const groups = chart.group_fields.map((field) => row.get(field) ?? NO_GROUP_VALUE);
      const name =
        groups.length === 0 ? valueField : chart.value_fields.length > 1 ? `${valueField} ${groups.join(" · ")}` : groups.join(" · ");
      const key = JSON.stringify([valueField, ...groups]);
      let line = series.get(key);
      if (!line) series.set(key, (line = { name, points: [] }));
      if (time !== null && Number.isFinite(value)) line.points.push([time, value]);
    }
  }
  const lines = [...series.values()];
  for (const line of lines) line.points.sort((a, b) => a[0] - b[0]);
  return lines;
}

export type ResultChart = { title: string; lines: ResultSeries[]; from: number; to: number; step: number };

/**
 * The chart of an answer whose `chart` is set, over the window the query ran on (unix seconds),
 * widened to every point; null when the answer has no chart. `step` is the bin's width, or the
 * smallest gap between two times when the time field is not a `bin(...)`.
 */
export function resultChart(result: Pick<InsightsResult, "results" | "chart">, window: { from: number; to: number }): ResultChart | null {
  const { chart } = result;
  if (!chart) return null;
  const lines = chartSeries(result.results, chart);
  const times = [...new Set(lines.flatMap((l) => l.points.map(([t]) => t)))].sort((a, b) => a - b);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const step = binSeconds(chart.time_field) ?? (gaps.length > 0 ? Math.min(...gaps) : 60);
  return {
    title: `${chart.value_fields.join(", ")} by ${[chart.time_field, ...chart.group_fields].join(", ")}`,
    lines,
    from: Math.min(window.from, times[0] ?? window.from),
    to: Math.max(window.to, times.at(-1) ?? window.to),
    step,
  };
}

const count = new Intl.NumberFormat("en-US");

/** "12 records matched, 340 scanned". */
export function statisticsText({ records_matched, records_scanned }: InsightsResult["statistics"]): string {
  return `${count.format(records_matched)} ${records_matched === 1 ? "record" : "records"} matched, ${count.format(records_scanned)} scanned`;
}
