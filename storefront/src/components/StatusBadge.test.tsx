import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { OrderStatus } from "@/api/types";
import { StatusBadge } from "./StatusBadge";

// The statuses docs/openapi.json allows an order (OrderView.status), each with the colour it shows in.
const statuses: readonly OrderStatus[] = ["pending", "confirmed", "rejected", "cancelled"];
const colours: Record<OrderStatus, string> = {
  pending: "bg-amber-100",
  confirmed: "bg-green-100",
  rejected: "bg-red-100",
  cancelled: "bg-stone-200",
};

describe("StatusBadge", () => {
  it("labels each of the four statuses with its name, in a colour of its own", () => {
    expect(Object.keys(colours)).toEqual(statuses);
    const badges = statuses.map((status) => renderToStaticMarkup(<StatusBadge status={status} />));
    statuses.forEach((status, i) => {
      expect(badges[i]).toMatch(new RegExp(`>${status}</span>$`));
      expect(badges[i]).toContain(colours[status]);
    });
    expect(new Set(Object.values(colours)).size).toBe(statuses.length);
  });
});
