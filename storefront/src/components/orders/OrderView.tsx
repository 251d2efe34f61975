import type { Order } from "@/api/types";
import { formatTime, shortId } from "@/lib/format";
import { StatusBadge } from "@/components/StatusBadge";
import { OrderLines } from "./OrderLines";

const explain: Partial<Record<Order["status"], string>> = {
  pending: "Reserving your items…",
  confirmed: "Every item is reserved for you.",
  rejected: "This order could not be filled.",
  cancelled: "This order was cancelled; its items went back on the shelf.",
};

export function OrderView({ order }: { order: Order }) {
  return (
    <article aria-labelledby="order-title" className="flex flex-col gap-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
      <h1 id="order-title" className="text-2xl font-bold">
        Order <span className="font-mono">{shortId(order.order_id)}</span>
      </h1>
      <div role="status" aria-live="polite" className="flex flex-wrap items-center gap-3">
        <StatusBadge status={order.status} />
        <span className={order.status === "pending" ? "animate-pulse text-stone-600" : "text-stone-700"}>
          {explain[order.status] ?? `Status: ${order.status}.`}
        </span>
      </div>
      {order.reason && (
        <p className="rounded-md border border-red-200 bg-red-50 p-3 text-red-900">
          <span className="font-semibold">Reason:</span> {order.reason}
        </p>
      )}
      <OrderLines order={order} />
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm text-stone-600">
        <dt>Order id</dt>
        <dd className="font-mono break-all">{order.order_id}</dd>
        <dt>Placed</dt>
        <dd>{formatTime(order.placed_at)}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(order.updated_at)}</dd>
      </dl>
    </article>
  );
}
