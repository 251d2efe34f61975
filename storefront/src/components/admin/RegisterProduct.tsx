"use client";

import type { ChangeEvent, FormEvent } from "react";
import { limits } from "@/api/limits";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { Field } from "@/components/Field";
import { ProblemAlert } from "@/components/ProblemAlert";
import { remember } from "@/lib/seen";
import { useCommand } from "@/lib/useCommand";

const { sku, productName, priceCents, initialStock } = limits;
const skuRule = `${sku.minLength} to ${sku.maxLength} letters, digits, - or _`;

/**
 * Holds a SKU to the document's pattern. Not the `pattern` attribute: browsers compile that with
 * the v flag, where a class such as `[A-Za-z0-9_-]` is invalid and the attribute silently ignored.
 */
function checkSku(event: ChangeEvent<HTMLInputElement>) {
  const { value } = event.currentTarget;
  event.currentTarget.setCustomValidity(value === "" || sku.pattern.test(value) ? "" : `Use ${skuRule}.`);
}

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
        <Field
          label="SKU"
          name="sku"
          required
          minLength={sku.minLength}
          maxLength={sku.maxLength}
          onChange={checkSku}
          hint={skuRule}
        />
        <Field label="Name" name="name" required minLength={productName.minLength} maxLength={productName.maxLength} />
        <Field label="Description" name="description" className="sm:col-span-2" />
        <Field
          label="Price (USD)"
          name="price"
          type="number"
          min={priceCents.min / 100}
          max={priceCents.max / 100}
          step="0.01"
          required
        />
        <Field
          label="Initial stock"
          name="initial_stock"
          type="number"
          min={initialStock.min}
          max={initialStock.max}
          step="1"
          defaultValue={initialStock.min}
        />
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
