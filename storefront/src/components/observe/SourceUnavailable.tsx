import type { ApiError } from "@/api/client";

/** A 503: the store a query reads (CloudWatch, X-Ray, or the local telemetry store) did not answer. */
export function SourceUnavailable({ what, error, onRetry }: { what: string; error: ApiError; onRetry: () => void }) {
  return (
    <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
      <p className="font-semibold">{what} are unavailable right now, so the query could not run.</p>
      <p>{error.problem.detail}</p>
      <button type="button" onClick={onRetry} className="mt-3 rounded border border-amber-400 px-3 py-1 hover:bg-amber-100">
        Try again
      </button>
    </div>
  );
}
