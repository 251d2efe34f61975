//! The projector's loop: a message (or the poll timing out, which doubles as the catch-up timer
//! for messages that were never sent) wakes it to catch every follower up from the store; the
//! messages are deleted only after that committed. Rebuild requests are served concurrently
//! with that loop, so catch-up goes on while a rebuild replays the log.

use std::time::{Duration, Instant};

use aws_sdk_sqs::types::Message;
use eventstore::publish::EventsAppended;
use projections::{Projector, rebuild_requests, timeline};
use tokio::sync::watch;
use tracing::Instrument;

use crate::consumer::{self, Queue};
use crate::reporting;

/// How long the timeline keeps its records, and how often it is pruned.
const KEEP_DAYS: i32 = 7;
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// How often the dead-letter queue's depth is read.
const DEAD_LETTERS_EVERY: Duration = Duration::from_secs(15);

/// How long a batch waits for the events its messages announced when a catch-up ended short of
/// them (a transaction older than theirs, still running, holds the reader's horizon back). Past
/// this the messages are deleted all the same, not left to end in the dead-letter queue: the
/// events wait in the store, and the poll timer's catch-up finds them.
const HORIZON_WAIT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Worker {
    projector: Projector,
    queue: Option<Queue>,
    poll_seconds: i32,
    visibility: i32,
}

impl Worker {
    /// A worker running `projector`, woken by `queue` (or by its poll timer alone when `None`).
    pub fn new(
        projector: Projector,
        queue: Option<Queue>,
        poll_seconds: i32,
        visibility: i32,
    ) -> Self {
        Self {
            projector,
            queue,
            poll_seconds,
            visibility,
        }
    }

    /// Runs until `stop` turns true, between batches: the batch loop and the rebuild requests
    /// side by side, each waiting on the database while the other works.
    pub async fn run(self, stop: watch::Receiver<bool>) {
        let dead_letters = self
            .queue
            .as_ref()
            .map(|q| q.watch_dead_letters(DEAD_LETTERS_EVERY));
        tokio::join!(self.batches(stop.clone()), self.serve_rebuilds(stop));
        if let Some(watch) = dead_letters {
            watch.abort();
        }
    }

    async fn batches(&self, mut stop: watch::Receiver<bool>) {
        let mut last_prune = Instant::now();
        while !*stop.borrow() {
            let received = tokio::select! {
                received = self.wait() => received,
                _ = stop.wait_for(|s| *s) => break,
            };
            let queue = self.queue.as_ref().map_or("none", Queue::name);
            let batch = consumer::receive_span(queue, &received);
            self.handle(received).instrument(batch).await;
            if last_prune.elapsed() > PRUNE_EVERY {
                last_prune = Instant::now();
                self.prune().await;
            }
        }
    }

    /// The next batch of messages, or none when the poll ran out (time to catch up anyway).
    async fn wait(&self) -> Vec<Message> {
        match &self.queue {
            Some(queue) => queue.receive(self.poll_seconds, self.visibility).await,
            None => {
                tokio::time::sleep(Duration::from_secs(self.poll_seconds as u64)).await;
                Vec::new()
            }
        }
    }

    /// Records the messages, catches every follower up, and deletes the messages once that
    /// committed: a crash before the delete redelivers, which is harmless. After a failure the
    /// messages come back, and after maxReceiveCount go to the dead-letter queue; the events stay
    /// in the store for the next pass either way. Returns whether every follower applied the events
    /// the messages announced.
    pub async fn handle(&self, received: Vec<Message>) -> bool {
        let bodies: Vec<Option<EventsAppended>> = received.iter().map(consumer::body).collect();
        let deliveries: Vec<_> = received
            .iter()
            .zip(&bodies)
            .filter_map(|(message, body)| Some(consumer::received(message, body.as_ref()?)))
            .collect();
        if let Err(error) = timeline::record_deliveries(self.projector.pool(), &deliveries).await {
            tracing::warn!(%error, "recording deliveries for the timeline failed");
        }
        let keeper = self
            .queue
            .as_ref()
            .filter(|_| !received.is_empty())
            .map(|queue| queue.keep_invisible(&received, self.visibility));
        let announced: Vec<i64> = bodies
            .iter()
            .flatten()
            .flat_map(|body| body.events.iter().map(|e| e.global_position))
            .collect();
        let caught_up = self.catch_up().await;
        let reached = caught_up && self.reached(&announced).await;
        if let Some(keeper) = keeper {
            keeper.abort();
        }
        if caught_up && let Some(queue) = &self.queue {
            let count = received.len();
            let understood: Vec<Message> = received
                .into_iter()
                .zip(&bodies)
                .filter_map(|(message, body)| body.as_ref().map(|_| message))
                .collect();
            reporting::unreadable(count - understood.len());
            queue.delete(&understood).await;
        }
        reached
    }

    /// Whether every follower has applied the events at `positions`, catching up again while a
    /// transaction older than theirs hides them, for up to [`HORIZON_WAIT`].
    async fn reached(&self, positions: &[i64]) -> bool {
        let deadline = Instant::now() + HORIZON_WAIT;
        loop {
            match self.projector.applied(positions).await {
                Ok(true) => return true,
                Ok(false) if Instant::now() < deadline => {}
                Ok(false) => {
                    tracing::warn!(
                        waited_ms = HORIZON_WAIT.as_millis() as u64,
                        "the events announced are still behind an older running transaction; \
                         the poll timer's catch-up will find them"
                    );
                    return false;
                }
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "reading the checkpoints failed");
                    return false;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            if !self.catch_up().await {
                return false;
            }
        }
    }

    /// Rounds until one moves nothing, reporting each; then the lag. Whether all went well.
    async fn catch_up(&self) -> bool {
        let started = Instant::now();
        let mut applied = 0;
        let mut caught_up = true;
        loop {
            match self.projector.round().await {
                Ok(round) => {
                    let moved: usize = round.iter().map(|(_, a)| a.events).sum();
                    for (name, done) in &round {
                        reporting::applied(name, done);
                    }
                    applied += moved;
                    if moved == 0 {
                        break;
                    }
                }
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "projection failed");
                    caught_up = false;
                    break;
                }
            }
        }
        if applied > 0 {
            tracing::info!(
                events = applied,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "caught up"
            );
        }
        if let Ok(statuses) = self.projector.status().await {
            reporting::lag(&statuses);
        }
        caught_up
    }

    /// Serves admins' rebuild requests, one at a time, until `stop`.
    async fn serve_rebuilds(&self, mut stop: watch::Receiver<bool>) {
        let every = Duration::from_secs(self.poll_seconds.max(1) as u64);
        while !*stop.borrow() {
            let pool = self.projector.pool();
            match rebuild_requests::serve_request(pool, self.projector.read_models()).await {
                Ok(Some(r)) => {
                    tracing::info!(request_id = %r.request_id, status = %r.status, events = r.events_done, error = r.error.as_deref(), "rebuild finished");
                    continue;
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "rebuild request failed")
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {},
                _ = stop.wait_for(|s| *s) => break,
            }
        }
    }

    async fn prune(&self) {
        match timeline::prune(self.projector.pool(), KEEP_DAYS).await {
            Ok(n) if n > 0 => {
                tracing::info!(
                    rows = n,
                    "pruned timeline records older than {KEEP_DAYS} days"
                )
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "pruning timeline records failed"),
        }
    }
}
