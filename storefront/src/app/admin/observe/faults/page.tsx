"use client";

// The fault switches: break one part of the shop on purpose, at run time, and watch the alarms,
// metrics, traces and logs change (docs/learn.md walks through each switch).

import Link from "next/link";
import { useApi } from "@/api/useApi";
import { useSession } from "@/auth/session";
import { FaultCard } from "@/components/observe/FaultCard";
import { WhatThisShows } from "@/components/observe/WhatThisShows";
import { useAutoRefresh } from "@/components/observe/useAutoRefresh";
import { QueryView } from "@/components/QueryView";
import { useNow } from "@/lib/useNow";
import { useQuery } from "@/lib/useQuery";

/** Another admin, a game day or a process's environment may flip a switch: the list is read again this long after each answer. */
const REFRESH_MS = 5_000;

export default function FaultsPage() {
  const api = useApi();
  const { user } = useSession();
  const faults = useQuery("faults", (signal) => api.faults(signal));
  useAutoRefresh(faults, REFRESH_MS);
  const now = useNow(1_000);
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">Faults</h1>
      <p className="mb-6 text-sm text-stone-600">
        Each switch breaks one part of the shop on purpose; every service sees a flip within about a second. To practise finding a
        fault without being told which, play a game day on the{" "}
        <Link href="/admin/observe/scenarios/" className="text-brand-700 underline">
          Scenarios
        </Link>{" "}
        page.
      </p>
      <WhatThisShows page="faults" />
      <QueryView query={faults} what="the fault switches" isEmpty={(d) => d.items.length === 0} empty="This shop has no fault switches.">
        {({ items }) => (
          <div className="flex flex-col gap-4">
            {items.some((f) => f.hidden) && (
              <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
                A game day is running: no switch can be flipped until it is answered or finished on the{" "}
                <Link href="/admin/observe/scenarios/" className="underline">
                  Scenarios
                </Link>{" "}
                page.
              </p>
            )}
            <ul aria-label="Fault switches" className="grid gap-4 lg:grid-cols-2">
              {items.map((fault) => (
                <li key={fault.name}>
                  <FaultCard fault={fault} now={now} you={user?.sub} onFlipped={faults.reload} />
                </li>
              ))}
            </ul>
          </div>
        )}
      </QueryView>
    </>
  );
}
