// The service map's geometry, as pure functions the view only draws: each node's box, each edge's
// path and where its label goes. Nodes stand in columns by the longest path that reaches them
// from a source (a node nothing calls), so calls flow left to right; an edge that skips columns
// passes each one it crosses through a gap kept free for it, so it never runs through a node it
// does not connect. Each label is placed along its edge (on the line, beside it, or standing off
// with a leader) where it covers no node and no other label, crossing as few lines as it can;
// while some label finds no such place, the rows are spread and the gaps between columns widened,
// which always makes room in the end. The graph comes from the traces (OTLP locally, X-Ray's
// service graph on AWS), so nothing here knows the shop's own services. Sizes are in SVG user
// units, drawn one to one as CSS pixels, so the text sizes here are the sizes read.
import type { MapEdge, MapNode, MapNodeKind } from "@/api/observe";

export type Point = { x: number; y: number };
export type Box = { x: number; y: number; width: number; height: number };
/** A cubic Bézier from the previous curve's end (or the edge's start) through c1 and c2 to `to`. */
export type Cubic = { c1: Point; c2: Point; to: Point };

/** Text sizes in CSS pixels: names read at 14, nothing on the map under 13 (issue 31). */
export const FONT = { node: 14, label: 13, labelLine: 16 } as const;
const NODE_HEIGHT = 40;
const NODE_PAD_X = 10;
const MIN_NODE_WIDTH = 96;
/** Longer names are cut with an ellipsis; the node's title holds the whole one. */
const MAX_NAME = 24;
/** The flat ends of the queue's pipe: its name is centred on the part left of the right end. */
export const QUEUE_END = 10;
/** Arrowheads' length: a label keeps this far off a node's sides, where arrows point in. */
export const ARROW = 10;
const LABEL_PAD = { x: 6, y: 3 };
/** Clearance kept around nodes (sides: room for an arrowhead) and between labels. */
const NODE_CLEARANCE = { x: ARROW + 2, y: 4 };
const LABEL_CLEARANCE = 4;
/** Vertical room between neighbours in a column: two nodes, a node and a passing edge, two edges. */
const SEPARATION = { nodes: 56, nodeEdge: 28, edges: 18 } as const;
/** Each failed attempt that does not widen a gap spreads the rows by this factor, up to ROOMIEST. */
const ROW_STEP = 1.2;
const ROOMIEST = 2;
/** A gap between columns starts this wide and grows by the step while a label finds no place. */
const GAP = 64;
const GAP_STEP = 24;
const MAX_ATTEMPTS = 200;
/** A self-call's loop: how far along the node's top it starts and about how far it stands out. */
const SELF_LOOP = 14;
const PAD = 16;

export type PlacedNode = Box & {
  id: string;
  kind: MapNodeKind;
  column: number;
  /** The name as drawn: cut with "…" past MAX_NAME characters. */
  name: string;
  fontSize: number;
};

/**
 * How an edge runs: right to a later column, left to an earlier one (it closes a cycle), or from
 * a node to itself. Never within a column: a call puts its target in a later column unless it
 * closes a cycle, and then its target, an ancestor, is in an earlier one.
 */
export type Route = "forward" | "backward" | "self";

export type EdgeLabel = Box & {
  lines: [string, string];
  fontSize: number;
  lineHeight: number;
  /** When the label stands off its line: from the point on the line to the label's side. */
  leader?: { from: Point; to: Point };
};

