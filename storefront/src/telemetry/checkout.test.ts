import { describe, expect, it, vi } from "vitest";
import { checkoutTraces } from "./checkout";
import type { ExportRequest } from "./otlp";
import { createTracer } from "./tracer";

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    storage: {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    },
  };
}

function setup() {
  const bodies: ExportRequest[] = [];
  const fetch = vi.fn(async (_url: string | URL | Request, init: RequestInit = {}) => {
    bodies.push(JSON.parse(init.body as string) as ExportRequest);
    return new Response("{}");
  }) as unknown as typeof globalThis.fetch;
  const tracer = createTracer({ fetch });
  tracer.configure("http://receiver/v1/traces");
  const { data, storage } = memoryStorage();
  const checkouts = checkoutTraces(() => storage, tracer);
  const exported = () => {
    tracer.flush();
    return bodies.flatMap((b) => b.resourceSpans[0]!.scopeSpans[0]!.spans);
  };
  return { tracer, checkouts, data, exported };
}

describe("checkout traces", () => {
  it("carry the checkout span from the cart to the order page, by order id", () => {
    const { tracer, checkouts, data, exported } = setup();
    const span = tracer.startSpan("checkout");
    span.setAttribute("order_id", "o-1");
    checkouts.remember("o-1", span);
    expect([...data.keys()]).toEqual(["shop.checkout-trace.o-1"]);

    const resumed = checkouts.resume("o-1");
    expect(resumed?.traceparent).toBe(span.traceparent);
    expect(checkouts.resume("o-2")).toBeNull();
    expect(exported()).toEqual([]);
  });

  it("end the span once, when the order is decided, and forget it", () => {
    const { tracer, checkouts, data, exported } = setup();
    const span = tracer.startSpan("checkout");
    checkouts.remember("o-1", span);
    checkouts.end("o-1", { "order.status": "confirmed" }, { code: "ok" });
    checkouts.end("o-1", { "checkout.left_before_decision": true });
    expect(data.size).toBe(0);
    expect(checkouts.resume("o-1")).toBeNull();
    const spans = exported();
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      spanId: span.spanId,
      name: "checkout",
      status: { code: 1 },
      attributes: [{ key: "order.status", value: { stringValue: "confirmed" } }],
    });
  });

  it("ignore what is stored under their key but is not an open span", () => {
    const { tracer } = setup();
    const stored = (value: unknown) => {
      const { storage } = memoryStorage({ "shop.checkout-trace.o-1": JSON.stringify(value) });
      return checkoutTraces(() => storage, tracer).resume("o-1");
    };
    const valid = { ...tracer.startSpan("checkout").record() };
    expect(stored(valid)).not.toBeNull();
    expect(stored({ ...valid, traceId: "xyz" })).toBeNull();
    expect(stored({ ...valid, endNs: "1" })).toBeNull();
    expect(stored({ ...valid, kind: "weird" })).toBeNull();
    expect(stored("not a span")).toBeNull();
  });

  it("keep working when storage refuses", () => {
    const { tracer } = setup();
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("quota");
      },
      removeItem: () => {
        throw new Error("denied");
      },
    };
    const checkouts = checkoutTraces(() => broken, tracer);
    expect(() => checkouts.remember("o-1", tracer.startSpan("checkout"))).not.toThrow();
    expect(checkouts.resume("o-1")).toBeNull();
    expect(() => checkouts.end("o-1")).not.toThrow();
  });
});
