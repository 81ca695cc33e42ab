#!/usr/bin/env python3
"""Drives the Vigil benchmark (called by bench/run, which builds the release binary first).

Stages, each against a baseline taken on this machine in this run:
  import        `vigil import` of N generated people vs `sqlite3 .import` of the same CSV; peak RSS at N and N/4
  lookup        public lookups under wrk vs GET /healthz under the same load; p50/p99; server RSS
  notification  R releases in one import, one webhook registration each, delivered to a local receiver
  availability  lookups at a steady rate while idle, during `vigil import` of N rows and during the first purge

Prints a table and writes bench/results.json. Exit status 0 whatever the figures: this measures, it does not test.
Standard library only.
"""
import csv
import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def env_int(name, default):
    return int(os.environ.get(name, default))


VIGIL = os.environ["VIGIL_BIN"]
WORK = os.path.abspath(os.environ.get("BENCH_WORK", os.path.join(ROOT, ".build-release-bench", "bench-data")))
PEOPLE = env_int("BENCH_PEOPLE", 1_000_000)
PEOPLE_SMALL = env_int("BENCH_PEOPLE_SMALL", max(1, PEOPLE // 4))
RELEASES = env_int("BENCH_RELEASES", 10_000)
WRK_THREADS = env_int("BENCH_WRK_THREADS", 2)
WRK_CONNECTIONS = env_int("BENCH_WRK_CONNECTIONS", 32)
WRK_SECONDS = env_int("BENCH_WRK_SECONDS", 15)
LOOKUP_BODIES = env_int("BENCH_LOOKUP_BODIES", 20_000)
STAGES = os.environ.get("BENCH_STAGES", "import,lookup,notification,availability").split(",")
AVAIL_BASE = env_int("BENCH_AVAIL_BASE", 20_000)        # people already served when the import starts
AVAIL_IDLE_SECONDS = env_int("BENCH_AVAIL_IDLE_SECONDS", 10)
AVAIL_CLIENTS = env_int("BENCH_AVAIL_CLIENTS", 2)       # each looks up every 100 ms
RESULTS = os.environ.get("BENCH_RESULTS", os.path.join(HERE, "results.json"))

# The targets, as written in the issue.
TARGET_IMPORT_RATIO = 0.5        # vigil rows/s ÷ sqlite3 .import rows/s
TARGET_IMPORT_RSS_MB = 200       # peak RSS of `vigil import`
TARGET_IMPORT_RSS_GROWTH = 1.25  # "flat": peak RSS at N ≤ 1.25 × peak RSS at N/4
TARGET_LOOKUP_RATIO = 0.5        # lookup requests/s ÷ /healthz requests/s under the same load
TARGET_LOOKUP_P99_MS = 20
TARGET_NOTIFY_ALL_S = 10         # from the release import's start to the last distinct webhook received
TARGET_NOTIFY_P99_S = 2          # outbox first_delivered_at − enqueued_at
TARGET_AVAIL_P99_MS = 200        # issue 15: lookups during an import or a purge all answer 200, within 200 ms

results = {"stages": {}}
rows = []  # (stage, figure, value, target, verdict)


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def row(stage, figure, value, target="", verdict=""):
    rows.append((stage, figure, value, target, verdict))


def verdict(ok):
    return "PASS" if ok else "MISS"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh(path):
    for suffix in ("", "-wal", "-shm", ".keyring", "-journal", "-audit", "-audit-wal", "-audit-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def percentile(values, p):
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
    return ordered[k]


def timed_v(argv, **kwargs):
    """Runs argv under /usr/bin/time -v; returns (completed, wall seconds, max RSS in kB)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v"] + argv, capture_output=True, text=True, **kwargs)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"failed: {' '.join(argv)}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return proc, wall, rss


def generate(people, seed, name):
    directory = os.path.join(WORK, name)
    shutil.rmtree(directory, ignore_errors=True)
    log(f"generating {people} people (seed {seed}) into {directory}")
    subprocess.run([VIGIL, "generate", "--people", str(people), "--seed", str(seed), "--output", directory],
                   check=True, stdout=subprocess.DEVNULL)
    return directory


# ------------------------------------------------------------------ import

def import_once(people, tag):
    directory = generate(people, 1, f"gen-{tag}")
    feed = os.path.join(directory, "feed.csv")
    db = os.path.join(WORK, f"import-{tag}.sqlite")
    bare = os.path.join(WORK, f"bare-{tag}.sqlite")
    fresh(db)
    fresh(bare)
    subprocess.run(["sync"])

    log(f"vigil import of {people} rows")
    proc, vigil_wall, vigil_rss = timed_v([VIGIL, "import", feed, "--source", "BENCH", "--database", db, "--json"])
    report = json.loads(proc.stdout)
    assert report["rows"] == people and report["accepted"] == people, report

    subprocess.run(["sync"])
    log(f"sqlite3 .import of the same {people} rows")
    _, bare_wall, bare_rss = timed_v(["sqlite3", bare, ".mode csv", f".import {feed} bare"])
    bare_rows = int(subprocess.run(["sqlite3", bare, "SELECT count(*) FROM bare"], capture_output=True, text=True,
                                   check=True).stdout.strip())
    assert bare_rows == people, (bare_rows, people)
    fresh(bare)

    vigil_rate = report["rows"] / report["seconds"]
    bare_rate = bare_rows / bare_wall
    return {
        "people": people, "feed_bytes": os.path.getsize(feed), "feed": feed, "database": db,
        "vigil_seconds": report["seconds"], "vigil_wall_seconds": vigil_wall, "vigil_rows_per_s": vigil_rate,
        "vigil_rows_per_s_wall": people / vigil_wall, "vigil_max_rss_mb": vigil_rss / 1024,
        "vigil_events": report["events"],
        "sqlite3_seconds": bare_wall, "sqlite3_rows_per_s": bare_rate, "sqlite3_max_rss_mb": bare_rss / 1024,
        "ratio": vigil_rate / bare_rate, "ratio_wall": (people / vigil_wall) / bare_rate,
        "database_bytes": os.path.getsize(db),
    }


def load_note(stage):
    """The 1-minute load average when a stage starts: other work on a shared machine skews every figure."""
    load = os.getloadavg()[0]
    results.setdefault("load_average_at_start", {})[stage] = load
    return load


def stage_import():
    load_note("import")
    small = import_once(PEOPLE_SMALL, "small")
    shutil.rmtree(os.path.dirname(small.pop("feed")), ignore_errors=True)
    fresh(small.pop("database"))
    full = import_once(PEOPLE, "full")
    growth = full["vigil_max_rss_mb"] / small["vigil_max_rss_mb"]
    results["stages"]["import"] = {
        "full": {k: v for k, v in full.items() if k not in ("feed", "database")}, "small": small,
        "rss_growth": growth,
        "targets": {"ratio": TARGET_IMPORT_RATIO, "max_rss_mb": TARGET_IMPORT_RSS_MB,
                    "rss_growth": TARGET_IMPORT_RSS_GROWTH},
    }
    n, s = f"{PEOPLE:,}", f"{PEOPLE_SMALL:,}"
    row("import", f"vigil import, {n} rows", f"{full['vigil_rows_per_s']:,.0f} rows/s ({full['vigil_seconds']:.1f} s)")
    row("import", f"sqlite3 .import, {n} rows", f"{full['sqlite3_rows_per_s']:,.0f} rows/s ({full['sqlite3_seconds']:.1f} s)")
    row("import", "ratio vigil ÷ sqlite3", f"{full['ratio']:.3f}", f"≥ {TARGET_IMPORT_RATIO}",
        verdict(full["ratio"] >= TARGET_IMPORT_RATIO))
    row("import", "ratio, wall clock incl. start-up", f"{full['ratio_wall']:.3f}", "(info)", "")
    row("import", f"vigil import, {s} rows", f"{small['vigil_rows_per_s']:,.0f} rows/s; sqlite3 "
        f"{small['sqlite3_rows_per_s']:,.0f}; ratio {small['ratio']:.3f}")
    row("import", f"peak RSS, {n} rows", f"{full['vigil_max_rss_mb']:.1f} MB", f"< {TARGET_IMPORT_RSS_MB} MB",
        verdict(full["vigil_max_rss_mb"] < TARGET_IMPORT_RSS_MB))
    row("import", f"peak RSS, {s} rows", f"{small['vigil_max_rss_mb']:.1f} MB", f"< {TARGET_IMPORT_RSS_MB} MB",
        verdict(small["vigil_max_rss_mb"] < TARGET_IMPORT_RSS_MB))
    row("import", f"RSS growth {s} → {n}", f"×{growth:.2f}", f"≤ ×{TARGET_IMPORT_RSS_GROWTH}",
        verdict(growth <= TARGET_IMPORT_RSS_GROWTH))
    return full


# ------------------------------------------------------------------ server helpers

class Server:
    def __init__(self, db, port, worker, log_path):
        argv = [VIGIL, "serve", "--database", db, "--port", str(port),
                "--public-lookups-per-minute", "100000000",
                # the receiver listens on loopback, which Vigil refuses for webhooks unless told otherwise
                "--allow-private-webhooks"]
        if not worker:
            argv.append("--no-worker")
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        self.port = port
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"vigil serve exited early; see {log_path}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("vigil serve did not come up")

    def memory(self):
        """(VmRSS MB, VmHWM MB) now."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            text = f.read()
        rss = int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024
        hwm = int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024
        return rss, hwm

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class RSSSampler(threading.Thread):
    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.samples, self.done = server, [], threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                self.samples.append(self.server.memory()[0])
            except (OSError, AttributeError):
                pass
            self.done.wait(0.25)

    def stop(self):
        self.done.set()
        self.join()
        return max(self.samples) if self.samples else None


def post_json(conn, path, body, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else None)


# ------------------------------------------------------------------ lookup

def age(born, on):
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def lookup_bodies(feed, path):
    """A random mix of hits, misses, minors and protected people drawn from the feed."""
    today = dt.date.today()
    # Records that ended (released, removed, deceased) over 60 days ago are purged before serving: a lookup
    # of them answers like an absent number, so they are neither hits nor any other kind here.
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=60)
    hits, minors, protected, numbers = [], [], [], set()
    with open(feed, newline="") as f:
        for r in csv.DictReader(f):
            a_number = r["a_number"]
            if not a_number:
                continue
            numbers.add(a_number)
            if r["status"] in ("released", "removed", "deceased") and dt.datetime.fromisoformat(r["status_date"]) < cutoff:
                continue
            body = {"a_number": a_number, "country_of_birth": r["country_of_birth"]}
            dob = r["date_of_birth"]
            if r["protections"]:
                protected.append(body)
            elif dob:
                # Under 18 today or at booking: never disclosed below the agency tier.
                born = dt.date.fromisoformat(dob)
                adult = min(age(born, today), age(born, dt.date.fromisoformat(r["booking_date"]))) >= 18
                (hits if adult else minors).append(body)
    rng = random.Random(1)
    misses = []
    while len(misses) < LOOKUP_BODIES:
        candidate = "A1%08d" % rng.randrange(10 ** 8)  # generated A-numbers start with 9
        if candidate not in numbers:
            misses.append({"a_number": candidate, "country_of_birth": rng.choice(["MX", "GT", "HN", "SV"])})
    # 40 % hits, 20 % misses, 20 % minors, 20 % protected.
    mix = {"hit": (hits, 0.4), "miss": (misses, 0.2), "minor": (minors, 0.2), "protected": (protected, 0.2)}
    chosen = []
    for kind, (pool, share) in mix.items():
        k = int(LOOKUP_BODIES * share)
        chosen += [(kind, b) for b in (rng.sample(pool, k) if len(pool) >= k else rng.choices(pool, k=k))]
    rng.shuffle(chosen)
    with open(path, "w") as f:
        for _, body in chosen:
            f.write(json.dumps(body, separators=(",", ":")) + "\n")
    return chosen, {kind: len(pool) for kind, (pool, _) in mix.items()}


def parse_wrk(text):
    def seconds(value, unit):
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]

    out = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        out[f"p{pct}_ms"] = seconds(m.group(1), m.group(2)) * 1000 if m else None
    m = re.search(r"(\d+) requests in", text)
    out["requests"] = int(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket_errors"] = sum(map(int, m.groups())) if m else 0
    return out


def wrk(url, script=None, script_args=(), seconds=WRK_SECONDS):
    argv = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        argv += ["-s", script]
    argv.append(url)
    if script_args:
        argv += ["--"] + list(script_args)
    proc = subprocess.run(argv, capture_output=True, text=True, check=True)
    return parse_wrk(proc.stdout), proc.stdout


def stage_lookup(db, feed):
    load_note("lookup")
    port = free_port()
    bodies_path = os.path.join(WORK, "lookup-bodies.txt")
    chosen, available = lookup_bodies(feed, bodies_path)
    # `vigil serve` runs the retention purge when it starts; on a fresh 1M-person feed that is one long
    # write (some 150,000 ended records) which would stall the first lookups. Run it first, on its own.
    log("vigil purge (the daily retention purge, which serve would otherwise run as it starts)")
    started = time.perf_counter()
    purge = subprocess.run([VIGIL, "purge", "--database", db, "--json"], check=True, capture_output=True, text=True)
    purge_seconds = time.perf_counter() - started
    purged = json.loads(purge.stdout)
    log(f"purged in {purge_seconds:.1f} s: {purged}")
    log(f"lookup: {len(chosen)} bodies (available: {available}); starting vigil serve on :{port}")
    server = Server(db, port, worker=False, log_path=os.path.join(WORK, "serve-lookup.log"))
    try:
        # Check that each kind of body gets the answer it stands for (a hit matches, the rest say no_match).
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        checked = {}
        for kind, body in chosen[:400]:
            status, answer = post_json(conn, "/api/v1/lookup", body)
            want = "match" if kind == "hit" else "no_match"
            ok = status == 200 and answer["result"] == want
            good, total = checked.get(kind, (0, 0))
            checked[kind] = (good + ok, total + 1)
        conn.close()
        log(f"answers as expected: {checked}")

        url = f"http://127.0.0.1:{port}"
        log("warm-up (3 s each)")
        wrk(url + "/api/v1/lookup", os.path.join(HERE, "lookup.lua"), [bodies_path], seconds=3)
        wrk(url + "/healthz", seconds=3)

        log(f"wrk lookups: -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s")
        sampler = RSSSampler(server)
        sampler.start()
        lookup, lookup_text = wrk(url + "/api/v1/lookup", os.path.join(HERE, "lookup.lua"), [bodies_path])
        lookup_rss = sampler.stop()
        log("wrk /healthz, same load")
        sampler = RSSSampler(server)
        sampler.start()
        health, health_text = wrk(url + "/healthz")
        health_rss = sampler.stop()
        _, hwm = server.memory()
    finally:
        server.stop()
    with open(os.path.join(WORK, "wrk-lookup.txt"), "w") as f:
        f.write(lookup_text)
    with open(os.path.join(WORK, "wrk-healthz.txt"), "w") as f:
        f.write(health_text)

    ratio = lookup["requests_per_s"] / health["requests_per_s"]
    results["stages"]["lookup"] = {
        "people": PEOPLE, "wrk": {"threads": WRK_THREADS, "connections": WRK_CONNECTIONS, "seconds": WRK_SECONDS},
        "mix": {"hit": 0.4, "miss": 0.2, "minor": 0.2, "protected": 0.2}, "bodies": len(chosen),
        "answers_checked": {k: {"as_expected": g, "checked": t} for k, (g, t) in checked.items()},
        "lookup": lookup, "healthz": health, "ratio": ratio,
        "purge_before_serving": {"seconds": purge_seconds, **purged},
        "server_rss_mb": {"max_during_lookups": lookup_rss, "max_during_healthz": health_rss, "vmhwm": hwm},
        "targets": {"ratio": TARGET_LOOKUP_RATIO, "p99_ms": TARGET_LOOKUP_P99_MS},
    }
    load = f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} {WRK_SECONDS}s"
    row("lookup", f"POST /api/v1/lookup ({load})", f"{lookup['requests_per_s']:,.0f} req/s")
    row("lookup", "  lookup p50 / p99", f"{lookup['p50_ms']:.2f} / {lookup['p99_ms']:.2f} ms",
        f"p99 < {TARGET_LOOKUP_P99_MS} ms", verdict(lookup["p99_ms"] < TARGET_LOOKUP_P99_MS))
    row("lookup", "  non-2xx / socket errors", f"{lookup['non_2xx']} / {lookup['socket_errors']}")
    row("lookup", f"GET /healthz ({load})", f"{health['requests_per_s']:,.0f} req/s")
    row("lookup", "  healthz p50 / p99", f"{health['p50_ms']:.2f} / {health['p99_ms']:.2f} ms")
    row("lookup", "ratio lookup ÷ healthz", f"{ratio:.3f}", f"≥ {TARGET_LOOKUP_RATIO}",
        verdict(ratio >= TARGET_LOOKUP_RATIO))
    row("memory", "server RSS under lookup load (max)", f"{lookup_rss:.1f} MB", "(no target)")
    row("memory", "server RSS under healthz load (max)", f"{health_rss:.1f} MB", "(no target)")
    row("memory", "server VmHWM after both", f"{hwm:.1f} MB", "(no target)")


# ------------------------------------------------------------------ notification

def stage_notification():
    load_note("notification")
    # A population of which RELEASES are in custody: those RELEASES form the first feed.
    directory = generate(int(RELEASES * 1.5) + 100, 2, "gen-notify")
    custody_feed = os.path.join(directory, "custody.csv")
    release_feed = os.path.join(directory, "release.csv")
    with open(os.path.join(directory, "feed.csv"), newline="") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames
        in_custody = [r for r in reader if r["status"] == "in_custody"][:RELEASES]
    assert len(in_custody) == RELEASES, "not enough people in custody; raise the population factor"
    with open(custody_feed, "w", newline="") as f:
        w = csv.DictWriter(f, columns, lineterminator="\n")
        w.writeheader()
        w.writerows(in_custody)
    with open(release_feed, "w", newline="") as f:
        w = csv.DictWriter(f, columns, lineterminator="\n")
        w.writeheader()
        for r in in_custody:
            later = dt.datetime.fromisoformat(r["status_date"]) + dt.timedelta(hours=1)
            w.writerow({**r, "status": "released", "release_reason": "bond", "facility_code": "",
                        "status_date": later.isoformat()})

    db = os.path.join(WORK, "notify.sqlite")
    fresh(db)
    log(f"notification: importing {RELEASES} people in custody")
    subprocess.run([VIGIL, "import", custody_feed, "--source", "BENCH", "--database", db, "--json"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    token = json.loads(subprocess.run(
        [VIGIL, "accounts", "create", "--role", "agency", "--name", "bench", "--source", "BENCH",
         "--database", db, "--json"], check=True, capture_output=True, text=True).stdout)["token"]

    receiver_port, port = free_port(), free_port()
    arrivals_path = os.path.join(WORK, "arrivals.json")
    receiver = subprocess.Popen([sys.executable, os.path.join(HERE, "receiver.py"), str(receiver_port), arrivals_path],
                                stdout=subprocess.PIPE, text=True)
    assert receiver.stdout.readline().strip() == "ready"
    server = Server(db, port, worker=True, log_path=os.path.join(WORK, "serve-notify.log"))
    try:
        log(f"issuing {RELEASES} case codes and registering a webhook for each (HTTP API)")
        hook = f"http://127.0.0.1:{receiver_port}/hooks"
        record_ids = [r["source_record_id"] for r in in_custody]
        started = time.time()

        def register(chunk):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for record_id in chunk:
                status, body = post_json(conn, "/api/v1/cases", {"source_record_id": record_id}, token=token)
                assert status == 201, (status, body)
                status, body = post_json(conn, "/api/v1/registrations", {
                    "case_code": body["case_code"], "channel": "webhook", "address": hook, "language": "en"})
                assert status == 201, (status, body)
            conn.close()

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(register, [record_ids[i::4] for i in range(4)]))
        setup_seconds = time.time() - started
        log(f"registered in {setup_seconds:.1f} s; importing the release feed with the worker running")

        sampler = RSSSampler(server)
        sampler.start()
        import_start = time.time()
        proc = subprocess.run([VIGIL, "import", release_feed, "--source", "BENCH", "--database", db, "--json"],
                              check=True, capture_output=True, text=True)
        import_end = time.time()
        report = json.loads(proc.stdout)
        assert report["events_by_kind"].get("released") == RELEASES, report

        deadline = import_end + 120
        progress = None
        while time.time() < deadline:
            c = http.client.HTTPConnection("127.0.0.1", receiver_port, timeout=5)
            c.request("GET", "/progress")
            progress = json.loads(c.getresponse().read())
            c.close()
            if progress["distinct"] >= RELEASES:
                break
            time.sleep(0.2)
        notify_rss = sampler.stop()
    finally:
        server.stop()
        receiver.send_signal(signal.SIGTERM)
        receiver.wait(timeout=30)

    with open(arrivals_path) as f:
        received = json.load(f)
    arrivals = sorted(received["arrivals"].values())
    out = subprocess.run(["sqlite3", db, "SELECT first_delivered_at - enqueued_at FROM outbox "
                                         "WHERE first_delivered_at IS NOT NULL"],
                         capture_output=True, text=True, check=True).stdout.split()
    latencies = [float(x) for x in out]
    statuses = subprocess.run(["sqlite3", db, "SELECT status, count(*) FROM outbox GROUP BY status"],
                              capture_output=True, text=True, check=True).stdout.strip().replace("\n", ", ")
    complete = len(arrivals) >= RELEASES
    last = arrivals[-1] if arrivals else None
    all_from_start = (last - import_start) if complete else None
    all_from_end = (last - import_end) if complete else None
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    results["stages"]["notification"] = {
        "releases": RELEASES, "registrations_setup_seconds": setup_seconds,
        "import_seconds": import_end - import_start, "import_own_seconds": report["seconds"],
        "distinct_delivered": len(arrivals), "posts_received": received["posts"],
        "all_delivered_after_import_start_s": all_from_start, "all_delivered_after_import_end_s": all_from_end,
        "outbox_latency_p50_s": p50, "outbox_latency_p99_s": p99,
        "outbox_latency_max_s": max(latencies) if latencies else None, "outbox_delivered_rows": len(latencies),
        "outbox_statuses": statuses, "server_rss_max_mb": notify_rss,
        "targets": {"all_within_s": TARGET_NOTIFY_ALL_S, "p99_s": TARGET_NOTIFY_P99_S},
    }
    r = f"{RELEASES:,}"
    row("notify", f"release import ({r} rows, events + outbox)", f"{import_end - import_start:.2f} s wall")
    row("notify", f"all {r} delivered, from import start",
        f"{all_from_start:.2f} s" if complete else f"only {len(arrivals):,} in 120 s",
        f"≤ {TARGET_NOTIFY_ALL_S} s", verdict(complete and all_from_start <= TARGET_NOTIFY_ALL_S))
    row("notify", "  … from import end (commit)", f"{all_from_end:.2f} s" if complete else "—")
    row("notify", "event→delivery p50 / p99 (outbox)",
        f"{p50:.2f} / {p99:.2f} s" if latencies else "—", f"p99 < {TARGET_NOTIFY_P99_S} s",
        verdict(bool(latencies) and p99 < TARGET_NOTIFY_P99_S))
    row("notify", "  webhook POSTs received (distinct ids)", f"{received['posts']:,} ({len(arrivals):,})")
    row("memory", "server RSS while delivering (max)", f"{notify_rss:.1f} MB", "(no target)")
    fresh(db)


# ------------------------------------------------------------------ availability

class Prober:
    """Public lookups at a steady rate: `clients` threads, each posting one body every 100 ms.

    Records (start time, latency ms, HTTP status or 0 for a connection error) for every lookup, so that
    the figures of a window (idle, during an import, during a purge) are taken from the same stream.
    """

    def __init__(self, port, bodies, clients):
        self.port, self.bodies, self.samples = port, bodies, []
        self.lock, self.done = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(clients)]

    def start(self):
        for t in self.threads:
            t.start()

    def client(self, index):
        rng = random.Random(index)
        conn = None
        while not self.done.is_set():
            body = rng.choice(self.bodies)
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                status, _ = post_json(conn, "/api/v1/lookup", body)
            except (OSError, http.client.HTTPException):
                status, conn = 0, None
            took = time.perf_counter() - started
            with self.lock:
                self.samples.append((started, took * 1000, status))
            self.done.wait(max(0.001, 0.1 - took))

    def stop(self):
        self.done.set()
        for t in self.threads:
            t.join()

    def window(self, start, end):
        with self.lock:
            chosen = [(ms, status) for t, ms, status in self.samples if start <= t < end]
        latencies = [ms for ms, _ in chosen]
        return {"lookups": len(chosen), "errors": sum(1 for _, status in chosen if status != 200),
                "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
                "max_ms": max(latencies) if latencies else None, "seconds": end - start}


def stage_availability(feed):
    """Issue 15: lookups while a feed of N rows is imported and while the first purge runs, beside idle."""
    load_note("availability")
    if feed is None:
        feed = os.path.join(generate(PEOPLE, 1, "gen-full"), "feed.csv")
    base = generate(AVAIL_BASE, 3, "gen-avail-base")
    db = os.path.join(WORK, "availability.sqlite")
    fresh(db)
    subprocess.run([VIGIL, "facilities", "import", os.path.join(base, "facilities.csv"), "--database", db],
                   check=True, capture_output=True)
    subprocess.run([VIGIL, "import", os.path.join(base, "feed.csv"), "--source", "BASE", "--database", db, "--json"],
                   check=True, capture_output=True)
    chosen, _ = lookup_bodies(os.path.join(base, "feed.csv"), os.path.join(WORK, "availability-bodies.txt"))
    port = free_port()
    server = Server(db, port, worker=False, log_path=os.path.join(WORK, "serve-availability.log"))
    prober = Prober(port, [body for _, body in chosen], AVAIL_CLIENTS)
    try:
        prober.start()
        log(f"availability: {AVAIL_CLIENTS} clients × 10 lookups/s, idle for {AVAIL_IDLE_SECONDS} s")
        idle_start = time.perf_counter()
        time.sleep(AVAIL_IDLE_SECONDS)
        import_start = time.perf_counter()
        log(f"availability: vigil import of {PEOPLE} rows beside the server")
        imported = subprocess.run([VIGIL, "import", feed, "--source", "BENCH", "--database", db, "--json"],
                                  check=True, capture_output=True, text=True)
        import_end = time.perf_counter()
        time.sleep(2)
        purge_start = time.perf_counter()
        log("availability: the first purge of what the import brought (vigil purge beside the server)")
        purge = subprocess.run([VIGIL, "purge", "--database", db, "--json"], check=True, capture_output=True, text=True)
        purge_end = time.perf_counter()
        prober.stop()
    finally:
        prober.stop()
        server.stop()
    idle = prober.window(idle_start, import_start)
    during_import = prober.window(import_start, import_end)
    during_purge = prober.window(purge_start, purge_end)
    purged = json.loads(purge.stdout)
    results["stages"]["availability"] = {
        "base_people": AVAIL_BASE, "clients": AVAIL_CLIENTS, "interval_s": 0.1,
        "import_rows": json.loads(imported.stdout)["rows"], "purged": purged,
        "idle": idle, "during_import": during_import, "during_purge": during_purge,
        "targets": {"errors": 0, "p99_ms": TARGET_AVAIL_P99_MS},
    }
    fresh(db)

    def figures(w):
        if not w["lookups"]:
            return "no lookups in this window"
        return (f"p50 {w['p50_ms']:.1f} / p99 {w['p99_ms']:.1f} ms, max {w['max_ms']:.0f} ms; "
                f"{w['errors']} errors of {w['lookups']:,}")

    def ok(w):
        return w["lookups"] > 0 and w["errors"] == 0 and w["p99_ms"] < TARGET_AVAIL_P99_MS

    rate = f"{AVAIL_CLIENTS} × 10/s"
    target = f"0 errors, p99 < {TARGET_AVAIL_P99_MS} ms"
    row("availability", f"lookups idle ({rate}, {AVAIL_BASE:,} people)", figures(idle))
    row("availability", f"  during vigil import of {PEOPLE:,} rows ({during_import['seconds']:.1f} s)",
        figures(during_import), target, verdict(ok(during_import)))
    row("availability", f"  during the first purge ({purged.get('records', 0):,} records, {during_purge['seconds']:.1f} s)",
        figures(during_purge), target, verdict(ok(during_purge)))


# ------------------------------------------------------------------ main

def print_table():
    headers = ("stage", "figure", "measured", "target", "")
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(5)]
    line = "  ".join("-" * w for w in widths)
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print(line)
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    print()


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources"],
                                capture_output=True, text=True).stdout.strip())
    def version(argv):
        # A run of some stages only (BENCH_STAGES=availability) needs neither tool.
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.split("\n")[0]
        except FileNotFoundError:
            return "not installed"

    sqlite = version(["sqlite3", "--version"]).split(" ")[0]
    wrk_version = version(["wrk", "--version"])
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(), "commit": commit,
            "sources_modified": dirty, "sqlite3": sqlite, "wrk": wrk_version,
            "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}


