// W3C Trace Context ids (https://www.w3.org/TR/trace-context/): a trace id is 16 random bytes, a
// span id 8, both written as lowercase hex and never all zeros; `traceparent` carries them.

/** Where a span sits: its trace and its own id. A parent is named by its context. */
export type SpanContext = { traceId: string; spanId: string };

/** `length` random bytes; the browser's CSPRNG unless a test passes its own. */
export type RandomBytes = (length: number) => Uint8Array;

const browserRandom: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/** `length` random bytes as lowercase hex, drawn again in the (rare) case they are all zeros. */
export function randomHex(length: number, random: RandomBytes = browserRandom): string {
  for (;;) {
    const bytes = random(length);
    if (bytes.some((b) => b !== 0)) return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
}

export const newTraceId = (random?: RandomBytes) => randomHex(16, random);

export const newSpanId = (random?: RandomBytes) => randomHex(8, random);

/** Version 00, sampled: every span the storefront makes is meant to be recorded. */
export const formatTraceparent = ({ traceId, spanId }: SpanContext) => `00-${traceId}-${spanId}-01`;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The context a `traceparent` names, or null when it is not one (version ff and zero ids included). */
export function parseTraceparent(text: string): SpanContext | null {
  const match = TRACEPARENT.exec(text.trim().toLowerCase());
  if (!match) return null;
  const [, version, traceId = "", spanId = ""] = match;
  if (version === "ff" || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceId, spanId };
}

export const isTraceId = (text: string) => /^[0-9a-f]{32}$/.test(text) && !/^0+$/.test(text);

export const isSpanId = (text: string) => /^[0-9a-f]{16}$/.test(text) && !/^0+$/.test(text);
