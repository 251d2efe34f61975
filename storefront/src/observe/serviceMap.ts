// The service map's drawing: nodes in columns by the longest path that reaches them from a
// source (a node nothing calls), so calls flow left to right; within a column, nodes sit near
// the nodes that call them. An edge that would run backwards (part of a cycle, or within a
// column) loops underneath instead. Sizes are in SVG user units.
import type { MapEdge, MapNode, MapNodeKind } from "@/api/observe";

export const NODE = { width: 128, height: 40 } as const;
/** Room between columns for an edge's label, on two lines. */
const COLUMN_GAP = 120;
const ROW_GAP = 48;
const PAD = 24;
/** Room above or under the nodes for the edges that loop back. */
const LOOP_DEPTH = 56;

export type PlacedNode = { id: string; kind: MapNodeKind; column: number; x: number; y: number };

export type RoutedEdge = {
  edge: MapEdge;
  /** The SVG path from the source's side to the target's. */
  path: string;
  /** Where the label goes: the curve's midpoint. */
  label: { x: number; y: number };
  /**
   * True when the edge runs right to left or within a column: it loops over the nodes when its
   * target is the top one of its column, else under them, so it never rises through another node.
   */
  loop: boolean;
};

export type MapLayout = { width: number; height: number; nodes: PlacedNode[]; edges: RoutedEdge[] };

/**
 * Each node's column: the length of the longest path reaching it from a source. Edges that close
 * a cycle (found by a depth-first search from the sources, in id order) are left out.
 */
export function columnsOf(ids: readonly string[], edges: readonly Pick<MapEdge, "from" | "to">[]): Map<string, number> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const { from, to } of edges) {
    if (from === to || out.get(from)?.includes(to)) continue;
    out.get(from)?.push(to);
    indegree.set(to, (indegree.get(to) ?? 0) + 1);
  }
  for (const targets of out.values()) targets.sort();

  // Depth-first, sources first: an edge into a node still on the stack closes a cycle.
  const state = new Map<string, "open" | "done">();
  const postorder: string[] = [];
  const back = new Set<string>();
  const visit = (id: string) => {
    state.set(id, "open");
    for (const to of out.get(id) ?? []) {
      const seen = state.get(to);
      if (seen === "open") back.add(`${id}\u0000${to}`);
      else if (seen === undefined) visit(to);
    }
    state.set(id, "done");
    postorder.push(id);
  };
  const sorted = [...ids].sort();
  for (const id of sorted) if (indegree.get(id) === 0 && !state.has(id)) visit(id);
  for (const id of sorted) if (!state.has(id)) visit(id);

  // Longest path over the remaining edges, in topological order (reverse postorder).
  const column = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const id of postorder.reverse()) {
    for (const to of out.get(id) ?? []) {
      if (back.has(`${id}\u0000${to}`)) continue;
      column.set(to, Math.max(column.get(to) ?? 0, (column.get(id) ?? 0) + 1));
    }
  }
  return column;
}

/** An edge's label as the map draws it, on two lines: ["12/min · 0.5% err", "p99 38 ms"]. */
export function edgeLabelLines(edge: Pick<MapEdge, "per_minute" | "error_rate" | "p99_ms">): [string, string] {
  const round = (n: number) => (n >= 10 ? n.toFixed(0) : n.toFixed(1).replace(/\.0$/, ""));
  return [`${round(edge.per_minute)}/min · ${round(edge.error_rate * 100)}% err`, `p99 ${round(edge.p99_ms)} ms`];
}

/** "12/min · 0.5% err · p99 38 ms", as each edge is labelled. */
export const edgeLabel = (edge: Pick<MapEdge, "per_minute" | "error_rate" | "p99_ms">) => edgeLabelLines(edge).join(" · ");

