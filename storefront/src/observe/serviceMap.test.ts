// The service map's geometry, measured: labels cover no node and no other label, edges run
// through no node they do not connect, text is at least 13 px and fits its box, on the shop's
// own graph, a denser one with every kind of route, and random graphs (issue 31).
import { describe, expect, it } from "vitest";
import type { MapEdge, MapNode } from "@/api/observe";
import {
  columnsOf,
  edgeLabel,
  edgeLabelLines,
  flatten,
  layoutMap,
  overlaps,
  segmentHitsBox,
  textWidth,
  type Box,
  type MapLayout,
  type PlacedNode,
} from "./serviceMap";

const edge = (from: string, to: string, more: Partial<MapEdge> = {}): MapEdge => ({
  from,
  to,
  requests: 10,
  per_minute: 2,
  error_rate: 0,
  p99_ms: 40,
  ...more,
});

const shop = [
  edge("storefront", "gateway"),
  edge("gateway", "order"),
  edge("gateway", "product"),
  edge("order", "shop-events.fifo"),
  edge("shop-events.fifo", "stock-projector"),
  edge("order", "postgres"),
  edge("stock-projector", "postgres"),
];

/** The graph a learner saw in issue 31: the order service also calls the projector past the queue. */
const typical: { nodes: MapNode[]; edges: MapEdge[] } = {
  nodes: [
    { id: "shop-events.fifo", kind: "queue" },
    { id: "postgresql", kind: "database" },
  ],
  edges: [
    edge("admin", "postgresql", { per_minute: 1.6, p99_ms: 17 }),
    edge("admin", "shop-events.fifo", { per_minute: 1.6, p99_ms: 34 }),
    edge("gateway", "admin", { per_minute: 7.5, p99_ms: 72 }),
    edge("gateway", "order", { per_minute: 3, p99_ms: 2548 }),
    edge("gateway", "product", { per_minute: 8.4, error_rate: 0.048, p99_ms: 12016 }),
    edge("order", "postgresql", { per_minute: 2.9, p99_ms: 2505 }),
    edge("order", "shop-events.fifo", { per_minute: 2.9, p99_ms: 29 }),
    edge("order", "stock-projector", { per_minute: 3, p99_ms: 91 }),
    edge("shop-events.fifo", "stock-projector", { per_minute: 4.5, p99_ms: 0.4 }),
    edge("stock-projector", "postgresql", { per_minute: 5.9, p99_ms: 2512 }),
    edge("storefront", "gateway", { per_minute: 0.5, p99_ms: 11185 }),
  ],
};

/** More of everything: two databases, a load generator, cycles, a self-call. */
const dense: { nodes: MapNode[]; edges: MapEdge[] } = {
  nodes: [...typical.nodes, { id: "event-store", kind: "database" }],
  edges: [
    ...typical.edges,
    edge("loadgen", "gateway", { per_minute: 30, error_rate: 0.2, p99_ms: 900 }),
    edge("loadgen", "storefront", { per_minute: 12, p99_ms: 120 }),
    edge("product", "postgresql", { per_minute: 8, p99_ms: 3 }),
    edge("stock-projector", "order", { per_minute: 1, p99_ms: 12 }),
    edge("order", "event-store", { per_minute: 3, p99_ms: 6 }),
    edge("stock-projector", "event-store", { per_minute: 4, error_rate: 0.01, p99_ms: 7 }),
    edge("admin", "product"),
    edge("order", "order", { per_minute: 0.2, p99_ms: 4 }),
    edge("otlp-receiver", "postgresql", { per_minute: 60, p99_ms: 2 }),
    edge("admin", "order", { per_minute: 1, error_rate: 0.5, p99_ms: 8 }),
    edge("gateway", "storefront", { per_minute: 0.1, p99_ms: 3 }),
  ],
};

/** The box shrunk by `by` on every side: what an edge grazing a node's border does not enter. */
const inset = (b: Box, by: number): Box => ({ x: b.x + by, y: b.y + by, width: b.width - 2 * by, height: b.height - 2 * by });

