import { describe, expect, it } from "vitest";
import { ago, duration } from "./time";

const now = Date.parse("2026-11-29T10:00:00Z");
const before = (ms: number) => new Date(now - ms).toISOString();

describe("ago", () => {
  it("says how long ago in the largest unit that fits", () => {
    expect(ago(before(2_000), now)).toBe("just now");
    expect(ago(before(12_400), now)).toBe("12 s ago");
    expect(ago(before(59_999), now)).toBe("59 s ago");
    expect(ago(before(60_000), now)).toBe("1 min ago");
    expect(ago(before(150_000), now)).toBe("2 min ago");
    expect(ago(before(3 * 3_600_000 + 1), now)).toBe("3 h ago");
    expect(ago(before(50 * 3_600_000), now)).toBe("2 d ago");
  });

  it("reads a time a little in the future as just now, and says so when it cannot read one", () => {
    expect(ago(before(-3_000), now)).toBe("just now");
    expect(ago("yesterday", now)).toBe("at an unknown time");
  });
});

describe("duration", () => {
  it("counts seconds, then minutes and seconds, then hours and minutes", () => {
    expect(duration(0)).toBe("0 s");
    expect(duration(42_900)).toBe("42 s");
    expect(duration(185_000)).toBe("3 min 05 s");
    expect(duration(3_720_000)).toBe("1 h 02 min");
    expect(duration(26 * 3_600_000)).toBe("1 d 2 h");
    expect(duration(-5)).toBe("0 s");
  });
});
