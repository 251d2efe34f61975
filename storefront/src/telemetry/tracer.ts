// The storefront as a traced service, without an SDK: spans with W3C ids, their `traceparent` for
// the calls they make, and an exporter that batches finished spans and POSTs them as OTLP JSON to
// the URL of the runtime config (`otlp_traces_url`). Without that URL nothing is exported, but
// the traceparent still goes out, so the services' spans still share the browser's trace id.
// Exporting must never disturb a page: failures are swallowed, and after the first one the
// tracer stops exporting (the browser logs every failed request on the console, once is enough).
import { formatTraceparent, newSpanId, newTraceId, type RandomBytes, type SpanContext } from "./ids";
import { exportRequest, nanos, type Attributes, type SpanKind, type SpanRecord, type SpanStatus } from "./otlp";

export type { Attributes, SpanKind, SpanRecord, SpanStatus } from "./otlp";
export type { SpanContext } from "./ids";

/** A span being timed; it is itself the context of its children. */
export type Span = SpanContext & {
  /** The header to send with a call made on this span's behalf. */
  readonly traceparent: string;
  /** A copy of what is known so far, to store and resume later. */
  record(): SpanRecord;
  setAttribute(key: string, value: string | number | boolean): void;
  /** Ends the span now (once; later calls do nothing) and queues it for export. */
  end(status?: SpanStatus): void;
  readonly ended: boolean;
};

export type StartOptions = { kind?: SpanKind; parent?: SpanContext | null; attributes?: Attributes };

type TracerOptions = {
  fetch?: typeof fetch;
  /** Milliseconds since the epoch, with a fraction. */
  now?: () => number;
  random?: RandomBytes;
  /** Spans per export; a full batch goes at once. */
  batchSize?: number;
  /** How long a finished span waits for others before its batch goes. */
  delayMs?: number;
  /** Spans kept while the export URL is not known yet; older ones are dropped first. */
  maxQueued?: number;
  service?: string;
};

export type Tracer = ReturnType<typeof createTracer>;

/** keepalive requests may carry 64 KiB in all; a bigger body goes as a plain request. */
const KEEPALIVE_LIMIT = 60_000;

const clock = () =>
  typeof performance !== "undefined" && performance.timeOrigin ? performance.timeOrigin + performance.now() : Date.now();

export function createTracer({
  fetch: doFetch,
  now = clock,
  random,
  batchSize = 50,
  delayMs = 1000,
  maxQueued = 500,
  service = "storefront",
}: TracerOptions = {}) {
  /** undefined until the runtime config is read; null: do not export. */
  let url: string | null | undefined;
  let queue: SpanRecord[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  function stop() {
    url = null;
    queue = [];
  }

  function send(batch: SpanRecord[], to: string) {
    const body = JSON.stringify(exportRequest(batch, service));
    try {
      (doFetch ?? globalThis.fetch)(to, {
        method: "POST",
        keepalive: body.length <= KEEPALIVE_LIMIT,
        headers: { "content-type": "application/json" },
        body,
      }).then((response) => {
        if (!response.ok) stop();
      }, stop);
    } catch {
      stop();
    }
  }

  function flush() {
    clearTimeout(timer);
    timer = undefined;
    if (typeof url !== "string") return;
    while (queue.length > 0) send(queue.splice(0, batchSize), url);
  }

  function schedule() {
    if (typeof url !== "string" || queue.length === 0) return;
    if (queue.length >= batchSize) flush();
    else timer ??= setTimeout(flush, delayMs);
  }

  function finished(record: SpanRecord) {
    if (url === null) return;
    queue.push(record);
    if (queue.length > maxQueued) queue.splice(0, queue.length - maxQueued);
    schedule();
  }

  function wrap(kept: SpanRecord): Span {
    const record: SpanRecord = { ...kept, attributes: { ...kept.attributes } };
    return {
      traceId: record.traceId,
      spanId: record.spanId,
      traceparent: formatTraceparent(record),
      record: () => ({ ...record, attributes: { ...record.attributes } }),
      setAttribute(key, value) {
        if (record.endNs === undefined) record.attributes[key] = value;
      },
      end(status) {
        if (record.endNs !== undefined) return;
        record.endNs = nanos(now());
        if (status && status.code !== "unset") record.status = status;
        finished({ ...record, attributes: { ...record.attributes } });
      },
      get ended() {
        return record.endNs !== undefined;
      },
    };
  }

  return {
    /** The OTLP/HTTP traces URL from the runtime config, or null when spans are not exported. */
    configure(traces: string | null) {
      url = traces;
      if (url === null) queue = [];
      schedule();
    },
    /** A new span: a child of `parent` when given, else the root of a new trace. */
    startSpan(name: string, { kind = "internal", parent = null, attributes = {} }: StartOptions = {}): Span {
      return wrap({
        traceId: parent?.traceId ?? newTraceId(random),
        spanId: newSpanId(random),
        parentSpanId: parent?.spanId ?? null,
        name,
        kind,
        startNs: nanos(now()),
        attributes,
      });
    },
    /** A span begun earlier, maybe on another page, from its record: ending it exports it. */
    resume: wrap,
    /** Sends every finished span now, as the page is hidden or left. */
    flush,
  };
}

/** The storefront's tracer; ConfigProvider tells it where to export. */
export const tracer = createTracer();

export const startSpan = tracer.startSpan;

// A hidden page may never run again: send what has finished while it still can (keepalive).
if (typeof window !== "undefined") {
  window.addEventListener("pagehide", tracer.flush);
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && tracer.flush());
}
