"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { limits } from "@/api/limits";
import { useApi } from "@/api/useApi";
import { AddToCart } from "@/components/catalog/AddToCart";
import { Availability } from "@/components/catalog/Availability";
import { CatalogProblem } from "@/components/catalog/CatalogProblem";
import { Field } from "@/components/Field";
import { ProductImage } from "@/components/ProductImage";
import { Loading, QueryView } from "@/components/QueryView";
import { formatMoney } from "@/lib/format";
import { seenPosition } from "@/lib/seen";
import { useStored } from "@/lib/stored";
import { useQuery } from "@/lib/useQuery";
import { useReloadOnFocus } from "@/lib/useReloadOnFocus";

function ProductDetail() {
  const sku = useSearchParams().get("sku") ?? "";
  const api = useApi();
  const seen = useStored(seenPosition, 0);
  const product = useQuery(`product/${sku}@${seen}`, (signal) => api.product(sku, { minPosition: seen || undefined, signal }));
  useReloadOnFocus(product.reload);
  const [quantity, setQuantity] = useState(limits.lineQuantity.min);

  return (
    <QueryView query={product} what="the product" failed={(error, retry) => <CatalogProblem error={error} read="product" onRetry={retry} />}>
      {(p) => (
        <article className="grid gap-8 md:grid-cols-2">
          <ProductImage product={p} />
          <div className="flex flex-col gap-4">
            <h1 className="text-3xl font-bold">{p.name}</h1>
            <p className="text-2xl">{formatMoney(p.price_cents)}</p>
            <p className="text-stone-700">{p.description}</p>
            <Availability product={p} />
            <dl className="grid grid-cols-3 gap-2 text-sm">
              {(["on_hand", "reserved", "available"] as const).map((key) => (
                <div key={key} className="rounded-md bg-white p-2 text-center shadow-sm">
                  <dt className="text-stone-500">{key.replace("_", " ")}</dt>
                  <dd className="text-lg font-semibold">{p[key]}</dd>
                </div>
              ))}
            </dl>
            <Field
              label="Quantity"
              type="number"
              min={limits.lineQuantity.min}
              max={limits.lineQuantity.max}
              value={quantity}
              onChange={(e) => setQuantity(Math.max(limits.lineQuantity.min, e.target.valueAsNumber || 0))}
              className="w-32"
            />
            <AddToCart product={p} quantity={quantity} />
            <p className="text-xs text-stone-500">SKU {p.sku}</p>
          </div>
        </article>
      )}
    </QueryView>
  );
}

export default function ProductPage() {
  return (
    <>
      <Link href="/" className="mb-4 inline-block text-sm text-brand-700 hover:underline">
        ← Back to the catalog
      </Link>
      <Suspense fallback={<Loading what="the product" />}>
        <ProductDetail />
      </Suspense>
    </>
  );
}
