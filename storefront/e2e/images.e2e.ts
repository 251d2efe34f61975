import { deflateSync } from "node:zlib";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { call } from "./api";
import { baseUrl, launch, openPage, screenshot, signIn } from "./browser";

// A product image, uploaded from the admin console as an admin would (the file checked in the
// browser, an upload asked for, the file PUT to the bucket's presigned URL, attached), and then
// shown to shoppers. Runs against the same stack as the other files, one after another: it
// replaces the image of one product no other file looks at.
const SKU = "STRAINER";
const NAME = "Fine strainer";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A `width` x `height` PNG made here: two colours in diagonal stripes. */
function png(width: number, height: number, a: [number, number, number], b: [number, number, number]): Buffer {
  const rows = Array.from({ length: height }, (_, y) =>
    Buffer.from([0, ...Array.from({ length: width }, (_, x) => (Math.floor((x + y) / 12) % 2 ? a : b)).flat()]),
  );
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The image's natural width once it has loaded; 0 while it has not (or failed to). */
const naturalWidth = (image: Locator) =>
  image.evaluate((element) => {
    const img = element as HTMLImageElement;
    return img.complete ? img.naturalWidth : 0;
  });

describe("product images", () => {
  let browser: Browser;
  let admin: Page;
  let errors: string[] = [];
  /** Every request the admin's page sent to ask for an upload or to store an image. */
  const uploads: string[] = [];

  beforeAll(async () => {
    browser = await launch();
    ({ page: admin, errors } = await openPage(browser));
    admin.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith("/image-uploads") || (request.method() === "PUT" && url.pathname.includes("/images/products/"))) {
        uploads.push(`${request.method()} ${url.pathname}`);
      }
    });
    await signIn(admin, "admin@example.com", "Admin-pass-1");
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(() => {
    expect(errors, "console errors").toEqual([]);
  });

  const row = () => admin.getByRole("row").filter({ hasText: NAME });

  it("checks the chosen file in the browser first, naming the field at fault, and sends nothing", async () => {
    await admin.goto("/admin/");
    const input = row().getByLabel(`Image file for ${NAME}`);
    const button = row().getByRole("button", { name: `Upload image for ${NAME}` });
    const alert = row().getByRole("alert");

    await input.setInputFiles({ name: "strainer.gif", mimeType: "image/gif", buffer: Buffer.from("GIF89a\x01\x00\x01\x00") });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("content_type: strainer.gif is a image/gif file; choose a PNG, JPEG or WebP image.");
    expect(await button.isDisabled()).toBe(true);

    await input.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: Buffer.alloc(2 * 1024 * 1024 + 1) });
    await alert.filter({ hasText: "size_bytes" }).waitFor();
    expect(await alert.textContent()).toContain("size_bytes: huge.png is 2,097,153 bytes; an image may be at most 2,097,152 bytes (2 MiB).");
    expect(await button.isDisabled()).toBe(true);
    await screenshot(admin, "images-01-file-refused");
    expect(uploads, "requests sent for a refused file").toEqual([]);
  });

  it("uploads a new PNG from the console, which a shopper's page then shows", async () => {
    const before = await call<{ image_url: string | null }>(admin, "GET", `/products/${SKU}`);
    expect(before.status, `GET /api/products/${SKU}`).toBe(200);
    const picture = png(120, 90, [214, 64, 69], [246, 232, 210]);

    await admin.goto("/admin/");
    await row().getByLabel(`Image file for ${NAME}`).setInputFiles({ name: "strainer.png", mimeType: "image/png", buffer: picture });
    expect(await row().getByRole("alert").count(), "a PNG under 2 MiB passes the browser's check").toBe(0);
    const stored = admin.waitForResponse((r) => r.request().method() === "PUT" && new URL(r.url()).pathname.includes(`/images/products/${SKU}/`));
    await row().getByRole("button", { name: `Upload image for ${NAME}` }).click();
    expect((await stored).status(), "the PUT to the presigned URL").toBe(200);
    const attached = row().getByRole("status").filter({ hasText: "New image attached." });
    await attached.or(row().getByRole("alert")).first().waitFor({ timeout: 20_000 });
    expect(await row().getByRole("alert").allTextContents(), "problems of the upload").toEqual([]);
    expect(uploads, "what the page sent: the upload asked for, then the file to the bucket").toEqual([
      `POST /api/admin/products/${SKU}/image-uploads`,
      expect.stringMatching(new RegExp(`^PUT /.*images/products/${SKU}/[0-9a-f-]+\\.png$`)),
    ]);

    // The console shows the new image, read back from the catalog, with what the bucket says of it.
    const thumbnail = row().getByRole("img", { name: NAME });
    const src = await thumbnail.getAttribute("src");
    expect(src).toMatch(new RegExp(`^/images/products/${SKU}/[0-9a-f-]+\\.png$`));
    expect(src, "a new key, not the seeded image's").not.toBe(before.body.image_url);
    await expect.poll(() => naturalWidth(thumbnail), { message: "the thumbnail's natural width" }).toBe(120);
    expect(picture.length, "the stripes compress to under 1 KiB").toBeLessThan(1024);
    expect(await row().getByText(/^PNG, /).textContent()).toBe(`PNG, ${picture.length} bytes`);
    await screenshot(admin, "images-02-admin-uploaded");

    // A shopper, signed out, sees it on the product page and in the catalog.
    const { page: shopper, errors: shopperErrors } = await openPage(browser);
    try {
      await shopper.goto(`/product/?sku=${SKU}`);
      const shown = shopper.getByRole("main").getByRole("img", { name: NAME });
      await shown.waitFor();
      expect(await shown.getAttribute("src")).toBe(src);
      await expect.poll(() => naturalWidth(shown), { message: "the product page's image" }).toBe(120);
      await screenshot(shopper, "images-03-product-page");

      await shopper.goto("/");
      const card = shopper.getByRole("list", { name: "Products" }).getByRole("listitem").filter({ hasText: NAME });
      const inCatalog = card.getByRole("img", { name: NAME });
      await inCatalog.scrollIntoViewIfNeeded();
      expect(await inCatalog.getAttribute("src")).toBe(src);
      await expect.poll(() => naturalWidth(inCatalog), { message: "the catalog card's image" }).toBe(120);
      expect(shopperErrors, "console errors of the shopper's page").toEqual([]);
    } finally {
      await shopper.context().close();
    }

    // The image it replaced left the bucket.
    if (before.body.image_url) {
      expect((await fetch(new URL(before.body.image_url, baseUrl))).status, `GET ${before.body.image_url}`).toBe(404);
    }
  });
});
