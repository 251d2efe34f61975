// Calls to the API from inside a browser page, with the token of whoever is signed in there,
// as the pages send it: what the browser tests use to set up and check what the UI cannot show.
import type { Page } from "playwright-core";

export type Answer<T> = { status: number; body: T };

/** A call to /api from `page`, with the token of whoever is signed in there, as the pages send it. */
export function call<T = unknown>(page: Page, method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<Answer<T>> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const session = JSON.parse(localStorage.getItem("shop.session") ?? "null") as { accessToken?: string } | null;
      const headers: Record<string, string> = { Accept: "application/json" };
      if (session?.accessToken) headers.Authorization = `Bearer ${session.accessToken}`;
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
    { method, path, body },
  ) as Promise<Answer<T>>;
}
