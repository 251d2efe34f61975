"use client";

import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import type { AggregateType } from "@/api/types";
import { useApi } from "@/api/useApi";
import { EventCard } from "@/components/admin/EventCard";
import { StateStepper } from "@/components/admin/StateStepper";
import { StreamPicker } from "@/components/admin/StreamPicker";
import { Loading, QueryView } from "@/components/QueryView";
import { useQuery } from "@/lib/useQuery";

function Stream({ type, id }: { type: AggregateType; id: string }) {
  const api = useApi();
  const events = useQuery(`stream/${type}/${id}`, (signal) => api.streamEvents(type, id, signal));
  const [chosen, setChosen] = useState<{ stream: string; sequence: number } | null>(null);
  return (
    <QueryView query={events} what="the stream's events" isEmpty={(d) => d.items.length === 0}>
      {({ items }) => {
        const last = items.at(-1)?.sequence ?? 1;
        const sequence = chosen?.stream === `${type}/${id}` ? chosen.sequence : last;
        return (
          <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
            <section aria-labelledby="events-title">
              <h2 id="events-title" className="mb-3 font-semibold">
                {items.length} events of {type} {id}
              </h2>
              <ol className="flex flex-col gap-3">
                {items.map((event) => (
                  <EventCard key={event.event_id} event={event} current={event.sequence === sequence} />
                ))}
              </ol>
            </section>
            <div className="lg:sticky lg:top-4 lg:self-start">
              <StateStepper
                type={type}
                id={id}
                last={last}
                sequence={sequence}
                onStep={(s) => setChosen({ stream: `${type}/${id}`, sequence: s })}
              />
            </div>
          </div>
        );
      }}
    </QueryView>
  );
}

function StreamBrowser() {
  const params = useSearchParams();
  const type: AggregateType = params.get("type") === "Stock" ? "Stock" : "Order";
  const id = params.get("id") ?? "";
  return (
    <div className="flex flex-col gap-6">
      <StreamPicker type={type} id={id} />
      {id ? <Stream type={type} id={id} /> : <p className="text-stone-600">Pick an aggregate and its id to see its events.</p>}
    </div>
  );
}

export default function StreamPage() {
  return (
    <>
      <h1 className="mb-6 text-2xl font-bold">Event browser</h1>
      <Suspense fallback={<Loading what="the event browser" />}>
        <StreamBrowser />
      </Suspense>
    </>
  );
}
