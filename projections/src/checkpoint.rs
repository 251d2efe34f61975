//! Checkpoints: how far each follower of the log (the saga, each read model) has applied it.
//! A follower commits its checkpoint in the same transaction as its writes, so a crash anywhere
//! replays nothing twice and loses nothing. A transaction-scoped advisory lock per follower lets
//! any number of projector instances run: one applies a follower at a time, the others wait.

use eventstore::{Cursor, StoredEvent, log};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

/// A follower of the log with a checkpoint of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Follower {
    /// Its checkpoint's name (and a read model's name for admins).
    pub name: &'static str,
    /// The aggregate types whose events it reads.
    pub aggregate_types: &'static [&'static str],
    /// Whether it is the saga (it issues commands) rather than a read model.
    pub saga: bool,
}

/// A follower's next page, claimed: its lock held by `tx`, which the follower commits with its
/// writes and its new checkpoint.
pub struct Page {
    pub tx: Transaction<'static, Postgres>,
    /// Where the follower stood when it took the lock.
    pub from: Cursor,
    /// Where it will stand after this page.
    pub to: Cursor,
    /// The events after `from`, in commit order; never empty.
    pub events: Vec<StoredEvent>,
}

/// Claims `follower`'s next page of up to `batch` events, or `None` when it is caught up.
pub async fn next_page(
    pool: &PgPool,
    follower: &Follower,
    batch: i64,
) -> sqlx::Result<Option<Page>> {
    // Read before taking the lock: the reading connection holds no transaction id, so it does
    // not hold back its own horizon.
    let checkpoint = read(pool, follower.name).await?;
    let mut events = log::read_after(pool, checkpoint, follower.aggregate_types, batch).await?;
    if events.is_empty() {
        return Ok(None);
    }
    let mut tx = pool.begin().await?;
    lock(&mut tx, follower.name).await?;
    // Another instance may have applied some of these while this one waited for the lock.
    let from = read_in(&mut tx, follower.name).await?;
    events.retain(|e| e.cursor() > from);
    Ok(events.last().map(StoredEvent::cursor).map(|to| Page {
        tx,
        from,
        to,
        events,
    }))
}

/// Holds `name`'s lock until the transaction ends: the one instance applying it.
pub async fn lock(tx: &mut PgConnection, name: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('projection:' || $1))")
        .bind(name)
        .execute(tx)
        .await
        .map(drop)
}

/// Where `name` stands; the beginning of the log when it has never applied anything.
pub async fn read(pool: &PgPool, name: &str) -> sqlx::Result<Cursor> {
    let mut conn = pool.acquire().await?;
    read_in(&mut conn, name).await
}

/// [`read`] on a connection of the caller's (inside its transaction).
pub async fn read_in(db: &mut PgConnection, name: &str) -> sqlx::Result<Cursor> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT transaction_id::text::bigint, global_position FROM projection_checkpoints WHERE name = $1",
    )
    .bind(name)
    .fetch_optional(db)
    .await?;
    Ok(
        row.map_or_else(Cursor::default, |(transaction_id, global_position)| {
            Cursor {
                transaction_id,
                global_position,
            }
        }),
    )
}

/// Moves `name` to `cursor`, recording `error` (or clearing it). A follower seen for the first
/// time gets its row here.
pub async fn save(
    db: &mut PgConnection,
    name: &str,
    cursor: Cursor,
    error: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO projection_checkpoints (name, transaction_id, global_position, updated_at, last_error)
         VALUES ($1, $2::text::xid8, $3, now(), $4)
         ON CONFLICT (name) DO UPDATE
            SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position,
                updated_at = now(), last_error = EXCLUDED.last_error",
    )
    .bind(name)
    .bind(cursor.transaction_id.to_string())
    .bind(cursor.global_position)
    .bind(error)
    .execute(db)
    .await
    .map(drop)
}

/// Records `error` without moving `name`.
pub async fn record_error(db: &mut PgConnection, name: &str, error: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE projection_checkpoints SET last_error = $2, updated_at = now() WHERE name = $1",
    )
    .bind(name)
    .bind(error)
    .execute(db)
    .await
    .map(drop)
}

/// What the status of one follower reads from its row.
#[derive(Debug, Clone)]
pub struct Row {
    pub cursor: Cursor,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub last_error: Option<String>,
}

/// `name`'s row, or `None` when it has never run.
pub async fn row(pool: &PgPool, name: &str) -> sqlx::Result<Option<Row>> {
    let row: Option<(i64, i64, chrono::DateTime<chrono::Utc>, Option<String>)> = sqlx::query_as(
        "SELECT transaction_id::text::bigint, global_position, updated_at, last_error
           FROM projection_checkpoints WHERE name = $1",
    )
    .bind(name)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(
        |(transaction_id, global_position, updated_at, last_error)| Row {
            cursor: Cursor {
                transaction_id,
                global_position,
            },
            updated_at,
            last_error,
        },
    ))
}
