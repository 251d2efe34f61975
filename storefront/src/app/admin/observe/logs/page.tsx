"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { logLevels, type LogLevel, type LogLine } from "@/api/observe";
import { useObserveApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { Field } from "@/components/Field";
import { Loading, QueryView } from "@/components/QueryView";
import { formatClock, shortId } from "@/lib/format";
import { useQuery } from "@/lib/useQuery";
import { attributeText } from "@/observe/attributes";
import { serviceColour } from "@/observe/colours";
import { logsHref, observeTraceHref, type LogFilter } from "@/observe/links";
import { searchWindows, windowLabel, windowParam } from "@/observe/windows";

const PAGE = 100;

/** Keyed by the levels worth a colour; any other level, known or not, gets a neutral one. */
const levelStyles = new Map<LogLevel, string>([
  ["ERROR", "bg-red-100 text-red-900"],
  ["WARN", "bg-amber-100 text-amber-900"],
  ["INFO", "bg-sky-100 text-sky-900"],
]);

/** Whether the search offers `text` as a level (the query string may say anything). */
const isLevel = (text: string | null): text is LogLevel => text !== null && logLevels.includes(text);

function LogRow({ line }: { line: LogLine }) {
  const attributes = Object.entries(line.attributes);
  return (
    <tr className="border-b border-stone-100 align-top">
      <td className="w-px py-1.5 pr-3 font-mono text-xs whitespace-nowrap" title={line.time}>
        {formatClock(line.time)}
      </td>
      <td className="w-px py-1.5 pr-3 whitespace-nowrap">
        <span className={`mr-1.5 inline-block size-2 rounded-full ${serviceColour(line.service).bg}`} aria-hidden="true" />
        {line.service}
      </td>
      <td className="w-px py-1.5 pr-3">
        <span className={`rounded px-1.5 text-xs font-semibold ${levelStyles.get(line.level) ?? "bg-stone-100 text-stone-700"}`}>{line.level}</span>
      </td>
      <td className="py-1.5">
        <p className="break-words whitespace-pre-wrap">{line.message}</p>
        <div className="flex flex-wrap gap-x-3 text-xs">
          {line.trace_id && (
            <Link href={observeTraceHref(line.trace_id, line.span_id)} className="text-brand-700 underline">
              trace <span className="font-mono">{shortId(line.trace_id)}</span>
            </Link>
          )}
          {attributes.length > 0 && (
            <details>
              <summary className="cursor-pointer text-stone-500">attributes</summary>
              <dl className="grid grid-cols-[auto_1fr] gap-x-3 font-mono">
                {attributes.map(([key, value]) => (
                  <div key={key} className="contents">
                    <dt className="text-stone-500">{key}</dt>
                    <dd className="break-all">{attributeText(value)}</dd>
                  </div>
                ))}
              </dl>
            </details>
          )}
        </div>
      </td>
    </tr>
  );
}

/** One page of matching lines, older than `before`; the last page offers the next. */
function LogLines({ filter, before, onOlder }: { filter: LogFilter; before: string | undefined; onOlder: ((next: string) => void) | null }) {
  const observe = useObserveApi();
  const page = useQuery(`observe/logs/${JSON.stringify(filter)}/${before ?? ""}`, (signal) =>
    observe.logs({ ...filter, limit: PAGE, before }, signal),
  );
  return (
    <QueryView
      query={page}
      what="log lines"
      isEmpty={(p) => p.logs.length === 0 && before === undefined}
      empty={`No log line of the last ${windowLabel(filter.minutes ?? 60)} matches.`}
    >
      {({ logs, next_before }) => (
        <>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">{before ? `Log lines before ${formatClock(before)}` : "Log lines"}</caption>
              {before === undefined && (
                <thead className="border-b border-stone-300 text-stone-600">
                  <tr>
                    <th scope="col" className="w-px py-2 pr-3">Time</th>
                    <th scope="col" className="w-px py-2 pr-3">Service</th>
                    <th scope="col" className="w-px py-2 pr-3">Level</th>
                    <th scope="col" className="py-2">Message</th>
                  </tr>
                </thead>
              )}
              <tbody>
                {logs.map((line, i) => (
                  <LogRow key={i} line={line} />
                ))}
              </tbody>
            </table>
          </div>
          {onOlder &&
            (next_before ? (
              <Button variant="secondary" onClick={() => onOlder(next_before)} className="mt-4">
                Older
              </Button>
            ) : (
              <p className="mt-4 text-sm text-stone-500">No older line in the window.</p>
            ))}
        </>
      )}
    </QueryView>
  );
}

function Results({ filter }: { filter: LogFilter }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return (
    <div className="flex flex-col gap-2">
      {cursors.map((before, i) => (
        <LogLines
          key={before ?? "newest"}
          filter={filter}
          before={before}
          onOlder={i === cursors.length - 1 ? (next) => setCursors((c) => [...c, next]) : null}
        />
      ))}
    </div>
  );
}

function LogBrowser() {
  const router = useRouter();
  const params = useSearchParams();
  const text = (name: string) => (params.get(name) ?? "").trim() || undefined;
  const level = params.get("level");
  const filter: LogFilter = {
    trace_id: text("trace_id")?.toLowerCase(),
    correlation_id: text("correlation_id"),
    level: isLevel(level) ? level : undefined,
    q: text("q"),
    minutes: windowParam(params.get("minutes"), searchWindows, 60),
  };
  const filterKey = JSON.stringify(filter);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim() || undefined;
    const chosen = value("level") ?? null;
    router.push(
      logsHref({
        trace_id: value("trace_id"),
        correlation_id: value("correlation_id"),
        level: isLevel(chosen) ? chosen : undefined,
        q: value("q"),
        minutes: Number(value("minutes") ?? 60),
      }),
    );
  }

  return (
    <div className="flex flex-col gap-6">
      <form key={filterKey} onSubmit={submit} aria-label="Filter logs" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_auto_1fr_auto_auto] lg:items-end">
        <Field label="Trace id" name="trace_id" defaultValue={filter.trace_id ?? ""} />
        <Field label="Correlation id" name="correlation_id" defaultValue={filter.correlation_id ?? ""} />
        <div className="flex flex-col gap-1">
          <label htmlFor="log-level" className="text-sm font-medium">
            Level
          </label>
          <select id="log-level" name="level" defaultValue={filter.level ?? ""} className="rounded-md border border-stone-300 px-3 py-2">
            <option value="">Any</option>
            {logLevels.map((l) => (
              <option key={l} value={l}>
                {l} and above
              </option>
            ))}
          </select>
        </div>
        <Field label="Message contains" name="q" defaultValue={filter.q ?? ""} />
        <div className="flex flex-col gap-1">
          <label htmlFor="log-window" className="text-sm font-medium">
            Window
          </label>
          <select id="log-window" name="minutes" defaultValue={filter.minutes} className="rounded-md border border-stone-300 px-3 py-2">
            {searchWindows.map((m) => (
              <option key={m} value={m}>
                last {windowLabel(m)}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit">Search</Button>
      </form>
      <Results key={filterKey} filter={filter} />
    </div>
  );
}

export default function LogsPage() {
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Logs</h1>
      <p className="mb-6 text-sm text-stone-600">The services&apos; log lines, newest first; a line written inside a span opens its trace.</p>
      <Suspense fallback={<Loading what="the logs" />}>
        <LogBrowser />
      </Suspense>
    </>
  );
}
