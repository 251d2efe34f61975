"use client";

import type { AlarmBoard, SloView } from "@/api/observe";
import { useObserveApi } from "@/api/useApi";
import { AlarmBadge } from "@/components/observe/AlarmBadge";
import { WhatThisShows } from "@/components/observe/WhatThisShows";
import { useAutoRefresh } from "@/components/observe/useAutoRefresh";
import { QueryView } from "@/components/QueryView";
import { formatTime } from "@/lib/format";
import { useNow } from "@/lib/useNow";
import { useQuery } from "@/lib/useQuery";
import { alarmMeasure, enteredAt, errorBudget, formatAlarmNumber, formatThreshold, sinceText } from "@/observe/alarms";
import { compact } from "@/observe/panels";

/** The alarms change by themselves: the board is read again this long after each answer. */
const REFRESH_MS = 10_000;

const percent = (share: number) => `${compact(share * 100)}%`;

/** Who evaluates the alarms, by name; a source this page does not know is shown as it is. */
const sources = new Map([
  ["prometheus", "Prometheus"],
  ["cloudwatch", "CloudWatch"],
]);

const sourceLabel = (source: AlarmBoard["source"]) => sources.get(source) ?? source;

function SloCard({ slo }: { slo: SloView }) {
  const budget = errorBudget(slo.error_budget_remaining);
  return (
    <section aria-labelledby="slo-title" className="flex flex-col gap-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
      <div>
        <h2 id="slo-title" className="text-lg font-semibold">
          SLO <span className="font-mono">{slo.name}</span>
        </h2>
        <p className="text-sm text-stone-600">
          Objective: {percent(slo.objective)} within {slo.threshold_ms} ms, over {slo.window}.
        </p>
      </div>
      <div className="flex flex-col gap-1">
        <p className="text-sm font-medium">Error budget remaining</p>
        {budget === null ? (
          <p className="text-sm text-stone-500">No data yet.</p>
        ) : (
          <>
            {/* The bar fills from 0 to 100%; an overspent budget empties it and turns the track red, its figure says by how much. */}
            <div
              role="meter"
              aria-label="Error budget remaining"
              aria-valuemin={Math.min(0, budget.percent)}
              aria-valuemax={100}
              aria-valuenow={budget.percent}
              aria-valuetext={budget.figure}
              className={`h-3 w-full overflow-hidden rounded ${budget.overspent ? "bg-red-200" : "bg-stone-200"}`}
            >
              <div
                className={`h-full ${budget.tone === "good" ? "bg-green-600" : budget.tone === "low" ? "bg-amber-500" : "bg-red-600"}`}
                style={{ width: `${budget.fill * 100}%` }}
              />
            </div>
            <p className={`text-xs ${budget.overspent ? "font-semibold text-red-800" : "text-stone-600"}`}>{budget.sentence}</p>
          </>
        )}
      </div>
      <div className="flex flex-col gap-1">
        <p className="text-sm font-medium">Burn rates</p>
        <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          {slo.burn_rates.map((b) => (
            <div key={b.window} className="flex gap-2">
              <dt className="text-stone-500">{b.window}</dt>
              <dd className={`font-mono ${b.rate != null && b.rate > 1 ? "text-red-800" : ""}`}>
                {b.rate == null ? "no data" : `${compact(b.rate)}×`}
              </dd>
            </div>
          ))}
        </dl>
        <p className="text-xs text-stone-500">1× spends the budget exactly over the window; the burn alerts fire far above it.</p>
      </div>
    </section>
  );
}

function Board({ board }: { board: AlarmBoard }) {
  const now = useNow(60_000);
  const history = [...board.history].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return (
    <div className="flex flex-col gap-8">
      <p className="text-sm text-stone-600">
        Evaluated by {sourceLabel(board.source)}; this page reads them again every{" "}
        {REFRESH_MS / 1000} s.
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Alarms</caption>
          <thead className="border-b border-stone-300 text-stone-600">
            <tr>
              <th scope="col" className="py-2">Alarm</th>
              <th scope="col" className="py-2">State</th>
              <th scope="col" className="py-2">Since</th>
              <th scope="col" className="py-2 text-right">Value</th>
              <th scope="col" className="py-2 text-right">Threshold</th>
              <th scope="col" className="py-2 pl-4">
                <span className="sr-only">Link</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {board.alarms.map((alarm) => {
              const measure = alarmMeasure(alarm.name, board.source);
              const since = enteredAt(alarm, board.history);
              return (
                <tr key={alarm.name} className="border-b border-stone-100 align-top">
                  <th scope="row" className="max-w-md py-2 pr-4 font-normal">
                    <span className="font-mono font-medium">{alarm.name}</span>
                    <p className="text-xs text-stone-600">{alarm.summary}</p>
                  </th>
                  <td className="py-2">
                    <AlarmBadge state={alarm.state} />
                  </td>
                  <td className="py-2 whitespace-nowrap">
                    {since ? (
                      <time dateTime={since} title={formatTime(since)}>
                        {sinceText(alarm.state, since, now)}
                      </time>
                    ) : (
                      <span className="text-stone-500">{sinceText(alarm.state, since, now)}</span>
                    )}
                  </td>
                  <td className="py-2 text-right font-mono whitespace-nowrap">
                    {alarm.value == null ? "—" : formatAlarmNumber(alarm.value, measure?.unit ?? null)}
                  </td>
                  <td className="py-2 text-right font-mono whitespace-nowrap">{formatThreshold(alarm.threshold, measure)}</td>
                  <td className="py-2 pl-4 whitespace-nowrap">
                    {alarm.link && (
                      <a
                        href={alarm.link}
                        target="_blank"
                        rel="noopener noreferrer"
                        className="text-brand-700 underline"
                        aria-label={`Open ${alarm.name} in CloudWatch`}
                      >
                        Open in CloudWatch
                      </a>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <SloCard slo={board.slo} />
      <section aria-labelledby="history-title" className="flex flex-col gap-2">
        <h2 id="history-title" className="text-lg font-semibold">
          History
        </h2>
        {history.length === 0 ? (
          <p className="text-sm text-stone-600">No alarm changed state recently.</p>
        ) : (
          <ol aria-label="Alarm history" className="divide-y divide-stone-100 rounded-lg border border-stone-200 bg-white">
            {history.map((h, i) => (
              <li key={i} className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm">
                <time dateTime={h.at} className="w-48 text-stone-500">
                  {formatTime(h.at)}
                </time>
                <span className="font-mono">{h.alarm}</span>
                <AlarmBadge state={h.from} />
                <span aria-hidden="true">→</span>
                <span className="sr-only">to</span>
                <AlarmBadge state={h.to} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

export default function AlarmsPage() {
  const observe = useObserveApi();
  const board = useQuery("observe/alarms", (signal) => observe.alarms(signal));
  useAutoRefresh(board, REFRESH_MS);
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Alarms</h1>
      <WhatThisShows page="alarms" />
      <QueryView query={board} what="the alarms">
        {(b) => <Board board={b} />}
      </QueryView>
    </>
  );
}
