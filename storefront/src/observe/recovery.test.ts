import { describe, expect, it } from "vitest";
import type { Recovery } from "@/api/types";
import { readModelCheck, recoveryChecks } from "./recovery";

const recovered: Recovery = {
  fault_off: true,
  undecided_orders: 0,
  lag_events: 0,
  read_models: [
    { name: "catalog", position: 90, rows: 12, differing: 0 },
    { name: "orders", position: 90, rows: 1, differing: 0 },
  ],
  recovered: true,
};

describe("recoveryChecks", () => {
  it("lists every check, passed, when the shop recovered", () => {
    expect(recoveryChecks(recovered)).toEqual([
      { label: "The fault switch is off", ok: true },
      { label: "Orders placed during the run and not decided yet: 0", ok: true },
      { label: "Projection lag: 0 events", ok: true },
      { label: "catalog: equal to a rebuild (12 rows)", ok: true },
      { label: "orders: equal to a rebuild (1 row)", ok: true },
    ]);
  });

  it("marks what is not there yet", () => {
    const checks = recoveryChecks({
      fault_off: false,
      undecided_orders: 2,
      lag_events: 1,
      read_models: [{ name: "reservations", position: 80, rows: 5, differing: 3 }],
      recovered: false,
    });
    expect(checks.map((c) => c.ok)).toEqual([false, false, false, false]);
    expect(checks.map((c) => c.label)).toEqual([
      "The fault switch is still on",
      "Orders placed during the run and not decided yet: 2",
      "Projection lag: 1 event",
      "reservations: 3 rows differ from a rebuild",
    ]);
  });
});

describe("readModelCheck", () => {
  it("says one row in the singular", () => {
    expect(readModelCheck({ name: "catalog", position: 1, rows: 12, differing: 1 }).label).toBe("catalog: 1 row differs from a rebuild");
  });
});
