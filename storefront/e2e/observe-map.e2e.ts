import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { artifacts, launch, openPage, placeOrder, screenshot, signIn } from "./browser";

// The service map as Chromium draws it (issue 31): a shopper orders twice, so the traces hold the
// whole path (browser, gateway, order, queue, projector, database); an admin opens Observe → Map
// and the test measures what is on screen: no edge label covers a node or another label, no
// edge runs through a node it does not connect, and no text is under 13 px (names 14). Spans
// reach the telemetry store in batches, within seconds: the map is refreshed until it shows the
// hop through the queue. Runs on the same stack as the other files; it buys a product no other
// file counts.

const ADMIN = ["admin@example.com", "Admin-pass-1"] as const;
const SHOPPER = ["shopper@example.com", "Shopper-pass-1"] as const;
const PRODUCT = { sku: "SCALE-MINI", name: "Pocket scale" };

type Rect = { x: number; y: number; width: number; height: number };
type Drawn = {
  nodes: { id: string; box: Rect; text: Rect; fontPx: number }[];
  labels: { edge: string; box: Rect; card: Rect; text: Rect; fontPx: number }[];
  /** Each edge's path, sampled along its length, in the page's pixels. */
  edges: { edge: string; points: { x: number; y: number }[] }[];
  /** Every text element's font size as drawn: its computed size times the SVG's scale. */
  fontPx: number[];
  /** The map's width and the width its frame shows without scrolling. */
  width: number;
  frame: number;
};

const overlap = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const contains = (outer: Rect, inner: Rect, slack = 0.5) =>
  inner.x >= outer.x - slack &&
  inner.y >= outer.y - slack &&
  inner.x + inner.width <= outer.x + outer.width + slack &&
  inner.y + inner.height <= outer.y + outer.height + slack;

/** What the map's SVG shows, measured with getBoundingClientRect and getComputedStyle. */
function measure(page: Page): Promise<Drawn> {
  return page.getByTestId("service-map").evaluate((svg) => {
    const rect = (e: Element): Rect => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const union = (a: Rect, b: Rect): Rect => {
      const x = Math.min(a.x, b.x);
      const y = Math.min(a.y, b.y);
      return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
    };
    const fontPx = (e: Element) => parseFloat(getComputedStyle(e).fontSize) * ((e as SVGGraphicsElement).getScreenCTM()?.a ?? 1);
    const all = (testId: string) => [...svg.querySelectorAll(`[data-testid="${testId}"]`)];
    return {
      nodes: all("service-map-node").map((g) => {
        const text = g.querySelector("text")!;
        return { id: g.getAttribute("data-node") ?? "", box: rect(g), text: rect(text), fontPx: fontPx(text) };
      }),
      labels: all("service-map-edge-label").map((g) => {
        const card = rect(g.querySelector(":scope > rect")!);
        const text = g.querySelector("text")!;
        // The label is its card and its text (should the text spill over); its leader is a line, not part of the box.
        return { edge: g.getAttribute("data-edge") ?? "", box: union(card, rect(text)), card, text: rect(text), fontPx: fontPx(text) };
      }),
      edges: all("service-map-edge").map((path) => {
        const p = path as SVGPathElement;
        const ctm = p.getScreenCTM()!;
        const length = p.getTotalLength();
        const points = Array.from({ length: 201 }, (_, i) => {
          const at = p.getPointAtLength((length * i) / 200);
          return { x: ctm.a * at.x + ctm.c * at.y + ctm.e, y: ctm.b * at.x + ctm.d * at.y + ctm.f };
        });
        return { edge: path.getAttribute("data-edge") ?? "", points };
      }),
      fontPx: [...svg.querySelectorAll("text")].map(fontPx),
      width: svg.getBoundingClientRect().width,
      frame: svg.parentElement!.clientWidth,
    };
  });
}

