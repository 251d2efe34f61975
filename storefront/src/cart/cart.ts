import { limits } from "@/api/limits";
import { stored } from "@/lib/stored";

// The cart keeps within the bounds the API enforces on an order (src/api/limits.ts).

export type CartLine = { sku: string; quantity: number };

/**
 * What the shopper means to buy. `checkoutKey` is the Idempotency-Key of the checkout of exactly
 * these lines: a retried checkout reuses it, so a lost answer cannot place the order twice; any
 * change to the lines drops it.
 */
export type Cart = { lines: CartLine[]; checkoutKey: string | null };

export const emptyCart: Cart = { lines: [], checkoutKey: null };

const clamp = (quantity: number) => Math.min(limits.lineQuantity.max, Math.max(0, Math.trunc(quantity)));

/**
 * Sets a line's quantity, at most the most one order line may hold; 0 removes it. A new SKU past the
 * most lines an order may have is refused (the cart is returned as is).
 */
export function setQuantity(cart: Cart, sku: string, quantity: number): Cart {
  const wanted = clamp(quantity);
  const present = cart.lines.some((line) => line.sku === sku);
  if (!present && (wanted === 0 || cart.lines.length >= limits.orderLines.max)) return cart;
  const lines = present
    ? cart.lines.flatMap((line) => (line.sku !== sku ? [line] : wanted === 0 ? [] : [{ sku, quantity: wanted }]))
    : [...cart.lines, { sku, quantity: wanted }];
  return { lines, checkoutKey: null };
}

export function add(cart: Cart, sku: string, quantity = 1): Cart {
  return setQuantity(cart, sku, quantityOf(cart, sku) + quantity);
}

export function quantityOf(cart: Cart, sku: string): number {
  return cart.lines.find((line) => line.sku === sku)?.quantity ?? 0;
}

export function itemCount(cart: Cart): number {
  return cart.lines.reduce((sum, line) => sum + line.quantity, 0);
}

/** The cart with its checkout key, made on the first attempt and kept for retries. */
export function withCheckoutKey(cart: Cart, newKey: () => string): Cart {
  return cart.checkoutKey ? cart : { ...cart, checkoutKey: newKey() };
}

/** Whatever is stored, as a valid cart: unknown shapes and out-of-range quantities are dropped. */
export function parseCart(raw: unknown): Cart {
  if (typeof raw !== "object" || raw === null) return emptyCart;
  const { lines, checkoutKey } = raw as Record<string, unknown>;
  if (!Array.isArray(lines)) return emptyCart;
  return lines.reduce<Cart>(
    (cart, line: unknown) => {
      const { sku, quantity } = (line ?? {}) as Record<string, unknown>;
      return typeof sku === "string" && typeof quantity === "number" && quantityOf(cart, sku) === 0
        ? { ...setQuantity(cart, sku, quantity), checkoutKey: cart.checkoutKey }
        : cart;
    },
    { lines: [], checkoutKey: typeof checkoutKey === "string" ? checkoutKey : null },
  );
}

export const cartStore = stored("shop.cart", parseCart);
