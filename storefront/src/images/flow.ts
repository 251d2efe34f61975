// An admin's upload of a product image, step by step: check the file, ask the API for an upload,
// PUT the file to the store, attach it to the product, then read the product again at the
// attachment's position. Each step's failure is a problem whose title names the step.
import { ApiError, type Api } from "@/api/client";
import type { CatalogItem, ImageAttached } from "@/api/types";
import { checkImageFile } from "./file";
import { sendToStorage } from "./upload";

export type UploadStep = "requesting" | "sending" | "attaching" | "refreshing";

/** Each step as the console says it runs, in order. */
export const STEPS: Record<UploadStep, string> = {
  requesting: "Asking for an upload",
  sending: "Sending the image to the store",
  attaching: "Attaching the image",
  refreshing: "Reading the product again",
};

export type Uploaded = {
  attached: ImageAttached;
  /** The product as the catalog shows it now; null when that read failed (the image is attached). */
  product: CatalogItem | null;
};

type Deps = {
  api: Pick<Api, "requestImageUpload" | "attachImage" | "product">;
  /** What PUTs to the store: the browser's fetch by default. */
  fetch?: typeof fetch;
  /** Called as each step starts. */
  onStep?: (step: UploadStep) => void;
};

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ApiError({ type: "about:blank", title: "Unexpected error", status: 0, detail });
}

/** The problem of a failed step, its title naming the step; the fields at fault are kept. */
export function atStep(step: UploadStep, error: unknown): ApiError {
  const { problem } = asApiError(error);
  return new ApiError({ ...problem, title: `${STEPS[step]} failed: ${problem.title}` });
}

/** Uploads `file` as the image of product `sku`; throws the first failing step's problem. */
export async function uploadProductImage(sku: string, file: File, { api, fetch, onStep }: Deps): Promise<Uploaded> {
  const checked = checkImageFile(file);
  if (!checked.ok) throw new ApiError(checked.problem);
  async function step<T>(name: UploadStep, run: () => Promise<T>): Promise<T> {
    onStep?.(name);
    try {
      return await run();
    } catch (error) {
      throw atStep(name, error);
    }
  }
  const upload = await step("requesting", () => api.requestImageUpload(sku, checked.request));
  await step("sending", () => sendToStorage(upload, file, fetch));
  const attached = await step("attaching", () => api.attachImage(sku, upload.key));
  onStep?.("refreshing");
  let product: CatalogItem | null = null;
  try {
    product = await api.product(sku, { minPosition: attached.position ?? undefined });
  } catch {
    // Attached all the same; the console shows the image from the attachment's answer.
  }
  return { attached, product };
}
