//! Cognito JWTs: RS256 signatures checked against the user pool's JWKS (fetched once, fetched
//! again when a token names a key we have not seen, at most every 30 s), then issuer, expiry,
//! `token_use`, and the app client (`client_id` on access tokens, `aud` on id tokens).
//!
//! A token that passed every check is remembered until it expires (as API Gateway caches an
//! authorizer's answer): the RS256 verification is the costliest step of a request here, and a
//! shopper sends the same token with every request for up to an hour. The cache is keyed by the
//! whole token, signature included, so only the exact bytes that were verified are answered from
//! it, and never past the expiry (with the same leeway) the full check applies.
//!
//! Issuer and JWKS URL are configuration: locally the pool is moto's, whose JWKS is served on
//! 127.0.0.1:4566 while its tokens name the real Cognito issuer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use tokio::sync::RwLock;

use crate::AppState;
use crate::problem::Problem;

const REFRESH_AT_MOST_EVERY: Duration = Duration::from_secs(30);
/// Clock skew allowed on `exp`, in seconds: jsonwebtoken's default, stated so the cache uses it too.
const LEEWAY_SECONDS: u64 = 60;
/// Verified tokens remembered at most: a few MiB of a Lambda's memory at Cognito's token sizes.
const VERIFIED_AT_MOST: usize = 2048;

/// Which pool's tokens are accepted: its issuer, app client and JWKS URL (see
/// [`platform::settings`]).
pub use platform::settings::Cognito as AuthConfig;

/// Why a token was refused. The message is the 401's detail, its source the parser's words.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token: {0}")]
    Malformed(#[source] jsonwebtoken::errors::Error),
    #[error("tokens must be RS256, not {0:?}")]
    Algorithm(Algorithm),
    #[error("the token names no key")]
    NoKey,
    #[error("invalid token: {0}")]
    Invalid(#[source] jsonwebtoken::errors::Error),
    #[error("token_use {0:?} is not accepted")]
    TokenUse(String),
    #[error("the token was issued to another app client")]
    OtherClient,
    #[error("the key set could not be fetched or read: {0}")]
    KeySet(#[source] reqwest::Error),
    #[error("the token was signed by an unknown key")]
    UnknownKey,
}

pub struct Verifier {
    config: AuthConfig,
    http: reqwest::Client,
    /// The pool's keys by kid, parsed once per fetch (not per request), and when they were fetched.
    keys: RwLock<(HashMap<String, DecodingKey>, Option<Instant>)>,
    /// Tokens that passed every check: who they name, and the Unix second after which they no
    /// longer pass (`exp` plus the leeway).
    verified: Mutex<HashMap<String, (Principal, u64)>>,
}

/// Who is calling.
#[derive(Debug, Clone)]
pub struct Principal {
    pub sub: String,
    pub groups: Vec<String>,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.groups.iter().any(|g| g == "admin")
    }
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    token_use: String,
    client_id: Option<String>,
    aud: Option<String>,
    #[serde(rename = "cognito:groups", default)]
    groups: Vec<String>,
    exp: u64,
}

impl Verifier {
    pub fn new(config: AuthConfig) -> Self {
        Self {
            config,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("a default HTTP client builds"),
            keys: RwLock::new((HashMap::new(), None)),
            verified: Mutex::default(),
        }
    }

    /// Who `token` names, if it is a valid token of the pool for this app client.
    pub async fn verify(&self, token: &str) -> Result<Principal, TokenError> {
        let now = unix_now();
        let known = {
            let remembered = self
                .verified
                .lock()
                .expect("no panic while the lock is held");
            remembered
                .get(token)
                .filter(|(_, until)| now <= *until)
                .map(|(principal, _)| principal.clone())
        };
        if let Some(principal) = known {
            return Ok(principal);
        }
        let (principal, exp) = self.check(token).await?;
        let mut remembered = self
            .verified
            .lock()
            .expect("no panic while the lock is held");
        if remembered.len() >= VERIFIED_AT_MOST {
            remembered.retain(|_, (_, until)| now <= *until);
            if remembered.len() >= VERIFIED_AT_MOST {
                remembered.clear();
            }
        }
        remembered.insert(
            token.to_string(),
            (principal.clone(), exp.saturating_add(LEEWAY_SECONDS)),
        );
        Ok(principal)
    }

    /// Every check of the token, and its `exp`.
    async fn check(&self, token: &str) -> Result<(Principal, u64), TokenError> {
        let header = decode_header(token).map_err(TokenError::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(TokenError::Algorithm(header.alg));
        }
        let kid = header.kid.ok_or(TokenError::NoKey)?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        // Access tokens carry no `aud`; the client is checked below by token kind.
        validation.validate_aud = false;
        let claims = decode::<Claims>(token, &key, &validation)
            .map_err(TokenError::Invalid)?
            .claims;
        let client = match claims.token_use.as_str() {
            "access" => claims.client_id,
            "id" => claims.aud,
            other => return Err(TokenError::TokenUse(other.to_string())),
        };
        if client.as_deref() != Some(self.config.client_id.as_str()) {
            return Err(TokenError::OtherClient);
        }
        let principal = Principal {
            sub: claims.sub,
            groups: claims.groups,
        };
        Ok((principal, claims.exp))
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, TokenError> {
        if let Some(key) = self.keys.read().await.0.get(kid) {
            return Ok(key.clone());
        }
        let mut keys = self.keys.write().await;
        let recently = keys
            .1
            .is_some_and(|at| at.elapsed() < REFRESH_AT_MOST_EVERY);
        if !recently && !keys.0.contains_key(kid) {
            let fetched: JwkSet = self
                .http
                .get(&self.config.jwks_url)
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .map_err(TokenError::KeySet)?
                .json()
                .await
                .map_err(TokenError::KeySet)?;
            let parsed = fetched
                .keys
                .iter()
                .filter_map(|jwk| {
                    let kid = jwk.common.key_id.clone()?;
                    DecodingKey::from_jwk(jwk).ok().map(|key| (kid, key))
                })
                .collect();
            *keys = (parsed, Some(Instant::now()));
        }
        keys.0.get(kid).cloned().ok_or(TokenError::UnknownKey)
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let unauthorized = |detail: String| Problem::new(StatusCode::UNAUTHORIZED, detail);
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| unauthorized("sign in: send Authorization: Bearer <token>".into()))?;
        let verifier: &Arc<Verifier> = state
            .verifier
            .as_ref()
            .ok_or_else(|| unauthorized("sign-in is not configured (COGNITO_ISSUER)".into()))?;
        verifier
            .verify(token.trim())
            .await
            .map_err(|e| unauthorized(e.to_string()))
    }
}

/// A caller in the `admin` group.
pub struct Admin(pub Principal);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let principal = Principal::from_request_parts(parts, state).await?;
        if principal.is_admin() {
            Ok(Self(principal))
        } else {
            Err(Problem::new(
                StatusCode::FORBIDDEN,
                "this route is for the admin group",
            ))
        }
    }
}
