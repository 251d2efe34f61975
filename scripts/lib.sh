# Shared by scripts/dev and scripts/test: start the real parts (PostgreSQL 15, moto) the way both
# need them, installing what is missing. Sourced, not run. Every failure is one line saying what
# is wrong and what to do, then a non-zero exit.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHOP_CACHE_DIR="${SHOP_CACHE_DIR:-$HOME/.cache/shop}"
# Build output lives outside the clone so every clone and rerun on this machine shares it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SHOP_CACHE_DIR/target}"
# The AWS SDK needs credentials even for moto; these are moto's conventional dummies. Scripts
# that talk to real AWS (scripts/deploy, destroy, smoke) set SHOP_REAL_AWS=1 before sourcing
# this file, so the user's own credentials, profile and region are left alone.
if [ -z "${SHOP_REAL_AWS:-}" ]; then
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
  export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
  export AWS_REGION="${AWS_REGION:-us-east-1}"
  export AWS_DEFAULT_REGION="$AWS_REGION"
  # Never let the SDK wait on instance metadata: there is none here.
  export AWS_EC2_METADATA_DISABLED=true
fi

PG_VERSION=15
PG_BIN="${PG_BIN:-/usr/lib/postgresql/$PG_VERSION/bin}"

die() { echo "error: $*" >&2; exit 1; }
say() { echo "==> $*"; }

# The PIDs and PostgreSQL data folders this script started, stopped on exit.
STARTED_PIDS=()
STARTED_PG=()
# Created when the stack stops, so supervisors do not restart what is being stopped.
SUPERVISE_STOP="${TMPDIR:-/tmp}/shop-stopping.$$"
rm -f "$SUPERVISE_STOP"
stop_started() {
  local pid data
  touch "$SUPERVISE_STOP"
  # runuser does not pass signals on to the server: stop clusters by their data folder.
  for data in "${STARTED_PG[@]}"; do
    pg_as_owner "$PG_BIN/pg_ctl" stop -D "$data" -m fast -w -t 20 >/dev/null 2>&1 || true
  done
  STARTED_PG=()
  for pid in "${STARTED_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
  rm -f "$SUPERVISE_STOP"
}

