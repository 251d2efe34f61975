#!/usr/bin/env python3
"""Turns the measurements scripts/bench left in RESULTS_DIR into one table, every figure beside the
reference it is judged against, prints it and writes it as Markdown with the machine and date.

  bench_report.py RESULTS_DIR OUT.md QUICK(0|1)
"""
import datetime
import json
import os
import re
import sys

R, OUT, QUICK = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
CLIENTS = [1, 4, 16]


def read(name, default=None):
    path = os.path.join(R, name)
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return f.read().strip()


def load(name):
    text = read(name)
    return json.loads(text) if text else None


def ms(v):
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def met(ok):
    return "yes" if ok else "**no**"


machine = dict(line.split("=", 1) for line in read("machine.env", "").splitlines() if "=" in line)
rows = []  # (figure, measured, reference, goal, met)
misses = []

def pgbench_of(durability):
    out = {}
    for c in CLIENTS:
        text = read(f"pgbench-{durability}-{c}.txt", "")
        m = re.search(r"^tps = ([0-9.]+)", text, re.M)
        lat = re.search(r"^latency average = ([0-9.]+) ms", text, re.M)
        out[c] = (float(m.group(1)) if m else 0.0, float(lat.group(1)) if lat else 0.0)
    return out


def orders_rows(durability, goals):
    """POST /api/orders beside pgbench and stock cqrs-es on the same cluster; `goals` judges the
    16-client publishing-off row (the headline table) or nothing (the fsync-off table)."""
    table = []
    pgbench = pgbench_of(durability)
    cqrs = {c: load(f"cqrs-{durability}-{c}.json") for c in CLIENTS}
    ours = {}
    for label, title in [("publish", "publishing to moto"), ("nopublish", "publishing off")]:
        for c in CLIENTS:
            name = f"POST /api/orders, {c} client{'s' if c > 1 else ''}, {title}"
            s = load(f"orders-{durability}-{label}-{c}.json")
            if not s:
                table.append((name, "not measured", "", "", "**no**"))
                continue
            o = s["kinds"].get("order", {})
            rate = s["orders_accepted_per_second"]
            if label == "nopublish":
                ours[c] = rate
            lat = o.get("latency", {})
            errors = o.get("errors", 0)
            tps, pg_lat = pgbench[c]
            per_order = ""
            counts = (read(f"xacts-{durability}-{label}-{c}") or "").split()
            if len(counts) == 4 and int(counts[3]) > int(counts[1]):
                x0, o0, x1, o1 = map(int, counts)
                # Less the two counting queries themselves.
                per_order = f", {(x1 - x0 - 2) / (o1 - o0):.2f} db transactions/order"
            ratio = rate / tps if tps else 0.0
            goal, ok = "-", "-"
            if goals and label == "nopublish" and c == 16:
                goal, ok = f">= 0.5x (is {ratio:.2f}x)", met(ratio >= 0.5)
                if ratio < 0.5:
                    misses.append(name + " against pgbench")
            else:
                goal = f"(is {ratio:.2f}x)"
            table.append((name,
                          f"{rate:.0f} orders/s, p50 {ms(lat.get('p50_ms', 0))} ms, p99 {ms(lat.get('p99_ms', 0))} ms"
                          + per_order + (f", {errors} errors" if errors else ""),
                          f"pgbench INSERT: {tps:.0f} tps, mean {ms(pg_lat)} ms", goal, ok))
    for c in CLIENTS:
        s = cqrs[c]
        if not s:
            continue
        name = f"PlaceOrder through stock cqrs-es + postgres-es, {c} client{'s' if c > 1 else ''}, no HTTP"
        ratio = ours.get(c, 0) / s["per_second"] if s["per_second"] else 0.0
        goal, ok = f"(ours is {ratio:.2f}x)", "-"
        if goals and c == 16:
            goal, ok = f"ours >= 1.5x (is {ratio:.2f}x)", met(ratio >= 1.5)
            if ratio < 1.5:
                misses.append("our HTTP path against stock cqrs-es, 16 clients")
        table.append((name,
                      f"{s['per_second']:.0f} commands/s, p50 {ms(s['latency']['p50_ms'])} ms, "
                      f"p99 {ms(s['latency']['p99_ms'])} ms" + (f", {s['errors']} errors" if s["errors"] else ""),
                      "our POST /api/orders, publishing off, same clients", goal, ok))
    return table


rows += orders_rows("durable", goals=True)
fast_rows = orders_rows("fast", goals=False)

