//! On AWS the services find RDS through Secrets Manager: a secret holding `username` and
//! `password`, beside `DATABASE_HOST`/`PORT`/`NAME`. Here the secret lives in moto and the
//! database is the test PostgreSQL.

use eventstore::testing::fresh_database;
use platform::Settings;
use platform::settings::DatabaseSecret;
use sqlx::Connection;

/// A fresh database, the settings pointed at moto, and a Secrets Manager client there.
async fn setup() -> (String, Settings, aws_sdk_secretsmanager::Client) {
    let endpoint = std::env::var("TEST_AWS_ENDPOINT_URL")
        .expect("TEST_AWS_ENDPOINT_URL is not set: run scripts/test, which starts moto");
    let (_, url) = fresh_database().await;
    let base = Settings {
        aws_endpoint_url: Some(endpoint),
        ..Settings::from_env().unwrap()
    };
    let secrets = aws_sdk_secretsmanager::Client::new(&platform::aws::sdk_config(&base).await);
    (url, base, secrets)
}

/// A new secret holding `value` (username/password JSON); its ARN.
async fn create_secret(secrets: &aws_sdk_secretsmanager::Client, value: &str) -> String {
    secrets
        .create_secret()
        .name(format!("rds-{}", uuid::Uuid::new_v4().simple()))
        .secret_string(value)
        .send()
        .await
        .unwrap()
        .arn
        .unwrap()
}

/// The secret `arn` for the database of `url` (postgres://postgres@HOST:PORT/NAME).
fn secret_for(url: &str, arn: &str) -> DatabaseSecret {
    let rest = url.split('@').nth(1).unwrap();
    let (server, name) = rest.split_once('/').unwrap();
    let (host, port) = server.split_once(':').unwrap();
    DatabaseSecret {
        arn: arn.to_string(),
        host: host.to_string(),
        port: port.parse().unwrap(),
        name: name.split('?').next().unwrap().to_string(),
        // The test server has no TLS; RDS is `require` (the default).
        ssl_mode: "prefer".into(),
    }
}

#[tokio::test]
async fn credentials_come_from_the_secret_when_no_url_is_given() {
    let (url, base, secrets) = setup().await;
    let arn = create_secret(
        &secrets,
        r#"{"username": "postgres", "password": "not-needed-by-trust-auth"}"#,
    )
    .await;
    let config = Settings {
        database_secret: Some(secret_for(&url, &arn)),
        database_url: "postgres://nobody@127.0.0.1:1/none".into(),
        ..base.clone()
    };
    let pool = platform::db::connect_configured(&config).await.unwrap();
    let user: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(user, "postgres");

    let missing = Settings {
        database_secret: Some(secret_for(
            &url,
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:none",
        )),
        ..base
    };
    let error = platform::db::connect_configured(&missing)
        .await
        .unwrap_err();
    assert!(
        format!("{error:#}").contains("database secret"),
        "{error:#}"
    );
}

/// After RDS rotates the password, new connections are refused (28P01) until the services read
/// the secret again. A refusal has them read it at once, not at the next ten-minute refresh.
/// The test server trusts any password, so the rotation here is of the user name, which the
/// new connections show.
#[tokio::test]
async fn a_refused_password_has_the_secret_read_again_at_once() {
    let (url, base, secrets) = setup().await;
    let arn = create_secret(
        &secrets,
        r#"{"username": "postgres", "password": "before-rotation"}"#,
    )
    .await;
    let config = Settings {
        database_secret: Some(secret_for(&url, &arn)),
        database_url: "postgres://nobody@127.0.0.1:1/none".into(),
        ..base
    };
    let pool = platform::db::connect_configured(&config).await.unwrap();
    let rotated = format!("rotated_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE ROLE {rotated} LOGIN SUPERUSER"))
        .execute(&pool)
        .await
        .unwrap();
    secrets
        .put_secret_value()
        .secret_id(&arn)
        .secret_string(format!(
            r#"{{"username": "{rotated}", "password": "after-rotation"}}"#
        ))
        .send()
        .await
        .unwrap();

    // What a connection opened with the old password meets.
    platform::db::credentials_refused();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    loop {
        if pool.connect_options().get_username() == rotated {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the secret was not read again within 3 s of the refusal"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut fresh = sqlx::postgres::PgConnection::connect_with(&pool.connect_options())
        .await
        .unwrap();
    let user: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&mut fresh)
        .await
        .unwrap();
    assert_eq!(user, rotated);
    drop(fresh);
    pool.close().await;
    let admin = platform::db::connect(&url, 1).await.unwrap();
    sqlx::query(&format!("DROP ROLE IF EXISTS {rotated}"))
        .execute(&admin)
        .await
        .ok();
}
