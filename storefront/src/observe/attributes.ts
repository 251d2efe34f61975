// Span, span-event and log-line attributes as the Observe pages show them. The document types an
// attribute's value as any JSON value: OpenTelemetry's are strings, numbers, booleans and arrays
// of them, but nothing here relies on that.

/**
 * An attribute's value as text: a string as it is, a number or boolean as JavaScript writes it,
 * anything else (an array, an object, null) as JSON.
 */
export function attributeText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === undefined) return "";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** An attribute that names something (a queue, a stream): its value when a non-empty string, else null. */
export function attributeName(attributes: Readonly<Record<string, unknown>>, key: string): string | null {
  const value = Object.hasOwn(attributes, key) ? attributes[key] : undefined;
  return typeof value === "string" && value !== "" ? value : null;
}
