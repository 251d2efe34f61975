//! A fresh, migrated database per test, cloned from a template, so integration tests run in
//! parallel on one real PostgreSQL and never see each other's events.
//!
//! `TEST_DATABASE_URL` names a server and a database to connect to for administration
//! (`scripts/test` starts a throwaway cluster and sets it). Without it the tests fail, loudly:
//! they are integration tests, and skipping them would report a pass that tested nothing.

use sqlx::{Connection, Executor, PgConnection, PgPool};
use uuid::Uuid;

use crate::db::MIGRATOR;

/// An advisory-lock key for "creating the template": test processes race to do it once.
const TEMPLATE_LOCK: i64 = 0x5_4e0b;

pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").expect(
        "TEST_DATABASE_URL is not set: integration tests need PostgreSQL; run scripts/test, \
         which starts one",
    )
}

/// A new database with every migration applied, and its URL.
pub async fn fresh_database() -> (PgPool, String) {
    let admin = admin_url();
    let template = template_name();
    let mut conn = PgConnection::connect(&admin)
        .await
        .expect("connect to TEST_DATABASE_URL");
    conn.execute(format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})").as_str())
        .await
        .unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&template)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    if !exists {
        conn.execute(format!(r#"CREATE DATABASE "{template}""#).as_str())
            .await
            .unwrap();
        let url = with_database(&admin, &template);
        let mut setup = PgConnection::connect(&url).await.unwrap();
        MIGRATOR.run(&mut setup).await.expect("migrations apply");
        setup.close().await.unwrap();
    }
    let name = format!("test_{}", Uuid::new_v4().simple());
    conn.execute(format!(r#"CREATE DATABASE "{name}" TEMPLATE "{template}""#).as_str())
        .await
        .unwrap();
    conn.execute(format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})").as_str())
        .await
        .unwrap();
    conn.close().await.unwrap();
    let url = with_database(&admin, &name);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(40)
        .connect(&url)
        .await
        .unwrap();
    (pool, url)
}

/// The template's name follows the migrations, so a changed migration gets a new template.
fn template_name() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for migration in MIGRATOR.iter() {
        for byte in migration.checksum.iter() {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3);
        }
    }
    format!("shop_template_{hash:016x}")
}

/// `url` with its database replaced by `database`, query string kept.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    match query {
        Some(q) => format!("{server}/{database}?{q}"),
        None => format!("{server}/{database}"),
    }
}
