import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { call } from "./api";
import { issuedTokens, launch, openPage, screenshot, signIn } from "./browser";

// Breaking the shop on purpose from the Observe console, as a learner would: a slow database
// fires the latency alarm and shows in a checkout's trace; a crashing projector is restarted
// while the rest serves; a game day is played to its checked answer and its recovery.
// Prometheus scrapes and evaluates every 5 s and the alarms hold their `for` (1 min for latency),
// so each view is read again until it shows what the test caused, within a deadline.
// The files of the e2e project run one after another (vitest.config.ts), on one stack: every
// switch is turned off, and any game day finished, before the first test and after the last,
// failed or not, so the storefront story never meets a fault of this file.

const ADMIN = ["admin@example.com", "Admin-pass-1"] as const;
const SHOPPER = ["shopper@example.com", "Shopper-pass-1"] as const;

/** What the traffic loop in a shopper's page did (it lives on `window.shopTraffic`). */
type Traffic = { timers: number[]; placed: string[]; orderFailures: number; reads: number; readFailures: number };


/**
 * Starts traffic from the shopper's `page`, with its token (the access token Cognito issued it,
 * which lasts an hour): every `orderEveryMs` an order of one unit of the product with the most
 * left (so no product the storefront story buys runs out), and every `readEveryMs` a catalog
 * read. The loop runs in the page until `stopTraffic`.
 */
async function startTraffic(page: Page, { orderEveryMs, readEveryMs }: { orderEveryMs?: number; readEveryMs?: number }) {
  const accessToken = (await issuedTokens(page))?.accessToken ?? null;
  await page.evaluate(
    ({ orderEveryMs, readEveryMs, accessToken }) => {
      const traffic: Traffic = { timers: [], placed: [], orderFailures: 0, reads: 0, readFailures: 0 };
      (window as unknown as { shopTraffic?: Traffic }).shopTraffic = traffic;
      const token = () => accessToken;
      if (readEveryMs) {
        traffic.timers.push(
          window.setInterval(async () => {
            const response = await fetch("/api/products").catch(() => null);
            if (response?.ok) traffic.reads += 1;
            else traffic.readFailures += 1;
          }, readEveryMs),
        );
      }
      if (orderEveryMs) {
        traffic.timers.push(
          window.setInterval(async () => {
            try {
              const { items } = (await (await fetch("/api/products")).json()) as { items: { sku: string; available: number }[] };
              const most = items.reduce((a, b) => (b.available > a.available ? b : a));
              const response = await fetch("/api/orders", {
                method: "POST",
                headers: {
                  Authorization: `Bearer ${token()}`,
                  "Content-Type": "application/json",
                  "Idempotency-Key": crypto.randomUUID(),
                },
                body: JSON.stringify({ lines: [{ sku: most.sku, quantity: 1 }] }),
              });
              if (!response.ok) throw new Error(`HTTP ${response.status}`);
              traffic.placed.push(((await response.json()) as { order_id: string }).order_id);
            } catch {
              traffic.orderFailures += 1;
            }
          }, orderEveryMs),
        );
      }
    },
    { orderEveryMs, readEveryMs, accessToken },
  );
}

/** What the traffic did so far; `stop` ends it. */
function trafficSoFar(page: Page, stop = false): Promise<Omit<Traffic, "timers">> {
  return page.evaluate((stop) => {
    const traffic = (window as unknown as { shopTraffic?: Traffic }).shopTraffic;
    if (!traffic) return { placed: [], orderFailures: 0, reads: 0, readFailures: 0 };
    if (stop) traffic.timers.forEach((t) => window.clearInterval(t));
    return { placed: traffic.placed, orderFailures: traffic.orderFailures, reads: traffic.reads, readFailures: traffic.readFailures };
  }, stop);
}

type Switch = { name: string; enabled?: boolean | null };
type Run = { run_id: string; finished_at?: string | null };

/** Finishes a running game day (which turns its switch off), then turns every switch off. */
async function allSwitchesOff(page: Page) {
  const scenarios = await call<{ running?: Run | null }>(page, "GET", "/admin/scenarios");
  const running = scenarios.body?.running;
  if (running && !running.finished_at) await call(page, "POST", `/admin/scenarios/runs/${running.run_id}/finish`);
  const faults = await call<{ items: Switch[] }>(page, "GET", "/admin/faults");
  expect(faults.status, "GET /api/admin/faults").toBe(200);
  for (const fault of faults.body.items) {
    if (fault.enabled === false) continue;
    const off = await call(page, "PUT", `/admin/faults/${fault.name}`, { enabled: false });
    expect(off.status, `turning ${fault.name} off`).toBe(200);
  }
}

