import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ApiError } from "@/api/client";
import { CatalogProblem } from "./CatalogProblem";
import { catalogProblem } from "./problem";

// What the product service answers while the failing-reads fault switch is on (Problem::failed).
const failed = new ApiError({
  type: "about:blank",
  title: "Internal Server Error",
  status: 500,
  detail: "the request could not be completed; it is safe to retry",
});
const unreachable = new ApiError({ type: "about:blank", title: "Network error", status: 0, detail: "The shop could not be reached." });
const missing = new ApiError({ type: "about:blank", title: "Not Found", status: 404, detail: "product not found" });
const refused = new ApiError({ type: "about:blank", title: "Unprocessable Entity", status: 422, detail: "min_position: must be a number" });

describe("catalogProblem", () => {
  it("says in words what a failed read left out, and offers to read it again", () => {
    expect(catalogProblem(failed, "products")).toEqual({
      message: "Some products could not be loaded.",
      retry: true,
      detail: "HTTP 500 Internal Server Error: the request could not be completed; it is safe to retry",
    });
    expect(catalogProblem(failed, "product")).toMatchObject({ message: "This product could not be loaded.", retry: true });
    expect(catalogProblem(failed, "cart")).toMatchObject({
      message: expect.stringContaining("cannot be checked out now"),
      retry: true,
    });
    expect(catalogProblem(new ApiError({ ...failed.problem, status: 503, title: "" }), "products")).toMatchObject({
      retry: true,
      detail: "HTTP 503: the request could not be completed; it is safe to retry",
    });
    expect(catalogProblem(new ApiError({ ...failed.problem, status: 429, title: "Too Many Requests" }), "product").retry).toBe(true);
  });

  it("tells a shop that cannot be reached from a product that does not exist", () => {
    expect(catalogProblem(unreachable, "products")).toEqual({
      message: "The shop could not be reached. Check your connection.",
      retry: true,
      detail: null,
    });
    expect(catalogProblem(missing, "product")).toEqual({
      message: "This product is not in the catalog.",
      retry: false,
      detail: "HTTP 404 Not Found: product not found",
    });
  });

  it("offers no retry for a refusal the same read would meet again", () => {
    expect(catalogProblem(refused, "products")).toMatchObject({ message: "Some products could not be loaded.", retry: false });
  });
});

describe("CatalogProblem", () => {
  const render = (error: ApiError, read: "products" | "product") =>
    renderToStaticMarkup(<CatalogProblem error={error} read={read} onRetry={() => {}} />);

  it("is an alert with the sentence, a Try again button and the answer in small print", () => {
    const html = render(failed, "products");
    expect(html).toMatch(/^<div role="alert"/);
    expect(html).toContain(">Some products could not be loaded.</p>");
    expect(html).toContain(">Try again</button>");
    expect(html).toContain("Details: HTTP 500 Internal Server Error: the request could not be completed; it is safe to retry");
  });

  it("has no button where trying again cannot help", () => {
    const html = render(missing, "product");
    expect(html).toContain(">This product is not in the catalog.</p>");
    expect(html).not.toContain("<button");
  });
});
