//! Migrations at start: a new database gets every one; a database one release ahead (a rolling
//! deploy, the projector migrated first) still lets an older binary start.

use eventstore::testing::{admin_url, fresh_database, with_database};
use platform::db::{MIGRATOR, connect};
use sqlx::{Connection, Executor, PgConnection};

#[tokio::test]
async fn a_new_database_gets_every_migration() {
    let name = format!("migrate_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url()).await.unwrap();
    admin
        .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
        .await
        .unwrap();
    let url = with_database(&admin_url(), &name);
    let pool = connect(&url, 10).await.expect("a new database is migrated");
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(applied as usize, MIGRATOR.iter().count());
    sqlx::query("SELECT global_position FROM events LIMIT 1")
        .fetch_optional(&pool)
        .await
        .expect("the event store exists");
}

#[tokio::test]
async fn a_binary_one_migration_behind_still_starts() {
    let (pool, url) = fresh_database().await;
    let newest = MIGRATOR.iter().map(|m| m.version).max().unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES ($1, 'from the next release', true, '\\x00', 1)",
    )
    .bind(newest + 1)
    .execute(&pool)
    .await
    .unwrap();
    assert!(
        MIGRATOR.run(&pool).await.is_err(),
        "sqlx's migrator alone refuses a database that knows a migration it does not"
    );
    connect(&url, 10)
        .await
        .expect("the service starts beside the newer schema");
}
