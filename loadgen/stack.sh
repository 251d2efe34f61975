# A private local stack for scripts/load, scripts/bench and scripts/chaos: PostgreSQL and moto
# through scripts/lib.sh (sourced first), the stock-projector and the gateway started from
# $BIN, all on free ports under $WORK, stopped by lib.sh's stop_started on exit. Sourced, not
# run. The same parts and environment as scripts/dev, on ports of its own, so it never touches
# the dev stack.

# Removes a PID from STARTED_PIDS once this script has stopped it itself.
forget_pid() {
  local keep=() p
  for p in "${STARTED_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  STARTED_PIDS=("${keep[@]}")
}

# Stops one process this script started: TERM (or the signal given), then KILL after 10 s.
stop_pid() { # pid [signal]
  local pid="$1"
  kill "-${2:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
}

wait_http() { # url seconds what pid
  local i
  for i in $(seq $(( $2 * 20 ))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null && die "$3 exited at start; see its log in $WORK"
    sleep 0.05
  done
  die "$3 did not answer $1 within $2 s; see its log in $WORK"
}

projector_start() {
  "$BIN/stock-projector" run --http "127.0.0.1:$PROJECTOR_PORT" >>"$WORK/projector.log" 2>&1 &
  PROJECTOR_PID=$!
  STARTED_PIDS+=("$PROJECTOR_PID")
  wait_http "http://127.0.0.1:$PROJECTOR_PORT/healthz" 30 stock-projector "$PROJECTOR_PID"
}

projector_stop() { stop_pid "$PROJECTOR_PID" "${1:-TERM}"; }

# gateway_start [--no-publish]: without EVENT_QUEUE_URL the handlers publish nothing. The load
# is the point here, so the gateway's throttling (API Gateway's 50 a second) is raised out of its
# way, explicitly.
gateway_start() {
  export GATEWAY_THROTTLE_RATE="${GATEWAY_THROTTLE_RATE:-1000000}" GATEWAY_THROTTLE_BURST="${GATEWAY_THROTTLE_BURST:-1000000}"
  if [ "${1:-}" = --no-publish ]; then
    env -u EVENT_QUEUE_URL HTTP_ADDR="127.0.0.1:$HTTP_PORT" "$BIN/gateway" >>"$WORK/gateway.log" 2>&1 &
  else
    HTTP_ADDR="127.0.0.1:$HTTP_PORT" "$BIN/gateway" >>"$WORK/gateway.log" 2>&1 &
  fi
  GATEWAY_PID=$!
  STARTED_PIDS+=("$GATEWAY_PID")
  wait_http "$API/health" 30 gateway "$GATEWAY_PID"
}

gateway_stop() { stop_pid "$GATEWAY_PID"; }

# The AWS resources (queue, DLQ, user pool, users) on moto; run again after moto restarts.
aws_setup() {
  eval "$("$PYTHON" "$ROOT/scripts/local_aws.py" setup "$AWS_ENDPOINT_URL")"
  "$PYTHON" "$ROOT/scripts/local_aws.py" users "$AWS_ENDPOINT_URL" load "$SHOPPERS" Load-pass-1 >/dev/null
}

admin_token() {
  "$PYTHON" "$ROOT/scripts/local_aws.py" token "$AWS_ENDPOINT_URL" admin@example.com Admin-pass-1 "$COGNITO_CLIENT_ID"
}

# Registers scripts/seed/catalog.json through the admin API (409: already there), as scripts/dev does.
seed_catalog() {
  local token product code
  token=$(admin_token)
  while read -r product; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/admin/products" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$product")
    case "$code" in 201|409) ;; *) die "seeding the catalog failed with HTTP $code for $product" ;; esac
  done < <(python3 -c 'import json,sys; [print(json.dumps(p)) for p in json.load(open(sys.argv[1]))]' "$ROOT/scripts/seed/catalog.json")
}

# restock_all QUANTITY: every SKU of the catalog, through the admin API.
restock_all() {
  local token sku code
  token=$(admin_token)
  for sku in $(python3 -c 'import json,sys; [print(p["sku"]) for p in json.load(open(sys.argv[1]))]' "$ROOT/scripts/seed/catalog.json"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/admin/products/$sku/restock" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "{\"quantity\": $1}")
    [ "$code" = 202 ] || [ "$code" = 200 ] || [ "$code" = 201 ] || die "restocking $sku failed with HTTP $code"
  done
}

psql_shop() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "${PSQL_DB:-shop}" "$@"; }

# Waits until every projection has applied every committed event: lag 0 on the running
# projector's /status (the same figures as `stock-projector status`).
projection_lag() { # port
  curl -fsS "http://127.0.0.1:${1:-$PROJECTOR_PORT}/status" 2>/dev/null \
    | python3 -c 'import json,sys; print(sum(p["lag_events"] for p in json.load(sys.stdin)))' 2>/dev/null || echo unknown
}
settle() { # seconds [--no-die]
  local lag=unknown deadline=$(( $(date +%s) + ${1:-60} ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    lag=$(projection_lag)
    [ "$lag" = 0 ] && return 0
    sleep 0.2
  done
  [ "${2:-}" = --no-die ] || die "the projections did not catch up within ${1:-60} s (lag $lag events)"
  echo "still $lag events behind after ${1:-60} s"
  return 1
}

# stack_start: PostgreSQL, moto, AWS resources, projector, gateway, catalog; $BIN holds the
# binaries, $SHOPPERS the number of load users to create. Exports what the binaries and
# loadgen read.
stack_start() {
  PG_PORT=$(free_port); MOTO_PORT=$(free_port); HTTP_PORT=$(free_port); PROJECTOR_PORT=$(free_port)
  pg_start "$WORK/pg" "$PG_PORT"
  pg_create_db "$PG_PORT" shop
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/shop"
  moto_start "$MOTO_PORT" "$WORK/moto.log"
  MOTO_PID_STACK=$MOTO_PID
  export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
  aws_setup
  export STOREFRONT_DIR="$WORK/no-storefront"
  export RUST_LOG="${RUST_LOG:-warn}"
  API="http://127.0.0.1:$HTTP_PORT/api"
  export LOADGEN_API="$API"
  projector_start
  gateway_start
  seed_catalog
}
