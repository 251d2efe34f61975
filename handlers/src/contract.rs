//! The answers every route shares, written into the OpenAPI document from each operation's shape
//! so that no route lists them by hand (and none forgets one): 400/413/415/422 for a JSON body,
//! 422 for parameters, 401 and 403 for the secured routes, 503 with `Retry-After` while the
//! database is unreachable (`Problem::internal`). Also what the derived schemas cannot say on
//! their own: the closed sets of values (an order's status, the read models, the image types),
//! the event payload as one schema per event type, and the links a client (or schemathesis's
//! stateful phase) follows from a command's answer to the next call.

use aggregates::{OrderEvent, OrderStatus, StockEvent};
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{Object, OneOfBuilder, Schema};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, ObjectBuilder, OpenApi, Ref, RefOr, ResponseBuilder, Type,
};

pub struct Contract;

const PROBLEM: &str = "application/problem+json";

/// The aggregate types, as the store names them.
const KINDS: [&str; 2] = ["Order", "Stock"];

impl utoipa::Modify for Contract {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for operation in [&mut item.get, &mut item.post, &mut item.put]
                .into_iter()
                .flatten()
            {
                shared_answers(path, operation);
            }
        }
        links(openapi);
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut schemas = Vec::new();
        <OrderEvent as utoipa::ToSchema>::schemas(&mut schemas);
        <StockEvent as utoipa::ToSchema>::schemas(&mut schemas);
        schemas.push((
            "OrderEvent".into(),
            <OrderEvent as utoipa::PartialSchema>::schema(),
        ));
        schemas.push((
            "StockEvent".into(),
            <StockEvent as utoipa::PartialSchema>::schema(),
        ));
        components.schemas.extend(schemas);
        // The payload as the store keeps it: `{"OrderPlaced": {...}}`, a unit event as its name.
        *property(components, "StoredEvent", "payload") = OneOfBuilder::new()
            .item(Ref::from_schema_name("OrderEvent"))
            .item(Ref::from_schema_name("StockEvent"))
            .description(Some(
                "The event, keyed by its type (`{\"OrderPlaced\": {...}}`); an event without fields \
                 is its type's name as a string (`\"OrderConfirmed\"`).",
            ))
            .into();
        *property(components, "StoredEvent", "metadata") = ObjectBuilder::new()
            .description(Some("Who and what caused the event, and its trace."))
            .property("correlation_id", string())
            .property("causation_id", string())
            .property("traceparent", string())
            .property("actor", string())
            .property("command", string())
            .required("correlation_id")
            .required("causation_id")
            .required("traceparent")
            .required("actor")
            .required("command")
            .additional_properties(Some(ObjectBuilder::new().schema_type(Type::String)))
            .into();
        let statuses = [
            OrderStatus::Pending,
            OrderStatus::Confirmed,
            OrderStatus::Rejected,
            OrderStatus::Cancelled,
        ]
        .map(OrderStatus::as_str);
        one_of(property(components, "OrderView", "status"), &statuses);
        one_of(
            property(components, "OrderAccepted", "status"),
            &[
                OrderStatus::Pending.as_str(),
                OrderStatus::Cancelled.as_str(),
            ],
        );
        let types: Vec<&str> = platform::images::CONTENT_TYPES
            .iter()
            .map(|(t, _)| *t)
            .collect();
        one_of(
            property(components, "UploadRequest", "content_type"),
            &types,
        );
        let models = projections::ReadModels::shop();
        let names: Vec<&str> = models.iter().map(|m| m.name()).collect();
        one_of(property(components, "RebuildBody", "projection"), &names);
        let switches: Vec<&str> = observe::gameday::CHOICES.iter().map(|c| c.switch).collect();
        one_of(property(components, "Answer", "switch"), &switches);
        one_of(property(components, "Choice", "switch"), &switches);
        one_of(
            property(components, "StoredEvent", "aggregate_type"),
            &KINDS,
        );
        one_of(
            property(components, "StoredEvent", "event_type"),
            aggregates::EVENT_TYPES,
        );
        // utoipa writes a list's item schema out in full inside `Items_<T>`; a reference to the
        // component instead, so the closed sets and the payload union above hold in lists too.
        let lists: Vec<String> = components
            .schemas
            .keys()
            .filter(|name| name.starts_with("Items_"))
            .cloned()
            .collect();
        for list in lists {
            let item = list.trim_start_matches("Items_").to_string();
            assert!(
                components.schemas.contains_key(&item),
                "no schema {item} for {list}"
            );
            if let RefOr::T(Schema::Array(array)) = property(components, &list, "items") {
                array.items = utoipa::openapi::schema::ArrayItems::RefOrSchema(Box::new(
                    Ref::from_schema_name(item).into(),
                ));
            }
        }
        closed_parameter(openapi, "/orders/{id}", "wait_for_change_from", &statuses);
        closed_parameter(openapi, "/admin/streams/{type}/{id}/events", "type", &KINDS);
        closed_parameter(openapi, "/admin/streams/{type}/{id}/state", "type", &KINDS);
    }
}

