import type { Browser, Page, Response } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectedFailures, launch, openPage, placeOrder, screenshot, signIn } from "./browser";

// The Observe console's two query languages, as a learner writes them: a shopper orders, then an
// admin counts the log lines per minute in Logs Insights' language and sees the chart, is told
// in place where a query that does not parse went wrong, and finds the order's own trace with an
// X-Ray filter expression on its annotation. Spans and log lines reach the telemetry store in
// batches, within seconds: each query is run again until it shows what the story produced, within
// a deadline. Runs against the same stack as the other files, one after another; it buys one
// product no other file counts.

const ADMIN = ["admin@example.com", "Admin-pass-1"] as const;
const SHOPPER = ["shopper@example.com", "Shopper-pass-1"] as const;
const PRODUCT = { sku: "TEA-OOLONG", name: "Tieguanyin oolong" };

const COUNT_PER_MINUTE = "stats count(*) by bin(1m)";
/** `by` with nothing after it: the parser says at which character it expected a field. */
const UNFINISHED = "stats count(*) by";

const INSIGHTS_PATH = "/api/admin/observe/logs/insights";

describe("Observe's query languages", () => {
  let browser: Browser;
  let shopper: Page;
  let admin: Page;
  let shopperErrors: string[] = [];
  let adminErrors: string[] = [];
  let orderId = "";

  beforeAll(async () => {
    browser = await launch();
    ({ page: shopper, errors: shopperErrors } = await openPage(browser));
    ({ page: admin, errors: adminErrors } = await openPage(browser));
    await signIn(shopper, ...SHOPPER);
    await signIn(admin, ...ADMIN);
  });
  afterAll(() => browser?.close());
  afterEach(() => {
    expect(shopperErrors.splice(0), "console errors of the shopper's page").toEqual([]);
    expect(adminErrors.splice(0), "console errors of the admin's page").toEqual([]);
  });

  // The admin's page, as the tests below read it.
  const problem = () => admin.getByRole("main").getByRole("alert");
  const observeNav = () => admin.getByRole("navigation", { name: "Observe" });

  // The Logs page: its query form, the editor in it (by its label), and what a query answers.
  const insightsForm = () => admin.getByRole("form", { name: "Logs Insights query" });
  const editor = () => insightsForm().getByLabel("Logs Insights query");
  const results = () => admin.getByRole("table", { name: "Query results" });
  const noRecord = () => admin.getByRole("status").filter({ hasText: /^No record/ });
  const timedOut = () => admin.getByRole("status").filter({ hasText: /^The query ran out of time/ });

  /**
   * Writes `query` in the editor (replacing what it holds), runs it with Run, and waits for the
   * server's answer and for the page to show it: results, no record, a timeout, or a problem.
   */
  async function runInsights(query: string): Promise<Response> {
    const answer = admin.waitForResponse((r) => {
      const url = new URL(r.url());
      return url.pathname === INSIGHTS_PATH && url.searchParams.get("query") === query;
    });
    await editor().fill(query);
    await insightsForm().getByRole("button", { name: "Run", exact: true }).click();
    const response = await answer;
    await results().or(noRecord()).or(timedOut()).or(problem()).first().waitFor();
    return response;
  }

  /** The values of the results table's `column`, one per row, as the table shows them. */
  async function columnValues(column: string): Promise<string[]> {
    const headers = (await results().getByRole("columnheader").allTextContents()).map((h) => h.trim());
    const index = headers.indexOf(column);
    if (index < 0) throw new Error(`no column ${column} among ${headers.join(", ")}`);
    return results()
      .getByRole("row")
      .evaluateAll(
        (rows, index) =>
          rows
            .map((row) => (row as HTMLTableRowElement).cells)
            .filter((cells) => cells[0]?.tagName === "TD")
            .map((cells) => cells[index]?.textContent?.trim() ?? ""),
        index,
      );
  }

  it("lets a shopper order, confirmed by the saga", async () => {
    orderId = await placeOrder(shopper, PRODUCT.sku, PRODUCT.name);
    expect(orderId).not.toBe("");
    await screenshot(shopper, "queries-01-order-confirmed");
  });

  it("counts the log lines per minute in Logs Insights and draws them as a chart above the table", async () => {
    await admin.goto("/admin/");
    await admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Observe" }).click();
    await observeNav().getByRole("link", { name: "Logs" }).click();
    await editor().waitFor();

    // The log lines of the last hour, counted per minute: drawn once the telemetry store has some.
    const chart = admin.getByRole("figure", { name: "count(*) by bin(1m)" });
    await expect
      .poll(
        async () => {
          const answer = await runInsights(COUNT_PER_MINUTE);
          const problems = (await problem().allTextContents()).join(" ");
          if (problems) return `HTTP ${answer.status()}: ${problems}`;
          if (!(await chart.isVisible())) return "no chart";
          const counts = (await columnValues("count(*)")).map(Number).filter((n) => n > 0);
          return counts.length > 0 ? "a chart and a positive count" : "no positive count";
        },
        { timeout: 60_000, interval: 2_000, message: `what ${COUNT_PER_MINUTE} shows (or the problem the page shows)` },
      )
      .toBe("a chart and a positive count");

    // The chart is drawn: a line (LineChart's path) and its latest value, a count.
    const drawn = await chart.evaluate((figure) =>
      [...figure.querySelectorAll("svg path")].map((path) => path.getAttribute("d") ?? "").filter((d) => d.startsWith("M")),
    );
    expect(drawn.length, "lines drawn in the chart").toBeGreaterThanOrEqual(1);
    const latest = chart.getByRole("list", { name: "Latest values" }).getByRole("listitem");
    expect(await latest.allTextContents()).toEqual([expect.stringMatching(/^count\(\*\) \d/)]);

    // The table under it: a row per minute, each with its count.
    const headers = (await results().getByRole("columnheader").allTextContents()).map((h) => h.trim());
    expect(headers).toHaveLength(2);
    expect(headers).toEqual(expect.arrayContaining(["bin(1m)", "count(*)"]));
    const minutes = await columnValues("bin(1m)");
    expect(minutes.length).toBeGreaterThanOrEqual(1);
    for (const minute of minutes) expect(minute).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:00\.000$/);
    expect((await columnValues("count(*)")).every((count) => Number.isInteger(Number(count)) && Number(count) >= 0)).toBe(true);
    expect(new URL(admin.url()).searchParams.get("query"), "the query, in the page's address").toBe(COUNT_PER_MINUTE);
    await screenshot(admin, "queries-02-insights-chart");
  }, 120_000);

  it("says where a query that does not parse went wrong, under the editor, and nothing else", async () => {
    const answer = await runInsights(UNFINISHED);
    expect(answer.status(), `GET ${INSIGHTS_PATH} of ${UNFINISHED}`).toBe(422);

    // One alert, under the editor and describing it, saying at which character.
    const alerts = problem();
    expect(await alerts.allTextContents()).toEqual([expect.stringMatching(/^at character \d+: /)]);
    expect(await editor().getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await editor().getAttribute("aria-describedby"))?.split(" ") ?? [];
    expect(describedBy, "the editor is described by the alert").toContain(await alerts.getAttribute("id"));
    expect(await editor().inputValue(), "the editor keeps the query").toBe(UNFINISHED);

    // Nothing else is in error: no result, problem box or unavailable source; the controls work.
    expect(await results().count()).toBe(0);
    expect(await admin.getByRole("figure").count()).toBe(0);
    expect(await noRecord().count()).toBe(0);
    expect(await insightsForm().getByRole("button", { name: "Run", exact: true }).isEnabled()).toBe(true);
    expect(await insightsForm().getByRole("group", { name: "Time window" }).getByRole("button", { pressed: true }).count()).toBe(1);
    const saved = insightsForm().getByRole("combobox", { name: "Saved queries" });
    await expect.poll(() => saved.isEnabled(), { timeout: 10_000, message: "the saved queries, loaded" }).toBe(true);
    expect(await admin.getByText(/could not be loaded|unavailable right now/).count()).toBe(0);
    await screenshot(admin, "queries-03-insights-error");

    // Fixed, the query runs again and the alert is gone.
    await runInsights(COUNT_PER_MINUTE);
    expect(await problem().allTextContents(), "after fixing the query").toEqual([]);
    expect(await editor().getAttribute("aria-invalid")).toBeNull();
    // Chromium logs the 422 as a failed resource: expected here, it is no error of the page.
    expectedFailures(adminErrors, /status of 422 .*\/api\/admin\/observe\/logs\/insights\?/);
  }, 60_000);

  it("finds the order's trace by its annotation with an X-Ray filter expression, and its spans", async () => {
    expect(orderId, "the order the shopper placed, of the first test").not.toBe("");
    const filter = `annotation.order_id = "${orderId}"`;
    const search = admin.getByRole("form", { name: "Search traces" });
    const traces = admin.getByRole("table", { name: "Traces" });
    const noMatch = admin.getByRole("status").filter({ hasText: /^No trace/ });
    const spans = admin.getByRole("list", { name: "Spans" });
    const services = admin.getByRole("list", { name: "Services" }).getByRole("listitem");
    const orderSpans = spans.getByRole("listitem").filter({ has: admin.getByText("order", { exact: true }) });

    // Searched afresh each time (the Traces link, then the filter), since a search the URL already
    // holds is not asked again; once the browser's checkout is among the matches, its trace is
    // opened, and read until the order service's spans have arrived too.
    await expect
      .poll(
        async () => {
          await observeNav().getByRole("link", { name: "Traces" }).click();
          await admin.waitForURL((url) => url.pathname === "/admin/observe/" && !url.searchParams.has("filter"));
          await search.getByLabel("X-Ray filter expression").fill(filter);
          const answer = admin.waitForResponse((r) => {
            const url = new URL(r.url());
            return url.pathname === "/api/admin/observe/traces" && url.searchParams.get("filter") === filter;
          });
          await search.getByRole("button", { name: "Search" }).click();
          await answer;
          await traces.or(noMatch).or(problem()).first().waitFor();
          expect(new URL(admin.url()).searchParams.get("filter"), "the filter, in the page's address").toBe(filter);
          const problems = (await problem().allTextContents()).join(" ");
          if (problems) return `the search says: ${problems}`;
          const checkout = traces.getByRole("link", { name: "checkout", exact: true });
          if ((await checkout.count()) === 0) return `no checkout trace among ${await traces.getByRole("row").count()} rows`;
          await checkout.first().click();
          await spans.or(problem()).first().waitFor();
          const shown = (await problem().allTextContents()).join(" ");
          if (shown) return `the trace says: ${shown}`;
          const names = await services.allTextContents();
          return names.includes("order") && (await orderSpans.count()) > 0 ? "the order's spans" : `services: ${names.join(", ")}`;
        },
        { timeout: 60_000, interval: 2_000, message: `the trace that ${filter} finds, with the order service's spans` },
      )
      .toBe("the order's spans");
    expect(await services.allTextContents()).toEqual(expect.arrayContaining(["storefront", "order"]));
    expect(await orderSpans.count(), "spans of the order service in the waterfall").toBeGreaterThanOrEqual(1);

    // The browser's checkout, its root, is the span the annotation is on: its attributes name the order.
    await spans.getByRole("button", { name: /^checkout / }).first().click();
    const attributes = admin.getByRole("region", { name: "Attributes of checkout" });
    await attributes.waitFor();
    expect(await attributes.textContent()).toContain(orderId);
    await screenshot(admin, "queries-04-trace-by-annotation");
  }, 120_000);
});
