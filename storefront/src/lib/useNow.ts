"use client";

import { useEffect, useState } from "react";

/**
 * The time now, ticking every `everyMs`, for words such as "12 s ago" that age on screen. Read
 * from a clock in state, not during render, so a render is the same however often it runs.
 */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
