"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useState, type FormEvent } from "react";
import type { TraceSummary } from "@/api/observe";
import { useObserveApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { Field } from "@/components/Field";
import { Loading, QueryView } from "@/components/QueryView";
import { formatMs, formatTime, shortId } from "@/lib/format";
import { useQuery } from "@/lib/useQuery";
import { serviceColour } from "@/observe/colours";
import { observeTraceHref, traceSearchHref } from "@/observe/links";
import { searchWindows, windowLabel, windowParam } from "@/observe/windows";

const LIMIT = 50;

function TraceTable({ traces }: { traces: TraceSummary[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Traces</caption>
        <thead className="border-b border-stone-300 text-stone-600">
          <tr>
            <th scope="col" className="py-2">Root</th>
            <th scope="col" className="py-2">Services</th>
            <th scope="col" className="py-2">Started</th>
            <th scope="col" className="py-2 text-right">Duration</th>
            <th scope="col" className="py-2 text-right">Spans</th>
            <th scope="col" className="py-2 text-right">Errors</th>
          </tr>
        </thead>
        <tbody>
          {traces.map((t) => (
            <tr key={t.trace_id} className="border-b border-stone-100 align-top">
              <td className="py-2 pr-4">
                <Link href={observeTraceHref(t.trace_id)} className="font-medium text-brand-700 underline">
                  {t.root}
                </Link>
                <p className="text-xs text-stone-500">
                  {t.root_service} · <span className="font-mono">{shortId(t.trace_id)}</span>
                </p>
              </td>
              <td className="py-2 pr-4">
                <ul aria-label="Services" className="flex flex-wrap gap-x-2 gap-y-0.5 text-xs">
                  {t.services.map((service) => (
                    <li key={service} className="flex items-center gap-1">
                      <span className={`size-2 rounded-full ${serviceColour(service).bg}`} aria-hidden="true" />
                      {service}
                    </li>
                  ))}
                </ul>
              </td>
              <td className="py-2 pr-4 whitespace-nowrap">{formatTime(t.start)}</td>
              <td className="py-2 text-right font-mono">{formatMs(t.duration_ms)}</td>
              <td className="py-2 text-right">{t.spans}</td>
              <td className={`py-2 text-right ${t.errors > 0 ? "font-semibold text-red-800" : "text-stone-400"}`}>{t.errors}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Search = { q: string; minutes: number; errors: boolean };

/** The search's pages: the newest first, then each older page the admin asks for. */
function Results(search: Search) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return (
    <div className="flex flex-col gap-4">
      {cursors.map((before, i) => (
        <TracePage
          key={before ?? "newest"}
          {...search}
          before={before}
          onOlder={i === cursors.length - 1 ? (next) => setCursors((c) => [...c, next]) : null}
        />
      ))}
    </div>
  );
}

function TracePage({
  q,
  minutes,
  errors,
  before,
  onOlder,
}: Search & { before: string | undefined; onOlder: ((next: string) => void) | null }) {
  const observe = useObserveApi();
  const router = useRouter();
  const traces = useQuery(`observe/traces/${q}/${minutes}/${errors}/${before ?? ""}`, (signal) =>
    observe.traces({ q: q || undefined, minutes, limit: LIMIT, errors, before }, signal),
  );
  // A search that finds exactly one trace opens it; back leads to the search form, not here again.
  const only =
    q && !before && traces.status === "success" && traces.data.traces.length === 1 ? traces.data.traces[0]!.trace_id : null;
  useEffect(() => {
    if (only) router.replace(observeTraceHref(only));
  }, [only, router]);

  const range = windowLabel(minutes);
  return (
    <QueryView
      query={traces}
      what="traces"
      isEmpty={(d) => d.traces.length === 0}
      empty={
        before
          ? `No older trace in the last ${range}.`
          : q
            ? `No trace of the last ${range} matches ${q}.`
            : `No trace was recorded in the last ${range}.`
      }
    >
      {(d) =>
        only ? (
          <Loading what="the trace" />
        ) : (
          <div className="flex flex-col gap-2">
            <div className="flex items-baseline justify-between gap-4">
              <p className="text-sm text-stone-600">
                {before
                  ? `${d.traces.length} older traces`
                  : d.traces.length === LIMIT
                    ? `The newest ${LIMIT} traces`
                    : `${d.traces.length} traces`}{" "}
                of the last {range}
                {q && ` matching ${q}`}, newest first.
              </p>
              {!before && (
                <button type="button" onClick={traces.reload} className="text-sm text-brand-700 underline">
                  Refresh
                </button>
              )}
            </div>
            <TraceTable traces={d.traces} />
            {onOlder &&
              (d.next_before ? (
                <Button variant="secondary" onClick={() => onOlder(d.next_before!)} className="self-start">
                  Older traces
                </Button>
              ) : (
                <p className="text-sm text-stone-500">No older trace in the window.</p>
              ))}
          </div>
        )
      }
    </QueryView>
  );
}

function TraceSearch() {
  const router = useRouter();
  const params = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  const minutes = windowParam(params.get("minutes"), searchWindows, 60);
  const errors = params.get("errors") === "true";

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    router.push(
      traceSearchHref(String(form.get("q") ?? "").trim(), {
        minutes: Number(form.get("minutes")),
        errors: form.get("errors") === "on",
      }),
    );
  }

  return (
    <div className="flex flex-col gap-6">
      <form
        key={`${q}/${minutes}/${errors}`}
        onSubmit={submit}
        aria-label="Search traces"
        className="flex flex-wrap items-end gap-3"
      >
        <Field label="Trace, order or correlation id" name="q" defaultValue={q} className="min-w-80 flex-1" />
        <div className="flex flex-col gap-1">
          <label htmlFor="trace-window" className="text-sm font-medium">
            Window
          </label>
          <select id="trace-window" name="minutes" defaultValue={minutes} className="rounded-md border border-stone-300 px-3 py-2">
            {searchWindows.map((m) => (
              <option key={m} value={m}>
                last {windowLabel(m)}
              </option>
            ))}
          </select>
        </div>
        <label className="flex items-center gap-2 pb-2.5 text-sm">
          <input type="checkbox" name="errors" defaultChecked={errors} className="accent-brand-600" />
          Errors only
        </label>
        <Button type="submit">Search</Button>
      </form>
      <Results q={q} minutes={minutes} errors={errors} />
    </div>
  );
}

export default function ObserveTracesPage() {
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Traces</h1>
      <p className="mb-6 text-sm text-stone-600">
        Every request as the services traced it, from the browser&apos;s checkout to the projector that applied its events.
      </p>
      <Suspense fallback={<Loading what="traces" />}>
        <TraceSearch />
      </Suspense>
    </>
  );
}
