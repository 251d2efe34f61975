//! Signing the shoppers in: one Cognito user, and so one access token, per shopper, got the way
//! a browser gets it.

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::RunArgs;

/// The shoppers' access tokens, one per `--clients`: `{}` in `--users` becomes 1..=clients.
/// Signed in one after another, before the clock starts, so sign-in is no part of the load.
pub async fn sign_in_shoppers(
    http: &reqwest::Client,
    args: &RunArgs,
) -> anyhow::Result<Vec<String>> {
    let users: Vec<String> = (1..=args.clients)
        .map(|i| args.users.replace("{}", &i.to_string()))
        .collect();
    let mut tokens = Vec::with_capacity(users.len());
    for user in &users {
        tokens.push(
            sign_in(
                http,
                &args.cognito_endpoint,
                &args.client_id,
                user,
                &args.password,
            )
            .await
            .with_context(|| format!("signing in {user}"))?,
        );
    }
    Ok(tokens)
}

/// Cognito's USER_PASSWORD_AUTH: an unsigned InitiateAuth call, as a browser makes it.
async fn sign_in(
    http: &reqwest::Client,
    endpoint: &str,
    client_id: &str,
    user: &str,
    password: &str,
) -> anyhow::Result<String> {
    let response = http
        .post(endpoint.trim_end_matches('/').to_string() + "/")
        .header(
            "X-Amz-Target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )
        .header("Content-Type", "application/x-amz-json-1.1")
        .body(
            json!({
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": client_id,
                "AuthParameters": {"USERNAME": user, "PASSWORD": password},
            })
            .to_string(),
        )
        .send()
        .await?;
    let status = response.status();
    let body: Value = serde_json::from_str(&response.text().await?).unwrap_or(Value::Null);
    match body["AuthenticationResult"]["AccessToken"].as_str() {
        Some(token) if status.is_success() => Ok(token.to_string()),
        _ => bail!(
            "Cognito answered {status}: {} (create the users with scripts/local_aws.py users)",
            body["message"].as_str().unwrap_or("no token")
        ),
    }
}
