import type { AlarmState } from "@/api/observe";

/** Keyed by the states the console knows; another one gets a neutral badge. */
const styles = new Map<AlarmState, string>([
  ["ok", "bg-green-100 text-green-900"],
  ["pending", "bg-amber-100 text-amber-900"],
  ["firing", "bg-red-100 text-red-900"],
]);

export function AlarmBadge({ state }: { state: AlarmState }) {
  return (
    <span className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold uppercase ${styles.get(state) ?? "bg-stone-100 text-stone-800"}`}>
      {state}
    </span>
  );
}
