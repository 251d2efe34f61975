/** Only a path on this site: never send the user elsewhere after signing in or up. */
export const safeNext = (next: string | null | undefined) => (next?.startsWith("/") && !next.startsWith("//") ? next : "/");

/** A page of this site with its query, e.g. `/sign-in/?email=a%40b.c&next=%2Fcart%2F`; empty values are left out. */
export function withQuery(path: string, query: Record<string, string | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
