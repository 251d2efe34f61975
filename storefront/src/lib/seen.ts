import { stored } from "./stored";

/**
 * The highest global position this browser has caused (an order placed, confirmed, cancelled).
 * Reads of the read models pass it as `min_position`, so the shopper never sees a catalog older
 * than their own last order.
 */
export const seenPosition = stored("shop.seen-position", (raw) => (typeof raw === "number" && raw >= 0 ? raw : 0));

/** Commands answer with the position of their last event; null when they appended none. */
export const remember = (position: number | null | undefined) => {
  if (typeof position === "number") seenPosition.set((seen) => Math.max(seen, position));
};
