"""Benchmark 3 of issue #12: pages under 32 concurrent signed-in users on loopback.

    .venv/bin/python -m bench.web.load --db /tmp/suishin_bench_report.sqlite3 --copy
    .venv/bin/python -m bench.web.load --database-url postgres://postgres@127.0.0.1:5432/suishin_bench_report
    options: --users 32 --seconds 20 --workers 4 --threads 1 --pages trivial,dashboard,report,report-block

Starts gunicorn (``bench.web.settings``: the product plus one trivial view at
/bench/trivial/, the reference) on 127.0.0.1 with ``--workers`` sync workers
serving the database (``--copy`` serves a copy of a SQLite file, so the
benchmark never writes into the original), creates one signed-in session per
user for a secretariat account (``bench-load``, created if missing), then for
each page runs ``--users`` client threads, each with its own keep-alive
connection and session cookie, requesting the page back to back for
``--seconds`` seconds (after a short warm-up). Prints per page: requests,
errors, req/s, p50/p95/max latency, and the ratio of p50 to the trivial
view's.

``--think S``: each user pauses a random time between 0.5·S and 1.5·S
(seeded) after every response before its next request, as a person reading
the page would; 0 (the default) is the closed loop, every user requesting
back to back, which measures the server's capacity rather than a user's wait.

``--cold N``: afterwards, N times per page, advance the data version (as
every business write does: the figures and page caches then miss) and time
one request alone: the first view after an import. The client is Python (http.client) on the same 2 CPUs: it is part of
the load and costs about 0.2 ms of CPU per request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "trivial": "/bench/trivial/",
    "healthz": "/healthz",
    "dashboard": "/?fy=2024&half=1",
    "report": "/reports/?fy=2024&half=1",
    "report-block": None,  # filled with the first block's name
    "report-json": "/reports/?fy=2024&half=1&format=json",
}


def _django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_sessions(n: int) -> tuple[list[str], str]:
    """n signed-in sessions of a secretariat user; also the first block's name."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from suishin.accounts.models import Role, User
    from suishin.organisations.models import Block

    user = User.objects.filter(username="bench-load").first()
    if user is None:
        user = User.objects.create_user(username="bench-load", password=None, role=Role.SECRETARIAT)
    keys = []
    for _ in range(n):
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        keys.append(s.session_key)
    block = Block.objects.order_by("sort_order", "pk").first()
    return keys, block.name if block else ""


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz")


def hammer(
    port: int, path: str, cookies: list[str], seconds: float, warmup: float, think: float = 0.0
) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + seconds

    def user(index: int, cookie: str) -> None:
        rng = random.Random(index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"}
        mine: list[float] = []
        bad = 0
        while True:
            t0 = time.monotonic()
            if t0 >= stop_at:
                break
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            t1 = time.monotonic()
            if t0 >= measure_from and t1 <= stop_at + 60:
                mine.append(t1 - t0)
                bad += not ok
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=user, args=(i, c)) for i, c in enumerate(cookies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = max(time.monotonic() - measure_from, 1e-9)
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
            if latencies
            else float("nan")
        )

    return {
        "requests": len(latencies),
        "errors": errors[0],
        "req_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
    }


def cold_view(port: int, path: str, cookie: str) -> float:
    """Milliseconds of one request right after the data version moved (a write)."""
    from suishin.core import dataversion

    dataversion.bump()  # autocommit: committed at once, as an import's commit would be
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    t0 = time.monotonic()
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
    conn.getresponse().read()
    ms = (time.monotonic() - t0) * 1000
    conn.close()
    return round(ms, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, help="a SQLite file (the bench DB)")
    parser.add_argument("--copy", action="store_true", help="serve a copy of --db (under /tmp)")
    parser.add_argument("--database-url", help="instead of --db: e.g. a PostgreSQL bench database")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (gthread when > 1)"
    )
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause (s) of each user between requests"
    )
    parser.add_argument(
        "--cold", type=int, default=0, help="also time N first views after a write, per page"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pages", default="trivial,dashboard,report,report-block")
    parser.add_argument(
        "--cache-url", default="", help="SUISHIN_CACHE_URL of the server (default: the product's)"
    )
    args = parser.parse_args(argv)

    if args.database_url:
        url = args.database_url
    else:
        db = args.db
        if args.copy:
            copy = Path("/tmp/suishin_bench_web.sqlite3")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
                if Path(f"{db}{suffix}").exists():
                    shutil.copyfile(f"{db}{suffix}", f"{copy}{suffix}")
            db = copy
        url = f"sqlite:///{db}"
    env = {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.web.settings",
        "SUISHIN_CACHE_URL": args.cache_url,
        "SUISHIN_VAR_DIR": "/tmp/suishin_bench_web_var",
        "PYTHONPATH": str(ROOT),
    }
    _django(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a database built before the latest migrations
    cookies, block = make_sessions(args.users)
    PAGES["report-block"] = f"/reports/?fy=2024&half=1&scope={quote(block)}"
    gunicorn = [
        str(Path(sys.executable).with_name("gunicorn")),
        "suishin.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(gunicorn, env={**os.environ, **env}, cwd=ROOT)
    try:
        wait_ready(args.port)
        print(
            json.dumps(
                {
                    "database": url.split("@")[-1],
                    "workers": args.workers,
                    "threads": args.threads,
                    "users": args.users,
                    "seconds": args.seconds,
                    "think_s": args.think,
                    "load_average": os.getloadavg(),
                }
            ),
            flush=True,
        )
        figures = {}
        for name in args.pages.split(","):
            figures[name] = hammer(
                args.port, PAGES[name], cookies, args.seconds, args.warmup, args.think
            )
            ref = figures.get("trivial")
            line = {"page": name, "path": PAGES[name], **figures[name]}
            if ref and name != "trivial" and ref["p50_ms"]:
                line["p50_vs_trivial"] = round(figures[name]["p50_ms"] / ref["p50_ms"], 1)
                line["req_per_s_vs_trivial"] = round(
                    figures[name]["req_per_s"] / ref["req_per_s"], 3
                )
            print(json.dumps(line, ensure_ascii=False), flush=True)
        for name in args.pages.split(",") if args.cold else ():
            times = [cold_view(args.port, PAGES[name], cookies[0]) for _ in range(args.cold)]
            print(
                json.dumps(
                    {
                        "page": name,
                        "cold_ms_median": round(statistics.median(times), 1),
                        "cold_ms": times,
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
        print(json.dumps({"load_average": os.getloadavg()}), flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
