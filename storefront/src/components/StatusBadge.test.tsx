import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { StatusBadge } from "./StatusBadge";

// docs/openapi.json types an order's status as a string and lists today's values in prose only.
describe("StatusBadge", () => {
  it("colours the statuses the document describes", () => {
    expect(renderToStaticMarkup(<StatusBadge status="confirmed" />)).toContain("bg-green-100");
  });

  it("shows a status it does not know, in a neutral colour", () => {
    const html = renderToStaticMarkup(<StatusBadge status="refunded" />);
    expect(html).toContain("refunded");
    expect(html).toContain("bg-stone-100");
    expect(html).not.toContain("undefined");
  });
});
