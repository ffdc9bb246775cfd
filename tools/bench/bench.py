#!/usr/bin/env python3
"""payledger's benchmark suite: every figure next to a peer or a physical limit measured in the
same run. Starts everything it needs on loopback, stops it all, and writes a Markdown report
(docs/performance.md by default). `--quick` runs each scenario briefly, once (the test suite
does, so that this code never rots)."""
import argparse
import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(os.environ.get("PAYLEDGER_CACHE", os.path.expanduser("~/.cache/payledger")))
KEY = "sk_test_bench_key_0001"
CONNECTIONS = (1, 16, 64)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_tcp(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout}s")


class Server:
    """A process under test, stopped (and its peak RSS read) on exit."""

    def __init__(self, argv, port=None, log=None):
        # Output goes to a file, never to a pipe nobody reads (a full pipe blocks the server).
        self.log_path = log or tempfile.mktemp(prefix="payledger-bench-", suffix=".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while port is None and time.time() < deadline:
            with open(self.log_path) as f:
                m = re.search(r"listening on [\d.]+:(\d+)", f.read())
            if m:
                port = int(m.group(1))
            elif self.proc.poll() is not None:
                break
            else:
                time.sleep(0.05)
        if port is None:
            raise RuntimeError(f"{argv[0]} did not start; see {self.log_path}")
        try:
            wait_tcp(port)
        except RuntimeError as e:
            self.proc.kill()
            raise RuntimeError(f"{argv[0]}: {e}; see {self.log_path}") from e
        self.port = port

    def peak_rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def wrk(script, port, connections, seconds, path="/", key=KEY):
    env = dict(os.environ, BENCH_DIR=HERE, BENCH_PATH=path, BENCH_KEY=key)
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
         "-s", os.path.join(HERE, script), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def driver(build, port, mode, connections, seconds, rate=0, price=""):
    out = subprocess.run(
        [f"{build}/tools/bench/bench_flow", "--port", str(port), "--key", KEY, "--mode", mode,
         "--connections", str(connections), "--seconds", str(seconds), "--rate", str(rate),
         "--price", price],
        capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


class Results:
    def __init__(self):
        self.runs = {}  # name -> list of dicts

    def add(self, name, result):
        self.runs.setdefault(name, []).append(result)

    def stat(self, name, field):
        values = [r[field] for r in self.runs.get(name, []) if field in r]
        if not values:
            return None
        return statistics.median(values), min(values), max(values)


def payledgerd(build, data_dir, log):
    return Server([f"{build}/tools/payledgerd", "--data-dir", data_dir, "--listen",
                   "127.0.0.1:0", "--bootstrap-key", KEY], log=log)


def create_one(port):
    out = subprocess.run(["curl", "-s", "-H", f"Authorization: Bearer {KEY}", "-d",
                          "amount=2000", "-d", "currency=usd",
                          f"http://127.0.0.1:{port}/v1/payment_intents"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["id"]


def make_price(port):
    """A product and its price, for the checkout scenarios."""
    def post(path, *fields):
        args = ["curl", "-s", "-H", f"Authorization: Bearer {KEY}"]
        for f in fields:
            args += ["-d", f]
        out = subprocess.run(args + [f"http://127.0.0.1:{port}{path}"], capture_output=True,
                             text=True, check=True).stdout
        return json.loads(out)["id"]
    product = post("/v1/products", "name=Bench lamp")
    return post("/v1/prices", f"product={product}", "currency=usd", "unit_amount=2500")


def http_scenarios(args, build, work, results):
    """create/retrieve/list/flow at 1, 16, 64 connections; with --baseline-build, the baseline's
    payledgerd runs beside this one and each measurement of one is followed by the same of the
    other (names prefixed baseline/), so that both see the same machine."""
    seconds, reps = args.seconds, args.reps
    ceiling = Server([f"{build}/tools/bench/bench_ceiling"])
    try:
        for rep in range(reps):
            for c in CONNECTIONS:
                results.add(f"ceiling/c{c}", wrk("get.lua", ceiling.port, c, seconds))
    finally:
        ceiling.stop()
    builds = [("", build)] + ([("baseline/", args.baseline_build)] if args.baseline_build else [])
    servers = []
    try:
        for prefix, b in builds:
            label = prefix.strip("/") or "http"
            server = payledgerd(b, os.path.join(work, label), os.path.join(work, f"{label}.log"))
            servers.append((prefix, server, create_one(server.port)))
        price = make_price(servers[0][1].port)
        for rep in range(reps):
            for c in CONNECTIONS:
                for prefix, server, pi in servers:
                    results.add(f"{prefix}create/c{c}", wrk("create.lua", server.port, c, seconds))
                    # Seed 002's payment, beside the PaymentIntent create it is compared with
                    # (this build only: a baseline may predate /v1/payments).
                    if not prefix:
                        results.add(f"payment/c{c}", wrk("payment.lua", server.port, c, seconds))
                        # Seed 004: create a session (wrk), and complete one as its customer
                        # would (the driver: a fresh session for each completion).
                        results.add(f"session/c{c}", wrk("session.lua", server.port, c, seconds,
                                                         path=price))
                        results.add(f"complete/c{c}", driver(build, server.port, "checkout", c,
                                                             seconds, price=price))
                    results.add(f"{prefix}retrieve/c{c}", wrk("get.lua", server.port, c, seconds,
                                                              path=f"/v1/payment_intents/{pi}"))
                    results.add(f"{prefix}list/c{c}", wrk("get.lua", server.port, c, seconds,
                                                          path="/v1/payment_intents?limit=10"))
                    # The current build's driver for both: it only speaks HTTP.
                    results.add(f"{prefix}flow/c{c}", driver(build, server.port, "flow", c, seconds))
        half = results.stat("create/c64", "rps")[0] / 2
        for rep in range(reps):
            results.add("create_half_load",
                        driver(build, servers[0][1].port, "create", 64, seconds, half))
    finally:
        for _, server, _ in servers:
            server.stop()


def peer_scenarios(args, results):
    mock = os.path.join(CACHE, "bench-bin", "stripe-mock")
    localstripe = os.path.join(CACHE, "localstripe-venv", "bin", "localstripe")
    peers = []
    if os.path.exists(mock):
        port = free_port()
        peers.append(("stripe-mock", [mock, "-http-port", str(port), "-https-port", "0"], port))
    if os.path.exists(localstripe):
        port = free_port()
        peers.append(("localstripe", [localstripe, "--port", str(port)], port))
    for name, argv, port in peers:
        if name == "localstripe":
            # localstripe keeps its state in /tmp/localstripe.pickle across runs: start empty.
            with contextlib.suppress(FileNotFoundError):
                os.remove("/tmp/localstripe.pickle")
        server = Server(argv, port=port)
        try:
            for rep in range(args.reps):
                for c in CONNECTIONS:
                    results.add(f"{name}/create/c{c}",
                                wrk("create.lua", port, c, args.seconds, key="sk_test_123"))
        finally:
            server.stop()
    return [p[0] for p in peers]


def store_scenarios(args, build, work, results):
    for rep in range(args.reps):
        out = subprocess.run([f"{build}/tools/bench/bench_store", "--dir",
                              os.path.join(work, "store"), "--seconds", str(args.seconds)],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            r = json.loads(line)
            name = "fsync" if r["scenario"] == "fsync" else f"store/w{r['writers']}"
            results.add(name, r)


def webhook_scenarios(args, build, work, results):
    """Webhook delivery to a loopback receiver (bench_webhooks), with 1 and 100 endpoints.
    drain: a backlog made while payledgerd ran with --no-webhooks, sent after a restart (how fast
    deliveries go when nothing else limits them). delay: customers created at a fixed rate,
    each customer.created delivered to every endpoint; from sending the create to the delivery.
    Each run has a fresh data dir, so no earlier endpoint takes a share."""
    tool = f"{build}/tools/bench/bench_webhooks"
    backlog = 2_000 if args.quick else 20_000
    for rep in range(args.reps):
        for endpoints in (1, 100):
            data = os.path.join(work, f"webhooks-drain-{endpoints}-{rep}")
            server = Server([f"{build}/tools/payledgerd", "--data-dir", data, "--listen",
                             "127.0.0.1:0", "--bootstrap-key", KEY, "--no-webhooks"])
            receiver_port = free_port()
            try:
                subprocess.run([tool, "fill", "--port", str(server.port), "--key", KEY,
                                "--endpoints", str(endpoints), "--customers",
                                str(backlog // endpoints), "--connections", "16", "--url",
                                f"http://127.0.0.1:{receiver_port}/hook"],
                               capture_output=True, text=True, check=True)
            finally:
                server.stop()
            receiver = subprocess.Popen([tool, "receive", "--port", str(receiver_port), "--expect",
                                         str(backlog), "--seconds", "120"],
                                        stdout=subprocess.PIPE, text=True)
            wait_tcp(receiver_port)
            server = Server([f"{build}/tools/payledgerd", "--data-dir", data, "--listen",
                             "127.0.0.1:0", "--bootstrap-key", KEY])
            try:
                out, _ = receiver.communicate(timeout=180)
            finally:
                server.stop()
            results.add(f"webhooks/drain/e{endpoints}", json.loads(out.strip().splitlines()[-1]))
        # 1,000 deliveries/s in both shapes; and 5,000/s over 100 endpoints (50 creates/s).
        for endpoints, rate, name in ((1, 1000, "e1"), (100, 10, "e100"), (100, 50, "e100_5k")):
            server = Server([f"{build}/tools/payledgerd", "--data-dir",
                             os.path.join(work, f"webhooks-delay-{name}-{rep}"), "--listen",
                             "127.0.0.1:0", "--bootstrap-key", KEY])
            try:
                out = subprocess.run([tool, "latency", "--port", str(server.port), "--key", KEY,
                                      "--endpoints", str(endpoints), "--rate", str(rate),
                                      "--seconds", str(args.seconds), "--connections", "16"],
                                     capture_output=True, text=True, check=True).stdout
            finally:
                server.stop()
            results.add(f"webhooks/delay/{name}", json.loads(out.strip().splitlines()[-1]))


def fill(build, data_dir, intents):
    out = subprocess.run([f"{build}/tools/bench/bench_fill", "--data-dir", data_dir, "--key", KEY,
                          "--intents", str(intents)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def replay_scenario(args, build, work, results):
    """`payledger replay` of a filled store; with --baseline-build, the baseline's replay of a
    store filled by the baseline, each repetition of one followed by the other's."""
    builds = [("", build)] + ([("baseline/", args.baseline_build)] if args.baseline_build else [])
    stores, filled = [], None
    for prefix, b in builds:
        data = os.path.join(work, f"replay{prefix.strip('/')}")
        made = fill(b, data, args.replay_intents)
        filled = filled or made
        stores.append((prefix, b, data))
    for rep in range(args.reps):
        for prefix, b, data in stores:
            out = subprocess.run([f"{b}/tools/payledger", "replay", "--data-dir", data],
                                 capture_output=True, text=True, check=True).stdout
            m = re.search(r"replayed (\d+) events in ([\d.]+) s \((\d+) events/s\)", out)
            results.add(f"{prefix}replay", {"events": int(m.group(1)),
                                            "per_second": float(m.group(3))})
    for _, _, data in stores:
        shutil.rmtree(data)
    return filled


def growth_scenario(args, build, work, results):
    for label, intents in (("small", args.growth_small), ("large", args.growth_large)):
        data = os.path.join(work, f"growth-{label}")
        fill(build, data, intents)
        server = payledgerd(build, data, os.path.join(work, f"growth-{label}.log"))
        try:
            pi = create_one(server.port)
            for rep in range(args.reps):
                results.add(f"growth/{label}/retrieve",
                            wrk("get.lua", server.port, 16, args.seconds,
                                path=f"/v1/payment_intents/{pi}"))
                results.add(f"growth/{label}/list",
                            wrk("get.lua", server.port, 16, args.seconds,
                                path="/v1/payment_intents?limit=10"))
            results.add(f"growth/{label}/rss", {"mb": server.peak_rss_mb()})
        finally:
            server.stop()
        shutil.rmtree(data)


def fmt_stat(s, unit="", digits=0):
    if s is None:
        return "n/a"
    med, lo, hi = s
    return f"{med:,.{digits}f}{unit} ({lo:,.{digits}f}–{hi:,.{digits}f})"


def ratio(a, b):
    return None if not a or not b or not b[0] else a[0] / b[0]


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_gib = int(f.readline().split()[1]) / 1024 / 1024
    return f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB"


def http_table(results, names):
    rows = ["| scenario | connections | req/s | p50 ms | p99 ms | p99.9 ms |",
            "| --- | --- | --- | --- | --- | --- |"]
    for name in names:
        for c in CONNECTIONS:
            key = f"{name}/c{c}"
            if key not in results.runs:
                continue
            rows.append(f"| {name} | {c} | {fmt_stat(results.stat(key, 'rps'))} | "
                        f"{fmt_stat(results.stat(key, 'p50_ms'), digits=2)} | "
                        f"{fmt_stat(results.stat(key, 'p99_ms'), digits=2)} | "
                        f"{fmt_stat(results.stat(key, 'p999_ms'), digits=2)} |")
    return "\n".join(rows)


def vs_create(r, name):
    """`name`'s req/s at 64 connections over create's, measured in the same run."""
    x = ratio(r.stat(f"{name}/c64", "rps"), r.stat("create/c64", "rps"))
    return "n/a" if x is None else f"{x:.2f}×"


def verdict(ok):
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def targets(results):
    r = results
    create, ceiling = r.stat("create/c64", "rps"), r.stat("ceiling/c64", "rps")
    mock = r.stat("stripe-mock/create/c64", "rps")
    half_p99 = r.stat("create_half_load", "p99_ms")
    store64, fsync = r.stat("store/w64", "per_second"), r.stat("fsync", "per_second")
    replay = r.stat("replay", "per_second")
    grow_r = ratio(r.stat("growth/large/retrieve", "p50_ms"), r.stat("growth/small/retrieve", "p50_ms"))
    grow_l = ratio(r.stat("growth/large/list", "p50_ms"), r.stat("growth/small/list", "p50_ms"))
    rss = r.stat("growth/large/rss", "mb")
    c_vs_ceiling, c_vs_mock, s_vs_fsync = ratio(create, ceiling), ratio(create, mock), ratio(store64, fsync)
    rows = ["| target | measured | verdict |", "| --- | --- | --- |",
            f"| create (durable, 64 conn.) ≥ 50% of the ceiling | "
            f"{'n/a' if c_vs_ceiling is None else f'{c_vs_ceiling:.0%}'} | "
            f"{verdict(None if c_vs_ceiling is None else c_vs_ceiling >= 0.5)} |",
            f"| create ≥ 1.5× stripe-mock (64 conn.) | "
            f"{'n/a' if c_vs_mock is None else f'{c_vs_mock:.2f}×'} | "
            f"{verdict(None if c_vs_mock is None else c_vs_mock >= 1.5)} |",
            f"| p99 of create at half that load ≤ 5 ms | {fmt_stat(half_p99, ' ms', 2)} | "
            f"{verdict(None if half_p99 is None else half_p99[0] <= 5)} |",
            f"| event store, 64 writers ≥ 100,000 events/s | {fmt_stat(store64, '/s')} | "
            f"{verdict(None if store64 is None else store64[0] >= 100_000)} |",
            f"| event store, 64 writers ≥ 10× the fsync rate | "
            f"{'n/a' if s_vs_fsync is None else f'{s_vs_fsync:.1f}×'} | "
            f"{verdict(None if s_vs_fsync is None else s_vs_fsync >= 10)} |",
            f"| replay ≥ 500,000 events/s | {fmt_stat(replay, '/s')} | "
            f"{verdict(None if replay is None else replay[0] >= 500_000)} |",
            f"| retrieve p50 grows ≤ 1.5× (small → large store) | "
            f"{'n/a' if grow_r is None else f'{grow_r:.2f}×'} | "
            f"{verdict(None if grow_r is None else grow_r <= 1.5)} |",
            f"| list p50 grows ≤ 1.5× | {'n/a' if grow_l is None else f'{grow_l:.2f}×'} | "
            f"{verdict(None if grow_l is None else grow_l <= 1.5)} |",
            f"| peak RSS at the large store ≤ 300 MB | {fmt_stat(rss, ' MB')} | "
            f"{verdict(None if rss is None else rss[0] <= 300)} |"]
    for endpoints in (1, 100):
        drain = r.stat(f"webhooks/drain/e{endpoints}", "per_second")
        rows.append(f"| webhook deliveries, {endpoints} endpoint{'s' if endpoints > 1 else ''} "
                    f"≥ 5,000/s | {fmt_stat(drain, '/s')} | "
                    f"{verdict(None if drain is None else drain[0] >= 5000)} |")
    for name, label in (("e1", "1 endpoint"), ("e100", "100 endpoints")):
        p99 = r.stat(f"webhooks/delay/{name}", "p99_ms")
        rows.append(f"| webhook delay p99 ≤ 50 ms (1,000 deliveries/s, {label}) | "
                    f"{fmt_stat(p99, ' ms', 1)} | {verdict(None if p99 is None else p99[0] <= 50)} |")
    return "\n".join(rows)


def report(args, results, peers, filled):
    r = results
    lines = [
        "# Performance", "",
        f"Written by `tools/bench/run.sh{' --quick' if args.quick else ''}` on "
        f"{datetime.date.today().isoformat()}: {machine()}. Each figure is the median of "
        f"{args.reps} run(s) of {args.seconds} s, with min–max in brackets. The machine is "
        "shared and noisy: compare the ratios, measured side by side in one run.", "",
        "## Targets", "", targets(r), "",
        *before_after(args, r),
        "## HTTP", "",
        "`ceiling` is a trivial cpp-httplib handler configured like payledgerd (same threads, "
        "TCP_NODELAY). `create` is durable: answered after its events are fsynced and projected. "
        "`flow` chains create (manual) → confirm → capture → refund with the C++ driver; its "
        "req/s counts every call. Load: wrk (one endpoint) and tools/bench/bench_flow.", "",
        http_table(r, ["ceiling", "create", "payment", "session", "complete", "retrieve", "list",
                       "flow"]), "",
        "`payment` is `POST /v1/payments` (seed 002) with a raw test card: the card is checked, "
        "fingerprinted (HMAC-SHA256) and the payment appended; the test network then processes "
        "it in the background (a second append) while the load goes on. "
        f"payment ÷ create at 64 connections: {vs_create(r, 'payment')}.", "",
        "`session` is `POST /v1/checkout/sessions` (seed 004) with one price: the price and its "
        "product are read, and the session and its PaymentIntent appended together. `complete` "
        "is the customer paying a fresh custom-UI session with a raw test card through "
        "`/v1/payment_pages/{id}/confirm` (the session's creation before it is not counted): "
        "the card is checked and the session's completion and the PaymentIntent's "
        "confirmation are appended together. "
        f"session ÷ create at 64 connections: {vs_create(r, 'session')}; "
        f"complete ÷ create: {vs_create(r, 'complete')}.", "",
        f"Flows per second (64 connections): {fmt_stat(r.stat('flow/c64', 'flows_per_second'))}.",
        f"Create at half the 64-connection rate: p50 {fmt_stat(r.stat('create_half_load', 'p50_ms'), ' ms', 2)}, "
        f"p99 {fmt_stat(r.stat('create_half_load', 'p99_ms'), ' ms', 2)}, "
        f"p99.9 {fmt_stat(r.stat('create_half_load', 'p999_ms'), ' ms', 2)}.", "",
        "## Peers (same wrk script, form-encoded)", "",
        "stripe-mock is stateless and stores nothing; localstripe keeps state in memory; "
        "payledgerd makes every create durable.", "",
        http_table(r, ["create"] + [f"{p}/create" for p in peers]) if peers else
        "No peer was installed (tools/bench/run.sh installs them).", "",
        "## Event store alone", "",
        "| writers | durable appends/s | × fsync rate |", "| --- | --- | --- |"]
    fsync = r.stat("fsync", "per_second")
    for w in (1, 8, 64):
        s = r.stat(f"store/w{w}", "per_second")
        x = ratio(s, fsync)
        lines.append(f"| {w} | {fmt_stat(s)} | {'n/a' if x is None else f'{x:.1f}×'} |")
    lines += ["", f"The disk's own rate, a 512-byte write + fdatasync loop: {fmt_stat(fsync, '/s')}.", "",
              "## Webhook delivery", "",
              "To a loopback receiver (`bench_webhooks`, cpp-httplib) on the same two cores. "
              "Drain: a backlog of deliveries sent at once (made while payledgerd ran with "
              "`--no-webhooks`, sent after a restart). Delay: from sending a customer's create to "
              "the delivery of its `customer.created`, at a fixed rate.", "",
              "| scenario | deliveries/s | delay p50 ms | delay p99 ms |", "| --- | --- | --- | --- |"]
    for name, label in (("drain/e1", "drain, 1 endpoint"), ("drain/e100", "drain, 100 endpoints"),
                        ("delay/e1", "1 endpoint, 1,000 creates/s"),
                        ("delay/e100", "100 endpoints, 10 creates/s"),
                        ("delay/e100_5k", "100 endpoints, 50 creates/s")):
        lines.append(f"| {label} | {fmt_stat(r.stat(f'webhooks/{name}', 'per_second'))} | "
                     f"{fmt_stat(r.stat(f'webhooks/{name}', 'p50_ms'), digits=1)} | "
                     f"{fmt_stat(r.stat(f'webhooks/{name}', 'p99_ms'), digits=1)} |")
    lines += ["", "## Replay", "",
              f"`payledger replay` of {filled['events']:,} events ({filled['intents']:,} intents, "
              f"each created, confirmed, authorized, captured) into every projection: "
              f"{fmt_stat(r.stat('replay', 'per_second'), ' events/s')}.", "",
              "## Growth", "",
              "| store | retrieve p50 ms | list p50 ms | retrieve req/s | list req/s | peak RSS MB |",
              "| --- | --- | --- | --- | --- | --- |"]
    for label, n in (("small", args.growth_small), ("large", args.growth_large)):
        lines.append(f"| {n:,} intents | {fmt_stat(r.stat(f'growth/{label}/retrieve', 'p50_ms'), digits=3)} | "
                     f"{fmt_stat(r.stat(f'growth/{label}/list', 'p50_ms'), digits=3)} | "
                     f"{fmt_stat(r.stat(f'growth/{label}/retrieve', 'rps'))} | "
                     f"{fmt_stat(r.stat(f'growth/{label}/list', 'rps'))} | "
                     f"{fmt_stat(r.stat(f'growth/{label}/rss', 'mb'))} |")
    notes = os.path.join(HERE, "notes.md")
    if os.path.exists(notes):
        lines += ["", open(notes).read().strip()]
    return "\n".join(lines) + "\n"


def before_after(args, results):
    """This build beside the baseline's, measured in the same run."""
    if not args.baseline_build:
        return []
    rows = [f"## Before and after: this build beside {args.baseline_name}", "",
            "Both payledgerd builds ran in this run, each measurement of one followed by the same "
            "measurement of the other. Ratio: this build's median ÷ the baseline's (req/s and "
            "events/s: higher is better; p99: lower is better).", "",
            "| scenario | connections | req/s now | req/s before | ratio | p99 ms now | p99 ms before |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for name in ("create", "retrieve", "list", "flow"):
        for c in CONNECTIONS:
            now, before = results.stat(f"{name}/c{c}", "rps"), results.stat(f"baseline/{name}/c{c}", "rps")
            x = ratio(now, before)
            rows.append(f"| {name} | {c} | {fmt_stat(now)} | {fmt_stat(before)} | "
                        f"{'n/a' if x is None else f'{x:.2f}'} | "
                        f"{fmt_stat(results.stat(f'{name}/c{c}', 'p99_ms'), digits=2)} | "
                        f"{fmt_stat(results.stat(f'baseline/{name}/c{c}', 'p99_ms'), digits=2)} |")
    now, before = results.stat("replay", "per_second"), results.stat("baseline/replay", "per_second")
    x = ratio(now, before)
    rows.append(f"| replay | | {fmt_stat(now, '/s')} | {fmt_stat(before, '/s')} | "
                f"{'n/a' if x is None else f'{x:.2f}'} | | |")
    return rows + [""]


def sanity(results, peers):
    """--quick: every scenario ran and returned sane numbers (not timings)."""
    failed = 0
    expected = [f"{n}/c{c}" for n in ("ceiling", "create", "payment", "session", "complete",
                                      "retrieve", "list", "flow")
                for c in CONNECTIONS]
    expected += ["webhooks/drain/e1", "webhooks/drain/e100", "webhooks/delay/e1",
                 "webhooks/delay/e100", "webhooks/delay/e100_5k"]
    expected += ["create_half_load", "fsync", "store/w1", "store/w8", "store/w64", "replay",
                 "growth/small/retrieve", "growth/large/list", "growth/large/rss"]
    peer_runs = [f"{p}/create/c{c}" for p in peers for c in CONNECTIONS]
    expected += peer_runs
    for name in expected:
        runs = results.runs.get(name, [])
        # A peer's own errors are its business; ours fail the check.
        strict = name not in peer_runs
        ok = bool(runs) and all(
            (r.get("rps", r.get("per_second", r.get("mb", 0))) or 0) > 0 and
            (not strict or (r.get("errors", 0) == 0 and r.get("non2xx", 0) == 0)) for r in runs)
        if not ok:
            failed += 1
            print(f"scenario {name}: {runs}")
    print(f"bench: {len(expected) - failed} passed, {failed} failed")
    return failed == 0


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build-release"))
    p.add_argument("--out", default=None)
    p.add_argument("--baseline-build", default=None,
                   help="a build dir of another revision to measure beside this one")
    p.add_argument("--baseline-name", default="the baseline")
    args = p.parse_args()
    if args.quick:
        args.seconds, args.reps = 1, 1
        args.replay_intents, args.growth_small, args.growth_large = 2_500, 1_000, 10_000
    else:
        args.seconds, args.reps = 5, 3
        args.replay_intents, args.growth_small, args.growth_large = 250_000, 10_000, 1_000_000
    out = args.out or (os.path.join(tempfile.gettempdir(), "payledger-performance-quick.md")
                       if args.quick else os.path.join(ROOT, "docs", "performance.md"))
    work = tempfile.mkdtemp(prefix="payledger-bench-")
    results = Results()
    try:
        http_scenarios(args, args.build_dir, work, results)
        peers = peer_scenarios(args, results)
        store_scenarios(args, args.build_dir, work, results)
        webhook_scenarios(args, args.build_dir, work, results)
        filled = replay_scenario(args, args.build_dir, work, results)
        growth_scenario(args, args.build_dir, work, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with open(out, "w") as f:
        f.write(report(args, results, peers, filled))
    print(f"wrote {out}")
    if args.quick and not sanity(results, peers):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
