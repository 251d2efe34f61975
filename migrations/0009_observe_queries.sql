-- The two functions that the Observe console's CloudWatch Logs Insights queries compile to (the
-- `querylang` crate): a record's field, a nested key reached with dots as Logs Insights reaches
-- it, absent when null; and a value read as a number when it is one (a JSON number, or a string
-- that spells one), as Logs Insights compares a field with a number. Neither ever raises: a
-- query over any record answers rows, not an error.
CREATE FUNCTION observe.field(r jsonb, k text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT NULLIF(COALESCE(r -> k, r #> string_to_array(k, '.')), 'null'::jsonb)
$$;

CREATE FUNCTION observe.num(v jsonb) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE jsonb_typeof(v)
        WHEN 'number' THEN (v #>> '{}')::numeric
        WHEN 'string' THEN CASE
            WHEN length(v #>> '{}') <= 300
             AND (v #>> '{}') ~ '^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,3})?\s*$'
            THEN (v #>> '{}')::numeric END
    END
$$;
