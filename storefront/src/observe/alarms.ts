// The Alarms page's logic, pure so it is tested without a browser: the unit of each alarm's
// threshold and value, how they are written, since when an alarm is in its state, and the SLO's
// error budget as a figure that may be overspent.
//
// The board (GET /api/admin/observe/alarms) gives each alarm's threshold and last value as bare
// numbers. What they measure comes from where the alarm is defined, observability/alarms.json
// (the same file the API compiles in, so the names match): an alarm's `unit` when it has one,
// else the metric its expression watches, locally its PromQL `local.expr`, on AWS its `aws`
// metric or Metrics Insights expression. An SLO's burn alerts watch a burn rate.
import alarmsJson from "../../../observability/alarms.json";

/**
 * What an alarm's numbers measure. `ratio` is a share from 0 to 1 and `percent` one from 0 to
 * 100, both written as a percentage; `burnRate` is a multiple of the SLO's budgeted rate. Any
 * other text (an alarm's own `unit`) is written after the number as it is.
 */
export type AlarmUnit = "ms" | "s" | "ratio" | "percent" | "bytes" | "messages" | "events" | "burnRate" | "count" | (string & {});

/** The parts of observability/alarms.json this page reads; the file has more. */
type MetricDefinition = {
  unit?: string;
  local?: { expr: string };
  aws?: { metric?: { name: string; stat?: string }; expression?: string; comparison?: string };
};
type AlarmDefinition = MetricDefinition & { name: string; threshold: number };
type Definition = {
  alarms: AlarmDefinition[];
  slos: { burn_alerts: { name: string; burn_rate: number; unit?: string }[] }[];
  resource_alarms?: AlarmDefinition[];
};

const definition: Definition = alarmsJson;

/** How an alarm compares its value with its threshold, and in which unit; null for an alarm the file does not define. */
export type AlarmMeasure = { unit: AlarmUnit; comparison: ">" | "<" };

/**
 * The measure of the alarm `name` as `source` (the board's: prometheus or cloudwatch) evaluates
 * it. An alarm this build does not know (a newer server) gets null: its numbers are shown bare.
 */
export function alarmMeasure(name: string, source: string, defined: Definition = definition): AlarmMeasure | null {
  const burn = defined.slos.flatMap((s) => s.burn_alerts).find((b) => b.name === name);
  if (burn) return { unit: burn.unit ?? "burnRate", comparison: ">" };
  const alarm = [...defined.alarms, ...(defined.resource_alarms ?? [])].find((a) => a.name === name);
  if (!alarm) return null;
  // The Prometheus rule compares as the CloudWatch alarm does (alarms.json's note).
  const comparison = alarm.aws?.comparison === "<" ? "<" : ">";
  return { unit: alarm.unit ?? inferredUnit(alarm, source), comparison };
}

function inferredUnit(alarm: MetricDefinition, source: string): AlarmUnit {
  const local = alarm.local?.expr;
  const aws = alarm.aws;
  if (source !== "cloudwatch" && local) return promqlUnit(local);
  if (aws?.metric) return cloudWatchUnit(aws.metric.name, aws.metric.stat);
  if (aws?.expression) return metricsInsightsUnit(aws.expression);
  return local ? promqlUnit(local) : "count";
}

/**
 * The unit a metric's name says: `…Ms`, `…Latency`, `…Duration` in milliseconds; `…Age…` in
 * seconds (SQS's ages); `…Utilization` and `…ErrorRate` in percent (as CloudWatch publishes
 * them); `…Ratio` a share; `…Bytes`, `…Space` in bytes; a queue's `…Depth` or `…Messages…` in
 * messages; a projection's `…Lag…` in events. A histogram's `_bucket`, `_sum` or `_count` is its
 * metric's. Anything else counts.
 */
