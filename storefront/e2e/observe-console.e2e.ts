import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { explanations, lessonTitle, observePages, type ObservePage } from "@/observe/explanations";
import { artifacts, launch, openPage, signIn } from "./browser";

// The Observe console as a learner reads it (issue 31): every page carries a closed "What this
// shows" section that, opened, defines the page's terms and names the lesson of docs/learn.md
// that uses it; and a search run again and again leaves one search form on the page, on Logs
// (whose form once appeared once more after each run) and on Traces. Needs no traffic of its
// own: the admin's sign-in is already traced and logged. Runs against the same stack as the
// other files, one after another.

const ADMIN = ["admin@example.com", "Admin-pass-1"] as const;

const INSIGHTS_PATH = "/api/admin/observe/logs/insights";
const TRACES_PATH = "/api/admin/observe/traces";

/** A text as the page shows it: CodeText drops the backticks around code. */
const shown = (text: string) => text.replaceAll("`", "");

describe("The Observe console", () => {
  let browser: Browser;
  let admin: Page;
  let adminErrors: string[] = [];

  beforeAll(async () => {
    browser = await launch();
    ({ page: admin, errors: adminErrors } = await openPage(browser));
    await signIn(admin, ...ADMIN);
  });
  afterAll(() => browser?.close());
  afterEach(() => {
    expect(adminErrors.splice(0), "console errors of the admin's page").toEqual([]);
  });

  const main = () => admin.getByRole("main");
  const problem = () => main().getByRole("alert");
  // The top of the page only, where the section and the form are: what a learner sees first.
  const screenshotTop = (name: string) => admin.screenshot({ path: join(artifacts, `${name}.png`) });
  const section = () => main().locator("details").filter({ has: admin.locator("summary", { hasText: /^What this shows$/ }) });

  /** Opens `page`'s section, checks it says what explanations.ts holds for it, and leaves it open. */
  async function readSection(page: ObservePage): Promise<Locator> {
    const details = section();
    await details.waitFor();
    expect(await details.count(), `${page}: "What this shows" sections`).toBe(1);
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open), `${page}: closed at first`).toBe(false);
    await details.locator("summary").click();
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open), `${page}: open once clicked`).toBe(true);

    const { shows, terms, lessons } = explanations[page];
    const text = (await details.innerText()).replace(/\s+/g, " ");
    expect(text, page).toContain(shown(shows));
    const definedTerms = (await details.getByRole("term").allTextContents()).map((t) => t.trim());
    expect(definedTerms, `${page}: the terms defined`).toEqual(terms.map((t) => t.term));
    const cited = (await details.locator("cite").allTextContents()).map((c) => c.trim());
    expect(cited, `${page}: the lessons cited`).toEqual(lessons.map((l) => shown(lessonTitle(l))));
    expect(cited[0], `${page}: its lesson in docs/learn.md`).toMatch(/^docs\/learn\.md § /);
    return details;
  }

  it("explains every page in a closed section, with the page's terms and its lesson in docs/learn.md", async () => {
    await admin.goto("/admin/observe/");
    const nav = admin.getByRole("navigation", { name: "Observe" });
    const byLink: [string, ObservePage][] = [
      ["Traces", "traces"],
      ["Service map", "map"],
      ["Metrics", "metrics"],
      ["Alarms", "alarms"],
      ["Logs", "logs"],
      ["Faults", "faults"],
      ["Scenarios", "scenarios"],
    ];
    for (const [link, page] of byLink) {
      await nav.getByRole("link", { name: link, exact: true }).click();
      await admin.waitForURL((url) => url.pathname === observePages[page]);
      await readSection(page);
    }
    // One trace's page has no link of its own in the menu: it is opened from a trace, an order or a log line.
    await admin.goto(observePages.trace);
    await readSection("trace");
    // The cited lesson, as a learner reads it, on two pages.
    await admin.goto(observePages.logs);
    expect(await (await readSection("logs")).locator("cite").first().textContent()).toBe(
      "docs/learn.md § 4 “A poison message: poison_message”",
    );
    await admin.goto(observePages.alarms);
    const alarms = await readSection("alarms");
    expect(await alarms.getByRole("term").allTextContents()).toEqual(["Alarm", "SLO", "Error budget", "Burn rate"]);
    expect(await alarms.locator("cite").first().textContent()).toBe("docs/learn.md § 2 “A failing send: sqs_send_failure”");
  }, 60_000);

  it("keeps one Logs Insights form however often a query runs, by Run, by Ctrl+Enter or again unchanged", async () => {
    await admin.goto(observePages.logs);
    const form = main().getByRole("form", { name: "Logs Insights query" });
    const editor = form.getByRole("textbox", { name: "Logs Insights query" });
    await editor.waitFor();
    const results = main().getByRole("table", { name: "Query results" });
    const noRecord = main().getByRole("status").filter({ hasText: /^No record/ });

    /** Everything the query form is made of, counted on the whole page. */
    const formParts = async () => ({
      forms: await main().getByRole("form", { name: "Logs Insights query" }).count(),
      editors: await main().getByRole("textbox", { name: "Logs Insights query" }).count(),
      runButtons: await main().getByRole("button", { name: "Run", exact: true }).count(),
      windows: await main().getByRole("group", { name: "Time window" }).count(),
      savedQueries: await main().getByRole("combobox", { name: "Saved queries" }).count(),
    });
    const once = { forms: 1, editors: 1, runButtons: 1, windows: 1, savedQueries: 1 };
    expect(await formParts(), "before any run").toEqual(once);

    const runs: [string, string, "Run" | "Ctrl+Enter"][] = [
      ["the first query, with Run", "fields @timestamp, service, message | sort @timestamp desc | limit 5", "Run"],
      ["a second query, with Ctrl+Enter", "stats count(*) as lines by service", "Ctrl+Enter"],
      ["the second query again, unchanged", "stats count(*) as lines by service", "Run"],
    ];
    for (const [what, query, how] of runs) {
      const answer = admin.waitForResponse((r) => {
        const url = new URL(r.url());
        return url.pathname === INSIGHTS_PATH && url.searchParams.get("query") === query;
      });
      await editor.fill(query);
      if (how === "Run") await form.getByRole("button", { name: "Run", exact: true }).click();
      else await editor.press("Control+Enter");
      expect((await answer).status(), `${what}: ${INSIGHTS_PATH}`).toBe(200);
      await results.or(noRecord).or(problem()).first().waitFor();
      expect(await problem().allTextContents(), what).toEqual([]);
      expect(await formParts(), `after ${what}`).toEqual(once);
      expect(await editor.inputValue(), `after ${what}: the editor keeps the query`).toBe(query);
    }
    await screenshotTop("console-01-logs-after-three-runs");
  }, 60_000);

  it("keeps one trace search form however often a search runs", async () => {
    await admin.goto(observePages.traces);
    const search = main().getByRole("form", { name: "Search traces" });
    await search.waitFor();
    const traces = main().getByRole("table", { name: "Traces" });
    const noMatch = main().getByRole("status").filter({ hasText: /^No trace/ });
    const formParts = async () => ({
      forms: await main().getByRole("form", { name: "Search traces" }).count(),
      filters: await main().getByRole("textbox", { name: "X-Ray filter expression" }).count(),
      searchButtons: await main().getByRole("button", { name: "Search", exact: true }).count(),
    });
    const once = { forms: 1, filters: 1, searchButtons: 1 };
    expect(await formParts(), "before any search").toEqual(once);

    // A search the URL already holds is not asked again (its answer is the one on screen): no answer is awaited for it.
    for (const [what, filter, asked] of [
      ["a search by service", 'service("gateway")', true],
      ["a search for faults", "fault = true", true],
      ["the search for faults again", "fault = true", false],
    ] as const) {
      const answer = asked
        ? admin.waitForResponse((r) => {
            const url = new URL(r.url());
            return url.pathname === TRACES_PATH && url.searchParams.get("filter") === filter;
          })
        : null;
      await search.getByRole("textbox", { name: "X-Ray filter expression" }).fill(filter);
      await search.getByRole("button", { name: "Search", exact: true }).click();
      if (answer) expect((await answer).status(), `${what}: ${TRACES_PATH}`).toBe(200);
      await traces.or(noMatch).or(problem()).first().waitFor();
      expect(await problem().allTextContents(), what).toEqual([]);
      expect(await formParts(), `after ${what}`).toEqual(once);
      expect(new URL(admin.url()).searchParams.get("filter"), `after ${what}: the filter, in the address`).toBe(filter);
    }
    await screenshotTop("console-04-traces-after-three-searches");
  }, 60_000);

  it("reads well opened: the alarms' and the logs' sections", async () => {
    await admin.goto(observePages.alarms);
    await readSection("alarms");
    await main().getByRole("table", { name: "Alarms" }).or(problem()).first().waitFor();
    await screenshotTop("console-02-alarms-what-this-shows");
    await admin.goto(observePages.logs);
    await readSection("logs");
    await main().getByRole("table", { name: "Query results" }).or(problem()).or(main().getByRole("status")).first().waitFor();
    await screenshotTop("console-03-logs-what-this-shows");
  }, 60_000);
});
