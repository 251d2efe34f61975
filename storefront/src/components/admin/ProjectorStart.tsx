"use client";

// The stock-projector's latest start on the Projections page: a crash loop shows as a recent
// start, a climbing restart count and a non-zero exit code, in a warning's colours.

import type { ProjectorStart as Start } from "@/api/types";
import { formatTime } from "@/lib/format";
import { useNow } from "@/lib/useNow";
import { projectorSummary, projectorTroubled } from "@/observe/projector";

export function ProjectorStart({ start }: { start: Start }) {
  const now = useNow(1_000);
  const troubled = projectorTroubled(start);
  return (
    <section
      aria-label="Projector"
      className={`rounded-md border p-3 text-sm ${troubled ? "border-amber-300 bg-amber-50 text-amber-900" : "border-stone-200 bg-white text-stone-700"}`}
    >
      <p title={`Started ${formatTime(start.started_at)}`}>
        {troubled && <span className="font-semibold">Warning: </span>}
        {projectorSummary(start, now)}
      </p>
      {troubled && (
        <p className="mt-1 text-xs">
          Its previous run exited with an error and its supervisor restarted it; a count that keeps climbing is a crash loop. Its
          last log lines say why.
        </p>
      )}
    </section>
  );
}
