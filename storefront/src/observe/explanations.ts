// What each Observe page shows, for a learner: its data and where that comes from locally and on
// AWS, the terms it uses, and the lessons that use it. One module so the texts are read and
// tested together: explanations.test.ts checks that every page has one and that every lesson
// named here is a heading of the doc it names, so the console and docs/ cannot drift apart.
// The SLO's numbers are read from observability/alarms.json, as the alarms themselves are.
// `Backticks` mark code, as in the rest of the console (src/observe/text.ts).
import alarmsJson from "../../../observability/alarms.json";
import { ORDER_EVERY_MS, READ_EVERY_MS } from "./shoppers";

/** The Observe console's pages, by the path under /admin/observe/ that serves each. */
export const observePages = {
  traces: "/admin/observe/",
  trace: "/admin/observe/trace/",
  map: "/admin/observe/map/",
  metrics: "/admin/observe/metrics/",
  alarms: "/admin/observe/alarms/",
  logs: "/admin/observe/logs/",
  faults: "/admin/observe/faults/",
  scenarios: "/admin/observe/scenarios/",
} as const;

export type ObservePage = keyof typeof observePages;

/**
 * A section of the repository's docs, by its heading exactly as the Markdown writes it (without
 * the #s), and what the learner does there with this page.
 */
export type Lesson = { doc: "docs/learn.md" | "docs/observability.md"; heading: string; why: string };

export type Term = { term: string; definition: string };

export type Explanation = { shows: string; terms: readonly Term[]; lessons: readonly Lesson[] };

// ---- The SLO, as observability/alarms.json defines it --------------------------------------

type SloDefinition = {
  summary: string;
  metric: string;
  objective: number;
  threshold_ms: number;
  window: { aws: string; local: string };
  burn_alerts: { name: string; burn_rate: number; aws: { long: number; short: number }; local: { long: string; short: string } }[];
};

const slo: SloDefinition = alarmsJson.slos[0]!;

const units: Record<string, [string, string]> = { s: ["s", "s"], m: ["min", "min"], h: ["h", "h"], d: ["day", "days"] };

/** A window as the definition writes it, `30s`, `2m`, `1h`, `30d` or a number of seconds, in words: "30 s", "2 min", "1 h", "30 days". */
export function windowText(window: string | number): string {
  let text = typeof window === "number" ? `${window}s` : window;
  // A number of seconds in the largest unit that divides it.
  if (typeof window === "number") {
    for (const [unit, seconds] of [["d", 86_400], ["h", 3_600], ["m", 60]] as const) {
      if (window >= seconds && window % seconds === 0) {
        text = `${window / seconds}${unit}`;
        break;
      }
    }
  }
  const match = /^(\d+)([smhd])$/.exec(text);
  if (!match) return text;
  const [singular, plural] = units[match[2]!]!;
  return `${match[1]} ${match[1] === "1" ? singular : plural}`;
}

const percentText = (share: number) => `${Math.round(share * 1000) / 10}%`;

const msText = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** "14.4× over both 1 h and 5 min (locally 2 min and 30 s)", for one burn alert. */
const burnText = (b: SloDefinition["burn_alerts"][number]) =>
  `${b.burn_rate}× over both ${windowText(b.aws.long)} and ${windowText(b.aws.short)} ` +
  `(locally ${windowText(b.local.long)} and ${windowText(b.local.short)})`;

const [fastBurn, slowBurn] = [...slo.burn_alerts].sort((a, b) => b.burn_rate - a.burn_rate);

// ---- The terms, each defined once and shown on every page that uses it ---------------------

