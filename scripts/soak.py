#!/usr/bin/env python3
"""The soak's driver and judge, run by scripts/soak against the private stack it started.

For the set time it keeps loadgen's shoppers ordering at a steady rate, reads the admin console's
pages every ~10 s as an operator would, restocks the catalog as a warehouse would, and switches
one fault on for a while every few minutes. Every ~15 s it samples each process's memory and CPU
and PostgreSQL's sizes. Then it stops the load, waits for the projections to settle and checks
what must hold after any length of running: no order lost, no SKU oversold, no 5xx outside the
fault windows, telemetry within its retention bound, no service restarted, no process's memory
running away. It prints the figures as markdown, writes them into docs/benchmarks.md's "Soak"
section unless told not to, and exits 1 when a check failed.

Only the standard library: it speaks HTTP with urllib and SQL through psql, so any python3 runs
it; tokens come from scripts/local_aws.py under the Python that has boto3 (--aws-python).
"""
import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

MIB = 1024 * 1024
# The request mix: half the requests place an order (order + oversized), so --rate orders/s is
# 2 x rate requests/s. Oversized orders are refused up front (409) or rejected by the saga, as a
# shopper asking for more than exists is.
MIX = {"browse": 45, "order": 45, "cancel": 5, "oversized": 5}
ORDER_SHARE = (MIX["order"] + MIX["oversized"]) / sum(MIX.values())
# Faults rotated through the windows, with the parameters they run with. All three leave the
# services up: projector_crash is left out because it makes the supervisor restart the projector,
# which the "no service restarted" check is there to catch.
FAULTS = [("slow_database", {"added_ms": 300}),
          ("product_read_failure", {"percent": 50}),
          ("sqs_message_lost", {})]
# A flip reaches every process within about 2 s (docs/learn.md), and a request logs its status
# when it ends: a 5xx logged up to this long after a window closed still belongs to it.
FAULT_GRACE_S = 5.0
# The receiver trims telemetry every 30 s (observe/src/bin/otlp-receiver.rs): between two trims a
# table may hold its cap plus what arrived since the last trim. Samples are 15 s apart, so the
# arrivals of the last three intervals (45 s) cover one trim interval and the trim's own run.
TRIM_WINDOW_SAMPLES = 3
# A table at its cap "levels off" when its size grows by at most this share over the second half
# of the time since the cap was reached, judged when that half lasts at least this many minutes.
LEVEL_OFF_LIMIT = 0.2
LEVEL_OFF_HALF_MINUTES = 5
# Moto's access tokens last an hour and loadgen signs in once: a longer soak runs loadgen in
# segments, each signing in afresh.
LOADGEN_SEGMENT_S = 50 * 60
# A process is still growing at the end when its last quarter's growth exceeds this rate and at
# least this share of its average growth per quarter over the run: a cache that filled early and
# stayed passes, a leak (steady growth) does not. The floor keeps allocator noise out.
STILL_GROWING_FLOOR = 16 * MIB           # per hour, for a process
STILL_GROWING_SHARE = 0.5
# Processes whose memory the RSS check does not judge: test doubles and tools, not the shop.
# Prometheus's head block grows until its first compaction (2 h), moto keeps every message and
# user it was ever given in memory.
RSS_NOT_JUDGED = {"prometheus", "moto"}
# A PostgreSQL backend starts at about 2 MiB of its own memory: its growth is judged per backend
# (the mean over the backends serving one service), with a floor of its own.
BACKEND_STILL_GROWING_FLOOR = 4 * MIB   # per hour
# In a shorter run the first quarter is mostly warm-up (pools filling, caches, plans): memory is
# reported but not judged.
RSS_JUDGED_FROM_MINUTES = 20
ROLES = ["gateway", "stock-projector", "otlp-receiver", "postgres", "prometheus", "moto"]
# PostgreSQL's relations grouped by what they hold.
SIZE_GROUPS = """
SELECT CASE WHEN n.nspname = 'observe' THEN 'telemetry'
            WHEN c.relname IN ('events', 'snapshots') THEN 'events'
            WHEN c.relname IN ('products', 'orders', 'projection_checkpoints') THEN 'read_models'
            WHEN c.relname IN ('applied_pages', 'deliveries') THEN 'timeline'
            WHEN c.relname = 'idempotency_keys' THEN 'idempotency'
            ELSE 'other' END,
       sum(pg_total_relation_size(c.oid))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'm') AND n.nspname IN ('public', 'observe')
 GROUP BY 1
UNION ALL SELECT 'database', pg_database_size(current_database())
UNION ALL SELECT 'spans_rows', count(*) FROM observe.spans
UNION ALL SELECT 'logs_rows', count(*) FROM observe.logs
UNION ALL SELECT 'spans_size', pg_total_relation_size('observe.spans')
UNION ALL SELECT 'logs_size', pg_total_relation_size('observe.logs')
UNION ALL SELECT 'spans_ids', coalesce(max(id), 0) FROM observe.spans
UNION ALL SELECT 'logs_ids', coalesce(max(id), 0) FROM observe.logs
UNION ALL SELECT 'events_rows', coalesce(max(global_position), 0) FROM events
UNION ALL SELECT 'orders_rows', count(*) FROM orders
"""
GROUP_LABELS = [("events", "event store (events, snapshots; with indexes and TOAST)"),
                ("read_models", "read models (products, orders, checkpoints)"),
                ("idempotency", "idempotency keys"),
                ("timeline", "timeline (applied_pages, deliveries)"),
                ("telemetry", "telemetry (schema observe: spans, logs)"),
                ("other", "other tables (faults, service starts, uploads, migrations)"),
                ("database", "whole database (pg_database_size)")]
TICKS = os.sysconf("SC_CLK_TCK")


def log(message):
    print(f"==> [{time.strftime('%H:%M:%S')}] {message}", flush=True)


def mib(n):
    return f"{n / MIB:.1f} MiB"


class Stop(Exception):
    """SIGTERM from scripts/soak's cleanup: stop the load and leave."""


# ---- the stack's parts ------------------------------------------------------------------------

