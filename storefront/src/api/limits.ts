// The bounds the API enforces on what it is sent. They are published once, in
// aggregates/src/limits.rs; the handlers' schemas carry them into the OpenAPI document
// (docs/openapi.json, see docs/architecture.md) and the storefront reads them from there, so its
// inputs cannot drift from the server. A keyword missing from the document throws here, at load:
// the unit tests and the export fail instead of a form quietly taking its own numbers.
import openapi from "../../../docs/openapi.json";

export type Range = { readonly min: number; readonly max: number };
export type Length = { readonly minLength: number; readonly maxLength: number };

export type Limits = {
  /** Lines in one order: PlaceOrder.lines. */
  readonly orderLines: Range;
  /** Units of one SKU in one order line: OrderLineRequest.quantity. */
  readonly lineQuantity: Range;
  /** Units received in one restock: Restock.quantity. */
  readonly restockQuantity: Range;
  /** Units a product is registered with: Register.initial_stock. */
  readonly initialStock: Range;
  /** A product's price, in cents: Register.price_cents. */
  readonly priceCents: Range;
  /** A product's name: Register.name. */
  readonly productName: Length;
  /**
   * A SKU: Register.sku, and the same in OrderLineRequest.sku. `pattern` is the document's
   * (ECMA-262, unanchored unless it anchors itself, as JSON Schema reads it), compiled with the u flag.
   */
  readonly sku: Length & { readonly pattern: RegExp };
  /** The size of a product image, in bytes: UploadRequest.size_bytes. */
  readonly imageBytes: Range;
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** The schema of `schema.property`, where the document is expected to state its bounds. */
function propertyOf(document: unknown, schema: string, property: string): { where: string; keywords: Json } {
  const where = `components.schemas.${schema}.properties.${property}`;
  const found = where.split(".").reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), document);
  if (!isObject(found)) throw new Error(`docs/openapi.json has no ${where}, where the storefront reads a limit`);
  return { where, keywords: found };
}

function integer({ where, keywords }: ReturnType<typeof propertyOf>, keyword: string): number {
  const value = keywords[keyword];
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new Error(`docs/openapi.json has no integer ${keyword} at ${where}; the storefront takes that limit from there`);
  }
  return value;
}

function range(property: ReturnType<typeof propertyOf>, low: string, high: string): Range {
  const min = integer(property, low);
  const max = integer(property, high);
  if (min > max) throw new Error(`docs/openapi.json: ${low} ${min} is above ${high} ${max} at ${property.where}`);
  return { min, max };
}

function sku(document: unknown, schema: string): Length & { pattern: string } {
  const property = propertyOf(document, schema, "sku");
  const { min: minLength, max: maxLength } = range(property, "minLength", "maxLength");
  const pattern = property.keywords.pattern;
  if (typeof pattern !== "string") {
    throw new Error(`docs/openapi.json has no pattern at ${property.where}; the storefront takes that limit from there`);
  }
  return { minLength, maxLength, pattern };
}

/** Reads the limits out of an OpenAPI document; throws naming the first keyword it lacks. */
export function limitsFrom(document: unknown): Limits {
  const registered = sku(document, "Register");
  const ordered = sku(document, "OrderLineRequest");
  if (JSON.stringify(registered) !== JSON.stringify(ordered)) {
    throw new Error("docs/openapi.json bounds the sku of Register and of OrderLineRequest differently");
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(registered.pattern, "u");
  } catch (cause) {
    throw new Error(`docs/openapi.json: the sku pattern ${registered.pattern} is not a regular expression`, { cause });
  }
  const name = range(propertyOf(document, "Register", "name"), "minLength", "maxLength");
  return {
    orderLines: range(propertyOf(document, "PlaceOrder", "lines"), "minItems", "maxItems"),
    lineQuantity: range(propertyOf(document, "OrderLineRequest", "quantity"), "minimum", "maximum"),
    restockQuantity: range(propertyOf(document, "Restock", "quantity"), "minimum", "maximum"),
    initialStock: range(propertyOf(document, "Register", "initial_stock"), "minimum", "maximum"),
    priceCents: range(propertyOf(document, "Register", "price_cents"), "minimum", "maximum"),
    productName: { minLength: name.min, maxLength: name.max },
    sku: { minLength: registered.minLength, maxLength: registered.maxLength, pattern },
    imageBytes: range(propertyOf(document, "UploadRequest", "size_bytes"), "minimum", "maximum"),
  };
}

export const limits: Limits = limitsFrom(openapi);
