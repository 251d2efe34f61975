"use client";

import type { AggregateType } from "@/api/types";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { QueryView } from "@/components/QueryView";
import { useQuery } from "@/lib/useQuery";

/** The aggregate's state rebuilt from its events up to a sequence the admin steps through. */
export function StateStepper({
  type,
  id,
  last,
  sequence,
  onStep,
}: {
  type: AggregateType;
  id: string;
  last: number;
  sequence: number;
  onStep: (sequence: number) => void;
}) {
  const api = useApi();
  const state = useQuery(`state/${type}/${id}@${sequence}`, (signal) => api.streamState(type, id, sequence, signal));
  const step = (to: number) => onStep(Math.min(last, Math.max(1, to)));
  return (
    <section aria-labelledby="state-title" className="flex flex-col gap-3 rounded-lg border border-stone-200 bg-white p-4 shadow-sm">
      <h2 id="state-title" className="font-semibold">
        State as of sequence {sequence} of {last}
      </h2>
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" onClick={() => step(sequence - 1)} disabled={sequence <= 1} aria-label="Previous event">
          ←
        </Button>
        <label htmlFor="as-of" className="sr-only">
          Sequence
        </label>
        <input
          id="as-of"
          type="range"
          min={1}
          max={last}
          value={sequence}
          onChange={(e) => step(e.target.valueAsNumber)}
          className="flex-1 accent-brand-600"
        />
        <Button variant="secondary" onClick={() => step(sequence + 1)} disabled={sequence >= last} aria-label="Next event">
          →
        </Button>
      </div>
      <QueryView query={state} what="the state">
        {(s) => <pre className="overflow-x-auto rounded bg-stone-100 p-3 text-xs">{JSON.stringify(s.state, null, 2)}</pre>}
      </QueryView>
    </section>
  );
}
