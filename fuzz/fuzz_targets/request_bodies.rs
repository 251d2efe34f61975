//! Request bodies as the API reads them (order placement, the admin's register and restock):
//! any bytes, under any of the content types a client may send, through the same `Body` extractor
//! the handlers use (axum's JSON extractor, serde with `deny_unknown_fields`, and the mapping of
//! every rejection to problem+json naming a field), then the domain's own check of the lines.
//! Nothing here may panic, and every refusal must be a 4xx problem whose body is valid JSON.

#![no_main]

use aggregates::{LineRequest, validate_lines};
use axum::body::Body as HttpBody;
use axum::extract::FromRequest;
use axum::http::{Request, header};
use axum::response::IntoResponse;
use handlers::admin::{Register, Restock};
use handlers::order::PlaceOrder;
use handlers::problem::Body;
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [&str; 4] = [
    "application/json",
    "application/json; charset=utf-8",
    "application/problem+json",
    "text/plain",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[selector as usize % CONTENT_TYPES.len()];
    let request = Request::builder()
        .method("POST")
        .uri("/orders")
        .header(header::CONTENT_TYPE, content_type)
        .body(HttpBody::from(body.to_vec()))
        .expect("a static request builds");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime builds");
    match selector / 4 % 3 {
        0 => match runtime.block_on(Body::<PlaceOrder>::from_request(request, &())) {
            Ok(Body(order)) => {
                // Whatever parsed, the domain either accepts or names the field at fault.
                let lines: Vec<LineRequest> =
                    order.lines.into_iter().map(LineRequest::from).collect();
                if let Err(e) = validate_lines(&lines) {
                    assert!(e.field().is_some(), "a refusal without a field: {e}");
                }
            }
            Err(problem) => refused(&runtime, problem),
        },
        1 => {
            if let Err(problem) = runtime.block_on(Body::<Register>::from_request(request, &())) {
                refused(&runtime, problem);
            }
        }
        _ => {
            if let Err(problem) = runtime.block_on(Body::<Restock>::from_request(request, &())) {
                refused(&runtime, problem);
            }
        }
    }
});

/// A refused body is a 4xx problem+json whose body is JSON.
fn refused(runtime: &tokio::runtime::Runtime, problem: handlers::problem::Problem) {
    assert!(
        (400..500).contains(&problem.status),
        "a body refused with {}",
        problem.status
    );
    let bytes = runtime
        .block_on(axum::body::to_bytes(
            problem.into_response().into_body(),
            1 << 20,
        ))
        .expect("the problem body reads");
    serde_json::from_slice::<serde_json::Value>(&bytes).expect("a problem body is JSON");
}
