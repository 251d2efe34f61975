"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import type { ApiError } from "@/api/client";
import type { MetricRange, ObserveApi } from "@/api/observe";
import { useObserveApi } from "@/api/useApi";
import { LineChart, type ChartLine } from "@/components/observe/LineChart";
import { RangePicker } from "@/components/observe/RangePicker";
import { WhatThisShows } from "@/components/observe/WhatThisShows";
import { useAutoRefresh } from "@/components/observe/useAutoRefresh";
import { ProblemAlert } from "@/components/ProblemAlert";
import { Loading, QueryView } from "@/components/QueryView";
import { asApiError, useQuery } from "@/lib/useQuery";
import { panels, seriesName, stepFor, type Panel, type PanelQuery } from "@/observe/panels";
import { chartWindows, windowParam } from "@/observe/windows";

const refreshes = [
  ["", "Off"],
  ["10", "Every 10 s"],
  ["30", "Every 30 s"],
] as const;

type Drawn = { panel: Panel } & ({ ok: true; lines: ChartLine[]; from: number; to: number; step: number } | { ok: false; error: ApiError });

const seconds = (iso: string) => new Date(iso).getTime() / 1000;

/** A panel's series as lines: one per series, or the query's name with no points when it has none. */
function linesOf(panel: Panel, ranges: MetricRange[]): ChartLine[] {
  return panel.queries.flatMap((query, i) => {
    const series = ranges[i]?.series ?? [];
    if (series.length === 0) return [{ name: query.name, unit: query.unit, points: [] }];
    return series
      .map((s) => ({ name: seriesName(query, s.labels), unit: query.unit, points: s.points }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}

/**
 * Every panel's queries. The first goes alone: when Prometheus is away (503) every other one
 * would fail the same way, and the page says so once.
 */
async function loadPanels(observe: ObserveApi, minutes: number, signal: AbortSignal): Promise<Drawn[]> {
  const step = stepFor(minutes);
  // Both spellings go: Prometheus answers the PromQL locally, CloudWatch the expression on AWS.
  const ask = ({ promql, cloudwatch }: PanelQuery) => observe.metrics({ query: promql, cloudwatch, minutes, step }, signal);
  const probe = await ask(panels[0]!.queries[0]!);
  return Promise.all(
    panels.map(async (panel, p): Promise<Drawn> => {
      try {
        const ranges = await Promise.all(panel.queries.map((q, i) => (p === 0 && i === 0 ? probe : ask(q))));
        const first = ranges[0] ?? probe;
        return { panel, ok: true, lines: linesOf(panel, ranges), from: seconds(first.from), to: seconds(first.to), step: first.step_seconds };
      } catch (error) {
        if (signal.aborted) throw error;
        return { panel, ok: false, error: asApiError(error) };
      }
    }),
  );
}

function MetricsBoard() {
  const observe = useObserveApi();
  const router = useRouter();
  const params = useSearchParams();
  const minutes = windowParam(params.get("minutes"), chartWindows, 60);
  const refresh = ["10", "30"].includes(params.get("refresh") ?? "") ? Number(params.get("refresh")) : null;
  const board = useQuery(`observe/metrics/${minutes}`, (signal) => loadPanels(observe, minutes, signal));
  useAutoRefresh(board, refresh === null ? null : refresh * 1000);

  const go = (next: { minutes?: number; refresh?: number | null }) => {
    const query = new URLSearchParams({ minutes: String(next.minutes ?? minutes) });
    const every = next.refresh === undefined ? refresh : next.refresh;
    if (every) query.set("refresh", String(every));
    router.replace(`/admin/observe/metrics/?${query}`);
  };

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <RangePicker label="Time range" options={chartWindows} value={minutes} onChange={(m) => go({ minutes: m })} />
        <div className="flex items-end gap-3">
          <div className="flex flex-col gap-1">
            <label htmlFor="auto-refresh" className="text-sm font-medium">
              Auto refresh
            </label>
            <select
              id="auto-refresh"
              value={refresh ?? ""}
              onChange={(e) => go({ refresh: e.target.value ? Number(e.target.value) : null })}
              className="rounded-md border border-stone-300 px-3 py-1.5 text-sm"
            >
              {refreshes.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <button type="button" onClick={board.reload} className="pb-1.5 text-sm text-brand-700 underline">
            Refresh
          </button>
        </div>
      </div>
      {board.status === "error" && board.error.status === 503 && (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
          These charts read Prometheus, which this deployment does not reach. On AWS the CloudWatch dashboard holds them, from
          the same metrics.
        </p>
      )}
      <QueryView query={board} what="the metrics">
        {(drawn) => (
          <div className="grid gap-4 lg:grid-cols-2">
            {drawn.map((d) =>
              d.ok ? (
                <LineChart key={d.panel.title} title={d.panel.title} lines={d.lines} from={d.from} to={d.to} step={d.step} />
              ) : (
                <figure key={d.panel.title} aria-label={d.panel.title} className="flex flex-col gap-2 rounded-lg border border-stone-200 bg-white p-4">
                  <figcaption className="text-sm font-semibold">{d.panel.title}</figcaption>
                  <ProblemAlert error={d.error} />
                </figure>
              ),
            )}
          </div>
        )}
      </QueryView>
    </div>
  );
}

export default function MetricsPage() {
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Metrics</h1>
      <p className="mb-6 text-sm text-stone-600">The services&apos; metrics as Prometheus scraped them, every 5 s.</p>
      <WhatThisShows page="metrics" />
      <Suspense fallback={<Loading what="the metrics" />}>
        <MetricsBoard />
      </Suspense>
    </>
  );
}
