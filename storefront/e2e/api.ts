// Calls to the API from inside a browser page, with the token of whoever is signed in there,
// as the pages send it: what the browser tests use to set up and check what the UI cannot show.
import type { Page } from "playwright-core";
import { issuedTokens, keptRefreshToken } from "./browser";

export type Answer<T> = { status: number; body: T };

/**
 * A call to /api from `page`, with the token of whoever is signed in there, as the pages send it:
 * the access token Cognito last issued to the page, while the page keeps a refresh token (signed in).
 */
export async function call<T = unknown>(page: Page, method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<Answer<T>> {
  const token = (await keptRefreshToken(page)) ? ((await issuedTokens(page))?.accessToken ?? null) : null;
  return page.evaluate(
    async ({ method, path, body, token }) => {
      const headers: Record<string, string> = { Accept: "application/json" };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) headers["Content-Type"] = "application/json";
      if (method === "POST") headers["Idempotency-Key"] = crypto.randomUUID();
      const response = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // Not JSON: kept as text.
      }
      return { status: response.status, body: parsed };
    },
    { method, path, body, token },
  ) as Promise<Answer<T>>;
}