/** The number a definition list shows under `term`, as the synthetic shoppers' counts are shown. */
async function countOf(page: Page, term: string): Promise<number> {
  const value = page.locator("dt", { hasText: new RegExp(`^${term}$`) }).locator("xpath=following-sibling::dd");
  return Number(await value.textContent());
}

/** A span row's duration in ms, from the "2.50 s" or "312 ms" at the end of its button. */
function durationMs(rowText: string): number {
  const match = /(\d+(?:\.\d+)?) (ms|s)$/.exec(rowText.trim());
  if (!match) return NaN;
  return Number(match[1]) * (match[2] === "s" ? 1000 : 1);
}

describe("faults and game days", () => {
  let browser: Browser;
  let admin: Page;
  let shopper: Page;
  const errors: string[] = [];

  const problem = (page: Page) => page.getByRole("main").getByRole("alert");
  const observeNav = (page: Page) => page.getByRole("navigation", { name: "Observe" });
  const alarmRow = (page: Page, name: string): Locator =>
    page.getByRole("table", { name: "Alarms" }).getByRole("row").filter({ has: page.getByText(name, { exact: true }) });
  const alarmState = (page: Page, name: string): Locator => alarmRow(page, name).getByRole("cell").first();

  async function openFaults(): Promise<void> {
    await admin.goto("/admin/observe/");
    await observeNav(admin).getByRole("link", { name: "Faults" }).click();
    await admin.getByRole("list", { name: "Fault switches" }).or(problem(admin)).first().waitFor();
    expect(await problem(admin).allTextContents(), "the fault switches' answer").toEqual([]);
  }

  /** Flips the switch titled `title` from its card, with the parameters given, and waits until the card shows it. */
  async function flip(title: string, on: boolean, fill: (card: Locator) => Promise<void> = async () => {}) {
    const card = admin.getByRole("region", { name: title });
    const toggle = card.getByRole("switch", { name: title });
    await toggle.waitFor();
    await fill(card);
    if ((await toggle.getAttribute("aria-checked")) !== String(on)) await toggle.click();
    await expect
      .poll(async () => (await card.getByRole("alert").allTextContents()).join(" ") || (await toggle.getAttribute("aria-checked")), {
        timeout: 10_000,
        message: `${title} turned ${on ? "on" : "off"} (or the problem its card shows)`,
      })
      .toBe(String(on));
    return card;
  }

  /**
   * Searches the traces for `q` as the admin would and opens each match until one shows `wanted`
   * (spans reach the telemetry store in batches, within seconds); true when one does.
   */
  async function openTraceWith(q: string, wanted: Locator): Promise<boolean> {
    await admin.goto("/admin/observe/");
    const search = admin.getByRole("form", { name: "Search traces" });
    await search.getByLabel("Trace, order or correlation id").fill(q);
    await search.getByRole("button", { name: "Search" }).click();
    await admin.waitForURL(/\/admin\/observe\/(\?.*q=|trace\/)/);
    const traces = admin.getByRole("table", { name: "Traces" });
    const spans = admin.getByRole("list", { name: "Spans" });
    const noMatch = admin.getByRole("status").filter({ hasText: /^No trace/ });
    await traces.or(spans).or(noMatch).or(problem(admin)).first().waitFor();
    expect(await problem(admin).allTextContents(), "the trace search's answer").toEqual([]);
    if (await spans.isVisible()) return (await wanted.count()) > 0;
    if (!(await traces.isVisible())) return false;
    const hrefs = await traces.getByRole("link").evaluateAll((links) => links.map((link) => link.getAttribute("href") ?? ""));
    for (const href of hrefs) {
      await admin.goto(href);
      await spans.or(problem(admin)).first().waitFor();
      expect(await problem(admin).allTextContents(), "the trace's answer").toEqual([]);
      if ((await wanted.count()) > 0) return true;
    }
    return false;
  }

  beforeAll(async () => {
    browser = await launch();
    const adminPage = await openPage(browser);
    const shopperPage = await openPage(browser);
    admin = adminPage.page;
    shopper = shopperPage.page;
    // A failed request is logged by Chromium as a console error: this file causes them on
    // purpose, so only the pages' own errors (uncaught exceptions, logged errors) count.
    for (const page of [adminPage, shopperPage]) {
      page.page.on("pageerror", (error) => errors.push(error.message));
      page.page.on("console", (message) => {
        if (message.type() === "error" && !/Failed to load resource/.test(message.text())) errors.push(message.text());
      });
    }
    await signIn(admin, ...ADMIN);
    await signIn(shopper, ...SHOPPER);
    await allSwitchesOff(admin);
  });

  afterAll(async () => {
    try {
      if (shopper) await trafficSoFar(shopper, true).catch(() => undefined);
      if (admin) await allSwitchesOff(admin);
    } finally {
      await browser?.close();
    }
  });

  afterEach(() => {
    expect(errors.splice(0), "errors in the pages").toEqual([]);
  });

  it("flips the slow database from the console, sees the latency alarm fire and the slow span, then resolve", async () => {
    await openFaults();
    const card = await flip("Slow database", true, (card) => card.getByLabel("added_ms").fill("2500"));
    await card.getByText(/flipped by \S+ (just now|\d+ s ago)/).waitFor();
    await screenshot(admin, "faults-01-slow-database-on");

    // Checkouts wait for their append, 2.5 s each: an order every 2 s keeps the p99 above 2 s.
    await shopper.goto("/");
    await startTraffic(shopper, { orderEveryMs: 2_000 });
    await observeNav(admin).getByRole("link", { name: "Alarms" }).click();
    const p99 = alarmState(admin, "api-p99-latency");
    await expect
      .poll(async () => (await problem(admin).allTextContents()).join(" ") || (await p99.textContent()), {
        timeout: 180_000,
        interval: 2_000,
        message: "the state of api-p99-latency (or the problem the page shows)",
      })
      .toBe("firing");
    const traffic = await trafficSoFar(shopper);
    expect(traffic.placed.length, "orders placed while the database was slow").toBeGreaterThan(0);
    // The row says since when it fires, and its value and threshold in milliseconds.
    const [, since, value, threshold] = await alarmRow(admin, "api-p99-latency").getByRole("cell").allTextContents();
    expect(since).toMatch(/^firing since \d\d:\d\d:\d\d$/);
    // Since it fires, not since it went pending: no earlier than the history's pending → firing.
    const fired = admin
      .getByRole("list", { name: "Alarm history" })
      .getByRole("listitem")
      .filter({ hasText: /api-p99-latency\s*pending\s*→\s*to\s*firing/ })
      .first()
      .locator("time");
    if ((await fired.count()) > 0) {
      const sinceAt = await alarmRow(admin, "api-p99-latency").getByRole("cell").nth(1).locator("time").getAttribute("datetime");
      expect(Date.parse(sinceAt ?? ""), `firing since ${sinceAt}`).toBeGreaterThanOrEqual(Date.parse((await fired.getAttribute("datetime")) ?? ""));
    }
    expect(threshold).toBe("> 2,000 ms");
    expect(value).toMatch(/^[\d,]+ ms$/);
    expect(Number(value!.replace(/[^\d]/g, "")), `the p99 it fired at, ${value}`).toBeGreaterThan(2_000);
    // Orders decided that slowly spend the order-decision SLO's budget: spent past its end, it
    // reads as overspent (with how far), not as 0% left.
    const budget = admin.getByRole("region", { name: /^SLO/ }).getByRole("meter", { name: "Error budget remaining" });
    if ((await budget.count()) > 0 && Number(await budget.getAttribute("aria-valuenow")) < 0) {
      const figure = (await budget.getAttribute("aria-valuetext")) ?? "";
      expect(figure).toMatch(/^−[\d,.]+% \(overspent\)$/);
      expect(await admin.getByRole("region", { name: /^SLO/ }).textContent()).toContain(`${figure}: `);
    }
    await screenshot(admin, "faults-02-latency-alarm-firing");

    // One of those checkouts' trace: the append waited in the fault switch's own span.
    const orderId = traffic.placed[0]!;
    const spans = admin.getByRole("list", { name: "Spans" });
    const slowSpan = spans.getByRole("listitem").filter({ hasText: "slow database (fault switch)" }).first();
    for (const deadline = Date.now() + 40_000; !(await openTraceWith(orderId, slowSpan)); ) {
      expect(Date.now(), `a trace of order ${orderId} with the slow database's span`).toBeLessThan(deadline);
      await admin.waitForTimeout(2_000);
    }
    const rows = await spans.getByRole("listitem").allTextContents();
    const slow = rows.findIndex((text) => text.includes("slow database (fault switch)"));
    expect(rows[slow - 1], "the span before the slow database's: its parent").toContain("append events");
    const slowButton = await slowSpan.getByRole("button").first().textContent();
    expect(durationMs(slowButton ?? ""), `the slow database's span: ${slowButton}`).toBeGreaterThanOrEqual(2_500);
    await screenshot(admin, "faults-03-slow-span");

    // Off again; light traffic (catalog reads) keeps the latency measured until the alarm resolves.
    await openFaults();
    await flip("Slow database", false);
    await screenshot(admin, "faults-04-slow-database-off");
    await trafficSoFar(shopper, true);
    await startTraffic(shopper, { readEveryMs: 2_000 });
    await observeNav(admin).getByRole("link", { name: "Alarms" }).click();
    await expect
      .poll(async () => (await problem(admin).allTextContents()).join(" ") || (await p99.textContent()), {
        timeout: 240_000,
        interval: 2_000,
        message: "the state of api-p99-latency once the database is fast again",
      })
      .toMatch(/^(ok|pending)$/);
    await trafficSoFar(shopper, true);
    await screenshot(admin, "faults-05-latency-alarm-resolved");
  }, 480_000);

  it("crashes the projector from the console and sees it restarted while the rest serves", async () => {
    await openFaults();
    await flip("Projector crash", true, (card) => card.getByLabel("event_type").selectOption("OrderPlaced").then(() => undefined));
    await screenshot(admin, "faults-06-projector-crash-on");
    // The projector reads the switches at most once a second: the order comes after that second.
    await admin.waitForTimeout(2_000);

    await shopper.goto("/product/?sku=TIN-SET");
    await shopper.getByRole("button", { name: "Add to cart, Storage tins" }).click();
    await shopper.goto("/cart/");
    await shopper.getByRole("button", { name: "Place order" }).click();
    await shopper.waitForURL(/\/order\/\?/);
    await shopper.getByText("Reserving your items…").waitFor();
    const orderUrl = shopper.url();

    // The supervisor restarts it, it meets the same event and exits again with 70.
    await admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Projections" }).click();
    const projector = admin.getByRole("region", { name: "Projector" });
    let line = "";
    for (const deadline = Date.now() + 60_000; ; ) {
      await projector.or(problem(admin)).first().waitFor();
      expect(await problem(admin).allTextContents(), "the projections' answer").toEqual([]);
      line = (await projector.textContent()) ?? "";
      if (/restarted (once|\d+ times)/.test(line) && /last exit code 70/.test(line)) break;
      expect(Date.now(), `the projector restarted after exiting with 70; it says: ${line}`).toBeLessThan(deadline);
      await admin.waitForTimeout(2_000);
      await admin.getByRole("button", { name: "Refresh" }).click();
    }
    expect(line).toMatch(/^Warning: stock-projector started (just now|\d+ (s|min) ago)/);
    await screenshot(admin, "faults-07-projector-restarted");

    // Meanwhile the rest serves: the gateway and PostgreSQL (health), the catalog, Cognito (sign-in).
    const health = await call(shopper, "GET", "/health");
    expect(health.status, "GET /api/health while the projector crash-loops").toBe(200);
    await shopper.goto("/");
    const products = shopper.getByRole("list", { name: "Products" }).getByRole("listitem");
    await products.first().waitFor();
    expect(await products.count()).toBeGreaterThanOrEqual(12);
    const { context: fresh, page: another } = await openPage(browser);
    try {
      await signIn(another, ...SHOPPER);
    } finally {
      await fresh.close();
    }
    await shopper.goto(orderUrl);
    await shopper.getByText("Reserving your items…").waitFor();
    await screenshot(shopper, "faults-08-order-pending");

    // Off: its next start applies the order, and the saga confirms it.
    await openFaults();
    await flip("Projector crash", false);
    await shopper.goto(orderUrl);
    await shopper.getByText("Every item is reserved for you.").waitFor({ timeout: 60_000 });
    await screenshot(shopper, "faults-09-order-confirmed");
  }, 180_000);

  it("shows a shopper the product reads that fail, with a retry, and puts a parameter back to its default", async () => {
    await openFaults();
    const card = await flip("Failing product reads", true, (card) => card.getByLabel("percent").fill("100"));
    const percent = card.getByLabel("percent");
    const reset = card.getByRole("button", { name: "Reset to default" });
    const toggle = card.getByRole("switch", { name: "Failing product reads" });

    // Every product read fails: the catalog says so in words, with a retry, instead of a page
    // that looks like an empty shop. Every service sees the flip within about a second.
    const alert = shopper.getByRole("main").getByRole("alert");
    const retry = alert.getByRole("button", { name: "Try again" });
    const products = shopper.getByRole("list", { name: "Products" });
    for (const deadline = Date.now() + 15_000; ; ) {
      await shopper.goto("/");
      await products.or(alert).first().waitFor();
      if (await alert.isVisible()) break;
      expect(Date.now(), "the catalog page once every product read fails").toBeLessThan(deadline);
      await shopper.waitForTimeout(500);
    }
    expect(await alert.getByRole("paragraph").first().textContent()).toBe("Some products could not be loaded.");
    expect(await alert.textContent()).toContain("HTTP 500");
    expect(await retry.isVisible()).toBe(true);
    expect(await products.count(), "no product list beside the alert").toBe(0);
    await screenshot(shopper, "faults-15-catalog-read-failed");

    await shopper.goto("/product/?sku=TIN-SET");
    await alert.waitFor();
    expect(await alert.getByRole("paragraph").first().textContent()).toBe("This product could not be loaded.");
    expect(await shopper.getByRole("heading", { name: "Storage tins" }).count(), "no product beside the alert").toBe(0);
    await screenshot(shopper, "faults-16-product-read-failed");

    // The switch last ran at 100%: its input shows 100 beside "default 50 %", and Reset to default
    // puts 50 back into it, no more: the switch stays on at 100% until the admin applies it.
    expect(await percent.inputValue()).toBe("100");
    expect(await card.textContent()).toContain("default 50 %");
    await reset.click();
    expect(await percent.inputValue()).toBe("50");
    expect(await reset.isDisabled(), "Reset to default, with the default in the input").toBe(true);
    expect(await toggle.getAttribute("aria-checked")).toBe("true");
    expect(await card.getByRole("button", { name: "Apply the parameters of Failing product reads" }).isVisible()).toBe(true);
    await screenshot(admin, "faults-17-parameter-reset");
    const running = await call<{ items: { name: string; parameters?: unknown }[] }>(admin, "GET", "/admin/faults");
    expect(running.body.items.find((f) => f.name === "product_read_failure")?.parameters, "the switch's parameters after the reset").toMatchObject({
      percent: 100,
    });

    // Try again reads the product again, and meets the switch still at 100%.
    const read = shopper.waitForRequest((request) => new URL(request.url()).pathname === "/api/products/TIN-SET");
    await retry.click();
    await read;
    await alert.waitFor();
    expect(await alert.getByRole("paragraph").first().textContent()).toBe("This product could not be loaded.");

    // Off: the input follows the switch again (its last 100), and the reset still only fills it in.
    await flip("Failing product reads", false);
    expect(await percent.inputValue()).toBe("100");
    await reset.click();
    expect(await percent.inputValue()).toBe("50");
    expect(await toggle.getAttribute("aria-checked")).toBe("false");

    // Reads answer again: Try again shows the product, and the catalog lists every product.
    const tins = shopper.getByRole("heading", { name: "Storage tins" });
    for (const deadline = Date.now() + 15_000; ; ) {
      // The click swaps the alert for "Loading…" before the read leaves, so what shows once it is
      // answered is the new answer's.
      const answered = shopper.waitForResponse((response) => new URL(response.url()).pathname === "/api/products/TIN-SET");
      await retry.click();
      await answered;
      await tins.or(retry).first().waitFor();
      if (await tins.isVisible()) break;
      expect(Date.now(), "the product after trying again with the switch off").toBeLessThan(deadline);
      await shopper.waitForTimeout(500);
    }
    expect(await alert.count()).toBe(0);
    await shopper.goto("/");
    await products.getByRole("listitem").first().waitFor();
    expect(await alert.count()).toBe(0);
    expect(await products.getByRole("listitem").count()).toBeGreaterThanOrEqual(12);
  }, 90_000);

  it("plays a scenario to its checked answer", async () => {
    await admin.goto("/admin/observe/");
    await observeNav(admin).getByRole("link", { name: "Scenarios" }).click();
    await admin.getByRole("button", { name: "Start Products fail to load" }).click();
    const run = admin.getByRole("region", { name: "Products fail to load" });
    await run.or(problem(admin)).first().waitFor();
    expect(await problem(admin).allTextContents(), "starting the scenario").toEqual([]);
    expect(await run.getByRole("switch", { name: "Synthetic shoppers" }).getAttribute("aria-checked")).toBe("true");

    // The game day hides its switch on the Faults page (another tab, so the shoppers keep shopping).
    const peek = await admin.context().newPage();
    try {
      await peek.goto("/admin/observe/faults/");
      const hidden = peek.getByRole("region", { name: "Failing product reads" });
      await hidden.getByText("Hidden by the running game day").waitFor();
      expect(await hidden.getByRole("switch", { name: "Failing product reads" }).isDisabled()).toBe(true);
      await screenshot(peek, "faults-10-switch-hidden");
    } finally {
      await peek.close();
    }

    // A shopper meets a failed read, and the catalog offers to try again.
    const retry = shopper.getByRole("main").getByRole("alert").getByRole("button", { name: "Try again" });
    for (const deadline = Date.now() + 30_000; ; ) {
      await shopper.goto("/");
      await shopper.getByRole("list", { name: "Products" }).or(retry).first().waitFor();
      if (await retry.isVisible()) break;
      expect(Date.now(), "a catalog read that failed").toBeLessThan(deadline);
    }
    await screenshot(shopper, "faults-11-catalog-failed");
    for (const deadline = Date.now() + 30_000; !(await shopper.getByRole("list", { name: "Products" }).isVisible()); ) {
      expect(Date.now(), "the catalog after trying again").toBeLessThan(deadline);
      await retry.click();
      await shopper.getByRole("list", { name: "Products" }).or(retry).first().waitFor();
    }

    // The synthetic shoppers count the failed reads too.
    await expect
      .poll(() => countOf(admin, "Catalog reads failed"), { timeout: 120_000, interval: 1_000, message: "catalog reads the shoppers saw fail" })
      .toBeGreaterThanOrEqual(1);
    await screenshot(admin, "faults-12-scenario-running");

    await run.getByRole("radio", { name: "The product service: a share of its reads fail." }).check();
    await run.getByRole("button", { name: "Answer" }).click();
    await run.getByRole("status").filter({ hasText: /^Correct$/ }).or(run.getByRole("alert")).first().waitFor();
    expect(await run.getByRole("alert").allTextContents(), "the answer's problem").toEqual([]);
    const signals = run.getByRole("list", { name: "Signals" }).getByRole("link");
    expect(await signals.count()).toBeGreaterThanOrEqual(1);
    const alarm = run.getByRole("link", { name: "Alarm api-5xx-rate: more than 5% of API requests answer 5xx" });
    expect(await alarm.getAttribute("href")).toBe("/admin/observe/alarms/");
    // The alarm's verdict: whether it fired during this run, from the alarm board (Prometheus).
    // (`has` is searched inside each list item, so it takes a locator of its own, not one from `run`.)
    const verdict = await run
      .getByRole("listitem")
      .filter({ has: admin.getByRole("link", { name: "Alarm api-5xx-rate: more than 5% of API requests answer 5xx" }) })
      .locator("[data-fired]")
      .textContent();
    expect(verdict).toMatch(/^(fired during the run|did not fire during the run)$/);
    await screenshot(admin, "faults-13-scenario-answered");

    await run.getByRole("button", { name: "Finish and check recovery" }).click();
    await admin.getByText("Recovered: nothing was lost").or(problem(admin)).first().waitFor({ timeout: 90_000 });
    expect(await problem(admin).allTextContents(), "the recovery check").toEqual([]);
    const checks = await admin.getByRole("list", { name: "Recovery checks" }).getByRole("listitem").allTextContents();
    expect(checks).toEqual(expect.arrayContaining([expect.stringContaining("The fault switch is off")]));
    expect(checks.filter((c) => c.includes("equal to a rebuild")).length).toBeGreaterThanOrEqual(1);
    await screenshot(admin, "faults-14-recovered");

    await admin.getByRole("button", { name: "Back to the scenarios" }).click();
    await admin.getByRole("button", { name: "Start Products fail to load" }).waitFor();
  }, 240_000);
});
