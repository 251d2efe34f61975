import { describe, expect, it } from "vitest";
import { attributeName, attributeText } from "./attributes";

describe("attributeText", () => {
  it("shows strings as they are and numbers and booleans as JavaScript writes them", () => {
    expect(["order", "", 3, 0.5, true, false].map(attributeText)).toEqual(["order", "", "3", "0.5", "true", "false"]);
  });

  it("shows arrays, objects and null as JSON rather than [object Object]", () => {
    expect(attributeText(["a", 1])).toBe('["a",1]');
    expect(attributeText({ sku: "TEA-1", qty: 2 })).toBe('{"sku":"TEA-1","qty":2}');
    expect(attributeText(null)).toBe("null");
  });

  it("never throws, even on a value JSON cannot write", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(attributeText(cycle)).toBe("[object Object]");
    expect(attributeText(undefined)).toBe("");
  });
});

describe("attributeName", () => {
  it("is a non-empty string value, else null", () => {
    const attributes = { queue: "shop-events.fifo", empty: "", count: 3, list: ["a"] };
    expect(attributeName(attributes, "queue")).toBe("shop-events.fifo");
    expect(["empty", "count", "list", "missing", "toString"].map((key) => attributeName(attributes, key))).toEqual([null, null, null, null, null]);
  });
});
