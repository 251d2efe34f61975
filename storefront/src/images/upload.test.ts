import { describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/client";
import type { ImageUpload } from "@/api/types";
import { sendToStorage, storageProblem, uploadRequest } from "./upload";

const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4])], { type: "image/png" });

const upload = (headers: Record<string, string>): ImageUpload => ({
  key: "images/products/TEA-GREEN/0192.png",
  url: "http://127.0.0.1:4566/shop-product-images/images/products/TEA-GREEN/0192.png?X-Amz-Signature=abc",
  method: "PUT",
  headers,
  expires_at: "2026-12-03T17:00:00Z",
});

const s3Forbidden = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><RequestId>1</RequestId></Error>`;

describe("uploadRequest", () => {
  it("PUTs the file to the presigned URL with its signed headers, leaving Content-Length to the browser", () => {
    const { url, init } = uploadRequest(upload({ "content-type": "image/png", "content-length": "8", "x-amz-acl": "private" }), png);
    expect(url).toBe(upload({}).url);
    expect(init).toEqual({
      method: "PUT",
      headers: { "content-type": "image/png", "x-amz-acl": "private" },
      body: png,
      credentials: "omit",
    });
  });

  it("sends no header the browser sets itself, whatever its case", () => {
    const { init } = uploadRequest(upload({ "Content-Type": "image/png", Host: "bucket", "Content-Length": "8", Connection: "close" }), png);
    expect(init.headers).toEqual({ "Content-Type": "image/png" });
  });

  it("refuses to send a file of another size than the upload was signed for, naming size_bytes", () => {
    let error: unknown;
    try {
      uploadRequest(upload({ "content-type": "image/png", "content-length": "9" }), png);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem.errors).toEqual([
      { field: "size_bytes", message: "the upload is for 9 bytes but the file is 8 bytes; choose it again." },
    ]);
  });
});

describe("storageProblem", () => {
  it("says what S3 said, and that the upload's address was refused", () => {
    const problem = storageProblem(403, s3Forbidden);
    expect(problem.status).toBe(403);
    expect(problem.detail).toBe(
      "It answered HTTP 403 (SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.). Nothing was attached.",
    );
    expect(problem.errors?.[0]?.field).toBe("file");
    expect(problem.errors?.[0]?.message).toMatch(/^the upload's address was refused/);
  });

  it("makes do with a body that is not S3's XML", () => {
    const problem = storageProblem(500, "oops");
    expect(problem.detail).toBe("It answered HTTP 500. Nothing was attached.");
    expect(problem.errors?.[0]?.message).toBe("it was not stored. Upload the image again.");
  });
});

describe("sendToStorage", () => {
  it("resolves when the store took the file", async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 200 }));
    await sendToStorage(upload({ "content-type": "image/png" }), png, fetch as unknown as typeof globalThis.fetch);
    expect(fetch).toHaveBeenCalledWith(upload({}).url, expect.objectContaining({ method: "PUT", body: png }));
  });

  it("throws the store's refusal as a problem", async () => {
    const fetch = vi.fn(async () => new Response(s3Forbidden, { status: 403, headers: { "content-type": "application/xml" } }));
    const error = await sendToStorage(upload({}), png, fetch as unknown as typeof globalThis.fetch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem.title).toBe("The image store refused the image");
    expect((error as ApiError).status).toBe(403);
  });

  it("says where it could not reach, and why that may be", async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const error = (await sendToStorage(upload({}), png, fetch as unknown as typeof globalThis.fetch).catch((e: unknown) => e)) as ApiError;
    expect(error.problem.title).toBe("The image store could not be reached");
    expect(error.problem.detail).toContain("http://127.0.0.1:4566");
    expect(error.problem.detail).toContain("CORS");
  });
});
