//! The persistence of idempotency keys (the `idempotency_keys` table): a key is claimed with a
//! row before the command runs (so two concurrent retries cannot both place), answered from the
//! row afterwards, and released if the command fails. [`crate::ordering`] decides when.

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

/// A client's key for one request: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

/// What a valid key is, for the caller's error message.
pub const KEY_FORM: &str = "must be 1 to 255 visible ASCII characters (a UUID is a good choice)";

impl IdempotencyKey {
    pub fn parse(text: &str) -> Option<Self> {
        ((1..=255).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic()))
            .then(|| Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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
    /// The key's first response (its status and body), to send again.
    Replay(u16, serde_json::Value),
    /// The key was used with another request.
    Reused,
    /// A request with this key and body is still running.
    InFlight,
}

/// Claims `key` for this request, or says what to answer instead.
pub async fn claim(
    pool: &PgPool,
    customer_id: &str,
    key: &str,
    hash: &[u8],
) -> sqlx::Result<Claim> {
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
    .await?;
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
        .await?;
    if stored_hash != hash {
        return Ok(Claim::Reused);
    }
    Ok(match (status, response) {
        (Some(status), Some(body)) => Claim::Replay(status as u16, body),
        _ => Claim::InFlight,
    })
}

/// Records the response the key answers with from now on.
pub async fn finish(
    pool: &PgPool,
    customer_id: &str,
    key: &str,
    status: u16,
    body: &serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $3, response = $4 WHERE customer_id = $1 AND key = $2",
    )
    .bind(customer_id)
    .bind(key)
    .bind(status as i16)
    .bind(body)
    .execute(pool)
    .await
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
