-- What the trace timeline (GET /api/admin/traces/{correlation_id}, scripts/trace) reads beside
-- the events: each SQS message the projector received, and each page of events a projection
-- applied. Both are small and kept for a bounded time (the projector deletes rows older than
-- seven days).
CREATE TABLE deliveries
(
    message_id     text        NOT NULL,
    correlation_id text        NOT NULL,
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    sent_at        timestamptz,
    received_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    receive_count  integer     NOT NULL DEFAULT 1
);
CREATE INDEX deliveries_by_correlation ON deliveries (correlation_id);
CREATE INDEX deliveries_by_time ON deliveries (received_at);

-- One row per projection step: the cursor range it applied, and when it committed.
CREATE TABLE applied_pages
(
    projection           text        NOT NULL,
    from_transaction_id  xid8        NOT NULL,
    from_global_position bigint      NOT NULL,
    to_transaction_id    xid8        NOT NULL,
    to_global_position   bigint      NOT NULL,
    events               integer     NOT NULL,
    applied_at           timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX applied_pages_by_end ON applied_pages (projection, to_transaction_id, to_global_position);
CREATE INDEX applied_pages_by_time ON applied_pages (applied_at);

-- The timeline finds a command's events by correlation id.
CREATE INDEX events_by_correlation ON events ((metadata ->> 'correlation_id'));
