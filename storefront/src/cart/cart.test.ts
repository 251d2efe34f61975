import { describe, expect, it } from "vitest";
import { limits } from "@/api/limits";
import { add, emptyCart, itemCount, parseCart, quantityOf, setQuantity, withCheckoutKey } from "./cart";

describe("cart", () => {
  it("adds to a line instead of repeating the SKU", () => {
    const cart = add(add(emptyCart, "TEA-GREEN"), "TEA-GREEN", 2);
    expect(cart.lines).toEqual([{ sku: "TEA-GREEN", quantity: 3 }]);
    expect(itemCount(add(cart, "MUG-STONE"))).toBe(4);
  });

  it("removes a line set to zero and keeps quantities within the API's bounds", () => {
    const cart = add(emptyCart, "TEA-GREEN", 5);
    expect(setQuantity(cart, "TEA-GREEN", 0).lines).toEqual([]);
    expect(quantityOf(setQuantity(cart, "TEA-GREEN", limits.lineQuantity.max + 1), "TEA-GREEN")).toBe(limits.lineQuantity.max);
    expect(quantityOf(setQuantity(cart, "TEA-GREEN", 2.7), "TEA-GREEN")).toBe(2);
    expect(setQuantity(cart, "MUG-STONE", 0)).toBe(cart);
  });

  it("refuses a new SKU once it holds the most lines an order may have", () => {
    const full = Array.from({ length: limits.orderLines.max }, (_, i) => `SKU-${i}`).reduce((c, sku) => add(c, sku), emptyCart);
    expect(add(full, "ONE-MORE")).toBe(full);
    expect(quantityOf(add(full, "SKU-0"), "SKU-0")).toBe(2);
  });

  it("keeps one idempotency key for retries of the same lines and drops it when they change", () => {
    let keys = 0;
    const newKey = () => `key-${++keys}`;
    const first = withCheckoutKey(add(emptyCart, "TEA-GREEN"), newKey);
    expect(withCheckoutKey(first, newKey).checkoutKey).toBe("key-1");
    const changed = add(first, "TEA-GREEN");
    expect(changed.checkoutKey).toBeNull();
    expect(withCheckoutKey(changed, newKey).checkoutKey).toBe("key-2");
  });

  it("reads back only what a cart can hold from storage", () => {
    expect(parseCart(undefined)).toEqual(emptyCart);
    expect(parseCart({ lines: "nope" })).toEqual(emptyCart);
    expect(
      parseCart({
        lines: [{ sku: "A1", quantity: 2 }, { sku: "A1", quantity: 9 }, { sku: 3 }, { sku: "B2", quantity: -1 }, null],
        checkoutKey: "k",
      }),
    ).toEqual({ lines: [{ sku: "A1", quantity: 2 }], checkoutKey: "k" });
  });
});
