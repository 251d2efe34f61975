// The /api contract (docs/architecture.md), written by hand; `npm run check:openapi` compares these
// with types generated from docs/openapi.json, the document the server generates.

export type Product = {
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  image_url?: string | null;
  on_hand: number;
  reserved: number;
  available: number;
  position: number;
};

export type OrderStatus = "pending" | "confirmed" | "rejected" | "cancelled";

export type OrderLine = { sku: string; quantity: number; unit_price_cents: number };

export type Order = {
  order_id: string;
  customer_id: string;
  status: OrderStatus;
  lines: OrderLine[];
  total_cents: number;
  reason?: string | null;
  placed_at: string;
  updated_at: string;
  position: number;
};

export type LineRequest = { sku: string; quantity: number };

/** 202 answer of an order command: where its last event landed, for `min_position`. */
export type OrderAccepted = {
  order_id: string;
  status: "pending" | "cancelled";
  correlation_id: string;
  position?: number | null;
};

export type RegisterProduct = {
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  image_url: string | null;
  initial_stock: number;
};

export type ProductAccepted = { sku: string; correlation_id: string; position?: number | null };

export type AggregateType = "Order" | "Stock";

export type EventMetadata = {
  correlation_id?: string;
  causation_id?: string;
  traceparent?: string;
  actor?: string;
  command?: string;
  [key: string]: unknown;
};

export type StoredEvent = {
  event_id: string;
  aggregate_type: AggregateType;
  aggregate_id: string;
  sequence: number;
  global_position: number;
  event_type: string;
  event_version: string;
  payload: unknown;
  metadata: EventMetadata;
  recorded_at: string;
};

export type StreamState = {
  aggregate_type: string;
  aggregate_id: string;
  as_of_sequence?: number | null;
  state: unknown;
};

export type EventPage = { items: StoredEvent[]; next?: string | null };

export type ProjectionName = "catalog" | "orders" | "reservations";

export type ProjectionStatus = {
  name: string;
  position: number;
  head_position: number;
  lag_events: number;
  lag_ms: number;
  updated_at: string;
  last_error?: string | null;
};

export type RebuildStatus = {
  request_id: string;
  /** null: every projection. */
  projection?: ProjectionName | null;
  status: "requested" | "running" | "done" | "failed";
  events_done: number;
  /** Known once the projector has started. */
  events_total?: number | null;
  requested_by: string;
  requested_at: string;
  started_at?: string | null;
  finished_at?: string | null;
  error?: string | null;
};

export type Projections = { items: ProjectionStatus[]; rebuild?: RebuildStatus | null };

export type TraceService = "order" | "product" | "admin" | "event-store" | "sqs" | "stock-projector";

export type TraceHop = {
  name: string;
  service: TraceService;
  at: string;
  offset_ms: number;
  latency_ms: number;
  attributes: Record<string, string>;
};

export type Trace = { correlation_id: string; trace_id: string | null; hops: TraceHop[] };

export type Items<T> = { items: T[] };

/** application/problem+json (RFC 9457), as handlers/src/problem.rs writes it. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
};