for mode, name in (("", "alone (SendMessage, as a Lambda sends)"), ("batching-", "batched (SendMessageBatch, as the gateway sends)")):
    for c in CLIENTS:
        s = load(f"sqs-{mode}{c}.json")
        if s:
            rows.append((f"moto, messages sent {name}, {c} sender{'s' if c > 1 else ''}",
                         f"{s['per_second']:.0f} messages/s, p50 {ms(s['latency']['p50_ms'])} ms, "
                         f"p99 {ms(s['latency']['p99_ms'])} ms", "(reference for the publishing share)", "-", "-"))

backlog = read("backlog.txt")
if backlog:
    n, t = backlog.split()
    rows.append(("saga settles the orders above (projector resumed)",
                 f"{int(n):,} orders settled in {int(t) / 1000:.1f} s ({int(n) / max(int(t) / 1000, 1e-3):.0f} orders/s)",
                 "-", "-", "-"))

v = load("visibility.json")
if v and v.get("visibility"):
    vl = v["visibility"]["latency"]
    ok = vl["count"] > 0 and vl["p50_ms"] <= 50 and vl["p99_ms"] <= 250
    seen = (f"p50 {ms(vl['p50_ms'])} ms, p99 {ms(vl['p99_ms'])} ms ({vl['count']} orders, "
            f"{v['visibility']['timeouts']} not visible in 30 s)" if vl["count"] > 0 else
            f"none of {v['visibility']['timeouts']} orders visible within 30 s (p50, p99 > 30,000 ms)")
    if 0 < vl["count"] and v["visibility"]["timeouts"] > 0:
        ok = False
    rows.append(("command -> read model visible, 20 orders/s", seen,
                 "-", "p50 <= 50 ms, p99 <= 250 ms", met(ok)))
    if not ok:
        misses.append("command -> read model visible")

decided = []
for name in sorted(os.listdir(R)):
    m = re.fullmatch(r"decided-(\d+)\.json", name)
    if m:
        decided.append((int(m.group(1)), load(name)))
decided.sort()
best = 0
for rate, s in decided:
    v = s["visibility"]
    vl = v["latency"]
    ok = s["orders_accepted_per_second"] >= 0.95 * rate and v["timeouts"] == 0 and vl["p99_ms"] <= 1000
    if ok:
        best = rate
    rows.append((f"local stack end to end at {rate} orders/s asked, publishing to moto",
                 f"{s['orders_accepted_per_second']:.0f} orders/s accepted over {s['duration_s']:.0f} s; decided "
                 f"p50 {ms(vl['p50_ms'])} ms, p99 {ms(vl['p99_ms'])} ms, {v['timeouts']} not decided in 30 s",
                 "-", "sustained: >= 95% accepted, all decided, p99 <= 1 s", "yes" if ok else "no"))
decided_profile = None
for rate, s in decided:
    if rate > best:
        profile_of = load(f"profile-decided-{rate}.json")
        if profile_of:
            decided_profile = (rate, profile_of)
        break
if decided:
    ok = best >= 200
    rows.append(("local stack end to end: highest rate sustained 60 s", f"{best} orders/s" if best else
                 f"none of {', '.join(str(r) for r, _ in decided)} orders/s", "-", ">= 200 orders/s", met(ok)))
    if not ok:
        misses.append("local stack end to end")

gen = int(read("gen-count", "0") or 0)
copy_ms, rebuild_ms = read("copy-ms"), read("rebuild-ms")
if copy_ms and rebuild_ms:
    ratio = int(rebuild_ms) / max(int(copy_ms), 1)
    ok = ratio <= 3
    rows.append((f"rebuild of every read model, {gen:,} generated events",
                 f"{int(rebuild_ms) / 1000:.1f} s ({gen / max(int(rebuild_ms) / 1000, 1e-3):,.0f} events/s)",
                 f"COPY of the log in commit order: {int(copy_ms) / 1000:.1f} s",
                 f"<= 3x (is {ratio:.1f}x)", met(ok)))
    if not ok:
        misses.append("rebuild against COPY")

catchup = read("catchup.txt")
if catchup:
    done, elapsed, reached = catchup.split()
    if done != "timeout":
        rate = gen / max(int(done) / 1000, 1e-3)
        text = f"{rate:,.0f} events/s ({gen:,} events in {int(done) / 1000:.1f} s)"
    else:
        rate = int(reached) / max(int(elapsed) / 1000, 1e-3)
        each = ", ".join(f"{n} {int(c):,}" for n, c in
                         (line.split() for line in read("catchup-by-projection", "").splitlines() if line.strip()))
        text = (f"{rate:,.0f} events/s (incomplete: the slowest projection passed {int(reached):,} of "
                f"{gen:,} events in {int(elapsed) / 1000:.0f} s; log events passed: {each})")
    ok = done != "timeout" and rate >= 40000
    rows.append(("projector catch-up from checkpoint 0 (saga + catalog + orders)", text, "-",
                 ">= 40,000 events/s", met(ok)))
    if not ok:
        misses.append("projector catch-up")

