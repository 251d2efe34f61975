//! One shopper: its loop of requests, closed or open loop, and what each kind of request sends.
//! Latency counts from when a request was due, not from when it was sent (coordinated omission).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use uuid::Uuid;

use super::Shared;
use super::follow::{Follower, follow};
use super::mix::Kind;
use crate::stats::{self, KindStats};

/// Requests until the end (or a stop); returns what it recorded per kind and the followers of
/// its accepted orders (with `--visibility`), which may still be running.
pub async fn shopper(
    shared: Arc<Shared>,
    index: usize,
    token: String,
) -> (BTreeMap<Kind, KindStats>, Vec<Follower>) {
    let a = &shared.args;
    let mut rng = StdRng::from_os_rng();
    let mut stats: BTreeMap<Kind, KindStats> = BTreeMap::new();
    let mut mine: Vec<Uuid> = Vec::new();
    let mut followers = Vec::new();
    let interval =
        (a.rate > 0.0).then(|| Duration::from_secs_f64(a.clients as f64 / a.rate.max(1e-9)));
    // Spread the shoppers' schedules over one interval so they do not fire in lockstep.
    let mut next = shared.start
        + interval.map_or(Duration::ZERO, |i| {
            i.mul_f64(index as f64 / a.clients as f64)
        });
    loop {
        let due = match interval {
            Some(i) => {
                let due = next;
                next += i;
                if due >= shared.end {
                    break;
                }
                tokio::time::sleep_until(due.into()).await;
                due
            }
            None => Instant::now(),
        };
        if due >= shared.end || shared.stopped.load(Ordering::Relaxed) {
            break;
        }
        let kind = a.mix.pick(&mut rng);
        let outcome = act(&shared, &token, kind, &mine, &mut rng).await;
        let latency = due.elapsed();
        let (status, ok) = match &outcome {
            Ok((status, _)) => (status.to_string(), expected(kind, *status)),
            Err(_) => ("transport".to_string(), false),
        };
        if let Ok((202, Some((order_id, position)))) = outcome
            && matches!(kind, Kind::Order | Kind::Oversized)
        {
            mine.push(order_id);
            shared.accepted.fetch_add(1, Ordering::Relaxed);
            if due >= shared.record_from {
                shared
                    .accepted_ids
                    .lock()
                    .await
                    .push((order_id, kind.name()));
                if a.visibility || a.decided {
                    followers.push(tokio::spawn(follow(
                        shared.clone(),
                        token.clone(),
                        order_id,
                        position,
                        due,
                        a.decided,
                    )));
                }
            }
        }
        if due < shared.record_from {
            continue;
        }
        shared.requests.fetch_add(1, Ordering::Relaxed);
        if !ok {
            shared.errors.fetch_add(1, Ordering::Relaxed);
        }
        if let Ok(mut live) = shared.live.lock() {
            stats::record(&mut live, latency);
        }
        let s = stats.entry(kind).or_default();
        stats::record(&mut s.latency, latency);
        *s.statuses.entry(status).or_default() += 1;
        if ok {
            s.ok += 1;
        } else {
            s.errors += 1;
        }
    }
    (stats, followers)
}

/// A 409 to a cancel is the shop working: the order had already been confirmed or rejected.
fn expected(kind: Kind, status: u16) -> bool {
    (200..300).contains(&status) || (kind == Kind::Cancel && status == 409)
}

/// One request of `kind`; an accepted order comes back with its id and position.
async fn act(
    shared: &Shared,
    token: &str,
    kind: Kind,
    mine: &[Uuid],
    rng: &mut StdRng,
) -> reqwest::Result<(u16, Option<(Uuid, i64)>)> {
    let api = &shared.args.api;
    let http = &shared.http;
    let sku = || {
        shared
            .skus
            .choose(&mut rand::rng())
            .cloned()
            .unwrap_or_default()
    };
    let request = match kind {
        Kind::Browse => {
            if rng.random_bool(0.5) {
                http.get(format!("{api}/products"))
            } else {
                http.get(format!("{api}/products/{}", sku()))
            }
        }
        Kind::Order | Kind::Oversized => {
            // The largest quantity a line may ask for: more than any seeded SKU holds, so the
            // saga rejects it.
            let lines: Vec<Value> = if kind == Kind::Oversized {
                vec![json!({"sku": sku(), "quantity": aggregates::limits::MAX_LINE_QUANTITY})]
            } else {
                let n = rng.random_range(1..=3.min(shared.skus.len()));
                shared
                    .skus
                    .choose_multiple(rng, n)
                    .map(|s| json!({"sku": s, "quantity": rng.random_range(1..=2)}))
                    .collect()
            };
            http.post(format!("{api}/orders"))
                .bearer_auth(token)
                .json(&json!({ "lines": lines }))
        }
        Kind::Cancel => match mine.choose(rng) {
            Some(id) => http
                .post(format!("{api}/orders/{id}/cancel"))
                .bearer_auth(token),
            // Nothing to cancel yet: look at my orders instead, as a shopper would.
            None => http.get(format!("{api}/orders")).bearer_auth(token),
        },
    };
    let response = request.send().await?;
    let status = response.status().as_u16();
    let body = response.bytes().await?;
    let placed = (status == 202 && matches!(kind, Kind::Order | Kind::Oversized))
        .then(|| serde_json::from_slice::<Value>(&body).ok())
        .flatten()
        .and_then(|v| {
            Some((
                v["order_id"].as_str()?.parse().ok()?,
                v["position"].as_i64()?,
            ))
        });
    Ok((status, placed))
}
