"use client";

import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import type { AggregateType } from "@/api/types";
import { streamHref } from "@/components/orders/links";
import { Button } from "@/components/Button";
import { Field } from "@/components/Field";

export function StreamPicker({ type, id }: { type: AggregateType; id: string }) {
  const router = useRouter();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    router.push(streamHref(form.get("type") === "Stock" ? "Stock" : "Order", String(form.get("id")).trim()));
  }
  return (
    <form onSubmit={submit} aria-label="Pick a stream" className="flex flex-wrap items-end gap-3">
      <div className="flex flex-col gap-1">
        <label htmlFor="stream-type" className="text-sm font-medium">
          Aggregate
        </label>
        <select id="stream-type" name="type" defaultValue={type} className="rounded-md border border-stone-300 px-3 py-2">
          <option value="Order">Order</option>
          <option value="Stock">Stock</option>
        </select>
      </div>
      <Field key={id} label="Id (order id or SKU)" name="id" defaultValue={id} required className="min-w-72 flex-1" />
      <Button type="submit">Open</Button>
    </form>
  );
}
