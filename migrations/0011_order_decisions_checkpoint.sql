-- The order-decision latency follower (projections/src/decisions.rs) starts where the log stands
-- when it is added: the decisions before it were measured by the saga as they happened, and
-- replaying them would record each a second time, as if just decided. On a new database the log
-- is empty and it starts at the beginning.
INSERT INTO projection_checkpoints (name, transaction_id, global_position)
SELECT 'order-decisions', transaction_id, global_position
  FROM events
 ORDER BY transaction_id DESC, global_position DESC
 LIMIT 1
ON CONFLICT (name) DO NOTHING;
