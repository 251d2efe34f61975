import type { Product } from "@/api/types";

export function Availability({ product }: { product: Pick<Product, "available"> }) {
  const { available } = product;
  const [text, tone] =
    available === 0
      ? ["Out of stock", "text-red-700"]
      : available <= 5
        ? [`Only ${available} left`, "text-amber-700"]
        : [`${available} available`, "text-green-800"];
  return <p className={`text-sm font-medium ${tone}`}>{text}</p>;
}
