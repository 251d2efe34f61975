//! `Idempotency-Key` on order placement: the same key and body within 24 hours returns the first
//! response and appends nothing; the same key with another body is 422.
//!
//! A key is claimed with a row before the command runs (so two concurrent retries cannot both
//! place), answered from the row afterwards, and released if the command fails. The order id is
//! derived from (customer, key), so a crash between the command's commit and the row's update
//! leaves an order the next retry finds instead of a second one.

use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::problem::Problem;

pub const HEADER: &str = "idempotency-key";

/// A client's key for one request, checked: 1 to 255 visible ASCII characters.
pub fn key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get(HEADER) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .ok()
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()));
    text.map(|k| Some(k.to_string())).ok_or_else(|| {
        Problem::invalid(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters (a UUID is a good choice)",
        )
    })
}

/// The order id a key stands for.
pub fn order_id(customer_id: &str, key: &str) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x5b0e_0a1c_6d2f_4f7e_9a61_3c4b_2e8d_7f10);
    Uuid::new_v5(&NAMESPACE, format!("{customer_id}\n{key}").as_bytes())
}

/// A request's fingerprint: the hash of its parsed body, so spacing and key order don't count.
pub fn fingerprint(body: &impl serde::Serialize) -> Vec<u8> {
    Sha256::digest(serde_json::to_vec(body).expect("plain data serialises")).to_vec()
}

pub enum Claim {
    /// This request owns the key: run the command, then `finish` or `release`.
    Claimed,
    /// The key's first response, to send again.
    Replay(StatusCode, serde_json::Value),
}

/// Claims `key` for this request, or says what to answer instead.
pub async fn claim(
    pool: &PgPool,
    customer_id: &str,
    key: &str,
    hash: &[u8],
) -> Result<Claim, Problem> {
    // Take the key when it is new, expired, or held by a request with this body that died
    // without answering (its command may or may not have committed; the derived order id sorts
    // that out).
    let claimed: Option<bool> = sqlx::query_scalar(
        "INSERT INTO idempotency_keys (customer_id, key, request_hash) VALUES ($1, $2, $3)
         ON CONFLICT (customer_id, key) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, status = NULL, response = NULL, created_at = now()
          WHERE idempotency_keys.created_at < now() - interval '24 hours'
             OR (idempotency_keys.status IS NULL
                 AND idempotency_keys.request_hash = EXCLUDED.request_hash
                 AND idempotency_keys.created_at < now() - interval '30 seconds')
         RETURNING true",
    )
    .bind(customer_id)
    .bind(key)
    .bind(hash)
    .fetch_optional(pool)
    .await
    .map_err(Problem::internal)?;
    if claimed.is_some() {
        return Ok(Claim::Claimed);
    }
    let (stored_hash, status, response): (Vec<u8>, Option<i16>, Option<serde_json::Value>) =
        sqlx::query_as(
            "SELECT request_hash, status, response FROM idempotency_keys WHERE customer_id = $1 AND key = $2",
        )
        .bind(customer_id)
        .bind(key)
        .fetch_one(pool)
        .await
        .map_err(Problem::internal)?;
    if stored_hash != hash {
        return Err(reused());
    }
    match (status, response) {
        (Some(status), Some(body)) => Ok(Claim::Replay(
            StatusCode::from_u16(status as u16).unwrap_or(StatusCode::ACCEPTED),
            body,
        )),
        _ => Err(Problem::new(
            StatusCode::CONFLICT,
            "a request with this Idempotency-Key is still being processed; retry in a moment",
        )),
    }
}

pub fn reused() -> Problem {
    Problem::invalid(
        "Idempotency-Key",
        "was already used with a different request body; use a new key for a new order",
    )
}

/// Records the response the key answers with from now on.
pub async fn finish(
    pool: &PgPool,
    customer_id: &str,
    key: &str,
    status: StatusCode,
    body: &serde_json::Value,
) -> Result<(), Problem> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $3, response = $4 WHERE customer_id = $1 AND key = $2",
    )
    .bind(customer_id)
    .bind(key)
    .bind(status.as_u16() as i16)
    .bind(body)
    .execute(pool)
    .await
    .map_err(Problem::internal)
    .map(drop)
}

/// Frees the key after a command that appended nothing, so a corrected retry can use it.
pub async fn release(pool: &PgPool, customer_id: &str, key: &str) {
    let result = sqlx::query(
        "DELETE FROM idempotency_keys WHERE customer_id = $1 AND key = $2 AND status IS NULL",
    )
    .bind(customer_id)
    .bind(key)
    .execute(pool)
    .await;
    if let Err(error) = result {
        tracing::warn!(%error, "releasing an idempotency key failed; it frees itself in 30 s");
    }
}