st = load("startup.json")
if st:
    p50 = st["latency"]["p50_ms"]
    ok = p50 <= 30
    rows.append(("handler binary (product) start to first response",
                 f"p50 {ms(p50)} ms (min {ms(st['min_ms'])}, max {ms(st['latency']['max_ms'])}, "
                 f"{st['runs']} runs)", "-", "30 ms", met(ok)))
    if not ok:
        misses.append("handler start to first response")
    rows.append(("peak RSS, product handler at first response", f"{st['peak_rss_kib'] / 1024:.1f} MiB",
                 "-", "-", "-"))

g, p = read("gateway-rss"), read("projector-rss")
if g:
    rows.append(("peak RSS, gateway (all handlers) under the load above", f"{int(g) / 1024:.1f} MiB", "-", "-", "-"))
if p:
    rows.append(("peak RSS, stock-projector (incl. catch-up of the generated log)",
                 f"{int(p) / 1024:.1f} MiB", "-", "-", "-"))

header = ("figure", "measured", "reference (same run)", "goal", "met")
widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(5)]
print()
for r in [header] + rows:
    print("  ".join(str(c).replace("**", "").ljust(widths[i]) for i, c in enumerate(r)).rstrip())
print()
print("with fsync, synchronous_commit and full_page_writes off:")
for r in fast_rows:
    print("  ".join(str(c).replace("**", "").ljust(widths[i]) for i, c in enumerate(r)).rstrip())
print()
print("missed goals: " + (", ".join(misses) if misses else "none"))


def listing(pairs):
    return "; ".join(f"{name} {share}%" for name, share in pairs)


profile = load("profile.json")
if profile:
    print("CPU by process (16 clients, publishing off, durable): " + listing(profile["processes"]))
    print("gateway CPU by crate: " + listing(profile["gateway_crates"]))

if QUICK:
    sys.exit(0)

today = datetime.date.today().isoformat()
md = [
    "# Benchmarks",
    "",
    f"Measured by `scripts/bench` on {today}; every figure and its reference come from that one run on",
    "this machine (the table is rewritten by each run: run it again on yours).",
    "",
    "| machine | |",
    "|---|---|",
]
for key in ["cpu", "cores", "memory", "kernel", "postgres", "moto", "rustc", "commit", "load"]:
    label = "load average at start" if key == "load" else key
    md.append(f"| {label} | {machine.get(key, '?')} |")
md += [
    f"| bench duration | {read('bench-seconds', '?')} s after the build |",
    "",
    "| figure | measured | reference (same run) | goal | met |",
    "|---|---|---|---|---|",
]
for r in rows:
    md.append("| " + " | ".join(str(c) for c in r) + " |")
md += [
    "",
    "## The same phases with fsync, synchronous_commit and full_page_writes off",
    "",
    "As the development clusters of scripts/lib.sh run: a commit is not flushed, so this is the cost of",
    "the code alone, not what RDS (which always flushes) would give. Same run, same cluster, switched at",
    "run time.",
    "",
    "| figure | measured | reference (same run) | ratio | met |",
    "|---|---|---|---|---|",
]
for r in fast_rows:
    md.append("| " + " | ".join(str(c) for c in r) + " |")
