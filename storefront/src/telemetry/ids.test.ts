import { describe, expect, it } from "vitest";
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent, randomHex } from "./ids";

/** Bytes from a script, as getRandomValues would fill them. */
const scripted = (...draws: number[][]) => (length: number) => {
  const draw = draws.shift() ?? [];
  return Uint8Array.from({ length }, (_, i) => draw[i] ?? 0);
};

describe("ids", () => {
  it("are random bytes in lowercase hex: 16 for a trace, 8 for a span", () => {
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
    expect(newTraceId()).not.toBe(newTraceId());
    expect(randomHex(4, scripted([0xab, 0x01, 0xff, 0x10]))).toBe("ab01ff10");
  });

  it("are never all zeros", () => {
    expect(randomHex(2, scripted([0, 0], [0, 7]))).toBe("0007");
  });
});

describe("traceparent", () => {
  const context = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" };

  it("names the span, sampled, in version 00", () => {
    expect(formatTraceparent(context)).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  });

  it("is read back, and refused when it is not one", () => {
    expect(parseTraceparent(formatTraceparent(context))).toEqual(context);
    expect(parseTraceparent(" 00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-00 ")).toEqual(context);
    expect(parseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).toBeNull();
    expect(parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).toBeNull();
    expect(parseTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toBeNull();
    expect(parseTraceparent("1-67890abc-def0123456789abcdef01234")).toBeNull();
  });
});
