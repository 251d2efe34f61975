import { describe, expect, it } from "vitest";
import { chartWindows, windowLabel, windowParam } from "./windows";

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
});
