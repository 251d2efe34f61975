// After a game day: the checks that show nothing was lost, in the words the Scenarios page
// lists them. The server decides `recovered`; these say what each part of it is.
import type { Recovery, VerifiedReadModel } from "@/api/types";

export type RecoveryCheck = { label: string; ok: boolean };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "equal to a rebuild (12 rows)", or "3 rows differ" from what a replay of the log builds. */
export function readModelCheck(model: VerifiedReadModel): RecoveryCheck {
  return model.differing === 0
    ? { label: `${model.name}: equal to a rebuild (${plural(model.rows, "row", "rows")})`, ok: true }
    : { label: `${model.name}: ${plural(model.differing, "row differs", "rows differ")} from a rebuild`, ok: false };
}

/** The fault off, every order placed during the run decided, no lag, each read model equal to a rebuild. */
export function recoveryChecks(recovery: Recovery): RecoveryCheck[] {
  return [
    { label: recovery.fault_off ? "The fault switch is off" : "The fault switch is still on", ok: recovery.fault_off },
    {
      label: `Orders placed during the run and not decided yet: ${recovery.undecided_orders}`,
      ok: recovery.undecided_orders === 0,
    },
    { label: `Projection lag: ${plural(recovery.lag_events, "event", "events")}`, ok: recovery.lag_events === 0 },
    ...recovery.read_models.map(readModelCheck),
  ];
}