export function metricUnit(metric: string): AlarmUnit {
  const name = metric.replace(/_(bucket|sum)$/, "");
  if (name.endsWith("_count")) return "count";
  if (/Ms$|Latency|Duration$/.test(name)) return "ms";
  if (/Age$|AgeOf/.test(name)) return "s";
  if (/Utilization$|ErrorRate$|Percent$/.test(name)) return "percent";
  if (/Ratio$/.test(name)) return "ratio";
  if (/Bytes$|Space$/.test(name)) return "bytes";
  if (/Depth$|Messages/.test(name)) return "messages";
  if (/Lag/.test(name)) return "events";
  return "count";
}

/**
 * A CloudWatch metric's unit. API Gateway's `4XXError` and `5XXError` are 1 or 0 per request, so
 * their Average is the share of requests that failed; a `SampleCount` counts datapoints, whatever
 * the metric measures.
 */
export function cloudWatchUnit(metric: string, stat?: string): AlarmUnit {
  if (stat === "SampleCount") return "count";
  if (/^[45]XXError$/.test(metric)) return stat === "Average" ? "ratio" : "count";
  return metricUnit(metric);
}

/** A Metrics Insights expression's (`SELECT MAX(ProjectionLagMs) FROM "Shop"`) unit: its aggregated metric's. */
export function metricsInsightsUnit(expression: string): AlarmUnit {
  const match = /\b(AVG|MAX|MIN|SUM|COUNT)\s*\(\s*"?(\w+)"?\s*\)/i.exec(expression);
  if (!match) return "count";
  return match[1]!.toUpperCase() === "COUNT" ? "count" : metricUnit(match[2]!);
}

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "Inf", "NaN"]);

/** The metric names a PromQL expression reads, in order (functions, labels and keywords left out). */
export function promqlMetrics(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names: string[] = [];
  for (const match of bare.matchAll(/(?<![\w.])[A-Za-z_:][\w:]*(?![\w:]|\s*\()/g)) {
    if (!KEYWORDS.has(match[0])) names.push(match[0]);
  }
  return names;
}

/** Whether `expr` divides by something that is not a number at its top level: a ratio of two series. */
function dividesSeries(expr: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ("({[".includes(c)) depth++;
    else if (")}]".includes(c)) depth--;
    else if (c === "/" && depth === 0 && !/^\s*[\d.]+(e[+-]?\d+)?\s*$/i.test(expr.slice(i + 1))) return true;
  }
  return false;
}

/**
 * A PromQL expression's unit: a series divided by another is a share; `up` (1 while a target is
 * scraped, else 0), averaged, is the share of time it was up; otherwise its first metric's unit.
 */
export function promqlUnit(expr: string): AlarmUnit {
  if (dividesSeries(expr)) return "ratio";
  const [metric] = promqlMetrics(expr);
  if (metric === undefined) return "count";
  if (metric === "up") return "ratio";
  return metricUnit(metric);
}

const number = (value: number): string => {
  const abs = Math.abs(value);
  const options: Intl.NumberFormatOptions =
    abs === 0 || abs >= 100 ? { maximumFractionDigits: 0 } : abs >= 1 ? { maximumFractionDigits: 2 } : { maximumSignificantDigits: 2 };
  return new Intl.NumberFormat("en-US", options).format(value);
};

const BYTES = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