export type RoutedEdge = {
  edge: MapEdge;
  route: Route;
  start: Point;
  curves: Cubic[];
  /** The same as an SVG path's d. */
  path: string;
  /** The label's box, its text centred in it, line under line. */
  label: EdgeLabel;
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

// Advance widths in ems, rounded up from DejaVu Sans (the widest of the common sans-serif faces,
// and Linux's default), so text measured here is never wider on screen than its box.
const NARROW = new Set("ijl.,:;'|!·");
const SLIM = new Set("frt-/()[] ");
const WIDE = new Set("mwMW%@…");

/** Text's width in pixels at `size`, an upper bound for the sans-serif faces browsers pick. */
export function textWidth(text: string, size: number, bold = false): number {
  let ems = 0;
  for (const c of text) ems += NARROW.has(c) ? 0.34 : SLIM.has(c) ? 0.42 : WIDE.has(c) ? 1 : /[A-Z]/.test(c) ? 0.8 : 0.64;
  return ems * size * (bold ? 1.15 : 1);
}

const nameOf = (id: string) => (id.length > MAX_NAME ? `${id.slice(0, MAX_NAME - 1)}…` : id);

/** A node wide enough for its name at FONT.node in bold, with the queue's end cap beside it. */
const nodeWidth = (id: string, kind: MapNodeKind) =>
  Math.ceil(Math.max(MIN_NODE_WIDTH, textWidth(nameOf(id), FONT.node, true) + 2 * NODE_PAD_X + (kind === "queue" ? 2 * QUEUE_END : 0)));

/** True when the boxes share more than an edge. */
export const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const inflate = (b: Box, dx: number, dy: number): Box => ({ x: b.x - dx, y: b.y - dy, width: b.width + 2 * dx, height: b.height + 2 * dy });

/** The edge as a polyline, `steps` points per curve after its start: what tests and placement measure. */
export function flatten(start: Point, curves: readonly Cubic[], steps = 16): Point[] {
  const points = [start];
  let p0 = start;
  for (const { c1, c2, to } of curves) {
    for (let i = 1; i <= steps; i++) {
      const t = i / steps;
      const u = 1 - t;
      const [a, b, c, d] = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
      points.push({ x: a * p0.x + b * c1.x + c * c2.x + d * to.x, y: a * p0.y + b * c1.y + c * c2.y + d * to.y });
    }
    p0 = to;
  }
  return points;
}

/** Whether the segment from p to q touches the inside of the box (Liang–Barsky clipping). */
export function segmentHitsBox(p: Point, q: Point, box: Box): boolean {
  const right = box.x + box.width;
  const bottom = box.y + box.height;
  // Most segments lie wholly to one side: no clipping needed (and nothing allocated, as this runs often).
  if (Math.max(p.x, q.x) <= box.x || Math.min(p.x, q.x) >= right) return false;
  if (Math.max(p.y, q.y) <= box.y || Math.min(p.y, q.y) >= bottom) return false;
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  let t0 = 0;
  let t1 = 1;
  for (let side = 0; side < 4; side++) {
    const den = side === 0 ? -dx : side === 1 ? dx : side === 2 ? -dy : dy;
    const num = side === 0 ? p.x - box.x : side === 1 ? right - p.x : side === 2 ? p.y - box.y : bottom - p.y;
    if (den === 0) {
      if (num <= 0) return false;
      continue;
    }
    const t = num / den;
    if (den < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 >= t1) return false;
  }
  return true;
}

type Item = { key: string; column: number; height: number; node?: string };

/** Appends v to the list m keeps under k. */
function link<V>(m: Map<string, V[]>, k: string, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A column's items, top to bottom, ordered so fewer edges cross (barycentre sweeps, best kept). */
function orderColumns(byColumn: string[][], left: Map<string, string[]>, right: Map<string, string[]>): string[][] {
  const positions = (columns: string[][]) => new Map(columns.flatMap((members) => members.map((k, i) => [k, i] as const)));
  const crossings = (columns: string[][]) => {
    const at = positions(columns);
    let count = 0;
    for (const members of columns) {
      const links = members.flatMap((k) => (right.get(k) ?? []).map((to) => [at.get(k)!, at.get(to)!] as const));
      for (let i = 0; i < links.length; i++)
        for (let j = i + 1; j < links.length; j++) {
          const [a1, b1] = links[i]!;
          const [a2, b2] = links[j]!;
          if ((a1 - a2) * (b1 - b2) < 0) count++;
        }
    }
    return count;
  };
  let columns = byColumn.map((m) => [...m]);
  let best = columns;
  let fewest = crossings(columns);
  for (let sweep = 0; sweep < 8 && fewest > 0; sweep++) {
    const down = sweep % 2 === 0;
    columns = columns.map((m) => [...m]);
    const order = down ? columns.map((_, c) => c).slice(1) : columns.map((_, c) => c).reverse().slice(1);
    for (const c of order) {
      const at = positions(columns);
      const members = columns[c]!;
      const key = new Map(
        members.map((k, i) => {
          const next = (down ? left.get(k) : right.get(k)) ?? [];
          return [k, next.length ? next.reduce((s, n) => s + at.get(n)!, 0) / next.length : i] as const;
        }),
      );
      columns[c] = members.map((k, i) => ({ k, i })).sort((a, b) => key.get(a.k)! - key.get(b.k)! || a.i - b.i).map(({ k }) => k);
    }
    const count = crossings(columns);
    if (count < fewest) [best, fewest] = [columns, count];
  }
  return best;
}

/**
 * Least-squares fit of `wanted` under order constraints: y[i+1] ≥ y[i] + offset[i+1] − offset[i]
 * (pool adjacent violators over y − offset).
 */
function fitInOrder(wanted: number[], offset: number[]): number[] {
  const blocks: { sum: number; count: number }[] = [];
  for (let i = 0; i < wanted.length; i++) {
    blocks.push({ sum: wanted[i]! - offset[i]!, count: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!;
      const prev = blocks[blocks.length - 2]!;
      if (prev.sum / prev.count <= last.sum / last.count) break;
      blocks.pop();
      prev.sum += last.sum;
      prev.count += last.count;
    }
  }
  const out: number[] = [];
  for (const { sum, count } of blocks) for (let i = 0; i < count; i++) out.push(sum / count + offset[out.length]!);
  return out;
}

/** Each item's vertical centre: in its column's order, kept apart, and near the items it links to. */
function placeRows(columns: string[][], items: Map<string, Item>, neighbours: Map<string, string[]>, spread: number): Map<string, number> {
  const offsets = columns.map((members) => {
    const offset = [0];
    for (let i = 1; i < members.length; i++) {
      const a = items.get(members[i - 1]!)!;
      const b = items.get(members[i]!)!;
      const gap = a.node && b.node ? SEPARATION.nodes : a.node || b.node ? SEPARATION.nodeEdge : SEPARATION.edges;
      offset.push(offset[i - 1]! + (a.height + b.height) / 2 + gap * spread);
    }
    return offset;
  });
  const y = new Map<string, number>();
  columns.forEach((members, c) => {
    const offset = offsets[c]!;
    const middle = offset[offset.length - 1]! / 2;
    members.forEach((k, i) => y.set(k, offset[i]! - middle));
  });
  for (let round = 0; round < 24; round++) {
    const order = round % 2 === 0 ? columns.map((_, c) => c) : columns.map((_, c) => c).reverse();
    for (const c of order) {
      const members = columns[c]!;
      const wanted = members.map((k) => {
        const next = neighbours.get(k) ?? [];
        return next.length ? next.reduce((s, n) => s + y.get(n)!, 0) / next.length : y.get(k)!;
      });
      fitInOrder(wanted, offsets[c]!).forEach((v, i) => y.set(members[i]!, v));
    }
  }
  return y;
}

/** The curve from p to q across a gap: level at both ends, so it leaves and enters sideways. */
const across = (p: Point, q: Point): Cubic => {
  const mid = (p.x + q.x) / 2;
  return { c1: { x: mid, y: p.y }, c2: { x: mid, y: q.y }, to: q };
};

/** A straight run from p to q, as a cubic. */
const straight = (p: Point, q: Point): Cubic => ({
  c1: { x: p.x + (q.x - p.x) / 3, y: p.y + (q.y - p.y) / 3 },
  c2: { x: p.x + (2 * (q.x - p.x)) / 3, y: p.y + (2 * (q.y - p.y)) / 3 },
  to: q,
});

type Candidate = { box: Box; rank: number; leader?: { from: Point; to: Point } };

/** Steps by which a label may stand off its line, above or under it, tied to it by a leader. */
const STANDOFF = { step: 8, steps: 10 } as const;

/**
 * Where a label of `size` may go along the polyline, best first: centred on the line from its
 * middle outwards, then sitting just above or under it, then standing further off with a leader
 * from the line to the label.
 */
function labelCandidates(points: Point[], size: { width: number; height: number }): Candidate[] {
  const lengths = [0];
  for (let i = 1; i < points.length; i++)
    lengths.push(lengths[i - 1]! + Math.hypot(points[i]!.x - points[i - 1]!.x, points[i]!.y - points[i - 1]!.y));
  const total = lengths[lengths.length - 1]!;
  const at = (f: number): Point => {
    const target = f * total;
    let i = 1;
    while (i < lengths.length - 1 && lengths[i]! < target) i++;
    const [a, b] = [points[i - 1]!, points[i]!];
    const span = lengths[i]! - lengths[i - 1]!;
    const t = span > 0 ? (target - lengths[i - 1]!) / span : 0;
    return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
  };
  const fractions = [0.5];
  for (let d = 0.04; d <= 0.4 + 1e-9; d += 0.04) fractions.push(0.5 - d, 0.5 + d);
  const out: Candidate[] = [];
  const { width, height } = size;
  fractions.forEach((f, i) => {
    const p = at(f);
    const x = p.x - width / 2;
    out.push({ box: { x, y: p.y - height / 2, width, height }, rank: i });
    for (let k = 0; k <= STANDOFF.steps; k++) {
      const off = 1 + k * STANDOFF.step;
      const rank = i + 4 + 3 * k;
      const above: Candidate = { box: { x, y: p.y - off - height, width, height }, rank };
      const below: Candidate = { box: { x, y: p.y + off, width, height }, rank };
      if (k > 0) {
        above.leader = { from: p, to: { x: p.x, y: p.y - off } };
        below.leader = { from: p, to: { x: p.x, y: p.y + off } };
      }
      out.push(above, below);
    }
  });
  return out.sort((a, b) => a.rank - b.rank);
}

/** Whether the segments ab and cd cross. */
function segmentsCross(a: Point, b: Point, c: Point, d: Point): boolean {
  const side = (p: Point, q: Point, r: Point) => Math.sign((q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x));
  return side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Every node in its column, every edge routed between them and labelled where nothing else is. */
export function layoutMap(map: { nodes: readonly MapNode[]; edges: readonly MapEdge[] }): MapLayout {
  const kinds = new Map<string, MapNodeKind>(map.nodes.map((n) => [n.id, n.kind]));
  for (const { from, to } of map.edges) {
    for (const id of [from, to]) if (!kinds.has(id)) kinds.set(id, "service");
  }
  const ids = [...kinds.keys()].sort();
  const column = columnsOf(ids, map.edges);
  const columnCount = ids.length ? Math.max(...column.values()) + 1 : 0;
  const col = (id: string) => column.get(id) ?? 0;

  // The items of each column: its nodes, and a point for each edge that crosses it.
  const items = new Map<string, Item>();
  const byColumn: string[][] = Array.from({ length: columnCount }, () => []);
  for (const id of ids) {
    items.set(id, { key: id, column: col(id), height: NODE_HEIGHT, node: id });
    byColumn[col(id)]!.push(id);
  }
  const routes: Route[] = [];
  /** Per edge, its items from the leftmost column to the rightmost (empty for a self-call). */
  const chains: string[][] = [];
  map.edges.forEach((edge, i) => {
    const [a, b] = [col(edge.from), col(edge.to)];
    routes.push(edge.from === edge.to ? "self" : a < b ? "forward" : "backward");
    if (edge.from === edge.to) {
      chains.push([]);
      return;
    }
    const [lo, hi] = a < b ? [edge.from, edge.to] : [edge.to, edge.from];
    const chain = [lo];
    for (let c = col(lo) + 1; c < col(hi); c++) {
      const key = `\u0000${i}@${c}`;
      items.set(key, { key, column: c, height: 0 });
      byColumn[c]!.push(key);
      chain.push(key);
    }
    chain.push(hi);
    chains.push(chain);
  });
  const left = new Map<string, string[]>();
  const right = new Map<string, string[]>();
  const neighbours = new Map<string, string[]>();
  for (const chain of chains)
    for (let i = 1; i < chain.length; i++) {
      link(right, chain[i - 1]!, chain[i]!);
      link(left, chain[i]!, chain[i - 1]!);
      link(neighbours, chain[i - 1]!, chain[i]!);
      link(neighbours, chain[i]!, chain[i - 1]!);
    }
  const columns = orderColumns(byColumn, left, right);
  let spread = 1;
  let centre = placeRows(columns, items, neighbours, spread);
  const cy = (key: string) => centre.get(key)!;

  const widths = columns.map((members) =>
    Math.max(MIN_NODE_WIDTH, ...members.filter((k) => items.get(k)!.node).map((k) => nodeWidth(k, kinds.get(k)!))),
  );
  // The gap right of each column; the last one's only holds the loops of its nodes' self-calls.
  const loopsIn = (c: number) => routes.some((r, i) => r === "self" && col(map.edges[i]!.from) === c);
  const gaps: number[] = columns.map((_, c) => (c < columnCount - 1 || loopsIn(c) ? GAP : 0));
  const sizes = map.edges.map((edge) => {
    const lines = edgeLabelLines(edge);
    return {
      lines,
      width: Math.ceil(Math.max(...lines.map((l) => textWidth(l, FONT.label))) + 2 * LABEL_PAD.x),
      height: lines.length * FONT.labelLine + 2 * LABEL_PAD.y,
    };
  });

  // Lay out with the rows and gaps as they are; while a label has no free place, spread the rows
  // (every other attempt, up to ROOMIEST) or widen a gap its edge crosses (the narrowest), which
  // moves the edges there apart, and lay out again. A gap wide enough holds its edges' labels side
  // by side, so this ends; MAX_ATTEMPTS only bounds the work.
  let attempt = 0;
  for (;;) {
    const xs: number[] = [];
    columns.forEach((_, c) => xs.push(c === 0 ? 0 : xs[c - 1]! + widths[c - 1]! + gaps[c - 1]!));
    const nodes: PlacedNode[] = ids.map((id) => {
      const c = col(id);
      return {
        id,
        kind: kinds.get(id)!,
        column: c,
        name: nameOf(id),
        fontSize: FONT.node,
        x: xs[c]!,
        y: cy(id) - NODE_HEIGHT / 2,
        width: widths[c]!,
        height: NODE_HEIGHT,
      };
    });
    const at = new Map(nodes.map((n) => [n.id, n]));

    // Ports: the edges meeting a node's side spread over its middle, in the order of where they
    // come from, so arrows do not meet in one point and lines do not cross at the node.
    type Port = { edge: number; end: "start" | "end"; toward: number };
    const sides = new Map<string, Port[]>();
    const attach = (id: string, side: "left" | "right", port: Port) => link(sides, `${id}\u0000${side}`, port);
    map.edges.forEach((edge, i) => {
      const chain = chains[i]!;
      const next = (k: number) => cy(chain[k]!);
      switch (routes[i]) {
        case "forward":
          attach(edge.from, "right", { edge: i, end: "start", toward: next(1) });
          attach(edge.to, "left", { edge: i, end: "end", toward: next(chain.length - 2) });
          break;
        case "backward":
          attach(edge.from, "left", { edge: i, end: "start", toward: next(chain.length - 2) });
          attach(edge.to, "right", { edge: i, end: "end", toward: next(1) });
          break;
      }
    });
    const ports = new Map<string, Point>();
    for (const [key, list] of sides) {
      const [id, side] = key.split("\u0000") as [string, "left" | "right"];
      const node = at.get(id)!;
      list.sort((a, b) => a.toward - b.toward || a.edge - b.edge || (a.end === "start" ? -1 : 1));
      list.forEach((port, k) =>
        ports.set(`${port.edge}:${port.end}`, {
          x: side === "left" ? node.x : node.x + node.width,
          y: node.y + node.height * (0.2 + (0.6 * (k + 0.5)) / list.length),
        }),
      );
    }

    // Paths: across each gap a level-ended curve, across each column crossed a straight run at the
    // height kept free for it; a self-call loops over its node's corner, into the gap and back.
    const geometry = map.edges.map((edge, i) => {
      const route = routes[i]!;
      if (route === "self") {
        // Over the node's top right corner: out of its top, back into its side above every port.
        const node = at.get(edge.from)!;
        const right = node.x + node.width;
        const start = { x: right - SELF_LOOP, y: node.y };
        const end = { x: right, y: node.y + 5 };
        return { start, curves: [{ c1: { x: start.x, y: node.y - 2 * SELF_LOOP }, c2: { x: right + 2 * SELF_LOOP, y: end.y }, to: end }] };
      }
      const start = ports.get(`${i}:start`)!;
      const end = ports.get(`${i}:end`)!;
      const chain = chains[i]!;
      const inner = chain.slice(1, -1);
      const runs = (route === "forward" ? inner : inner.reverse()).map((k) => {
        const c = items.get(k)!.column;
        const [x1, x2] = route === "forward" ? [xs[c]!, xs[c]! + widths[c]!] : [xs[c]! + widths[c]!, xs[c]!];
        return [
          { x: x1, y: cy(k) },
          { x: x2, y: cy(k) },
        ];
      });
      const points = [start, ...runs.flat(), end];
      const curves: Cubic[] = [];
      for (let k = 1; k < points.length; k++) {
        const [p, q] = [points[k - 1]!, points[k]!];
        curves.push(k % 2 === 1 ? across(p, q) : straight(p, q));
      }
      return { start, curves };
    });
    const polylines = geometry.map(({ start, curves }) => flatten(start, curves));

    // Labels: the most hemmed-in edges choose first; each takes the best place that covers no node
    // and no label already placed, preferring the middle of its line and crossing few other lines.
    const nodeObstacles = nodes.map((n) => inflate(n, NODE_CLEARANCE.x, NODE_CLEARANCE.y));
    const clear = ({ box, leader }: Candidate, obstacles: Box[]) =>
      !obstacles.some((o) => overlaps(box, o) || (leader && segmentHitsBox(leader.from, leader.to, o)));
    const candidates = map.edges.map((_, i) => labelCandidates(polylines[i]!, sizes[i]!).filter((c) => clear(c, nodeObstacles)));
    const bounds = polylines.map((points) => {
      const xs = points.map((p) => p.x);
      const ys = points.map((p) => p.y);
      const x = Math.min(...xs);
      const y = Math.min(...ys);
      // A point's width around the line, so a level line still has a box to meet.
      return inflate({ x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y }, 1, 1);
    });
    /** How many other edges run under the box or across the leader. */
    const crossed = ({ box, leader }: Candidate, except: number) => {
      const reach = leader
        ? inflate({ ...box, y: Math.min(box.y, leader.from.y), height: box.height + Math.abs(leader.to.y - leader.from.y) }, 1, 1)
        : box;
      return polylines.filter((points, j) => {
        if (j === except || !overlaps(bounds[j]!, reach)) return false;
        for (let k = 1; k < points.length; k++) {
          if (segmentHitsBox(points[k - 1]!, points[k]!, box)) return true;
          if (leader && segmentsCross(points[k - 1]!, points[k]!, leader.from, leader.to)) return true;
        }
        return false;
      }).length;
    };
    const placed = new Map<number, Candidate>();
    const failed: number[] = [];
    const order = map.edges.map((_, i) => i).sort((a, b) => candidates[a]!.length - candidates[b]!.length || a - b);
    for (const i of order) {
      const taken = [...placed.values()];
      const others = taken.map(({ box }) => inflate(box, LABEL_CLEARANCE, LABEL_CLEARANCE));
      let best: { candidate: Candidate; cost: number } | undefined;
      for (const candidate of candidates[i]!) {
        // Ranks only grow: past the best cost found, no later candidate can beat it.
        if (best && candidate.rank >= best.cost) break;
        if (!clear(candidate, others)) continue;
        if (taken.some(({ leader }) => leader && segmentHitsBox(leader.from, leader.to, candidate.box))) continue;
        const cost = candidate.rank + 40 * crossed(candidate, i);
        if (!best || cost < best.cost) best = { candidate, cost };
      }
      if (best) placed.set(i, best.candidate);
      else failed.push(i);
    }

    if (failed.length && attempt++ < MAX_ATTEMPTS) {
      if (attempt % 2 === 1 && spread < ROOMIEST) {
        spread = Math.min(ROOMIEST, spread * ROW_STEP);
        centre = placeRows(columns, items, neighbours, spread);
        continue;
      }
      const widen = new Set<number>();
      for (const i of failed) {
        const { from, to } = map.edges[i]!;
        const [lo, hi] = [Math.min(col(from), col(to)), Math.max(col(from), col(to))];
        const spanned = lo === hi ? [lo] : Array.from({ length: hi - lo }, (_, k) => lo + k);
        widen.add(spanned.reduce((a, b) => (gaps[b]! < gaps[a]! ? b : a)));
      }
      for (const c of widen) gaps[c] = gaps[c]! + GAP_STEP;
      continue;
    }

    // Everything shifted so the drawing starts PAD from the top left, its size what it covers.
    const boxes: Box[] = [...nodes, ...[...placed.values()].map(({ box }) => box), ...bounds];
    const extent = (from: (b: Box) => number, to: (b: Box) => number) =>
      boxes.length ? [Math.min(...boxes.map(from)), Math.max(...boxes.map(to))] : [0, 0];
    const [left, right] = extent((b) => b.x, (b) => b.x + b.width) as [number, number];
    const [top, bottom] = extent((b) => b.y, (b) => b.y + b.height) as [number, number];
    const dx = PAD - left;
    const dy = PAD - top;
    const move = (p: Point): Point => ({ x: round1(p.x + dx), y: round1(p.y + dy) });
    const width = Math.ceil(right - left + 2 * PAD);
    const height = Math.ceil(bottom - top + 2 * PAD);
    return {
      width,
      height,
      nodes: nodes.map((n) => ({ ...n, ...move(n) })),
      edges: map.edges.map((edge, i) => {
        const start = move(geometry[i]!.start);
        const curves = geometry[i]!.curves.map(({ c1, c2, to }) => ({ c1: move(c1), c2: move(c2), to: move(to) }));
        const { box, leader } = placed.get(i) ?? candidates[i]?.[0] ?? { box: { x: start.x, y: start.y, ...sizes[i]! } };
        return {
          edge,
          route: routes[i]!,
          start,
          curves,
          path: `M${start.x},${start.y} ${curves.map(({ c1, c2, to }) => `C${c1.x},${c1.y} ${c2.x},${c2.y} ${to.x},${to.y}`).join(" ")}`,
          label: {
            x: round1(box.x + dx),
            y: round1(box.y + dy),
            width: sizes[i]!.width,
            height: sizes[i]!.height,
            lines: sizes[i]!.lines,
            fontSize: FONT.label,
            lineHeight: FONT.labelLine,
            ...(leader ? { leader: { from: move(leader.from), to: move(leader.to) } } : {}),
          },
        };
      }),
    };
  }
}
