"use client";

// One fault switch on the Faults page: what it breaks, its on/off switch, its parameters, who
// flipped it last, and the problem a flip met, next to the switch it is about.

import { useId, useState } from "react";
import { ApiError } from "@/api/client";
import type { FaultView, ParameterSpec } from "@/api/types";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { ProblemAlert } from "@/components/ProblemAlert";
import { useCommand } from "@/lib/useCommand";
import {
  atDefault,
  defaultText,
  flipBody,
  flippedText,
  initialInputs,
  inputsChanged,
  invalidInputs,
  latestView,
  resetToDefault,
  type Inputs,
} from "@/observe/faults";
import { CodeText } from "./CodeText";
import { Toggle } from "./Toggle";

/** The bounds, unit and default of a parameter, as its input's hint says them. */
function specHint(spec: ParameterSpec): string {
  const unit = spec.unit ? ` ${spec.unit}` : "";
  const bounds =
    spec.minimum != null && spec.maximum != null ? `; ${spec.minimum} to ${spec.maximum}${unit}` : spec.unit ? ` (${spec.unit})` : "";
  const fallback = spec.default != null ? `, default ${spec.default}${unit}` : "";
  return `${spec.description}${bounds}${fallback}`;
}

/**
 * One parameter's input, with its hint and, when it has a default, a button that puts the
 * default back into the input (the switch takes it when it is applied or turned on, as any edit).
 * The button is named by its text alone and described by the hint (the parameter and its
 * default): a name holding the parameter's would make it a second element labelled so.
 */
function ParameterInput({
  spec,
  value,
  disabled,
  isDefault,
  onChange,
  onReset,
}: {
  spec: ParameterSpec;
  value: string;
  disabled: boolean;
  isDefault: boolean;
  onChange: (value: string) => void;
  onReset: () => void;
}) {
  const id = useId();
  const input = "rounded-md border border-stone-300 px-3 py-2 text-stone-900 disabled:bg-stone-100";
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-mono text-sm font-medium text-stone-800">
        {spec.name}
      </label>
      <div className="flex flex-wrap items-center gap-3">
        {spec.options ? (
          <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-hint`} className={input}>
            {spec.options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            type="number"
            inputMode="numeric"
            step={1}
            min={spec.minimum ?? undefined}
            max={spec.maximum ?? undefined}
            value={value}
            disabled={disabled}
            onChange={(e) => onChange(e.target.value)}
            aria-describedby={`${id}-hint`}
            className={`w-36 ${input}`}
          />
        )}
        {defaultText(spec) !== null && (
          <button
            type="button"
            onClick={onReset}
            disabled={disabled || isDefault}
            aria-describedby={`${id}-hint`}
            className="text-sm font-medium text-brand-700 underline disabled:cursor-not-allowed disabled:text-stone-400 disabled:no-underline"
          >
            Reset to default
          </button>
        )}
      </div>
      <p id={`${id}-hint`} className="text-xs text-stone-500">
        {specHint(spec)}
      </p>
    </div>
  );
}

/**
 * `fault` is the list's view, read every few seconds; a flip's answer is shown until the list
 * catches up. What the admin types is kept apart from it (`draft`), so a refresh never
 * overwrites an edit; a successful flip drops the draft and the inputs follow the switch again.
 */
export function FaultCard({ fault: listed, now, you, onFlipped }: { fault: FaultView; now: number; you?: string; onFlipped: () => void }) {
  const api = useApi();
  const titleId = useId();
  const [flipped, setFlipped] = useState<FaultView | null>(null);
  const [draft, setDraft] = useState<Inputs | null>(null);
  const fault = latestView(listed, flipped);
  const inputs = draft ?? initialInputs(fault);
  const on = fault.enabled === true;
  const flip = useCommand(async (enabled: boolean) => {
    const built = flipBody(fault, enabled, inputs);
    if ("errors" in built) throw new ApiError(invalidInputs(built.errors));
    return api.flipFault(fault.name, built.body);
  });

  async function send(enabled: boolean) {
    const answer = await flip.execute(enabled);
    if (!answer) return;
    setFlipped(answer);
    setDraft(null);
    onFlipped();
  }

  const changed = on && inputsChanged(fault, inputs);
  const who = flippedText(fault, now, you);
  return (
    <section
      aria-labelledby={titleId}
      className={`flex h-full flex-col gap-4 rounded-lg border bg-white p-6 shadow-sm ${on ? "border-red-300" : "border-stone-200"}`}
    >
      <div className="flex items-start justify-between gap-4">
        <div className="flex flex-col gap-1">
          <h2 id={titleId} className="text-lg font-semibold">
            {fault.title}
          </h2>
          <p className="text-sm text-stone-700">
            <CodeText text={fault.breaks} />
          </p>
        </div>
        <Toggle on={on} onChange={send} labelledBy={titleId} disabled={fault.hidden || flip.busy} tone="danger" />
      </div>
      <p className="text-sm" aria-live="polite">
        {fault.hidden ? (
          <span className="font-medium text-amber-800">Hidden by the running game day</span>
        ) : (
          <>
            <span className={`font-semibold ${on ? "text-red-800" : "text-stone-600"}`}>{on ? "On" : "Off"}</span>
            {who && <span className="text-stone-600"> · flipped {who}</span>}
          </>
        )}
        {flip.busy && <span className="text-stone-500"> · flipping…</span>}
      </p>
      {/* A hidden switch's parameters are the game day's secret; its inputs would only show defaults. */}
      {!fault.hidden && fault.parameter_specs.length > 0 && (
        <div className="flex flex-wrap items-end gap-4">
          {fault.parameter_specs.map((spec) => (
            <ParameterInput
              key={spec.name}
              spec={spec}
              value={inputs[spec.name] ?? ""}
              disabled={flip.busy}
              isDefault={atDefault(spec, inputs)}
              onChange={(value) => setDraft({ ...inputs, [spec.name]: value })}
              onReset={() => setDraft(resetToDefault(spec, inputs))}
            />
          ))}
          {changed && (
            <Button onClick={() => send(true)} disabled={flip.busy} aria-label={`Apply the parameters of ${fault.title}`}>
              Apply
            </Button>
          )}
        </div>
      )}
      {flip.error && <ProblemAlert error={flip.error} />}
    </section>
  );
}
