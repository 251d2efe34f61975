-- A realistic event log for the rebuild and catch-up figures, written straight into `events` and
-- `snapshots` in exactly the shapes the app writes (cqrs-es's externally tagged JSON, the six
-- metadata keys, StockReceived v1 and v2, one Stock snapshot per SKU as the snapshot store would
-- have left it). Run by scripts/bench with psql:
--   psql -v orders=244000 -v skus=100 -v chunks=40 -f loadgen/gen_events.sql
-- Per order i (deterministic, so two runs write the same log):
--   85% OrderPlaced, StockReserved per line, OrderConfirmed
--    8% the same, then OrderCancelled and ReservationReleased per line
--    7% OrderPlaced, OrderRejected (the first line was refused)
-- with 1 to 3 lines over `skus` products, 5,000 customers. About 4.1 events an order.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DROP TABLE IF EXISTS gen_stage;
CREATE UNLOGGED TABLE gen_stage (
    ord            bigint,
    aggregate_type text,
    aggregate_id   text,
    event_type     text,
    event_version  text,
    payload        jsonb,
    metadata       jsonb
);

-- The catalog first: registration, a v1 restock (`qty`, before the rename), a v2 restock.
INSERT INTO gen_stage
SELECT s * 4 + e - 1000000000, 'Stock', sku, ev, ver, payload,
       jsonb_build_object('correlation_id', md5('pc' || s)::uuid, 'causation_id', md5('pq' || s)::uuid,
                          'traceparent', '00-' || md5('pt' || s) || '-' || left(md5('ps' || s), 16) || '-01',
                          'actor', md5('admin')::uuid, 'command', cmd, 'command_id', md5('pk' || s || e)::uuid)
FROM generate_series(1, :skus) s
CROSS JOIN LATERAL (SELECT 'SKU-' || lpad(s::text, 4, '0') AS sku, 100 + (s * 37) % 5000 AS price) p
CROSS JOIN LATERAL (VALUES
    (1, 'ProductRegistered', '1', 'RegisterProduct',
     jsonb_build_object('ProductRegistered', jsonb_build_object('sku', sku, 'name', 'Product ' || s,
         'description', 'Generated product number ' || s || ' for the benchmark', 'price_cents', price,
         'image_url', NULL))),
    (2, 'StockReceived', '1', 'Restock', jsonb_build_object('StockReceived', jsonb_build_object('qty', 500000))),
    (3, 'StockReceived', '2', 'Restock', jsonb_build_object('StockReceived', jsonb_build_object('quantity', 1000000)))
) AS x(e, ev, ver, cmd, payload);

-- One row per order with its lines.
DROP TABLE IF EXISTS gen_orders;
CREATE UNLOGGED TABLE gen_orders AS
SELECT i,
       md5('order' || i)::uuid AS order_id,
       md5('customer' || (i % 5000))::uuid::text AS customer,
       CASE WHEN i % 100 < 85 THEN 'confirmed' WHEN i % 100 < 92 THEN 'cancelled' ELSE 'rejected' END AS fate,
       lines,
       (SELECT sum((l->>'quantity')::bigint * (l->>'unit_price_cents')::bigint) FROM jsonb_array_elements(lines) l) AS total
FROM generate_series(1, :orders) i
CROSS JOIN LATERAL (
    SELECT jsonb_agg(jsonb_build_object('sku', 'SKU-' || lpad(sn::text, 4, '0'), 'quantity', 1 + (i + k) % 3,
                                        'unit_price_cents', 100 + (sn * 37) % 5000) ORDER BY k) AS lines
    FROM generate_series(0, i % 3) k
    CROSS JOIN LATERAL (SELECT 1 + ((i * 7 + k * 13) % :skus) AS sn) q
) l;

-- Metadata of a shopper's command and of the saga's, in the order's correlation and trace.
CREATE OR REPLACE FUNCTION pg_temp.meta(o gen_orders, actor text, cmd text, n int) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('correlation_id', md5('c' || o.i)::uuid, 'causation_id', md5('q' || o.i || n)::uuid,
      'traceparent', '00-' || md5('t' || o.i) || '-' || left(md5('s' || o.i), 16) || '-01',
      'actor', actor, 'command', cmd, 'command_id', md5('k' || o.i || '-' || n)::uuid)
$$;

-- ord = order * 16 + step keeps each order's events together and in causal order.
INSERT INTO gen_stage
SELECT o.i * 16, 'Order', o.order_id::text, 'OrderPlaced', '1',
       jsonb_build_object('OrderPlaced', jsonb_build_object('order_id', o.order_id, 'customer_id', o.customer,
                          'lines', o.lines, 'total_cents', o.total)),
       pg_temp.meta(o, o.customer, 'PlaceOrder', 0)
FROM gen_orders o;

INSERT INTO gen_stage
SELECT o.i * 16 + 1 + l.k, 'Stock', l.line->>'sku', 'StockReserved', '1',
       jsonb_build_object('StockReserved', jsonb_build_object('order_id', o.order_id, 'quantity', (l.line->>'quantity')::int)),
       pg_temp.meta(o, 'system:stock-projector', 'ReserveStock', 1 + l.k::int)
FROM gen_orders o CROSS JOIN LATERAL jsonb_array_elements(o.lines) WITH ORDINALITY l(line, k)
WHERE o.fate <> 'rejected';

