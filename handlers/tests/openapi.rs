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
