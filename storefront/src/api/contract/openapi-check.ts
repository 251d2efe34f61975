// Compiled only by `npm run check:openapi`, after it has generated ../openapi.gen.ts from
// docs/openapi.json: fails when the server's documented shapes and the client's types disagree.
// Answers must fit what the client reads; bodies the client sends must fit what the server takes.
// Paths are the document's, under its server URL /api.
import type { paths } from "../openapi.gen";
import type * as T from "../types";

type Fits<Actual, Expected> = [Actual] extends [Expected] ? true : false;

/**
 * The document types statuses and names as plain strings (their descriptions list the values);
 * the client's types list the values as unions. Compare with the unions widened back to string.
 */
type Widen<T> = T extends string
  ? string
  : T extends (infer E)[]
    ? Widen<E>[]
    : T extends object
      ? { [K in keyof T]: Widen<T[K]> }
      : T;
type Expect<T extends true> = T;

type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { "application/json": infer Body } } };
}
  ? Body
  : { missing: `${P & string} ${M & string} ${S}` };

type RequestBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : { missing: `${P & string} ${M & string} body` };

type Problem = paths["/orders"]["post"]["responses"][422]["content"]["application/problem+json"];

export type Checks = [
  Expect<Fits<Answer<"/products", "get", 200>, Widen<T.Items<T.Product>>>>,
  Expect<Fits<Answer<"/products/{sku}", "get", 200>, Widen<T.Product>>>,
  Expect<Fits<Answer<"/orders", "get", 200>, Widen<T.Items<T.Order>>>>,
  Expect<Fits<Answer<"/orders/{id}", "get", 200>, Widen<T.Order>>>,
  Expect<Fits<Answer<"/orders", "post", 202>, Widen<T.OrderAccepted>>>,
  Expect<Fits<{ lines: T.LineRequest[] }, RequestBody<"/orders", "post">>>,
  Expect<Fits<Answer<"/orders/{id}/cancel", "post", 202>, Widen<T.OrderAccepted>>>,
  Expect<Fits<T.RegisterProduct, RequestBody<"/admin/products", "post">>>,
  Expect<Fits<Answer<"/admin/products", "post", 201>, Widen<T.ProductAccepted>>>,
  Expect<Fits<Answer<"/admin/products/{sku}/restock", "post", 202>, Widen<T.ProductAccepted>>>,
  Expect<Fits<Answer<"/admin/streams/{type}/{id}/events", "get", 200>, Widen<T.Items<T.StoredEvent>>>>,
  Expect<Fits<Answer<"/admin/streams/{type}/{id}/state", "get", 200>, Widen<T.StreamState>>>,
  Expect<Fits<Answer<"/admin/events", "get", 200>, Widen<T.EventPage>>>,
  Expect<Fits<Answer<"/admin/projections", "get", 200>, Widen<T.Projections>>>,
  Expect<Fits<{ projection: T.ProjectionName | null }, RequestBody<"/admin/projections/rebuild", "post">>>,
  Expect<Fits<Answer<"/admin/projections/rebuild", "post", 202>, Widen<T.RebuildStatus>>>,
  Expect<Fits<Answer<"/admin/traces/{correlation_id}", "get", 200>, Widen<T.Trace>>>,
  Expect<Fits<Problem, T.Problem>>,
];
