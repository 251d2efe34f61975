// The /api contract (docs/architecture.md) under the names the storefront uses. Every type comes
// from ./schema.d.ts, which `npm run generate:api` generates from docs/openapi.json, the document
// the server generates; `npm run check:api` (part of `npm run lint`) fails when it is stale.
// Where the document names a closed set (an order's status, a read model, an image type, a game
// day's switch) these types are that union: code that maps one to a label or a colour covers each
// value, and a value the server adds or drops fails to compile.
import type { components, paths } from "./schema";

type Schemas = components["schemas"];

/**
 * The JSON body that `method` on `path` answers with at HTTP `status`. When the document has no
 * such answer, a type no code can read from, so every use fails to compile.
 */
export type Answer<
  P extends keyof paths,
  M extends keyof paths[P],
  S extends number,
> = paths[P][M] extends { responses: { [K in S]: { content: { "application/json": infer Body } } } }
  ? Body
  : { "not in docs/openapi.json": `${M & string} ${P} ${S}` };

/** The JSON body that `method` on `path` requires. */
export type RequestBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody: { content: { "application/json": infer Body } };
}
  ? Body
  : never;

export type Product = Schemas["ProductView"];

/** A product as the catalog reads answer it: with what the images bucket says about its image. */
export type CatalogItem = Schemas["CatalogItem"];

/** What S3 says about a product's image: its content type, size and when it was stored. */
export type ImageInfo = Schemas["ObjectInfo"];

/** POST /admin/products/{sku}/image-uploads: the image's content type and exact size. */
export type UploadRequest = Schemas["UploadRequest"];

/** image/png, image/jpeg or image/webp: the types a product image may have. */
export type ImageType = UploadRequest["content_type"];

/** Where the browser PUTs an image: `url` with `method` and exactly `headers`, then attaches `key`. */
export type ImageUpload = Schemas["Upload"];

/** 202 answer of attaching an image: its URL, what S3 says of it, and where its event landed. */
export type ImageAttached = Schemas["ImageAttached"];

/** pending, confirmed, rejected or cancelled. */
export type OrderStatus = Order["status"];

export type OrderLine = Schemas["OrderLineView"];

export type Order = Schemas["OrderView"];

/** GET /orders/{id}'s query: `min_position`, and `wait_for_change_from` to be told of a decision. */
type OrderQuery = NonNullable<paths["/orders/{id}"]["get"]["parameters"]["query"]>;

/** `wait_for_change_from`: the server holds the answer (at most 10 s) while the order's status is still this one. */
export type WaitForChangeFrom = NonNullable<OrderQuery["wait_for_change_from"]>;

export type LineRequest = Schemas["OrderLineRequest"];

/** 202 answer of an order command: where its last event landed, for `min_position`. */
export type OrderAccepted = Schemas["OrderAccepted"];

export type RegisterProduct = Schemas["Register"];

export type ProductAccepted = Schemas["StockAccepted"];

/** The `{type}` of /admin/streams/{type}/{id}: Order or Stock. */
export type AggregateType = paths["/admin/streams/{type}/{id}/events"]["get"]["parameters"]["path"]["type"];

/** Who and what caused an event: correlation_id, causation_id, traceparent, actor, command, and any other string. */
export type EventMetadata = StoredEvent["metadata"];

/**
 * One stored event. `payload` is the event keyed by its type (`{"OrderPlaced": {...}}`), or,
 * for an event without fields, its type's name as a string (`"OrderConfirmed"`).
 */
export type StoredEvent = Schemas["StoredEvent"];

export type StreamState = Schemas["StreamState"];

export type EventPage = Schemas["LogPage"];

/** One read model to rebuild (catalog or orders); null rebuilds every one. */
export type ProjectionName = NonNullable<Schemas["RebuildBody"]["projection"]>;

export type ProjectionStatus = Schemas["Status"];

export type RebuildStatus = Schemas["RebuildRequest"];

export type Projections = Schemas["ProjectionsView"];

/** order, product, admin, event-store, sqs or stock-projector, as the document's description says. */
export type TraceService = TraceHop["service"];

export type TraceHop = Schemas["Hop"];

export type Trace = Schemas["Timeline"];

/** The stock-projector's latest start, as its supervisor reported it; a crash loop climbs `restarts`. */
export type ProjectorStart = Schemas["Start"];

/** application/problem+json (RFC 9457), as handlers/src/problem.rs writes it. */
export type Problem = Schemas["Problem"];

export type FieldError = Schemas["FieldError"];

/**
 * One fault switch: what it breaks, its parameters, and its state. `enabled` is null (and
 * `parameters`, `flipped_by`, `flipped_at` too) while a game day keeps the switch `hidden`.
 */
export type FaultView = Schemas["FaultView"];

/** One parameter of a switch: whole numbers within bounds, or one of `options`. */
export type ParameterSpec = Schemas["ParameterSpec"];

/** PUT /admin/faults/{name}: on or off, with the parameters the switch takes. */
export type Flip = RequestBody<"/admin/faults/{name}", "put">;

/** A game day: what is reported and where to start looking; its switch stays secret. */
export type Scenario = Schemas["Scenario"];

/** One possible answer to "which part broke, and why?". */
export type Choice = Schemas["Choice"];

/** The fault switch an answer names: which part broke, and why. */
export type ScenarioSwitch = Schemas["Answer"]["switch"];

/** A run of a scenario; once answered (or finished) it reveals its switch, why, and the signals. */
export type RunView = Schemas["RunView"];

/** A signal that gave the fault away, and the console page that shows it. */
export type Signal = Schemas["Signal"];

/** A signal of an answered run; one that is an alarm says whether it fired during the run. */
export type SignalView = Schemas["SignalView"];

export type ScenarioList = Schemas["ScenariosView"];

/** Whether the shop recovered from a run with nothing lost. */
export type Recovery = Schemas["Recovery"];

/** One read model against a replay of the log up to its checkpoint. */
export type VerifiedReadModel = Schemas["Verified"];
