import type { EventMetadata } from "./types";

/** An entry of an event's metadata (every one a string), or null when it is absent or empty. */
export function metadataString(metadata: EventMetadata, key: string): string | null {
  const value = metadata[key];
  return typeof value === "string" && value !== "" ? value : null;
}