describe("Observe's service map, as drawn", () => {
  let browser: Browser;
  let shopper: Page;
  let admin: Page;
  let shopperErrors: string[] = [];
  let adminErrors: string[] = [];

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

  it("lets a shopper order twice, confirmed by the saga", async () => {
    for (let i = 0; i < 2; i++) expect(await placeOrder(shopper, PRODUCT.sku, PRODUCT.name)).not.toBe("");
  });

  it("draws the map with no label on a node or a label, no edge through a node, no text under 13 px", async () => {
    const problem = admin.getByRole("main").getByRole("alert");
    const edgesTable = admin.getByRole("table", { name: "Edges" });
    const noCall = admin.getByRole("status").filter({ hasText: /^No call/ });
    await admin.goto("/admin/");
    await admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Observe" }).click();
    await admin.getByRole("navigation", { name: "Observe" }).getByRole("link", { name: "Service map" }).click();

    // Refreshed until the traces of the orders have arrived: the order service sends to the queue,
    // the projector receives from it.
    await expect
      .poll(
        async () => {
          const answer = admin.waitForResponse((r) => new URL(r.url()).pathname === "/api/admin/observe/service-map");
          await admin.getByRole("button", { name: "Refresh" }).click();
          await answer;
          await edgesTable.or(noCall).or(problem).first().waitFor();
          const problems = (await problem.allTextContents()).join(" ");
          if (problems) return `the map says: ${problems}`;
          const drawn = await admin.getByTestId("service-map-edge").evaluateAll((paths) => paths.map((p) => p.getAttribute("data-edge")));
          const wanted = ["order → shop-events.fifo", "shop-events.fifo → stock-projector"];
          return wanted.every((e) => drawn.includes(e)) ? "the hop through the queue" : `edges: ${drawn.join(", ")}`;
        },
        { timeout: 60_000, interval: 2_000, message: "the service map, with the order's hop through the queue" },
      )
      .toBe("the hop through the queue");

    const drawn = await measure(admin);
    const rows = await edgesTable.getByRole("row").count();
    expect(drawn.labels.length, "a label per edge in the table (rows less the header)").toBe(rows - 1);
    expect(drawn.edges.length).toBe(drawn.labels.length);
    expect(drawn.nodes.length).toBeGreaterThanOrEqual(5);
    console.log(
      `service map: ${drawn.nodes.length} nodes (${drawn.nodes.map((n) => n.id).join(", ")}), ${drawn.edges.length} edges, ` +
        `${Math.round(drawn.width)} px wide in a ${drawn.frame} px frame`,
    );

    const found: string[] = [];
    drawn.labels.forEach((label, i) => {
      for (const node of drawn.nodes) if (overlap(label.box, node.box)) found.push(`${label.edge}'s label covers ${node.id}`);
      drawn.labels.forEach((other, j) => {
        if (j > i && overlap(label.box, other.box)) found.push(`${label.edge}'s label covers ${other.edge}'s`);
      });
      if (!contains(label.card, label.text)) found.push(`${label.edge}'s text spills out of its card`);
    });
    for (const node of drawn.nodes) {
      for (const other of drawn.nodes) if (other.id > node.id && overlap(node.box, other.box)) found.push(`${node.id} covers ${other.id}`);
    }
    // An edge may touch the nodes it connects; any other node it must not enter (a pixel of slack for antialiasing).
    for (const { edge, points } of drawn.edges) {
      const [from, to] = edge.split(" → ");
      for (const node of drawn.nodes) {
        if (node.id === from || node.id === to) continue;
        const inner = { x: node.box.x + 1, y: node.box.y + 1, width: node.box.width - 2, height: node.box.height - 2 };
        const hit = points.find((p) => p.x > inner.x && p.x < inner.x + inner.width && p.y > inner.y && p.y < inner.y + inner.height);
        if (hit) found.push(`${edge} runs through ${node.id} at ${Math.round(hit.x)},${Math.round(hit.y)}`);
      }
    }
    expect(found).toEqual([]);

    // Text: nothing under 13 px as drawn, names at 14, each name inside its node's shape.
    expect(drawn.fontPx.length).toBe(drawn.nodes.length + drawn.labels.length);
    expect(Math.min(...drawn.fontPx), "the smallest text on the map, in px").toBeGreaterThanOrEqual(13);
    for (const node of drawn.nodes) {
      expect(node.fontPx, `${node.id}'s name, in px`).toBeGreaterThanOrEqual(14);
      const shape = await admin.locator(`[data-testid="service-map-node"][data-node="${node.id}"] > :is(rect, path)`).first().boundingBox();
      expect(shape && contains(shape, node.text), `${node.id}'s name inside its shape`).toBe(true);
    }
    for (const label of drawn.labels) expect(label.fontPx, `${label.edge}'s label, in px`).toBeGreaterThanOrEqual(13);

    await admin.getByTestId("service-map").scrollIntoViewIfNeeded();
    await screenshot(admin, "map-01-service-map");
    // The drawing alone, at its full size even where its frame scrolls.
    await admin.getByTestId("service-map").screenshot({ path: join(artifacts, "map-02-service-map-drawing.png") });
  }, 120_000);
});
