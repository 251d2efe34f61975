"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import type { InsightsResult } from "@/api/observe";
import { useObserveApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { InsightsResults } from "@/components/observe/InsightsResults";
import { QueryEditor } from "@/components/observe/QueryEditor";
import { RangePicker } from "@/components/observe/RangePicker";
import { SavedQueryPicker } from "@/components/observe/SavedQueryPicker";
import { SourceUnavailable } from "@/components/observe/SourceUnavailable";
import { WhatThisShows } from "@/components/observe/WhatThisShows";
import { ProblemAlert } from "@/components/ProblemAlert";
import { Loading } from "@/components/QueryView";
import { useQuery, type Query } from "@/lib/useQuery";
import { defaultInsightsQuery, INSIGHTS_MAX_LENGTH } from "@/observe/insights";
import { logsHref } from "@/observe/links";
import { queryError } from "@/observe/queryErrors";
import { searchWindows, windowParam } from "@/observe/windows";

const help = (
  <>
    Ctrl+Enter (⌘+Enter on a Mac) runs the query. The commands are CloudWatch&apos;s: <code>fields</code>,{" "}
    <code>filter</code>, <code>stats</code>, <code>sort</code>, <code>limit</code>, <code>display</code>, <code>parse</code>,{" "}
    <code>dedup</code>; the cheat sheet is in <code>docs/observability.md</code>.
  </>
);

/** What the query answered; a query the server could not read is said under the editor instead. */
function Outcome({
  result,
  wrongQuery,
  minutes,
  end,
}: {
  result: Query<InsightsResult>;
  wrongQuery: boolean;
  minutes: number;
  end: string;
}) {
  if (result.status === "loading") return <Loading what="the query's results" />;
  if (result.status === "error") {
    if (wrongQuery) return null;
    if (result.error.status === 503) return <SourceUnavailable what="The logs" error={result.error} onRetry={result.reload} />;
    return <ProblemAlert error={result.error} onRetry={result.reload} />;
  }
  return (
    <div aria-busy={result.reloading}>
      <InsightsResults result={result.data} minutes={minutes} end={Date.parse(end) / 1000} />
    </div>
  );
}

/**
 * The query the URL names, run over its window when the page opens and each time the admin runs
 * it again; the box holds the text being written, which runs with Run or Ctrl+Enter.
 */
function InsightsConsole({ query, minutes }: { query: string; minutes: number }) {
  const router = useRouter();
  const observe = useObserveApi();
  const [draft, setDraft] = useState(query);
  // The window's end is fixed when the query runs, so the chart spans what the server searched.
  const [end, setEnd] = useState(() => new Date().toISOString());
  const result = useQuery(`observe/logs/insights/${minutes}/${end}/${query}`, (signal) =>
    observe.insights({ query, minutes, end }, signal),
  );
  const error = result.status === "error" ? result.error : null;
  const wrong = queryError(error, "query");

  /** Runs `text` over the last `windowMinutes`: again here when nothing changed, else through the URL, so back and links work. */
  function run(text: string, windowMinutes: number) {
    const next = text.trimEnd();
    if (next === "") return;
    if (next === query && windowMinutes === minutes) setEnd(new Date().toISOString());
    else router.push(logsHref({ query: next, minutes: windowMinutes }));
  }

  return (
    <div className="flex flex-col gap-6">
      <form
        aria-label="Logs Insights query"
        onSubmit={(event) => {
          event.preventDefault();
          run(draft, minutes);
        }}
        className="flex flex-col gap-3"
      >
        <QueryEditor
          label="Logs Insights query"
          value={draft}
          onChange={setDraft}
          onRun={() => run(draft, minutes)}
          error={wrong}
          maxLength={INSIGHTS_MAX_LENGTH}
          help={help}
        />
        <div className="flex flex-wrap items-end gap-3">
          <Button type="submit" disabled={draft.trim() === ""}>
            Run
          </Button>
          <RangePicker label="Time window" options={searchWindows} value={minutes} onChange={(m) => run(draft, m)} />
          <SavedQueryPicker language="insights" onChoose={(saved) => setDraft(saved.query)} />
        </div>
      </form>
      <Outcome result={result} wrongQuery={wrong !== null} minutes={minutes} end={end} />
    </div>
  );
}

function LogsInsights() {
  const params = useSearchParams();
  const query = (params.get("query") ?? "").trimEnd() || defaultInsightsQuery;
  const minutes = windowParam(params.get("minutes"), searchWindows, 60);
  // A new query or window from the URL (a run, a link, back) starts the console afresh with it.
  return <InsightsConsole key={`${minutes}\n${query}`} query={query} minutes={minutes} />;
}

export default function LogsPage() {
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Logs</h1>
      <p className="mb-6 text-sm text-stone-600">
        The services&apos; log lines, queried in CloudWatch Logs Insights&apos; language: the query you write here runs unchanged in
        the CloudWatch console on AWS. A <code>trace_id</code> opens its trace.
      </p>
      <WhatThisShows page="logs" />
      <Suspense fallback={<Loading what="the logs" />}>
        <LogsInsights />
      </Suspense>
    </>
  );
}