export const terms = {
  span: {
    term: "Span",
    definition:
      "One timed step of a request in one service (an HTTP call, a command, a database append, a queue send), with its attributes and whether it failed; every span but the first has a parent, the span that caused it.",
  },
  trace: {
    term: "Trace",
    definition:
      "Every span of one request under one trace id, across every service it reached: a checkout's trace runs from your browser through the order function and the queue to the projector's saga.",
  },
  filterExpression: {
    term: "X-Ray filter expression",
    definition:
      'X-Ray\'s language for choosing traces, such as `service("order") { fault }` or `annotation.order_id = "…"`. The console takes the subset docs/observability.md lists, so what you write here runs unchanged in the X-Ray console.',
  },
  p99: {
    term: "p99",
    definition: "The 99th percentile: 99% of the calls took this long or less. It shows the slow tail that an average hides.",
  },
  edge: {
    term: "Edge",
    definition:
      "One arrow of the map: the calls from one node to another (a service, the queue or the database) in the window, with how many there were per minute, the share that failed, and their p99.",
  },
  promql: {
    term: "PromQL and the CloudWatch expression",
    definition:
      "Each panel is written twice: in PromQL, Prometheus's query language, and as a CloudWatch metric math expression (`SEARCH` over the `Shop` namespace) that asks CloudWatch for the same metric.",
  },
  alarm: {
    term: "Alarm",
    definition:
      "A rule on a metric and a threshold: OK; pending while its condition holds but not yet for as long as the rule requires (locally only); firing once it has.",
  },
  slo: {
    term: "SLO",
    definition: `Service level objective, a target measured on the shop's \`${slo.metric}\` metric: ${slo.summary}`,
  },
  errorBudget: {
    term: "Error budget",
    definition:
      `The ${percentText(1 - slo.objective)} of orders the SLO allows to take longer than ${msText(slo.threshold_ms)}. ` +
      `Locally, where the SLO's window is ${windowText(slo.window.local)}, the bar shows how much of it is left, or by how much it is overspent; ` +
      `on AWS, where the window is ${windowText(slo.window.aws)}, this page shows no budget, only the burn rates.`,
  },
  burnRate: {
    term: "Burn rate",
    definition:
      `How fast the error budget is being spent, as a multiple: at 1× it would last exactly the SLO's window. ` +
      `The fast-burn alert fires at ${burnText(fastBurn!)}, the slow-burn one at ${burnText(slowBurn!)}.`,
  },
  insightsQuery: {
    term: "Logs Insights query",
    definition:
      "A query in CloudWatch Logs Insights' language: commands such as `fields`, `filter`, `stats` and `sort`, joined by `|`, over the log lines of the window. A `stats … by bin(…)` query is drawn as a chart too.",
  },
  logLine: {
    term: "Log line",
    definition:
      "One JSON object: its `service`, `level` and `message`, the fields of the spans it was written in (`correlation_id`, `order_id`, …), and its `trace_id`, which links it to its trace.",
  },
  faultSwitch: {
    term: "Fault switch",
    definition:
      "A switch that breaks one part of the shop on purpose, at run time. It lives in the shop's database (table `fault_switches`), which every process reads at most once a second, so a flip needs no restart.",
  },
  gameDay: {
    term: "Game day",
    definition:
      "A practice incident: a scenario turns one fault switch on without naming it; you investigate with the console, answer which part broke and why, then finish and check that nothing was lost.",
  },
  syntheticShoppers: {
    term: "Synthetic shoppers",
    definition:
      `While a game day runs and its page stays open, your browser places an order every ${ORDER_EVERY_MS / 1000} s and reads the catalog every ${READ_EVERY_MS / 1000} s, as you, so the alarms have traffic to judge.`,
  },
} as const satisfies Record<string, Term>;

// ---- The pages -------------------------------------------------------------------------------

const learn = (heading: string, why: string): Lesson => ({ doc: "docs/learn.md", heading, why });
const reference = (heading: string, why: string): Lesson => ({ doc: "docs/observability.md", heading, why });

