import { describe, expect, it } from "vitest";
import type { FaultView } from "@/api/types";
import {
  atDefault,
  defaultText,
  flipBody,
  flippedText,
  flipper,
  initialInputs,
  inputsChanged,
  invalidInputs,
  latestView,
  resetToDefault,
} from "./faults";

const slow: FaultView = {
  name: "slow_database",
  title: "Slow database",
  breaks: "Every append to the event store waits `added_ms` first.",
  parameter_specs: [
    { name: "added_ms", description: "milliseconds added before every append", minimum: 1, maximum: 10000, default: 300, unit: "ms" },
  ],
  enabled: false,
  parameters: null,
  flipped_by: null,
  flipped_at: null,
  hidden: false,
};

const crash: FaultView = {
  ...slow,
  name: "projector_crash",
  title: "Projector crash",
  parameter_specs: [{ name: "event_type", description: "the event type that crashes it", options: ["OrderPlaced", "OrderConfirmed"] }],
};

const lost: FaultView = { ...slow, name: "sqs_message_lost", title: "Lost SQS message", parameter_specs: [] };

const now = Date.parse("2026-11-29T10:02:00Z");

describe("initialInputs", () => {
  it("start at what the switch runs with, else the default, else the first option", () => {
    expect(initialInputs(slow)).toEqual({ added_ms: "300" });
    expect(initialInputs({ ...slow, parameters: { added_ms: 2500 } })).toEqual({ added_ms: "2500" });
    expect(initialInputs(crash)).toEqual({ event_type: "OrderPlaced" });
    expect(initialInputs({ ...crash, parameters: { event_type: "OrderConfirmed" } })).toEqual({ event_type: "OrderConfirmed" });
    expect(initialInputs(lost)).toEqual({});
  });

  it("ignore parameters of an unexpected shape", () => {
    expect(initialInputs({ ...slow, parameters: [2500] })).toEqual({ added_ms: "300" });
    expect(initialInputs({ ...slow, parameters: { added_ms: { ms: 1 } } })).toEqual({ added_ms: "300" });
  });
});

describe("inputsChanged", () => {
  it("is true only when an input asks for something else than the switch runs with", () => {
    const on = { ...slow, enabled: true, parameters: { added_ms: 2500 } };
    expect(inputsChanged(on, { added_ms: "2500" })).toBe(false);
    expect(inputsChanged(on, { added_ms: " 2500 " })).toBe(false);
    expect(inputsChanged(on, {})).toBe(false);
    expect(inputsChanged(on, { added_ms: "300" })).toBe(true);
    expect(inputsChanged(lost, {})).toBe(false);
  });
});

describe("resetToDefault", () => {
  const [addedMs] = slow.parameter_specs;
  const [eventType] = crash.parameter_specs;

  it("puts a parameter's default back into its input, the other inputs as they are", () => {
    // The switch last ran with 2500: its input shows 2500 beside "default 300 ms".
    const last = { ...slow, parameters: { added_ms: 2500 } };
    const inputs = initialInputs(last);
    expect(inputs).toEqual({ added_ms: "2500" });
    expect(atDefault(addedMs!, inputs)).toBe(false);
    const reset = resetToDefault(addedMs!, { ...inputs, other: "7" });
    expect(reset).toEqual({ added_ms: "300", other: "7" });
    expect(atDefault(addedMs!, reset)).toBe(true);
    expect(atDefault(addedMs!, { added_ms: " 300 " })).toBe(true);
  });

  it("changes only the input: an on switch runs with its value until the default is applied", () => {
    const on = { ...slow, enabled: true, parameters: { added_ms: 2500 } };
    const reset = resetToDefault(addedMs!, initialInputs(on));
    expect(inputsChanged(on, reset)).toBe(true);
    expect(flipBody(on, true, reset)).toEqual({ body: { enabled: true, added_ms: 300 } });
  });

  it("leaves a parameter without a default as it is", () => {
    expect(defaultText(eventType!)).toBeNull();
    expect(defaultText(addedMs!)).toBe("300");
    expect(resetToDefault(eventType!, { event_type: "OrderConfirmed" })).toEqual({ event_type: "OrderConfirmed" });
    expect(atDefault(eventType!, { event_type: "OrderConfirmed" })).toBe(true);
  });
});

