//! The SKUs the shoppers browse and order: read once from the API's catalog before the load
//! starts. loadgen does not seed; the stack's scripts do (`scripts/seed`, `restock_all`).

use anyhow::{Context, bail};
use serde_json::Value;

/// Every SKU `GET {api}/products` lists; an empty catalog is an error, as no order could be placed.
pub async fn skus(http: &reqwest::Client, api: &str) -> anyhow::Result<Vec<String>> {
    let catalog: Value = http
        .get(format!("{api}/products"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .with_context(|| format!("GET {api}/products"))?
        .json()
        .await?;
    let skus: Vec<String> = catalog["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|p| p["sku"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if skus.is_empty() {
        bail!("the catalog at {api}/products is empty: seed it first");
    }
    Ok(skus)
}
