"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useState, type FormEvent } from "react";
import type { TraceList, TraceSummary } from "@/api/observe";
import { useObserveApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { Field } from "@/components/Field";
import { FilterExpressionField } from "@/components/observe/FilterExpressionField";
import { SavedQueryPicker } from "@/components/observe/SavedQueryPicker";
import { WhatThisShows } from "@/components/observe/WhatThisShows";
import { Loading, QueryView } from "@/components/QueryView";
import { formatMs, formatTime, shortId } from "@/lib/format";
import { useQuery, type Query } from "@/lib/useQuery";
import { serviceColour } from "@/observe/colours";
import { observeTraceHref, traceSearchHref } from "@/observe/links";
import { queryError, type QueryError } from "@/observe/queryErrors";
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

/** A search as the URL holds it; an empty `q` or `filter` is none. */
type Search = { q: string; minutes: number; errors: boolean; filter: string };

/** One page of the search's traces, older than `before` when given. */
function useTracePage({ q, minutes, errors, filter }: Search, before: string | undefined): Query<TraceList> {
  const observe = useObserveApi();
  return useQuery(`observe/traces/${JSON.stringify([q, minutes, errors, filter])}/${before ?? ""}`, (signal) =>
    observe.traces({ q: q || undefined, minutes, limit: LIMIT, errors, before, filter: filter || undefined }, signal),
  );
}

/** "o-1", "the filter expression", "o-1 and the filter expression", or "" for a search of every trace. */
function matching({ q, filter }: Search): string {
  return [q, filter && "the filter expression"].filter(Boolean).join(" and ");
}

/** The search's pages: the newest first (`newest`, read with the form), then each older page the admin asks for. */
function Results({ search, newest }: { search: Search; newest: Query<TraceList> }) {
  const [cursors, setCursors] = useState<string[]>([]);
  const older = (next: string) => setCursors((c) => [...c, next]);
  return (
    <div className="flex flex-col gap-4">
      <TracePage search={search} traces={newest} before={undefined} onOlder={cursors.length === 0 ? older : null} />
      {cursors.map((before, i) => (
        <OlderTracePage key={before} search={search} before={before} onOlder={i === cursors.length - 1 ? older : null} />
      ))}
    </div>
  );
}

function OlderTracePage({ search, before, onOlder }: { search: Search; before: string; onOlder: ((next: string) => void) | null }) {
  const traces = useTracePage(search, before);
  return <TracePage search={search} traces={traces} before={before} onOlder={onOlder} />;
}

function TracePage({
  search,
  traces,
  before,
  onOlder,
}: {
  search: Search;
  traces: Query<TraceList>;
  before: string | undefined;
  onOlder: ((next: string) => void) | null;
}) {
  const router = useRouter();
  const { q, minutes } = search;
  // A search by id that finds exactly one trace opens it; back leads to the search form, not here again.
  const only =
    q && !before && traces.status === "success" && traces.data.traces.length === 1 ? traces.data.traces[0]!.trace_id : null;
  useEffect(() => {
    if (only) router.replace(observeTraceHref(only));
  }, [only, router]);

  const range = windowLabel(minutes);
  const matches = matching(search);
  return (
    <QueryView
      query={traces}
      what="traces"
      isEmpty={(d) => d.traces.length === 0}
      empty={
        before
          ? `No older trace in the last ${range}.`
          : matches
            ? `No trace of the last ${range} matches ${matches}.`
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
                {matches && ` matching ${matches}`}, newest first.
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

/**
 * The search as the admin writes it: an id, an X-Ray filter expression (or a saved one), the
 * window and errors only. A filter the server could not read is said under its field.
 */
function TraceSearchForm({ search, filterError }: { search: Search; filterError: QueryError | null }) {
  const router = useRouter();
  const [filter, setFilter] = useState(search.filter);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    router.push(
      traceSearchHref(String(form.get("q") ?? "").trim(), {
        minutes: Number(form.get("minutes")),
        errors: form.get("errors") === "on",
        // Trimmed as the server trims it, so the character an error names is the field's.
        filter: filter.trim() || undefined,
      }),
    );
  }

  return (
    <form onSubmit={submit} aria-label="Search traces" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Trace, order or correlation id" name="q" defaultValue={search.q} className="min-w-80 flex-1" />
        <div className="flex flex-col gap-1">
          <label htmlFor="trace-window" className="text-sm font-medium">
            Window
          </label>
          <select id="trace-window" name="minutes" defaultValue={search.minutes} className="rounded-md border border-stone-300 px-3 py-2">
            {searchWindows.map((m) => (
              <option key={m} value={m}>
                last {windowLabel(m)}
              </option>
            ))}
          </select>
        </div>
        <label className="flex items-center gap-2 pb-2.5 text-sm">
          <input type="checkbox" name="errors" defaultChecked={search.errors} className="accent-brand-600" />
          Errors only
        </label>
      </div>
      <div className="flex flex-wrap items-start gap-3">
        <FilterExpressionField value={filter} onChange={setFilter} error={filterError} />
        <SavedQueryPicker language="xray" onChoose={(saved) => setFilter(saved.query)} />
      </div>
      <Button type="submit" className="self-start">
        Search
      </Button>
    </form>
  );
}

function TraceSearch() {
  const params = useSearchParams();
  const search: Search = {
    q: (params.get("q") ?? "").trim(),
    minutes: windowParam(params.get("minutes"), searchWindows, 60),
    errors: params.get("errors") === "true",
    filter: (params.get("filter") ?? "").trim(),
  };
  const searchKey = JSON.stringify(search);
  const newest = useTracePage(search, undefined);
  const filterError = queryError(newest.status === "error" ? newest.error : null, "filter");
  // A new search (a run, a link, back) starts the form and its results afresh, under one key: two
  // siblings sharing a key confuse React, which kept each old form beside the new one (issue 31).
  return (
    <div key={searchKey} className="flex flex-col gap-6">
      <TraceSearchForm search={search} filterError={filterError} />
      {!filterError && <Results search={search} newest={newest} />}
    </div>
  );
}

export default function ObserveTracesPage() {
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Traces</h1>
      <p className="mb-6 text-sm text-stone-600">
        Every request as the services traced it, from the browser&apos;s checkout to the projector that applied its events. Find
        one by its id, or write an X-Ray filter expression: it runs unchanged in the X-Ray console on AWS.
      </p>
      <WhatThisShows page="traces" />
      <Suspense fallback={<Loading what="traces" />}>
        <TraceSearch />
      </Suspense>
    </>
  );
}
