"use client";

import { useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { ApiError } from "@/api/client";
import type { CatalogItem } from "@/api/types";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { ProblemAlert } from "@/components/ProblemAlert";
import { ProductImage } from "@/components/ProductImage";
import { checkImageFile, describeImage, IMAGE_ACCEPT } from "@/images/file";
import { STEPS, uploadProductImage, type UploadStep } from "@/images/flow";
import { formatTime } from "@/lib/format";

type Shown = Pick<CatalogItem, "image_url" | "image" | "position">;

/**
 * A product's image in the console: the picture with what the bucket says of it, and an upload of
 * a new one (checked here first, then asked for, PUT to the store, attached, and read back).
 * `onChanged` runs once a new image is attached, for the page to read the catalog again.
 */
export function ProductImageControl({ product, onChanged }: { product: CatalogItem; onChanged?: () => void }) {
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [step, setStep] = useState<UploadStep | null>(null);
  const [uploaded, setUploaded] = useState<Shown | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const id = `image-${product.sku}`;

  // The image just attached, until the catalog this row comes from has caught up with it.
  const shown: Shown = uploaded && uploaded.position > product.position ? uploaded : product;

  function choose(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.currentTarget.files?.[0] ?? null;
    setFile(null);
    setError(null);
    setNotice(null);
    if (!chosen) return;
    const checked = checkImageFile(chosen);
    if (checked.ok) setFile(chosen);
    else setError(new ApiError(checked.problem));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setNotice(null);
    try {
      const { attached, product: fresh } = await uploadProductImage(product.sku, file, { api, onStep: setStep });
      setUploaded(
        fresh && fresh.image_url === attached.image_url
          ? fresh
          : { image_url: attached.image_url, image: attached.image, position: attached.position ?? product.position + 1 },
      );
      setFile(null);
      setNotice("New image attached.");
      if (input.current) input.current.value = "";
      onChanged?.();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError({ type: "about:blank", title: "Unexpected error", status: 0, detail: String(e) }));
    } finally {
      setStep(null);
    }
  }

  return (
    <div className="flex w-80 flex-col gap-2">
      <div className="flex items-start gap-3">
        <div className="w-24 shrink-0">
          <ProductImage product={{ sku: product.sku, name: product.name, image_url: shown.image_url }} />
        </div>
        <dl aria-label={`Image of ${product.name}`} className="text-xs text-stone-600">
          {shown.image ? (
            <>
              <dt className="sr-only">Type and size</dt>
              <dd>{describeImage(shown.image)}</dd>
              <dt className="sr-only">Last modified</dt>
              <dd>modified {formatTime(shown.image.last_modified)}</dd>
            </>
          ) : (
            <>
              <dt className="sr-only">Image</dt>
              <dd>{shown.image_url ? "Not found in the images bucket" : "No image yet: shoppers see a tile drawn from the name"}</dd>
            </>
          )}
        </dl>
      </div>
      <form onSubmit={submit} className="flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor={id}>
          Image file for {product.name}
        </label>
        <input
          ref={input}
          id={id}
          type="file"
          accept={IMAGE_ACCEPT}
          onChange={choose}
          disabled={step !== null}
          className="w-52 text-xs text-stone-600 file:mr-2 file:rounded-md file:border file:border-stone-300 file:bg-white file:px-2 file:py-1 file:text-stone-800 hover:file:bg-stone-50"
        />
        <Button type="submit" variant="secondary" disabled={!file || step !== null} aria-label={`Upload image for ${product.name}`} className="px-3 py-1">
          {step ? "Uploading…" : "Upload image"}
        </Button>
      </form>
      {step && (
        <p role="status" className="text-xs text-stone-600">
          {STEPS[step]}…
        </p>
      )}
      {notice && (
        <p role="status" className="text-xs text-green-800">
          {notice}
        </p>
      )}
      {error && <ProblemAlert error={error} />}
    </div>
  );
}