/** Every way the layout could be unreadable, as messages; none is what the map promises. */
function problems(layout: MapLayout): string[] {
  const found: string[] = [];
  const name = (i: number) => `${layout.edges[i]!.edge.from} → ${layout.edges[i]!.edge.to}`;
  const inside = (b: Box) => b.x >= 0 && b.y >= 0 && b.x + b.width <= layout.width && b.y + b.height <= layout.height;

  layout.edges.forEach(({ label }, i) => {
    if (!inside(label)) found.push(`${name(i)}'s label leaves the drawing`);
    for (const node of layout.nodes) if (overlaps(label, node)) found.push(`${name(i)}'s label covers ${node.id}`);
    layout.edges.forEach(({ label: other }, j) => {
      if (j > i && overlaps(label, other)) found.push(`${name(i)}'s label covers ${name(j)}'s`);
    });
    if (label.leader) {
      const { from, to } = label.leader;
      for (const node of layout.nodes) if (segmentHitsBox(from, to, node)) found.push(`${name(i)}'s leader crosses ${node.id}`);
      layout.edges.forEach(({ label: other }, j) => {
        if (j !== i && segmentHitsBox(from, to, other)) found.push(`${name(i)}'s leader crosses ${name(j)}'s label`);
      });
    }
  });

  layout.edges.forEach(({ edge, start, curves }, i) => {
    const points = flatten(start, curves, 64);
    for (const node of layout.nodes) {
      if (node.id === edge.from || node.id === edge.to) continue;
      for (let k = 1; k < points.length; k++)
        if (segmentHitsBox(points[k - 1]!, points[k]!, inset(node, 0.5))) {
          found.push(`${name(i)} runs through ${node.id}`);
          break;
        }
    }
    for (const p of points)
      if (p.x < 0 || p.y < 0 || p.x > layout.width || p.y > layout.height) {
        found.push(`${name(i)} leaves the drawing`);
        break;
      }
  });

  // Nor is the drawing bigger than what it holds: a small margin on every side, no empty band.
  const points = layout.edges.flatMap(({ start, curves }) => flatten(start, curves).map((p) => ({ ...p, width: 0, height: 0 })));
  const held = [...layout.nodes, ...layout.edges.map((e) => e.label), ...points];
  const margins = {
    left: Math.min(...held.map((b) => b.x)),
    top: Math.min(...held.map((b) => b.y)),
    right: layout.width - Math.max(...held.map((b) => b.x + b.width)),
    bottom: layout.height - Math.max(...held.map((b) => b.y + b.height)),
  };
  for (const [side, margin] of Object.entries(margins)) if (margin > 24) found.push(`${Math.round(margin)} px empty on the ${side}`);

  for (const node of layout.nodes) {
    if (!inside(node)) found.push(`${node.id} leaves the drawing`);
    for (const other of layout.nodes) if (other.id > node.id && overlaps(node, other)) found.push(`${node.id} covers ${other.id}`);
  }
  return found;
}

/** Every piece of text, its size and whether its box holds it. */
function textProblems(layout: MapLayout): string[] {
  const found: string[] = [];
  const fits = (node: PlacedNode) => textWidth(node.name, node.fontSize, true) + (node.kind === "queue" ? 20 : 0) <= node.width;
  for (const node of layout.nodes) {
    if (node.fontSize < 14) found.push(`${node.id} is named in ${node.fontSize} px`);
    if (!fits(node)) found.push(`${node.id}'s name is wider than its box`);
    if (node.height < node.fontSize * 1.5) found.push(`${node.id} is too low for its name`);
  }
  for (const { edge, label } of layout.edges) {
    if (label.fontSize < 13) found.push(`${edge.from} → ${edge.to} is labelled in ${label.fontSize} px`);
    if (label.lineHeight < label.fontSize) found.push(`${edge.from} → ${edge.to}'s lines overlap`);
    const widest = Math.max(...label.lines.map((l) => textWidth(l, label.fontSize)));
    if (widest > label.width) found.push(`${edge.from} → ${edge.to}'s label is wider than its box`);
    if (label.lines.length * label.lineHeight > label.height) found.push(`${edge.from} → ${edge.to}'s label is taller than its box`);
  }
  return found;
}

