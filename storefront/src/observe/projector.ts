// The stock-projector's latest start, as the Projections page says it: a crash loop reads as a
// start a few seconds ago, a climbing restart count and a non-zero exit code (70: the crash fault).
import type { ProjectorStart } from "@/api/types";
import { ago } from "./time";

/** "stock-projector started 12 s ago · restarted 3 times · last exit code 70"; what the supervisor did not say is left out. */
export function projectorSummary(start: ProjectorStart, now: number): string {
  const parts = [`${start.service} started ${ago(start.started_at, now)}`];
  if (start.restarts != null) {
    parts.push(start.restarts === 0 ? "never restarted" : start.restarts === 1 ? "restarted once" : `restarted ${start.restarts} times`);
  }
  if (start.last_exit_code != null) parts.push(`last exit code ${start.last_exit_code}`);
  return parts.join(" · ");
}

/** Whether its previous run ended badly: the page shows the line as a warning. */
export const projectorTroubled = (start: ProjectorStart) => start.last_exit_code != null && start.last_exit_code !== 0;
