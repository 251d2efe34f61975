import { describe, expect, it } from "vitest";
import { chartWindows, searchWindows, windowLabel, windowParam, windowReaching } from "./windows";

describe("windows", () => {
  it("are labelled in minutes or hours", () => {
    expect([5, 15, 60, 360, 1440, 90].map(windowLabel)).toEqual(["5m", "15m", "1h", "6h", "24h", "90m"]);
  });

  it("come from the query string only when offered", () => {
    expect(windowParam("360", chartWindows, 60)).toBe(360);
    expect(windowParam("7", chartWindows, 60)).toBe(60);
    expect(windowParam(null, chartWindows, 60)).toBe(60);
    expect(windowParam("", chartWindows, 15)).toBe(15);
  });

  it("reach back to a past moment with a minute to spare, or as far as they go", () => {
    const now = Date.UTC(2026, 11, 7, 12);
    expect(windowReaching(now - 5 * 60_000, now, searchWindows)).toBe(15);
    expect(windowReaching(now - 14.5 * 60_000, now, searchWindows)).toBe(60);
    expect(windowReaching(now - 3 * 3_600_000, now, searchWindows)).toBe(360);
    expect(windowReaching(now - 48 * 3_600_000, now, searchWindows)).toBe(1440);
  });
});