function bytes(value: number): string {
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1024 && unit < BYTES.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${number(scaled)} ${BYTES[unit]}`;
}

const counted = (value: number, one: string, many: string) => `${number(value)} ${value === 1 ? one : many}`;

/**
 * An alarm's number in its unit: "2,000 ms", "120 s", "5%" (a ratio of 0.05), "80%" (a percent
 * of 80), "2 GiB", "0 messages", "1 event", "14.4×", "64"; a unit of its own follows the number.
 */
export function formatAlarmNumber(value: number, unit: AlarmUnit | null): string {
  switch (unit) {
    case null:
    case "count":
      return number(value);
    case "ms":
      return `${number(value)} ms`;
    case "s":
      return `${number(value)} s`;
    case "ratio":
      return `${number(value * 100)}%`;
    case "percent":
    case "%":
      return `${number(value)}%`;
    case "bytes":
      return bytes(value);
    case "messages":
      return counted(value, "message", "messages");
    case "events":
      return counted(value, "event", "events");
    case "burnRate":
      return `${number(value)}×`;
    default:
      return `${number(value)} ${unit}`;
  }
}

/** The threshold as the alarm compares with it: "> 2,000 ms", "< 50%". */
export function formatThreshold(threshold: number, measure: AlarmMeasure | null): string {
  return `${measure?.comparison ?? ">"} ${formatAlarmNumber(threshold, measure?.unit ?? null)}`;
}

/**
 * When the alarm entered the state it is in: the board's `since`, except for a firing alarm whose
 * history shows it going from pending to firing after that. Prometheus dates an alert from when it
 * became active, so such an alarm's `since` is when it went pending, and the history's pending →
 * firing (read every few seconds) is when it started to fire. Without a `since`, the history's
 * last change into the state, if it has one.
 */
export function enteredAt(
  alarm: { name: string; state: string; since?: string | null },
  history: readonly { alarm: string; from: string; to: string; at: string }[],
): string | null {
  let newest: { from: string; at: string } | null = null;
  for (const t of history) {
    if (t.alarm === alarm.name && t.to === alarm.state && (newest === null || Date.parse(t.at) > Date.parse(newest.at))) newest = t;
  }
  const since = alarm.since && !Number.isNaN(Date.parse(alarm.since)) ? alarm.since : null;
  if (since === null) return newest?.at ?? null;
  const firedLater = alarm.state === "firing" && newest?.from === "pending" && Date.parse(newest.at) > Date.parse(since);
  return firedLater && newest ? newest.at : since;
}

const clock = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
const dayAndClock = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/**
 * Since when the alarm is in `state`, in this browser's time: "firing since 12:03:04" today,
 * "ok since Dec 6, 23:58" another day; "ok, since unknown" when the board does not know.
 */
export function sinceText(state: string, since: string | null | undefined, now: number): string {
  const at = since ? new Date(since) : null;
  if (!at || Number.isNaN(at.getTime())) return `${state}, since unknown`;
  const today = new Date(now);
  const sameDay = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate();
  return `${state} since ${(sameDay ? clock : dayAndClock).format(at)}`;
}

/** A share as a signed percentage, with a real minus sign: "42%", "−384%". */
const signedPercent = (share: number) => {
  const text = number(Math.abs(share * 100));
  return share < 0 && text !== "0" ? `−${text}%` : `${text}%`;
};

export type Budget = {
  /** The figure as it is, overspent or not: "42% left", "−384% (overspent)". */
  figure: string;
  /** The sentence under the bar. */
  sentence: string;
  overspent: boolean;
  /** The remaining share in whole percent, below 0 when overspent: the meter's value. */
  percent: number;
  /** How much of the bar is filled, 0 to 1. */
  fill: number;
  tone: "good" | "low" | "out";
};

/**
 * The error budget the SLO has left, as the board gives it (the share not yet spent, below 0
 * once overspent); null before any order was decided in the window. Never clamped: an overspent
 * budget reads as overspent, with how much of it was spent.
 */
export function errorBudget(remaining: number | null | undefined): Budget | null {
  if (remaining == null || !Number.isFinite(remaining)) return null;
  const overspent = remaining < 0;
  const fill = Math.min(Math.max(remaining, 0), 1);
  return {
    figure: overspent ? `${signedPercent(remaining)} (overspent)` : `${signedPercent(remaining)} left`,
    sentence: overspent
      ? `${signedPercent(remaining)} (overspent): ${signedPercent(1 - remaining)} of the budget is spent.`
      : `${signedPercent(remaining)} of the budget left`,
    overspent,
    percent: Math.round(remaining * 100),
    fill,
    tone: fill > 0.5 ? "good" : fill > 0.2 ? "low" : "out",
  };
}