class Stack:
    def __init__(self, a):
        self.a = a
        self.api = a.url.rstrip("/") + "/api"
        self.token = None
        self.token_at = 0.0
        self.lock = threading.Lock()

    def psql(self, sql):
        out = subprocess.run([os.path.join(self.a.pg_bin, "psql"), "-X", "-Atq", "-v", "ON_ERROR_STOP=1",
                              "-F", "\t", "-h", "127.0.0.1", "-p", str(self.a.pg_port), "-U", "postgres",
                              "-d", "shop", "-c", sql], capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr.strip()[:300]}")
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def admin_token(self):
        # Refreshed well inside moto's hour, so a soak of any length keeps its admin.
        with self.lock:
            if self.token is None or time.time() - self.token_at > 20 * 60:
                self.token = subprocess.run(
                    [self.a.aws_python, os.path.join(self.a.root, "scripts", "local_aws.py"), "token",
                     self.a.moto, "admin@example.com", "Admin-pass-1", self.a.client_id],
                    capture_output=True, text=True, check=True, timeout=60).stdout.strip()
                self.token_at = time.time()
            return self.token

    def http(self, method, path, body=None, admin=True, timeout=30):
        """(status, parsed body or None, milliseconds); a transport failure is status 0."""
        headers = {"Content-Type": "application/json"}
        if admin:
            headers["Authorization"] = f"Bearer {self.admin_token()}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.api + path, data=data, method=method, headers=headers)
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                raw = r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            raw, status = e.read(), e.code
        except (urllib.error.URLError, OSError):
            return 0, None, (time.monotonic() - t0) * 1000
        ms = (time.monotonic() - t0) * 1000
        try:
            return status, json.loads(raw) if raw else None, ms
        except ValueError:
            return status, None, ms


def descendants(root):
    """Every live process under root: {pid: (comm, cmdline, stat fields)}."""
    parent, info = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            # comm may hold spaces and parentheses: the fields follow the last ')'.
            comm = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue
        pid = int(entry)
        parent[pid] = int(fields[1])
        info[pid] = (comm, cmdline, fields)
    under, changed = {root}, True
    while changed:
        changed = False
        for pid, ppid in parent.items():
            if ppid in under and pid not in under:
                under.add(pid)
                changed = True
    return {pid: info[pid] for pid in under if pid in info}


def role_of(comm, cmdline):
    # scripts/dev starts each service by its binary's path: the kernel's comm is the binary's name
    # (cut at 15 characters, which "stock-projector" fits). moto is a Python script.
    if comm in ("gateway", "stock-projector", "otlp-receiver", "prometheus", "postgres"):
        return comm
    if "moto_server" in cmdline:
        return "moto"
    return None


def memory(pid):
    """The process's resident memory from /proc/PID/smaps_rollup, in bytes: Rss (VmRSS), Pss,
    Private (its own pages: clean and dirty) and Shmem (shared memory it has touched)."""
    kib = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[2] == "kB":
                    kib[parts[0].rstrip(":")] = int(parts[1])
    except OSError:
        pass
    return {"rss": kib.get("Rss", 0) * 1024, "pss": kib.get("Pss", 0) * 1024,
            "private": (kib.get("Private_Clean", 0) + kib.get("Private_Dirty", 0)) * 1024,
            "shmem": (kib.get("Pss_Shmem", 0)) * 1024}


def dir_size(path):
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(folder, name))
            except OSError:
                pass
    return total


# ---- the activities during the soak -----------------------------------------------------------

