// The browser's part of an image upload: the PUT of the file to the presigned URL the server
// handed out (S3, or moto's S3 locally), with exactly the headers the URL was signed with.
import { ApiError } from "@/api/client";
import type { ImageUpload, Problem } from "@/api/types";
import { formatBytes } from "./file";

/**
 * Headers a page may not set (Fetch's forbidden request-header names): the browser sends them
 * itself, Content-Length from the body.
 */
const SET_BY_BROWSER = new Set([
  "accept-charset",
  "accept-encoding",
  "connection",
  "content-length",
  "cookie",
  "date",
  "dnt",
  "expect",
  "host",
  "keep-alive",
  "origin",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "via",
]);

const setByBrowser = (name: string) => SET_BY_BROWSER.has(name) || name.startsWith("proxy-") || name.startsWith("sec-");

/**
 * The request that sends `body` where `upload` points: its method and URL, its headers but for
 * those the browser sets itself, no cookies. Throws a problem naming size_bytes when the upload
 * was signed for another size than the body's (the store would refuse it).
 */
export function uploadRequest(upload: ImageUpload, body: Blob): { url: string; init: RequestInit } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upload.headers)) {
    const lower = name.toLowerCase();
    if (lower === "content-length" && Number(value) !== body.size) {
      throw new ApiError({
        type: "about:blank",
        title: "The file changed",
        status: 0,
        detail: "Nothing was sent.",
        errors: [
          {
            field: "size_bytes",
            message: `the upload is for ${formatBytes(Number(value))} but the file is ${formatBytes(body.size)}; choose it again.`,
          },
        ],
      });
    }
    if (!setByBrowser(lower)) headers[name] = value;
  }
  return { url: upload.url, init: { method: upload.method, headers, body, credentials: "omit" } };
}

/** What S3 says in an error's XML body: <Code> and <Message>. */
function s3Error(body: string): { code?: string; message?: string } {
  const text = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body)?.[1]?.trim() || undefined;
  return { code: text("Code"), message: text("Message") };
}

/** The problem of a PUT the store answered with `status` and `body` (S3's XML error). */
export function storageProblem(status: number, body: string): Problem {
  const { code, message } = s3Error(body);
  const said = [code, message].filter(Boolean).join(": ");
  const refused = status === 403 || code === "AccessDenied" || code === "SignatureDoesNotMatch";
  return {
    type: "about:blank",
    title: "The image store refused the image",
    status,
    detail: `It answered HTTP ${status}${said ? ` (${said})` : ""}. Nothing was attached.`,
    errors: [
      {
        field: "file",
        message: refused
          ? "the upload's address was refused: it works for 15 minutes, for this file's type and size only. Upload the image again."
          : "it was not stored. Upload the image again.",
      },
    ],
  };
}

/** The problem of a PUT that got no answer: the network, or a bucket that does not allow this origin. */
export function unreachableStorage(url: string): Problem {
  let where = url;
  try {
    where = new URL(url).origin;
  } catch {
    // Not a URL: named as it is.
  }
  return {
    type: "about:blank",
    title: "The image store could not be reached",
    status: 0,
    detail: `Sending the image to ${where} failed: the network, or the bucket does not accept uploads from this page (CORS). Nothing was attached.`,
  };
}

/** PUTs `body` where `upload` points; throws an ApiError with the store's problem. */
export async function sendToStorage(upload: ImageUpload, body: Blob, doFetch: typeof fetch = globalThis.fetch): Promise<void> {
  const { url, init } = uploadRequest(upload, body);
  let response: Response;
  try {
    response = await doFetch(url, init);
  } catch {
    throw new ApiError(unreachableStorage(url));
  }
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    throw new ApiError(storageProblem(response.status, text));
  }
}
