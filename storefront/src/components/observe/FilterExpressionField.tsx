"use client";

import { useId, useRef } from "react";
import type { QueryError } from "@/observe/queryErrors";
import { QueryErrorText } from "./QueryErrorText";
import { useCaretAt } from "./useCaretAt";

/** The longest filter expression the trace search takes, in characters. */
export const FILTER_MAX_LENGTH = 2_000;

/** Filter expressions a learner may start from: choosing one puts it in the field. */
const examples = ['service("order") { fault }', 'annotation.order_id = "…"', "responsetime > 1", "http.status = 500"];

/**
 * An X-Ray filter expression, in a form whose submit runs it. When the server could not read it,
 * the reason is said under the field and the caret goes where it went wrong.
 */
export function FilterExpressionField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (text: string) => void;
  error: QueryError | null;
}) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  useCaretAt(field, error?.character ?? null);
  const describedBy = [error && `${id}-error`, `${id}-help`].filter(Boolean).join(" ");
  return (
    <div className="flex min-w-80 flex-1 flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-stone-800">
        X-Ray filter expression
      </label>
      <input
        ref={field}
        id={id}
        name="filter"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        maxLength={FILTER_MAX_LENGTH}
        placeholder={examples[0]}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="rounded-md border border-stone-300 bg-white px-3 py-2 font-mono text-sm text-stone-900 focus:border-brand-600 aria-[invalid=true]:border-red-600"
      />
      {error && <QueryErrorText id={`${id}-error`} error={error} />}
      <p id={`${id}-help`} className="flex flex-wrap items-baseline gap-x-2 gap-y-1 text-xs text-stone-500">
        <span>X-Ray&apos;s own language, as on AWS; for example</span>
        {examples.map((example) => (
          <button
            key={example}
            type="button"
            onClick={() => onChange(example)}
            className="rounded border border-stone-200 bg-stone-50 px-1.5 font-mono text-stone-700 hover:bg-stone-100"
          >
            {example}
          </button>
        ))}
        <span>(the cheat sheet is in docs/observability.md)</span>
      </p>
    </div>
  );
}
