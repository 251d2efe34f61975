-- The postgres-es tables exactly as that crate documents them (db/init.sql of postgres-es 0.5).
CREATE TABLE events
(
    aggregate_type text                         NOT NULL,
    aggregate_id   text                         NOT NULL,
    sequence       bigint CHECK (sequence >= 0) NOT NULL,
    event_type     text                         NOT NULL,
    event_version  text                         NOT NULL,
    payload        json                         NOT NULL,
    metadata       json                         NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE TABLE snapshots
(
    aggregate_type   text                                 NOT NULL,
    aggregate_id     text                                 NOT NULL,
    last_sequence    bigint CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL,
    payload          json                                 NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);

-- The global log (design.md section 2). Defaults, so postgres-es's own INSERT fills them.
-- global_position is taken at insert and becomes visible at commit, out of order; readers page
-- by (transaction_id, global_position) below the oldest running transaction instead.
ALTER TABLE events
    ADD COLUMN global_position bigint GENERATED ALWAYS AS IDENTITY,
    ADD COLUMN transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    ADD COLUMN event_id        uuid        NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp();

CREATE UNIQUE INDEX events_global_order ON events (transaction_id, global_position);
CREATE UNIQUE INDEX events_global_position ON events (global_position);
CREATE UNIQUE INDEX events_event_id ON events (event_id);
