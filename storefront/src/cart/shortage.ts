import type { Problem } from "@/api/types";
import type { CartLine } from "./cart";

// POST /api/orders asks the stock service before placing: a line that clearly cannot be filled is
// refused at once with 409, nothing placed, its field error naming the line as sent
// (`lines[2].quantity`: "only 5 available for KETTLE-GOOSE"). These functions turn that answer
// into what the cart shows beside each line. A 409 without such errors (the same Idempotency-Key
// still in flight) is no shortage, and neither is any other problem: the cart shows those as before.

/** A cart line the shop refused for want of stock, as it was sent. */
export type Shortage = {
  sku: string;
  /** The quantity sent: the notice holds while the line still asks for it. */
  requested: number;
  /** The units available, when the message says; null when it does not. */
  available: number | null;
  /** The server's message, e.g. "only 5 available for KETTLE-GOOSE". */
  message: string;
};

const lineQuantity = /^lines\[(\d+)\]\.quantity$/;
const availableIn = /\bonly (\d+) available\b/i;

/**
 * The shortages a problem reports, each tied to the line sent at the index its field names (the
 * order sent, whatever order the cart shows its lines in); empty when the problem is not a 409
 * naming a line that was sent.
 */
export function shortagesOf(problem: Problem, sent: readonly CartLine[]): Shortage[] {
  if (problem.status !== 409) return [];
  return (problem.errors ?? []).flatMap(({ field, message }) => {
    const index = lineQuantity.exec(field)?.[1];
    const line = index === undefined ? undefined : sent[Number(index)];
    if (!line) return [];
    const available = availableIn.exec(message)?.[1];
    return [{ sku: line.sku, requested: line.quantity, available: available === undefined ? null : Number(available), message }];
  });
}

/** The shortage reported for `line`, while the line still asks for the quantity that was refused. */
export function shortageFor(shortages: readonly Shortage[], line: CartLine): Shortage | undefined {
  return shortages.find((s) => s.sku === line.sku && s.requested === line.quantity);
}

/** The server's message as a sentence: "Only 5 available for KETTLE-GOOSE." */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capital = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
