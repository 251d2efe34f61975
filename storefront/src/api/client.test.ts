import { afterEach, describe, expect, it, vi } from "vitest";
import { parseTraceparent } from "@/telemetry/ids";
import type { ExportRequest } from "@/telemetry/otlp";
import { createTracer } from "@/telemetry/tracer";
import { ApiError, createApi } from "./client";
import { observeApi } from "./observe";
import { awaitOutcome } from "./outcome";
import type { Order } from "./types";

type Answer = { status?: number; body?: unknown; headers?: Record<string, string> };

/** A fetch that answers from a script and records what the client sent. */
function fakeFetch(...answers: Answer[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(url), init });
    const { status = 200, body, headers = { "content-type": "application/json" } } = answers.shift() ?? {};
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

const header = (init: RequestInit, name: string) => new Headers(init.headers).get(name);

const order = (status: Order["status"], position: number): Order => ({
  order_id: "o-1",
  customer_id: "c",
  status,
  lines: [{ sku: "TEA-GREEN", quantity: 2, unit_price_cents: 1250 }],
  total_cents: 2500,
  reason: status === "rejected" ? "insufficient stock for TEA-GREEN: 2 requested, 1 available" : null,
  placed_at: "2026-11-29T10:00:00Z",
  updated_at: "2026-11-29T10:00:00Z",
  position,
});

