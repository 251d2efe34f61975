//! From commands to read models on a real PostgreSQL: the reader never skips an event that
//! commits late, the saga settles orders, the read models show it, and a rebuild from the log
//! equals what was built incrementally, row for row.

use aggregates::OrderCommand;
use eventstore::log::read_after;
use eventstore::testing::{context, fresh_database, place_order, place_orders, register, rows};
use eventstore::{Cursor, Store, StoredEvent};
use projections::rebuild::rebuild;
use projections::rebuild_requests;
use projections::{Projector, ReadModels};
use sqlx::PgPool;
use std::time::Duration;

const INSERT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
     VALUES ('Stock', $1, 1, 'ProductRegistered', '1', '{}', '{}')";

fn drain(events: Vec<StoredEvent>, cursor: &mut Cursor, seen: &mut Vec<String>) {
    for e in events {
        *cursor = e.cursor();
        seen.push(e.aggregate_id);
    }
}

#[tokio::test]
async fn an_event_that_commits_late_is_still_read_once() {
    let (pool, _) = fresh_database().await;
    // A long transaction takes its position first and commits last.
    let mut slow = pool.begin().await.unwrap();
    sqlx::query(INSERT)
        .bind("SLOW-1")
        .execute(&mut *slow)
        .await
        .unwrap();
    for sku in ["FAST-1", "FAST-2"] {
        sqlx::query(INSERT).bind(sku).execute(&pool).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut cursor = Cursor::default();
    drain(
        read_after(&pool, cursor, &[], 100).await.unwrap(),
        &mut cursor,
        &mut seen,
    );
    assert!(
        seen.is_empty(),
        "nothing is readable while an older transaction runs: {seen:?}"
    );
    slow.commit().await.unwrap();
    // The horizon is cluster-wide: a transaction in another test's database can hold it a moment.
    for _ in 0..500 {
        drain(
            read_after(&pool, cursor, &[], 100).await.unwrap(),
            &mut cursor,
            &mut seen,
        );
        if seen.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // One more read: nothing may come twice.
    drain(
        read_after(&pool, cursor, &[], 100).await.unwrap(),
        &mut cursor,
        &mut seen,
    );
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["FAST-1", "FAST-2", "SLOW-1"],
        "each event exactly once: {seen:?}"
    );
    assert_eq!(
        seen[0], "SLOW-1",
        "commit order puts the older transaction first"
    );
}

async fn run_all(pool: &PgPool, store: &Store) {
    Projector::new(pool.clone(), store.clone())
        .settle(Duration::from_secs(10))
        .await
        .unwrap();
}

#[tokio::test]
async fn orders_settle_and_read_models_equal_a_rebuild() {
    let (pool, _) = fresh_database().await;
    let store = eventstore::testing::store(&pool, 3);
    for (sku, units) in [("TEA-1", 3), ("MUG-2", 10)] {
        register(&store, sku, 250, units).await;
    }
    let mut ids = Vec::new();
    for quantity in [2, 2, 1] {
        let (id, place) = place_order("c1", &[("TEA-1", quantity), ("MUG-2", 1)]);
        store.order(id, place, &context()).await.unwrap();
        ids.push(id);
    }
    run_all(&pool, &store).await;
    let statuses: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT status, reason FROM orders WHERE order_id = ANY($1) ORDER BY placed_at",
    )
    .bind(&ids)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(statuses[0], ("confirmed".into(), None));
    assert_eq!(
        statuses[1],
        (
            "rejected".into(),
            Some("insufficient stock for TEA-1: 2 requested, 1 available".into())
        )
    );
    assert_eq!(statuses[2], ("confirmed".into(), None));
    let stock: Vec<(String, i32, i32, i32)> =
        sqlx::query_as("SELECT sku, on_hand, reserved, available FROM products ORDER BY sku")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        stock,
        [("MUG-2".into(), 10, 2, 8), ("TEA-1".into(), 3, 3, 0)]
    );

    // Cancel one: the saga releases, the catalog shows the units back.
    store
        .order(ids[0], OrderCommand::CancelOrder, &context())
        .await
        .unwrap();
    run_all(&pool, &store).await;
    let available: i32 = sqlx::query_scalar("SELECT available FROM products WHERE sku = 'TEA-1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(available, 2);

    // One read model alone, then both in one pass, twice: each swap must leave the tables (and
    // their index names) as the next rebuild expects them.
    let before = (rows(&pool, "products").await, rows(&pool, "orders").await);
    let indexes = index_names(&pool).await;
    let mut progress = Vec::new();
    let read_models = ReadModels::shop();
    let catalog = read_models.chosen(Some("catalog")).unwrap();
    let replayed = rebuild(&pool, &catalog, |p| progress.push(p))
        .await
        .unwrap();
    assert_eq!(replayed, progress.last().unwrap().events_done);
    for _ in 0..2 {
        let replayed = rebuild(&pool, &read_models.chosen(None).unwrap(), |_| {})
            .await
            .unwrap();
        assert!(replayed > 0);
        assert_eq!(
            (rows(&pool, "products").await, rows(&pool, "orders").await),
            before,
            "the read models equal their rebuild"
        );
        assert_eq!(index_names(&pool).await, indexes);
    }
    let leftovers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_tables WHERE tablename LIKE '%_rebuild' AND schemaname = current_schema()",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(leftovers, 0, "no shadow table is left behind");
    assert!(
        read_models.chosen(Some("reservations")).is_err(),
        "the saga is no read model and is never replayed"
    );
    // Running everything again after a rebuild changes nothing.
    run_all(&pool, &store).await;
    assert_eq!(rows(&pool, "orders").await.len(), 3);
}

