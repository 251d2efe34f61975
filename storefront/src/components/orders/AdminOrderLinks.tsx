"use client";

import Link from "next/link";
import { metadataString } from "@/api/metadata";
import { useApi } from "@/api/useApi";
import { useSession } from "@/auth/session";
import { useQuery } from "@/lib/useQuery";
import { traceSearchHref } from "@/observe/links";
import { streamHref, traceHref } from "./links";

/**
 * For admins: the order's event history, the timeline of the request that placed it, and its
 * traces in the Observe console. The timeline is found by correlation id: the one checkout
 * answered with, or the one in the order's first event; the traces by the order's id.
 */
export function AdminOrderLinks({ orderId, correlationId }: { orderId: string; correlationId: string | null }) {
  const api = useApi();
  const { isAdmin } = useSession();
  const placed = useQuery(isAdmin && !correlationId ? `placed/${orderId}` : null, async (signal) => {
    const { items } = await api.streamEvents("Order", orderId, signal);
    return items[0] ? metadataString(items[0].metadata, "correlation_id") : null;
  });
  if (!isAdmin) return null;
  const correlation = correlationId ?? (placed.status === "success" ? placed.data : null);
  const link = "rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium hover:bg-stone-50";
  return (
    <nav aria-label="Admin views of this order" className="flex flex-wrap gap-2">
      <Link href={streamHref("Order", orderId)} className={link}>
        Event history
      </Link>
      {correlation && (
        <Link href={traceHref(correlation)} className={link}>
          Trace timeline
        </Link>
      )}
      <Link href={traceSearchHref(orderId)} className={link}>
        Observe trace
      </Link>
    </nav>
  );
}