md += [
    "",
    "## How each figure is taken",
    "",
    "- **POST /api/orders**: `loadgen run --mix order=1 -c N`, closed loop, 2 s warm-up then "
    f"{load('orders-durable-publish-1.json')['duration_s'] if load('orders-durable-publish-1.json') else '?'} s recorded; "
    "each shopper is its own Cognito user with a real token; orders of 1 to 3 lines. Committed = answered 202. "
    "The stock-projector is paused (SIGSTOP) meanwhile, so the figure is the command path alone, as pgbench's "
    "is the insert alone; release code (the `profiling` profile: release with its symbol table); gateway, PostgreSQL, moto and loadgen share the machine's cores.",
    "- **pgbench**: `pgbench -M prepared -c N -T ...` of one `INSERT` of a real OrderPlaced payload and metadata "
    "into `bench_events (LIKE events INCLUDING ALL)`: the same columns, defaults, identity and indexes.",
    "- **publishing off**: the gateway restarted without `EVENT_QUEUE_URL`.",
    "- **durability**: the headline table, every row of it (end to end, visibility, rebuild and catch-up too), "
    "with fsync, synchronous_commit and full_page_writes on (PostgreSQL's "
    "defaults, and what RDS runs); the second table with all three off (`ALTER SYSTEM`, reload, checked with "
    "`current_setting`), on the same cluster in the same run.",
    "- **cqrs-es**: `loadgen cqrs-es -c N`: the same `PlaceOrder` (the `Order` aggregate, prices read from the "
    "event store, the same five metadata fields) through `CqrsFramework` over postgres-es's "
    "`PostgresEventRepository`, on tables of postgres-es's own schema beside ours; no HTTP, token, global "
    "position, idempotency record or queue. Closed loop, 2 s warm-up.",
    "- **end to end**: `loadgen run --rate R --decided -c 16` with the projector running and every order "
    "published to moto: each accepted order is read with `?wait_for_change_from=pending` until confirmed or "
    "rejected; rates rise 25, 50, 100, 200 orders/s until one is not sustained.",
    "- **moto, messages sent**: `loadgen sqs [--batching]`: the handlers' own `Publisher` and message, to a FIFO "
    "queue of its own with no consumer; alone, each message is one `SendMessage`; batching, the senders share one "
    "batcher that sends what is waiting as `SendMessageBatch` of up to 10, 4 requests in flight.",
    "- **visible**: `loadgen run --rate 20 --visibility`: from when each order was due to the first "
    "`GET /api/orders/{id}?min_position=P` answered without `X-Read-Model-Behind` (the API polls its checkpoint "
    "every 20 ms, so figures are at most ~20 ms pessimistic).",
    "- **rebuild**: `stock-projector rebuild` over a log generated by `loadgen/gen_events.sql` straight into "
    "`events` (85% confirmed, 8% cancelled, 7% rejected orders of 1 to 3 lines over 100 products; v1 and v2 "
    "StockReceived; one Stock snapshot per SKU), committed in 50 transactions. The reference: `COPY (SELECT ... "
    "ORDER BY transaction_id, global_position) TO STDOUT | COPY events_copy FROM STDIN`.",
    "- **catch-up**: read models truncated and every checkpoint reset to 0, then `stock-projector run` "
    "(no queue, 1 s timer) until every projection's lag is 0; events/s = log length / time.",
    "- **start to first response**: `loadgen startup`: exec of the `product` binary (release code) with the "
    "stack's environment (pool, migrations check, SQS client) until `GET /api/products` answers 200; 10 runs.",
    "- **peak RSS**: VmHWM from /proc of each process at the end of its phases.",
    "",
]
if profile:
    md += [
        "## Where the CPU went: POST /api/orders, 16 clients, publishing off, durable",
        "",
        f"`perf record -a -e cpu-clock -F 499` over the recorded {load('orders-durable-nopublish-16.json')['duration_s']:.0f} s "
        f"({profile['samples']:,} samples on {machine.get('cores', '?')} cores), summed by `loadgen/perf_summary.py`.",
        "",
        f"- **Machine, by process:** {listing(profile['processes'])}.",
        f"- **Gateway, by crate:** {listing(profile['gateway_crates'])}.",
        "- **Gateway, busiest functions:**",
    ]
    md += [f"  - `{name}` {share}%" for name, share in profile["gateway_functions"]]
    md.append("")

if decided_profile:
    rate, p = decided_profile
    md += [
        f"## Where the CPU went: end to end at {rate} orders/s, the first rate not sustained",
        "",
        f"`perf record -a -e cpu-clock -F 199` over the phase's recorded seconds ({p['samples']:,} samples on "
        f"{machine.get('cores', '?')} cores).",
        "",
        f"- **Machine, by process:** {listing(p['processes'])}.",
        "",
    ]

for label, title in [("orders", "POST /api/orders, 16 clients, publishing off, durable"),
                     ("catchup", "projector catch-up from checkpoint 0")]:
    text = read(f"statements-{label}.tsv")
    if not text:
        continue
    md += [f"## Where the database time went: {title}", "",
           "The statements PostgreSQL spent most time executing (`pg_stat_statements`, reset at the phase's start).", "",
           "| calls | total ms | mean ms | statement |", "|---|---|---|---|"]
    for line in text.splitlines():
        calls, total, mean, query = line.split("\t", 3)
        md.append(f"| {calls} | {total} | {mean} | `{query.replace('|', '/')}` |")
    md.append("")

# Hand-written analysis below "## Notes" survives a rerun.
if os.path.exists(OUT):
    old = open(OUT).read()
    if "\n## Notes" in old:
        md.append(old[old.index("\n## Notes") + 1:].rstrip("\n"))
        md.append("")
with open(OUT, "w") as f:
    f.write("\n".join(md))
