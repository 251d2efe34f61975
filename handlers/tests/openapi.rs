//! The contract can't drift silently: the OpenAPI document generated from the code must equal the
//! committed docs/openapi.json (which the storefront's types are checked against), and must
//! describe every route of docs/architecture.md section 4.

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");

#[test]
fn the_committed_document_matches_the_code() {
    let generated = serde_json::to_string_pretty(handlers::openapi()).unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json differs from the code; if the change is meant, run \
         `UPDATE_OPENAPI=1 cargo test -p handlers --test openapi` and commit the file"
    );
}

#[test]
fn every_route_of_the_contract_is_documented() {
    let document = serde_json::to_value(handlers::openapi()).unwrap();
    let contract = [
        ("get", "/products"),
        ("get", "/products/{sku}"),
        ("post", "/orders"),
        ("get", "/orders"),
        ("get", "/orders/{id}"),
        ("post", "/orders/{id}/cancel"),
        ("post", "/admin/products"),
        ("post", "/admin/products/{sku}/restock"),
        ("get", "/admin/streams/{type}/{id}/events"),
        ("get", "/admin/streams/{type}/{id}/state"),
        ("get", "/admin/events"),
        ("get", "/admin/projections"),
        ("post", "/admin/projections/rebuild"),
        ("get", "/admin/traces/{correlation_id}"),
        ("get", "/health"),
        ("get", "/openapi.json"),
    ];
    let missing: Vec<_> = contract
        .iter()
        .filter(|(method, path)| document["paths"][path][method].is_null())
        .collect();
    assert!(missing.is_empty(), "undocumented routes: {missing:?}");
    assert_eq!(document["servers"][0]["url"], "/api");
    // Every route but the public ones names the bearer scheme.
    for (method, path) in contract {
        let public = path.starts_with("/products") || path == "/health" || path == "/openapi.json";
        let secured = !document["paths"][path][method]["security"].is_null();
        assert_eq!(secured, !public, "{method} {path}: security");
    }
}

/// What a client reads from the document before it calls: every answer an operation can give,
/// the event payload's shapes, and where a command's answer leads.
#[test]
fn every_operation_states_the_answers_it_can_give_and_where_it_leads() {
    let document = handlers::openapi();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let answers = &operation["responses"];
            let has = |status: &str| !answers[status].is_null();
            let name = format!("{} {path}", method.to_uppercase());
            if !operation["requestBody"].is_null() {
                for status in ["400", "413", "415", "422"] {
                    assert!(has(status), "{name} has a body but no {status}");
                }
            }
            if path != "/openapi.json" {
                assert!(has("503"), "{name}: no 503");
                let retry = &answers["503"]["headers"]["Retry-After"];
                assert!(!retry.is_null(), "{name}: 503 without Retry-After");
            }
            if path.starts_with("/admin") {
                assert!(
                    has("401") && has("403"),
                    "{name}: an admin route without 401/403"
                );
            }
            for (status, answer) in answers.as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        !answer["content"]["application/problem+json"].is_null(),
                        "{name} {status} is not problem+json"
                    );
                }
            }
        }
    }
    let payload = &document["components"]["schemas"]["StoredEvent"]["properties"]["payload"];
    let shapes: Vec<&str> = payload["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["$ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        shapes,
        [
            "#/components/schemas/OrderEvent",
            "#/components/schemas/StockEvent"
        ]
    );
    // One shape per event type; a unit event is its name.
    let order = document["components"]["schemas"]["OrderEvent"]["oneOf"]
        .as_array()
        .unwrap();
    let stock = document["components"]["schemas"]["StockEvent"]["oneOf"]
        .as_array()
        .unwrap();
    assert_eq!(order.len() + stock.len(), aggregates::EVENT_TYPES.len());
    assert!(
        order
            .iter()
            .any(|s| s["enum"] == serde_json::json!(["OrderConfirmed"]))
    );
    let placed = &document["paths"]["/orders"]["post"]["responses"]["202"]["links"];
    assert_eq!(placed["GetOrder"]["operationId"], "get_order");
    assert_eq!(placed["CancelOrder"]["operationId"], "cancel");
    assert_eq!(
        placed["CancelOrder"]["parameters"]["id"],
        "$response.body#/order_id"
    );
    let registered = &document["paths"]["/admin/products"]["post"]["responses"]["201"]["links"];
    assert_eq!(registered["Restock"]["operationId"], "restock");
    assert_eq!(
        registered["OrderIt"]["requestBody"]["lines"][0]["sku"],
        "$response.body#/sku"
    );
}
