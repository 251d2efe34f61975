import { describe, expect, it } from "vitest";
import type { Problem } from "@/api/types";
import { sentence, shortageFor, shortagesOf } from "./shortage";

const conflict = (errors?: Problem["errors"], detail = "KETTLE-GOOSE is short: 6 requested, 5 available"): Problem => ({
  type: "about:blank",
  title: "Conflict",
  status: 409,
  detail,
  ...(errors ? { errors } : {}),
});

const sent = [
  { sku: "TEA-GREEN", quantity: 2 },
  { sku: "KETTLE-GOOSE", quantity: 6 },
];

describe("shortages of a refused order", () => {
  it("ties lines[i].quantity to the i-th line sent, with the units available", () => {
    const problem = conflict([{ field: "lines[1].quantity", message: "only 5 available for KETTLE-GOOSE" }]);
    expect(shortagesOf(problem, sent)).toEqual([
      { sku: "KETTLE-GOOSE", requested: 6, available: 5, message: "only 5 available for KETTLE-GOOSE" },
    ]);
  });

  it("follows the order the lines were sent in, not the order the cart shows them in", () => {
    const problem = conflict([{ field: "lines[0].quantity", message: "only 1 available for MUG-STONE" }]);
    const shown = [
      { sku: "TEA-GREEN", quantity: 2 },
      { sku: "MUG-STONE", quantity: 3 },
    ];
    const shortages = shortagesOf(problem, [shown[1]!, shown[0]!]);
    expect(shortages.map((s) => s.sku)).toEqual(["MUG-STONE"]);
    expect(shortageFor(shortages, shown[0]!)).toBeUndefined();
    expect(shortageFor(shortages, shown[1]!)?.available).toBe(1);
  });

  it("reads none left, and keeps a message without a number as it is", () => {
    const problem = conflict([
      { field: "lines[0].quantity", message: "only 0 available for TEA-GREEN" },
      { field: "lines[1].quantity", message: "sold out" },
    ]);
    expect(shortagesOf(problem, sent).map((s) => s.available)).toEqual([0, null]);
  });

  it("is no shortage when the 409 names no line sent, or the problem is another", () => {
    expect(shortagesOf(conflict(undefined, "Idempotency-Key is still in flight"), sent)).toEqual([]);
    expect(shortagesOf(conflict([{ field: "lines[2].quantity", message: "only 1 available for X" }]), sent)).toEqual([]);
    expect(shortagesOf(conflict([{ field: "Idempotency-Key", message: "in flight" }]), sent)).toEqual([]);
    const invalid = { ...conflict([{ field: "lines[0].quantity", message: "must be at least 1" }]), status: 422, title: "Unprocessable" };
    expect(shortagesOf(invalid, sent)).toEqual([]);
  });

  it("holds only while the line still asks for the quantity refused", () => {
    const shortages = shortagesOf(conflict([{ field: "lines[1].quantity", message: "only 5 available for KETTLE-GOOSE" }]), sent);
    expect(shortageFor(shortages, { sku: "KETTLE-GOOSE", quantity: 6 })).toBeDefined();
    expect(shortageFor(shortages, { sku: "KETTLE-GOOSE", quantity: 5 })).toBeUndefined();
    expect(shortageFor(shortages, { sku: "TEA-GREEN", quantity: 2 })).toBeUndefined();
  });

  it("shows the server's message as a sentence", () => {
    expect(sentence("only 5 available for KETTLE-GOOSE")).toBe("Only 5 available for KETTLE-GOOSE.");
    expect(sentence("Sold out.")).toBe("Sold out.");
    expect(sentence("  ")).toBe("");
  });
});
