"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, type FormEvent } from "react";
import { useApi } from "@/api/useApi";
import { Waterfall } from "@/components/admin/Waterfall";
import { Button } from "@/components/Button";
import { Field } from "@/components/Field";
import { traceHref } from "@/components/orders/links";
import { Loading, QueryView } from "@/components/QueryView";
import { useQuery } from "@/lib/useQuery";
import { orderOfTimeline, traceSearchHref } from "@/observe/links";

function Timeline({ correlationId }: { correlationId: string }) {
  const api = useApi();
  const trace = useQuery(`trace/${correlationId}`, (signal) => api.trace(correlationId, signal));
  return (
    <QueryView query={trace} what="the trace" isEmpty={(t) => t.hops.length === 0} empty="No hop was recorded for this correlation id.">
      {(t) => (
        <div className="flex flex-col gap-4">
          <Link
            href={traceSearchHref(orderOfTimeline(t.hops) ?? t.correlation_id)}
            className="self-start rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium hover:bg-stone-50"
          >
            Observe trace
          </Link>
          <Waterfall trace={t} />
        </div>
      )}
    </QueryView>
  );
}

function TraceBrowser() {
  const router = useRouter();
  const correlationId = useSearchParams().get("id") ?? "";
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    router.push(traceHref(String(new FormData(event.currentTarget).get("id")).trim()));
  }
  return (
    <div className="flex flex-col gap-6">
      <form onSubmit={submit} aria-label="Find a trace" className="flex flex-wrap items-end gap-3">
        <Field key={correlationId} label="Correlation id" name="id" defaultValue={correlationId} required className="min-w-80 flex-1" />
        <Button type="submit">Show timeline</Button>
      </form>
      {correlationId ? (
        <Timeline correlationId={correlationId} />
      ) : (
        <p className="text-stone-600">Open a trace from an order, an event, or paste a correlation id.</p>
      )}
    </div>
  );
}

export default function TracePage() {
  return (
    <>
      <h1 className="mb-6 text-2xl font-bold">Trace timeline</h1>
      <Suspense fallback={<Loading what="the trace" />}>
        <TraceBrowser />
      </Suspense>
    </>
  );
}
