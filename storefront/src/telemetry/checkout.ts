// The trace of a checkout outlives the cart page: the "checkout" span begins with the click on
// "Place order" and ends when the order page sees the order decided, or is left. Between the two
// it waits in sessionStorage under the order's id, and the order page's reads are its children.
import { isSpanId, isTraceId } from "./ids";
import type { Attributes, SpanRecord, SpanStatus } from "./otlp";
import { tracer as defaultTracer, type Span, type Tracer } from "./tracer";

const PREFIX = "shop.checkout-trace.";

type Storage = Pick<globalThis.Storage, "getItem" | "setItem" | "removeItem">;

const kinds = new Set(["internal", "server", "client", "producer", "consumer"]);

/** A stored record, or null for anything else (another version's, a hand-edited one). */
function parseRecord(raw: string | null): SpanRecord | null {
  if (!raw) return null;
  try {
    const r = JSON.parse(raw) as Partial<SpanRecord>;
    const valid =
      typeof r.traceId === "string" &&
      isTraceId(r.traceId) &&
      typeof r.spanId === "string" &&
      isSpanId(r.spanId) &&
      (r.parentSpanId === null || (typeof r.parentSpanId === "string" && isSpanId(r.parentSpanId))) &&
      typeof r.name === "string" &&
      typeof r.kind === "string" &&
      kinds.has(r.kind) &&
      typeof r.startNs === "string" &&
      /^\d+$/.test(r.startNs) &&
      r.endNs === undefined &&
      typeof r.attributes === "object" &&
      r.attributes !== null;
    return valid ? (r as SpanRecord) : null;
  } catch {
    return null;
  }
}

export function checkoutTraces(storage: () => Storage | undefined = () => globalThis.sessionStorage, tracer: Tracer = defaultTracer) {
  const read = (orderId: string) => {
    try {
      return parseRecord(storage()?.getItem(PREFIX + orderId) ?? null);
    } catch {
      return null;
    }
  };
  const forget = (orderId: string) => {
    try {
      storage()?.removeItem(PREFIX + orderId);
    } catch {
      // Storage refused (private mode, quota): there is nothing to forget.
    }
  };

  return {
    /** Keeps the open checkout span of the order its POST created. */
    remember(orderId: string, span: Span) {
      try {
        storage()?.setItem(PREFIX + orderId, JSON.stringify(span.record()));
      } catch {
        // Without storage the order page's reads are simply not part of the checkout's trace.
      }
    },
    /** The open checkout span of `orderId`, to parent the order page's reads; null without one. */
    resume(orderId: string): Span | null {
      const record = read(orderId);
      return record && tracer.resume(record);
    },
    /** Ends the checkout span of `orderId` (when there is one still open) and forgets it. */
    end(orderId: string, attributes: Attributes = {}, status?: SpanStatus) {
      const record = read(orderId);
      if (!record) return;
      forget(orderId);
      const span = tracer.resume(record);
      for (const [key, value] of Object.entries(attributes)) span.setAttribute(key, value);
      span.end(status);
    },
  };
}

/** This tab's checkouts still waiting for their order's decision. */
export const checkouts = checkoutTraces();