# supervise NAME LOG COMMAND...: runs COMMAND in the background and restarts it whenever it
# exits, as ECS restarts a task: after 1 s, doubling to 30 s while it keeps failing, back to 1 s
# once a run lasted a minute or ended cleanly (exit 0: stopped on purpose, as scripts/reload
# does). Each start gets SHOP_RESTARTS and SHOP_LAST_EXIT_CODE, which the service records so a
# crash loop shows in the console. The running service's PID is in $SUPERVISE_PIDS/NAME.pid when
# SUPERVISE_PIDS names a folder. TERM or INT (Ctrl-C) stops the supervisor and its service;
# nothing else does. The supervisor's PID joins STARTED_PIDS.
supervise() {
  local name="$1" log="$2"; shift 2
  (
    child="" stopping=""
    trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM INT
    restarts=0 code="" delay=1
    while true; do
      started=$(date +%s)
      env SHOP_RESTARTS="$restarts" ${code:+SHOP_LAST_EXIT_CODE="$code"} "$@" >>"$log" 2>&1 &
      child=$!
      [ -n "${SUPERVISE_PIDS:-}" ] && echo "$child" >"$SUPERVISE_PIDS/$name.pid"
      code=0
      wait "$child" || code=$?
      [ -n "$stopping" ] && exit 0
      { [ "$code" = 0 ] || [ $(( $(date +%s) - started )) -ge 60 ]; } && delay=1
      # Ctrl-C reaches the service directly (a background subshell cannot trap INT): the stack
      # is stopping when the stop file appears during the back-off.
      sleep "$delay" & wait $! || true
      [ -e "$SUPERVISE_STOP" ] && exit 0
      restarts=$((restarts + 1))
      echo "supervisor: $name exited with code $code; restart $restarts after ${delay}s" | tee -a "$log" >&2
      [ "$code" = 0 ] || delay=$(( delay * 2 > 30 ? 30 : delay * 2 ))
    done
  ) &
  STARTED_PIDS+=("$!")
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

require_free_port() {
  port_free "$1" || die "port $1 ($2) is taken by another process; stop it or set $3 to another port"
}

wait_for_port() { # port seconds what
  local i
  for i in $(seq $(( $2 * 10 ))); do
    port_free "$1" || return 0
    sleep 0.1
  done
  die "$3 did not start listening on 127.0.0.1:$1 within $2 s"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A scripts/dev stack of a test's own: free ports, its data in "$1/data", its output in "$2", and
# scripts/dev's arguments after those (a STOREFRONT_DIR in the environment is passed on). Returns
# once it serves, with STACK_PID, STACK_URL and the ports STACK_PG_PORT and STACK_MOTO_PORT set;
# dev_stack_stop stops it. The first run builds the Rust stack: minutes on a small machine.
STACK_PID=""
dev_stack_start() {
  local folder=$1 log=$2 i
  shift 2
  STACK_PG_PORT=$(free_port) STACK_MOTO_PORT=$(free_port)
  local http_port; http_port=$(free_port)
  SHOP_PG_PORT="$STACK_PG_PORT" SHOP_MOTO_PORT="$STACK_MOTO_PORT" SHOP_HTTP_PORT="$http_port" \
    SHOP_PROJECTOR_PORT=$(free_port) SHOP_OTLP_PORT=$(free_port) SHOP_PROMETHEUS_PORT=$(free_port) \
    SHOP_DATA_DIR="$folder/data" "$ROOT/scripts/dev" --reset "$@" >"$log" 2>&1 &
  STACK_PID=$!
  STACK_URL="http://127.0.0.1:$http_port"
  for i in $(seq 1800); do
    grep -qs "shop is running" "$log" && return 0
    kill -0 "$STACK_PID" 2>/dev/null || { tail -n 20 "$log"; die "the stack exited; see $log"; }
    sleep 0.5
  done
  die "the stack did not start within 15 minutes; see $log"
}

dev_stack_stop() {
  if [ -n "$STACK_PID" ] && kill -0 "$STACK_PID" 2>/dev/null; then
    kill -TERM "$STACK_PID" 2>/dev/null || true
    wait "$STACK_PID" 2>/dev/null || true
  fi
  STACK_PID=""
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  command -v apt-get >/dev/null || die "$1 is missing and this is not a Debian/Ubuntu machine: install $1 yourself"
  say "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed; cannot install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

ensure_postgres() {
  if [ ! -x "$PG_BIN/pg_ctl" ]; then
    apt_install "postgresql-$PG_VERSION" || true
    [ -x "$PG_BIN/pg_ctl" ] || die "PostgreSQL $PG_VERSION is not installed at $PG_BIN and could not be installed; install postgresql-$PG_VERSION or set PG_BIN"
  fi
}

# Run a PostgreSQL binary as the cluster's owner: root cannot own a cluster.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DATA_DIR PORT: initdb on first use, start, wait. Leaves the server's PID in PG_PID.
pg_start() {
  local data="$1" port="$2" log="$1.log"
  ensure_postgres
  if [ -d "$data" ] && [ ! -f "$data/PG_VERSION" ]; then
    die "$data exists but is not a PostgreSQL data folder (a half-finished initdb?); remove it or run scripts/dev --reset"
  fi
  if [ -f "$data/postmaster.pid" ]; then
    local old; old=$(head -1 "$data/postmaster.pid")
    if kill -0 "$old" 2>/dev/null; then
      die "PostgreSQL is already running on $data (pid $old); stop that stack first"
    fi
    rm -f "$data/postmaster.pid" # left by a crash
  fi
  require_free_port "$port" "PostgreSQL" SHOP_PG_PORT
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    chmod 700 "$data"
    pg_as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
      || { rm -rf "$data"; die "initdb failed, see $data.initdb.log"; }
  fi
  touch "$log"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$log"
  # fsync off: these clusters hold development and test data, and it doubles commit throughput here.
  # synchronous_commit off as well, unless PG_DURABLE=1: a PostgreSQL crash then loses the commits
  # of its last few hundred ms, which scripts/chaos, crashing it on purpose, must not (an order
  # answered 202 has to survive). fsync off loses nothing there: only the OS crashing would.
  # PG_DURABILITY=rds leaves all three at PostgreSQL's defaults (on), as RDS runs, and off the
  # command line, so that scripts/bench can switch them at run time (ALTER SYSTEM, reload).
  # pg_stat_statements: scripts/bench reads which statements the database spent its time on.
  local durability=(-c fsync=off -c synchronous_commit="$([ "${PG_DURABLE:-}" = 1 ] && echo on || echo off)"
    -c full_page_writes=off)
  [ "${PG_DURABILITY:-}" = rds ] && durability=()
  pg_as_owner "$PG_BIN/postgres" -D "$data" -p "$port" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$data" -c max_connections=300 "${durability[@]}" \
    -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=off >>"$log" 2>&1 &
  PG_PID=$!
  STARTED_PIDS+=("$PG_PID")
  STARTED_PG+=("$data")
  local i
  for i in $(seq 100); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" && return 0
    kill -0 "$PG_PID" 2>/dev/null || die "PostgreSQL exited at start, see $log"
    sleep 0.1
  done
  die "PostgreSQL did not become ready on port $port, see $log"
}

pg_create_db() { # port name
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$1" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$2'" | grep -q 1 \
    || "$PG_BIN/createdb" -h 127.0.0.1 -p "$1" -U postgres "$2"
}

ensure_venv() {
  local venv="$SHOP_CACHE_DIR/venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$venv"; } \
      || die "cannot create a Python venv at $venv"
  fi
  VENV="$venv"
}

ensure_moto() {
  if command -v moto_server >/dev/null 2>&1 && python3 -c 'import boto3' 2>/dev/null; then
    MOTO_SERVER=$(command -v moto_server); PYTHON=python3; return
  fi
  ensure_venv
  if [ ! -x "$VENV/bin/moto_server" ]; then
    say "installing moto[server] and boto3 into $VENV"
    "$VENV/bin/pip" install -q 'moto[server]>=5' boto3 || die "pip could not install moto[server]; check PyPI access"
  fi
  MOTO_SERVER="$VENV/bin/moto_server"; PYTHON="$VENV/bin/python"
}

# moto_start PORT: moto's server on loopback, PID in MOTO_PID.
moto_start() {
  local port="$1" log="${2:-/dev/null}"
  ensure_moto
  require_free_port "$port" "moto" SHOP_MOTO_PORT
  "$MOTO_SERVER" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  MOTO_PID=$!
  STARTED_PIDS+=("$MOTO_PID")
  wait_for_port "$port" 30 "moto"
}

# The file watcher of `scripts/dev --watch`: scripts/watch.py on watchfiles (PyPI, a prebuilt
# wheel), installed into the project's venv when missing (seconds). Sets WATCH_PYTHON.
ensure_watcher() {
  ensure_venv
  if ! "$VENV/bin/python" -c 'import watchfiles' 2>/dev/null; then
    say "installing watchfiles into $VENV"
    "$VENV/bin/pip" install -q 'watchfiles>=1,<2' || die "pip could not install watchfiles; check PyPI access"
  fi
  WATCH_PYTHON="$VENV/bin/python"
}

ensure_prometheus() {
  PROMETHEUS_BIN="${PROMETHEUS_BIN:-$(command -v prometheus || echo /usr/bin/prometheus)}"
  if [ ! -x "$PROMETHEUS_BIN" ]; then
    apt_install prometheus
    PROMETHEUS_BIN=/usr/bin/prometheus
    [ -x "$PROMETHEUS_BIN" ] || die "Prometheus is not installed and could not be installed; install Debian's prometheus package or set PROMETHEUS_BIN"
  fi
}

# prometheus_start DATA_DIR PORT GATEWAY PROJECTOR: Prometheus on loopback scraping the gateway's
# and the projector's /metrics every 5 s, with the rules of observability/alarms.json
# (scripts/alarms), data in DATA_DIR.
prometheus_start() {
  local data="$1" port="$2" gateway="$3" projector="$4"
  ensure_prometheus
  mkdir -p "$data"
  "$ROOT/scripts/alarms" rules "$data/rules.json" || die "scripts/alarms could not write the Prometheus rules"
  cat >"$data/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files: [rules.json]
scrape_configs:
  - job_name: gateway
    static_configs: [{targets: ["$gateway"]}]
  - job_name: stock-projector
    static_configs: [{targets: ["$projector"]}]
YAML
  "$PROMETHEUS_BIN" --config.file="$data/prometheus.yml" --storage.tsdb.path="$data/tsdb" \
    --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$port" \
    >>"$data.log" 2>&1 &
  STARTED_PIDS+=("$!")
  wait_for_port "$port" 30 "Prometheus"
}

# The tag of this build's artifacts: the commit, and -dirty when the work tree differs from it
# (an image tag is immutable in ECR: two different builds must never share one).
image_tag() {
  local tag
  tag=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null) || die "not a git checkout: pass a tag"
  if ! git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null; then
    tag="$tag-dirty-$(git -C "$ROOT" diff HEAD | sha256sum | cut -c1-8)"
  fi
  echo "$tag"
}

# A Python with boto3 for the deployment scripts: this machine's when it has boto3, otherwise
# the project's venv (installed once). Sets PYTHON.
ensure_boto3() {
  if python3 -c 'import boto3' 2>/dev/null; then PYTHON=python3; return; fi
  ensure_venv
  if ! "$VENV/bin/python" -c 'import boto3' 2>/dev/null; then
    say "installing boto3 into $VENV"
    "$VENV/bin/pip" install -q boto3 || die "pip could not install boto3; check PyPI access"
  fi
  PYTHON="$VENV/bin/python"
}
