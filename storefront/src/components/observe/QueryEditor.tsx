"use client";

import { useId, useRef, type KeyboardEvent, type ReactNode } from "react";
import type { QueryError } from "@/observe/queryErrors";
import { QueryErrorText } from "./QueryErrorText";
import { useCaretAt } from "./useCaretAt";

/**
 * A query's text in a monospace box: Ctrl+Enter (Cmd+Enter on a Mac) runs it. When the server
 * could not read it, the reason is said under the box and the caret goes where it went wrong.
 */
export function QueryEditor({
  label,
  value,
  onChange,
  onRun,
  error,
  maxLength,
  help,
}: {
  label: string;
  value: string;
  onChange: (text: string) => void;
  onRun: () => void;
  error: QueryError | null;
  maxLength: number;
  help?: ReactNode;
}) {
  const id = useId();
  const box = useRef<HTMLTextAreaElement>(null);
  useCaretAt(box, error?.character ?? null);

  function keyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onRun();
    }
  }

  const describedBy = [error && `${id}-error`, help && `${id}-help`].filter(Boolean).join(" ");
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-stone-800">
        {label}
      </label>
      <textarea
        ref={box}
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={keyDown}
        maxLength={maxLength}
        rows={Math.min(12, Math.max(3, value.split("\n").length + 1))}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        autoCorrect="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className="w-full resize-y rounded-md border border-stone-300 bg-white px-3 py-2 font-mono text-sm text-stone-900 focus:border-brand-600 aria-[invalid=true]:border-red-600"
      />
      {error && <QueryErrorText id={`${id}-error`} error={error} />}
      {help && (
        <p id={`${id}-help`} className="text-xs text-stone-500">
          {help}
        </p>
      )}
    </div>
  );
}