/// The saga's applied events in each round until a round moves nothing.
async fn saga_pages(projector: &Projector) -> Vec<usize> {
    let mut pages = Vec::new();
    loop {
        let round = projector.round().await.unwrap();
        if round.iter().all(|(_, applied)| applied.events == 0) {
            return pages;
        }
        pages.push(round[0].1.events);
    }
}

#[tokio::test]
async fn a_saga_backlog_holds_back_no_read_model_and_a_settled_one_replays_in_growing_pages() {
    let (pool, _) = fresh_database().await;
    let store = eventstore::testing::store(&pool, 3);
    register(&store, "TEA-1", 250, 10_000).await;
    let ids = place_orders(&store, "TEA-1", 150).await;
    let projector = Projector::new(pool.clone(), store.clone());
    // The horizon is cluster-wide: wait until every placement is readable.
    for _ in 0..500 {
        if read_after(&pool, Cursor::default(), &["Order"], 1000)
            .await
            .unwrap()
            .len()
            == 150
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let first = projector.round().await.unwrap();
    let by_name: std::collections::HashMap<_, _> =
        first.iter().map(|(name, a)| (*name, a.events)).collect();
    assert!(
        by_name["reservations"] < 150,
        "the saga takes a bounded page of a backlog that costs commands: {by_name:?}"
    );
    let shown: i64 = sqlx::query_scalar("SELECT count(*) FROM orders WHERE order_id = ANY($1)")
        .bind(&ids)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        shown, 150,
        "every order is shown after the first round, saga or not"
    );
    projector.settle(Duration::from_secs(20)).await.unwrap();
    let confirmed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM orders WHERE order_id = ANY($1) AND status = 'confirmed'",
    )
    .bind(&ids)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(confirmed, 150);

    // Replayed from the start, a settled log costs the saga no command: its pages double.
    sqlx::query(
        "UPDATE projection_checkpoints SET transaction_id = '0', global_position = 0
          WHERE name = 'reservations'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let fresh = Projector::new(pool.clone(), store.clone());
    assert_eq!(
        saga_pages(&fresh).await,
        [100, 200],
        "300 order events, settled"
    );
    let reserved: i32 = sqlx::query_scalar("SELECT reserved FROM products WHERE sku = 'TEA-1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(reserved, 150, "replaying reserved nothing twice");
}

async fn index_names(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes
          WHERE schemaname = current_schema() AND tablename IN ('products', 'orders') ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_requested_rebuild_is_claimed_once_and_reports_progress() {
    let (pool, _) = fresh_database().await;
    let store = eventstore::testing::store(&pool, 50);
    register(&store, "JAM-1", 400, 5).await;
    run_all(&pool, &store).await;
    let before = rows(&pool, "products").await;

    assert!(
        rebuild_requests::request(&pool, &ReadModels::shop(), Some("nonsense"), "admin")
            .await
            .is_err()
    );
    let asked = rebuild_requests::request(&pool, &ReadModels::shop(), Some("catalog"), "admin")
        .await
        .unwrap();
    let again = rebuild_requests::request(&pool, &ReadModels::shop(), None, "admin")
        .await
        .unwrap();
    assert_eq!(
        again.request_id, asked.request_id,
        "one pending request at a time"
    );

    let finished = rebuild_requests::serve_request(&pool, &ReadModels::shop())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(finished.request_id, asked.request_id);
    assert_eq!((finished.status.as_str(), finished.error), ("done", None));
    let stock_events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_type = 'Stock'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(finished.events_done, stock_events);
    assert!(
        rebuild_requests::serve_request(&pool, &ReadModels::shop())
            .await
            .unwrap()
            .is_none(),
        "claimed once"
    );
    let latest = rebuild_requests::latest(&pool).await.unwrap().unwrap();
    assert_eq!(latest.status, "done");
    assert_eq!(rows(&pool, "products").await, before);
}
