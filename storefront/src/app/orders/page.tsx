"use client";

import Link from "next/link";
import { useApi } from "@/api/useApi";
import { Gate } from "@/components/Gate";
import { orderHref } from "@/components/orders/links";
import { QueryView } from "@/components/QueryView";
import { StatusBadge } from "@/components/StatusBadge";
import { formatMoney, formatTime, shortId } from "@/lib/format";
import { useQuery } from "@/lib/useQuery";

function OrderList() {
  const api = useApi();
  const orders = useQuery("orders", (signal) => api.orders(signal));
  return (
    <QueryView query={orders} what="your orders" isEmpty={(d) => d.items.length === 0} empty="You have not placed an order yet.">
      {({ items }) => (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Your orders, newest first</caption>
          <thead className="border-b border-stone-300 text-stone-600">
            <tr>
              <th scope="col" className="py-2">Order</th>
              <th scope="col" className="py-2">Placed</th>
              <th scope="col" className="py-2">Status</th>
              <th scope="col" className="py-2 text-right">Total</th>
            </tr>
          </thead>
          <tbody>
            {items.map((order) => (
              <tr key={order.order_id} className="border-b border-stone-100">
                <td className="py-2">
                  <Link href={orderHref(order)} className="font-mono text-brand-700 underline" aria-label={`Order ${shortId(order.order_id)}`}>
                    {shortId(order.order_id)}
                  </Link>
                </td>
                <td className="py-2">{formatTime(order.placed_at)}</td>
                <td className="py-2">
                  <StatusBadge status={order.status} />
                </td>
                <td className="py-2 text-right">{formatMoney(order.total_cents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </QueryView>
  );
}

export default function OrdersPage() {
  return (
    <>
      <h1 className="mb-6 text-2xl font-bold">My orders</h1>
      <Gate>
        <OrderList />
      </Gate>
    </>
  );
}
