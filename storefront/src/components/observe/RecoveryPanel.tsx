"use client";

// After a game day is finished: is the shop whole again? The fault off, every order placed during
// the run decided, no lag, each read model equal to a replay of the log. Read every 3 s until so.

import type { Choice, RunView } from "@/api/types";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { QueryView } from "@/components/QueryView";
import { useQuery } from "@/lib/useQuery";
import { recoveryChecks } from "@/observe/recovery";
import { useAutoRefresh } from "./useAutoRefresh";
import { Verdict } from "./Verdict";

/** Orders still in flight settle and the projector catches up within seconds: checked this often until all is well. */
const CHECK_EVERY_MS = 3_000;

export function RecoveryPanel({ run, choices, onBack }: { run: RunView; choices: readonly Choice[]; onBack: () => void }) {
  const api = useApi();
  const recovery = useQuery(`recovery/${run.run_id}`, (signal) => api.runRecovery(run.run_id, signal));
  const recovered = recovery.status === "success" && recovery.data.recovered;
  useAutoRefresh(recovery, recovered ? null : CHECK_EVERY_MS);
  return (
    <section aria-labelledby="recovery-title" className="flex flex-col gap-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
      <div>
        <h2 id="recovery-title" className="text-xl font-semibold">
          Recovery after “{run.title}”
        </h2>
        <p className="text-sm text-stone-600">The run is finished and its fault switch turned off.</p>
      </div>
      <QueryView query={recovery} what="the recovery checks">
        {(r) => (
          <div className="flex flex-col gap-3">
            <ul aria-label="Recovery checks" className="flex flex-col gap-1 text-sm">
              {recoveryChecks(r).map((check) => (
                <li key={check.label} className="flex items-start gap-2">
                  <span aria-hidden="true" className={check.ok ? "text-green-700" : "text-amber-700"}>
                    {check.ok ? "✓" : "…"}
                  </span>
                  <span className="sr-only">{check.ok ? "Passed:" : "Not yet:"}</span>
                  <span className={check.ok ? "" : "text-amber-900"}>{check.label}</span>
                </li>
              ))}
            </ul>
            <p
              role="status"
              className={`rounded-md p-3 text-sm font-medium ${r.recovered ? "bg-green-50 text-green-900" : "bg-amber-50 text-amber-900"}`}
            >
              {r.recovered ? "Recovered: nothing was lost" : `Not recovered yet: checking again every ${CHECK_EVERY_MS / 1000} s.`}
            </p>
          </div>
        )}
      </QueryView>
      <Verdict run={run} choices={choices} />
      <Button variant="secondary" onClick={onBack} className="self-start">
        Back to the scenarios
      </Button>
    </section>
  );
}
