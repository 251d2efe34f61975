// Where a query that does not parse went wrong. Both query routes answer such a query with a 422
// whose `errors` name the field ("query" for Logs Insights, "filter" for X-Ray) and say where:
// "at character 17: expected a field name, found `|`", the character counted from 1 (querylang's
// ParseError). The editor shows the message under the text and puts the caret there.
import type { ApiError } from "@/api/client";

export type QueryError = { message: string; character: number | null };

/** The character an error message names ("at character 17: ..."), counted from 1; null when it names none. */
export function errorCharacter(message: string): number | null {
  const match = /^at character (\d+):/.exec(message.trim());
  const character = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(character) && character >= 1 ? character : null;
}

/**
 * Where the caret goes in `text` to stand before its `character`-th character (counted from 1,
 * in Unicode characters, as the server counts), as an offset in UTF-16 units, as a textarea's
 * selection counts them; past the end, the end.
 */
export function caretOffset(text: string, character: number): number {
  let offset = 0;
  let n = 1;
  for (const c of text) {
    if (n >= character) break;
    offset += c.length;
    n++;
  }
  return offset;
}

/** The 422's message about `field` (the query's text), with the character it names; null for any other failure. */
export function queryError(error: ApiError | null, field: string): QueryError | null {
  if (!error || error.status !== 422) return null;
  const found = error.problem.errors?.find((e) => e.field === field);
  return found ? { message: found.message, character: errorCharacter(found.message) } : null;
}
