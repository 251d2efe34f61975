"use client";

import { useEffect, useState } from "react";
import { awaitOutcome } from "@/api/outcome";
import type { Order } from "@/api/types";
import { useApi } from "@/api/useApi";
import { remember } from "@/lib/seen";
import { asApiError, useQuery } from "@/lib/useQuery";
import { checkouts } from "@/telemetry/checkout";
import { tracer } from "@/telemetry/tracer";

/** Checkouts whose page was just unmounted: ended unless the page mounts again at once (Strict Mode). */
const leaving = new Map<string, ReturnType<typeof setTimeout>>();

function leave(orderId: string) {
  leaving.delete(orderId);
  checkouts.end(orderId, { "checkout.left_before_decision": true });
  tracer.flush();
}

/**
 * The order once the saga has settled it, and meanwhile the pending state read on the way.
 * `position` is the command's answer: reads wait for it, so the shopper sees their own write.
 * When this tab placed the order, the reads are client spans of its "checkout" trace, which ends
 * once the order is decided, or when the shopper leaves the page first.
 */
export function useSettledOrder(orderId: string, position: number | undefined) {
  const api = useApi();
  const key = `order/${orderId}@${position ?? "latest"}`;
  const [pending, setPending] = useState<{ key: string; order: Order } | null>(null);
  const settled = useQuery(key, async (signal) => {
    const checkout = checkouts.resume(orderId);
    try {
      const order = await awaitOutcome(api, orderId, {
        position,
        signal,
        trace: checkout ?? undefined,
        onRead: (read) => setPending({ key, order: read }),
      });
      remember(order.position);
      if (order.status !== "pending") checkouts.end(orderId, { "order.status": order.status }, { code: "ok" });
      return order;
    } catch (error) {
      if (!signal.aborted) checkouts.end(orderId, {}, { code: "error", message: asApiError(error).message });
      throw error;
    }
  });

  useEffect(() => {
    clearTimeout(leaving.get(orderId));
    leaving.delete(orderId);
    const onHide = () => leave(orderId);
    window.addEventListener("pagehide", onHide);
    return () => {
      window.removeEventListener("pagehide", onHide);
      leaving.set(orderId, setTimeout(() => leave(orderId), 0));
    };
  }, [orderId]);

  return { settled, pending: pending?.key === key ? pending.order : null };
}
