"use client";

import Link from "next/link";
import { useState } from "react";
import { metadataString } from "@/api/metadata";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { streamHref, traceHref } from "@/components/orders/links";
import { QueryView } from "@/components/QueryView";
import { formatTime, shortId } from "@/lib/format";
import { useQuery } from "@/lib/useQuery";

const PAGE = 50;

/** One page of the log from `after`; the last page offers the next. */
function LogPage({ after, onMore }: { after: string | undefined; onMore: ((next: string) => void) | null }) {
  const api = useApi();
  const page = useQuery(`log/${after ?? ""}`, (signal) => api.events({ after, limit: PAGE }, signal));
  return (
    <QueryView query={page} what="events" isEmpty={(d) => d.items.length === 0 && after === undefined} empty="The log is empty.">
      {({ items, next }) => (
        <>
          <ol className="divide-y divide-stone-100">
            {items.map((e) => {
              const correlation = metadataString(e.metadata, "correlation_id");
              return (
                <li key={e.event_id} className="grid grid-cols-[4rem_1fr] gap-x-3 py-2 text-sm sm:grid-cols-[4rem_12rem_1fr_auto]">
                  <span className="font-mono text-stone-500">{e.global_position}</span>
                  <span className="font-medium">{e.event_type}</span>
                  <Link href={streamHref(e.aggregate_type, e.aggregate_id)} className="truncate font-mono text-brand-700 underline">
                    {e.aggregate_type} {e.aggregate_type === "Order" ? shortId(e.aggregate_id) : e.aggregate_id} #{e.sequence}
                  </Link>
                  <span className="whitespace-nowrap text-stone-500">
                    {formatTime(e.recorded_at)}
                    {correlation && (
                      <>
                        {" · "}
                        <Link
                          href={traceHref(correlation)}
                          className="underline"
                          aria-label={`Trace of event ${e.global_position}`}
                        >
                          trace
                        </Link>
                      </>
                    )}
                  </span>
                </li>
              );
            })}
          </ol>
          {onMore &&
            (items.length === PAGE && next ? (
              <Button variant="secondary" onClick={() => onMore(next)} className="mt-4">
                Load more
              </Button>
            ) : (
              <Button variant="secondary" onClick={page.reload} className="mt-4">
                Check for newer events
              </Button>
            ))}
        </>
      )}
    </QueryView>
  );
}

export default function GlobalLogPage() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Global log</h1>
      <p className="mb-6 text-sm text-stone-600">Every event in commit order, as the projector reads it.</p>
      {cursors.map((after, i) => (
        <LogPage
          key={after ?? "start"}
          after={after}
          onMore={i === cursors.length - 1 ? (next) => setCursors((c) => [...c, next]) : null}
        />
      ))}
    </>
  );
}