describe("api client", () => {
  it("places an order with the bearer token and the idempotency key", async () => {
    const { fetch, calls } = fakeFetch({ status: 202, body: { order_id: "o-1", status: "pending", correlation_id: "c-1", position: 41 } });
    const api = createApi({ fetch, token: async () => "jwt" });
    const accepted = await api.placeOrder([{ sku: "TEA-GREEN", quantity: 2 }], "key-1");
    expect(accepted.position).toBe(41);
    const [{ url, init }] = calls as [(typeof calls)[number]];
    expect(url).toBe("/api/orders");
    expect(init.method).toBe("POST");
    expect(header(init, "authorization")).toBe("Bearer jwt");
    expect(header(init, "idempotency-key")).toBe("key-1");
    expect(header(init, "content-type")).toBe("application/json");
    expect(JSON.parse(init.body as string)).toEqual({ lines: [{ sku: "TEA-GREEN", quantity: 2 }] });
  });

  it("reads the catalog without a token, asking for a position only when given one", async () => {
    const { fetch, calls } = fakeFetch({ body: { items: [] } }, { body: { items: [] } });
    const api = createApi({ fetch });
    await api.products();
    await api.products({ minPosition: 7 });
    expect(calls.map((c) => c.url)).toEqual(["/api/products", "/api/products?min_position=7"]);
    expect(header(calls[0]!.init, "authorization")).toBeNull();
  });

  it("reads an order, asking the server to hold it while its status is the one given", async () => {
    const { fetch, calls } = fakeFetch({ body: order("pending", 41) }, { body: order("confirmed", 44) }, { body: order("confirmed", 44) });
    const api = createApi({ fetch, token: async () => "jwt" });
    await api.order("o-1");
    await api.order("o-1", { waitForChangeFrom: "pending" });
    const { data } = await api.order("o-1", { minPosition: 41, waitForChangeFrom: "pending" });
    expect(data.status).toBe("confirmed");
    expect(calls.map((c) => c.url)).toEqual([
      "/api/orders/o-1",
      "/api/orders/o-1?wait_for_change_from=pending",
      "/api/orders/o-1?min_position=41&wait_for_change_from=pending",
    ]);
    expect(calls.every((c) => header(c.init, "authorization") === "Bearer jwt")).toBe(true);
  });

  it("escapes ids in paths", async () => {
    const { fetch, calls } = fakeFetch({ body: { items: [] } });
    await createApi({ fetch, token: async () => "t" }).streamEvents("Stock", "A/B C");
    expect(calls[0]!.url).toBe("/api/admin/streams/Stock/A%2FB%20C/events");
  });

  it("turns problem+json into an ApiError carrying the server's detail and fields", async () => {
    const problem = {
      type: "about:blank",
      title: "Unprocessable Entity",
      status: 422,
      detail: "lines[0].quantity must be between 1 and 1000",
      errors: [{ field: "lines[0].quantity", message: "must be between 1 and 1000" }],
    };
    const { fetch } = fakeFetch({ status: 422, body: problem, headers: { "content-type": "application/problem+json" } });
    const error = await createApi({ fetch, token: async () => "t" })
      .placeOrder([{ sku: "X1", quantity: 0 }], "k")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem).toEqual(problem);
    expect((error as ApiError).message).toBe(problem.detail);
  });

  it("describes failures that carry no problem document", async () => {
    const { fetch } = fakeFetch({ status: 502, body: undefined, headers: { "content-type": "text/html" } });
    const error = (await createApi({ fetch }).products().catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.problem.detail).toBe("The server answered HTTP 502.");

    const offline = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    const unreachable = (await createApi({ fetch: offline }).products().catch((e: unknown) => e)) as ApiError;
    expect(unreachable.status).toBe(0);
    expect(unreachable.problem.detail).toMatch(/could not be reached/);
  });

  it("times a call made within a trace as a client span, whose traceparent it sends", async () => {
    const exported: ExportRequest[] = [];
    const tracer = createTracer({
      fetch: (async (_url: string, init: RequestInit) => {
        exported.push(JSON.parse(init.body as string) as ExportRequest);
        return new Response("{}");
      }) as unknown as typeof fetch,
    });
    tracer.configure("http://receiver/v1/traces");
    const checkout = tracer.startSpan("checkout");
    const { fetch, calls } = fakeFetch(
      { status: 202, body: { order_id: "o-1", status: "pending", correlation_id: "c-1", position: 41 } },
      { status: 503, body: { type: "about:blank", title: "Service Unavailable", status: 503, detail: "try later" }, headers: { "content-type": "application/problem+json" } },
      { body: { items: [] } },
    );
    const api = createApi({ fetch, token: async () => "jwt", tracer });
    await api.placeOrder([{ sku: "TEA-GREEN", quantity: 1 }], "k", checkout);
    await api.order("o-1", { trace: checkout }).catch(() => undefined);
    await api.products();

    const sent = calls.map((c) => header(c.init, "traceparent"));
    const [post, read] = sent.map((t) => (t ? parseTraceparent(t) : null));
    expect(post?.traceId).toBe(checkout.traceId);
    expect(read?.traceId).toBe(checkout.traceId);
    expect(new Set([post?.spanId, read?.spanId, checkout.spanId]).size).toBe(3);
    expect(sent[2]).toBeNull();

    tracer.flush();
    const spans = exported.flatMap((e) => e.resourceSpans[0]!.scopeSpans[0]!.spans);
    expect(spans.map((s) => [s.name, s.kind, s.spanId, s.parentSpanId, s.status.code])).toEqual([
      ["POST /api/orders", 3, post?.spanId, checkout.spanId, 0],
      ["GET /api/orders/{id}", 3, read?.spanId, checkout.spanId, 2],
    ]);
    expect(spans[1]!.status.message).toBe("try later");
    expect(spans[1]!.attributes).toContainEqual({ key: "http.response.status_code", value: { intValue: "503" } });
  });

  it("reads the Observe routes with the admin's token and their filters", async () => {
    const { fetch, calls } = fakeFetch({ body: {} }, { body: {} }, { body: {} }, { body: {} }, { body: {} }, { body: {} });
    const observe = observeApi(createApi({ fetch, token: async () => "jwt" }));
    await observe.traces({ q: "o-1", minutes: 60, limit: 50, errors: false });
    await observe.traces({ errors: true });
    await observe.trace("4bf92f3577b34da6a3ce929d0e0e4736");
    await observe.serviceMap(15);
    await observe.metrics({ query: 'sum(rate(HttpRequests{Status=~"5.."}[1m]))', minutes: 60, step: 15 });
    await observe.logs({ trace_id: "abc", level: "WARN", q: "", before: "2026-11-29T10:00:00Z" });
    expect(calls.map((c) => c.url)).toEqual([
      "/api/admin/observe/traces?q=o-1&minutes=60&limit=50",
      "/api/admin/observe/traces?errors=true",
      "/api/admin/observe/traces/4bf92f3577b34da6a3ce929d0e0e4736",
      "/api/admin/observe/service-map?minutes=15",
      "/api/admin/observe/metrics?query=sum%28rate%28HttpRequests%7BStatus%3D%7E%225..%22%7D%5B1m%5D%29%29&minutes=60&step=15",
      "/api/admin/observe/logs?trace_id=abc&level=WARN&before=2026-11-29T10%3A00%3A00Z",
    ]);
    expect(calls.every((c) => header(c.init, "authorization") === "Bearer jwt")).toBe(true);
  });

  it("runs the query languages' reads: a Logs Insights query, a trace filter, the saved queries", async () => {
    const { fetch, calls } = fakeFetch({ body: {} }, { body: {} }, { body: { queries: [] } });
    const observe = observeApi(createApi({ fetch, token: async () => "jwt" }));
    await observe.insights({ query: "fields @message | limit 5", minutes: 15, end: "2026-12-07T23:45:00Z" });
    await observe.traces({ filter: 'service("order") { fault }', minutes: 60 });
    expect(await observe.savedQueries()).toEqual({ queries: [] });
    expect(calls.map((c) => c.url)).toEqual([
      "/api/admin/observe/logs/insights?query=fields+%40message+%7C+limit+5&minutes=15&end=2026-12-07T23%3A45%3A00Z",
      "/api/admin/observe/traces?minutes=60&filter=service%28%22order%22%29+%7B+fault+%7D",
      "/api/admin/observe/saved-queries",
    ]);
    expect(calls.every((c) => header(c.init, "authorization") === "Bearer jwt")).toBe(true);
  });

  it("flips a fault switch with PUT, and carries the field a 422 names", async () => {
    const problem = {
      type: "about:blank",
      title: "Unprocessable Entity",
      status: 422,
      detail: "invalid request",
      errors: [{ field: "added_ms", message: "must be between 1 and 10000 milliseconds" }],
    };
    const { fetch, calls } = fakeFetch(
      { body: { name: "slow_database", enabled: true } },
      { status: 422, body: problem, headers: { "content-type": "application/problem+json" } },
    );
    const api = createApi({ fetch, token: async () => "jwt" });
    await api.flipFault("slow_database", { enabled: true, added_ms: 2500 });
    const error = (await api.flipFault("slow_database", { enabled: true, added_ms: 0 }).catch((e: unknown) => e)) as ApiError;
    expect(calls[0]!.url).toBe("/api/admin/faults/slow_database");
    expect(calls[0]!.init.method).toBe("PUT");
    expect(header(calls[0]!.init, "authorization")).toBe("Bearer jwt");
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ enabled: true, added_ms: 2500 });
    expect(error.status).toBe(422);
    expect(error.problem.errors).toEqual(problem.errors);
  });

  it("plays a game day: start, answer, finish, recovery", async () => {
    const { fetch, calls } = fakeFetch({ body: {} }, { status: 201, body: {} }, { body: {} }, { body: {} }, { body: {} });
    const api = createApi({ fetch, token: async () => "jwt" });
    await api.scenarios();
    await api.startScenario("missing-products");
    await api.answerRun("r-1", "product_read_failure");
    await api.finishRun("r-1");
    await api.runRecovery("r-1");
    expect(calls.map((c) => `${c.init.method ?? "GET"} ${c.url}`)).toEqual([
      "GET /api/admin/scenarios",
      "POST /api/admin/scenarios/missing-products/start",
      "POST /api/admin/scenarios/runs/r-1/answer",
      "POST /api/admin/scenarios/runs/r-1/finish",
      "GET /api/admin/scenarios/runs/r-1/recovery",
    ]);
    expect(JSON.parse(calls[2]!.init.body as string)).toEqual({ switch: "product_read_failure" });
    expect(calls.every((c) => header(c.init, "authorization") === "Bearer jwt")).toBe(true);
  });

  it("asks for an image upload, then attaches its key with PUT, as the admin", async () => {
    const upload = { key: "images/products/A%B/1.png", url: "http://s3/x", method: "PUT", headers: {}, expires_at: "2026-12-03T17:00:00Z" };
    const attached = { sku: "A%B", image_url: "/images/products/A%B/1.png", image: null, correlation_id: "c", position: 9 };
    const { fetch, calls } = fakeFetch({ status: 201, body: upload }, { status: 202, body: attached });
    const api = createApi({ fetch, token: async () => "jwt" });
    expect(await api.requestImageUpload("A%B", { content_type: "image/png", size_bytes: 10 })).toEqual(upload);
    expect((await api.attachImage("A%B", upload.key)).position).toBe(9);
    expect(calls.map((c) => `${c.init.method} ${c.url} ${c.init.body}`)).toEqual([
      'POST /api/admin/products/A%25B/image-uploads {"content_type":"image/png","size_bytes":10}',
      'PUT /api/admin/products/A%25B/image {"key":"images/products/A%B/1.png"}',
    ]);
    expect(calls.map((c) => header(c.init, "authorization"))).toEqual(["Bearer jwt", "Bearer jwt"]);
  });

  it("asks the user to sign in before calling a route that needs a token", async () => {
    const { fetch, calls } = fakeFetch();
    const error = (await createApi({ fetch, token: async () => null }).orders().catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(error.problem.detail).toBe("Sign in to continue.");
    expect(calls).toHaveLength(0);
  });
});