/** The same numbers every run: a small linear congruential generator. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("the checks themselves", () => {
  it("see boxes that overlap and lines that cross a box, and nothing else", () => {
    const box = { x: 10, y: 10, width: 20, height: 10 };
    expect(overlaps(box, { x: 29, y: 19, width: 5, height: 5 })).toBe(true);
    expect(overlaps(box, { x: 30, y: 10, width: 5, height: 5 })).toBe(false);
    expect(segmentHitsBox({ x: 0, y: 0 }, { x: 40, y: 30 }, box)).toBe(true);
    expect(segmentHitsBox({ x: 0, y: 25 }, { x: 40, y: 25 }, box)).toBe(false);
    expect(segmentHitsBox({ x: 15, y: 12 }, { x: 16, y: 13 }, box)).toBe(true);
  });

  it("find a label on a node, a label on a label, and an edge through a node", () => {
    const layout = layoutMap(typical);
    const [a, b] = layout.edges;
    const order = layout.nodes.find((n) => n.id === "order")!;
    const moved = {
      ...layout,
      edges: [
        { ...a!, label: { ...a!.label, x: order.x, y: order.y } },
        { ...b!, label: { ...b!.label, x: order.x + 200, y: order.y + 200 } },
        { ...layout.edges[2]!, label: { ...layout.edges[2]!.label, x: order.x + 210, y: order.y + 210 } },
      ],
    };
    expect(problems(moved)).toEqual(
      expect.arrayContaining([
        "admin → postgresql's label covers order",
        "admin → shop-events.fifo's label covers gateway → admin's",
      ]),
    );
    const straight = layoutMap({ nodes: [], edges: [edge("a", "b"), edge("b", "c"), edge("a", "c")] });
    const ac = straight.edges[2]!;
    const middle = straight.nodes.find((n) => n.id === "b")!;
    const centre = { x: middle.x + middle.width / 2, y: middle.y + middle.height / 2 };
    const end = ac.curves.at(-1)!.to;
    const line = (p: typeof end) => ({ c1: p, c2: p, to: p });
    const through = { ...straight, edges: [{ ...ac, curves: [line(centre), line(end)] }] };
    expect(problems(through)).toContain("a → c runs through b");
  });
});

describe("columnsOf", () => {
  it("places each node at the longest path that reaches it from a source", () => {
    const ids = ["storefront", "gateway", "order", "product", "shop-events.fifo", "stock-projector", "postgres"];
    expect(Object.fromEntries(columnsOf(ids, shop))).toEqual({
      storefront: 0,
      gateway: 1,
      order: 2,
      product: 2,
      "shop-events.fifo": 3,
      "stock-projector": 4,
      postgres: 5,
    });
  });

  it("leaves out the edge that closes a cycle, and ignores self-calls", () => {
    const columns = columnsOf(["a", "b", "c"], [edge("a", "b"), edge("b", "c"), edge("c", "b"), edge("c", "c")]);
    expect(Object.fromEntries(columns)).toEqual({ a: 0, b: 1, c: 2 });
    const ring = columnsOf(["x", "y"], [edge("x", "y"), edge("y", "x")]);
    expect(Object.fromEntries(ring)).toEqual({ x: 0, y: 1 });
  });
});

describe("layoutMap", () => {
  it("draws every node an edge names, kinds kept, left to right by column", () => {
    const layout = layoutMap(typical);
    const node = (id: string) => layout.nodes.find((n) => n.id === id)!;
    expect(layout.nodes.map((n) => n.id).sort()).toEqual(
      ["admin", "gateway", "order", "postgresql", "product", "shop-events.fifo", "stock-projector", "storefront"].sort(),
    );
    expect(node("shop-events.fifo").kind).toBe("queue");
    expect(node("postgresql").kind).toBe("database");
    expect(node("gateway").kind).toBe("service");
    expect(node("gateway").x).toBeGreaterThan(node("storefront").x + node("storefront").width);
    expect(node("stock-projector").x).toBeGreaterThan(node("shop-events.fifo").x + node("shop-events.fifo").width);
    expect(node("order").x).toBe(node("product").x);
    expect(node("order").y).not.toBe(node("product").y);
  });

  it("keeps the shop's graph readable: no label on a node or a label, no edge through a node, inside the drawing", () => {
    const layout = layoutMap(typical);
    expect(problems(layout)).toEqual([]);
    expect(textProblems(layout)).toEqual([]);
    // Drawn one to one, it fits the page's column (1120 px at a 1280 px window) without scrolling.
    expect(layout.width).toBeLessThanOrEqual(1118);
  });

  it("runs order → stock-projector around the queue, not through it (issue 31)", () => {
    const layout = layoutMap(typical);
    const queue = layout.nodes.find((n) => n.id === "shop-events.fifo")!;
    const skip = layout.edges.find((e) => e.edge.from === "order" && e.edge.to === "stock-projector")!;
    expect(skip.route).toBe("forward");
    const points = flatten(skip.start, skip.curves, 64);
    // Where it passes the queue's column, it is above or below the queue, clear of it.
    const passing = points.filter((p) => p.x >= queue.x && p.x <= queue.x + queue.width);
    expect(passing.length).toBeGreaterThan(0);
    for (const p of passing) expect(p.y < queue.y - 10 || p.y > queue.y + queue.height + 10, `${p.x},${p.y}`).toBe(true);
  });

  it("keeps a denser graph readable, with edges forward, backward and to itself", () => {
    const layout = layoutMap(dense);
    expect(new Set(layout.edges.map((e) => e.route))).toEqual(new Set(["forward", "backward", "self"]));
    expect(problems(layout)).toEqual([]);
    expect(textProblems(layout)).toEqual([]);
  });

  it("starts each edge on its source's side and ends it on its target's, arrows apart", () => {
    for (const layout of [layoutMap(typical), layoutMap(dense)]) {
      const at = new Map(layout.nodes.map((n) => [n.id, n]));
      const onSide = (p: { x: number; y: number }, n: PlacedNode) =>
        (Math.abs(p.x - n.x) < 0.11 || Math.abs(p.x - (n.x + n.width)) < 0.11) && p.y > n.y && p.y < n.y + n.height;
      const ends = new Set<string>();
      for (const { edge, start, curves, route } of layout.edges) {
        const end = curves.at(-1)!.to;
        const from = at.get(edge.from)!;
        // A self-call leaves from the node's top, over its corner; every other edge from a side.
        const onTop = route === "self" && start.y === from.y && start.x > from.x && start.x < from.x + from.width;
        expect(onSide(start, from) || onTop, `${edge.from} → ${edge.to} starts on ${edge.from}`).toBe(true);
        expect(onSide(end, at.get(edge.to)!), `${edge.from} → ${edge.to} ends on ${edge.to}`).toBe(true);
        if (route === "forward") expect(end.x).toBeGreaterThan(start.x);
        if (route === "backward") expect(end.x).toBeLessThan(start.x);
        // No two arrowheads meet at one point.
        expect(ends.has(`${end.x},${end.y}`), `${edge.from} → ${edge.to}'s arrowhead`).toBe(false);
        ends.add(`${end.x},${end.y}`);
      }
    }
  });

  it("holds for any graph: random ones of 2 to 10 nodes and up to 18 edges", () => {
    const next = random(31);
    for (let round = 0; round < 40; round++) {
      const count = 2 + Math.floor(next() * 9);
      const ids = Array.from({ length: count }, (_, i) => ["svc", "queue-", "db-", "worker-"][i % 4]! + i);
      const kind = (id: string) => (id.startsWith("queue") ? "queue" : id.startsWith("db") ? "database" : "service");
      const nodes: MapNode[] = ids.map((id) => ({ id, kind: kind(id) }));
      const edges: MapEdge[] = [];
      const seen = new Set<string>();
      for (let e = Math.floor(next() * 18) + 1; e > 0; e--) {
        const from = ids[Math.floor(next() * count)]!;
        const to = ids[Math.floor(next() * count)]!;
        if (seen.has(`${from}>${to}`)) continue;
        seen.add(`${from}>${to}`);
        edges.push(edge(from, to, { per_minute: next() * 80, error_rate: next() < 0.3 ? next() : 0, p99_ms: next() * 20000 }));
      }
      const layout = layoutMap({ nodes, edges });
      const graph = edges.map((e) => `${e.from}>${e.to}`).join(" ");
      expect(problems(layout), graph).toEqual([]);
      expect(textProblems(layout), graph).toEqual([]);
    }
  });

  it("cuts a long name with an ellipsis, its box still holding it", () => {
    const layout = layoutMap({ nodes: [], edges: [edge("a-service-with-a-very-long-name-indeed", "b")] });
    const long = layout.nodes.find((n) => n.id.startsWith("a-"))!;
    expect(long.name).toMatch(/^a-service-with-a-very.*…$/);
    expect(long.name.length).toBeLessThan(long.id.length);
    expect(textProblems(layout)).toEqual([]);
  });

  it("labels each edge with its rate, errors and p99", () => {
    expect(edgeLabel({ per_minute: 12.4, error_rate: 0.005, p99_ms: 38.2 })).toBe("12/min · 0.5% err · p99 38 ms");
    expect(edgeLabel({ per_minute: 0.25, error_rate: 0, p99_ms: 4 })).toBe("0.3/min · 0% err · p99 4 ms");
    expect(edgeLabelLines({ per_minute: 3, error_rate: 0.25, p99_ms: 1234.5 })).toEqual(["3/min · 25% err", "p99 1235 ms"]);
    const layout = layoutMap(typical);
    const product = layout.edges.find((e) => e.edge.to === "product")!;
    expect(product.label.lines).toEqual(["8.4/min · 4.8% err", "p99 12016 ms"]);
  });
});
