import type { ReactNode } from "react";
import type { ApiError } from "@/api/client";
import type { Query } from "@/lib/useQuery";
import { ProblemAlert } from "./ProblemAlert";

type Props<T> = {
  query: Query<T>;
  /** What is loading, for the status message: "products", "your orders". */
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  /** The error state, when the page says it in its own words; the server's problem with a retry otherwise. */
  failed?: (error: ApiError, retry: () => void) => ReactNode;
  children: (data: T) => ReactNode;
};

/** The loading, error, empty and loaded states of one call. */
export function QueryView<T>({ query, what, isEmpty, empty, failed, children }: Props<T>) {
  if (query.status === "loading") return <Loading what={what} />;
  if (query.status === "error") return failed ? failed(query.error, query.reload) : <ProblemAlert error={query.error} onRetry={query.reload} />;
  if (isEmpty?.(query.data)) {
    return (
      <p role="status" className="rounded-md border border-dashed border-stone-300 p-6 text-center text-stone-600">
        {empty ?? `No ${what} yet.`}
      </p>
    );
  }
  return <div aria-busy={query.reloading}>{children(query.data)}</div>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="animate-pulse p-6 text-stone-500">
      Loading {what}…
    </p>
  );
}
