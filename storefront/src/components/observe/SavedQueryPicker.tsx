"use client";

import { useId, useState } from "react";
import type { QueryLanguage, SavedQuery } from "@/api/observe";
import { useObserveApi } from "@/api/useApi";
import { useQuery } from "@/lib/useQuery";

/**
 * The saved queries of one language, to start from: choosing one puts its text in the editor
 * (it runs when the admin runs it) and says what it is for. Not loading them is said quietly:
 * the editor works without them.
 */
export function SavedQueryPicker({ language, onChoose }: { language: QueryLanguage; onChoose: (query: SavedQuery) => void }) {
  const observe = useObserveApi();
  const saved = useQuery("observe/saved-queries", (signal) => observe.savedQueries(signal));
  /** The chosen query's index among this language's, or "" before one is chosen. */
  const [chosen, setChosen] = useState("");
  const id = useId();
  if (saved.status === "error") {
    return <p className="text-xs text-stone-500">Saved queries could not be loaded: {saved.error.message}</p>;
  }
  const queries = saved.status === "success" ? saved.data.queries.filter((q) => q.language === language) : [];
  if (saved.status === "success" && queries.length === 0) return null;
  const about = chosen === "" ? undefined : queries[Number(chosen)]?.description;

  function choose(index: string) {
    setChosen(index);
    const query = index === "" ? undefined : queries[Number(index)];
    if (query) onChoose(query);
  }

  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-stone-800">
        Saved queries
      </label>
      <select
        id={id}
        value={chosen}
        onChange={(event) => choose(event.target.value)}
        disabled={saved.status === "loading"}
        aria-describedby={about ? `${id}-about` : undefined}
        className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm"
      >
        <option value="">{saved.status === "loading" ? "Loading…" : "Choose one…"}</option>
        {queries.map((query, i) => (
          <option key={i} value={i} title={query.description}>
            {query.name}
          </option>
        ))}
      </select>
      {about && (
        <p id={`${id}-about`} className="max-w-prose text-xs text-stone-600">
          {about}
        </p>
      )}
    </div>
  );
}