describe("flipBody", () => {
  it("turns a switch on with each parameter from its input", () => {
    expect(flipBody(slow, true, { added_ms: "2500" })).toEqual({ body: { enabled: true, added_ms: 2500 } });
    expect(flipBody(slow, true, {})).toEqual({ body: { enabled: true, added_ms: 300 } });
    expect(flipBody(crash, true, { event_type: "OrderConfirmed" })).toEqual({ body: { enabled: true, event_type: "OrderConfirmed" } });
    expect(flipBody(lost, true, {})).toEqual({ body: { enabled: true } });
  });

  it("turns a switch off alone, whatever the inputs hold", () => {
    expect(flipBody(slow, false, { added_ms: "oops" })).toEqual({ body: { enabled: false } });
  });

  it("leaves bounds to the server but refuses what is not a whole number, naming the parameter", () => {
    expect(flipBody(slow, true, { added_ms: "20000" })).toEqual({ body: { enabled: true, added_ms: 20000 } });
    expect(flipBody(slow, true, { added_ms: "2.5" })).toEqual({ errors: [{ field: "added_ms", message: "2.5 is not a whole number" }] });
    expect(flipBody(slow, true, { added_ms: "" })).toEqual({ errors: [{ field: "added_ms", message: "is required" }] });
    expect(flipBody(crash, true, { event_type: "" })).toEqual({ errors: [{ field: "event_type", message: "choose one" }] });
  });

  it("shapes the refusal as the server's 422", () => {
    const problem = invalidInputs([{ field: "added_ms", message: "is required" }]);
    expect(problem.status).toBe(422);
    expect(problem.errors).toEqual([{ field: "added_ms", message: "is required" }]);
  });
});

describe("latestView", () => {
  const at = (iso: string, enabled: boolean): FaultView => ({ ...slow, enabled, flipped_by: "me", flipped_at: iso });

  it("shows a flip's answer until the list is as new", () => {
    const listed = at("2026-11-29T10:00:00Z", false);
    const flipped = at("2026-11-29T10:01:00Z", true);
    expect(latestView(listed, flipped)).toBe(flipped);
    expect(latestView(at("2026-11-29T10:01:00Z", true), flipped).enabled).toBe(true);
    expect(latestView(at("2026-11-29T10:01:30Z", false), flipped).enabled).toBe(false);
    expect(latestView(slow, flipped)).toBe(flipped);
    expect(latestView(listed, null)).toBe(listed);
  });

  it("shows the list's view of a switch a game day hides, and of another switch", () => {
    const hidden = { ...slow, enabled: null, hidden: true };
    expect(latestView(hidden, at("2026-11-29T10:01:00Z", true))).toBe(hidden);
    expect(latestView(crash, at("2026-11-29T10:01:00Z", true))).toBe(crash);
  });
});

describe("flippedText", () => {
  it("says who flipped the switch and how long ago", () => {
    const by = (flipped_by: string) => ({ flipped_by, flipped_at: "2026-11-29T10:00:00Z" });
    expect(flippedText(by("environment (SHOP_FAULT_*)"), now)).toBe("by environment (SHOP_FAULT_*) 2 min ago");
    expect(flippedText(by("9f1c2d3e-0000-4000-8000-000000000001"), now, "9f1c2d3e-0000-4000-8000-000000000001")).toBe("by you 2 min ago");
    expect(flippedText(by("9f1c2d3e-0000-4000-8000-000000000001"), now)).toBe("by admin 9f1c2d3e 2 min ago");
    expect(flippedText({ flipped_by: null, flipped_at: null }, now)).toBeNull();
  });

  it("names a game day's run by its short id", () => {
    expect(flipper("scenario 0b7c1a52-5f43-4d4e-9a39-3c2b8f2f8a11")).toBe("game day run 0b7c1a52");
  });
});
