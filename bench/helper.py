#!/usr/bin/env python3
"""Small helpers for bench/run.sh: free ports, JSON/TSV parsing, median tables, and the
first-request-arrival probe of `run.sh startup`. Loopback only; every wait is bounded."""
import json
import os
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def ccload_json(path):
    """Prints '<completed> <rps>' from ccload's --json summary."""
    with open(path) as f:
        d = json.load(f)
    print(d["requests"]["total"], d["rps"])


def read_tsv(path):
    cols = ["target", "client", "round", "completed", "wall_s", "tool_rps", "user_s", "sys_s", "maxrss_kib"]
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != len(cols):
                continue
            r = dict(zip(cols, parts))
            for k in cols[2:]:
                r[k] = float(r[k])
            rows.append(r)
    return rows


def fmt(x, digits=2):
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def compare_table(path):
    """One row per (target, client): medians over rounds of the per-round values and of each
    per-round ratio to wrk from the same round and target."""
    rows = read_tsv(path)
    wrk = {(r["target"], r["round"]): r for r in rows if r["client"] == "wrk"}
    order = []
    for r in rows:
        key = (r["target"], r["client"])
        if key not in order:
            order.append(key)
    print("| target | client | rounds | completed | req/s (tool) | req/s (wall) | CPU µs/req | peak RSS MiB "
          "| req/s ÷ wrk | CPU/req ÷ wrk | RSS ÷ wrk |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for target, client in sorted(order, key=lambda k: ([t for t, _ in order].index(k[0]), order.index(k))):
        sel = [r for r in rows if r["target"] == target and r["client"] == client and r["completed"] > 0]
        if not sel:
            print(f"| {target} | {client} | 0 | - | - | - | - | - | - | - | - |")
            continue
        cpu = [(r["user_s"] + r["sys_s"]) * 1e6 / r["completed"] for r in sel]
        med = lambda xs: statistics.median(xs) if xs else None
        ratios = {"rps": [], "cpu": [], "rss": []}
        for r, c in zip(sel, cpu):
            w = wrk.get((target, r["round"]))
            if not w or w["completed"] <= 0:
                continue
            wcpu = (w["user_s"] + w["sys_s"]) * 1e6 / w["completed"]
            ratios["rps"].append(r["tool_rps"] / w["tool_rps"] if w["tool_rps"] else float("nan"))
            if wcpu > 0:
                ratios["cpu"].append(c / wcpu)
            ratios["rss"].append(r["maxrss_kib"] / w["maxrss_kib"] if w["maxrss_kib"] else float("nan"))
        print(f"| {target} | {client} | {len(sel)} | {med([r['completed'] for r in sel]):,.0f} "
              f"| {fmt(med([r['tool_rps'] for r in sel]), 0)} "
              f"| {fmt(med([r['completed'] / r['wall_s'] for r in sel]), 0)} "
              f"| {fmt(med(cpu))} | {fmt(med([r['maxrss_kib'] / 1024 for r in sel]), 1)} "
              f"| {fmt(med(ratios['rps']))} | {fmt(med(ratios['cpu']))} | {fmt(med(ratios['rss']))} |")


def summary_table(results, syscalls, instructions):
    """bench/run.sh table: one row per case, ccload beside its peer (the other client of the
    case), medians over rounds; ratios per round (CPU, rate, RSS) or of the single counts."""
    rows = read_tsv(results)
    counts = {}
    for path, kind in ((syscalls, "sys"), (instructions, "ir")):
        with open(path) as f:
            for line in f:
                case, client, value = line.rstrip("\n").split("\t")
                counts[(kind, case, client)] = float(value)
    cases = []
    for r in rows:
        if r["target"] not in cases:
            cases.append(r["target"])
    med = lambda xs: statistics.median(xs) if xs else float("nan")
    print("| case | ccload | peer | CPU µs/req | ÷ peer | req/s | ÷ peer | system calls/req | peer's "
          "| instructions/req | ÷ peer | peak RSS MiB | ÷ peer |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case in cases:
        sel = [r for r in rows if r["target"] == case and r["completed"] > 0]
        clients = []
        for r in sel:
            if r["client"] not in clients:
                clients.append(r["client"])
        cc = next((c for c in clients if c.startswith("ccload")), None)
        peer = next((c for c in clients if not c.startswith("ccload")), None)
        if cc is None or peer is None:
            continue
        cpu = lambda r: (r["user_s"] + r["sys_s"]) * 1e6 / r["completed"]
        by_round = {(r["client"], r["round"]): r for r in sel}
        ratio = {"cpu": [], "rps": [], "rss": []}
        for (client, rnd), r in by_round.items():
            p = by_round.get((peer, rnd))
            if client != cc or p is None:
                continue
            ratio["cpu"].append(cpu(r) / cpu(p) if cpu(p) > 0 else float("nan"))
            ratio["rps"].append(r["tool_rps"] / p["tool_rps"] if p["tool_rps"] else float("nan"))
            ratio["rss"].append(r["maxrss_kib"] / p["maxrss_kib"] if p["maxrss_kib"] else float("nan"))
        mine = [r for r in sel if r["client"] == cc]
        sys_c, sys_p = counts.get(("sys", case, cc)), counts.get(("sys", case, peer))
        ir_c, ir_p = counts.get(("ir", case, cc)), counts.get(("ir", case, peer))
        print(f"| {case} | {cc} | {peer} | {fmt(med([cpu(r) for r in mine]))} | {fmt(med(ratio['cpu']))} "
              f"| {fmt(med([r['tool_rps'] for r in mine]), 0)} | {fmt(med(ratio['rps']))} "
              f"| {fmt(sys_c)} | {fmt(sys_p)} | {fmt(ir_c, 0)} "
              f"| {fmt(ir_c / ir_p if ir_c and ir_p else None)} "
              f"| {fmt(med([r['maxrss_kib'] / 1024 for r in mine]), 1)} | {fmt(med(ratio['rss']))} |")


def pair_ratio(path, client, baseline):
    """The median over rounds of CLIENT's CPU per request divided by BASELINE's in the same round
    (and of their tool req/s), one line: 'CPU/req ratio R (rounds K); req/s ratio Q'."""
    rows = read_tsv(path)
    by = {(r["client"], r["round"]): r for r in rows if r["completed"] > 0}
    cpu, rps = [], []
    for (name, rnd), r in by.items():
        b = by.get((baseline, rnd))
        if name != client or not b:
            continue
        cpu.append(((r["user_s"] + r["sys_s"]) / r["completed"]) /
                   ((b["user_s"] + b["sys_s"]) / b["completed"]))
        if b["tool_rps"]:
            rps.append(r["tool_rps"] / b["tool_rps"])
    if not cpu:
        print(f"{client} / {baseline}: no round with both")
        return
    print(f"{client} / {baseline}: CPU per request {statistics.median(cpu):.3f}x "
          f"(median of {len(cpu)} rounds), req/s {statistics.median(rps):.3f}x")


def median_stats(*values):
    """Prints 'median min max' of the given numbers."""
    xs = [float(v) for v in values]
    print(f"{statistics.median(xs):.3f} {min(xs):.3f} {max(xs):.3f}")


def probe_once(cpu, cmd):
    """Spawns `taskset -c CPU cmd` ({PORT} replaced by a fresh loopback listener's port, {FRESH}
    by a new empty directory, removed afterwards) and
    returns the milliseconds from just before the spawn to the first request bytes arriving
    (None if nothing arrived within 10 s). Answers with a minimal 200 response, then gives the
    client 3 s to exit before killing its process group."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    port = srv.getsockname()[1]
    fresh = tempfile.mkdtemp(prefix="ccload-startup.")  # {FRESH}: a new empty directory
    argv = ["taskset", "-c", str(cpu)] + [
        a.replace("{PORT}", str(port)).replace("{FRESH}", fresh) for a in cmd]
    t0 = time.perf_counter_ns()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    first = None
    conns = []
    deadline = time.monotonic() + 10
    while first is None and time.monotonic() < deadline:
        readable, _, _ = select.select([srv] + conns, [], [], 0.5)
        for s in readable:
            if s is srv:
                c, _ = srv.accept()
                conns.append(c)
            else:
                data = s.recv(65536)
                if data and first is None:
                    first = time.perf_counter_ns()
                    s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for c in conns:
        c.close()
    srv.close()
    shutil.rmtree(fresh, ignore_errors=True)
    return (first - t0) / 1e6 if first else None


def startup_probe(runs, cpu, *specs):
    """Time from spawning a client to its first request bytes arriving on a loopback listener.

    specs: NAME CMD... separated by '--'. Runs every client once per round, interleaved, for
    RUNS rounds, in this one (long-lived) process; prints 'NAME MEDIAN MIN MAX' in ms."""
    clients, cur = [], []
    for a in specs + ("--",):
        if a == "--":
            if cur:
                clients.append((cur[0], cur[1:]))
            cur = []
        else:
            cur.append(a)
    results = {name: [] for name, _ in clients}
    for _ in range(int(runs)):
        for name, cmd in clients:
            ms = probe_once(cpu, cmd)
            if ms is not None:
                results[name].append(ms)
    for name, _ in clients:
        xs = results[name]
        if xs:
            print(f"{name} {statistics.median(xs):.3f} {min(xs):.3f} {max(xs):.3f}")
        else:
            print(f"{name} nan nan nan")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"port": free_port, "ccload-json": ccload_json, "compare-table": compare_table,
     "stats": median_stats, "pair-ratio": pair_ratio, "startup-probe": startup_probe,
     "summary-table": summary_table}[cmd](*args)
