import { describe, expect, it } from "vitest";
import type { SpanView } from "@/api/observe";
import { barOf, traceExtent, waterfallRows } from "./waterfall";

const span = (id: string, parent: string | null, start: number, more: Partial<SpanView> = {}): SpanView => ({
  span_id: id.padEnd(16, "0"),
  parent_span_id: parent && parent.padEnd(16, "0"),
  service: "order",
  name: id,
  kind: "internal",
  start: "2026-11-29T10:00:00Z",
  start_offset_ms: start,
  duration_ms: 10,
  status: "unset",
  status_message: null,
  attributes: {},
  events: [],
  links: [],
  ...more,
});

const names = (spans: SpanView[]) => waterfallRows(spans).map((r) => `${"  ".repeat(r.depth)}${r.span.name}`);

describe("waterfallRows", () => {
  it("puts children under their parent, siblings and roots by start, whatever order they came in", () => {
    const spans = [span("b", "root", 5), span("a1", "a", 3), span("orphan", "gone", 1), span("a", "root", 2), span("root", null, 0)];
    expect(names(spans)).toEqual(["root", "  a", "    a1", "  b", "orphan"]);
  });

  it("names the queue between a producer and its consumer, from either side", () => {
    const spans = [
      span("send", null, 0, { kind: "producer", service: "order", attributes: { "messaging.destination.name": "shop-events.fifo" } }),
      span("receive", "send", 40, { kind: "consumer", service: "stock-projector" }),
      span("apply", "receive", 41, { kind: "consumer", attributes: { "messaging.destination.name": "other" } }),
    ];
    const rows = waterfallRows(spans);
    expect(rows.map((r) => r.queue)).toEqual([null, "shop-events.fifo", null]);
    expect(rows[1]!.parent?.name).toBe("send");
  });

  it("calls the queue just that when neither side names it as a string", () => {
    const spans = [
      span("send", null, 0, { kind: "producer", attributes: { "messaging.destination.name": 42 } }),
      span("receive", "send", 40, { kind: "consumer", attributes: { "messaging.destination.name": "" } }),
      span("other", null, 50, { kind: "producer", attributes: { "messaging.destination.name": ["shop-events.fifo"] } }),
      span("named", "other", 60, { kind: "consumer", attributes: { "messaging.destination.name": "" } }),
    ];
    expect(waterfallRows(spans).map((r) => r.queue)).toEqual([null, "queue", null, "queue"]);
  });

  it("takes the queue's name from the producer when the consumer's is empty", () => {
    const spans = [
      span("send", null, 0, { kind: "producer", attributes: { "messaging.destination.name": "shop-events.fifo" } }),
      span("receive", "send", 40, { kind: "consumer", attributes: { "messaging.destination.name": "" } }),
    ];
    expect(waterfallRows(spans)[1]!.queue).toBe("shop-events.fifo");
  });

  it("shows each span once even when parents form a cycle", () => {
    const spans = [span("x", "y", 0), span("y", "x", 1), span("self", "self", 2)];
    const rows = waterfallRows(spans);
    expect(rows.map((r) => r.span.name).sort()).toEqual(["self", "x", "y"]);
    expect(rows.find((r) => r.span.name === "self")!.depth).toBe(0);
  });
});

describe("bars", () => {
  const spans = [span("root", null, 0, { duration_ms: 200 }), span("late", "root", 150, { duration_ms: 100 })];

  it("span the trace from its first start to its last end", () => {
    expect(traceExtent(spans)).toEqual({ start: 0, end: 250, total: 250 });
  });

  it("sit at their offset with their duration's width, in percent", () => {
    const extent = traceExtent(spans);
    expect(barOf(spans[0]!, extent)).toEqual({ left: 0, width: 80 });
    expect(barOf(spans[1]!, extent)).toEqual({ left: 60, width: 40 });
  });

  it("stay inside the track", () => {
    expect(barOf({ start_offset_ms: 90, duration_ms: 50 }, { start: 0, total: 100 })).toEqual({ left: 90, width: 10 });
    expect(barOf({ start_offset_ms: -5, duration_ms: -1 }, { start: 0, total: 100 })).toEqual({ left: 0, width: 0 });
  });
});
