import type { ApiError } from "@/api/client";

/** A failed call as the user should read it: the server's problem+json detail and the fields at fault. */
export function ProblemAlert({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { title, detail, errors } = error.problem;
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-semibold">{title}</p>
      <p>{detail}</p>
      {errors && errors.length > 0 && (
        <ul className="mt-2 list-disc pl-5">
          {errors.map((e) => (
            <li key={e.field}>
              <span className="font-mono">{e.field}</span>: {e.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry} className="mt-3 rounded border border-red-400 px-3 py-1 hover:bg-red-100">
          Try again
        </button>
      )}
    </div>
  );
}
