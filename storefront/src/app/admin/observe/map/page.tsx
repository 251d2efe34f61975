"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { useObserveApi } from "@/api/useApi";
import { RangePicker } from "@/components/observe/RangePicker";
import { ServiceMapView } from "@/components/observe/ServiceMapView";
import { WhatThisShows } from "@/components/observe/WhatThisShows";
import { Loading, QueryView } from "@/components/QueryView";
import { useQuery } from "@/lib/useQuery";
import { mapWindows, windowLabel, windowParam } from "@/observe/windows";

function ServiceMapBrowser() {
  const observe = useObserveApi();
  const router = useRouter();
  const minutes = windowParam(useSearchParams().get("minutes"), mapWindows, 15);
  const map = useQuery(`observe/map/${minutes}`, (signal) => observe.serviceMap(minutes, signal));
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <RangePicker
          label="Window"
          options={mapWindows}
          value={minutes}
          onChange={(m) => router.replace(`/admin/observe/map/?${new URLSearchParams({ minutes: String(m) })}`)}
        />
        <button type="button" onClick={map.reload} className="text-sm text-brand-700 underline">
          Refresh
        </button>
      </div>
      <QueryView
        query={map}
        what="the service map"
        isEmpty={(m) => m.edges.length === 0}
        empty={`No call between services was traced in the last ${windowLabel(minutes)}.`}
      >
        {(m) => <ServiceMapView map={m} />}
      </QueryView>
    </div>
  );
}

export default function ServiceMapPage() {
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Service map</h1>
      <p className="mb-6 text-sm text-stone-600">
        Who called whom in the window, drawn from the traces: calls between services, messages through the queue, queries to
        the database.
      </p>
      <WhatThisShows page="map" />
      <Suspense fallback={<Loading what="the service map" />}>
        <ServiceMapBrowser />
      </Suspense>
    </>
  );
}
