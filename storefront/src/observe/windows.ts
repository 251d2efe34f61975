// The time windows the Observe pages offer, in minutes, as their pickers label them.

export const mapWindows = [5, 15, 60, 360] as const;

export const chartWindows = [15, 60, 360, 1440] as const;

export const searchWindows = [15, 60, 360, 1440] as const;

/** 5 → "5m", 60 → "1h", 1440 → "24h", 90 → "90m". */
export function windowLabel(minutes: number): string {
  return minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

/** The window a query string asks for, when it is one of `allowed`; else `fallback`. */
export function windowParam(text: string | null, allowed: readonly number[], fallback: number): number {
  const minutes = Number(text);
  return text && allowed.includes(minutes) ? minutes : fallback;
}

/**
 * The shortest of `windows` that reaches back from `now` to `since` (both in ms) with a minute to
 * spare, or the longest when none does: the window a link to a past moment's log lines opens.
 */
export function windowReaching(since: number, now: number, windows: readonly number[]): number {
  const minutes = (now - since) / 60_000 + 1;
  return windows.find((w) => w >= minutes) ?? Math.max(...windows);
}
