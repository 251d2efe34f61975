//! The domain's bounds (`aggregates::limits`), published once: written into the OpenAPI schema of
//! every request field they bound, from the same constants the aggregates check. The storefront
//! reads them from the document, so no client hard-codes a number the server decides.

use aggregates::limits::{
    DESCRIPTION_PATTERN, MAX_DESCRIPTION_CHARS, MAX_LINE_QUANTITY, MAX_NAME_CHARS, MAX_ORDER_LINES,
    MAX_PRICE_CENTS, MAX_RESTOCK, MAX_SKU_LEN, MIN_SKU_LEN, NAME_PATTERN, SKU_PATTERN,
};
use aggregates::{IMAGE_URL_PREFIX, MAX_IMAGE_URL_CHARS};
use utoipa::openapi::schema::{Object, Schema};
use utoipa::openapi::{OpenApi, RefOr};

pub struct Limits;

impl utoipa::Modify for Limits {
    fn modify(&self, openapi: &mut OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let mut field = |schema: &str, property: &str, bound: &dyn Fn(&mut Schema)| {
            let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema) else {
                panic!("the OpenAPI document has no schema {schema}");
            };
            let Some(RefOr::T(field)) = object.properties.get_mut(property) else {
                panic!("schema {schema} has no property {property}");
            };
            bound(field);
        };
        let sku = |s: &mut Schema| {
            let o = object(s);
            o.min_length = Some(MIN_SKU_LEN);
            o.max_length = Some(MAX_SKU_LEN);
            o.pattern = Some(SKU_PATTERN.into());
        };
        field("PlaceOrder", "lines", &|s| {
            if let Schema::Array(array) = s {
                array.min_items = Some(1);
                array.max_items = Some(MAX_ORDER_LINES);
            }
        });
        field("OrderLineRequest", "sku", &sku);
        field("OrderLineRequest", "quantity", &|s| {
            range(s, 1, MAX_LINE_QUANTITY.into())
        });
        field("Register", "sku", &sku);
        field("Register", "name", &|s| {
            let o = object(s);
            o.min_length = Some(1);
            o.max_length = Some(MAX_NAME_CHARS);
            o.pattern = Some(NAME_PATTERN.into());
        });
        field("Register", "description", &|s| {
            let o = object(s);
            o.max_length = Some(MAX_DESCRIPTION_CHARS);
            o.pattern = Some(DESCRIPTION_PATTERN.into());
        });
        field("Register", "image_url", &|s| {
            let o = object(s);
            o.max_length = Some(MAX_IMAGE_URL_CHARS);
            o.pattern = Some(format!("^{IMAGE_URL_PREFIX}[!-~]+$"));
        });
        field("Register", "price_cents", &|s| range(s, 1, MAX_PRICE_CENTS));
        field("Register", "initial_stock", &|s| {
            range(s, 0, MAX_RESTOCK.into())
        });
        field("Restock", "quantity", &|s| range(s, 1, MAX_RESTOCK.into()));
    }
}

fn object(schema: &mut Schema) -> &mut Object {
    match schema {
        Schema::Object(object) => object,
        _ => panic!("a bounded field is a plain value"),
    }
}

fn range(schema: &mut Schema, minimum: i64, maximum: i64) {
    let o = object(schema);
    o.minimum = Some(minimum.into());
    o.maximum = Some(maximum.into());
}