export const explanations: Record<ObservePage, Explanation> = {
  traces: {
    shows:
      "Every request the services traced in the window, one row per trace: its root span, the services it reached, how long it took and how many of its spans failed. " +
      "Locally the spans come from our OTLP receiver, which keeps what every service exports (your browser's checkout included) in PostgreSQL; on AWS this page sends the same search to X-Ray.",
    terms: [terms.trace, terms.span, terms.filterExpression],
    lessons: [
      learn("Learn by breaking it", "find your own order's trace by its annotation"),
      learn("6. Failing product reads: `product_read_failure`", "keep the traces in which the product function failed"),
      reference("X-Ray filter expressions cheat sheet", "every keyword the filter takes"),
    ],
  },
  trace: {
    shows:
      "One trace's spans as a waterfall: each span under the one that caused it, its bar when it ran; open a span for its attributes, events and links. " +
      "Locally the spans come from our OTLP receiver's store in PostgreSQL; on AWS from X-Ray's segments of the trace, drawn the same way, with a link to the X-Ray console.",
    terms: [terms.span, terms.trace],
    lessons: [learn("1. A slow database: `slow_database`", "find the span that holds a slow checkout's time")],
  },
  map: {
    shows:
      "Who called whom in the window: the services, the queue and the database, with an edge for each caller and callee. " +
      "Locally it is computed from the spans in our OTLP receiver's store (a call is a span whose parent is another service's span); on AWS it is X-Ray's service graph, which adds nodes of its own, such as API Gateway.",
    terms: [terms.edge, terms.p99, terms.span],
    lessons: [
      learn("1. A slow database: `slow_database`", "the order → postgresql edge's p99"),
      learn("7. A slow stock service: `slow_stock_service`", "the order → stock-projector edge's errors"),
    ],
  },
  metrics: {
    shows:
      "The CloudWatch dashboard's panels, drawn from the services' metrics over the chosen range. " +
      "Locally Prometheus scrapes the gateway's and the projector's `/metrics` every 5 s and answers each panel's PromQL; on AWS the same metrics reach CloudWatch (namespace `Shop`) and the page asks CloudWatch for each panel's expression.",
    terms: [terms.p99, terms.promql],
    lessons: [learn("1. A slow database: `slow_database`", "watch the p99 panels climb")],
  },
  alarms: {
    shows:
      "Every alarm of `observability/alarms.json` with its state, last value and threshold, the SLO with its error budget and burn rates, and the last hour's state changes. " +
      "Locally Prometheus evaluates them, from the rules `scripts/alarms` writes; on AWS they are the CloudWatch alarms Terraform made from the same file, each linked to the CloudWatch console.",
    terms: [terms.alarm, terms.slo, terms.errorBudget, terms.burnRate],
    lessons: [
      learn("2. A failing send: `sqs_send_failure`", "late decisions fire the burn alerts"),
      reference("Alarms and the SLO, defined once", "every alarm and the SLO's windows"),
    ],
  },
  logs: {
    shows:
      "Every service's log lines, searched with a Logs Insights query over the chosen window. " +
      "Locally the services send their lines to our OTLP receiver, which keeps them in PostgreSQL, and the query runs as SQL over that store; on AWS the page sends the same query to CloudWatch Logs Insights, over the services' four log groups.",
    terms: [terms.insightsQuery, terms.logLine],
    lessons: [
      learn("4. A poison message: `poison_message`", "follow one unreadable message's receives"),
      reference("Logs Insights cheat sheet", "every command, operator and function the console takes"),
    ],
  },
  faults: {
    shows:
      "Every fault switch: what it breaks, whether it is on, its parameters, and who flipped it last and when. " +
      "The switches live in the shop's own database, locally and on AWS alike, so a flip here reaches every process within about a second.",
    terms: [terms.faultSwitch, terms.gameDay],
    lessons: [learn("How the switches work", "what a flip does and where it is recorded")],
  },
  scenarios: {
    shows:
      "Game days: each scenario says what a shopper or the on-call reports, and breaks one part of the shop without saying which. " +
      "They use the fault switches, which work the same locally and on AWS; your answer reveals the switch and the signals that gave it away.",
    terms: [terms.gameDay, terms.faultSwitch, terms.syntheticShoppers],
    lessons: [learn("Game days", "how to play one, and what the recovery check checks")],
  },
};

/** How a lesson is cited: `docs/learn.md § 5 "A projector that crashes: `projector_crash`"`, a numbered heading by its number. */
export function lessonTitle(lesson: Lesson): string {
  const numbered = /^(\d+)\. (.*)$/.exec(lesson.heading);
  return numbered ? `${lesson.doc} § ${numbered[1]} “${numbered[2]}”` : `${lesson.doc} § “${lesson.heading}”`;
}