class Soak:
    def __init__(self, a):
        self.a = a
        self.stack = Stack(a)
        self.stop = threading.Event()
        self.samples = []
        self.admin_reads = []      # (t, name, status, ms)
        self.restocks = []         # (t, sku, quantity, status)
        self.windows = []          # {"fault", "on", "off", "on_status", "off_status"}
        self.segments = []         # (json path, orders path, log path)
        self.errors = []           # what went wrong in a background activity
        self.loadgen = None
        self.t0 = None

    # Load: loadgen at the steady rate, in segments of at most LOADGEN_SEGMENT_S.
    def load(self):
        a = self.a
        index = 0
        while not self.stop.is_set():
            left = self.load_end - time.time()
            if left < 5:
                return
            seconds = min(left, LOADGEN_SEGMENT_S)
            index += 1
            base = os.path.join(a.work, f"load-{index}")
            cmd = [a.loadgen, "run", "-q", "-c", str(a.shoppers), "--rate", f"{a.rate / ORDER_SHARE:g}",
                   "-d", f"{seconds:.0f}", "--mix", ",".join(f"{k}={v}" for k, v in MIX.items()),
                   "--api", self.stack.api, "--cognito-endpoint", a.moto, "--client-id", a.client_id,
                   "--users", "soak{}@example.com", "--password", "Soak-pass-1",
                   "--json", base + ".json", "--orders-out", base + ".orders"]
            with open(base + ".log", "w") as out:
                # Dies with this process even when this one is killed outright.
                self.loadgen = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                                preexec_fn=die_with_parent)
                self.segments.append((base + ".json", base + ".orders", base + ".log"))
                code = self.loadgen.wait()
            if code != 0 and not self.stop.is_set():
                self.errors.append(f"loadgen segment {index} exited with {code}; see its log")
                with open(base + ".log") as f:
                    sys.stdout.write(f.read()[-2000:])
                return

    # An operator's reads of the console every ~10 s: the four pages a learner keeps open.
    def admin(self):
        insights = urllib.parse.quote(
            'fields @timestamp, service, message | filter level = "WARN" or level = "ERROR" '
            '| sort @timestamp desc | limit 20')
        reads = [("projections", "/admin/projections"),
                 ("alarms", "/admin/observe/alarms"),
                 ("traces", "/admin/observe/traces?minutes=15&limit=20"),
                 ("logs insights", f"/admin/observe/logs/insights?minutes=15&query={insights}")]
        while not self.stop.wait(10):
            for name, path in reads:
                status, _, ms = self.stack.http("GET", path)
                self.admin_reads.append((time.time(), name, status, ms))

    # Stock arrives as a warehouse restocks: every 30 s each SKU is topped up to about 1.2 times
    # what the shoppers ask of it in 30 s, so most orders are accepted while SKUs still run short
    # before the next delivery and orders compete for the last units.
    def restock(self):
        units_per_order = 2 * 1.5 * MIX["order"] / (MIX["order"] + MIX["oversized"])
        while not self.stop.wait(0 if not self.restocks else 30):
            # The catalog read as a shopper reads it: product_read_failure fails half of those
            # reads on purpose, so a failed read is asked again.
            for _ in range(10):
                status, body, _ = self.stack.http("GET", "/products", admin=False)
                if status == 200 or self.stop.wait(1):
                    break
            items = (body or {}).get("items", []) if status == 200 else []
            if not items:
                self.restocks.append((time.time(), None, 0, status))
                continue
            target = max(10, round(1.2 * 30 * self.a.rate * units_per_order / len(items)))
            for p in items:
                available = p.get("available", p.get("on_hand", 0) - p.get("reserved", 0))
                if available < target:
                    quantity = target - available
                    status, _, _ = self.stack.http("POST", f"/admin/products/{p['sku']}/restock",
                                                   {"quantity": quantity})
                    self.restocks.append((time.time(), p["sku"], quantity, status))

    # One fault switched on for a while every few minutes, in rotation, each window recorded.
    def faults(self):
        every, length = self.a.fault_every * 60, self.a.fault_seconds
        start = min(60, every / 2)
        k = 0
        while True:
            on_at = self.t0 + start + k * every
            # Each window ends well before the load does, so the settling starts from a whole shop.
            if on_at + length > self.load_end - 15:
                return
            if self.stop.wait(max(0, on_at - time.time())):
                return
            name, params = FAULTS[k % len(FAULTS)]
            window = {"fault": name, "params": params, "on": time.time()}
            window["on_status"] = self.stack.http("PUT", f"/admin/faults/{name}",
                                                  {"enabled": True, **params})[0]
            self.windows.append(window)
            log(f"fault {name} on for {length} s")
            self.stop.wait(length)
            self.fault_off(window)
            log(f"fault {name} off")
            k += 1

    def fault_off(self, window):
        if "off" in window:
            return
        for _ in range(5):
            status = self.stack.http("PUT", f"/admin/faults/{window['fault']}", {"enabled": False})[0]
            if status == 200:
                break
            time.sleep(1)
        window["off_status"] = status
        window["off"] = time.time()

    # Every ~15 s: each process's memory and CPU time, PostgreSQL's sizes, the machine's load.
    def sample(self):
        while True:
            self.samples.append(self.take_sample())
            if self.stop.wait(self.a.sample_every):
                self.samples.append(self.take_sample())
                return

    def take_sample(self):
        s = {"t": time.time(), "rss": {}, "pss": {}, "private": {}, "shmem": {}, "cpu_ticks": {},
             "pids": {}, "count": {}}
        for pid, (comm, cmdline, fields) in descendants(self.a.stack_pid).items():
            role = role_of(comm, cmdline)
            if role is None:
                continue
            # PSS divides shared pages among the processes mapping them: PostgreSQL's shared
            # buffers, mapped by every backend, count once in the sum instead of once per backend.
            for key, value in memory(pid).items():
                s[key][role] = s[key].get(role, 0) + value
            s["cpu_ticks"][str(pid)] = int(fields[11]) + int(fields[12])
            s["pids"].setdefault(role, []).append(pid)
            s["count"][role] = s["count"].get(role, 0) + 1
        try:
            rows = self.stack.psql(SIZE_GROUPS)
            s["db"] = {k: int(v) for k, v in rows}
            s["backends"] = self.backends_by_client(s["pids"])
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            s["db"] = {}
            self.errors.append(f"a size sample failed: {e}")
        s["prometheus_tsdb"] = dir_size(self.a.prometheus_dir)
        with open("/proc/loadavg") as f:
            s["loadavg"] = float(f.read().split()[0])
        return s

    def backends_by_client(self, pids):
        """Each PostgreSQL backend's private memory, grouped by the service it serves:
        {role: [bytes, ...]}. A backend's client port (pg_stat_activity) is matched to the socket
        a service process holds, through /proc/net/tcp's inodes."""
        inode_of_port = {}
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    next(f)
                    for line in f:
                        parts = line.split()
                        local, remote = parts[1].rsplit(":", 1)[1], parts[2].rsplit(":", 1)[1]
                        if int(remote, 16) == self.a.pg_port:
                            inode_of_port[int(local, 16)] = parts[9]
            except OSError:
                pass
        role_of_inode = {}
        for role, role_pids in pids.items():
            if role == "postgres":
                continue
            for pid in role_pids:
                try:
                    for fd in os.listdir(f"/proc/{pid}/fd"):
                        target = os.readlink(f"/proc/{pid}/fd/{fd}")
                        if target.startswith("socket:["):
                            role_of_inode[target[8:-1]] = role
                except OSError:
                    pass
        grouped = {}
        rows = self.stack.psql("SELECT pid, client_port FROM pg_stat_activity "
                               "WHERE client_port IS NOT NULL AND pid <> pg_backend_pid()")
        for pid, port in rows:
            role = role_of_inode.get(inode_of_port.get(int(port)), "other")
            private = memory(pid)["private"]
            if private:
                grouped.setdefault(role, []).append(private)
        return grouped

    def run(self):
        a = self.a
        self.t0 = time.time()
        self.load_end = self.t0 + a.minutes * 60
        self.machine_start = machine_facts()
        log(f"soak: {a.minutes:g} min at {a.rate:g} orders/s ({a.rate / ORDER_SHARE:g} requests/s, "
            f"{a.shoppers} shoppers), a fault for {a.fault_seconds} s every {a.fault_every:g} min")
        threads = [threading.Thread(target=self.guard(f), name=f.__name__, daemon=True)
                   for f in (self.sample, self.load, self.admin, self.restock, self.faults)]
        for t in threads:
            t.start()
        try:
            last = 0
            while time.time() < self.load_end and not self.errors:
                time.sleep(1)
                if time.time() - last >= 60:
                    last = time.time()
                    if self.samples:
                        s = self.samples[-1]
                        log(f"{(time.time() - self.t0) / 60:.0f} min: "
                            + ", ".join(f"{r} {s['pss' if r == 'postgres' else 'rss'].get(r, 0) / MIB:.0f} MiB"
                                        for r in ROLES)
                            + f"; database {s['db'].get('database', 0) / MIB:.0f} MiB; load {s['loadavg']:.2f}")
        finally:
            self.stop.set()
            if self.loadgen and self.loadgen.poll() is None:
                self.loadgen.send_signal(signal.SIGTERM)
            for w in self.windows:
                self.fault_off(w)
            for t in threads:
                t.join(timeout=60)
            if self.loadgen and self.loadgen.poll() is None:
                self.loadgen.kill()
        self.load_stopped = time.time()
        log("load stopped, faults off")

    def guard(self, f):
        def run():
            try:
                f()
            except Exception as e:  # a background activity's failure fails the soak, visibly
                self.errors.append(f"{f.__name__}: {type(e).__name__}: {e}")
        return run


def die_with_parent():
    # PR_SET_PDEATHSIG (1): the kernel sends SIGTERM to loadgen if this helper dies first.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except OSError:
        pass


def machine_facts():
    facts = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
             "cores": os.cpu_count(), "kernel": platform.release()}
    try:
        with open("/proc/meminfo") as f:
            facts["memory"] = int(f.readline().split()[1]) * 1024
        with open("/proc/cpuinfo") as f:
            names = [l.split(":", 1)[1].strip() for l in f if l.startswith("model name")]
        facts["cpu"] = names[0] if names else "?"
        with open("/proc/loadavg") as f:
            facts["loadavg"] = " ".join(f.read().split()[:3])
    except OSError:
        pass
    return facts


# ---- after the load: settle, then judge --------------------------------------------------------

