"use client";

// The synthetic shoppers' timers: while on, this browser reads the catalog every 2 s and places
// an order every 3 s (one unit of a random product in stock), as the admin, with the client the
// cart uses; each answer is counted. The choices are in src/observe/shoppers.ts.

import { useEffect, useState } from "react";
import type { Product } from "@/api/types";
import { useApi } from "@/api/useApi";
import { asApiError } from "@/lib/useQuery";
import {
  counted,
  failureText,
  noCounts,
  ORDER_EVERY_MS,
  pickInStock,
  READ_EVERY_MS,
  shopperLines,
  type ShopperCounts,
} from "@/observe/shoppers";

export type Shoppers = ShopperCounts & { lastFailure: string | null };

/**
 * Shops while `on`. A call still on its way when its next turn comes skips that turn, so a slow
 * shop gets less traffic from here rather than a pile of it. Orders pick from the last catalog
 * read that succeeded, so failing reads slow the orders down without stopping them.
 */
export function useSyntheticShoppers(on: boolean): Shoppers {
  const api = useApi();
  const [counts, setCounts] = useState<Shoppers>({ ...noCounts, lastFailure: null });

  useEffect(() => {
    if (!on) return;
    const controller = new AbortController();
    let catalog: Product[] = [];
    let reading = false;
    let ordering = false;
    const count = (what: keyof ShopperCounts, failure?: unknown) => {
      if (controller.signal.aborted) return;
      setCounts((c) => ({
        ...counted(c, what),
        lastFailure:
          failure === undefined
            ? c.lastFailure
            : failureText(what === "ordersFailed" ? "POST /api/orders" : "GET /api/products", asApiError(failure).problem),
      }));
    };

    async function read() {
      if (reading) return;
      reading = true;
      try {
        catalog = (await api.products({ signal: controller.signal })).items;
        count("readsOk");
      } catch (error) {
        count("readsFailed", error);
      } finally {
        reading = false;
      }
    }

    async function order() {
      const product = pickInStock(catalog);
      if (ordering || !product) return;
      ordering = true;
      try {
        // A new key each time: every turn is a new order, never a retry of the last.
        await api.placeOrder(shopperLines(product), crypto.randomUUID());
        count("ordersPlaced");
      } catch (error) {
        count("ordersFailed", error);
      } finally {
        ordering = false;
      }
    }

    const first = setTimeout(read, 0);
    const timers = [setInterval(read, READ_EVERY_MS), setInterval(order, ORDER_EVERY_MS)];
    return () => {
      controller.abort();
      clearTimeout(first);
      timers.forEach(clearInterval);
    };
  }, [on, api]);

  return counts;
}