def main():
    os.makedirs(WORK, exist_ok=True)
    results["machine"] = machine()
    results["config"] = {"people": PEOPLE, "people_small": PEOPLE_SMALL, "releases": RELEASES,
                         "wrk_threads": WRK_THREADS, "wrk_connections": WRK_CONNECTIONS, "wrk_seconds": WRK_SECONDS,
                         "stages": STAGES}
    full = None
    if "import" in STAGES or "lookup" in STAGES:
        full = stage_import() if "import" in STAGES else None
    if "lookup" in STAGES:
        if full is None:
            raise SystemExit("the lookup stage uses the import stage's database: include import in BENCH_STAGES")
        stage_lookup(full["database"], full["feed"])
    if "notification" in STAGES:
        stage_notification()
    if "availability" in STAGES:
        stage_availability(full["feed"] if full else None)
    loads = results.get("load_average_at_start", {})
    row("machine", "1-min load average at each stage's start",
        ", ".join(f"{k} {v:.1f}" for k, v in loads.items()) + f" (on {os.cpu_count()} cores)")
    results["table"] = [dict(zip(("stage", "figure", "measured", "target", "verdict"), r)) for r in rows]
    with open(RESULTS, "w") as f:
        json.dump(results, f, indent=2)
    print_table()
    print(f"results: {os.path.relpath(RESULTS)}   data: {os.path.relpath(WORK)}")


if __name__ == "__main__":
    main()
