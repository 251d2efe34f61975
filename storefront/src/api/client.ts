import { tracer as browserTracer, type SpanContext, type Tracer } from "@/telemetry/tracer";
import type { paths } from "./schema";
import type {
  AggregateType,
  Answer,
  Flip,
  LineRequest,
  Problem,
  ProjectionName,
  RegisterProduct,
  RequestBody,
  ScenarioSwitch,
  UploadRequest,
  WaitForChangeFrom,
} from "./types";

/** A failed call, carrying the problem+json the server sent (or one describing what failed). */
export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }
}

/** A read-model answer and whether it may still miss the position asked for. */
export type Read<T> = { data: T; behind: boolean };

type Options = {
  /** Where the API lives: same origin by default, as CloudFront and the local gateway serve it. */
  baseUrl?: string;
  /** The bearer token of the signed-in user, or null. */
  token?: () => Promise<string | null>;
  fetch?: typeof fetch;
  /** Times the calls made within a trace; the browser's own by default. */
  tracer?: Tracer;
};

/**
 * `minPosition`: wait (at most 2 s, server side) until the read model has applied this global position.
 * `trace`: the span this read is part of; the call becomes its client child and sends its traceparent.
 */
type ReadOptions = { minPosition?: number; signal?: AbortSignal; trace?: SpanContext };

/**
 * `waitForChangeFrom`: while the order's status is still this one, the server holds the answer
 * (at most 10 s) and answers as soon as it changes; past the wait, with the order as it is.
 */
type OrderReadOptions = ReadOptions & { waitForChangeFrom?: WaitForChangeFrom };

type Call = {
  method?: "GET" | "POST" | "PUT";
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  auth?: boolean;
  signal?: AbortSignal;
  /** The span this call is made for: the call is timed as its client child, which `traceparent` names. */
  trace?: SpanContext;
  /** The path as a template (`/orders/{id}`), naming the call's span; `path` when it has no ids. */
  route?: string;
};

export type Api = ReturnType<typeof createApi>;

