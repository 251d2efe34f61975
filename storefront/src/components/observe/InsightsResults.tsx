import type { InsightsResult } from "@/api/observe";
import { resultChart, resultTable, statisticsText } from "@/observe/insights";
import { windowLabel } from "@/observe/windows";
import { InsightsTable } from "./InsightsTable";
import { LineChart } from "./LineChart";

/**
 * A Logs Insights answer as CloudWatch's console shows it: how many records matched and were
 * scanned, a warning when the query ran out of time, the chart of a `stats ... by bin(...)`
 * over the window it ran on (the `minutes` before `end`, in unix seconds), and the rows.
 */
export function InsightsResults({ result, minutes, end }: { result: InsightsResult; minutes: number; end: number }) {
  const { columns, rows } = resultTable(result);
  const chart = resultChart(result, { from: end - minutes * 60, to: end });
  // A query that ran out of time before any row may not know how much it matched or scanned.
  const timedOut = result.status === "Timeout";
  return (
    <div className="flex flex-col gap-4">
      {!(timedOut && rows.length === 0) && <p className="text-sm text-stone-600">{statisticsText(result.statistics)}.</p>}
      {timedOut && (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          The query ran out of time before it finished{rows.length > 0 && ": the rows below are only part of the answer"}. Narrow
          the time window, or filter earlier in the query, and run it again.
        </p>
      )}
      {chart && chart.lines.length > 0 && (
        <LineChart
          title={chart.title}
          from={chart.from}
          to={chart.to}
          step={chart.step}
          lines={chart.lines.map((line) => ({ name: line.name, unit: "count", points: line.points }))}
        />
      )}
      {rows.length > 0 ? (
        <InsightsTable columns={columns} rows={rows} />
      ) : (
        !timedOut && (
          <p role="status" className="rounded-md border border-dashed border-stone-300 p-6 text-center text-stone-600">
            No record of the last {windowLabel(minutes)} matches the query.
          </p>
        )
      )}
    </div>
  );
}
