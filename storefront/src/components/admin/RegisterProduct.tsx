"use client";

import type { FormEvent } from "react";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { Field } from "@/components/Field";
import { ProblemAlert } from "@/components/ProblemAlert";
import { remember } from "@/lib/seen";
import { useCommand } from "@/lib/useCommand";

export function RegisterProduct() {
  const api = useApi();
  const register = useCommand(api.registerProduct);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const accepted = await register.execute({
      sku: text("sku"),
      name: text("name"),
      description: text("description"),
      price_cents: Math.round(Number(text("price")) * 100),
      image_url: text("image_url") || null,
      initial_stock: Number(text("initial_stock") || 0),
    });
    if (accepted) {
      remember(accepted.position);
      formElement.reset();
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="register-title" className="flex flex-col gap-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
      <h2 id="register-title" className="text-lg font-semibold">
        Register a product
      </h2>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="SKU" name="sku" required pattern="[A-Za-z0-9_\-]{2,64}" hint="2 to 64 letters, digits, - or _" />
        <Field label="Name" name="name" required maxLength={200} />
        <Field label="Description" name="description" className="sm:col-span-2" />
        <Field label="Price (USD)" name="price" type="number" min="0.01" step="0.01" required />
        <Field label="Initial stock" name="initial_stock" type="number" min="0" step="1" defaultValue="0" />
        <Field label="Image URL" name="image_url" type="url" className="sm:col-span-2" hint="Optional; a picture is drawn from the name without one." />
      </div>
      {register.error && <ProblemAlert error={register.error} />}
      {register.result && (
        <p role="status" className="text-sm text-green-800">
          Registered {register.result.sku}.
        </p>
      )}
      <Button type="submit" disabled={register.busy} className="self-start">
        {register.busy ? "Registering…" : "Register"}
      </Button>
    </form>
  );
}
