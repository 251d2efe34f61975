import { describe, expect, it } from "vitest";
import type { MetricSeries } from "@/api/observe";
import { finitePoints, latestValue, linePath, niceStep, niceTicks, scale, timeTicks, valueTicks } from "./chart";

describe("ticks", () => {
  it("step by 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(700, 4)).toBe(200);
    expect(niceStep(30, 3)).toBe(10);
  });

  it("cover the range from a tick at or below its low end to one at or above its high end", () => {
    expect(niceTicks(0, 7.3, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(-3, 3, 3)).toEqual([-4, -2, 0, 2, 4]);
    expect(niceTicks(5, 5, 5)).toEqual([5, 5.2, 5.4, 5.6, 5.8, 6]);
  });

  it("put the value axis from zero to a tick above the highest finite value", () => {
    const series: MetricSeries["points"][] = [[[0, 3], [15, Number.NaN]], [[0, 11]]];
    expect(valueTicks(series, 4)).toEqual([0, 5, 10, 15]);
    expect(valueTicks([], 4)).toEqual([0, 0.5, 1]);
  });

  it("fall on round clock times", () => {
    expect(timeTicks(1000, 4600, 6)).toEqual([1200, 1800, 2400, 3000, 3600, 4200]);
    expect(timeTicks(0, 900, 6)).toEqual([0, 300, 600, 900]);
    expect(timeTicks(10, 10)).toEqual([]);
  });
});

describe("lines", () => {
  const x = scale([0, 100], [0, 200]);
  const y = scale([0, 10], [100, 0]);

  it("map values linearly, the y axis upside down", () => {
    expect(x(50)).toBe(100);
    expect(y(0)).toBe(100);
    expect(y(10)).toBe(0);
  });

  it("break at a gap and skip what is not a number", () => {
    const points: MetricSeries["points"] = [[0, 0], [15, 5], [30, Number.NaN], [90, 10], [100, 5]];
    expect(linePath(points, x, y, 30)).toBe("M0,100 L30,50 M180,0 L200,50");
  });

  it("draw a lone sample as a short flat line", () => {
    expect(linePath([[50, 5]], x, y, 30)).toBe("M100,50 L102,50");
    expect(linePath([], x, y, 30)).toBe("");
  });

  it("draw only pairs of finite numbers, whatever else the answer holds", () => {
    const points: MetricSeries["points"] = [[0, 1], [15], [], [30, 2, 9], [45, Number.POSITIVE_INFINITY], [60, 3]];
    expect(finitePoints(points)).toEqual([[0, 1], [60, 3]]);
    expect(linePath(points, x, y, 100)).toBe("M0,90 L120,70");
    expect(latestValue([[0, 1], [15]])).toBe(1);
  });

  it("report the last finite value", () => {
    expect(latestValue([[0, 1], [15, 2.5], [30, Number.NaN]])).toBe(2.5);
    expect(latestValue([[0, Number.NaN]])).toBeNull();
  });
});
