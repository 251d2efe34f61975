"use client";

import { useApi } from "@/api/useApi";
import { seenPosition } from "@/lib/seen";
import { useStored } from "@/lib/stored";
import { useQuery } from "@/lib/useQuery";
import { useReloadOnFocus } from "@/lib/useReloadOnFocus";

/** The catalog, at least as new as this browser's last order, reloaded when the tab regains focus. */
export function useCatalog() {
  const api = useApi();
  const seen = useStored(seenPosition, 0);
  const query = useQuery(`products@${seen}`, (signal) => api.products({ minPosition: seen || undefined, signal }));
  useReloadOnFocus(query.reload);
  return query;
}
