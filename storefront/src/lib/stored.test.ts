import { describe, expect, it, vi } from "vitest";
import { stored } from "./stored";

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  } as Storage;
}

describe("stored", () => {
  it("parses what is stored, garbage included, and hands out the same value until it changes", () => {
    const storage = memoryStorage({ n: "{not json" });
    const count = stored("n", (raw) => (typeof raw === "number" ? raw : 0), () => storage);
    expect(count.get()).toBe(0);
    count.set((n) => n + 2);
    expect(count.get()).toBe(2);
    expect(storage.getItem("n")).toBe("2");
  });

  it("tells its subscribers about every change", () => {
    const list = stored("l", (raw) => (Array.isArray(raw) ? (raw as string[]) : []), () => memoryStorage());
    const listener = vi.fn();
    const unsubscribe = list.subscribe(listener);
    list.set(["a"]);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(list.get()).toBe(list.get());
    unsubscribe();
    list.set(["b"]);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
