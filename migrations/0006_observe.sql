-- What the local OTLP receiver (the `observe` crate) keeps of the services' telemetry: spans and
-- log records, in a schema of their own so the event store's tables never mix with them. Both
-- are bounded: the receiver deletes rows older than its retention age and beyond its row cap.
-- `keys` holds the values a learner searches by (correlation id, order id, message id), taken
-- from each record's attributes when it is received.
CREATE SCHEMA observe;

CREATE TABLE observe.spans
(
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trace_id       text             NOT NULL,
    span_id        text             NOT NULL,
    parent_span_id text,
    service        text             NOT NULL,
    name           text             NOT NULL,
    kind           text             NOT NULL,
    start_time     timestamptz      NOT NULL,
    end_time       timestamptz      NOT NULL,
    duration_ms    double precision NOT NULL,
    status         text             NOT NULL,
    status_message text,
    attributes     jsonb            NOT NULL,
    events         jsonb            NOT NULL,
    links          jsonb            NOT NULL,
    keys           text[]           NOT NULL,
    received_at    timestamptz      NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX spans_by_trace ON observe.spans (trace_id, start_time);
CREATE INDEX spans_by_start ON observe.spans (start_time);
CREATE INDEX spans_by_key ON observe.spans USING gin (keys);

CREATE TABLE observe.logs
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time        timestamptz NOT NULL,
    service     text        NOT NULL,
    level       text        NOT NULL,
    message     text        NOT NULL,
    trace_id    text,
    span_id     text,
    attributes  jsonb       NOT NULL,
    keys        text[]      NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX logs_by_time ON observe.logs (time);
CREATE INDEX logs_by_trace ON observe.logs (trace_id);
CREATE INDEX logs_by_key ON observe.logs USING gin (keys);