describe("awaitOutcome", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("asks the server to hold each read while the order is pending, and asks again at once until it is decided", async () => {
    // Only the clock and timers are fake: a pause between reads would move the clock.
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    const { fetch, calls } = fakeFetch(
      { body: order("pending", 41) },
      { body: order("pending", 41) },
      { body: order("confirmed", 44) },
    );
    const sentAt: number[] = [];
    const timed = (async (url, init) => {
      sentAt.push(Date.now());
      return fetch(url, init);
    }) as typeof globalThis.fetch;
    const api = createApi({ fetch: timed, token: async () => "t" });
    const seen: string[] = [];
    const waiting = awaitOutcome(api, "o-1", { position: 41, onRead: (o) => seen.push(o.status) });
    await vi.runAllTimersAsync();
    const settled = await waiting;
    expect(settled.status).toBe("confirmed");
    expect(seen).toEqual(["pending", "pending", "confirmed"]);
    expect(calls.map((c) => c.url)).toEqual([
      "/api/orders/o-1?min_position=41&wait_for_change_from=pending",
      "/api/orders/o-1?wait_for_change_from=pending",
      "/api/orders/o-1?wait_for_change_from=pending",
    ]);
    expect(new Set(sentAt).size).toBe(1);
  });

  it("returns a decided order at once: a rejected one with its reason", async () => {
    const { fetch, calls } = fakeFetch({ body: order("rejected", 50) });
    const settled = await awaitOutcome(createApi({ fetch, token: async () => "t" }), "o-1", { position: 48 });
    expect(settled.reason).toMatch(/insufficient stock for TEA-GREEN/);
    expect(calls.map((c) => c.url)).toEqual(["/api/orders/o-1?min_position=48&wait_for_change_from=pending"]);
  });

  it("gives up after its timeout with the order still pending", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    // Each read is held as long as the server holds one (10 s) and comes back still pending.
    const { fetch, calls } = fakeFetch({ body: order("pending", 41) }, { body: order("pending", 41) }, { body: order("pending", 42) });
    const held = (async (url, init) => {
      vi.setSystemTime(Date.now() + 10_000);
      return fetch(url, init);
    }) as typeof globalThis.fetch;
    const settled = await awaitOutcome(createApi({ fetch: held, token: async () => "t" }), "o-1", { position: 41, timeoutMs: 25_000 });
    expect(settled.status).toBe("pending");
    expect(settled.position).toBe(42);
    expect(calls).toHaveLength(3);
  });

  it("reads once when its timeout has already passed", async () => {
    const { fetch, calls } = fakeFetch({ body: order("pending", 41) });
    const settled = await awaitOutcome(createApi({ fetch, token: async () => "t" }), "o-1", { position: 41, timeoutMs: 0 });
    expect(settled.status).toBe("pending");
    expect(calls).toHaveLength(1);
  });

  it("rejects when aborted while the server holds a read", async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    // A read the server holds: it ends only when the browser gives it up.
    const holding = ((url: string, init: RequestInit = {}) => {
      calls.push(url);
      return new Promise<Response>((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    }) as typeof globalThis.fetch;
    const waiting = awaitOutcome(createApi({ fetch: holding, token: async () => "t" }), "o-1", { signal: controller.signal });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const left = new Error("the shopper left the page");
    controller.abort(left);
    await expect(waiting).rejects.toBe(left);
    expect(calls).toHaveLength(1);
  });

  it("rejects without another read when aborted between reads", async () => {
    const controller = new AbortController();
    const left = new Error("the shopper left the page");
    const { fetch, calls } = fakeFetch({ body: order("pending", 41) }, { body: order("confirmed", 44) });
    const waiting = awaitOutcome(createApi({ fetch, token: async () => "t" }), "o-1", {
      signal: controller.signal,
      onRead: () => controller.abort(left),
    });
    await expect(waiting).rejects.toBe(left);
    expect(calls).toHaveLength(1);
  });
});
