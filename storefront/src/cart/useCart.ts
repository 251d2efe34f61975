"use client";

import { useStored } from "@/lib/stored";
import { cartStore, emptyCart, type Cart } from "./cart";

/** The cart in the browser, and a way to change it with the pure functions of ./cart. */
export function useCart(): [Cart, (change: (cart: Cart) => Cart) => void] {
  return [useStored(cartStore, emptyCart), cartStore.set];
}
