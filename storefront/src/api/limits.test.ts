import { describe, expect, it } from "vitest";
import openapi from "../../../docs/openapi.json";
import { limits, limitsFrom } from "./limits";

// Where each limit is read: [schema, property, keyword], as the server's document states them.
const places = [
  ["PlaceOrder", "lines", "minItems"],
  ["PlaceOrder", "lines", "maxItems"],
  ["OrderLineRequest", "quantity", "minimum"],
  ["OrderLineRequest", "quantity", "maximum"],
  ["OrderLineRequest", "sku", "minLength"],
  ["OrderLineRequest", "sku", "maxLength"],
  ["OrderLineRequest", "sku", "pattern"],
  ["Register", "sku", "minLength"],
  ["Register", "sku", "maxLength"],
  ["Register", "sku", "pattern"],
  ["Register", "name", "minLength"],
  ["Register", "name", "maxLength"],
  ["Register", "price_cents", "minimum"],
  ["Register", "price_cents", "maximum"],
  ["Register", "initial_stock", "minimum"],
  ["Register", "initial_stock", "maximum"],
  ["Restock", "quantity", "minimum"],
  ["Restock", "quantity", "maximum"],
  ["UploadRequest", "size_bytes", "minimum"],
  ["UploadRequest", "size_bytes", "maximum"],
] as const;

type Keywords = Record<string, unknown>;
type Document = { components: { schemas: Record<string, { properties: Record<string, Keywords> }> } };

/** A property's schema in `document`; the test's own typo fails here, not as a limit. */
function schemaOf(document: Document, schema: string, property: string): Keywords {
  const keywords = document.components.schemas[schema]?.properties[property];
  if (!keywords) throw new Error(`the test names ${schema}.${property}, which the document lacks`);
  return keywords;
}

/** A copy of the document, with `edit` applied to one property's schema. */
function documentWith(schema: string, property: string, edit: (keywords: Keywords) => void): Document {
  const copy = structuredClone(openapi) as unknown as Document;
  edit(schemaOf(copy, schema, property));
  return copy;
}

const keyword = (schema: string, property: string, name: string) => schemaOf(openapi as unknown as Document, schema, property)[name];

describe("limits", () => {
  it("are the document's", () => {
    expect(limits).toEqual({
      orderLines: { min: keyword("PlaceOrder", "lines", "minItems"), max: keyword("PlaceOrder", "lines", "maxItems") },
      lineQuantity: { min: keyword("OrderLineRequest", "quantity", "minimum"), max: keyword("OrderLineRequest", "quantity", "maximum") },
      restockQuantity: { min: keyword("Restock", "quantity", "minimum"), max: keyword("Restock", "quantity", "maximum") },
      initialStock: { min: keyword("Register", "initial_stock", "minimum"), max: keyword("Register", "initial_stock", "maximum") },
      priceCents: { min: keyword("Register", "price_cents", "minimum"), max: keyword("Register", "price_cents", "maximum") },
      productName: { minLength: keyword("Register", "name", "minLength"), maxLength: keyword("Register", "name", "maxLength") },
      sku: {
        minLength: keyword("Register", "sku", "minLength"),
        maxLength: keyword("Register", "sku", "maxLength"),
        pattern: new RegExp(keyword("Register", "sku", "pattern") as string, "u"),
      },
      imageBytes: { min: keyword("UploadRequest", "size_bytes", "minimum"), max: keyword("UploadRequest", "size_bytes", "maximum") },
    });
  });

  it("follow the document when it changes", () => {
    const fewer = documentWith("PlaceOrder", "lines", (k) => (k.maxItems = 7));
    expect(limitsFrom(fewer).orderLines.max).toBe(7);
    const more = documentWith("Restock", "quantity", (k) => (k.maximum = 12));
    expect(limitsFrom(more).restockQuantity).toEqual({ min: limits.restockQuantity.min, max: 12 });
  });

  it.each(places)("fail loudly without %s.%s %s", (schema, property, name) => {
    const without = documentWith(schema, property, (k) => delete k[name]);
    expect(() => limitsFrom(without)).toThrow(`${name} at components.schemas.${schema}.properties.${property}`);
  });

  it("fail loudly on a bound that is not an integer, or a property the document lacks", () => {
    const fractional = documentWith("OrderLineRequest", "quantity", (k) => (k.maximum = 2.5));
    expect(() => limitsFrom(fractional)).toThrow("no integer maximum at components.schemas.OrderLineRequest.properties.quantity");
    const renamed = structuredClone(openapi) as unknown as Document;
    delete renamed.components.schemas.Register?.properties.name;
    expect(() => limitsFrom(renamed)).toThrow("has no components.schemas.Register.properties.name");
    expect(() => limitsFrom({})).toThrow("docs/openapi.json has no components.schemas");
  });

  it("fail loudly when the two SKU schemas disagree", () => {
    const longer = documentWith("OrderLineRequest", "sku", (k) => (k.maxLength = 65));
    expect(() => limitsFrom(longer)).toThrow("bounds the sku of Register and of OrderLineRequest differently");
  });

  it("take the SKU alphabet the register form describes: letters, digits, - and _", () => {
    for (const sku of ["TEA-EARLGREY", "mug_2", "A9"]) expect(limits.sku.pattern.test(sku)).toBe(true);
    for (const sku of ["TEA EARLGREY", "TEA/1", "thé", "a.b", ""]) expect(limits.sku.pattern.test(sku)).toBe(false);
  });
});