def settle(soak, limit):
    """Seconds until every projection's lag is 0 (GET /api/admin/projections), or None."""
    t0 = time.time()
    while time.time() - t0 < limit:
        status, body, _ = soak.stack.http("GET", "/admin/projections")
        if status == 200 and body and all(p["lag_events"] == 0 for p in body["items"]):
            return time.time() - t0, body
        time.sleep(1)
    return None, body if status == 200 else None


def five_xx(gateway_log, windows):
    """5xx answers from the gateway's request metric lines (EMF, one per request, with Status and
    a millisecond Timestamp), split by whether they fall in a fault window (plus the grace)."""
    spans = [(w["on"], w.get("off", w["on"]) + FAULT_GRACE_S, w["fault"]) for w in windows]
    inside, outside, total = {}, [], 0
    with open(gateway_log, errors="replace") as f:
        for line in f:
            if '"HttpRequests"' not in line:
                continue
            try:
                r = json.loads(line)
            except ValueError:
                continue
            total += 1
            if not str(r.get("Status", "")).startswith("5"):
                continue
            t = r["_aws"]["Timestamp"] / 1000
            fault = next((name for on, off, name in spans if on <= t <= off), None)
            if fault:
                inside[fault] = inside.get(fault, 0) + 1
            else:
                outside.append((t, r.get("Method"), r.get("Route"), r.get("Status")))
    return total, inside, outside


