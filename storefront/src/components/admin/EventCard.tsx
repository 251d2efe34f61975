import Link from "next/link";
import { metadataString } from "@/api/metadata";
import type { StoredEvent } from "@/api/types";
import { traceHref } from "@/components/orders/links";
import { formatTime } from "@/lib/format";

/** One stored event: where it sits, what it says, and the metadata that ties it to a request. */
export function EventCard({ event, current }: { event: StoredEvent; current: boolean }) {
  const correlation_id = metadataString(event.metadata, "correlation_id");
  const metadata = Object.entries(event.metadata).filter(([key]) => key !== "correlation_id" || !correlation_id);
  return (
    <li
      aria-current={current ? "step" : undefined}
      className="rounded-md border border-stone-200 bg-white p-4 shadow-sm aria-[current=step]:border-brand-600 aria-[current=step]:ring-1 aria-[current=step]:ring-brand-600"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="font-semibold">
          #{event.sequence} {event.event_type}
          <span className="ml-2 text-xs font-normal text-stone-500">v{event.event_version}</span>
        </h3>
        <p className="text-xs text-stone-500">
          global position {event.global_position} · {formatTime(event.recorded_at)}
        </p>
      </div>
      <pre className="mt-2 overflow-x-auto rounded bg-stone-900 p-3 text-xs text-stone-100">
        {JSON.stringify(event.payload, null, 2)}
      </pre>
      <dl className="mt-2 grid grid-cols-1 gap-x-4 text-xs sm:grid-cols-[auto_1fr]">
        {correlation_id && (
          <>
            <dt className="text-stone-500">correlation_id</dt>
            <dd className="font-mono break-all">
              <Link href={traceHref(correlation_id)} className="text-brand-700 underline">
                {correlation_id}
              </Link>
            </dd>
          </>
        )}
        {metadata.map(([key, value]) => (
          <div key={key} className="contents">
            <dt className="text-stone-500">{key}</dt>
            <dd className="font-mono break-all">{value}</dd>
          </div>
        ))}
      </dl>
    </li>
  );
}
