"""Web benchmark: the static path against the per-request path, and the custom-range lookup.

On 150 parks with a year of daily rows in MariaDB (seeded by bench/seed_year.py into a database
whose name starts with hos_bench), side by side in one run, with wrk on loopback:

1. a park ranking JSON (parks / last-30-days / all) served by Apache from its precompressed
   .gz twin, through the production virtual host (deploy/apache/hallofshame.conf);
2. the same ranking computed per request by the Flask app under gunicorn, behind the same
   Apache: a route registered only by this script, building the ranking with the publisher's
   own functions (the bench checks both bodies agree, less `generated_at`);
3. the custom-range lookup GET /api/v1/parks/{id}/stats?from=&to= over the 150 parks.

Targets (issue 8): the static path at least 10,000 requests/s at 64 connections and at least
100 times the per-request path; the lookup at least 500 requests/s with p99 under 50 ms at 16.

Example:
    .venv/bin/python bench/bench_web.py --reuse   # seeds on the first run, then reuses the data
    .venv/bin/python bench/bench_web.py --database-url \\
        'mysql+mysqldb://root@127.0.0.1:3306/hos_bench_web?charset=utf8mb4' --duration 15
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from hallofshame import db, schema  # noqa: E402
from hallofshame.clock import as_utc  # noqa: E402
from tests.local_servers import apache as local_apache  # noqa: E402
from tests.local_servers import free_port, get, running  # noqa: E402

DEFAULT_URL = "mysql+mysqldb://root@127.0.0.1:3306/hos_bench_web?charset=utf8mb4"
PERIOD = "last-30-days"
RANKING = f"/data/v1/rankings/parks/{PERIOD}/all.json"
DYNAMIC = f"/api/bench/rankings/parks/{PERIOD}/all.json"  # registered by bench_application


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--parks", type=int, default=150)
    parser.add_argument("--rides", type=int, default=5000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--reuse", action="store_true", help="Keep a database already seeded.")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per wrk run.")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument("-v", "--verbose", action="store_true", help="Print wrk's own output.")
    return parser.parse_args()


# --- The per-request ranking (loaded by gunicorn in its workers) -------------------------------


def bench_application() -> Any:
    """The production app plus one bench-only route: the ranking computed per request, as the
    publisher computes it (`gunicorn 'bench.bench_web:bench_application()'`)."""
    from web import create_app

    app = create_app()
    engine = app.extensions["hallofshame"].engine
    app.add_url_rule(DYNAMIC, "bench_ranking", lambda: ranking_response(app, engine))
    return app


def ranking_json(conn: Any, period: str) -> bytes:
    """The parks ranking of a period under `all`, built by the publisher's functions from the
    stored numbers: what a dynamic site would compute for every visitor."""
    from publisher import context
    from publisher.data import SiteData
    from publisher.publish import to_json
    from reader import PARK, RIDE, batch

    now = batch.data_as_of(conn)
    stats = {PARK: {period: batch.all_period_stats(conn, PARK, period, now)}, RIDE: {}}
    data = SiteData(
        now=now,
        catalog=batch.catalog(conn),
        stats=stats,
        live_waits={},
        heatmaps={},
        park_trends={},
        ride_trends={},
        outages=[],
        data_as_of=now,
        simulated=batch.is_simulated(conn),
        window=None,
    )
    ctx = context.ranking(data, "parks", period, "all")
    return to_json({k: v for k, v in ctx.items() if k != "view"})


def ranking_response(app: Any, engine: Any) -> Any:
    with engine.connect() as conn:
        body = ranking_json(conn, PERIOD)
    return app.response_class(body, mimetype="application/json")


# --- Data, docroot, servers --------------------------------------------------------------------


def seeded(args: argparse.Namespace) -> None:
    """Seed the year unless --reuse finds it there already."""
    if args.reuse and parks_in(args.database_url) == args.parks:
        print(f"reusing {args.database_url.split('@')[-1]}: {args.parks} parks already seeded")
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from seed_year import seed_year  # the publisher's seeder: the same year for every bench

    began = time.monotonic()
    seed_year(args.database_url, args.parks, args.rides, args.days)
    print(
        f"seeded {args.parks} parks, {args.rides} rides, {args.days} days in "
        f"{time.monotonic() - began:.0f} s"
    )


def parks_in(url: str) -> int | None:
    try:
        engine = db.make_engine(url)
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(schema.parks))
    except Exception:  # no such database yet: seed it
        return None


def write_docroot(site: Path, url: str) -> bytes:
    """A release holding the one ranking file (and its .gz twin, same mtime), as a publish
    writes it; `current` points at it. Returns the JSON."""
    engine = db.make_engine(url)
    with engine.connect() as conn:
        body = ranking_json(conn, PERIOD)
    engine.dispose()
    release = site / "docroot" / "releases" / "bench"
    target = release / RANKING.lstrip("/")
    target.parent.mkdir(parents=True)
    target.write_bytes(body)
    twin = target.with_name(target.name + ".gz")
    twin.write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
    stamp = target.stat().st_mtime
    os.utime(twin, (stamp, stamp))
    (site / "docroot" / "current").symlink_to("releases/bench")
    return body


def gunicorn(args: argparse.Namespace, site: Path, port: int) -> Any:
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DOCROOT": str(site / "docroot"),
        "API_RATE_LIMIT": "100000000 per second",  # measure the app, not the limiter
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(args.workers), "--log-level", "warning"]
    command += ["bench.bench_web:bench_application()"]
    return running(command, port, "gunicorn", cwd=ROOT, env=env)


def apache(site: Path, port: int, backend: int) -> Any:
    """Debian's apache2 with the production virtual host, its Defines set for this run."""
    return local_apache(site, port, backend, "https://shop.example.org")


