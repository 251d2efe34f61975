import Link from "next/link";
import { shortId } from "@/lib/format";
import type { ResultRow } from "@/observe/insights";
import { observeTraceHref } from "@/observe/links";

/** Fields whose values are times or ids, read best in a monospace font. */
const monospace = new Set(["@timestamp", "@ingestionTime", "@logStream", "trace_id", "span_id", "correlation_id", "aggregate_id"]);

/** One value; a trace id opens its trace (at the row's span, when the row has one). */
function Cell({ field, row }: { field: string; row: ResultRow }) {
  const value = row.get(field);
  if (value === undefined) return null;
  if (field === "trace_id" && /^[0-9a-f]{32}$/i.test(value)) {
    return (
      <Link href={observeTraceHref(value.toLowerCase(), row.get("span_id"))} className="font-mono text-brand-700 underline" title={value}>
        {shortId(value)}
      </Link>
    );
  }
  return <span className={monospace.has(field) ? "font-mono text-xs break-all" : "break-words whitespace-pre-wrap"}>{value}</span>;
}

/** A query's rows under its fields, one column each, in the query's order. */
export function InsightsTable({ columns, rows }: { columns: readonly string[]; rows: readonly ResultRow[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Query results</caption>
        <thead className="border-b border-stone-300 text-stone-600">
          <tr>
            {columns.map((field) => (
              <th key={field} scope="col" className="py-2 pr-3 font-mono text-xs font-semibold whitespace-nowrap">
                {field}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} className="border-b border-stone-100 align-top">
              {columns.map((field) => (
                <td key={field} className={field === "@timestamp" ? "w-px py-1.5 pr-3 whitespace-nowrap" : "py-1.5 pr-3"}>
                  <Cell field={field} row={row} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
