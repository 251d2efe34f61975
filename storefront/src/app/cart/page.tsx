"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ApiError } from "@/api/client";
import { limits } from "@/api/limits";
import type { Product } from "@/api/types";
import { useApi } from "@/api/useApi";
import { useSession } from "@/auth/session";
import { emptyCart, itemCount, setQuantity, withCheckoutKey, type CartLine } from "@/cart/cart";
import { useCart } from "@/cart/useCart";
import { Button } from "@/components/Button";
import { productHref } from "@/components/catalog/ProductCard";
import { useCatalog } from "@/components/catalog/useCatalog";
import { orderHref } from "@/components/orders/links";
import { ProblemAlert } from "@/components/ProblemAlert";
import { QueryView } from "@/components/QueryView";
import { formatMoney } from "@/lib/format";
import { remember } from "@/lib/seen";
import { asApiError } from "@/lib/useQuery";
import { checkouts } from "@/telemetry/checkout";
import { startSpan } from "@/telemetry/tracer";

function LineRow({ line, product }: { line: CartLine; product: Product | undefined }) {
  const [, change] = useCart();
  const name = product?.name ?? line.sku;
  const short = product && line.quantity > product.available;
  return (
    <li className="flex flex-wrap items-center gap-4 border-b border-stone-200 py-4">
      <div className="min-w-48 flex-1">
        <Link href={productHref(line.sku)} className="font-medium hover:underline">
          {name}
        </Link>
        {product ? (
          <p className="text-sm text-stone-600">{formatMoney(product.price_cents)} each</p>
        ) : (
          <p className="text-sm text-red-700">No longer in the catalog.</p>
        )}
        {short && (
          <p className="text-sm text-amber-800">
            Only {product.available} available now: this order may be rejected.
          </p>
        )}
      </div>
      <label className="flex items-center gap-2 text-sm">
        Quantity of {name}
        <input
          type="number"
          min={limits.lineQuantity.min}
          max={limits.lineQuantity.max}
          value={line.quantity}
          onChange={(e) => change((c) => setQuantity(c, line.sku, Math.max(limits.lineQuantity.min, e.target.valueAsNumber || 0)))}
          className="w-20 rounded-md border border-stone-300 px-2 py-1"
        />
      </label>
      <p className="w-24 text-right font-medium">{product ? formatMoney(product.price_cents * line.quantity) : "—"}</p>
      <Button variant="secondary" onClick={() => change((c) => setQuantity(c, line.sku, 0))} aria-label={`Remove ${name}`}>
        Remove
      </Button>
    </li>
  );
}

function Checkout({ total }: { total: number }) {
  const api = useApi();
  const router = useRouter();
  const { user } = useSession();
  const [cart, change] = useCart();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function checkout() {
    // The key is kept with these lines: retrying after a lost answer places the order only once.
    const keyed = withCheckoutKey(cart, () => crypto.randomUUID());
    change(() => keyed);
    setBusy(true);
    setError(null);
    // The root of the checkout's trace: the POST is its child, and the order page's reads too,
    // until the order is decided (see useSettledOrder).
    const span = startSpan("checkout", {
      kind: "internal",
      attributes: { "checkout.lines": keyed.lines.length, "checkout.units": itemCount(keyed) },
    });
    try {
      const accepted = await api.placeOrder(keyed.lines, keyed.checkoutKey as string, span);
      span.setAttribute("order_id", accepted.order_id);
      span.setAttribute("correlation_id", accepted.correlation_id);
      checkouts.remember(accepted.order_id, span);
      remember(accepted.position);
      change(() => emptyCart);
      router.push(orderHref(accepted));
    } catch (e) {
      const problem = asApiError(e);
      span.end({ code: "error", message: problem.message });
      setError(problem);
      setBusy(false);
    }
  }

  return (
    <div className="mt-6 flex flex-col items-end gap-3">
      <p className="text-lg">
        Total <span className="font-bold">{formatMoney(total)}</span>
      </p>
      {error && <ProblemAlert error={error} />}
      {user ? (
        <Button onClick={checkout} disabled={busy}>
          {busy ? "Placing order…" : "Place order"}
        </Button>
      ) : (
        <Link href="/sign-in/?next=/cart/" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white">
          Sign in to check out
        </Link>
      )}
    </div>
  );
}

export default function CartPage() {
  const [cart] = useCart();
  const catalog = useCatalog();
  return (
    <>
      <h1 className="mb-6 text-2xl font-bold">Cart</h1>
      {cart.lines.length === 0 ? (
        <p role="status" className="rounded-md border border-dashed border-stone-300 p-6 text-center text-stone-600">
          Your cart is empty. <Link href="/" className="text-brand-700 underline">Browse the catalog</Link>.
        </p>
      ) : (
        <QueryView query={catalog} what="prices and availability">
          {({ items }) => {
            const bySku = new Map(items.map((p) => [p.sku, p]));
            const total = cart.lines.reduce((sum, l) => sum + (bySku.get(l.sku)?.price_cents ?? 0) * l.quantity, 0);
            return (
              <section aria-label="Cart lines">
                <ul>
                  {cart.lines.map((line) => (
                    <LineRow key={line.sku} line={line} product={bySku.get(line.sku)} />
                  ))}
                </ul>
                <Checkout total={total} />
              </section>
            );
          }}
        </QueryView>
      )}
    </>
  );
}
