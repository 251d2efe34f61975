// The Faults page's logic, pure so it is tested without a browser: what each parameter input
// starts at, whether the admin changed one, the body a flip sends, which view of a switch is the
// newer, and who flipped it and when.
import type { FaultView, FieldError, Flip, ParameterSpec, Problem } from "@/api/types";
import { shortId } from "@/lib/format";
import { ago } from "./time";

/** What the admin typed into each parameter's input, by the parameter's name. */
export type Inputs = Record<string, string>;

/** The parameters a switch runs with (or last ran with); {} when it has none to show. */
export function currentParameters(fault: Pick<FaultView, "parameters">): Record<string, unknown> {
  const p = fault.parameters;
  return typeof p === "object" && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

/** One input's text: the value the switch runs (or last ran) with, else the default, else the first option. */
function startingText(spec: ParameterSpec, current: Record<string, unknown>): string {
  const value = current[spec.name];
  if (typeof value === "number" || typeof value === "string") return String(value);
  if (spec.default != null) return String(spec.default);
  return spec.options?.[0] ?? "";
}

/** Each parameter input's starting text, so turning the switch on again repeats what it last did. */
export function initialInputs(fault: Pick<FaultView, "parameters" | "parameter_specs">): Inputs {
  const current = currentParameters(fault);
  return Object.fromEntries(fault.parameter_specs.map((spec) => [spec.name, startingText(spec, current)]));
}

/** Whether `inputs` ask for anything other than what the switch runs with (so "Apply" means something). */
export function inputsChanged(fault: Pick<FaultView, "parameters" | "parameter_specs">, inputs: Inputs): boolean {
  const start = initialInputs(fault);
  return fault.parameter_specs.some((spec) => (inputs[spec.name] ?? start[spec.name])?.trim() !== start[spec.name]);
}

/** The text a parameter's input holds at its default; null for a parameter without one. */
export function defaultText(spec: ParameterSpec): string | null {
  return spec.default != null ? String(spec.default) : null;
}

/** Whether the parameter's input already holds its default (true for a parameter without one: nothing to reset). */
export function atDefault(spec: ParameterSpec, inputs: Inputs): boolean {
  const fallback = defaultText(spec);
  return fallback === null || (inputs[spec.name] ?? "").trim() === fallback;
}

/**
 * `inputs` with the parameter's input back at its default, the others as they are. Only the
 * input: the switch runs with what it runs with until the admin applies it (or turns it on).
 */
export function resetToDefault(spec: ParameterSpec, inputs: Inputs): Inputs {
  const fallback = defaultText(spec);
  return fallback === null ? inputs : { ...inputs, [spec.name]: fallback };
}

const WHOLE = /^-?\d+$/;

/**
 * The PUT body that turns `fault` on (with each parameter from its input) or off (alone: the
 * switch keeps its parameters for next time). A number input holding something that is not a
 * whole number never leaves the browser; it comes back as a field error naming the parameter.
 * Bounds are the server's to judge: its 422 names the parameter too.
 */
export function flipBody(
  fault: Pick<FaultView, "parameters" | "parameter_specs">,
  enabled: boolean,
  inputs: Inputs,
): { body: Flip } | { errors: FieldError[] } {
  if (!enabled) return { body: { enabled } };
  const start = initialInputs(fault);
  const body: Record<string, unknown> = { enabled };
  const errors: FieldError[] = [];
  for (const spec of fault.parameter_specs) {
    const text = (inputs[spec.name] ?? start[spec.name] ?? "").trim();
    if (spec.options) {
      if (text) body[spec.name] = text;
      else errors.push({ field: spec.name, message: "choose one" });
    } else if (WHOLE.test(text)) {
      body[spec.name] = Number(text);
    } else {
      errors.push({ field: spec.name, message: text ? `${text} is not a whole number` : "is required" });
    }
  }
  return errors.length > 0 ? { errors } : { body: body as Flip };
}

/** The problem the page shows for inputs `flipBody` refused, shaped as the server's 422. */
export function invalidInputs(errors: FieldError[]): Problem {
  return {
    type: "about:blank",
    title: "Check the parameters",
    status: 422,
    detail: "The switch was not flipped.",
    errors,
  };
}

/**
 * Which view of a switch to show: the one a flip just answered with, until the list (read every
 * few seconds) is as new; the list's when it is newer, or when a game day hides the switch.
 */
export function latestView(listed: FaultView, flipped: FaultView | null): FaultView {
  if (!flipped || flipped.name !== listed.name || listed.hidden || !flipped.flipped_at) return listed;
  const listedAt = listed.flipped_at ? Date.parse(listed.flipped_at) : -Infinity;
  return Date.parse(flipped.flipped_at) > listedAt ? flipped : listed;
}

/**
 * Who flipped the switch, in words: "you", "environment (SHOP_FAULT_*)" as it is, "game day run
 * 0b7c1a52" for a scenario, "admin 1a2b3c4d" for another admin's `sub`.
 */
export function flipper(flippedBy: string, you?: string): string {
  if (you && flippedBy === you) return "you";
  const run = /^scenario (.+)$/.exec(flippedBy);
  if (run?.[1]) return `game day run ${shortId(run[1])}`;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(flippedBy)) return `admin ${shortId(flippedBy)}`;
  return flippedBy;
}

/** "by environment (SHOP_FAULT_*) 2 min ago"; null when the switch was never flipped (or is hidden). */
export function flippedText(fault: Pick<FaultView, "flipped_by" | "flipped_at">, now: number, you?: string): string | null {
  if (!fault.flipped_by) return null;
  const when = fault.flipped_at ? ` ${ago(fault.flipped_at, now)}` : "";
  return `by ${flipper(fault.flipped_by, you)}${when}`;
}
