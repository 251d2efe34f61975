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
