#!/usr/bin/env python3
"""Sums a machine-wide `perf record -a` of one bench phase into where the CPU went: the share of
each process (gateway, PostgreSQL, loadgen, ...) and, within the gateway, of each crate and of
its busiest functions. Writes JSON for bench_report.py.

  perf_summary.py PERF_DATA GATEWAY_PID LOADGEN_PID OUT.json
"""
import collections
import json
import re
import subprocess
import sys

DATA, GATEWAY, LOADGEN, OUT = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]

script = subprocess.run(
    ["perf", "script", "-i", DATA, "-F", "comm,pid,ip,sym,dso", "--demangle"],
    capture_output=True, text=True, check=True).stdout


def process(pid, comm):
    if pid == GATEWAY:
        return "gateway"
    if pid == LOADGEN or comm == "loadgen":
        return "loadgen"
    if comm.startswith("stock-project"):
        return "stock-projector"
    if comm == "postgres":
        return "postgres"
    if comm in ("swapper",):
        return "idle"
    if comm.startswith("python") or comm.startswith("moto"):
        return "moto"
    return "other"


def crate(sym, dso):
    if "kernel" in dso:
        return "kernel (syscalls, loopback TCP)"
    if dso.startswith("libc") or "/libc" in dso or "ld-linux" in dso:
        return "libc (memcpy, malloc)"
    name = sym.lstrip("<&*").strip()
    if name.startswith("dyn "):
        name = name[4:]
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    if not m:
        return "unnamed" if not sym or sym == "[unknown]" else "other"
    return m.group(1)


def short(sym):
    sym = re.sub(r"::h[0-9a-f]{16}$", "", sym)
    return sym if len(sym) <= 110 else sym[:107] + "..."


samples = 0
by_process = collections.Counter()
gateway_crates = collections.Counter()
gateway_syms = collections.Counter()
# "   comm  1234  7ffb5b2f0e86 sym (dso)": the symbol may hold spaces and parentheses; the dso
# is the last group.
line_re = re.compile(r"^\s*(.+?)\s+(\d+)\s+[0-9a-f]+\s+(.*)\s\((.*)\)\s*$")
for line in script.splitlines():
    m = line_re.match(line)
    if not m:
        continue
    comm, pid, sym, dso = m.group(1), m.group(2), m.group(3).strip(), m.group(4)
    samples += 1
    who = process(pid, comm)
    by_process[who] += 1
    if who == "gateway":
        gateway_crates[crate(sym, dso)] += 1
        gateway_syms[short(sym) if sym != "[unknown]" else f"[{dso}]"] += 1


def pct(n):
    return round(100.0 * n / max(samples, 1), 1)


gateway = by_process["gateway"]
json.dump({
    "samples": samples,
    "processes": [[p, pct(n)] for p, n in by_process.most_common()],
    "gateway_crates": [[c, round(100.0 * n / max(gateway, 1), 1)] for c, n in gateway_crates.most_common(12)],
    "gateway_functions": [[s, round(100.0 * n / max(gateway, 1), 1)] for s, n in gateway_syms.most_common(12)],
}, open(OUT, "w"), indent=1)
