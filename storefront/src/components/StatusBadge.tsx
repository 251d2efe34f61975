import type { OrderStatus } from "@/api/types";

/** Keyed by the statuses the document describes; another one gets a neutral badge. */
const styles: Partial<Record<OrderStatus, string>> = {
  pending: "bg-amber-100 text-amber-900",
  confirmed: "bg-green-100 text-green-900",
  rejected: "bg-red-100 text-red-900",
  cancelled: "bg-stone-200 text-stone-800",
};

export function StatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-medium capitalize ${styles[status] ?? "bg-stone-100 text-stone-800"}`}>
      {status}
    </span>
  );
}
