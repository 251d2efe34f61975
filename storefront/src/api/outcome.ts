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
  /** Pause between reads, growing: the server's wait covers only events that already exist. */
  backoff?: { firstMs: number; maxMs: number };
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Give up and return the pending order after this long. */
  timeoutMs?: number;
};

/**
 * Reads an order until the saga has settled it. Every read names the next global position it
 * needs with `min_position`, so the server holds the answer (at most 2 s) until the projection
 * has caught up; the confirmation or rejection is appended later, at a position nobody knows
 * yet, so between reads the browser pauses with a growing delay rather than asking in a loop.
 */
export async function awaitOutcome(api: Api, orderId: string, wait: Wait): Promise<Order> {
  const { signal, trace, onRead, backoff = { firstMs: 150, maxMs: 2000 }, sleep = pause, timeoutMs = 60_000 } = wait;
  const deadline = Date.now() + timeoutMs;
  let minPosition = wait.position;
  let delay = backoff.firstMs;
  for (;;) {
    const { data: order } = await api.order(orderId, { minPosition, signal, trace });
    onRead?.(order);
    if (order.status !== "pending" || Date.now() >= deadline) return order;
    minPosition = Math.max(minPosition ?? 0, order.position) + 1;
    await sleep(delay, signal);
    delay = Math.min(delay * 2, backoff.maxMs);
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
