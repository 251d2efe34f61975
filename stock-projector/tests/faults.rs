//! Faults of the queue and of the projector process that must change nothing but latency, each
//! against the real `stock-projector` binary, a real PostgreSQL and a real moto. After each, every
//! order is decided, nothing is oversold, and the read models equal a full rebuild row for row.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{QueueAttributeName, SendMessageBatchRequestEntry};
use eventstore::Store;
use eventstore::publish::Publisher;
use eventstore::testing::{
    context, fifo_queue, fresh_database, moto_endpoint, place_order, rows, sqs,
};
use futures::future::join_all;
use platform::faults::{Fault, FaultSwitches};
use projections::ReadModels;
use sqlx::PgPool;
use uuid::Uuid;

/// One test's world: a fresh database, and a FIFO queue of its own on the shared moto.
struct Scene {
    endpoint: String,
    sqs: Client,
    queue: String,
    pool: PgPool,
    url: String,
}

async fn scene() -> Scene {
    let endpoint = moto_endpoint();
    let sqs = sqs(&endpoint).await;
    let queue = fifo_queue(&sqs, &format!("faults-{}.fifo", Uuid::new_v4().simple())).await;
    let (pool, url) = fresh_database().await;
    Scene {
        endpoint,
        sqs,
        queue,
        pool,
        url,
    }
}

impl Scene {
    /// A store that publishes to the scene's queue, with the given fault switches.
    fn store(&self, faults: platform::faults::Faults) -> Store {
        let publisher = Publisher::new(self.sqs.clone(), self.queue.clone())
            .with_faults(FaultSwitches::fixed(faults));
        eventstore::shop_store(self.pool.clone(), 50, Some(publisher))
    }

    fn projector(&self) -> Projector {
        Projector::start(&self.url, &self.queue, &self.endpoint)
    }

    /// The projector with extra arguments and environment (fault switches, say). Its health
    /// server takes a free port: a `scripts/dev` stack may hold the default one.
    fn projector_with(&self, args: &[&str], env: &[(&str, &str)]) -> Projector {
        let mut command = Command::new(env!("CARGO_BIN_EXE_stock-projector"));
        command
            .args(["run", "--http", "127.0.0.1:0", "--poll-seconds", "1"])
            .args(args)
            .env("DATABASE_URL", &self.url)
            .env("EVENT_QUEUE_URL", &self.queue)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        Projector(command.spawn().expect("the stock-projector binary starts"))
    }
}

/// The projector binary, running against one test's database and queue.
struct Projector(Child);