def check_paths(port: int, body: bytes, park_ids: list[int], span: tuple[str, str]) -> None:
    """Before timing: the static file comes precompressed, the per-request ranking is the same
    ranking, the lookup answers 200."""
    static = get(port, RANKING, timeout=30, Accept_Encoding="gzip")
    encoding = static.header("Content-Encoding")
    if static.status != 200 or encoding != "gzip":
        raise SystemExit(f"static ranking: {static.status}, {encoding}")
    if gzip.decompress(static.body) != body:
        raise SystemExit("the static ranking is not the file written")
    dynamic = get(port, DYNAMIC, timeout=30)
    if dynamic.status != 200 or json.loads(dynamic.body) != json.loads(body):
        raise SystemExit(f"the per-request ranking differs from the static one ({dynamic.status})")
    lookup = get(port, lookup_path(park_ids[0], span), timeout=30)
    if lookup.status != 200:
        raise SystemExit(f"the custom-range lookup answered {lookup.status}")
    print(
        f"checked: static {len(body):,} bytes ({len(static.body):,} gzipped), "
        "same ranking per request"
    )


def lookup_path(park_id: int, span: tuple[str, str]) -> str:
    return f"/api/v1/parks/{park_id}/stats?from={span[0]}&to={span[1]}"


def lookup_script(site: Path, park_ids: list[int], span: tuple[str, str]) -> Path:
    """wrk Lua: each request asks for the next park, round the 150."""
    script = site / "lookup.lua"
    ids = ", ".join(str(i) for i in park_ids)
    script.write_text(
        f"""local ids = {{{ids}}}
local i = 0
request = function()
  i = i + 1
  local path = "/api/v1/parks/" .. ids[(i % #ids) + 1] .. "/stats?from={span[0]}&to={span[1]}"
  return wrk.format("GET", path)
end
"""
    )
    return script


@dataclass
class Result:
    name: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    args: argparse.Namespace, name: str, port: int, path: str, connections: int, *extra: str
) -> Result:
    command = ["wrk", "-t", str(min(args.threads, connections)), "-c", str(connections)]
    command += ["-d", f"{args.duration}s", "--timeout", "10s", "--latency", *extra]
    command += [f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {
        p: float(v) * UNITS[u]
        for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors:.*", out)
    errors = int(bad.group(1)) if bad else 0
    if sockets:
        errors += sum(int(n) for n in re.findall(r"\d+", sockets.group(0)))
    result = Result(name, connections, rps, pct.get("50", 0.0), pct.get("99", 0.0), errors)
    if errors or args.verbose:
        print(out)
    print(
        f"{name:<48} c={connections:<3} {rps:>10,.0f} req/s  p50 {result.p50_ms:7.2f} ms  "
        f"p99 {result.p99_ms:7.2f} ms  errors {errors}"
    )
    return result


def report(static: Result, dynamic: Result, lookup: Result) -> None:
    ratio = static.rps / dynamic.rps if dynamic.rps else float("inf")
    print()
    print("| path | connections | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for r in (static, dynamic, lookup):
        print(
            f"| {r.name} | {r.connections} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
            f"| {r.errors} |"
        )
    print()
    verdicts = [
        (f"static >= 10,000 req/s at 64: {static.rps:,.0f}", static.rps >= 10_000),
        (f"static >= 100 x per-request: {ratio:,.0f} x", ratio >= 100),
        (f"lookup >= 500 req/s at 16: {lookup.rps:,.0f}", lookup.rps >= 500),
        (f"lookup p99 < 50 ms: {lookup.p99_ms:.1f} ms", lookup.p99_ms < 50),
    ]
    for text, ok in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {text}")


def main() -> None:
    args = parse()
    if not shutil.which("wrk") or not shutil.which("apache2"):
        raise SystemExit("needs wrk and apache2 (Debian: apt-get install wrk apache2)")
    seeded(args)
    engine = db.make_engine(args.database_url)
    with engine.connect() as conn:
        park_ids = list(conn.scalars(select(schema.parks.c.id).order_by(schema.parks.c.id)))
        now = as_utc(conn.scalar(select(func.max(schema.collection_cycles.c.cycle_at))))
    engine.dispose()
    span = (
        (now.date() - timedelta(days=30)).isoformat(),
        (now.date() - timedelta(days=1)).isoformat(),
    )
    site = Path(tempfile.mkdtemp(prefix="hos-bench-web-"))
    site.chmod(0o755)
    old = os.umask(0o022)
    try:
        body = write_docroot(site, args.database_url)
        backend, front = free_port(), free_port()
        with gunicorn(args, site, backend), apache(site, front, backend):
            check_paths(front, body, park_ids, span)
            gz = ("-H", "Accept-Encoding: gzip")
            static = wrk(args, "ranking JSON, Apache, precompressed .gz", front, RANKING, 64, *gz)
            script = str(lookup_script(site, park_ids, span))
            name = "custom-range lookup (150 parks, 30 days)"
            lookup = wrk(args, name, front, lookup_path(park_ids[0], span), 16, "-s", script)
            # Last: the slow path leaves requests queued at gunicorn when wrk stops.
            dynamic = wrk(args, "same ranking, Flask per request", front, DYNAMIC, 64)
        report(static, dynamic, lookup)
    finally:
        os.umask(old)
        shutil.rmtree(site)


if __name__ == "__main__":
    main()
