// What a shopper reads when the catalog cannot be read: a sentence about the products, not the
// HTTP status, and whether trying again can help. Pure, so it is tested without a browser.
import type { ApiError } from "@/api/client";

/** Which read failed: the product list (the catalog page), one product (its page), or the cart's prices and availability. */
export type CatalogRead = "products" | "product" | "cart";

const MESSAGES: Record<CatalogRead, string> = {
  products: "Some products could not be loaded.",
  product: "This product could not be loaded.",
  cart: "Your cart's prices and availability could not be loaded, so it cannot be checked out now. Your cart is kept.",
};

export type CatalogProblem = {
  /** The sentence the alert leads with. */
  message: string;
  /** Whether a retry can help: a failure on the way or on the server's side, not a refusal. */
  retry: boolean;
  /** What the shop answered, in small print for whoever looks into it: "HTTP 500 Internal Server Error: …"; null when nothing answered. */
  detail: string | null;
};

/** A refusal that a second try answers the same, unlike a timeout (408) or a rate limit (429). */
const final = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

export function catalogProblem(error: ApiError, read: CatalogRead): CatalogProblem {
  const { status, title, detail } = error.problem;
  if (status === 0) {
    return { message: "The shop could not be reached. Check your connection.", retry: true, detail: null };
  }
  const answered = [`HTTP ${status}`, title && title !== "Error" ? ` ${title}` : "", detail && detail !== title ? `: ${detail}` : ""].join("");
  if (read === "product" && status === 404) {
    return { message: "This product is not in the catalog.", retry: false, detail: answered };
  }
  return { message: MESSAGES[read], retry: !final(status), detail: answered };
}
