"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "@/api/client";

export type Query<T> =
  | { status: "loading"; reload: () => void }
  | { status: "error"; error: ApiError; reload: () => void }
  | { status: "success"; data: T; reloading: boolean; reload: () => void };

type Settled<T> = { key: string; version: number } & ({ ok: true; data: T } | { ok: false; error: ApiError });

/**
 * Runs `load` whenever `key` changes (null: not yet), aborting the previous run. `reload()` runs it
 * again while the last data stays on screen.
 */
export function useQuery<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Query<T> {
  const [version, setVersion] = useState(0);
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const latestLoad = useRef(load);
  useEffect(() => {
    latestLoad.current = load;
  });

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    latestLoad.current(controller.signal).then(
      (data) => setSettled({ key, version, ok: true, data }),
      (error: unknown) => {
        if (!controller.signal.aborted) setSettled({ key, version, ok: false, error: asApiError(error) });
      },
    );
    return () => controller.abort();
  }, [key, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  if (!settled || settled.key !== key) return { status: "loading", reload };
  const current = settled.version === version;
  if (!settled.ok) return current ? { status: "error", error: settled.error, reload } : { status: "loading", reload };
  return { status: "success", data: settled.data, reloading: !current, reload };
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ApiError({ type: "about:blank", title: "Unexpected error", status: 0, detail });
}
