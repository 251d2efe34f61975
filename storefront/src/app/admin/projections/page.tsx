"use client";

import { useEffect } from "react";
import { useApi } from "@/api/useApi";
import { ProjectorStart } from "@/components/admin/ProjectorStart";
import { RebuildPanel, rebuildActive } from "@/components/admin/RebuildPanel";
import { QueryView } from "@/components/QueryView";
import { formatMs, formatTime } from "@/lib/format";
import { useQuery } from "@/lib/useQuery";

/** How often to ask again while a rebuild runs: its progress has no other channel. */
const PROGRESS_EVERY_MS = 1000;

export default function ProjectionsPage() {
  const api = useApi();
  const projections = useQuery("projections", (signal) => api.projections(signal));
  const { reload } = projections;
  const settled = projections.status === "success" && !projections.reloading ? projections.data : null;

  useEffect(() => {
    if (!settled || !rebuildActive(settled.rebuild)) return;
    const timer = setTimeout(reload, PROGRESS_EVERY_MS);
    return () => clearTimeout(timer);
  }, [settled, reload]);

  return (
    <div className="flex flex-col gap-8">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-bold">Projections</h1>
        <button type="button" onClick={reload} className="text-sm text-brand-700 underline">
          Refresh
        </button>
      </div>
      <QueryView query={projections} what="projections" isEmpty={(d) => d.items.length === 0}>
        {({ items, rebuild, projector }) => (
          <div className="flex flex-col gap-8">
            {projector && <ProjectorStart start={projector} />}
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Checkpoints and lag of each projection</caption>
                <thead className="border-b border-stone-300 text-stone-600">
                  <tr>
                    <th scope="col" className="py-2">Projection</th>
                    <th scope="col" className="py-2 text-right">Checkpoint</th>
                    <th scope="col" className="py-2 text-right">Head</th>
                    <th scope="col" className="py-2 text-right">Lag (events)</th>
                    <th scope="col" className="py-2 text-right">Lag (time)</th>
                    <th scope="col" className="py-2 pl-4">Updated</th>
                    <th scope="col" className="py-2 pl-4">Last error</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((p) => (
                    <tr key={p.name} className="border-b border-stone-100">
                      <th scope="row" className="py-2 font-mono font-normal">{p.name}</th>
                      <td className="py-2 text-right">{p.position}</td>
                      <td className="py-2 text-right">{p.head_position}</td>
                      <td className={`py-2 text-right ${p.lag_events > 0 ? "text-amber-800" : ""}`}>{p.lag_events}</td>
                      <td className="py-2 text-right">{formatMs(p.lag_ms)}</td>
                      <td className="py-2 pl-4">{formatTime(p.updated_at)}</td>
                      <td className={`py-2 pl-4 ${p.last_error ? "text-red-800" : "text-stone-400"}`}>{p.last_error ?? "none"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <RebuildPanel rebuild={rebuild ?? null} onRequested={reload} />
          </div>
        )}
      </QueryView>
    </div>
  );
}
