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
import { sentence, shortageFor, shortagesOf, type Shortage } from "@/cart/shortage";
import { useCart } from "@/cart/useCart";
import { Button } from "@/components/Button";
import { CatalogProblem } from "@/components/catalog/CatalogProblem";
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

function LineRow({ line, product, shortage }: { line: CartLine; product: Product | undefined; shortage: Shortage | undefined }) {
  const [, change] = useCart();
  const name = product?.name ?? line.sku;
  const short = product && line.quantity > product.available;
  const available = shortage?.available ?? null;
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
        {shortage ? (
          // The shop refused this line at once: nothing was ordered, and the line stays as it was.
          <div role="alert" className="mt-1 flex flex-wrap items-center gap-2 text-sm text-red-800">
            <p>{sentence(shortage.message)}</p>
            {available !== null && available > 0 ? (
              <Button
                variant="secondary"
                className="px-2 py-1"
                onClick={() => change((c) => setQuantity(c, line.sku, available))}
                aria-label={`Set ${name} to ${available}`}
              >
                Set to {available}
              </Button>
            ) : (
              <p>{available === 0 ? "None are left: remove it to place the order." : "Lower the quantity to order it."}</p>
            )}
          </div>
        ) : (
          short && (
            <p className="text-sm text-amber-800">
              Only {product.available} available now: this order may be rejected.
            </p>
          )
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

/**
 * `shortages`: the lines the shop refused for want of stock that still ask for what was refused;
 * `onRefused` hands up those of each attempt (none when it starts), to show beside their lines.
 */
function Checkout({
  total,
  shortages,
  onRefused,
}: {
  total: number;
  shortages: readonly Shortage[];
  onRefused: (shortages: Shortage[]) => void;
}) {
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
    onRefused([]);
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
      // A 409 naming lines: nothing was placed, and each refused line says so beside itself.
      const refused = shortagesOf(problem.problem, keyed.lines);
      if (refused.length > 0) onRefused(refused);
      else setError(problem);
      setBusy(false);
    }
  }

  return (
    <div className="mt-6 flex flex-col items-end gap-3">
      <p className="text-lg">
        Total <span className="font-bold">{formatMoney(total)}</span>
      </p>
      {error && <ProblemAlert error={error} />}
      {shortages.length > 0 && (
        <p className="text-sm text-red-800">Nothing was ordered: change the lines marked above, then place the order again.</p>
      )}
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

/**
 * The lines with their prices, and the checkout. `refused`: the shortages of the last checkout,
 * each shown beside its line while that line asks for what was refused.
 */
function CartLines({
  items,
  refused,
  setRefused,
}: {
  items: readonly Product[];
  refused: readonly Shortage[];
  setRefused: (shortages: Shortage[]) => void;
}) {
  const [cart] = useCart();
  const bySku = new Map(items.map((p) => [p.sku, p]));
  const total = cart.lines.reduce((sum, l) => sum + (bySku.get(l.sku)?.price_cents ?? 0) * l.quantity, 0);
  const shortages = cart.lines.flatMap((line) => shortageFor(refused, line) ?? []);
  return (
    <section aria-label="Cart lines">
      <ul>
        {cart.lines.map((line) => (
          <LineRow key={line.sku} line={line} product={bySku.get(line.sku)} shortage={shortageFor(shortages, line)} />
        ))}
      </ul>
      <Checkout total={total} shortages={shortages} onRefused={setRefused} />
    </section>
  );
}

export default function CartPage() {
  const [cart] = useCart();
  const catalog = useCatalog();
  // Kept here, above the catalog's reloads, so a refusal stays shown while prices are read again.
  const [refused, setRefused] = useState<Shortage[]>([]);
  return (
    <>
      <h1 className="mb-6 text-2xl font-bold">Cart</h1>
      {cart.lines.length === 0 ? (
        <p role="status" className="rounded-md border border-dashed border-stone-300 p-6 text-center text-stone-600">
          Your cart is empty. <Link href="/" className="text-brand-700 underline">Browse the catalog</Link>.
        </p>
      ) : (
        <QueryView
          query={catalog}
          what="prices and availability"
          failed={(error, retry) => <CatalogProblem error={error} read="cart" onRetry={retry} />}
        >
          {({ items }) => <CartLines items={items} refused={refused} setRefused={setRefused} />}
        </QueryView>
      )}
    </>
  );
}
