import type { AggregateType } from "@/api/types";

/** The order page; `position` and `correlation` come from the command's answer when we have it. */
export function orderHref(order: { order_id: string; position?: number | null; correlation_id?: string }): string {
  const params = new URLSearchParams({ id: order.order_id });
  if (typeof order.position === "number") params.set("position", String(order.position));
  if (order.correlation_id) params.set("correlation", order.correlation_id);
  return `/order/?${params}`;
}

export const streamHref = (type: AggregateType, id: string) =>
  `/admin/stream/?${new URLSearchParams({ type, id })}`;

export const traceHref = (correlationId: string) => `/admin/trace/?${new URLSearchParams({ id: correlationId })}`;
