"use client";

import { useState } from "react";
import type { ProjectionName, RebuildStatus } from "@/api/types";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { ProblemAlert } from "@/components/ProblemAlert";
import { formatTime } from "@/lib/format";
import { useCommand } from "@/lib/useCommand";

/** The read models a rebuild may name: keyed by the document's ProjectionName, so one it adds or drops fails to compile. */
const projectionNames: Record<ProjectionName, true> = { catalog: true, orders: true };

const isProjectionName = (value: string): value is ProjectionName => Object.hasOwn(projectionNames, value);

const projections = Object.keys(projectionNames).filter(isProjectionName);

export const rebuildActive = (r: RebuildStatus | null | undefined) => r?.status === "requested" || r?.status === "running";

function Progress({ rebuild }: { rebuild: RebuildStatus }) {
  const { status, events_done, events_total, projection, error, finished_at } = rebuild;
  const label = `Rebuild of ${projection ?? "every projection"}: ${status}`;
  return (
    <div className="flex flex-col gap-2" role="status" aria-live="polite">
      <p className="text-sm font-medium">{label}</p>
      <progress
        aria-label={label}
        value={events_total ? events_done : undefined}
        max={events_total || undefined}
        className="h-3 w-full overflow-hidden rounded accent-brand-600"
      />
      <p className="text-xs text-stone-600">
        {events_total ? `${events_done} of ${events_total} events` : `${events_done} events so far`}
        {finished_at && ` · finished ${formatTime(finished_at)}`}
      </p>
      {error && <p className="text-sm text-red-800">{error}</p>}
    </div>
  );
}

/** Asks the projector to replay the store into one projection or all, and shows how far it got. */
export function RebuildPanel({ rebuild, onRequested }: { rebuild: RebuildStatus | null; onRequested: () => void }) {
  const api = useApi();
  const [projection, setProjection] = useState<ProjectionName | "">("");
  const request = useCommand(api.rebuild);
  const active = rebuildActive(rebuild);

  async function start() {
    if (await request.execute(projection || null)) onRequested();
  }

  return (
    <section aria-labelledby="rebuild-title" className="flex flex-col gap-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
      <h2 id="rebuild-title" className="text-lg font-semibold">
        Rebuild
      </h2>
      <p className="text-sm text-stone-600">Replays the whole event store; readers keep the old rows until the new ones commit.</p>
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor="rebuild-projection" className="text-sm font-medium">
            Projection
          </label>
          <select
            id="rebuild-projection"
            value={projection}
            onChange={(e) => {
              const { value } = e.target;
              setProjection(isProjectionName(value) ? value : "");
            }}
            className="rounded-md border border-stone-300 px-3 py-2"
          >
            <option value="">All</option>
            {projections.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <Button onClick={start} disabled={active || request.busy}>
          {active ? "Rebuilding…" : "Rebuild"}
        </Button>
      </div>
      {request.error && <ProblemAlert error={request.error} />}
      {rebuild && <Progress rebuild={rebuild} />}
    </section>
  );
}
