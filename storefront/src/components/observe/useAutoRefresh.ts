"use client";

import { useEffect } from "react";
import type { Query } from "@/lib/useQuery";

/**
 * Reloads `query` `everyMs` after each answer settles (never while one is on its way, so a slow
 * server is not asked again and again); null: not at all.
 */
export function useAutoRefresh<T>(query: Query<T>, everyMs: number | null) {
  const { reload } = query;
  const settled = query.status === "error" || (query.status === "success" && !query.reloading);
  useEffect(() => {
    if (everyMs === null || !settled) return;
    const timer = setTimeout(reload, everyMs);
    return () => clearTimeout(timer);
  }, [settled, everyMs, reload]);
}
