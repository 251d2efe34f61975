import type { QueryError } from "@/observe/queryErrors";

/** Why the server could not read a query, said under its editor. */
export function QueryErrorText({ id, error }: { id: string; error: QueryError }) {
  return (
    <p id={id} role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 font-mono text-sm text-red-900">
      {error.message}
    </p>
  );
}
