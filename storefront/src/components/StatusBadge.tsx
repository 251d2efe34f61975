import type { OrderStatus } from "@/api/types";

/** A colour for each status an order can have: one the document adds fails to compile here. */
const styles: Record<OrderStatus, string> = {
  pending: "bg-amber-100 text-amber-900",
  confirmed: "bg-green-100 text-green-900",
  rejected: "bg-red-100 text-red-900",
  cancelled: "bg-stone-200 text-stone-800",
};

export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-medium capitalize ${styles[status]}`}>{status}</span>;
}
