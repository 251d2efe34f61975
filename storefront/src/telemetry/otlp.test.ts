import { describe, expect, it } from "vitest";
import { exportRequest, nanos, type SpanRecord } from "./otlp";

const root: SpanRecord = {
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  parentSpanId: null,
  name: "checkout",
  kind: "internal",
  startNs: "1764410400000000000",
  endNs: "1764410400250500000",
  attributes: { order_id: "o-1", "checkout.lines": 2, ratio: 0.5, left: false },
  status: { code: "ok" },
};

const child: SpanRecord = {
  ...root,
  spanId: "b7ad6b7169203331",
  parentSpanId: root.spanId,
  name: "POST /api/orders",
  kind: "client",
  attributes: {},
  status: { code: "error", message: "HTTP 503" },
};

describe("OTLP JSON", () => {
  it("keeps nanosecond times exact, as strings", () => {
    expect(nanos(1764410400000.25)).toBe("1764410400000250000");
    expect(nanos(1764410400123)).toBe("1764410400123000000");
  });

  it("is one resource, the storefront, with its spans' ids, kinds, times, attributes and status", () => {
    expect(exportRequest([root, child])).toEqual({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "storefront" } }] },
          scopeSpans: [
            {
              scope: { name: "storefront" },
              spans: [
                {
                  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
                  spanId: "00f067aa0ba902b7",
                  parentSpanId: "",
                  name: "checkout",
                  kind: 1,
                  startTimeUnixNano: "1764410400000000000",
                  endTimeUnixNano: "1764410400250500000",
                  attributes: [
                    { key: "order_id", value: { stringValue: "o-1" } },
                    { key: "checkout.lines", value: { intValue: "2" } },
                    { key: "ratio", value: { doubleValue: 0.5 } },
                    { key: "left", value: { boolValue: false } },
                  ],
                  status: { code: 1 },
                },
                {
                  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
                  spanId: "b7ad6b7169203331",
                  parentSpanId: "00f067aa0ba902b7",
                  name: "POST /api/orders",
                  kind: 3,
                  startTimeUnixNano: "1764410400000000000",
                  endTimeUnixNano: "1764410400250500000",
                  attributes: [],
                  status: { code: 2, message: "HTTP 503" },
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it("writes every kind as the protobuf enum's number, and an unset status as 0", () => {
    const kinds = (["internal", "server", "client", "producer", "consumer"] as const).map((kind) => {
      const [span] = exportRequest([{ ...root, kind, status: undefined }]).resourceSpans[0]!.scopeSpans[0]!.spans;
      return [span!.kind, span!.status.code];
    });
    expect(kinds).toEqual([[1, 0], [2, 0], [3, 0], [4, 0], [5, 0]]);
  });
});
