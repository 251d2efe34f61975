import type { SpanContext } from "@/telemetry/tracer";
import type { Api } from "./client";
import type { Order } from "./types";

type Wait = {
  /** The position the order command answered with: the first read waits until it is projected. */
  position?: number;
  signal?: AbortSignal;
  /** The span the wait is part of (the checkout's): each read is its client child. */
  trace?: SpanContext;
  /** Each state read, pending ones included, so the page can show them. */
  onRead?: (order: Order) => void;
  /**
   * Give up and return the pending order once this long has passed. Checked after each read, so
   * the read under way when it passes still ends (the server holds one at most 10 s).
   */
  timeoutMs?: number;
};

/**
 * Reads an order until the saga has settled it. Every read asks with
 * `wait_for_change_from=pending`, so the server holds the answer (at most 10 s) while the order
 * is still pending and answers as soon as it is confirmed, rejected or cancelled. A pending
 * answer means only that the server's wait ran out, so the next read is sent at once: the
 * waiting happens on the server, and the browser neither sleeps between reads nor learns the
 * outcome late. The first read also names the command's position with `min_position`, so it
 * sees the shopper's own write.
 */
export async function awaitOutcome(api: Api, orderId: string, wait: Wait): Promise<Order> {
  const { signal, trace, onRead, timeoutMs = 60_000 } = wait;
  const deadline = Date.now() + timeoutMs;
  let minPosition = wait.position;
  for (;;) {
    signal?.throwIfAborted();
    const { data: order } = await api.order(orderId, { minPosition, waitForChangeFrom: "pending", signal, trace });
    onRead?.(order);
    if (order.status !== "pending" || Date.now() >= deadline) return order;
    minPosition = undefined;
  }
}
