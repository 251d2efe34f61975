// The image an admin picks for a product, checked in the browser before anything is sent: its
// type and size, as the server will check them again (platform/src/images.rs).
import { limits, type Range } from "@/api/limits";
import type { FieldError, ImageInfo, ImageType, Problem, UploadRequest } from "@/api/types";

/**
 * Each content type a product image may have (platform/src/images.rs CONTENT_TYPES), by the name
 * people know it by. Keyed by the document's UploadRequest.content_type, so a type the server
 * adds or drops fails to compile here.
 */
const TYPE_NAMES: Record<ImageType, string> = { "image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP" };

/** Whether a file's (or S3's) content type is one a product image may have. */
export const isImageType = (contentType: string): contentType is ImageType => Object.hasOwn(TYPE_NAMES, contentType);

/** The content types a product image may have. */
export const IMAGE_TYPES: readonly ImageType[] = Object.keys(TYPE_NAMES).filter(isImageType);

/** The file input's `accept`. */
export const IMAGE_ACCEPT = IMAGE_TYPES.join(",");

/** What a file input hands over about a file (a File is one). */
export type ChosenFile = { readonly name: string; readonly type: string; readonly size: number };

export type FileCheck = { ok: true; request: UploadRequest } | { ok: false; problem: Problem };

/** "PNG", "JPEG", "WebP", or the content type itself for any other. */
export const typeName = (contentType: string) => (isImageType(contentType) ? TYPE_NAMES[contentType] : contentType);

/** Bytes as people read them: 512 bytes, 14.5 KiB, 2 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, "KiB"] : [bytes / (1024 * 1024), "MiB"];
  return `${Number(value.toFixed(1))} ${unit}`;
}

const exactBytes = (bytes: number) => `${bytes.toLocaleString("en-US")} bytes`;

/** An image as the console lists it: "PNG, 14.5 KiB". */
export const describeImage = (image: Pick<ImageInfo, "content_type" | "size_bytes">) =>
  `${typeName(image.content_type)}, ${formatBytes(image.size_bytes)}`;

/**
 * Whether `file` may be uploaded as a product image: a PNG, JPEG or WebP of `bytes` (the
 * document's UploadRequest.size_bytes). Either the upload to ask for, or a problem naming the
 * fields at fault as the server would (content_type, size_bytes).
 */
export function checkImageFile(file: ChosenFile, bytes: Range = limits.imageBytes): FileCheck {
  const errors: FieldError[] = [];
  const contentType = isImageType(file.type) ? file.type : null;
  if (contentType === null) {
    const what = file.type ? `a ${file.type} file` : "of a type the browser does not know";
    errors.push({ field: "content_type", message: `${file.name} is ${what}; choose a PNG, JPEG or WebP image.` });
  }
  if (file.size < bytes.min) {
    const message = file.size === 0 ? `${file.name} is empty.` : `${file.name} is ${formatBytes(file.size)}; an image is at least ${formatBytes(bytes.min)}.`;
    errors.push({ field: "size_bytes", message });
  } else if (file.size > bytes.max) {
    // Just over the limit reads the same rounded: then in bytes.
    const [size, max] =
      formatBytes(file.size) === formatBytes(bytes.max)
        ? [exactBytes(file.size), `${exactBytes(bytes.max)} (${formatBytes(bytes.max)})`]
        : [formatBytes(file.size), formatBytes(bytes.max)];
    errors.push({ field: "size_bytes", message: `${file.name} is ${size}; an image may be at most ${max}. Make it smaller and choose it again.` });
  }
  if (contentType === null || errors.length > 0) {
    return {
      ok: false,
      problem: { type: "about:blank", title: "This file cannot be uploaded", status: 0, detail: "Nothing was sent.", errors },
    };
  }
  return { ok: true, request: { content_type: contentType, size_bytes: file.size } };
}