/// Adds the answers `operation` can give by its shape, as problem+json, where it lists none.
fn shared_answers(path: &str, operation: &mut Operation) {
    let has_body = operation.request_body.is_some();
    let parameters = operation.parameters.iter().flatten();
    let checks_parameters = parameters
        .clone()
        .any(|p| p.parameter_in == ParameterIn::Query || constrained(p.schema.as_ref()));
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut answers: Vec<(u16, &str)> = Vec::new();
    if has_body {
        answers.push((400, "The body is not JSON"));
        answers.push((413, "The body is over 64 KiB"));
        answers.push((415, "The body is not sent as `application/json`"));
    }
    if has_body || checks_parameters {
        answers.push((422, "A field or parameter is invalid: `errors` names it"));
    }
    if secured {
        answers.push((401, "No valid bearer token"));
    }
    if path.starts_with("/admin") {
        answers.push((403, "The token is not in group `admin`"));
    }
    if path != "/openapi.json" {
        answers.push((
            503,
            "The database is unavailable for a moment: retry after `Retry-After`",
        ));
    }
    let responses = &mut operation.responses.responses;
    for (status, description) in answers {
        responses.entry(status.to_string()).or_insert_with(|| {
            let problem = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build();
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(PROBLEM, problem)
                    .build(),
            )
        });
    }
    // A route's own 503 (no Prometheus, say) can also be the database's, which says when to retry.
    if let Some(RefOr::T(unavailable)) = responses.get_mut("503") {
        unavailable
            .headers
            .entry("Retry-After".into())
            .or_insert_with(|| {
                HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(1)),
                    )
                    .description(Some("Seconds to wait before retrying"))
                    .build()
            });
    }
    // utoipa writes an empty description for a response the route did not describe.
    for answer in responses.values_mut() {
        if let RefOr::T(answer) = answer
            && answer.description.is_empty()
        {
            answer.description = default_description(answer.content.keys().next()).into();
        }
    }
}

fn default_description(content_type: Option<&String>) -> &'static str {
    match content_type.map(String::as_str) {
        Some(PROBLEM) => "An error (problem+json)",
        _ => "Done",
    }
}

/// Whether a path parameter's schema restricts its values (a pattern, a bound), so that a value
/// outside it is refused with 422. (An id that is not a UUID names nothing: 404.)
fn constrained(schema: Option<&RefOr<Schema>>) -> bool {
    matches!(schema, Some(RefOr::T(Schema::Object(o)))
        if o.pattern.is_some() || o.minimum.is_some() || o.max_length.is_some())
}

