// The synthetic shoppers' switch and what they did: a game day's alarms need traffic to judge,
// and this browser makes some.

import { useId } from "react";
import { ORDER_EVERY_MS, READ_EVERY_MS } from "@/observe/shoppers";
import { Toggle } from "./Toggle";
import type { Shoppers } from "./useSyntheticShoppers";

export function SyntheticShoppers({ on, onChange, shoppers }: { on: boolean; onChange: (on: boolean) => void; shoppers: Shoppers }) {
  const titleId = useId();
  const counts = [
    ["Orders placed", shoppers.ordersPlaced, false],
    ["Orders failed", shoppers.ordersFailed, shoppers.ordersFailed > 0],
    ["Catalog reads ok", shoppers.readsOk, false],
    ["Catalog reads failed", shoppers.readsFailed, shoppers.readsFailed > 0],
  ] as const;
  return (
    <section aria-labelledby={titleId} className="flex flex-col gap-3 rounded-lg border border-stone-200 bg-white p-4">
      <div className="flex items-center justify-between gap-4">
        <h3 id={titleId} className="font-semibold">
          Synthetic shoppers
        </h3>
        <Toggle on={on} onChange={onChange} labelledBy={titleId} />
      </div>
      <p className="text-xs text-stone-600">
        While on, this browser places an order every {ORDER_EVERY_MS / 1000} s (one unit of a random product in stock) and reads the
        catalog every {READ_EVERY_MS / 1000} s, as you: the alarms need traffic to judge. They stop when you leave this page.
      </p>
      <dl aria-label="What the synthetic shoppers did" className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
        {counts.map(([label, value, bad]) => (
          <div key={label} className="rounded-md bg-stone-50 p-2 text-center">
            <dt className="text-stone-500">{label}</dt>
            <dd className={`text-lg font-semibold ${bad ? "text-red-800" : ""}`}>{value}</dd>
          </div>
        ))}
      </dl>
      {shoppers.lastFailure && <p className="text-xs text-red-800">Last failure: {shoppers.lastFailure}</p>}
    </section>
  );
}
