"use client";

import { useState } from "react";
import { awaitOutcome } from "@/api/outcome";
import type { Order } from "@/api/types";
import { useApi } from "@/api/useApi";
import { remember } from "@/lib/seen";
import { useQuery } from "@/lib/useQuery";

/**
 * The order once the saga has settled it, and meanwhile the pending state read on the way.
 * `position` is the command's answer: reads wait for it, so the shopper sees their own write.
 */
export function useSettledOrder(orderId: string, position: number | undefined) {
  const api = useApi();
  const key = `order/${orderId}@${position ?? "latest"}`;
  const [pending, setPending] = useState<{ key: string; order: Order } | null>(null);
  const settled = useQuery(key, async (signal) => {
    const order = await awaitOutcome(api, orderId, {
      position,
      signal,
      onRead: (read) => setPending({ key, order: read }),
    });
    remember(order.position);
    return order;
  });
  return { settled, pending: pending?.key === key ? pending.order : null };
}
