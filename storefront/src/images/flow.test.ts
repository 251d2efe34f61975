import { describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/client";
import type { CatalogItem, ImageAttached, ImageUpload } from "@/api/types";
import { uploadProductImage, type UploadStep } from "./flow";

const file = (size = 8, type = "image/png") => new File([new Uint8Array(size)], "tea.png", { type });

const upload: ImageUpload = {
  key: "images/products/TEA-GREEN/0192.png",
  url: "http://127.0.0.1:4566/shop-product-images/images/products/TEA-GREEN/0192.png?X-Amz-Signature=abc",
  method: "PUT",
  headers: { "content-type": "image/png", "content-length": "8" },
  expires_at: "2026-12-03T17:00:00Z",
};

const image = { content_type: "image/png", size_bytes: 8, last_modified: "2026-12-03T16:45:00Z" };

const attached: ImageAttached = {
  sku: "TEA-GREEN",
  image_url: `/${upload.key}`,
  image,
  correlation_id: "c-1",
  position: 77,
};

const product: CatalogItem = {
  sku: "TEA-GREEN",
  name: "Sencha green tea",
  description: "",
  price_cents: 1250,
  image_url: `/${upload.key}`,
  image,
  on_hand: 40,
  reserved: 0,
  available: 40,
  position: 77,
};

const unprocessable = (field: string) =>
  new ApiError({ type: "about:blank", title: "Unprocessable Entity", status: 422, detail: `${field} is wrong`, errors: [{ field, message: "is wrong" }] });

/** An API and a store that succeed, recording the order of what was called. */
function world() {
  const calls: string[] = [];
  const api = {
    requestImageUpload: vi.fn(async (sku: string, request: unknown) => {
      calls.push(`request ${sku} ${JSON.stringify(request)}`);
      return upload;
    }),
    attachImage: vi.fn(async (sku: string, key: string) => {
      calls.push(`attach ${sku} ${key}`);
      return attached;
    }),
    product: vi.fn(async (sku: string, options?: { minPosition?: number }) => {
      calls.push(`read ${sku} at ${options?.minPosition}`);
      return product;
    }),
  };
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push(`${init?.method} ${String(url).split("?")[0]}`);
    return new Response(null, { status: 200 });
  });
  const steps: UploadStep[] = [];
  return { calls, api, fetch, steps, deps: { api, fetch: fetch as unknown as typeof globalThis.fetch, onStep: (s: UploadStep) => steps.push(s) } };
}

describe("uploadProductImage", () => {
  it("asks for an upload, PUTs the file, attaches it, then reads the product at the attachment's position", async () => {
    const w = world();
    const done = await uploadProductImage("TEA-GREEN", file(), w.deps);
    expect(w.calls).toEqual([
      'request TEA-GREEN {"content_type":"image/png","size_bytes":8}',
      "PUT http://127.0.0.1:4566/shop-product-images/images/products/TEA-GREEN/0192.png",
      "attach TEA-GREEN images/products/TEA-GREEN/0192.png",
      "read TEA-GREEN at 77",
    ]);
    expect(w.steps).toEqual(["requesting", "sending", "attaching", "refreshing"]);
    expect(done).toEqual({ attached, product });
  });

  it("sends nothing for a file the browser can tell is wrong", async () => {
    const w = world();
    const error = (await uploadProductImage("TEA-GREEN", file(8, "image/gif"), w.deps).catch((e: unknown) => e)) as ApiError;
    expect(error.problem.errors?.[0]?.field).toBe("content_type");
    expect(w.calls).toEqual([]);
    expect(w.steps).toEqual([]);
  });

  it("stops at the first failing step, its problem titled after the step and naming the server's field", async () => {
    const w = world();
    w.api.requestImageUpload.mockRejectedValueOnce(unprocessable("size_bytes"));
    const refused = (await uploadProductImage("TEA-GREEN", file(), w.deps).catch((e: unknown) => e)) as ApiError;
    expect(refused.problem.title).toBe("Asking for an upload failed: Unprocessable Entity");
    expect(refused.problem.errors).toEqual([{ field: "size_bytes", message: "is wrong" }]);
    expect(w.api.requestImageUpload).toHaveBeenCalledTimes(1);
    expect(w.calls, "nothing after the refused request").toEqual([]);

    w.calls.length = 0;
    w.fetch.mockResolvedValueOnce(new Response("<Error><Code>AccessDenied</Code></Error>", { status: 403 }));
    const stored = (await uploadProductImage("TEA-GREEN", file(), w.deps).catch((e: unknown) => e)) as ApiError;
    expect(stored.problem.title).toBe("Sending the image to the store failed: The image store refused the image");
    expect(w.calls.some((c) => c.startsWith("attach"))).toBe(false);

    w.calls.length = 0;
    w.api.attachImage.mockRejectedValueOnce(unprocessable("key"));
    const detached = (await uploadProductImage("TEA-GREEN", file(), w.deps).catch((e: unknown) => e)) as ApiError;
    expect(detached.problem.title).toBe("Attaching the image failed: Unprocessable Entity");
    expect(detached.problem.errors?.[0]?.field).toBe("key");
    expect(w.calls.some((c) => c.startsWith("read"))).toBe(false);
  });

  it("counts the image attached when only the read after it fails", async () => {
    const w = world();
    w.api.product.mockRejectedValueOnce(new ApiError({ type: "about:blank", title: "Internal Server Error", status: 500, detail: "" }));
    expect(await uploadProductImage("TEA-GREEN", file(), w.deps)).toEqual({ attached, product: null });
  });

  it("reads the product without a position when the attachment appended none", async () => {
    const w = world();
    w.api.attachImage.mockResolvedValueOnce({ ...attached, position: null });
    await uploadProductImage("TEA-GREEN", file(), w.deps);
    expect(w.calls.at(-1)).toBe("read TEA-GREEN at undefined");
  });
});
