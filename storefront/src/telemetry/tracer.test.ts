import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ExportRequest } from "./otlp";
import { createTracer } from "./tracer";

const URL = "http://127.0.0.1:4318/v1/traces";

/** A fetch that answers `status` (or fails) and records what was exported. */
function receiver(answer: number | "offline" | "throws" = 200) {
  const exports: { url: string; init: RequestInit; body: ExportRequest }[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init: RequestInit = {}) => {
    if (answer === "throws") throw new TypeError("keepalive quota");
    exports.push({ url: String(url), init, body: JSON.parse(init.body as string) as ExportRequest });
    if (answer === "offline") throw new TypeError("Failed to fetch");
    return new Response("{}", { status: answer });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, exports, calls: fetch };
}

const spansOf = (body: ExportRequest) => body.resourceSpans[0]!.scopeSpans[0]!.spans;

let clock = 1_764_410_400_000;
const now = () => clock;

beforeEach(() => {
  vi.useFakeTimers();
  clock = 1_764_410_400_000;
});
afterEach(() => vi.useRealTimers());

describe("tracer", () => {
  it("makes children of the parent's trace, each with its own span id and traceparent", () => {
    const tracer = createTracer({ now });
    const root = tracer.startSpan("checkout");
    const child = tracer.startSpan("POST /api/orders", { kind: "client", parent: root });
    expect(child.traceId).toBe(root.traceId);
    expect(child.spanId).not.toBe(root.spanId);
    expect(child.traceparent).toBe(`00-${root.traceId}-${child.spanId}-01`);
    expect(child.record().parentSpanId).toBe(root.spanId);
    expect(root.record().parentSpanId).toBeNull();
  });

  it("batches finished spans and POSTs them as OTLP JSON, keepalive", async () => {
    const { fetch, exports } = receiver();
    const tracer = createTracer({ fetch, now, delayMs: 1000 });
    tracer.configure(URL);
    const root = tracer.startSpan("checkout", { attributes: { order_id: "o-1" } });
    const child = tracer.startSpan("GET /api/orders/{id}", { kind: "client", parent: root });
    clock += 12.5;
    child.end();
    clock += 100;
    root.end({ code: "ok" });
    expect(exports).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(exports).toHaveLength(1);
    const [{ url, init, body }] = exports as [(typeof exports)[number]];
    expect(url).toBe(URL);
    expect(init).toMatchObject({ method: "POST", keepalive: true, headers: { "content-type": "application/json" } });
    const [first, second] = spansOf(body);
    expect(first).toMatchObject({ name: "GET /api/orders/{id}", kind: 3, parentSpanId: root.spanId, status: { code: 0 } });
    expect(BigInt(first!.endTimeUnixNano) - BigInt(first!.startTimeUnixNano)).toBe(12_500_000n);
    expect(second).toMatchObject({ name: "checkout", kind: 1, parentSpanId: "", status: { code: 1 } });
    expect(second!.attributes).toEqual([{ key: "order_id", value: { stringValue: "o-1" } }]);
  });

  it("sends a full batch at once, and everything on flush", async () => {
    const { fetch, exports } = receiver();
    const tracer = createTracer({ fetch, now, batchSize: 2 });
    tracer.configure(URL);
    for (const name of ["a", "b", "c"]) tracer.startSpan(name).end();
    expect(exports.map((e) => spansOf(e.body).map((s) => s.name))).toEqual([["a", "b"]]);
    tracer.flush();
    expect(exports.map((e) => spansOf(e.body).map((s) => s.name))).toEqual([["a", "b"], ["c"]]);
  });

  it("keeps spans until it knows where to send them, and drops them when it is told not to export", async () => {
    const { fetch, exports } = receiver();
    const early = createTracer({ fetch, now });
    early.startSpan("before the config").end();
    await vi.advanceTimersByTimeAsync(5000);
    expect(exports).toHaveLength(0);
    early.configure(URL);
    await vi.advanceTimersByTimeAsync(1000);
    expect(exports.flatMap((e) => spansOf(e.body).map((s) => s.name))).toEqual(["before the config"]);

    const off = createTracer({ fetch, now });
    off.startSpan("queued").end();
    off.configure(null);
    off.startSpan("later").end();
    off.flush();
    await vi.advanceTimersByTimeAsync(5000);
    expect(exports).toHaveLength(1);
  });

  it("ends a span once, and ignores attributes set after", async () => {
    const { fetch, exports } = receiver();
    const tracer = createTracer({ fetch, now });
    tracer.configure(URL);
    const span = tracer.startSpan("once");
    span.end({ code: "error", message: "boom" });
    span.setAttribute("late", true);
    span.end();
    expect(span.ended).toBe(true);
    tracer.flush();
    expect(spansOf(exports[0]!.body)).toMatchObject([{ name: "once", attributes: [], status: { code: 2, message: "boom" } }]);
  });

  it.each([503, "offline", "throws"] as const)("swallows a failed export (%s) and exports nothing more", async (answer) => {
    const { fetch, calls } = receiver(answer);
    const tracer = createTracer({ fetch, now });
    tracer.configure(URL);
    tracer.startSpan("first").end();
    expect(() => tracer.flush()).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
    tracer.startSpan("second").end();
    tracer.flush();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveBeenCalledTimes(1);
  });

  it("resumes a span from its stored record, ending it with its first start", async () => {
    const { fetch, exports } = receiver();
    const tracer = createTracer({ fetch, now });
    tracer.configure(URL);
    const begun = tracer.startSpan("checkout");
    const stored = JSON.parse(JSON.stringify(begun.record()));
    clock += 800;
    const resumed = tracer.resume(stored);
    expect(resumed.traceparent).toBe(begun.traceparent);
    resumed.end();
    tracer.flush();
    const [span] = spansOf(exports[0]!.body);
    expect(span!.spanId).toBe(begun.spanId);
    expect(BigInt(span!.endTimeUnixNano) - BigInt(span!.startTimeUnixNano)).toBe(800_000_000n);
  });
});
