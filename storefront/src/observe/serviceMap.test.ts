import { describe, expect, it } from "vitest";
import type { MapEdge } from "@/api/observe";
import { columnsOf, edgeLabel, edgeLabelLines, layoutMap, NODE } from "./serviceMap";

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
  const layout = layoutMap({
    nodes: [
      { id: "order", kind: "service" },
      { id: "shop-events.fifo", kind: "queue" },
      { id: "postgres", kind: "database" },
    ],
    edges: [...shop, edge("stock-projector", "order")],
  });
  const node = (id: string) => layout.nodes.find((n) => n.id === id)!;

  it("draws every node an edge names, kinds kept, left to right by column", () => {
    expect(layout.nodes).toHaveLength(7);
    expect(node("shop-events.fifo").kind).toBe("queue");
    expect(node("gateway").kind).toBe("service");
    expect(node("gateway").x).toBeGreaterThan(node("storefront").x);
    expect(node("postgres").x).toBeGreaterThan(node("stock-projector").x);
    expect(node("order").x).toBe(node("product").x);
    expect(node("order").y).not.toBe(node("product").y);
    for (const n of layout.nodes) {
      expect(n.x + NODE.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + NODE.height).toBeLessThanOrEqual(layout.height);
    }
  });

  it("runs forward edges from the source's right side to the target's left, and loops backward ones around the nodes", () => {
    const forward = layout.edges.find((e) => e.edge.from === "order" && e.edge.to === "shop-events.fifo")!;
    const from = node("order");
    const to = node("shop-events.fifo");
    expect(forward.loop).toBe(false);
    expect(forward.path.startsWith(`M${from.x + NODE.width},${from.y + NODE.height / 2} `)).toBe(true);
    expect(forward.path.endsWith(` ${to.x},${to.y + NODE.height / 2}`)).toBe(true);
    // order is the top node of its column: the loop goes over, never through product below it.
    expect(node("order").y).toBeLessThan(node("product").y);
    const back = layout.edges.find((e) => e.edge.from === "stock-projector" && e.edge.to === "order")!;
    expect(back.loop).toBe(true);
    expect(back.path.endsWith(` ${node("order").x + NODE.width / 2},${node("order").y}`)).toBe(true);
    expect(back.label.y).toBeLessThan(Math.min(...layout.nodes.map((n) => n.y)));
    expect(back.label.y).toBeGreaterThan(0);
  });

  it("loops an edge into a lower node of its column underneath", () => {
    const { nodes, edges, height } = layoutMap({ nodes: [], edges: [edge("s", "x"), edge("s", "y"), edge("y", "z"), edge("z", "y")] });
    const at = (id: string) => nodes.find((n) => n.id === id)!;
    expect(at("x").x).toBe(at("y").x);
    expect(at("x").y).toBeLessThan(at("y").y);
    const back = edges.find((e) => e.edge.from === "z" && e.edge.to === "y")!;
    expect(back.loop).toBe(true);
    expect(back.path.endsWith(` ${at("y").x + NODE.width / 2},${at("y").y + NODE.height}`)).toBe(true);
    expect(back.label.y).toBeGreaterThan(Math.max(...nodes.map((n) => n.y + NODE.height)));
    expect(back.label.y).toBeLessThan(height);
  });

  it("labels each edge with its rate, errors and p99", () => {
    expect(edgeLabel({ per_minute: 12.4, error_rate: 0.005, p99_ms: 38.2 })).toBe("12/min · 0.5% err · p99 38 ms");
    expect(edgeLabel({ per_minute: 0.25, error_rate: 0, p99_ms: 4 })).toBe("0.3/min · 0% err · p99 4 ms");
    expect(edgeLabelLines({ per_minute: 3, error_rate: 0.25, p99_ms: 1234.5 })).toEqual(["3/min · 25% err", "p99 1235 ms"]);
  });
});
