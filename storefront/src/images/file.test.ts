import { describe, expect, it } from "vitest";
import { limits } from "@/api/limits";
import { checkImageFile, describeImage, formatBytes, IMAGE_ACCEPT } from "./file";

const MiB = 1024 * 1024;

describe("checkImageFile", () => {
  it("asks for an upload of the file's own type and exact size", () => {
    for (const type of ["image/png", "image/jpeg", "image/webp"]) {
      expect(checkImageFile({ name: "tea", type, size: 14_000 })).toEqual({ ok: true, request: { content_type: type, size_bytes: 14_000 } });
    }
    expect(checkImageFile({ name: "max.png", type: "image/png", size: 2 * MiB }).ok).toBe(true);
  });

  it("takes its bounds from the document: 1 byte to 2 MiB", () => {
    expect(limits.imageBytes).toEqual({ min: 1, max: 2 * MiB });
  });

  it("refuses another type, naming content_type as the server would", () => {
    const check = checkImageFile({ name: "tea.gif", type: "image/gif", size: 500 });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem.title).toBe("This file cannot be uploaded");
    expect(check.problem.errors).toEqual([
      { field: "content_type", message: "tea.gif is a image/gif file; choose a PNG, JPEG or WebP image." },
    ]);
    const unknown = checkImageFile({ name: "tea", type: "", size: 500 });
    expect(!unknown.ok && unknown.problem.errors?.[0]?.message).toBe("tea is of a type the browser does not know; choose a PNG, JPEG or WebP image.");
  });

  it("refuses a file over 2 MiB, or an empty one, naming size_bytes and the limit", () => {
    const big = checkImageFile({ name: "huge.png", type: "image/png", size: 2 * MiB + 1 });
    expect(!big.ok && big.problem.errors).toEqual([
      {
        field: "size_bytes",
        message: "huge.png is 2,097,153 bytes; an image may be at most 2,097,152 bytes (2 MiB). Make it smaller and choose it again.",
      },
    ]);
    const bigger = checkImageFile({ name: "huge.jpg", type: "image/jpeg", size: 3.4 * MiB });
    expect(!bigger.ok && bigger.problem.errors?.[0]?.message).toMatch(/^huge\.jpg is 3\.4 MiB; an image may be at most 2 MiB\./);
    const empty = checkImageFile({ name: "empty.png", type: "image/png", size: 0 });
    expect(!empty.ok && empty.problem.errors).toEqual([{ field: "size_bytes", message: "empty.png is empty." }]);
  });

  it("names every field at fault at once", () => {
    const check = checkImageFile({ name: "movie.mp4", type: "video/mp4", size: 50 * MiB });
    expect(!check.ok && check.problem.errors?.map((e) => e.field)).toEqual(["content_type", "size_bytes"]);
  });

  it("follows bounds it is given", () => {
    expect(checkImageFile({ name: "a.png", type: "image/png", size: 11 }, { min: 1, max: 10 }).ok).toBe(false);
    const small = checkImageFile({ name: "a.png", type: "image/png", size: 5 }, { min: 10, max: 100 });
    expect(!small.ok && small.problem.errors?.[0]?.message).toBe("a.png is 5 bytes; an image is at least 10 bytes.");
  });
});

describe("image wording", () => {
  it("formats sizes in bytes, KiB and MiB", () => {
    expect([1, 512, 1024, 14_848, 2 * MiB, 2.25 * MiB].map(formatBytes)).toEqual(["1 byte", "512 bytes", "1 KiB", "14.5 KiB", "2 MiB", "2.3 MiB"]);
  });

  it("describes an image by type and size", () => {
    expect(describeImage({ content_type: "image/png", size_bytes: 14_848 })).toBe("PNG, 14.5 KiB");
    expect(describeImage({ content_type: "image/webp", size_bytes: 900 })).toBe("WebP, 900 bytes");
    expect(describeImage({ content_type: "image/x-other", size_bytes: 900 })).toBe("image/x-other, 900 bytes");
  });

  it("lets the file input offer only the types the shop takes", () => {
    expect(IMAGE_ACCEPT).toBe("image/png,image/jpeg,image/webp");
  });
});
