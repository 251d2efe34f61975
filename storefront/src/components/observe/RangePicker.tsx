import { windowLabel } from "@/observe/windows";

/** A row of windows to choose from (5m, 1h, ...); the chosen one is pressed. */
export function RangePicker({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly number[];
  value: number;
  onChange: (minutes: number) => void;
}) {
  return (
    <div role="group" aria-label={label} className="inline-flex overflow-hidden rounded-md border border-stone-300 bg-white">
      {options.map((minutes) => (
        <button
          key={minutes}
          type="button"
          aria-pressed={minutes === value}
          onClick={() => onChange(minutes)}
          className="border-l border-stone-300 px-3 py-1.5 text-sm first:border-l-0 hover:bg-stone-50 aria-pressed:bg-stone-800 aria-pressed:text-white"
        >
          {windowLabel(minutes)}
        </button>
      ))}
    </div>
  );
}