impl Projector {
    fn start(database_url: &str, queue_url: &str, endpoint: &str) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_stock-projector"))
            .args(["run", "--http", "127.0.0.1:0", "--poll-seconds", "1"])
            .env("DATABASE_URL", database_url)
            .env("EVENT_QUEUE_URL", queue_url)
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the stock-projector binary starts");
        Self(child)
    }

    /// SIGTERM, as ECS stops a task; the projector must finish its batch and exit 0.
    fn stop(mut self) {
        let pid = self.0.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                assert!(
                    status.success(),
                    "the projector exits cleanly on SIGTERM: {status}"
                );
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the projector did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn kill_9(&mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for Projector {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn register(store: &Store, sku: &str, units: u32) {
    eventstore::testing::register(store, sku, 300, units).await;
}

/// Places `n` one-unit orders for `sku`, a few at a time, and returns their ids.
async fn place(store: &Store, sku: &str, n: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(8) {
        let placed = join_all(chunk.iter().map(|_| async {
            let (id, command) = place_order("c1", &[(sku, 1)]);
            store.order(id, command, &context()).await.unwrap();
            id
        }))
        .await;
        ids.extend(placed);
    }
    ids
}

/// How many of `ids` the orders read model shows decided.
async fn decided(pool: &PgPool, ids: &[Uuid]) -> usize {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM orders WHERE order_id = ANY($1) AND status IN ('confirmed', 'rejected')",
    )
    .bind(ids)
    .fetch_one(pool)
    .await
    .unwrap();
    n as usize
}

async fn wait_decided(pool: &PgPool, ids: &[Uuid], within: Duration) {
    let deadline = Instant::now() + within;
    while decided(pool, ids).await < ids.len() {
        assert!(
            Instant::now() < deadline,
            "{} of {} orders decided after {within:?}",
            decided(pool, ids).await,
            ids.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every invariant a fault must not break, once the projector has settled.
async fn assert_consistent(pool: &PgPool, sku: &str, units: i64) {
    let statuses: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, count(*) FROM orders GROUP BY status ORDER BY status")
            .fetch_all(pool)
            .await
            .unwrap();
    assert!(
        statuses
            .iter()
            .all(|(s, _)| s == "confirmed" || s == "rejected"),
        "every order decided: {statuses:?}"
    );
    let confirmed = statuses
        .iter()
        .find(|(s, _)| s == "confirmed")
        .map_or(0, |(_, n)| *n);
    let (reserved, available): (i32, i32) =
        sqlx::query_as("SELECT reserved, available FROM products WHERE sku = $1")
            .bind(sku)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        i64::from(reserved),
        confirmed,
        "one unit reserved per confirmed order"
    );
    assert!(
        available >= 0 && i64::from(reserved) <= units,
        "never oversold"
    );
    let reservations: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE event_type = 'StockReserved' AND aggregate_id = $1",
    )
    .bind(sku)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(reservations, confirmed, "no reservation appended twice");
    let before = (rows(pool, "products").await, rows(pool, "orders").await);
    projections::rebuild::rebuild(pool, &ReadModels::shop().chosen(None).unwrap(), |_| {})
        .await
        .unwrap();
    assert_eq!(
        (rows(pool, "products").await, rows(pool, "orders").await),
        before,
        "the read models equal a full rebuild"
    );
}

#[tokio::test]
async fn an_order_whose_message_was_never_sent_is_found_by_the_catch_up_timer() {
    let s = scene().await;
    let pool = s.pool.clone();
    // A handler that crashed between its commit and its send: events, no message.
    let store = eventstore::testing::store(&pool, 50);
    register(&store, "TEA-1", 3).await;
    let projector = s.projector();
    let ids = place(&store, "TEA-1", 5).await;
    wait_decided(&pool, &ids, Duration::from_secs(20)).await;
    projector.stop();
    assert_consistent(&pool, "TEA-1", 3).await;
}

#[tokio::test]
async fn duplicated_reordered_and_bogus_messages_change_nothing() {
    let s = scene().await;
    let (pool, sqs, queue) = (s.pool.clone(), s.sqs.clone(), s.queue.clone());
    let store = s.store(Default::default());
    register(&store, "MUG-1", 4).await;
    let projector = s.projector();
    let ids = place(&store, "MUG-1", 6).await;
    wait_decided(&pool, &ids, Duration::from_secs(20)).await;
    // The timeline shows the queue's hops of an order too.
    let timeline = projections::timeline::timeline(
        &pool,
        &ReadModels::shop().followers(),
        &ids[0].to_string(),
    )
    .await
    .unwrap()
    .unwrap();
    let hops: Vec<&str> = timeline.hops.iter().map(|h| h.name.as_str()).collect();
    for hop in [
        "OrderPlaced appended",
        "message sent",
        "message received",
        "OrderConfirmed applied to orders",
    ] {
        assert!(
            hops.contains(&hop)
                || hop == "OrderConfirmed applied to orders"
                    && hops.contains(&"OrderRejected applied to orders"),
            "{hop} missing from {hops:?}"
        );
    }
    let before = (rows(&pool, "orders").await, rows(&pool, "products").await);
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();

    // Every order's message again, newest first, plus one naming events that never existed.
    let mut bodies = Vec::new();
    for id in ids.iter().rev() {
        let (event_id, position): (Uuid, i64) = sqlx::query_as(
            "SELECT event_id, global_position FROM events WHERE aggregate_id = $1 AND sequence = 1",
        )
        .bind(id.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
        bodies.push(serde_json::json!({
            "aggregate_type": "Order", "aggregate_id": id.to_string(), "correlation_id": "replayed",
            "events": [{"event_id": event_id, "sequence": 1, "global_position": position, "event_type": "OrderPlaced"}],
        }));
    }
    bodies.push(serde_json::json!({
        "aggregate_type": "Order", "aggregate_id": Uuid::new_v4().to_string(), "correlation_id": "bogus",
        "events": [{"event_id": Uuid::new_v4(), "sequence": 9, "global_position": 999_999, "event_type": "OrderPlaced"}],
    }));
    for chunk in bodies.chunks(10) {
        let entries = chunk.iter().enumerate().map(|(i, body)| {
            SendMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .message_body(body.to_string())
                .message_group_id("replay")
                .message_deduplication_id(Uuid::new_v4().to_string())
                .build()
                .unwrap()
        });
        sqs.send_message_batch()
            .queue_url(&queue)
            .set_entries(Some(entries.collect()))
            .send()
            .await
            .unwrap();
    }
    // The projector wakes on them, finds nothing new in the store, and deletes them.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&queue)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .unwrap();
        let left: i64 = attributes
            .attributes()
            .unwrap()
            .values()
            .map(|v| v.parse::<i64>().unwrap())
            .sum();
        if left == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{left} messages still on the queue"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    projector.stop();
    let after_events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(after_events, events, "nothing appended");
    assert_eq!(
        (rows(&pool, "orders").await, rows(&pool, "products").await),
        before
    );
    assert_consistent(&pool, "MUG-1", 4).await;
}

#[tokio::test]
async fn a_projector_killed_mid_batch_restarts_where_it_committed() {
    let s = scene().await;
    let pool = s.pool.clone();
    let store = s.store(Default::default());
    register(&store, "JAM-1", 40).await;
    let ids = place(&store, "JAM-1", 100).await;

    // Kill it once the saga has decided some orders and not all: inside its batch, whose
    // commands have appended but whose checkpoint has not moved.
    let terminal = || async {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM events WHERE event_type IN ('OrderConfirmed', 'OrderRejected')",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        n as usize
    };
    let mut first = s.projector();
    let deadline = Instant::now() + Duration::from_secs(30);
    while terminal().await == 0 {
        assert!(
            Instant::now() < deadline,
            "the projector never started deciding"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill_9();
    let at_kill = terminal().await;
    assert!(
        at_kill < ids.len(),
        "killed mid-batch, with {at_kill} of {} decided",
        ids.len()
    );

    let second = s.projector();
    wait_decided(&pool, &ids, Duration::from_secs(60)).await;
    second.stop();
    assert_consistent(&pool, "JAM-1", 40).await;
    let confirmed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM orders WHERE status = 'confirmed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(confirmed, 40, "exactly the stock on hand was sold");
}

#[tokio::test]
async fn moto_stopped_while_commands_commit_then_started_again() {
    let moto = std::env::var("TEST_MOTO_SERVER")
        .expect("TEST_MOTO_SERVER is not set: run scripts/test, which names moto's server binary");
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let start_moto = || {
        Command::new(&moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let sqs = sqs(&endpoint).await;
    let up = |sqs: Client| async move {
        for _ in 0..200 {
            if let Ok(out) = sqs
                .create_queue()
                .queue_name("events.fifo")
                .attributes(QueueAttributeName::FifoQueue, "true")
                .send()
                .await
            {
                return out.queue_url.unwrap();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("moto did not start");
    };
    let mut server = start_moto();
    let queue = up(sqs.clone()).await;
    let (pool, url) = fresh_database().await;
    // Batching, as the gateway publishes: a whole batch failing at once loses no order either.
    let store = eventstore::shop_store(
        pool.clone(),
        50,
        Some(Publisher::new(sqs.clone(), queue.clone()).batching()),
    );
    register(&store, "TEA-9", 10).await;
    let projector = Projector::start(&url, &queue, &endpoint);
    let mut ids = place(&store, "TEA-9", 3).await;
    wait_decided(&pool, &ids, Duration::from_secs(20)).await;

    // The queue disappears: sends fail (and are only logged), receives fail, commands go on.
    server.kill().unwrap();
    server.wait().unwrap();
    let during = place(&store, "TEA-9", 4).await;
    wait_decided(&pool, &during, Duration::from_secs(30)).await;
    ids.extend(during);

    // moto keeps nothing across a restart: the queue comes back empty under the same URL.
    let mut server = start_moto();
    assert_eq!(up(sqs.clone()).await, queue);
    let after = place(&store, "TEA-9", 5).await;
    wait_decided(&pool, &after, Duration::from_secs(30)).await;
    ids.extend(after);
    projector.stop();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_consistent(&pool, "TEA-9", 10).await;
    assert_eq!(decided(&pool, &ids).await, 12);
}

// Fault switches (platform::faults): each shows its effect, and turning it off loses nothing.

#[tokio::test]
async fn the_crash_switch_stops_the_projector_and_turning_it_off_loses_nothing() {
    let s = scene().await;
    let pool = s.pool.clone();
    let store = s.store(Default::default());
    register(&store, "PEN-1", 5).await;
    let ids = place(&store, "PEN-1", 3).await;
    let mut crashing = s.projector_with(&[], &[("SHOP_FAULT_CRASH_ON_EVENT", "OrderConfirmed")]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = crashing.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the projector did not crash on OrderConfirmed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(70), "exit code of a deliberate crash");
    let confirmed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM orders WHERE status = 'confirmed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        confirmed, 0,
        "the crash came before any confirmation reached the read model"
    );

    // The environment turned the switch on for every process, as the console would.
    let flipped_by: String =
        sqlx::query_scalar("SELECT flipped_by FROM fault_switches WHERE name = 'projector_crash'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(flipped_by, "environment (SHOP_FAULT_*)");
    flip(
        &pool,
        Fault::ProjectorCrash {
            event_type: "OrderConfirmed".into(),
        },
        false,
    )
    .await;
    let healthy = s.projector();
    wait_decided(&pool, &ids, Duration::from_secs(30)).await;
    healthy.stop();
    assert_consistent(&pool, "PEN-1", 5).await;
}

#[tokio::test]
async fn a_failing_sqs_send_costs_latency_and_nothing_else() {
    let s = scene().await;
    let (pool, sqs, queue) = (s.pool.clone(), s.sqs.clone(), s.queue.clone());
    let broken = s.store(platform::faults::Faults {
        fail_sqs_send: true,
        ..Default::default()
    });
    register(&broken, "CUP-1", 6).await;
    let mut ids = place(&broken, "CUP-1", 3).await;
    assert_eq!(depth(&sqs, &queue).await, 0, "nothing reached the queue");
    let projector = s.projector();
    wait_decided(&pool, &ids, Duration::from_secs(30)).await;

    let mended = s.store(Default::default());
    let after = place(&mended, "CUP-1", 2).await;
    wait_decided(&pool, &after, Duration::from_secs(30)).await;
    ids.extend(after);
    projector.stop();
    assert_consistent(&pool, "CUP-1", 6).await;
}

#[tokio::test]
async fn a_slow_database_slows_every_command_and_changes_nothing_else() {
    let (pool, _) = fresh_database().await;
    let slow = platform::faults::Faults {
        db_latency: Some(Duration::from_millis(300)),
        ..Default::default()
    };
    let store = eventstore::testing::store(&pool, 50).with_faults(FaultSwitches::fixed(slow));
    let started = Instant::now();
    register(&store, "INK-1", 2).await;
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the append waited for the switch"
    );
    let fast = eventstore::testing::store(&pool, 50);
    let ids = place(&fast, "INK-1", 1).await;
    projections::Projector::new(pool.clone(), fast.clone())
        .settle(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(decided(&pool, &ids).await, 1);
}

#[tokio::test]
async fn poison_messages_go_to_the_dead_letter_queue_while_orders_flow() {
    let endpoint = moto_endpoint();
    let sqs = sqs(&endpoint).await;
    let name = format!("faults-{}", Uuid::new_v4().simple());
    let dlq = fifo_queue(&sqs, &format!("{name}-dlq.fifo")).await;
    let dlq_arn = sqs
        .get_queue_attributes()
        .queue_url(&dlq)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes()
        .unwrap()[&QueueAttributeName::QueueArn]
        .clone();
    let queue = sqs
        .create_queue()
        .queue_name(format!("{name}.fifo"))
        .attributes(QueueAttributeName::FifoQueue, "true")
        .attributes(
            QueueAttributeName::RedrivePolicy,
            serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}).to_string(),
        )
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let (pool, url) = fresh_database().await;
    let poisoning = platform::faults::Faults {
        poison: true,
        ..Default::default()
    };
    let store = eventstore::shop_store(
        pool.clone(),
        50,
        Some(
            Publisher::new(sqs.clone(), queue.clone()).with_faults(FaultSwitches::fixed(poisoning)),
        ),
    );
    register(&store, "BAG-1", 4).await;
    let ids = place(&store, "BAG-1", 2).await;
    let projector = Command::new(env!("CARGO_BIN_EXE_stock-projector"))
        .args([
            "run",
            "--http",
            "127.0.0.1:0",
            "--poll-seconds",
            "1",
            "--visibility-seconds",
            "1",
        ])
        .env("DATABASE_URL", &url)
        .env("EVENT_QUEUE_URL", &queue)
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let projector = Projector(projector);
    wait_decided(&pool, &ids, Duration::from_secs(30)).await;
    // One poison per command: the registration and two orders, and each saga command after.
    let deadline = Instant::now() + Duration::from_secs(60);
    while depth(&sqs, &dlq).await < 3 {
        assert!(
            Instant::now() < deadline,
            "poison messages did not reach the DLQ"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let dead = sqs
        .receive_message()
        .queue_url(&dlq)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    assert!(
        dead.messages()
            .iter()
            .all(|m| m.body().unwrap_or_default().contains("fault switch")),
        "only the poison is dead-lettered"
    );
    projector.stop();
    assert_consistent(&pool, "BAG-1", 4).await;
}

async fn depth(sqs: &Client, queue: &str) -> i64 {
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(queue)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .unwrap();
    attributes
        .attributes()
        .map_or(0, |a| a.values().map(|v| v.parse::<i64>().unwrap()).sum())
}

#[tokio::test]
async fn the_container_health_check_follows_the_service() {
    let endpoint = moto_endpoint();
    let sqs = sqs(&endpoint).await;
    let queue = fifo_queue(&sqs, &format!("health-{}.fifo", Uuid::new_v4().simple())).await;
    let (_, url) = fresh_database().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let check = || {
        Command::new(env!("CARGO_BIN_EXE_stock-projector"))
            .args(["healthcheck", "--http", &format!("0.0.0.0:{port}")])
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    assert!(!check(), "nothing listens yet");
    let projector = Projector(
        Command::new(env!("CARGO_BIN_EXE_stock-projector"))
            .args(["run", "--http", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", &url)
            .env("EVENT_QUEUE_URL", &queue)
            .env("AWS_ENDPOINT_URL", &endpoint)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(Instant::now() < deadline, "the health check never passed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    projector.stop();
    assert!(!check(), "a stopped projector is unhealthy");
}

// The same switches flipped at run time, through the `fault_switches` table every process reads.

/// Turns `fault` on or off in the scene's table, and waits until every process has seen it.
async fn flip(pool: &PgPool, fault: Fault, enabled: bool) {
    platform::faults::flip(pool, &fault, enabled, "test")
        .await
        .unwrap();
    tokio::time::sleep(platform::faults::REFRESH + Duration::from_millis(100)).await;
}

/// Waits until the projector has received `n` SQS messages for `ids`.
async fn wait_delivered(pool: &PgPool, ids: &[Uuid], n: i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while delivered(pool, ids).await < n {
        assert!(
            Instant::now() < deadline,
            "{n} messages delivered for {ids:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(delivered(pool, ids).await, n);
}

/// SQS messages the projector received for `ids`.
async fn delivered(pool: &PgPool, ids: &[Uuid]) -> i64 {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    sqlx::query_scalar("SELECT count(*) FROM deliveries WHERE aggregate_id = ANY($1)")
        .bind(&ids)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_switch_flipped_at_run_time_takes_effect_and_turning_it_off_loses_nothing() {
    let s = scene().await;
    let pool = s.pool.clone();
    let switches = FaultSwitches::table(pool.clone());
    let publisher = Publisher::new(s.sqs.clone(), s.queue.clone()).with_faults(switches.clone());
    let store = eventstore::shop_store(pool.clone(), 50, Some(publisher)).with_faults(switches);
    register(&store, "JAM-1", 40).await;
    let projector = s.projector();
    let mut all = place(&store, "JAM-1", 2).await;
    wait_decided(&pool, &all, Duration::from_secs(20)).await;
    assert_eq!(
        delivered(&pool, &all).await,
        2,
        "healthy: one message per order"
    );

    // A slow database: every append waits.
    flip(&pool, Fault::SlowDatabase { added_ms: 300 }, true).await;
    let started = Instant::now();
    let slow = place(&store, "JAM-1", 1).await;
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the append waited"
    );
    flip(&pool, Fault::SlowDatabase { added_ms: 300 }, false).await;
    all.extend(slow);

    // Lost and failing sends: no message reaches the projector, the catch-up timer decides.
    for fault in [Fault::SqsMessageLost {}, Fault::SqsSendFailure {}] {
        flip(&pool, fault.clone(), true).await;
        let ids = place(&store, "JAM-1", 3).await;
        wait_decided(&pool, &ids, Duration::from_secs(20)).await;
        assert_eq!(
            delivered(&pool, &ids).await,
            0,
            "{fault:?}: no message delivered"
        );
        flip(&pool, fault, false).await;
        all.extend(ids);
    }

    // Poison: an unreadable message joins the queue and stays there; orders flow meanwhile.
    flip(&pool, Fault::PoisonMessage {}, true).await;
    let ids = place(&store, "JAM-1", 1).await;
    wait_decided(&pool, &ids, Duration::from_secs(20)).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while depth(&s.sqs, &s.queue).await < 1 {
        assert!(
            Instant::now() < deadline,
            "the poison message is in the queue"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    flip(&pool, Fault::PoisonMessage {}, false).await;
    all.extend(ids);

    // All off: messages flow again, and nothing was lost on the way.
    let after = place(&store, "JAM-1", 2).await;
    wait_decided(&pool, &after, Duration::from_secs(20)).await;
    wait_delivered(&pool, &after, 2).await;
    all.extend(after);
    assert_eq!(decided(&pool, &all).await, all.len());
    projector.stop();
    assert_consistent(&pool, "JAM-1", 40).await;
}

#[tokio::test]
async fn the_crash_switch_flipped_at_run_time_stops_the_running_projector() {
    let s = scene().await;
    let pool = s.pool.clone();
    let store = s.store(Default::default());
    register(&store, "JAM-2", 5).await;
    let mut running = s.projector();
    flip(
        &pool,
        Fault::ProjectorCrash {
            event_type: "OrderPlaced".into(),
        },
        true,
    )
    .await;
    let ids = place(&store, "JAM-2", 2).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the running projector did not crash"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(70));
    assert_eq!(decided(&pool, &ids).await, 0);

    flip(
        &pool,
        Fault::ProjectorCrash {
            event_type: "OrderPlaced".into(),
        },
        false,
    )
    .await;
    let restarted = s.projector();
    wait_decided(&pool, &ids, Duration::from_secs(30)).await;
    restarted.stop();
    assert_consistent(&pool, "JAM-2", 5).await;
}
