-- Rebuilds an admin asked for (POST /api/admin/projections/rebuild). One projector instance
-- claims a request, runs it and records progress; a heartbeat older than the lease lets another
-- instance take over a rebuild whose runner died.
CREATE TABLE rebuild_requests
(
    request_id   uuid PRIMARY KEY,
    projection   text,  -- NULL: every read model
    status       text        NOT NULL DEFAULT 'requested'
        CHECK (status IN ('requested', 'running', 'done', 'failed')),
    events_done  bigint      NOT NULL DEFAULT 0,
    events_total bigint,
    requested_by text        NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    heartbeat_at timestamptz,
    finished_at  timestamptz,
    error        text
);
CREATE INDEX rebuild_requests_open ON rebuild_requests (requested_at) WHERE status IN ('requested', 'running');
