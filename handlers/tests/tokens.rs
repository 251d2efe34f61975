//! Every check the verifier makes on a Cognito token, one at a time, against a key set served
//! over HTTP as Cognito serves it. The signing key in fixtures/ is a throwaway made for these
//! tests (moto's real tokens are exercised in api.rs); what matters is that each claim that is
//! wrong on its own is refused.

use std::time::{SystemTime, UNIX_EPOCH};

use handlers::auth::{AuthConfig, Verifier};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test";
const CLIENT: &str = "storefront-client";

async fn verifier() -> Verifier {
    let jwks: Value =
        serde_json::from_str(include_str!("fixtures/test-jwks.json")).expect("fixture parses");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/.well-known/jwks.json",
        listener.local_addr().unwrap()
    );
    let app = axum::Router::new().route(
        "/.well-known/jwks.json",
        axum::routing::get(move || async move { axum::Json(jwks) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Verifier::new(AuthConfig {
        issuer: ISSUER.into(),
        client_id: CLIENT.into(),
        jwks_url: url,
    })
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn access(overrides: Value) -> Value {
    let mut claims = json!({
        "sub": "user-1", "iss": ISSUER, "client_id": CLIENT, "token_use": "access",
        "exp": now() + 600, "iat": now(), "cognito:groups": ["admin"],
    });
    for (k, v) in overrides.as_object().unwrap() {
        claims[k] = v.clone();
    }
    claims
}

fn sign(claims: &Value, kid: &str) -> String {
    let key = EncodingKey::from_rsa_pem(include_bytes!("fixtures/test-signing-key.pem")).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    encode(&header, claims, &key).unwrap()
}

#[tokio::test]
async fn a_valid_access_or_id_token_is_accepted_with_its_groups() {
    let v = verifier().await;
    let principal = v
        .verify(&sign(&access(json!({})), "test-key-1"))
        .await
        .unwrap();
    assert_eq!(principal.sub, "user-1");
    assert!(principal.is_admin());
    let id = access(json!({"token_use": "id", "aud": CLIENT, "client_id": null}));
    assert!(v.verify(&sign(&id, "test-key-1")).await.is_ok());
}

#[tokio::test]
async fn each_wrong_claim_is_refused() {
    let v = verifier().await;
    let cases = [
        ("expired", access(json!({"exp": now() - 3600}))),
        (
            "another issuer",
            access(json!({"iss": "https://evil.example/pool"})),
        ),
        (
            "another app client",
            access(json!({"client_id": "someone-else"})),
        ),
        (
            "an id token for another client",
            access(json!({"token_use": "id", "aud": "someone-else"})),
        ),
        (
            "a refresh token_use",
            access(json!({"token_use": "refresh"})),
        ),
        ("no sub", access(json!({"sub": null}))),
    ];
    for (what, claims) in cases {
        let token = sign(&claims, "test-key-1");
        assert!(v.verify(&token).await.is_err(), "{what} must be refused");
    }
}

#[tokio::test]
async fn forged_signatures_and_algorithms_are_refused() {
    let v = verifier().await;
    // Signed by the right key but naming a key the pool does not have.
    assert!(
        v.verify(&sign(&access(json!({})), "unknown-kid"))
            .await
            .is_err()
    );
    // The classic confusion: HS256 "signed" with the public key set's text as the secret.
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("test-key-1".into());
    let hs = encode(
        &header,
        &access(json!({})),
        &EncodingKey::from_secret(include_bytes!("fixtures/test-jwks.json")).unwrap(),
    )
    .unwrap();
    assert!(v.verify(&hs).await.is_err());
    // alg "none" with no signature.
    let payload = sign(&access(json!({})), "test-key-1");
    let body = payload.split('.').nth(1).unwrap();
    assert!(
        v.verify(&format!("eyJhbGciOiJub25lIn0.{body}."))
            .await
            .is_err()
    );
    // A valid token with one byte of its signature changed.
    let mut tampered = sign(&access(json!({})), "test-key-1");
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert!(v.verify(&tampered).await.is_err());
}

#[tokio::test]
async fn a_token_accepted_once_is_still_refused_when_tampered_with_or_expired() {
    let v = verifier().await;
    // Past its `exp` already, but within the 60 s leeway for another 2 s.
    let token = sign(&access(json!({"exp": now() - 58})), "test-key-1");
    assert!(v.verify(&token).await.is_ok());
    assert!(v.verify(&token).await.is_ok(), "the same token again");
    // The same claims with another signature are checked, not answered from the first.
    let mut tampered = token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert!(v.verify(&tampered).await.is_err());
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    let refused = v.verify(&token).await.expect_err("expired, leeway spent");
    assert!(refused.to_string().contains("Expired"), "{refused}");
}
