// The geometry of the Metrics page's line charts: "nice" axis ticks (1, 2 or 5 times a power of
// ten; round clock times), the scales from values to pixels, and each series as an SVG path that
// breaks where samples are missing rather than drawing a line across the gap.

/**
 * A series' points as the answer carries them (MetricSeries's `points`): `[unix seconds, value]`
 * pairs, as the document's description says, though it types them as any arrays of numbers.
 */
export type SeriesPoints = readonly (readonly number[])[];

/** A point worth drawing: a time and a finite value. */
export type MetricPoint = readonly [seconds: number, value: number];

/** The step between about `count` ticks over `span`: 1, 2 or 5 times a power of ten. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** Ticks covering [min, max] at a nice step, the first at or below min, the last at or above max. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (max < min) [min, max] = [max, min];
  if (max === min) max = min + 1;
  const step = niceStep(max - min, count);
  const first = Math.floor(min / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    // Rounded to the step's decimals, so 0.30000000000000004 reads 0.3.
    const tick = Number((first + i * step).toFixed(Math.max(0, -Math.floor(Math.log10(step)))));
    ticks.push(tick);
    if (tick >= max - step * 1e-9) return ticks;
  }
}

/** Time steps a clock axis may use, in seconds. */
const TIME_STEPS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Round clock times (unix seconds, in UTC multiples of the step) inside [from, to], about `count` of them. */
export function timeTicks(from: number, to: number, count = 6): number[] {
  if (!(to > from)) return [];
  const step = TIME_STEPS.find((s) => (to - from) / s <= count) ?? TIME_STEPS.at(-1)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** A linear map from `domain` to `range`. */
export function scale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]) {
  const span = d1 - d0 || 1;
  return (value: number) => r0 + ((value - d0) / span) * (r1 - r0);
}

/**
 * The points worth drawing: pairs of finite numbers only (Prometheus answers NaN for an empty
 * ratio; a point that is not a pair is not drawn either).
 */
export function finitePoints(points: SeriesPoints): MetricPoint[] {
  return points.flatMap((point): MetricPoint[] => {
    const [t, v] = point;
    return point.length === 2 && isFiniteNumber(t) && isFiniteNumber(v) ? [[t, v]] : [];
  });
}

const isFiniteNumber = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n);

/** The last finite value of a series, or null when it has none. */
export function latestValue(points: SeriesPoints): number | null {
  const finite = finitePoints(points);
  return finite.length ? finite[finite.length - 1]![1] : null;
}

/** The y axis: from 0 (or the lowest value, when negative) to a nice tick at or above the highest. */
export function valueTicks(series: readonly SeriesPoints[], count = 4): number[] {
  const values = series.flatMap((points) => finitePoints(points).map(([, v]) => v));
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  return niceTicks(min, max > min ? max : min + 1, count);
}

/**
 * A series as an SVG path: "M" starts a run, "L" continues it; a pause longer than `maxGap`
 * seconds between samples starts a new run. A run of one sample is drawn as a short flat line.
 */
export function linePath(
  points: SeriesPoints,
  x: (t: number) => number,
  y: (v: number) => number,
  maxGap: number,
): string {
  const runs: MetricPoint[][] = [];
  let previous: number | null = null;
  for (const point of finitePoints(points)) {
    if (previous === null || point[0] - previous > maxGap) runs.push([]);
    runs.at(-1)!.push(point);
    previous = point[0];
  }
  const fmt = (n: number) => Number(n.toFixed(1));
  return runs
    .map((run) => {
      const coords = run.map(([t, v]) => `${fmt(x(t))},${fmt(y(v))}`);
      if (run.length === 1) coords.push(`${fmt(x(run[0]![0]) + 2)},${fmt(y(run[0]![1]))}`);
      return `M${coords.join(" L")}`;
    })
    .join(" ");
}
