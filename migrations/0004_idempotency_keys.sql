-- Idempotency-Key on POST /api/orders: the first response to a (customer, key), kept 24 hours.
-- A row whose status is NULL is a request in flight; the order id is derived from the key, so
-- even a crash between the command's commit and this row's update cannot place a second order.
CREATE TABLE idempotency_keys
(
    customer_id  text        NOT NULL,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    status       smallint,
    response     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (created_at);
