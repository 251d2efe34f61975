//! What several test files share: a Cognito stand-in whose tokens the handlers accept.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use platform::settings::Cognito;
use serde_json::json;

/// A key set served as Cognito serves it, and a shopper's token signed with the test key.
pub async fn auth() -> (Cognito, String) {
    let jwks: serde_json::Value = serde_json::from_str(include_str!(
        "../../../handlers/tests/fixtures/test-jwks.json"
    ))
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || async move { axum::Json(jwks) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_trace";
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({"sub": "shopper-1", "iss": issuer, "client_id": "web", "token_use": "access",
        "exp": now + 600, "iat": now});
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("test-key-1".into());
    let key = EncodingKey::from_rsa_pem(include_bytes!(
        "../../../handlers/tests/fixtures/test-signing-key.pem"
    ))
    .unwrap();
    let token = encode(&header, &claims, &key).unwrap();
    let pool = Cognito {
        issuer: issuer.into(),
        client_id: "web".into(),
        jwks_url: url,
    };
    (pool, token)
}
