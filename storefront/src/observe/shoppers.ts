// Synthetic shoppers: while a game day runs, the admin's own browser shops a little, so the
// alarms, metrics and traces have traffic to show the fault in. The choices are pure here; the
// timers live in src/components/observe/useSyntheticShoppers.ts.
import type { LineRequest, Product } from "@/api/types";

/** One order this often: enough for a latency or error alarm to judge, small for the stock. */
export const ORDER_EVERY_MS = 3_000;

/** One catalog read this often: reads are where a failing product service shows. */
export const READ_EVERY_MS = 2_000;

/**
 * A product to order, among those still available, at random so the orders spread over the
 * catalog (and no product runs out first); null when nothing is in stock. `random` is in [0, 1).
 */
export function pickInStock(products: readonly Product[], random: () => number = Math.random): Product | null {
  const inStock = products.filter((p) => p.available > 0);
  if (inStock.length === 0) return null;
  return inStock[Math.min(Math.floor(random() * inStock.length), inStock.length - 1)] ?? null;
}

/** What a synthetic shopper orders: one unit of one product. */
export const shopperLines = (product: Pick<Product, "sku">): LineRequest[] => [{ sku: product.sku, quantity: 1 }];

/** What the synthetic shoppers did since they started. */
export type ShopperCounts = { ordersPlaced: number; ordersFailed: number; readsOk: number; readsFailed: number };

export const noCounts: ShopperCounts = { ordersPlaced: 0, ordersFailed: 0, readsOk: 0, readsFailed: 0 };

/** `counts` with one more `what`. */
export const counted = (counts: ShopperCounts, what: keyof ShopperCounts): ShopperCounts => ({ ...counts, [what]: counts[what] + 1 });

/**
 * A failed call as the shoppers' panel says it: the route and the status, not the server's
 * detail, which may name the fault and give a game day's answer away.
 */
export function failureText(route: string, problem: { status: number; title: string }): string {
  if (problem.status === 0) return `${route}: the shop could not be reached`;
  return `${route} answered HTTP ${problem.status} (${problem.title})`;
}
