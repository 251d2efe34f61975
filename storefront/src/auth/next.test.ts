import { describe, expect, it } from "vitest";
import { safeNext, withQuery } from "./next";

describe("next", () => {
  it("follows only paths of this site", () => {
    expect(safeNext("/cart/")).toBe("/cart/");
    expect(safeNext("//evil.example/")).toBe("/");
    expect(safeNext("https://evil.example/")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });

  it("builds a page's query, leaving empty values out", () => {
    expect(withQuery("/sign-in/", { email: "a+b@example.com", next: "/cart/", confirmed: null })).toBe(
      "/sign-in/?email=a%2Bb%40example.com&next=%2Fcart%2F",
    );
    expect(withQuery("/sign-up/", { next: null })).toBe("/sign-up/");
  });
});
