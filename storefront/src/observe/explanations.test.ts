// The "What this shows" texts against what they describe: every Observe page renders its own,
// every lesson they cite is a heading of the doc they cite (so renaming a section in docs/ fails
// here, not silently in the console), and the SLO's numbers are observability/alarms.json's.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { explanations, lessonTitle, observePages, terms, windowText, type ObservePage } from "./explanations";

const repository = new URL("../../../", import.meta.url);
const observeApp = new URL("../app/admin/observe/", import.meta.url);

/** Every page.tsx under the Observe console, by the route it serves ("/admin/observe/map/"). */
function observePageFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(observeApp, { recursive: true, encoding: "utf8" })) {
    if (entry === "page.tsx" || entry.endsWith("/page.tsx")) {
      const route = `/admin/observe/${entry.slice(0, -"page.tsx".length)}`;
      files.set(route, readFileSync(new URL(entry, observeApp), "utf8"));
    }
  }
  return files;
}

/** The headings of a Markdown file, without their #s. */
const headings = (doc: string) =>
  new Set(
    readFileSync(new URL(doc, repository), "utf8")
      .split("\n")
      .flatMap((line) => /^#{1,6} (.+?)\s*$/.exec(line)?.[1] ?? []),
  );

/** The words that name each term in a sentence. */
const namedBy: Partial<Record<keyof typeof terms, RegExp>> = {
  span: /\bspans?\b/i,
  trace: /\btraces?\b/i,
  filterExpression: /filter expressions?/i,
  p99: /\bp99\b/,
  edge: /\bedges?\b/i,
  promql: /\bPromQL\b/,
  slo: /\bSLOs?\b/,
  errorBudget: /error budgets?/i,
  burnRate: /burn rates?/i,
  insightsQuery: /Logs Insights query/,
  logLine: /log lines?/i,
  faultSwitch: /fault switch/i,
  gameDay: /game days?/i,
};

describe("the Observe pages' explanations", () => {
  it("are rendered by every Observe page, each its own, and every explanation by a page", () => {
    const files = observePageFiles();
    const byRoute = new Map(Object.entries(observePages).map(([page, route]) => [route as string, page]));
    expect([...files.keys()].sort(), "the Observe pages on disk and observePages").toEqual([...byRoute.keys()].sort());
    for (const [route, source] of files) {
      const rendered = [...source.matchAll(/<WhatThisShows page="(\w+)" \/>/g)].map((m) => m[1]);
      expect(rendered, `${route}'s WhatThisShows`).toEqual([byRoute.get(route)]);
    }
  });

  it("say what the page shows in two to four sentences, with at least one term and one lesson", () => {
    for (const [page, { shows, terms: defined, lessons }] of Object.entries(explanations)) {
      const sentences = shows.split(/(?<=[.;])\s+(?=[A-Z])/);
      expect(sentences.length, `${page}: ${shows}`).toBeGreaterThanOrEqual(2);
      expect(sentences.length, `${page}: ${shows}`).toBeLessThanOrEqual(4);
      // Where the data comes from is said for both places.
      expect(shows, page).toMatch(/locally/i);
      expect(shows, page).toMatch(/on AWS/);
      expect(defined.length, page).toBeGreaterThanOrEqual(1);
      expect(lessons.length, page).toBeGreaterThanOrEqual(1);
      expect(new Set(defined.map((t) => t.term)).size, `${page}: a term twice`).toBe(defined.length);
    }
  });

  it("define every term their own sentence uses", () => {
    for (const [page, { shows, terms: defined }] of Object.entries(explanations) as [ObservePage, (typeof explanations)[ObservePage]][]) {
      for (const [key, pattern] of Object.entries(namedBy)) {
        if (pattern.test(shows)) expect(defined, `${page} says "${pattern.source}" without defining it`).toContain(terms[key as keyof typeof terms]);
      }
    }
  });

  it("cite only headings their docs have", () => {
    const docs = new Map<string, Set<string>>();
    let cited = 0;
    for (const [page, { lessons }] of Object.entries(explanations)) {
      for (const lesson of lessons) {
        if (!docs.has(lesson.doc)) docs.set(lesson.doc, headings(lesson.doc));
        expect([...docs.get(lesson.doc)!], `${page} cites ${lesson.doc}: "${lesson.heading}"`).toContain(lesson.heading);
        cited++;
      }
    }
    // Each page leads with a lesson of docs/learn.md, the course that uses it.
    for (const [page, { lessons }] of Object.entries(explanations)) expect(lessons[0]?.doc, page).toBe("docs/learn.md");
    expect(cited).toBeGreaterThanOrEqual(Object.keys(observePages).length);
  });

  it("cite a numbered section by its number, another by its title", () => {
    expect(lessonTitle({ doc: "docs/learn.md", heading: "5. A projector that crashes: `projector_crash`", why: "" })).toBe(
      "docs/learn.md § 5 “A projector that crashes: `projector_crash`”",
    );
    expect(lessonTitle({ doc: "docs/learn.md", heading: "Game days", why: "" })).toBe("docs/learn.md § “Game days”");
  });

  it("give the SLO's numbers as observability/alarms.json defines them", () => {
    expect(terms.slo.definition).toBe(
      "Service level objective, a target measured on the shop's `OrderDecisionLatency` metric: 99% of orders are decided (confirmed or rejected) within 1 s of being placed.",
    );
    expect(terms.errorBudget.definition).toBe(
      "The 1% of orders the SLO allows to take longer than 1 s. Locally, where the SLO's window is 1 h, the bar shows how much of it is left, or by how much it is overspent; on AWS, where the window is 30 days, this page shows no budget, only the burn rates.",
    );
    expect(terms.burnRate.definition).toBe(
      "How fast the error budget is being spent, as a multiple: at 1× it would last exactly the SLO's window. The fast-burn alert fires at 14.4× over both 1 h and 5 min (locally 2 min and 30 s), the slow-burn one at 6× over both 6 h and 30 min (locally 10 min and 1 min).",
    );
  });

  it("write a window in words", () => {
    expect(["30s", "2m", "1m", "1h", "30d", "1d"].map(windowText)).toEqual(["30 s", "2 min", "1 min", "1 h", "30 days", "1 day"]);
    expect([300, 3600, 21_600, 90, 86_400].map(windowText)).toEqual(["5 min", "1 h", "6 h", "90 s", "1 day"]);
    expect(windowText("a week")).toBe("a week");
  });
});
