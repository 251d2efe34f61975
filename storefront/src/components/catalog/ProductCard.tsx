import Link from "next/link";
import type { Product } from "@/api/types";
import { formatMoney } from "@/lib/format";
import { ProductImage } from "@/components/ProductImage";
import { AddToCart } from "./AddToCart";
import { Availability } from "./Availability";

export const productHref = (sku: string) => `/product/?sku=${encodeURIComponent(sku)}`;

/** The whole card opens the product through its title link; the cart button sits above it. */
export function ProductCard({ product }: { product: Product }) {
  return (
    <li
      aria-labelledby={`p-${product.sku}`}
      className="relative flex flex-col gap-3 rounded-lg border border-stone-200 bg-white p-4 shadow-sm focus-within:ring-2 focus-within:ring-brand-600 hover:shadow-md"
    >
      <ProductImage product={product} />
      <div className="flex items-baseline justify-between gap-2">
        <h2 id={`p-${product.sku}`} className="font-semibold">
          <Link href={productHref(product.sku)} className="after:absolute after:inset-0 focus:outline-none">
            {product.name}
          </Link>
        </h2>
        <p className="font-medium">{formatMoney(product.price_cents)}</p>
      </div>
      <p className="flex-1 text-sm text-stone-600">{product.description}</p>
      <Availability product={product} />
      <div className="relative z-10">
        <AddToCart product={product} />
      </div>
    </li>
  );
}