/** Every node in its column, every edge routed between them. */
export function layoutMap(map: { nodes: readonly MapNode[]; edges: readonly MapEdge[] }): MapLayout {
  const kinds = new Map<string, MapNodeKind>(map.nodes.map((n) => [n.id, n.kind]));
  for (const { from, to } of map.edges) {
    for (const id of [from, to]) if (!kinds.has(id)) kinds.set(id, "service");
  }
  const ids = [...kinds.keys()];
  const column = columnsOf(ids, map.edges);
  const columnCount = Math.max(0, ...column.values()) + 1;

  // Column by column, each node near the average row of the nodes that call it.
  const row = new Map<string, number>();
  const byColumn: string[][] = Array.from({ length: columnCount }, () => []);
  for (const id of [...ids].sort()) byColumn[column.get(id) ?? 0]!.push(id);
  for (const members of byColumn) {
    const weight = (id: string) => {
      const callers = map.edges.filter((e) => e.to === id && row.has(e.from)).map((e) => row.get(e.from)!);
      return callers.length ? callers.reduce((a, b) => a + b, 0) / callers.length : Number.POSITIVE_INFINITY;
    };
    const weights = new Map(members.map((id) => [id, weight(id)]));
    members.sort((a, b) => weights.get(a)! - weights.get(b)! || a.localeCompare(b));
    members.forEach((id, i) => row.set(id, i));
  }

  const loops = map.edges.filter((e) => (column.get(e.to) ?? 0) <= (column.get(e.from) ?? 0));
  const over = (edge: MapEdge) => row.get(edge.to) === 0;
  const above = loops.some(over) ? LOOP_DEPTH : 0;
  const below = loops.some((e) => !over(e)) ? LOOP_DEPTH : 0;

  const tallest = Math.max(1, ...byColumn.map((members) => members.length));
  const pitch = NODE.height + ROW_GAP;
  const top = PAD + above;
  const nodes: PlacedNode[] = byColumn.flatMap((members, c) =>
    members.map((id, i) => ({
      id,
      kind: kinds.get(id)!,
      column: c,
      x: PAD + c * (NODE.width + COLUMN_GAP),
      y: top + ((tallest - members.length) * pitch) / 2 + i * pitch,
    })),
  );
  const at = new Map(nodes.map((n) => [n.id, n]));
  const bottom = top + tallest * pitch - ROW_GAP;

  const edges: RoutedEdge[] = map.edges.map((edge) => {
    const from = at.get(edge.from)!;
    const to = at.get(edge.to)!;
    if (to.column > from.column) {
      const x1 = from.x + NODE.width;
      const y1 = from.y + NODE.height / 2;
      const x2 = to.x;
      const y2 = to.y + NODE.height / 2;
      const bend = (x2 - x1) / 2;
      return {
        edge,
        path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
        label: { x: (x1 + x2) / 2, y: (y1 + y2) / 2 },
        loop: false,
      };
    }
    // Backwards or within a column: out of the source's top (bottom), over (under) the nodes,
    // into the target's top (bottom).
    const up = over(edge);
    const x1 = from.x + NODE.width / 2 + (from.id === to.id ? -20 : 0);
    const y1 = up ? from.y : from.y + NODE.height;
    const x2 = to.x + NODE.width / 2 + (from.id === to.id ? 20 : 0);
    const y2 = up ? to.y : to.y + NODE.height;
    const turn = up ? top - LOOP_DEPTH * 0.75 : bottom + LOOP_DEPTH * 0.75;
    return {
      edge,
      path: `M${x1},${y1} C${x1},${turn} ${x2},${turn} ${x2},${y2}`,
      // The cubic's midpoint: (P0 + 3 P1 + 3 P2 + P3) / 8.
      label: { x: (x1 + x2) / 2, y: (y1 + y2 + 6 * turn) / 8 },
      loop: true,
    };
  });

  return {
    width: PAD * 2 + columnCount * NODE.width + (columnCount - 1) * COLUMN_GAP,
    height: bottom + PAD + below,
    nodes,
    edges,
  };
}
