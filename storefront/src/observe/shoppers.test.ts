import { describe, expect, it } from "vitest";
import type { Product } from "@/api/types";
import { counted, failureText, noCounts, pickInStock, shopperLines } from "./shoppers";

const product = (sku: string, available: number): Product => ({
  sku,
  name: sku,
  description: "",
  price_cents: 100,
  on_hand: available,
  reserved: 0,
  available,
  position: 1,
});

describe("pickInStock", () => {
  const catalog = [product("A", 0), product("B", 3), product("C", 0), product("D", 1)];

  it("picks among the products still available, spread by the random number", () => {
    expect(pickInStock(catalog, () => 0)?.sku).toBe("B");
    expect(pickInStock(catalog, () => 0.49)?.sku).toBe("B");
    expect(pickInStock(catalog, () => 0.5)?.sku).toBe("D");
    expect(pickInStock(catalog, () => 0.999)?.sku).toBe("D");
  });

  it("stays inside the list even when the random number reaches 1", () => {
    expect(pickInStock(catalog, () => 1)?.sku).toBe("D");
  });

  it("is null when nothing is in stock or the catalog is empty", () => {
    expect(pickInStock([product("A", 0)], () => 0)).toBeNull();
    expect(pickInStock([], () => 0)).toBeNull();
  });
});

describe("shopperLines", () => {
  it("orders one unit of the product", () => {
    expect(shopperLines(product("TEA-GREEN", 4))).toEqual([{ sku: "TEA-GREEN", quantity: 1 }]);
  });
});

describe("counted", () => {
  it("adds one to what happened, leaving the rest", () => {
    const once = counted(noCounts, "readsFailed");
    expect(once).toEqual({ ordersPlaced: 0, ordersFailed: 0, readsOk: 0, readsFailed: 1 });
    expect(counted(once, "readsFailed").readsFailed).toBe(2);
    expect(noCounts.readsFailed).toBe(0);
  });
});

describe("failureText", () => {
  it("names the route and the status, never the server's detail", () => {
    expect(failureText("GET /api/products", { status: 500, title: "Internal Server Error" })).toBe(
      "GET /api/products answered HTTP 500 (Internal Server Error)",
    );
    expect(failureText("POST /api/orders", { status: 0, title: "Network error" })).toBe("POST /api/orders: the shop could not be reached");
  });
});
