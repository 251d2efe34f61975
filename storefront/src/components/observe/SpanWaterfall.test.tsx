import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { SpanView } from "@/api/observe";
import { SpanWaterfall } from "./SpanWaterfall";

const span = (id: string, parent: string | null, more: Partial<SpanView>): SpanView => ({
  span_id: id.repeat(16).slice(0, 16),
  parent_span_id: parent && parent.repeat(16).slice(0, 16),
  service: "order",
  name: id,
  kind: "internal",
  start: "2026-11-29T10:00:00Z",
  start_offset_ms: 0,
  duration_ms: 100,
  status: "unset",
  status_message: null,
  attributes: {},
  events: [],
  links: [],
  ...more,
});

const spans = [
  span("a", null, { name: "checkout", service: "storefront", duration_ms: 200 }),
  span("b", "a", { name: "send shop-events.fifo", kind: "producer", start_offset_ms: 20, duration_ms: 10, attributes: { "messaging.destination.name": "shop-events.fifo" } }),
  span("c", "b", { name: "receive", kind: "consumer", service: "stock-projector", start_offset_ms: 50, duration_ms: 50, status: "error", status_message: "deadlock detected" }),
];

describe("SpanWaterfall", () => {
  it("shows the queue between a producer and its consumer, and a failed span in red with its message", () => {
    const html = renderToStaticMarkup(<SpanWaterfall spans={spans} linkedSpan={null} />);
    expect(html).toContain('aria-label="Spans"');
    expect(html).toContain("⇢ shop-events.fifo");
    expect(html).toContain("producer → consumer through the queue shop-events.fifo");
    expect(html).toMatch(/bg-red-600"[^>]*style="left:25%;width:25%"/);
    expect(html).toContain("deadlock detected");
    expect(html).not.toContain("Attributes");
  });

  it("opens the span a log line linked to", () => {
    const html = renderToStaticMarkup(<SpanWaterfall spans={spans} linkedSpan={"c".repeat(16)} />);
    expect(html).toContain('aria-expanded="true"');
    expect(html).toContain("Delivered through the queue");
    expect(html).toContain("Attributes");
  });

  it("shows any attribute value as text and a kind it does not know as it is", () => {
    const odd = span("d", null, {
      name: "batch",
      kind: "scheduler",
      attributes: { "order.skus": ["TEA-1", "MUG-2"], "batch.size": 2, "batch.retry": false, "batch.meta": { by: "cron" } },
      events: [{ name: "retry", time: "2026-11-29T10:00:00.050Z", attributes: { "retry.reason": null } }],
    });
    const html = renderToStaticMarkup(<SpanWaterfall spans={[odd]} linkedSpan={"d".repeat(16)} />);
    expect(html).toContain(">scheduler</span>");
    expect(html).toContain("[&quot;TEA-1&quot;,&quot;MUG-2&quot;]");
    expect(html).toMatch(/>batch\.size<\/dt><dd[^>]*>2<\/dd>/);
    expect(html).toMatch(/>batch\.retry<\/dt><dd[^>]*>false<\/dd>/);
    expect(html).toContain("{&quot;by&quot;:&quot;cron&quot;}");
    expect(html).toMatch(/>retry\.reason<\/dt><dd[^>]*>null<\/dd>/);
    expect(html).not.toContain("[object Object]");
  });
});