/// How one command's answer leads to the next call: the placed order to its read and its
/// cancel, the registered product to its restock, its read and an order of it.
fn links(openapi: &mut OpenApi) {
    let order = |operation: &str| {
        LinkBuilder::new()
            .operation_id(operation)
            .parameter("id", "$response.body#/order_id")
            .build()
    };
    let product = |operation: &str| {
        LinkBuilder::new()
            .operation_id(operation)
            .parameter("sku", "$response.body#/sku")
            .build()
    };
    let order_it = LinkBuilder::new()
        .operation_id("place")
        .request_body(Some(serde_json::json!({
            "lines": [{"sku": "$response.body#/sku", "quantity": 1}]
        })))
        .build();
    let link = |openapi: &mut OpenApi, path: &str, status: &str, name: &str, link| {
        let item = openapi
            .paths
            .paths
            .get_mut(path)
            .unwrap_or_else(|| panic!("no path {path}"));
        let operation = item.post.as_mut().expect("links start at a POST");
        let Some(RefOr::T(answer)) = operation.responses.responses.get_mut(status) else {
            panic!("{path} answers no {status}");
        };
        answer.links.insert(name.into(), RefOr::T(link));
    };
    link(openapi, "/orders", "202", "GetOrder", order("get_order"));
    link(openapi, "/orders", "202", "CancelOrder", order("cancel"));
    link(
        openapi,
        "/orders/{id}/cancel",
        "202",
        "GetOrder",
        order("get_order"),
    );
    link(
        openapi,
        "/admin/products",
        "201",
        "Restock",
        product("restock"),
    );
    link(
        openapi,
        "/admin/products",
        "201",
        "GetProduct",
        product("get_product"),
    );
    link(openapi, "/admin/products", "201", "OrderIt", order_it);
    link(
        openapi,
        "/admin/products/{sku}/restock",
        "202",
        "GetProduct",
        product("get_product"),
    );
}

/// Writes each link's fields as OpenAPI spells them: utoipa 5.5 serialises `Link` with its Rust
/// field names (`operation_id`, `request_body`), which no client reads.
pub fn spell_links(document: &mut serde_json::Value) {
    let operations = document["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut());
    for operation in operations {
        let answers = operation["responses"]
            .as_object_mut()
            .into_iter()
            .flat_map(|r| r.values_mut());
        for answer in answers {
            let links = answer.get_mut("links").and_then(|l| l.as_object_mut());
            for link in links.into_iter().flat_map(|l| l.values_mut()) {
                let Some(link) = link.as_object_mut() else {
                    continue;
                };
                for (rust, openapi) in [
                    ("operation_id", "operationId"),
                    ("operation_ref", "operationRef"),
                    ("request_body", "requestBody"),
                ] {
                    if let Some(value) = link.remove(rust) {
                        link.insert(openapi.into(), value);
                    }
                }
            }
        }
    }
}

fn string() -> Object {
    ObjectBuilder::new().schema_type(Type::String).build()
}

/// Restricts a string (or nullable string) property to `values`.
fn one_of(property: &mut RefOr<Schema>, values: &[&str]) {
    let RefOr::T(Schema::Object(object)) = property else {
        panic!("a closed set is a plain string");
    };
    let nullable = !matches!(
        object.schema_type,
        utoipa::openapi::schema::SchemaType::Type(Type::String)
    );
    let mut values: Vec<serde_json::Value> = values.iter().map(|v| (*v).into()).collect();
    if nullable {
        values.push(serde_json::Value::Null);
    }
    object.enum_values = Some(values);
}

/// Restricts parameter `name` of the GET at `path` to `values`, in place of the pattern that
/// utoipa's attributes can state (a generated client gets a union type from an enum).
fn closed_parameter(openapi: &mut OpenApi, path: &str, name: &str, values: &[&str]) {
    let operation = openapi
        .paths
        .paths
        .get_mut(path)
        .and_then(|item| item.get.as_mut())
        .unwrap_or_else(|| panic!("no GET {path}"));
    let parameter = operation
        .parameters
        .iter_mut()
        .flatten()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("GET {path} has no parameter {name}"));
    let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut() else {
        panic!("GET {path}: parameter {name} is not a plain value");
    };
    schema.pattern = None;
    schema.enum_values = Some(values.iter().map(|v| (*v).into()).collect());
}

/// Property `name` of component schema `schema`.
fn property<'a>(
    components: &'a mut utoipa::openapi::Components,
    schema: &str,
    name: &str,
) -> &'a mut RefOr<Schema> {
    let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema) else {
        panic!("the OpenAPI document has no schema {schema}");
    };
    object
        .properties
        .get_mut(name)
        .unwrap_or_else(|| panic!("schema {schema} has no property {name}"))
}
