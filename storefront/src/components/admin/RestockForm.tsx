"use client";

import { useState, type FormEvent } from "react";
import { limits } from "@/api/limits";
import type { Product } from "@/api/types";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { ProblemAlert } from "@/components/ProblemAlert";
import { remember } from "@/lib/seen";
import { useCommand } from "@/lib/useCommand";

export function RestockForm({ product }: { product: Pick<Product, "sku" | "name"> }) {
  const api = useApi();
  const restock = useCommand(api.restock);
  const [quantity, setQuantity] = useState("");

  async function submit(event: FormEvent) {
    event.preventDefault();
    const accepted = await restock.execute(product.sku, Number(quantity));
    if (accepted) {
      setQuantity("");
      remember(accepted.position);
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        <label className="sr-only" htmlFor={`restock-${product.sku}`}>
          Units of {product.name} to add
        </label>
        <input
          id={`restock-${product.sku}`}
          type="number"
          min={limits.restockQuantity.min}
          max={limits.restockQuantity.max}
          required
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
          placeholder="Units"
          className="w-24 rounded-md border border-stone-300 px-2 py-1"
        />
        <Button type="submit" variant="secondary" disabled={restock.busy} aria-label={`Restock ${product.name}`}>
          Restock
        </Button>
      </div>
      {restock.error && <ProblemAlert error={restock.error} />}
    </form>
  );
}
