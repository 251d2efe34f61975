// A trace's spans as the waterfall draws them: in tree order (each span under its parent, siblings
// by start), with their depth, and each bar's place on the trace's time axis in percent.
import type { SpanView } from "@/api/observe";
import { attributeName } from "./attributes";

export type WaterfallRow = {
  span: SpanView;
  depth: number;
  parent: SpanView | null;
  /**
   * When the span is a consumer whose parent is a producer (a message through a queue): the
   * queue's name, from `messaging.destination.name` on either side (the consumer's first; "queue"
   * when neither names it as a string); else null.
   */
  queue: string | null;
};

const byStart = (a: SpanView, b: SpanView) => a.start_offset_ms - b.start_offset_ms;

const QUEUE = "messaging.destination.name";

function queueBetween(producer: SpanView | null, consumer: SpanView): string | null {
  if (consumer.kind !== "consumer" || producer?.kind !== "producer") return null;
  return attributeName(consumer.attributes, QUEUE) ?? attributeName(producer.attributes, QUEUE) ?? "queue";
}

/**
 * Every span once, depth first from the roots. A root is a span without a parent or whose parent
 * is not in the trace (not received yet, or from a service that exports nothing); roots and
 * siblings are ordered by start. A span caught in a parent cycle (bad data) is shown as a root.
 */
export function waterfallRows(spans: readonly SpanView[]): WaterfallRow[] {
  const byId = new Map(spans.map((s) => [s.span_id, s]));
  const children = new Map<string, SpanView[]>();
  const roots: SpanView[] = [];
  for (const span of spans) {
    const parentId = span.parent_span_id;
    if (parentId && parentId !== span.span_id && byId.has(parentId)) {
      const siblings = children.get(parentId) ?? [];
      siblings.push(span);
      children.set(parentId, siblings);
    } else {
      roots.push(span);
    }
  }
  for (const siblings of children.values()) siblings.sort(byStart);

  const rows: WaterfallRow[] = [];
  const placed = new Set<string>();
  const visit = (span: SpanView, depth: number, parent: SpanView | null) => {
    if (placed.has(span.span_id)) return;
    placed.add(span.span_id);
    rows.push({ span, depth, parent, queue: queueBetween(parent, span) });
    for (const child of children.get(span.span_id) ?? []) visit(child, depth + 1, span);
  };
  for (const root of [...roots].sort(byStart)) visit(root, 0, null);
  for (const span of [...spans].sort(byStart)) visit(span, 0, null);
  return rows;
}

/** The trace's extent on its own time axis, in ms from its first span (never zero long). */
export function traceExtent(spans: readonly SpanView[]): { start: number; end: number; total: number } {
  if (spans.length === 0) return { start: 0, end: 1, total: 1 };
  const start = Math.min(...spans.map((s) => s.start_offset_ms));
  const end = Math.max(...spans.map((s) => s.start_offset_ms + Math.max(s.duration_ms, 0)));
  const total = Math.max(end - start, 1e-3);
  return { start, end: start + total, total };
}

/** Where a span's bar sits, in percent of the trace: its left edge and width, kept inside 0..100. */
export function barOf(span: Pick<SpanView, "start_offset_ms" | "duration_ms">, extent: { start: number; total: number }) {
  const left = Math.min(Math.max(((span.start_offset_ms - extent.start) / extent.total) * 100, 0), 100);
  const width = Math.min(Math.max((Math.max(span.duration_ms, 0) / extent.total) * 100, 0), 100 - left);
  return { left, width };
}