INSERT INTO gen_stage
SELECT o.i * 16 + 5, 'Order', o.order_id::text,
       CASE o.fate WHEN 'rejected' THEN 'OrderRejected' ELSE 'OrderConfirmed' END, '1',
       CASE o.fate WHEN 'rejected'
            THEN jsonb_build_object('OrderRejected', jsonb_build_object('reason',
                 'insufficient stock for ' || (o.lines->0->>'sku') || ': ' || (o.lines->0->>'quantity') || ' requested, 0 available'))
            ELSE to_jsonb('OrderConfirmed'::text) END,
       pg_temp.meta(o, 'system:stock-projector', CASE o.fate WHEN 'rejected' THEN 'RejectOrder' ELSE 'ConfirmOrder' END, 5)
FROM gen_orders o;

INSERT INTO gen_stage
SELECT o.i * 16 + 6, 'Order', o.order_id::text, 'OrderCancelled', '1',
       jsonb_build_object('OrderCancelled', jsonb_build_object('lines', o.lines)),
       pg_temp.meta(o, o.customer, 'CancelOrder', 6)
FROM gen_orders o WHERE o.fate = 'cancelled';

INSERT INTO gen_stage
SELECT o.i * 16 + 7 + l.k, 'Stock', l.line->>'sku', 'ReservationReleased', '1',
       jsonb_build_object('ReservationReleased', jsonb_build_object('order_id', o.order_id, 'quantity', (l.line->>'quantity')::int)),
       pg_temp.meta(o, 'system:stock-projector', 'ReleaseReservation', 7 + l.k::int)
FROM gen_orders o CROSS JOIN LATERAL jsonb_array_elements(o.lines) WITH ORDINALITY l(line, k)
WHERE o.fate = 'cancelled';

-- Each stream's sequence, in log order.
DROP TABLE IF EXISTS gen_log;
CREATE UNLOGGED TABLE gen_log AS
SELECT ord, aggregate_type, aggregate_id,
       row_number() OVER (PARTITION BY aggregate_type, aggregate_id ORDER BY ord) AS sequence,
       event_type, event_version, payload, metadata
FROM gen_stage;
CREATE INDEX ON gen_log (ord);
DROP TABLE gen_stage;

-- Into the event store in `chunks` transactions, as many commits would have written it.
SELECT min(ord) AS lo, max(ord) + 1 AS hi, count(*) AS n FROM gen_log \gset
SELECT format('INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
               SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload::json, metadata::json
                 FROM gen_log WHERE ord >= %s AND ord < %s ORDER BY ord',
              b.lo, b.hi)
FROM (SELECT lo, lead(lo, 1, :hi::bigint) OVER (ORDER BY c) AS hi
        FROM (SELECT c, CASE WHEN c = 0 THEN :lo::bigint
                             ELSE (SELECT ord FROM gen_log ORDER BY ord OFFSET (c * :n::bigint / :chunks) LIMIT 1) END AS lo
                FROM generate_series(0, :chunks - 1) c) cuts) b
\gexec

-- One snapshot per SKU at its last event, every 50 events as STOCK_SNAPSHOT_EVERY's default:
-- the Stock state serialised as the aggregate serialises it.
WITH stock AS (
    SELECT aggregate_id AS sku, sequence, event_type, payload FROM gen_log WHERE aggregate_type = 'Stock'
), per_order AS (
    SELECT sku, coalesce(payload->'StockReserved'->>'order_id', payload->'ReservationReleased'->>'order_id') AS oid,
           sum(CASE event_type WHEN 'StockReserved' THEN (payload->'StockReserved'->>'quantity')::int ELSE 0 END) AS q,
           bool_or(event_type = 'ReservationReleased') AS released
      FROM stock WHERE event_type IN ('StockReserved', 'ReservationReleased') GROUP BY 1, 2
), per_sku AS (
    SELECT sku,
           coalesce(jsonb_object_agg(oid, q) FILTER (WHERE NOT released), '{}') AS open,
           coalesce(jsonb_agg(oid ORDER BY oid) FILTER (WHERE released), '[]') AS released,
           coalesce(sum(q) FILTER (WHERE NOT released), 0) AS reserved
      FROM per_order GROUP BY sku
), head AS (
    SELECT sku, max(sequence) AS last_seq,
           sum(coalesce((payload->'StockReceived'->>'quantity')::bigint, (payload->'StockReceived'->>'qty')::bigint, 0)) AS on_hand,
           (array_agg(payload->'ProductRegistered') FILTER (WHERE event_type = 'ProductRegistered'))[1] AS product
      FROM stock GROUP BY sku
)
INSERT INTO snapshots (aggregate_type, aggregate_id, last_sequence, current_snapshot, payload)
SELECT 'Stock', h.sku, h.last_seq, h.last_seq / 50,
       json_build_object('product', h.product, 'on_hand', h.on_hand, 'reserved', coalesce(p.reserved, 0),
                         'reservations', coalesce(p.open, '{}'), 'released', coalesce(p.released, '[]'))
FROM head h LEFT JOIN per_sku p USING (sku);

DROP TABLE gen_log;
DROP TABLE gen_orders CASCADE;
ANALYZE events;
ANALYZE snapshots;
SELECT count(*) AS events_generated FROM events;