def quarter_means(series):
    """The means of the four quarters of a series (at least four values)."""
    n = len(series)
    return [statistics.fmean(series[n * i // 4:n * (i + 1) // 4]) for i in range(4)]


def slope_per_hour(points):
    """Least-squares growth per hour of (t, value) points."""
    if len(points) < 2:
        return 0.0
    ts = [t for t, _ in points]
    vs = [v for _, v in points]
    mt, mv = statistics.fmean(ts), statistics.fmean(vs)
    den = sum((t - mt) ** 2 for t in ts)
    return 0.0 if den == 0 else sum((t - mt) * (v - mv) for t, v in zip(ts, vs)) / den * 3600


def judge(soak):
    a, stack = soak.a, soak.stack
    checks = []   # (name, ok, detail)
    facts = {}

    def check(name, ok, detail):
        checks.append((name, bool(ok), detail))
        print(f"check: {name}: {'ok' if ok else 'FAILED'} ({detail})", flush=True)

    check("the background activities ran without error", not soak.errors,
          "; ".join(soak.errors) or "load, admin reads, restocks, faults and samples all ran")

    seconds, projections = settle(soak, a.settle)
    check("the projections settled after the load (lag 0)", seconds is not None,
          f"lag 0 after {seconds:.1f} s" if seconds is not None else
          f"not within {a.settle} s: {json.dumps(projections)[:300]}")
    facts["settle_s"] = seconds

    # The load as loadgen saw it.
    load = {"requests": 0, "orders_accepted": 0, "statuses": {}, "p50": [], "p99": [], "seconds": 0.0}
    accepted = set()
    for json_path, orders_path, _ in soak.segments:
        if not os.path.exists(json_path):
            continue
        with open(json_path) as f:
            s = json.load(f)
        load["requests"] += s["requests"]
        load["orders_accepted"] += s["orders_accepted"]
        load["seconds"] += s["duration_s"]
        load["p50"].append(s["all"]["p50_ms"])
        load["p99"].append(s["all"]["p99_ms"])
        for kind, k in s["kinds"].items():
            for code, n in k["statuses"].items():
                key = f"{kind} {code}"
                load["statuses"][key] = load["statuses"].get(key, 0) + n
        if os.path.exists(orders_path):
            with open(orders_path) as f:
                accepted |= {line.split()[0] for line in f if line.strip()}
    facts["load"] = load
    check("the shoppers' orders were accepted throughout", load["orders_accepted"] > 0,
          f"{load['requests']} requests in {load['seconds']:.0f} s, {load['orders_accepted']} orders accepted (202)")

    # Orders lost: placed in the log minus decided (confirmed, rejected or cancelled), and
    # accepted by the API but absent from the log.
    rows = stack.psql("""
      WITH o AS (
        SELECT aggregate_id,
               count(*) FILTER (WHERE event_type = 'OrderPlaced') AS placed,
               count(*) FILTER (WHERE event_type = 'OrderConfirmed') AS confirmed,
               count(*) FILTER (WHERE event_type = 'OrderRejected') AS rejected,
               count(*) FILTER (WHERE event_type = 'OrderCancelled') AS cancelled
          FROM events WHERE aggregate_type = 'Order' GROUP BY aggregate_id)
      SELECT count(*) FILTER (WHERE placed > 0),
             count(*) FILTER (WHERE placed > 0 AND confirmed + rejected + cancelled > 0),
             count(*) FILTER (WHERE placed > 0 AND confirmed + rejected + cancelled = 0),
             count(*) FILTER (WHERE confirmed > 0), count(*) FILTER (WHERE rejected > 0),
             count(*) FILTER (WHERE cancelled > 0),
             count(*) FILTER (WHERE placed <> 1 OR confirmed + rejected > 1 OR cancelled > 1),
             (SELECT count(*) FROM orders), (SELECT count(*) FROM orders WHERE status = 'pending')
        FROM o""")[0]
    placed, decided, undecided, confirmed, rejected, cancelled, doubled, read_rows, pending = map(int, rows)
    in_log = {r[0] for r in stack.psql("SELECT DISTINCT aggregate_id FROM events WHERE aggregate_type = 'Order'")}
    missing = accepted - in_log
    lost = undecided + len(missing)
    facts["orders"] = dict(placed=placed, decided=decided, confirmed=confirmed, rejected=rejected,
                           cancelled=cancelled, lost=lost, accepted=len(accepted), missing=len(missing))
    check("orders lost: 0", lost == 0,
          f"{placed} placed, {decided} decided ({confirmed} confirmed, {rejected} rejected, {cancelled} cancelled), "
          f"{undecided} undecided; {len(accepted)} answered 202, {len(missing)} of them not in the log")
    check("no order placed or decided twice", doubled == 0, f"{doubled} orders with a doubled event")
    check("the orders read model holds every order, none pending", read_rows == placed and pending == 0,
          f"{read_rows} rows for {placed} placed orders, {pending} pending")

    # Oversold: the read model, and the stock running through the log after every event.
    over_read = int(stack.psql("SELECT count(*) FROM products WHERE reserved > on_hand OR available < 0")[0][0])
    stock = """
      WITH s AS (
        SELECT aggregate_id AS sku, sequence,
               sum(coalesce((payload->'StockReceived'->>'quantity')::int,
                            (payload->'StockReceived'->>'qty')::int, 0)) OVER w AS on_hand,
               sum(CASE event_type WHEN 'StockReserved' THEN (payload->'StockReserved'->>'quantity')::int
                                   WHEN 'ReservationReleased' THEN -(payload->'ReservationReleased'->>'quantity')::int
                                   ELSE 0 END) OVER w AS reserved
          FROM events WHERE aggregate_type = 'Stock'
        WINDOW w AS (PARTITION BY aggregate_id ORDER BY sequence))"""
    over_log, lowest, received, reserved = stack.psql(
        stock + " SELECT count(*) FILTER (WHERE on_hand - reserved < 0), min(on_hand - reserved),"
                " (SELECT sum(on_hand) FROM (SELECT DISTINCT ON (sku) on_hand FROM s ORDER BY sku, sequence DESC) x),"
                " (SELECT sum(reserved) FROM (SELECT DISTINCT ON (sku) reserved FROM s ORDER BY sku, sequence DESC) x)"
                " FROM s")[0]
    differ = int(stack.psql(
        stock + " SELECT count(*) FROM products p FULL JOIN (SELECT DISTINCT ON (sku) sku, on_hand, reserved"
                " FROM s ORDER BY sku, sequence DESC) l USING (sku)"
                " WHERE p.on_hand IS DISTINCT FROM l.on_hand OR p.reserved IS DISTINCT FROM l.reserved")[0][0])
    oversold = over_read + int(over_log)
    facts["stock"] = dict(received=int(received or 0), reserved=int(reserved or 0), lowest=int(lowest or 0),
                          restocks=sum(1 for r in soak.restocks if r[1]),
                          restocked=sum(r[2] for r in soak.restocks if r[1] and r[3] in (200, 201, 202)))
    check("oversold: 0", oversold == 0,
          f"{over_read} products with reserved > on hand in the read model, {over_log} stock events leaving "
          f"a SKU below 0 (lowest availability {lowest}); {reserved} units reserved of {received} received")
    check("the catalog read model equals the stock events", differ == 0, f"{differ} SKUs differ")
    bad_restocks = [r for r in soak.restocks if r[3] not in (200, 201, 202)]
    check("every restock was accepted", not bad_restocks,
          f"{len(soak.restocks)} restocks" + (f", failed: {bad_restocks[:3]}" if bad_restocks else ""))

    # 5xx outside the fault windows, from the gateway's own request lines.
    total, inside, outside = five_xx(a.gateway_log, soak.windows)
    facts["http"] = dict(total=total, inside=inside, outside=len(outside))
    check("5xx outside the fault windows: 0", not outside,
          f"{total} requests answered; {sum(inside.values())} 5xx inside the windows "
          f"({', '.join(f'{k} {v}' for k, v in inside.items()) or 'none'}), {len(outside)} outside"
          + (f": first {[(time.strftime('%H:%M:%S', time.localtime(t)), m, r, s) for t, m, r, s in outside[:5]]}"
             if outside else ""))
    bad_flips = [w for w in soak.windows if w.get("on_status") != 200 or w.get("off_status") != 200]
    check("every fault switch flipped on and off", not bad_flips,
          f"{len(soak.windows)} windows" + (f", failed: {bad_flips}" if bad_flips else ""))

    # The admin reads.
    reads = soak.admin_reads
    failed_reads = [r for r in reads if r[2] != 200 and not any(
        w["on"] <= r[0] <= w.get("off", w["on"]) + FAULT_GRACE_S for w in soak.windows)]
    ms = sorted(r[3] for r in reads)
    facts["admin"] = dict(reads=len(reads), failed=len(failed_reads),
                          p50=ms[len(ms) // 2] if ms else 0, p99=ms[int(len(ms) * 0.99)] if ms else 0,
                          by_name={n: sorted(r[3] for r in reads if r[1] == n) for n in {r[1] for r in reads}})
    check("admin reads answered 200 outside the fault windows", reads and not failed_reads,
          f"{len(reads)} reads, {len(failed_reads)} failed"
          + (f": {[(n, s) for _, n, s, _ in failed_reads[:5]]}" if failed_reads else ""))

    # Telemetry retention: at every sample each table holds at most its cap plus what arrived
    # within one trim interval.
    samples = [s for s in soak.samples if s.get("db")]
    tele = {}
    for table in ("spans", "logs"):
        worst, bound_held, reached_at = 0, True, None
        for i, s in enumerate(samples):
            rows = s["db"][f"{table}_rows"]
            arrived = s["db"][f"{table}_ids"] - samples[max(0, i - TRIM_WINDOW_SAMPLES)]["db"][f"{table}_ids"]
            bound = a.telemetry_cap + arrived
            worst = max(worst, rows - bound)
            bound_held &= rows <= bound
            if reached_at is None and s["db"][f"{table}_ids"] > a.telemetry_cap:
                reached_at = s["t"]
        last = samples[-1]["db"] if samples else {}
        rows_end, ids_end = last.get(f"{table}_rows", 0), last.get(f"{table}_ids", 0)
        size_end = last.get(f"{table}_size", 0)
        # Growth of the table's size once the cap was reached: the space of trimmed rows is reused.
        after = [(s["t"], s["db"][f"{table}_size"]) for s in samples if reached_at and s["t"] >= reached_at]
        tele[table] = dict(rows_max=max((s["db"][f"{table}_rows"] for s in samples), default=0),
                           rows_end=rows_end, received=ids_end, trimmed=ids_end - rows_end,
                           bound_held=bound_held, worst_over=worst, reached_at=reached_at,
                           size_end=size_end, bytes_per_row=size_end / rows_end if rows_end else 0,
                           per_hour=ids_end / max(1, (samples[-1]["t"] - samples[0]["t"])) * 3600 if samples else 0,
                           size_at_cap=after[0][1] if after else None,
                           growth_after_cap=(after[-1][1] - after[0][1]) if len(after) > 1 else None,
                           minutes_after_cap=(after[-1][0] - after[0][0]) / 60 if len(after) > 1 else 0)
    facts["telemetry"] = tele
    # Once a table is at its cap, each trim frees as much as arrived and autovacuum hands that
    # space to the next inserts: its size should level off. Judged over the second half of the
    # time after the cap was reached, when that half is long enough to show a trend.
    levels = []
    for table, t in tele.items():
        after = [(s["t"], s["db"][f"{table}_size"]) for s in samples
                 if t["reached_at"] and s["t"] >= t["reached_at"]]
        if len(after) < 2 or (after[-1][0] - after[0][0]) / 60 < 2 * LEVEL_OFF_HALF_MINUTES:
            t["level"] = None
            continue
        mid = after[0][0] + (after[-1][0] - after[0][0]) / 2
        half = [v for ts, v in after if ts >= mid]
        t["level"] = dict(start=half[0], end=half[-1], minutes=(after[-1][0] - mid) / 60,
                          ok=half[-1] - half[0] <= LEVEL_OFF_LIMIT * half[0])
        levels.append(f"observe.{table} {mib(half[0])} to {mib(half[-1])} in the last {t['level']['minutes']:.0f} min")
    judged_levels = [t["level"] for t in tele.values() if t.get("level")]
    if judged_levels:
        check("telemetry's size levels off at the cap", all(l["ok"] for l in judged_levels),
              f"growth at most {LEVEL_OFF_LIMIT * 100:.0f}% over the second half after the cap: " + "; ".join(levels))
    check("telemetry retention holds its bound", all(t["bound_held"] for t in tele.values()),
          "; ".join(f"{k}: at most {t['rows_max']} rows (cap {a.telemetry_cap} + arrivals within {TRIM_WINDOW_SAMPLES * a.sample_every:g} s), "
                    f"{t['received']} received, {t['trimmed']} trimmed" for k, t in tele.items()))

    # Services up the whole time: the same PID for each supervised service in every sample.
    restarts = {}
    for role in ("gateway", "stock-projector", "otlp-receiver", "prometheus", "moto"):
        pids = [tuple(s["pids"].get(role, [])) for s in soak.samples]
        restarts[role] = sum(1 for p, q in zip(pids, pids[1:]) if p != q) + sum(1 for p in pids if not p)
    pg_alive = all(s["pids"].get("postgres") for s in soak.samples)
    facts["restarts"] = restarts
    check("no service restarted or went missing", not any(restarts.values()) and pg_alive,
          ", ".join(f"{r} {n}" for r, n in restarts.items()) + f"; postgres {'up' if pg_alive else 'MISSING'}")

    # Memory. A cache or a pool grows while it fills and then stays; a leak keeps growing. So
    # the growth from the first quarter of the samples to the last is shown, and what is judged
    # is whether a process is still growing at the end: its last quarter's growth (quarter means)
    # above a floor and at least half its average growth per quarter over the run.
    def quarters(series, floor_per_hour):
        q = quarter_means(series)
        quarter_h = (soak.load_stopped - soak.t0) / 4 / 3600
        last, average = q[3] - q[2], (q[3] - q[0]) / 3
        return dict(first=series[0], last=series[-1], max=max(series), q=q, growth=q[3] - q[0],
                    growth_pct=(q[3] - q[0]) / q[0] * 100 if q[0] else 0, last_quarter=last,
                    still_growing=last > floor_per_hour * quarter_h and last >= STILL_GROWING_SHARE * average)

    rss = {}
    for role in ROLES:
        key = "pss" if role == "postgres" else "rss"
        series = [s[key].get(role, 0) for s in soak.samples if s[key].get(role)]
        if len(series) < 4:
            continue
        rss[role] = quarters(series, STILL_GROWING_FLOOR)
        if role == "postgres":
            # Its PSS grows as the backends touch more of shared_buffers (bounded by the setting)
            # and as the services' pools open connections (bounded by their sizes): neither is a
            # leak, so the sum is shown, not judged. A backend's own (private) memory growing
            # would be one: judged below per service served.
            rss[role].update(processes=(min(s["count"].get(role, 0) for s in soak.samples),
                                        max(s["count"].get(role, 0) for s in soak.samples)),
                             shmem_max=max(s["shmem"].get(role, 0) for s in soak.samples),
                             rss_sum_max=max(s["rss"].get(role, 0) for s in soak.samples))
    backends = {}
    for client in ("gateway", "stock-projector", "otlp-receiver", "other"):
        # The mean private memory of the backends serving this client, sample by sample.
        per = [statistics.fmean(s["backends"][client]) for s in samples if s.get("backends", {}).get(client)]
        if len(per) < 4:
            continue
        backends[client] = quarters(per, BACKEND_STILL_GROWING_FLOOR)
        backends[client]["count"] = (min(len(s["backends"].get(client, [])) for s in samples if s.get("backends")),
                                     max(len(s["backends"].get(client, [])) for s in samples if s.get("backends")))
    facts["backends"] = backends
    judged = {r: m for r, m in rss.items() if r not in RSS_NOT_JUDGED and r != "postgres"}
    judged.update({f"postgres backends of {c}": m for c, m in backends.items()})
    growing = [r for r, m in judged.items() if m["still_growing"]]
    facts["rss"] = rss
    detail = ", ".join(f"{r} {m['growth'] / MIB:+.1f} MiB over the run, {m['last_quarter'] / MIB:+.1f} in the last quarter"
                       for r, m in judged.items())
    if a.minutes >= RSS_JUDGED_FROM_MINUTES:
        check("no process's memory grows without bound", not growing,
              f"still growing at the end = the last quarter's growth above {STILL_GROWING_FLOOR // MIB} MiB/h "
              f"(a backend: {BACKEND_STILL_GROWING_FLOOR // MIB} MiB/h) and at least "
              f"{STILL_GROWING_SHARE * 100:.0f}% of the run's average per quarter: {detail}"
              + (f"; still growing: {', '.join(growing)}" if growing else ""))
    else:
        print(f"memory (not judged: a run under {RSS_JUDGED_FROM_MINUTES} minutes is mostly warm-up): {detail}")
    facts["rss_growing"] = growing if a.minutes >= RSS_JUDGED_FROM_MINUTES else []

    # CPU: each process's mean share of one core over the run, summed interval by interval over
    # the processes alive at both ends of it (PostgreSQL's backends come and go with the pools).
    cpu = {}
    if len(soak.samples) > 1:
        wall = soak.samples[-1]["t"] - soak.samples[0]["t"]
        for role in ROLES:
            ticks = 0
            for before, after in zip(soak.samples, soak.samples[1:]):
                ticks += sum(after["cpu_ticks"][str(p)] - before["cpu_ticks"][str(p)]
                             for p in after["pids"].get(role, []) if str(p) in before["cpu_ticks"])
            cpu[role] = ticks / TICKS / wall * 100 if wall else 0
    facts["cpu"] = cpu

    # PostgreSQL growth per hour, by group (least squares over the samples).
    growth = {}
    for key, _ in GROUP_LABELS:
        pts = [(s["t"], s["db"].get(key, 0)) for s in samples]
        growth[key] = dict(start=pts[0][1] if pts else 0, end=pts[-1][1] if pts else 0,
                           per_hour=slope_per_hour(pts), last_half=slope_per_hour(pts[len(pts) // 2:]))
    pts = [(s["t"], s["prometheus_tsdb"]) for s in soak.samples]
    growth["prometheus_tsdb"] = dict(start=pts[0][1], end=pts[-1][1], per_hour=slope_per_hour(pts),
                                     last_half=slope_per_hour(pts[len(pts) // 2:]))
    facts["growth"] = growth
    facts["events_end"] = samples[-1]["db"].get("events_rows", 0) if samples else 0
    facts["loadavg_mean"] = statistics.fmean(s["loadavg"] for s in soak.samples) if soak.samples else 0
    return checks, facts


# ---- the report ---------------------------------------------------------------------------------

def report(soak, checks, facts):
    a = soak.a
    m = soak.machine_start
    load, orders, tele = facts["load"], facts["orders"], facts["telemetry"]
    minutes = (soak.load_stopped - soak.t0) / 60
    passed = sum(1 for _, ok, _ in checks if ok)
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(load["statuses"].items()))
    throttle = (f"raised to {a.throttle} requests/s (GATEWAY_THROTTLE_RATE/BURST) for this rate"
                if a.throttle else "API Gateway's 50 requests/s, burst 100 (terraform/throttle.json), as deployed")
    md = ["## Soak", "",
          f"Measured by `scripts/soak` on {m['date']}: the whole local stack (scripts/dev: gateway, "
          "stock-projector, OTLP receiver, Prometheus, PostgreSQL, moto; debug builds) for "
          f"{minutes:.0f} minutes at a steady {a.rate:g} orders/s, with admin reads every 10 s, "
          f"restocks every 30 s and a fault switched on for {a.fault_seconds} s every {a.fault_every:g} "
          "minutes. The table is rewritten by each run (`scripts/soak --minutes N --rate R "
          "--fault-every M`; scripts/test runs a 3-minute version that publishes nothing).", "",
          "| machine and run | |", "|---|---|",
          f"| cpu | {m.get('cpu', '?')} |",
          f"| cores | {m.get('cores', '?')}, shared: other builds and tests ran on this machine during the soak |",
          f"| memory | {m.get('memory', 0) / 1024 ** 3:.1f} GiB |",
          f"| kernel | Linux {m.get('kernel', '?')} |",
          f"| commit | {a.commit} |",
          f"| load average | {m.get('loadavg', '?')} at start; mean {facts['loadavg_mean']:.2f} over the run (1-minute figure, sampled) |",
          f"| duration | {minutes:.1f} min of load, then {facts['settle_s'] or 0:.0f} s until every projection's lag was 0 |",
          f"| load | loadgen, {a.shoppers} shoppers with their own Cognito tokens, open loop at {a.rate / ORDER_SHARE:g} "
          f"requests/s ({', '.join(f'{k} {v}' for k, v in MIX.items())}): {a.rate:g} orders/s asked |",
          f"| gateway throttle | {throttle} |",
          f"| telemetry caps | {a.telemetry_cap:,} spans and {a.telemetry_cap:,} logs (OBSERVE_MAX_SPANS/LOGS; "
          "shipped: 200,000 each, 24 h), lowered so that trimming runs within the soak |",
          "", "| figure | measured | check |", "|---|---|---|"]

    def row(figure, measured, name=None):
        ok = next((ok for n, ok, _ in checks if n == name), None) if name else None
        verdict = "" if name is None else "not judged" if ok is None else "ok" if ok else "**failed**"
        md.append(f"| {figure} | {measured} | {verdict} |")

    row("requests (loadgen)", f"{load['requests']:,} in {load['seconds']:.0f} s; p50 "
        f"{max(load['p50'] or [0]):.1f} ms, p99 {max(load['p99'] or [0]):.1f} ms; {statuses}")
    row("orders", f"{orders['accepted']:,} answered 202 ({orders['accepted'] / max(1, load['seconds']):.2f}/s); "
        f"{orders['placed']:,} placed in the log: {orders['confirmed']:,} confirmed, {orders['rejected']:,} rejected, "
        f"{orders['cancelled']:,} cancelled")
    row("orders lost (placed, not decided; or 202 and not in the log)", f"{orders['lost']}", "orders lost: 0")
    st = facts["stock"]
    row("oversold (read model, and the stock after every event of the log)",
        f"0 of {st['reserved']:,} units reserved from {st['received']:,} received (lowest availability {st['lowest']})"
        if next(ok for n, ok, _ in checks if n == "oversold: 0") else "see the check output", "oversold: 0")
    http = facts["http"]
    row("5xx outside the fault windows", f"{http['outside']} of {http['total']:,} requests; inside the windows "
        f"{sum(http['inside'].values())} ({', '.join(f'{k} {v}' for k, v in http['inside'].items()) or 'none'})",
        "5xx outside the fault windows: 0")
    ad = facts["admin"]
    row("admin reads (projections, alarms, traces, a Logs Insights query)",
        f"{ad['reads']} reads, {ad['failed']} failed outside the faults; p50 {ad['p50']:.1f} ms, p99 {ad['p99']:.1f} ms",
        "admin reads answered 200 outside the fault windows")
    row("restocks", f"{st['restocks']} ({st['restocked']:,} units)", "every restock was accepted")
    row("fault windows", f"{len(soak.windows)}: " + ", ".join(
        f"{w['fault']} at {(w['on'] - soak.t0) / 60:.1f}-{(w.get('off', w['on']) - soak.t0) / 60:.1f} min"
        for w in soak.windows), "every fault switch flipped on and off")
    row("projections settled after the load", f"lag 0 after {facts['settle_s'] or 0:.1f} s",
        "the projections settled after the load (lag 0)")
    for table, t in tele.items():
        row(f"telemetry: observe.{table}",
            f"at most {t['rows_max']:,} rows (bound: cap {a.telemetry_cap:,} + {TRIM_WINDOW_SAMPLES * a.sample_every:g} s of arrivals); "
            f"{t['received']:,} received ({t['per_hour']:,.0f}/h), {t['trimmed']:,} trimmed; "
            f"{mib(t['size_end'])} at the end ({t['bytes_per_row']:,.0f} B/row: {200_000 * t['bytes_per_row'] / MIB:,.0f} MiB at the shipped cap)"
            + (f"; size {mib(t['size_at_cap'])} when the cap was reached, {t['growth_after_cap'] / MIB:+.1f} MiB in the "
               f"{t['minutes_after_cap']:.0f} min after" if t["growth_after_cap"] is not None else "; cap not reached"),
            "telemetry retention holds its bound")
        if t.get("level"):
            row(f"telemetry: observe.{table}'s size at the cap",
                f"{mib(t['level']['start'])} to {mib(t['level']['end'])} over the last {t['level']['minutes']:.0f} min "
                f"(at most +{LEVEL_OFF_LIMIT * 100:.0f}%)", "telemetry's size levels off at the cap")
    row("services restarted", ", ".join(f"{r} {n}" for r, n in facts["restarts"].items()),
        "no service restarted or went missing")
    row("memory still growing at the end of the run (table below)",
        ", ".join(facts["rss_growing"]) or "none" if a.minutes >= RSS_JUDGED_FROM_MINUTES
        else f"not judged under {RSS_JUDGED_FROM_MINUTES} minutes", "no process's memory grows without bound")

    md += ["", "Memory of each process, sampled every "
           f"{a.sample_every:g} s (VmRSS; PostgreSQL: the sum of PSS over the postmaster and every backend, "
           "so its shared buffers count once, and each backend's private memory by the service it serves). "
           "Growth: between the means of the first and the last quarter of the samples; last quarter: between "
           "the means of the third and the fourth. Judged: still growing at the end (the last quarter's growth "
           f"above {STILL_GROWING_FLOOR // MIB} MiB/h, a backend's {BACKEND_STILL_GROWING_FLOOR // MIB} MiB/h, and at "
           f"least {STILL_GROWING_SHARE * 100:.0f}% of the run's average per quarter).", "",
           "| process | first | last | max | growth | last quarter | mean CPU (% of one core) |",
           "|---|---|---|---|---|---|---|"]
    judged_names = set(facts["rss_growing"])

    def memory_row(name, r, note, cpu):
        flag = " **still growing**" if name in judged_names else ""
        md.append(f"| {name}{note} | {mib(r['first'])} | {mib(r['last'])} | {mib(r['max'])} | "
                  f"{r['growth'] / MIB:+.1f} MiB ({r['growth_pct']:+.0f}%) | {r['last_quarter'] / MIB:+.1f} MiB{flag} | {cpu} |")
    for role, r in facts["rss"].items():
        note = " (not judged: a tool, not the shop)" if role in RSS_NOT_JUDGED else ""
        if role == "postgres":
            note = (f", PSS of its {r['processes'][0]}-{r['processes'][1]} processes (VmRSS summed: "
                    f"{mib(r['rss_sum_max'])} at most; shared memory: {mib(r['shmem_max'])} at most; not judged: "
                    "shared buffers and pool sizes, the backends below are)")
        memory_row(role, r, note, f"{facts['cpu'].get(role, 0):.1f}")
    for client, b in facts["backends"].items():
        memory_row(f"postgres backends of {client}", b,
                   f" ({b['count'][0]}-{b['count'][1]}), private memory each (mean)", "")
    g = facts["growth"]
    md += ["", f"PostgreSQL's size by what it holds ({facts['events_end']:,} events at the end), and Prometheus's "
           "TSDB on disk; growth per hour is the least-squares slope over the samples, extrapolated, over the "
           "whole run and over its second half (telemetry levels off at its caps).", "",
           "| data | start | end | growth per hour | growth per hour, second half |", "|---|---|---|---|---|"]
    for key, label in GROUP_LABELS + [("prometheus_tsdb", "Prometheus TSDB (2 d retention)")]:
        md.append(f"| {label} | {mib(g[key]['start'])} | {mib(g[key]['end'])} | {g[key]['per_hour'] / MIB:+.1f} MiB | "
                  f"{g[key]['last_half'] / MIB:+.1f} MiB |")
    md += ["", "Checks: " + f"{passed} passed, {len(checks) - passed} failed"
           + ("" if passed == len(checks) else ": " + "; ".join(n for n, ok, _ in checks if not ok)) + ".",
           "", "What bounds each kind of data:", "",
           "- **Telemetry**: the OTLP receiver deletes, every 30 s, rows received more than "
           "`OBSERVE_RETENTION_HOURS` (24) ago, then the oldest rows beyond `OBSERVE_MAX_SPANS` and "
           "`OBSERVE_MAX_LOGS` (200,000 each). Between two trims a table holds its cap plus what arrived since "
           "the last one: that is the bound checked at every sample. Trimmed rows' space is reused by autovacuum, "
           "so the size grows only until the table's churn is in balance.",
           "- **Timeline** (applied_pages, deliveries): the projector prunes records older than 7 days once an hour: "
           "a week of the growth above.",
           "- **Event store, read models, idempotency keys**: kept for ever, by design; they grow with the orders.",
           ""]
    return "\n".join(md)


def publish(path, section):
    """Replaces the "## Soak" section of the file (up to the next level-2 heading), or appends it.
    scripts/bench rewrites what is above "## Notes" and keeps the rest, so the section lives below."""
    text = open(path).read() if os.path.exists(path) else ""
    start = text.find("\n## Soak\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    else:
        nxt = re.search(r"\n## ", text[start + 1:])
        end = start + 1 + nxt.start() + 1 if nxt else len(text)
        text = text[:start + 1] + section.rstrip("\n") + "\n" + ("\n" + text[end:] if nxt else "")
    with open(path, "w") as f:
        f.write(text)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True, help="the stack's base URL (STACK_URL)")
    p.add_argument("--stack-pid", type=int, required=True, help="scripts/dev's PID: the stack's processes are under it")
    p.add_argument("--pg-port", type=int, required=True)
    p.add_argument("--pg-bin", required=True)
    p.add_argument("--moto", required=True, help="moto's endpoint URL")
    p.add_argument("--client-id", required=True)
    p.add_argument("--aws-python", required=True, help="a Python with boto3, for scripts/local_aws.py")
    p.add_argument("--loadgen", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--gateway-log", required=True)
    p.add_argument("--prometheus-dir", required=True)
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--rate", type=float, default=5)
    p.add_argument("--fault-every", type=float, default=5)
    p.add_argument("--fault-seconds", type=int, default=45)
    p.add_argument("--shoppers", type=int, default=8)
    p.add_argument("--sample-every", type=float, default=15)
    p.add_argument("--settle", type=int, default=600)
    p.add_argument("--telemetry-cap", type=int, required=True)
    p.add_argument("--throttle", type=int, default=0, help="the raised throttle rate, 0 when left as deployed")
    p.add_argument("--commit", default="?")
    p.add_argument("--publish", default="", help="the markdown file whose Soak section to write")
    a = p.parse_args()

    def on_term(*_):
        raise Stop()
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    soak = Soak(a)
    try:
        soak.run()
        checks, facts = judge(soak)
    except Stop:
        print("soak: stopped before the end", file=sys.stderr)
        return 130
    section = report(soak, checks, facts)
    with open(os.path.join(a.work, "soak.md"), "w") as f:
        f.write(section)
    with open(os.path.join(a.work, "samples.json"), "w") as f:
        json.dump({"samples": soak.samples, "windows": soak.windows, "admin_reads": soak.admin_reads}, f)
    print()
    print(section)
    failed = [n for n, ok, _ in checks if not ok]
    if a.publish:
        publish(a.publish, section)
        log(f"wrote the Soak section of {a.publish}")
    print(f"soak: {len(checks) - len(failed)} passed, {len(failed)} failed"
          + (f" ({'; '.join(failed)})" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
