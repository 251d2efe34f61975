import type { ApiError } from "@/api/client";
import { catalogProblem, type CatalogRead } from "./problem";

/**
 * The catalog pages' error state: what could not be loaded in words, a retry that reads it again
 * when a retry can help, and the shop's answer in small print.
 */
export function CatalogProblem({ error, read, onRetry }: { error: ApiError; read: CatalogRead; onRetry: () => void }) {
  const { message, retry, detail } = catalogProblem(error, read);
  return (
    <div role="alert" className="flex flex-col items-start gap-3 rounded-md border border-red-300 bg-red-50 p-6 text-red-900">
      <p className="font-semibold">{message}</p>
      {retry && (
        <button
          type="button"
          onClick={onRetry}
          className="rounded-md border border-red-400 bg-white px-4 py-2 text-sm font-medium hover:bg-red-100"
        >
          Try again
        </button>
      )}
      {detail && <p className="text-xs text-red-800">Details: {detail}</p>}
    </div>
  );
}
