"use client";

// Game days: a scenario states what a shopper (or the on-call) reports and turns a fault switch
// on without naming it; the learner investigates with the console, answers which part broke and
// why, sees the signals that gave it away, then finishes and checks that nothing was lost.

import { useState } from "react";
import type { RunView, ScenarioList } from "@/api/types";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { RecoveryPanel } from "@/components/observe/RecoveryPanel";
import { RunPanel } from "@/components/observe/RunPanel";
import { WhatThisShows } from "@/components/observe/WhatThisShows";
import { useAutoRefresh } from "@/components/observe/useAutoRefresh";
import { ProblemAlert } from "@/components/ProblemAlert";
import { QueryView } from "@/components/QueryView";
import { useCommand } from "@/lib/useCommand";
import { useQuery } from "@/lib/useQuery";

/** Without a run here, the list is read again this often: another admin may start one. */
const REFRESH_MS = 10_000;

function ScenarioPicker({ list, onStarted }: { list: ScenarioList; onStarted: () => void }) {
  const api = useApi();
  const start = useCommand(api.startScenario);
  async function begin(id: string) {
    if (await start.execute(id)) onStarted();
  }
  return (
    <div className="flex flex-col gap-4">
      {start.error && <ProblemAlert error={start.error} />}
      <ul aria-label="Scenarios" className="grid gap-4 md:grid-cols-2">
        {list.items.map((scenario) => (
          <li key={scenario.id} className="flex flex-col gap-3 rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
            <h2 className="text-lg font-semibold">{scenario.title}</h2>
            <blockquote className="flex-1 border-l-4 border-stone-300 pl-3 text-stone-800 italic">{scenario.symptom}</blockquote>
            <Button onClick={() => begin(scenario.id)} disabled={start.busy} aria-label={`Start ${scenario.title}`} className="self-start">
              Start
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function ScenariosPage() {
  const api = useApi();
  const list = useQuery("scenarios", (signal) => api.scenarios(signal));
  // A run just finished, whose recovery is being checked: the list no longer names it.
  const [finished, setFinished] = useState<RunView | null>(null);
  const running = list.status === "success" ? list.data.running : null;
  // A run on screen is only changed from here; reading the list again could only unmount it
  // (and its shoppers) on a failed read.
  useAutoRefresh(list, running || finished ? null : REFRESH_MS);

  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Scenarios</h1>
      <p className="mb-6 text-sm text-stone-600">
        Each scenario breaks one part of the shop without saying which. Investigate with the console, then answer which part broke
        and why. One runs at a time, for every admin.
      </p>
      <WhatThisShows page="scenarios" />
      <QueryView query={list} what="the scenarios">
        {(data) =>
          finished ? (
            <RecoveryPanel
              run={finished}
              choices={data.choices}
              onBack={() => {
                setFinished(null);
                list.reload();
              }}
            />
          ) : data.running ? (
            <RunPanel
              key={data.running.run_id}
              run={data.running}
              scenario={data.items.find((s) => s.id === data.running?.scenario)}
              choices={data.choices}
              onFinished={(run) => {
                setFinished(run);
                list.reload();
              }}
            />
          ) : (
            <ScenarioPicker list={data} onStarted={list.reload} />
          )
        }
      </QueryView>
    </>
  );
}
