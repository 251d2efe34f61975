"use client";

// A game day being played: what is reported, where to look, the synthetic shoppers that keep
// traffic flowing, then the question "which part broke, and why?", the checked answer with the
// signals that gave it away, and the way out (finish, then the recovery check).

import Link from "next/link";
import { useState, type FormEvent } from "react";
import type { Choice, RunView, Scenario, ScenarioSwitch } from "@/api/types";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { ProblemAlert } from "@/components/ProblemAlert";
import { useCommand } from "@/lib/useCommand";
import { useNow } from "@/lib/useNow";
import { duration } from "@/observe/time";
import { SyntheticShoppers } from "./SyntheticShoppers";
import { useSyntheticShoppers } from "./useSyntheticShoppers";
import { Verdict } from "./Verdict";

/** The console pages a learner investigates with; they open in a new tab so the shoppers here keep shopping. */
const places = [
  ["/admin/observe/alarms/", "Alarms"],
  ["/admin/observe/metrics/", "Metrics"],
  ["/admin/observe/", "Traces"],
  ["/admin/observe/logs/", "Logs"],
  ["/admin/projections/", "Projections"],
] as const;

/** The switches an answer may name: keyed by the document's enum, so one it adds or drops fails to compile. */
const switches: Record<ScenarioSwitch, true> = {
  slow_database: true,
  sqs_send_failure: true,
  sqs_message_lost: true,
  poison_message: true,
  projector_crash: true,
  product_read_failure: true,
  slow_stock_service: true,
};

/** Whether a choice's switch (a string in the document's Choice) is one an answer may name. */
const isSwitch = (name: string): name is ScenarioSwitch => Object.hasOwn(switches, name);

const linkStyle = "rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50";

export function RunPanel({
  run: started,
  scenario,
  choices,
  onFinished,
}: {
  run: RunView;
  scenario: Scenario | undefined;
  choices: readonly Choice[];
  onFinished: (run: RunView) => void;
}) {
  const api = useApi();
  const [run, setRun] = useState(started);
  const answered = run.answer != null || run.finished_at != null;
  // Traffic is what the alarms judge; once the answer is in, it is the admin's call.
  const [shopping, setShopping] = useState(!answered);
  const shoppers = useSyntheticShoppers(shopping);
  const now = useNow(1_000);
  const [choice, setChoice] = useState("");
  const answer = useCommand((pick: ScenarioSwitch) => api.answerRun(run.run_id, pick));
  const finish = useCommand(() => api.finishRun(run.run_id));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!isSwitch(choice)) return;
    const result = await answer.execute(choice);
    if (result) setRun(result);
  }

  async function end() {
    const result = await finish.execute();
    if (!result) return;
    setShopping(false);
    onFinished(result);
  }

  return (
    <section aria-labelledby="run-title" className="flex flex-col gap-6 rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
      <div className="flex flex-col gap-2">
        <p className="text-xs font-medium tracking-wide text-stone-500 uppercase">Game day running</p>
        <h2 id="run-title" className="text-xl font-semibold">
          {run.title}
        </h2>
        <blockquote className="border-l-4 border-stone-300 pl-3 text-stone-800 italic">{run.symptom}</blockquote>
        {scenario && (
          <p className="text-sm text-stone-700">
            <span className="font-medium">Where to start:</span> {scenario.hint}
          </p>
        )}
        <p className="text-sm text-stone-600">
          Running for <span className="tabular-nums">{duration(now - Date.parse(run.started_at))}</span>; if nobody finishes it, it
          ends itself in <span className="tabular-nums">{duration(Math.max(0, Date.parse(run.ends_at) - now))}</span> and turns its
          fault off.
        </p>
      </div>
      <nav aria-label="Where to look" className="flex flex-wrap items-center gap-2">
        {places.map(([href, label]) => (
          <Link key={href} href={href} target="_blank" className={linkStyle}>
            {label}
          </Link>
        ))}
        <span className="text-xs text-stone-500">(each opens in a new tab, so the shoppers here keep shopping)</span>
      </nav>
      <SyntheticShoppers on={shopping} onChange={setShopping} shoppers={shoppers} />
      {answered ? (
        <Verdict run={run} choices={choices} />
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-3">
          <fieldset className="flex flex-col gap-2">
            <legend className="mb-2 font-semibold">Which part broke, and why?</legend>
            {choices.map((c) => (
              <label key={c.switch} className="flex items-start gap-2 text-sm">
                <input
                  type="radio"
                  name="diagnosis"
                  value={c.switch}
                  checked={choice === c.switch}
                  onChange={() => setChoice(c.switch)}
                  className="mt-0.5 accent-brand-600"
                />
                {c.diagnosis}
              </label>
            ))}
          </fieldset>
          {answer.error && <ProblemAlert error={answer.error} />}
          <Button type="submit" disabled={!isSwitch(choice) || answer.busy} className="self-start">
            {answer.busy ? "Checking…" : "Answer"}
          </Button>
        </form>
      )}
      <div className="flex flex-col gap-2 border-t border-stone-200 pt-4">
        {finish.error && <ProblemAlert error={finish.error} />}
        <Button variant={answered ? "primary" : "secondary"} onClick={end} disabled={finish.busy} className="self-start">
          {finish.busy ? "Finishing…" : "Finish and check recovery"}
        </Button>
        <p className="text-xs text-stone-500">Turns the fault off and stops the shoppers; then checks that nothing was lost.</p>
      </div>
    </section>
  );
}
