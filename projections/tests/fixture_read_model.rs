//! Adding a read model is one file plus one registration line: this file is that file. It
//! defines a read model the shop does not have (units ordered per SKU), registers it beside the
//! shop's, and shows that the projector keeps it, `status` reports it, a rebuild replays it
//! into an equal table, and the trace timeline shows it taking each event in.

use std::time::Duration;

use aggregates::OrderEvent;
use async_trait::async_trait;
use eventstore::StoredEvent;
use eventstore::testing::{context, fresh_database, place_order, register, rows, store};
use projections::read_model::ApplyError;
use projections::rebuild::rebuild;
use projections::{Projector, ReadModel, ReadModels};
use sqlx::PgConnection;

/// Units ordered per SKU, cancelled orders included.
struct UnitsOrdered;

#[async_trait]
impl ReadModel for UnitsOrdered {
    fn name(&self) -> &'static str {
        "units_ordered"
    }
    fn aggregate_types(&self) -> &'static [&'static str] {
        &["Order"]
    }
    fn table(&self) -> &'static str {
        "units_ordered"
    }
    async fn apply(
        &self,
        db: &mut PgConnection,
        table: &str,
        events: &[StoredEvent],
    ) -> Result<(), ApplyError> {
        for event in events {
            if let OrderEvent::OrderPlaced { lines, .. } = event.decode()? {
                for line in lines {
                    sqlx::query(&format!(
                        "INSERT INTO {table} (sku, units) VALUES ($1, $2)
                         ON CONFLICT (sku) DO UPDATE SET units = {table}.units + EXCLUDED.units"
                    ))
                    .bind(&line.sku)
                    .bind(i64::from(line.quantity))
                    .execute(&mut *db)
                    .await?;
                }
            }
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_read_model_added_in_one_file_is_kept_reported_rebuilt_and_traced() {
    let (pool, _) = fresh_database().await;
    sqlx::query("CREATE TABLE units_ordered (sku text PRIMARY KEY, units bigint NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    let store = store(&pool, 50);
    register(&store, "TEA-1", 300, 10).await;
    register(&store, "MUG-2", 900, 10).await;
    let mut first = None;
    for lines in [[("TEA-1", 2), ("MUG-2", 1)], [("TEA-1", 3), ("MUG-2", 4)]] {
        let (id, command) = place_order("c1", &lines);
        store.order(id, command, &context()).await.unwrap();
        first.get_or_insert(id);
    }

    // The registration line.
    let read_models = ReadModels::shop().with(UnitsOrdered);
    let projector =
        Projector::new(pool.clone(), store.clone()).with_read_models(read_models.clone());
    projector.settle(Duration::from_secs(10)).await.unwrap();

    let units: Vec<(String, i64)> =
        sqlx::query_as("SELECT sku, units FROM units_ordered ORDER BY sku")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(units, [("MUG-2".into(), 5), ("TEA-1".into(), 5)]);
    // The shop's own read models are kept as before beside it.
    let decided: i64 = sqlx::query_scalar("SELECT count(*) FROM orders WHERE status = 'confirmed'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(decided, 2);

    let status = projector.status().await.unwrap();
    let mine = status.iter().find(|s| s.name == "units_ordered").unwrap();
    assert_eq!((mine.lag_events, mine.last_error.as_deref()), (0, None));
    assert_eq!(mine.position, mine.head_position);

    let before = rows(&pool, "units_ordered").await;
    let chosen = read_models.chosen(Some("units_ordered")).unwrap();
    assert!(rebuild(&pool, &chosen, |_| {}).await.unwrap() > 0);
    assert_eq!(
        rows(&pool, "units_ordered").await,
        before,
        "equal to its rebuild"
    );

    let followers = read_models.followers();
    let id = first.unwrap().to_string();
    let timeline = projections::timeline::timeline(&pool, &followers, &id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        timeline
            .hops
            .iter()
            .any(|h| h.name == "OrderPlaced applied to units_ordered"),
        "{:?}",
        timeline.hops.iter().map(|h| &h.name).collect::<Vec<_>>()
    );
}
