"use client";

import { add, quantityOf } from "@/cart/cart";
import { useCart } from "@/cart/useCart";
import { Button } from "@/components/Button";
import type { Product } from "@/api/types";

export function AddToCart({ product, quantity = 1 }: { product: Pick<Product, "sku" | "name" | "available">; quantity?: number }) {
  const [cart, change] = useCart();
  const inCart = quantityOf(cart, product.sku);
  return (
    <div className="flex items-center gap-3">
      <Button
        onClick={() => change((c) => add(c, product.sku, quantity))}
        disabled={product.available === 0}
        aria-label={`Add to cart, ${product.name}`}
      >
        Add to cart
      </Button>
      {inCart > 0 && (
        <span className="text-sm text-stone-600" aria-live="polite">
          {inCart} in cart
        </span>
      )}
    </div>
  );
}
