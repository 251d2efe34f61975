-- Read models (design.md section 4) and the projector's checkpoints. Each row records the global
-- position of the last event that changed it, for read-your-writes.

CREATE TABLE products
(
    sku         text PRIMARY KEY,
    name        text        NOT NULL,
    description text        NOT NULL,
    price_cents bigint      NOT NULL,
    image_url   text,
    on_hand     integer     NOT NULL DEFAULT 0,
    reserved    integer     NOT NULL DEFAULT 0,
    available   integer GENERATED ALWAYS AS (on_hand - reserved) STORED,
    position    bigint      NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE orders
(
    order_id    uuid PRIMARY KEY,
    customer_id text        NOT NULL,
    status      text        NOT NULL,
    lines       jsonb       NOT NULL,
    total_cents bigint      NOT NULL,
    reason      text,
    placed_at   timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    sequence    bigint      NOT NULL,
    position    bigint      NOT NULL
);
-- "My orders", newest first.
CREATE INDEX orders_by_customer ON orders (customer_id, placed_at DESC);

-- Where each projection has read up to, in the reader's cursor order. A projection's writes and
-- its checkpoint commit in one transaction; the row lock on the checkpoint is what lets only one
-- projector instance run a projection at a time.
CREATE TABLE projection_checkpoints
(
    name            text PRIMARY KEY,
    transaction_id  xid8        NOT NULL DEFAULT '0',
    global_position bigint      NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    last_error      text
);
INSERT INTO projection_checkpoints (name) VALUES ('catalog'), ('orders'), ('reservations');
