import { useSyncExternalStore } from "react";

/**
 * A value kept in localStorage as JSON, shared by every component that reads it and kept in step
 * across tabs. `parse` turns whatever is stored (maybe nothing, maybe garbage) into a valid value.
 */
export type Stored<T> = {
  get: () => T;
  set: (next: T | ((current: T) => T)) => void;
  subscribe: (listener: () => void) => () => void;
};

export function stored<T>(key: string, parse: (raw: unknown) => T, storage = () => globalThis.localStorage): Stored<T> {
  const listeners = new Set<() => void>();
  let cache: { raw: string | null; value: T } | undefined;

  const read = (): string | null => {
    try {
      return storage()?.getItem(key) ?? null;
    } catch {
      return null;
    }
  };

  const get = (): T => {
    const raw = read();
    if (!cache || cache.raw !== raw) cache = { raw, value: parse(safeJson(raw)) };
    return cache.value;
  };

  const notify = () => listeners.forEach((listener) => listener());

  const onStorage = (event: StorageEvent) => {
    if (event.key === key || event.key === null) notify();
  };

  return {
    get,
    set(next) {
      const value = next instanceof Function ? next(get()) : next;
      storage().setItem(key, JSON.stringify(value));
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1) globalThis.addEventListener?.("storage", onStorage);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) globalThis.removeEventListener?.("storage", onStorage);
      };
    },
  };
}

function safeJson(raw: string | null): unknown {
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** The stored value in a component; `serverValue` while prerendering and hydrating. */
export function useStored<T, S = T>(store: Stored<T>, serverValue: S): T | S {
  return useSyncExternalStore<T | S>(store.subscribe, store.get, () => serverValue);
}
