// Times as the fault console says them: how long ago something happened ("2 min ago") and how
// long something has run ("3 min 05 s"). `now` is passed in (a ticking clock in the page), so
// the words are the same in a test as in the browser.

/** 42_000 → "42 s", 185_000 → "3 min 05 s", 3_720_000 → "1 h 02 min"; below 0 counts as 0. */
export function duration(ms: number): string {
  const seconds = Math.floor(Math.max(ms, 0) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * How long before `now` the RFC 3339 time `iso` was, in the largest unit that fits: "just now"
 * (under 5 s, or in the future: the server's clock may run a little ahead), "12 s ago",
 * "2 min ago", "3 h ago", "2 d ago". An unreadable time is "at an unknown time".
 */
export function ago(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "at an unknown time";
  const seconds = Math.floor((now - then) / 1000);
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}
