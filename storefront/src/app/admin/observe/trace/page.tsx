"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import type { TraceDetail } from "@/api/observe";
import { useObserveApi } from "@/api/useApi";
import { SpanWaterfall } from "@/components/observe/SpanWaterfall";
import { WhatThisShows } from "@/components/observe/WhatThisShows";
import { orderHref, streamHref, traceHref } from "@/components/orders/links";
import { Loading, QueryView } from "@/components/QueryView";
import { formatMs, formatTime, shortId } from "@/lib/format";
import { useNow } from "@/lib/useNow";
import { useQuery } from "@/lib/useQuery";
import { serviceColour } from "@/observe/colours";
import { correlationLogsQuery, traceLogsQuery } from "@/observe/insights";
import { logsHref, traceSearchHref } from "@/observe/links";
import { traceExtent } from "@/observe/waterfall";
import { searchWindows, windowReaching } from "@/observe/windows";

const link = "rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50";

/**
 * Where else to look: the orders the trace touched, its logs (a Logs Insights query over a window
 * reaching back to its start, `start`), and X-Ray on AWS.
 */
function Related({ trace, start }: { trace: TraceDetail; start: string }) {
  const now = useNow(60_000);
  const minutes = windowReaching(Date.parse(start), now, searchWindows);
  return (
    <nav aria-label="Related to this trace" className="flex flex-wrap gap-2">
      {trace.order_ids.map((id) => (
        <div key={id} className="contents">
          <Link href={orderHref({ order_id: id })} className={link}>
            Order {shortId(id)}
          </Link>
          <Link href={streamHref("Order", id)} className={link} aria-label={`Event history of order ${shortId(id)}`}>
            Event history
          </Link>
          <Link href={traceHref(id)} className={link} aria-label={`Event timeline of order ${shortId(id)}`}>
            Event timeline
          </Link>
        </div>
      ))}
      <Link href={logsHref({ query: traceLogsQuery(trace.trace_id), minutes })} className={link}>
        Logs of this trace
      </Link>
      {trace.correlation_ids.map((id) => (
        <Link
          key={id}
          href={logsHref({ query: correlationLogsQuery(id), minutes })}
          className={link}
          aria-label={`Logs of correlation id ${id}`}
        >
          Logs of correlation <span className="font-mono">{shortId(id)}</span>
        </Link>
      ))}
      {trace.xray_url && (
        <a href={trace.xray_url} target="_blank" rel="noopener noreferrer" className={link}>
          Open in X-Ray
        </a>
      )}
    </nav>
  );
}

function TraceView({ traceId, spanId }: { traceId: string; spanId: string | null }) {
  const observe = useObserveApi();
  const trace = useQuery(`observe/trace/${traceId}`, (signal) => observe.trace(traceId, signal));
  return (
    <QueryView query={trace} what="the trace" isEmpty={(t) => t.spans.length === 0} empty="This trace has no spans.">
      {(t) => {
        const errors = t.spans.filter((s) => s.status === "error").length;
        const first = t.spans.reduce((a, b) => (b.start_offset_ms < a.start_offset_ms ? b : a));
        return (
          <div className="flex flex-col gap-6">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <p className="text-sm text-stone-600">
                {t.spans.length} spans from {t.services.length} services over {formatMs(traceExtent(t.spans).total)}, from{" "}
                {formatTime(first.start)}
                {errors > 0 && <span className="font-semibold text-red-800"> · {errors} failed</span>}
              </p>
              <button type="button" onClick={trace.reload} className="text-sm text-brand-700 underline">
                Refresh
              </button>
            </div>
            <Related trace={t} start={first.start} />
            <section aria-labelledby="services-title" className="flex flex-col gap-2">
              <h2 id="services-title" className="font-semibold">
                Services
              </h2>
              <ul aria-label="Services" className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
                {t.services.map((service) => (
                  <li key={service} className="flex items-center gap-1.5">
                    <span className={`size-3 rounded-full ${serviceColour(service).bg}`} aria-hidden="true" />
                    {service}
                  </li>
                ))}
              </ul>
            </section>
            <section aria-labelledby="spans-title" className="flex flex-col gap-2">
              <h2 id="spans-title" className="font-semibold">
                Waterfall
              </h2>
              <p className="text-xs text-stone-500">
                Each span under the one that caused it; a bar is when it ran. Open a span for its attributes, events and links.
              </p>
              <SpanWaterfall spans={t.spans} linkedSpan={spanId} />
            </section>
          </div>
        );
      }}
    </QueryView>
  );
}

function TraceBrowser() {
  const params = useSearchParams();
  const traceId = (params.get("id") ?? "").trim().toLowerCase();
  const spanId = params.get("span");
  if (!traceId) {
    return (
      <p className="text-stone-600">
        Open a trace from the <Link href={traceSearchHref()} className="text-brand-700 underline">trace list</Link>, an order, or a log line.
      </p>
    );
  }
  return (
    <>
      <p className="mb-6 font-mono text-sm break-all text-stone-600">{traceId}</p>
      <TraceView key={traceId} traceId={traceId} spanId={spanId} />
    </>
  );
}

export default function ObserveTracePage() {
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Trace</h1>
      <WhatThisShows page="trace" />
      <Suspense fallback={<Loading what="the trace" />}>
        <TraceBrowser />
      </Suspense>
    </>
  );
}
