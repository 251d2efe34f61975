import { describe, expect, it } from "vitest";
import { logsHref, observeTraceHref, orderOfTimeline, traceSearchHref } from "./links";

describe("links", () => {
  it("carry ids and filters in the query string, leaving out the empty ones", () => {
    expect(traceSearchHref("0b7c1a52-5f43-4d4e-9a39-3c2b8f2f8a11")).toBe("/admin/observe/?q=0b7c1a52-5f43-4d4e-9a39-3c2b8f2f8a11");
    expect(traceSearchHref()).toBe("/admin/observe/");
    expect(traceSearchHref("", { minutes: 360, errors: true })).toBe("/admin/observe/?minutes=360&errors=true");
    expect(traceSearchHref("", { filter: 'service("order") { fault }' })).toBe(
      "/admin/observe/?filter=service%28%22order%22%29+%7B+fault+%7D",
    );
    expect(observeTraceHref("ab".repeat(16), "cd".repeat(8))).toBe(`/admin/observe/trace/?id=${"ab".repeat(16)}&span=${"cd".repeat(8)}`);
    expect(observeTraceHref("ab".repeat(16), null)).toBe(`/admin/observe/trace/?id=${"ab".repeat(16)}`);
    expect(logsHref({ query: "fields @message | limit 5", minutes: 15 })).toBe(
      "/admin/observe/logs/?query=fields+%40message+%7C+limit+5&minutes=15",
    );
    expect(logsHref()).toBe("/admin/observe/logs/");
  });
});

describe("orderOfTimeline", () => {
  it("is the id of the first Order stream a hop names", () => {
    const hops: { attributes: Record<string, string> }[] = [
      { attributes: { command: "PlaceOrder" } },
      { attributes: { stream: "Stock:TEA-GREEN" } },
      { attributes: { stream: "Order:0b7c1a52-5f43-4d4e-9a39-3c2b8f2f8a11" } },
    ];
    expect(orderOfTimeline(hops)).toBe("0b7c1a52-5f43-4d4e-9a39-3c2b8f2f8a11");
    expect(orderOfTimeline(hops.slice(0, 2))).toBeNull();
  });
});
