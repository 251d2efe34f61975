// The console's on/off control: a fault switch, or the synthetic shoppers.

/**
 * An on/off switch (role switch), named by the element `labelledBy` points at, or by `label`.
 * `tone` colours it on: red for a fault that breaks the shop, brand for a helper.
 */
export function Toggle({
  on,
  onChange,
  labelledBy,
  label,
  disabled = false,
  tone = "brand",
}: {
  on: boolean;
  onChange: (on: boolean) => void;
  labelledBy?: string;
  label?: string;
  disabled?: boolean;
  tone?: "brand" | "danger";
}) {
  const colour = tone === "danger" ? "aria-checked:bg-red-600" : "aria-checked:bg-brand-600";
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      aria-labelledby={labelledBy}
      aria-label={labelledBy ? undefined : label}
      disabled={disabled}
      onClick={() => onChange(!on)}
      className={`group relative inline-flex h-6 w-11 shrink-0 items-center rounded-full bg-stone-300 transition-colors disabled:cursor-not-allowed disabled:opacity-50 ${colour}`}
    >
      <span
        aria-hidden="true"
        className="inline-block size-5 translate-x-0.5 rounded-full bg-white shadow transition-transform group-aria-checked:translate-x-5.5"
      />
    </button>
  );
}
