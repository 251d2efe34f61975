"use client";

import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type { Attributes, SpanView } from "@/api/observe";
import { attributeText } from "@/observe/attributes";
import { niceTicks } from "@/observe/chart";
import { serviceColour } from "@/observe/colours";
import { observeTraceHref } from "@/observe/links";
import { barOf, traceExtent, waterfallRows, type WaterfallRow } from "@/observe/waterfall";
import { formatClock, formatMs } from "@/lib/format";

const GRID = "grid grid-cols-[minmax(0,20rem)_minmax(0,1fr)_4.5rem] items-center gap-3";

const rowId = (spanId: string) => `span-${spanId}`;

function AttributeList({ attributes }: { attributes: Attributes }) {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return <p className="text-stone-500">none</p>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 font-mono">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="text-stone-500">{key}</dt>
          <dd className="break-all">{attributeText(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function SpanDetail({ row }: { row: WaterfallRow }) {
  const { span, parent, queue } = row;
  return (
    <div id={`${rowId(span.span_id)}-detail`} className="flex flex-col gap-3 border-t border-stone-200 bg-stone-50 px-4 py-3 text-xs">
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 sm:grid-cols-[auto_1fr_auto_1fr]">
        <dt className="text-stone-500">Service</dt>
        <dd>{span.service}</dd>
        <dt className="text-stone-500">Kind</dt>
        <dd>{span.kind}</dd>
        <dt className="text-stone-500">Started</dt>
        <dd>
          {formatClock(span.start)} (+{formatMs(span.start_offset_ms)})
        </dd>
        <dt className="text-stone-500">Duration</dt>
        <dd>{formatMs(span.duration_ms)}</dd>
        <dt className="text-stone-500">Status</dt>
        <dd className={span.status === "error" ? "text-red-800" : ""}>
          {span.status}
          {span.status_message && `: ${span.status_message}`}
        </dd>
        <dt className="text-stone-500">Span id</dt>
        <dd className="font-mono">{span.span_id}</dd>
      </dl>
      {queue && parent && (
        <p>
          Delivered through the queue <span className="font-mono">{queue}</span>: sent by {parent.service} ({parent.name}, producer),
          received by {span.service} (consumer) {formatMs(span.start_offset_ms - parent.start_offset_ms)} after the send began.
        </p>
      )}
      <section aria-label={`Attributes of ${span.name}`}>
        <h3 className="mb-1 font-semibold">Attributes</h3>
        <AttributeList attributes={span.attributes} />
      </section>
      <section aria-label={`Events of ${span.name}`}>
        <h3 className="mb-1 font-semibold">Events</h3>
        {span.events.length === 0 ? (
          <p className="text-stone-500">none</p>
        ) : (
          <ol className="flex flex-col gap-2">
            {span.events.map((event, i) => (
              <li key={i}>
                <p>
                  <span className="font-medium">{event.name}</span> <span className="text-stone-500">at {formatClock(event.time)}</span>
                </p>
                {Object.keys(event.attributes).length > 0 && <AttributeList attributes={event.attributes} />}
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-label={`Links of ${span.name}`}>
        <h3 className="mb-1 font-semibold">Links</h3>
        {span.links.length === 0 ? (
          <p className="text-stone-500">none</p>
        ) : (
          <ul className="flex flex-col gap-1 font-mono">
            {span.links.map((link) => (
              <li key={`${link.trace_id}/${link.span_id}`}>
                <Link href={observeTraceHref(link.trace_id, link.span_id)} className="text-brand-700 underline">
                  {link.trace_id} / {link.span_id}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function SpanRow({ row, extent, open, linked, onToggle }: {
  row: WaterfallRow;
  extent: ReturnType<typeof traceExtent>;
  open: boolean;
  linked: boolean;
  onToggle: () => void;
}) {
  const { span, depth, queue } = row;
  const failed = span.status === "error";
  const colour = serviceColour(span.service);
  const bar = barOf(span, extent);
  const indent = { paddingLeft: `${Math.min(depth, 12) * 0.875}rem` };
  return (
    <li id={rowId(span.span_id)} className={`scroll-mt-24 ${linked ? "bg-amber-50" : ""}`}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={open ? `${rowId(span.span_id)}-detail` : undefined}
        onClick={onToggle}
        className={`${GRID} w-full px-3 py-1.5 text-left text-sm hover:bg-stone-50 aria-expanded:bg-brand-50`}
      >
        <span className="flex min-w-0 flex-wrap items-center gap-x-1.5 gap-y-0.5" style={indent}>
          <span className={`size-2.5 shrink-0 rounded-full ${colour.bg}`} aria-hidden="true" />
          <span className="min-w-0 break-words">
            <span className={`font-medium ${failed ? "text-red-800" : ""}`}>{span.name}</span>{" "}
            <span className="text-xs text-stone-500">{span.service}</span>
          </span>
          {span.kind !== "internal" && <span className="shrink-0 rounded bg-stone-100 px-1 text-xs text-stone-600">{span.kind}</span>}
          {queue && (
            <span
              className="shrink-0 rounded bg-violet-100 px-1.5 text-xs font-medium text-violet-900"
              title={`producer → consumer through the queue ${queue}`}
            >
              {`⇢ ${queue}`}
            </span>
          )}
          {failed && <span className="shrink-0 rounded bg-red-100 px-1 text-xs font-medium text-red-900">error</span>}
        </span>
        <span className="relative h-3 rounded bg-stone-100" aria-hidden="true">
          <span
            className={`absolute inset-y-0 min-w-[2px] rounded ${failed ? "bg-red-600" : colour.bg}`}
            style={{ left: `${bar.left}%`, width: `${bar.width}%` }}
          />
        </span>
        <span className="text-right font-mono text-xs">{formatMs(span.duration_ms)}</span>
      </button>
      {failed && span.status_message && (
        <p className="px-3 pb-1.5 text-xs text-red-800" style={{ paddingLeft: `calc(${indent.paddingLeft} + 1.75rem)` }}>
          {span.status_message}
        </p>
      )}
      {open && <SpanDetail row={row} />}
    </li>
  );
}

/**
 * A trace's spans on its time axis: each under its parent, indented by depth, its bar where it
 * ran; a failed span is red with its message. A row opens to its attributes, events and links;
 * `linkedSpan` (from a log line) starts open and in view.
 */
export function SpanWaterfall({ spans, linkedSpan }: { spans: SpanView[]; linkedSpan: string | null }) {
  const rows = useMemo(() => waterfallRows(spans), [spans]);
  const extent = useMemo(() => traceExtent(spans), [spans]);
  const [open, setOpen] = useState<string | null>(linkedSpan);
  const ticks = niceTicks(0, extent.total, 5).filter((t) => t <= extent.total);

  useEffect(() => {
    if (linkedSpan) document.getElementById(rowId(linkedSpan))?.scrollIntoView({ block: "center" });
  }, [linkedSpan]);

  return (
    <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
      <div className={`${GRID} min-w-[44rem] border-b border-stone-200 px-3 py-1 text-xs text-stone-500`} aria-hidden="true">
        <span>Span</span>
        <span className="relative h-4">
          {ticks.map((t) => (
            <span key={t} className="absolute -translate-x-1/2 first:translate-x-0" style={{ left: `${(t / extent.total) * 100}%` }}>
              {formatMs(t)}
            </span>
          ))}
        </span>
        <span className="text-right">Duration</span>
      </div>
      <ol aria-label="Spans" className="min-w-[44rem] divide-y divide-stone-100">
        {rows.map((row) => (
          <SpanRow
            key={row.span.span_id}
            row={row}
            extent={extent}
            open={open === row.span.span_id}
            linked={linkedSpan === row.span.span_id}
            onToggle={() => setOpen((current) => (current === row.span.span_id ? null : row.span.span_id))}
          />
        ))}
      </ol>
    </div>
  );
}
