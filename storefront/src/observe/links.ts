// Where the Observe console's pages live. Ids, filters and queries travel in the query string, as
// everywhere in the static export; an empty one is left out of the link.

const withQuery = (path: string, params: Record<string, string | number | undefined>) => {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
};

/**
 * The trace search: a trace id, an order id or a correlation id (one match opens that trace),
 * and an X-Ray filter expression.
 */
export const traceSearchHref = (
  q?: string,
  { minutes, errors, filter }: { minutes?: number; errors?: boolean; filter?: string } = {},
) => withQuery("/admin/observe/", { q, minutes, errors: errors ? "true" : undefined, filter });

/** One trace's waterfall, with `spanId`'s row open when given. */
export const observeTraceHref = (traceId: string, spanId?: string | null) =>
  withQuery("/admin/observe/trace/", { id: traceId, span: spanId ?? undefined });

/** The Logs page running a Logs Insights `query` over the last `minutes` (its own default query without one). */
export const logsHref = ({ query, minutes }: { query?: string; minutes?: number } = {}) =>
  withQuery("/admin/observe/logs/", { query, minutes });

/**
 * The order an event-store timeline is about: the first hop on an Order stream (its `stream`
 * attribute is "Order:<id>"); null when none is.
 */
export function orderOfTimeline(hops: readonly { attributes: Record<string, string> }[]): string | null {
  for (const hop of hops) {
    const match = /^Order:(.+)$/.exec(hop.attributes.stream ?? "");
    if (match?.[1]) return match[1];
  }
  return null;
}
