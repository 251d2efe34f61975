import type { EventMetadata } from "./types";

/** A string entry of an event's metadata; the document types metadata as an open object. */
export function metadataString(metadata: EventMetadata, key: string): string | null {
  const value = metadata[key];
  return typeof value === "string" && value !== "" ? value : null;
}
