import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Trace } from "@/api/types";
import { Waterfall } from "./Waterfall";

const trace: Trace = {
  correlation_id: "c-1",
  trace_id: "1-67890abc-def0123456789abcdef01234",
  hops: [
    { name: "request received", service: "order", at: "2026-11-29T10:00:00.000Z", offset_ms: 0, latency_ms: 0, attributes: {} },
    { name: "OrderPlaced appended", service: "event-store", at: "2026-11-29T10:00:00.020Z", offset_ms: 20, latency_ms: 20, attributes: { global_position: "41" } },
    { name: "applied to catalog", service: "stock-projector", at: "2026-11-29T10:00:00.200Z", offset_ms: 200, latency_ms: 180, attributes: {} },
  ],
};

describe("Waterfall", () => {
  const html = renderToStaticMarkup(<Waterfall trace={trace} />);

  it("lists every hop with its service, offset and latency", () => {
    expect(html).toContain("3 hops over 200 ms");
    expect(html).toContain("event-store · at +20 ms");
    expect(html).toMatch(/applied to catalog.*stock-projector · at \+200 ms.*180 ms/);
    expect(html).toContain("global_position");
  });

  it("draws each hop's bar from the previous hop to its own time", () => {
    expect(html).toContain("left:0%;width:10%");
    expect(html).toContain("left:10%;width:90%");
  });
});
