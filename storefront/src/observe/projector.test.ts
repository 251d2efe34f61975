import { describe, expect, it } from "vitest";
import { projectorSummary, projectorTroubled } from "./projector";

const now = Date.parse("2026-11-29T10:00:12Z");
const start = { service: "stock-projector", started_at: "2026-11-29T10:00:00Z" };

describe("projectorSummary", () => {
  it("says when it started, how often it restarted, and how its previous run ended", () => {
    expect(projectorSummary({ ...start, restarts: 3, last_exit_code: 70 }, now)).toBe(
      "stock-projector started 12 s ago · restarted 3 times · last exit code 70",
    );
    expect(projectorSummary({ ...start, restarts: 1, last_exit_code: 0 }, now)).toBe(
      "stock-projector started 12 s ago · restarted once · last exit code 0",
    );
    expect(projectorSummary({ ...start, restarts: 0, last_exit_code: null }, now)).toBe("stock-projector started 12 s ago · never restarted");
  });

  it("leaves out what the supervisor does not say (ECS)", () => {
    expect(projectorSummary({ ...start, restarts: null }, now)).toBe("stock-projector started 12 s ago");
  });
});

describe("projectorTroubled", () => {
  it("is true when the previous run exited with a non-zero code", () => {
    expect(projectorTroubled({ ...start, last_exit_code: 70 })).toBe(true);
    expect(projectorTroubled({ ...start, last_exit_code: 0 })).toBe(false);
    expect(projectorTroubled({ ...start })).toBe(false);
  });
});
