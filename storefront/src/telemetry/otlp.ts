// Spans as OTLP/HTTP JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): the
// body a `POST /v1/traces` carries. Ids are lowercase hex, times decimal strings of nanoseconds
// since the epoch (they overflow a double), kinds and status codes the protobuf enums' integers.

export type SpanKind = "internal" | "server" | "client" | "producer" | "consumer";

export type Attributes = Record<string, string | number | boolean>;

/** unset unless the span's work is known to have succeeded (ok) or failed (error, with why). */
export type SpanStatus = { code: "unset" | "ok" | "error"; message?: string };

/**
 * A span as the tracer keeps it: plain JSON, so a span begun on one page can be stored in
 * sessionStorage and ended on another. `endNs` is set once it has ended.
 */
export type SpanRecord = {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  startNs: string;
  endNs?: string;
  attributes: Attributes;
  status?: SpanStatus;
};

export const kindCode: Record<SpanKind, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

export const statusCode: Record<SpanStatus["code"], number> = { unset: 0, ok: 1, error: 2 };

/** Milliseconds since the epoch (with a fraction, as performance's clock gives them) in nanoseconds. */
export function nanos(ms: number): string {
  const whole = Math.trunc(ms);
  return String(BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6)));
}

type AnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number };

export type KeyValue = { key: string; value: AnyValue };

function anyValue(value: string | number | boolean): AnyValue {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

export const keyValues = (attributes: Attributes): KeyValue[] =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));

export type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  status: { code: number; message?: string };
};

export type ExportRequest = {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
};

function otlpSpan(span: SpanRecord): OtlpSpan {
  const status = span.status ?? { code: "unset" };
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    // The receivers read an empty id as "no parent": this is a root.
    parentSpanId: span.parentSpanId ?? "",
    name: span.name,
    kind: kindCode[span.kind],
    startTimeUnixNano: span.startNs,
    endTimeUnixNano: span.endNs ?? span.startNs,
    attributes: keyValues(span.attributes),
    status: status.message ? { code: statusCode[status.code], message: status.message } : { code: statusCode[status.code] },
  };
}

/** One export of finished spans, all from `service`. */
export function exportRequest(spans: SpanRecord[], service = "storefront"): ExportRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues({ "service.name": service }) },
        scopeSpans: [{ scope: { name: service }, spans: spans.map(otlpSpan) }],
      },
    ],
  };
}
