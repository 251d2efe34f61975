"use client";

import Link from "next/link";
import { ProductImageControl } from "@/components/admin/ProductImageControl";
import { RegisterProduct } from "@/components/admin/RegisterProduct";
import { RestockForm } from "@/components/admin/RestockForm";
import { useCatalog } from "@/components/catalog/useCatalog";
import { streamHref } from "@/components/orders/links";
import { QueryView } from "@/components/QueryView";
import { formatMoney } from "@/lib/format";

export default function AdminProductsPage() {
  const catalog = useCatalog();
  return (
    <div className="flex flex-col gap-8">
      <h1 className="text-2xl font-bold">Products</h1>
      <QueryView query={catalog} what="products" isEmpty={(d) => d.items.length === 0} empty="No product is registered yet.">
        {({ items }) => (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Products with their images and stock levels</caption>
              <thead className="border-b border-stone-300 text-stone-600">
                <tr>
                  <th scope="col" className="py-2">SKU</th>
                  <th scope="col" className="py-2">Name</th>
                  <th scope="col" className="py-2 pl-4">Image</th>
                  <th scope="col" className="py-2 text-right">Price</th>
                  <th scope="col" className="py-2 text-right">On hand</th>
                  <th scope="col" className="py-2 text-right">Reserved</th>
                  <th scope="col" className="py-2 text-right">Available</th>
                  <th scope="col" className="py-2 pl-4">Restock</th>
                </tr>
              </thead>
              <tbody>
                {items.map((p) => (
                  <tr key={p.sku} className="border-b border-stone-100 align-top">
                    <td className="py-2 font-mono">
                      <Link href={streamHref("Stock", p.sku)} className="text-brand-700 underline" aria-label={`Event history of ${p.sku}`}>
                        {p.sku}
                      </Link>
                    </td>
                    <td className="py-2">{p.name}</td>
                    <td className="py-2 pl-4">
                      <ProductImageControl product={p} onChanged={catalog.reload} />
                    </td>
                    <td className="py-2 text-right">{formatMoney(p.price_cents)}</td>
                    <td className="py-2 text-right">{p.on_hand}</td>
                    <td className="py-2 text-right">{p.reserved}</td>
                    <td className="py-2 text-right">{p.available}</td>
                    <td className="py-2 pl-4">
                      <RestockForm product={p} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
      <RegisterProduct />
    </div>
  );
}
