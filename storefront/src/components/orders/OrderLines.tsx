import type { Order } from "@/api/types";
import { formatMoney } from "@/lib/format";

export function OrderLines({ order }: { order: Pick<Order, "lines" | "total_cents"> }) {
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Order lines</caption>
      <thead className="border-b border-stone-300 text-stone-600">
        <tr>
          <th scope="col" className="py-2">SKU</th>
          <th scope="col" className="py-2 text-right">Quantity</th>
          <th scope="col" className="py-2 text-right">Unit price</th>
          <th scope="col" className="py-2 text-right">Subtotal</th>
        </tr>
      </thead>
      <tbody>
        {order.lines.map((line) => (
          <tr key={line.sku} className="border-b border-stone-100">
            <td className="py-2 font-mono">{line.sku}</td>
            <td className="py-2 text-right">{line.quantity}</td>
            <td className="py-2 text-right">{formatMoney(line.unit_price_cents)}</td>
            <td className="py-2 text-right">{formatMoney(line.unit_price_cents * line.quantity)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3} className="py-2 text-right">Total</th>
          <td className="py-2 text-right font-bold">{formatMoney(order.total_cents)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
