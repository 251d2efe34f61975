import type { Trace, TraceService } from "@/api/types";
import { formatMs } from "@/lib/format";

const colours: Partial<Record<TraceService, string>> = {
  order: "bg-sky-500",
  product: "bg-cyan-500",
  admin: "bg-violet-500",
  "event-store": "bg-amber-500",
  sqs: "bg-pink-500",
  "stock-projector": "bg-emerald-500",
};

/**
 * The hops of one correlation id on a shared time axis: each bar spans from the previous hop to
 * this one, so its length is the hop's latency and the longest bar is where the time went.
 */
export function Waterfall({ trace }: { trace: Trace }) {
  const total = Math.max(...trace.hops.map((h) => h.offset_ms), 1);
  const pct = (ms: number) => `${(ms / total) * 100}%`;
  return (
    <figure className="flex flex-col gap-2">
      <figcaption className="text-sm text-stone-600">
        {trace.hops.length} hops over {formatMs(total)}
        {trace.trace_id && (
          <>
            {" · trace id "}
            <span className="font-mono">{trace.trace_id}</span>
          </>
        )}
      </figcaption>
      <ol aria-label="Hops" className="flex flex-col divide-y divide-stone-100 rounded-lg border border-stone-200 bg-white">
        {trace.hops.map((hop, i) => (
          <li key={i} className="grid grid-cols-1 items-center gap-2 px-3 py-2 text-sm md:grid-cols-[16rem_1fr_6rem]">
            <div>
              <p className="font-medium">{hop.name}</p>
              <p className="text-xs text-stone-500">
                <span className={`mr-1 inline-block size-2 rounded-full ${colours[hop.service] ?? "bg-stone-400"}`} aria-hidden="true" />
                {hop.service} · at +{formatMs(hop.offset_ms)}
              </p>
            </div>
            <div className="relative h-4 rounded bg-stone-100" aria-hidden="true">
              <div
                className={`absolute inset-y-0 min-w-[2px] rounded ${colours[hop.service] ?? "bg-stone-400"}`}
                style={{ left: pct(hop.offset_ms - hop.latency_ms), width: pct(hop.latency_ms) }}
              />
            </div>
            <p className="text-right font-mono">{formatMs(hop.latency_ms)}</p>
            {Object.keys(hop.attributes).length > 0 && (
              <details className="text-xs md:col-span-3">
                <summary className="cursor-pointer text-stone-500">Attributes</summary>
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 font-mono">
                  {Object.entries(hop.attributes).map(([k, v]) => (
                    <div key={k} className="contents">
                      <dt className="text-stone-500">{k}</dt>
                      <dd className="break-all">{v}</dd>
                    </div>
                  ))}
                </dl>
              </details>
            )}
          </li>
        ))}
      </ol>
    </figure>
  );
}
