// A game day's answer, checked: right or not, what broke and why, and the signals that gave it
// away, each a link to the console page that shows it (in a new tab, as the run's own links).
// A signal that is an alarm says whether that alarm fired during the run: a learner must not
// be told an alarm gave the fault away when it stayed quiet.

import Link from "next/link";
import type { Choice, RunView, SignalView } from "@/api/types";
import { CodeText } from "./CodeText";

const diagnosisOf = (choices: readonly Choice[], choice: string | null | undefined) =>
  choices.find((c) => c.switch === choice)?.diagnosis ?? choice ?? "";

/** Whether a signal's alarm fired during the run, in words; nothing for a signal that is no alarm. */
export function firedText(signal: SignalView): string | null {
  if (!signal.alarm) return null;
  if (signal.fired === true) return "fired during the run";
  if (signal.fired === false) return "did not fire during the run";
  return "the alarm board cannot say whether it fired";
}

/** The checked answer (or, for a run finished unanswered, just the reveal): what broke, why, and the signals. */
export function Verdict({ run, choices }: { run: RunView; choices: readonly Choice[] }) {
  return (
    <section
      aria-label="Your answer"
      className={`flex flex-col gap-3 rounded-lg border p-4 ${run.correct ? "border-green-300 bg-green-50" : "border-amber-300 bg-amber-50"}`}
    >
      <p role="status" className={`text-lg font-semibold ${run.correct ? "text-green-900" : "text-amber-900"}`}>
        {run.correct ? "Correct" : run.answer ? "Not quite" : "Finished without an answer"}
      </p>
      {!run.correct && run.answer && (
        <p className="text-sm">
          You answered: <span className="italic">{diagnosisOf(choices, run.answer)}</span>
        </p>
      )}
      {run.switch && (
        <p className="text-sm">
          What broke: <span className="font-medium">{diagnosisOf(choices, run.switch)}</span>{" "}
          <span className="text-stone-600">
            (the switch <code className="font-mono">{run.switch}</code>)
          </span>
        </p>
      )}
      {run.explanation && (
        <p className="text-sm text-stone-800">
          <CodeText text={run.explanation} />
        </p>
      )}
      {run.signals && run.signals.length > 0 && (
        <div className="flex flex-col gap-1">
          <h3 className="text-sm font-semibold">The signals that gave it away</h3>
          <ul aria-label="Signals" className="list-disc pl-5 text-sm">
            {run.signals.map((signal) => {
              const fired = firedText(signal);
              return (
                <li key={signal.what}>
                  <Link href={signal.link} target="_blank" className="text-brand-700 underline">
                    <CodeText text={signal.what} />
                  </Link>
                  {fired && (
                    <span
                      data-fired={String(signal.fired ?? "unknown")}
                      className={`ml-2 rounded px-1.5 py-0.5 text-xs font-medium ${
                        signal.fired === true
                          ? "bg-red-100 text-red-900"
                          : signal.fired === false
                            ? "bg-stone-200 text-stone-800"
                            : "bg-amber-100 text-amber-900"
                      }`}
                    >
                      {fired}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