export function createApi({ baseUrl = "/api", token, fetch: doFetch = globalThis.fetch, tracer = browserTracer }: Options = {}) {
  async function send<T>(path: string, call: Call = {}): Promise<Read<T>> {
    const method = call.method ?? "GET";
    const headers: Record<string, string> = { Accept: "application/json", ...call.headers };
    if (call.body !== undefined) headers["Content-Type"] = "application/json";
    if (call.auth) {
      const bearer = await token?.();
      if (!bearer) throw new ApiError(signInFirst);
      headers.Authorization = `Bearer ${bearer}`;
    }
    const span =
      call.trace &&
      tracer.startSpan(`${method} ${baseUrl}${call.route ?? path}`, {
        kind: "client",
        parent: call.trace,
        attributes: { "http.request.method": method, "url.path": baseUrl + path },
      });
    if (span) headers.traceparent = span.traceparent;
    let response: Response;
    try {
      response = await doFetch(baseUrl + path + queryString(call.query), {
        method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: call.signal,
      });
    } catch (error) {
      if (call.signal?.aborted) {
        span?.end();
        throw error;
      }
      span?.end({ code: "error", message: unreachable.title });
      throw new ApiError(unreachable);
    }
    span?.setAttribute("http.response.status_code", response.status);
    if (!response.ok) {
      const problem = await problemOf(response);
      span?.end({ code: "error", message: problem.detail || problem.title });
      throw new ApiError(problem);
    }
    span?.end();
    return { data: (await response.json()) as T, behind: response.headers.get("x-read-model-behind") === "true" };
  }

  const get = async <T>(path: string, call?: Call) => (await send<T>(path, call)).data;
  const post = async <T>(path: string, body: unknown, call?: Call) =>
    (await send<T>(path, { ...call, method: "POST", body, auth: true })).data;
  const seg = encodeURIComponent;

  // Each answer's type is what docs/openapi.json documents for that path, method and status.
  return {
    products: ({ minPosition, signal }: ReadOptions = {}) =>
      get<Answer<"/products", "get", 200>>("/products", { signal, query: { min_position: minPosition } }),
    product: (sku: string, { minPosition, signal }: ReadOptions = {}) =>
      get<Answer<"/products/{sku}", "get", 200>>(`/products/${seg(sku)}`, { signal, query: { min_position: minPosition } }),

    placeOrder: (lines: LineRequest[], idempotencyKey: string, trace?: SpanContext) =>
      post<Answer<"/orders", "post", 202>>("/orders", { lines } satisfies RequestBody<"/orders", "post">, {
        headers: { "Idempotency-Key": idempotencyKey },
        trace,
      }),
    cancelOrder: (id: string) => post<Answer<"/orders/{id}/cancel", "post", 202>>(`/orders/${seg(id)}/cancel`, undefined),
    orders: (signal?: AbortSignal) => get<Answer<"/orders", "get", 200>>("/orders", { auth: true, signal }),
    order: (id: string, { minPosition, waitForChangeFrom, signal, trace }: OrderReadOptions = {}) =>
      send<Answer<"/orders/{id}", "get", 200>>(`/orders/${seg(id)}`, {
        auth: true,
        signal,
        query: {
          min_position: minPosition,
          wait_for_change_from: waitForChangeFrom,
        } satisfies paths["/orders/{id}"]["get"]["parameters"]["query"],
        trace,
        route: "/orders/{id}",
      }),

    registerProduct: (product: RegisterProduct) =>
      post<Answer<"/admin/products", "post", 201>>("/admin/products", product satisfies RequestBody<"/admin/products", "post">),
    restock: (sku: string, quantity: number) =>
      post<Answer<"/admin/products/{sku}/restock", "post", 202>>(`/admin/products/${seg(sku)}/restock`, {
        quantity,
      } satisfies RequestBody<"/admin/products/{sku}/restock", "post">),
    // A product image: ask for an upload, PUT the file where it points (src/images/upload.ts), attach its key.
    requestImageUpload: (sku: string, request: UploadRequest) =>
      post<Answer<"/admin/products/{sku}/image-uploads", "post", 201>>(
        `/admin/products/${seg(sku)}/image-uploads`,
        request satisfies RequestBody<"/admin/products/{sku}/image-uploads", "post">,
      ),
    attachImage: async (sku: string, key: string) =>
      (
        await send<Answer<"/admin/products/{sku}/image", "put", 202>>(`/admin/products/${seg(sku)}/image`, {
          method: "PUT",
          body: { key } satisfies RequestBody<"/admin/products/{sku}/image", "put">,
          auth: true,
        })
      ).data,
    streamEvents: (type: AggregateType, id: string, signal?: AbortSignal) =>
      get<Answer<"/admin/streams/{type}/{id}/events", "get", 200>>(`/admin/streams/${seg(type)}/${seg(id)}/events`, {
        auth: true,
        signal,
      }),
    streamState: (type: AggregateType, id: string, asOfSequence: number, signal?: AbortSignal) =>
      get<Answer<"/admin/streams/{type}/{id}/state", "get", 200>>(`/admin/streams/${seg(type)}/${seg(id)}/state`, {
        auth: true,
        signal,
        query: { as_of_sequence: asOfSequence },
      }),
    events: ({ after, limit }: { after?: string; limit?: number } = {}, signal?: AbortSignal) =>
      get<Answer<"/admin/events", "get", 200>>("/admin/events", { auth: true, signal, query: { after, limit } }),
    projections: (signal?: AbortSignal) =>
      get<Answer<"/admin/projections", "get", 200>>("/admin/projections", { auth: true, signal }),
    rebuild: (projection: ProjectionName | null) =>
      post<Answer<"/admin/projections/rebuild", "post", 202>>("/admin/projections/rebuild", {
        projection,
      } satisfies RequestBody<"/admin/projections/rebuild", "post">),
    trace: (correlationId: string, signal?: AbortSignal) =>
      get<Answer<"/admin/traces/{correlation_id}", "get", 200>>(`/admin/traces/${seg(correlationId)}`, {
        auth: true,
        signal,
      }),

    // Fault switches and game days: each breaks the shop on purpose, for every process within a second.
    faults: (signal?: AbortSignal) => get<Answer<"/admin/faults", "get", 200>>("/admin/faults", { auth: true, signal }),
    flipFault: async (name: string, flip: Flip) =>
      (
        await send<Answer<"/admin/faults/{name}", "put", 200>>(`/admin/faults/${seg(name)}`, {
          method: "PUT",
          body: flip satisfies RequestBody<"/admin/faults/{name}", "put">,
          auth: true,
        })
      ).data,
    scenarios: (signal?: AbortSignal) => get<Answer<"/admin/scenarios", "get", 200>>("/admin/scenarios", { auth: true, signal }),
    startScenario: (id: string) =>
      post<Answer<"/admin/scenarios/{id}/start", "post", 201>>(`/admin/scenarios/${seg(id)}/start`, undefined),
    answerRun: (runId: string, choice: ScenarioSwitch) =>
      post<Answer<"/admin/scenarios/runs/{run_id}/answer", "post", 200>>(`/admin/scenarios/runs/${seg(runId)}/answer`, {
        switch: choice,
      } satisfies RequestBody<"/admin/scenarios/runs/{run_id}/answer", "post">),
    finishRun: (runId: string) =>
      post<Answer<"/admin/scenarios/runs/{run_id}/finish", "post", 200>>(`/admin/scenarios/runs/${seg(runId)}/finish`, undefined),
    runRecovery: (runId: string, signal?: AbortSignal) =>
      get<Answer<"/admin/scenarios/runs/{run_id}/recovery", "get", 200>>(`/admin/scenarios/runs/${seg(runId)}/recovery`, {
        auth: true,
        signal,
      }),

    /**
     * An admin read docs/openapi.json does not describe yet (the Observe routes, typed by hand in
     * ./observe.ts, which names each answer's type).
     */
    adminRead: <T>(path: string, query: Call["query"], signal?: AbortSignal) => get<T>(path, { auth: true, signal, query }),
  };
}

function queryString(query: Call["query"]): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

const signInFirst: Problem = {
  type: "about:blank",
  title: "Unauthorized",
  status: 401,
  detail: "Sign in to continue.",
};

const unreachable: Problem = {
  type: "about:blank",
  title: "Network error",
  status: 0,
  detail: "The shop could not be reached. Check your connection and try again.",
};

async function problemOf(response: Response): Promise<Problem> {
  const fallback: Problem = {
    type: "about:blank",
    title: response.statusText || "Error",
    status: response.status,
    detail: `The server answered HTTP ${response.status}.`,
  };
  if (!/json/.test(response.headers.get("content-type") ?? "")) return fallback;
  try {
    const body = (await response.json()) as Partial<Problem>;
    return { ...fallback, ...body, status: response.status };
  } catch {
    return fallback;
  }
}
