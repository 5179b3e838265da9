"""A busy day: simulated residents replaying a recorded session against gunicorn, on loopback only.

    python bench/bench_load.py                      # 50 users for 60 s, then 200 users for 30 s
    python bench/bench_load.py --users 20 --seconds 10 --kill-worker
    python bench/bench_load.py --strict             # exit 1 if p95 at the largest load >= 1 s or any error

1. Record: the app runs in this process; headless Chromium plays a resident's session (open the
   map, toggle a project, search, open a place card, the list, nearby from a town, English, the
   planner with a coverage run, an export). Every request the page makes is kept: the page, each
   bundle and data file (GET) and each Dash callback (POST with its exact body).
2. Replay: ``gunicorn --workers 4 --preload app:server`` on 127.0.0.1; N virtual users (asyncio +
   aiohttp), each replaying the whole recorded session in order, again and again until the time is up.
   Loops are bounded in time and count and only 127.0.0.1 is ever contacted.
3. Report requests/s, latency p50 / p95 / p99 and errors (HTTP >= 400 or no answer), per load, the
   kinds of request with the highest p95 (where the tail comes from), and with ``--kill-worker``
   the errors when one worker is SIGKILLed in the middle of the run.
4. Memory: RSS and USS (private pages, what a worker costs on its own) of the master and of each
   worker from /proc, once the workers are up and after each load; and the time of the first
   coverage callback on a fresh server (the planner's population grid and zones: built before the
   fork with the config file's --preload warm-up, else by each worker on its first call).

gunicorn runs with the project's config file (``soja_map/web/gunicorn_conf.py``) when it exists,
or ``--gunicorn-config none`` for the bare command line (to compare with an older tree).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import statistics
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from _serve import gunicorn, in_process
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By

from soja_map.config import Settings
from soja_map.data.dataset import load_dataset
from soja_map.web import ids
from soja_map.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 1000
MAX_REQUESTS_PER_USER = 100_000  # a second bound besides the time

# Installed before any page script: keeps every fetch()/XHR the page sends, with its body.
RECORDER = """
window.__rec = [];
const origFetch = window.fetch;
window.fetch = function (input, init) {
  try {
    const url = typeof input === 'string' ? input : input.url;
    const method = (init && init.method) || 'GET';
    const body = init && typeof init.body === 'string' ? init.body : null;
    window.__rec.push({url: url, method: method, body: body,
                       headers: (init && init.headers) || {}});
  } catch (e) {}
  return origFetch.apply(this, arguments);
};
"""
RESOURCES = "return performance.getEntriesByType('resource').map(e => e.name)"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str | None = None
    page: str | None = None  # the page's query, sent as the Referer (the layout holds that page)


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    by_kind: dict[str, list[float]] = field(default_factory=dict)


# -- recording ---------------------------------------------------------------------------------


def chromium() -> webdriver.Chrome:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    service = webdriver.chrome.service.Service("/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    return driver


def _wait(driver: webdriver.Chrome, css: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = driver.find_elements(By.CSS_SELECTOR, css)
        if found and found[0].is_displayed():
            return found[0]
        time.sleep(0.05)
    raise TimeoutError(css)


def _quiet(driver: webdriver.Chrome, seconds: float = 0.8) -> None:
    """Wait until the page has sent no request for ``seconds``."""
    last = -1
    while True:
        count = driver.execute_script("return window.__rec.length")
        if count == last:
            return
        last = count
        time.sleep(seconds)


def _open(driver: webdriver.Chrome, base: str, arg: str, cached: set[str]) -> list[Request]:
    """The GETs of one page load (bundles and data once; the page and its layout every time)."""
    driver.get(base + arg)
    _wait(driver, ".leaflet-container")
    _quiet(driver)
    recorded = []
    for url in driver.execute_script(RESOURCES):
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if "_dash-update-component" in url:
            continue
        if parts.path.endswith("/_dash-layout"):  # asked again by every page (no-cache)
            recorded.append(Request("GET", path, page=arg))
            continue
        if path in cached:
            continue
        cached.add(path)
        recorded.append(Request("GET", path))
    recorded.append(Request("GET", "/" + arg))
    return recorded


def _session(driver: webdriver.Chrome, base: str) -> list[Request]:
    """One resident's visit, as requests (each page load's GETs, then its callbacks in order)."""
    steps: list[tuple[str, Any]] = [
        ("open", ""),
        ("click", f'#{ids.PROJECTS} input[value="hagukumu"]'),
        ("type", (f"#{ids.SEARCH}", "総社")),
        ("open", "?place=station.soja"),
        ("open", "?view=list"),
        ("click", f"#{ids.LIST_NEXT}"),
        ("open", "?view=nearby&near=34.6722,133.7468"),
        ("open", "?lang=en&projects=sasaeru"),
        ("open", "?view=planner"),
    ]
    recorded: list[Request] = []
    cached: set[str] = set()  # the browser keeps bundles and data between page loads
    for kind, arg in steps:
        if kind == "open":
            recorded += _open(driver, base, arg, cached)
        elif kind == "click":
            with contextlib.suppress(Exception):
                _wait(driver, arg, 10).click()
            _quiet(driver)
        elif kind == "type":
            css, text = arg
            with contextlib.suppress(Exception):
                _wait(driver, css, 10).send_keys(text)
            _quiet(driver)
        for item in driver.execute_script("const r = window.__rec; window.__rec = []; return r;"):
            parts = urlsplit(item["url"])
            if item["method"] == "POST" and parts.path.endswith("_dash-update-component"):
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                recorded.append(Request("POST", path, item["body"]))
    return recorded


@contextlib.contextmanager
def serving_in_process() -> Iterator[str]:
    settings = Settings(tiles=False)
    app = create_app(settings, load_dataset(settings))
    with in_process(app.server) as url:
        yield url


def record() -> list[Request]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with serving_in_process() as base:
        driver = chromium()
        try:
            return _session(driver, base)
        finally:
            driver.quit()


# -- replay ------------------------------------------------------------------------------------


CONFIG = REPO / "soja_map" / "web" / "gunicorn_conf.py"


@contextlib.contextmanager
def serving_gunicorn(
    workers: int, config: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    command = ["--workers", str(workers), "--preload", "--timeout", "60"]
    if config is not None:
        command += ["--config", str(config), "--access-logfile", "/dev/null"]
    with gunicorn(command, {"SOJA_MAP_TILES": "0"}) as (base, proc, deadline):
        _wait_for_workers(proc.pid, workers, int(base.rsplit(":", 1)[1]), deadline)
        yield base, proc


def _wait_for_workers(master: int, workers: int, port: int, deadline: float) -> None:
    """Until every worker is forked (a preloading master warms its caches first) and answers."""
    while time.monotonic() < deadline and len(worker_pids(master)) < workers:
        time.sleep(0.2)
    time.sleep(1.0)
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 5) as s:
        s.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        s.recv(64)


def memory_kb(pid: int) -> dict[str, int]:
    """RSS, PSS and USS (private clean + dirty) of a process, in kB, from /proc/<pid>/smaps_rollup."""
    fields: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, _, rest = line.partition(":")
            parts = rest.split()
            if parts and parts[0].isdigit():
                fields[name] = int(parts[0])
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"rss": fields.get("Rss", 0), "pss": fields.get("Pss", 0), "uss": uss}


def memory_report(master: int, label: str) -> dict[str, Any]:
    workers = [memory_kb(p) for p in worker_pids(master)]
    mb = 1024
    figures = {
        "when": label,
        "master_rss_mb": round(memory_kb(master)["rss"] / mb, 1),
        "workers": len(workers),
        "worker_rss_mb": [round(w["rss"] / mb, 1) for w in workers],
        "worker_uss_mb": [round(w["uss"] / mb, 1) for w in workers],
        "worker_uss_mean_mb": round(statistics.mean(w["uss"] for w in workers) / mb, 1)
        if workers
        else None,
    }
    print(
        f"  memory {label}: master RSS {figures['master_rss_mb']} MB; workers RSS "
        f"{figures['worker_rss_mb']} MB, USS {figures['worker_uss_mb']} MB "
        f"(mean USS {figures['worker_uss_mean_mb']} MB)",
        flush=True,
    )
    return figures


COVERAGE_SOURCE = "category:nursery"


def with_coverage(plan: list[Request]) -> list[Request]:
    """The session with a real coverage run: the recorded planner opens with no facilities chosen
    (so its callbacks compute nothing); the person then picks nurseries. The last planner call is
    replayed with that choice, right after it."""
    last = max((i for i, r in enumerate(plan) if _summary_call(r)), default=None)
    if last is None or any(is_coverage_call(r) for r in plan):
        return plan
    body = json.loads(plan[last].body or "{}")
    for item in body.get("inputs") or []:
        if isinstance(item, dict) and item.get("id") == "cov-source":
            item["value"] = COVERAGE_SOURCE
    body["changedPropIds"] = ["cov-source.value"]
    chosen = Request("POST", plan[last].path, json.dumps(body))
    return [*plan[: last + 1], chosen, *plan[last + 1 :]]


def _summary_call(req: Request) -> bool:
    return req.method == "POST" and req.body is not None and ids_summary() in req.body


def is_coverage_call(req: Request) -> bool:
    """A planner callback that computes coverage: it outputs the summary and facilities are chosen."""
    if not _summary_call(req):
        return False
    inputs = json.loads(req.body or "{}").get("inputs") or []
    flat = [i for item in inputs for i in (item if isinstance(item, list) else [item])]
    return any(i.get("id") == "cov-source" and i.get("value") for i in flat)


def ids_summary() -> str:
    from soja_map.web.planner import ids as planner_ids

    return planner_ids.SUMMARY


async def _first_call_ms(base: str, plan: list[Request]) -> float | None:
    """The first coverage callback on a fresh server, with the callbacks before it replayed."""
    target = next((i for i, r in enumerate(plan) if is_coverage_call(r)), None)
    if target is None:
        return None
    async with aiohttp.ClientSession() as session:
        req = plan[target]
        started = time.perf_counter()
        async with session.post(
            base + req.path, data=req.body, headers={"Content-Type": "application/json"}
        ) as resp:
            await resp.read()
        return round((time.perf_counter() - started) * 1000, 1)


def first_coverage_ms(base: str, plan: list[Request]) -> float | None:
    ms = asyncio.run(_first_call_ms(base, plan))
    print(f"  first coverage callback on a fresh server: {ms} ms", flush=True)
    return ms


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True, check=False
    )
    return [int(p) for p in out.stdout.split()]


async def _user(
    session: aiohttp.ClientSession, base: str, plan: list[Request], until: float, tally: Tally
) -> None:
    sent = 0
    while time.monotonic() < until and sent < MAX_REQUESTS_PER_USER:
        for req in plan:
            if time.monotonic() >= until:
                return
            started = time.perf_counter()
            try:
                headers = {"Accept-Encoding": "gzip, br"}
                if req.body is not None:
                    headers["Content-Type"] = "application/json"
                if req.page is not None:
                    headers["Referer"] = base + "/" + req.page
                async with session.request(
                    req.method, base + req.path, data=req.body, headers=headers
                ) as resp:
                    await resp.read()
                    tally.statuses[resp.status] = tally.statuses.get(resp.status, 0) + 1
                    if resp.status >= 400:
                        tally.errors += 1
            except (aiohttp.ClientError, TimeoutError):
                tally.errors += 1
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            tally.by_kind.setdefault(kind_of(req), []).append(tally.latencies_ms[-1])
            sent += 1


async def _load(
    base: str, plan: list[Request], users: int, seconds: float, kill: int | None
) -> tuple[Tally, float]:
    tally = Tally()
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=users, force_close=False)
    started = time.monotonic()
    until = started + seconds
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        tasks = [
            asyncio.create_task(_user(session, base, plan, until, tally)) for _ in range(users)
        ]
        if kill is not None:
            await asyncio.sleep(seconds / 2)
            pids = worker_pids(kill)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                print(f"  killed worker {pids[0]} at {seconds / 2:.0f} s", flush=True)
        await asyncio.gather(*tasks)
    return tally, time.monotonic() - started


def kind_of(req: Request) -> str:
    """What a request is, for the tail report: a callback by its first output, else the page,
    the layout or a static file."""
    if req.method == "POST":
        output = str(json.loads(req.body or "{}").get("output", ""))
        first = output.strip(".").split("...")[0].split("@")[0]
        return f"callback {first}"
    if req.page is not None:
        return "GET layout"
    if req.path == "/" or req.path.startswith("/?"):
        return "GET page"
    return "GET static"


def slowest_kinds(tally: Tally, n: int = 5) -> list[dict[str, Any]]:
    """The ``n`` kinds of request with the highest p95: where the tail comes from."""
    rows = [
        {
            "kind": kind,
            "count": len(lat),
            "p50_ms": round(percentile(lat, 50), 1),
            "p95_ms": round(percentile(lat, 95), 1),
        }
        for kind, lat in tally.by_kind.items()
        if len(lat) >= 2
    ]
    return sorted(rows, key=lambda r: -r["p95_ms"])[:n]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def run_load(
    base: str, plan: list[Request], users: int, seconds: float, kill: int | None = None
) -> dict[str, Any]:
    tally, elapsed = asyncio.run(_load(base, plan, users, seconds, kill))
    lat = tally.latencies_ms
    figures = {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": len(lat),
        "rps": round(len(lat) / elapsed, 1),
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(percentile(lat, 95), 1),
        "p99_ms": round(percentile(lat, 99), 1),
        "errors": tally.errors,
        "statuses": tally.statuses,
        "slowest": slowest_kinds(tally),
    }
    print(
        f"  {users:4d} users {elapsed:5.1f} s: {figures['requests']:7,d} requests, "
        f"{figures['rps']:7.1f} req/s, p50 {figures['p50_ms']:6.1f} ms, "
        f"p95 {figures['p95_ms']:7.1f} ms, p99 {figures['p99_ms']:7.1f} ms, "
        f"errors {tally.errors}  {tally.statuses}",
        flush=True,
    )
    print(
        "       slowest (p50 / p95 ms): "
        + "; ".join(
            f"{r['kind']} {r['p50_ms']:.0f} / {r['p95_ms']:.0f}" for r in figures["slowest"][:3]
        ),
        flush=True,
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--users", type=int, nargs="*", default=[50, 200], help="loads to run, in order"
    )
    parser.add_argument(
        "--seconds", type=float, nargs="*", default=[60, 30], help="duration of each load"
    )
    parser.add_argument(
        "--kill-worker", action="store_true", help="also: SIGKILL one worker under load"
    )
    parser.add_argument("--strict", action="store_true")
    parser.add_argument(
        "--gunicorn-config",
        default=str(CONFIG) if CONFIG.is_file() else "none",
        help="gunicorn config file, or 'none' for the bare command line",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--plan", type=Path, help="reuse (or save) the recorded session in this JSON file"
    )
    args = parser.parse_args(argv)
    if args.plan and args.plan.is_file():
        plan = [Request(**r) for r in json.loads(args.plan.read_text(encoding="utf-8"))]
    else:
        print("recording a resident's session in headless Chromium ...", flush=True)
        plan = record()
        if args.plan:
            args.plan.write_text(json.dumps([r.__dict__ for r in plan]), encoding="utf-8")
    plan = with_coverage(plan)
    posts = sum(1 for r in plan if r.method == "POST")
    print(f"  {len(plan)} requests per session ({posts} callbacks, {len(plan) - posts} GETs)")
    results: list[dict[str, Any]] = []
    durations = list(args.seconds) + [args.seconds[-1]] * len(args.users)
    config = None if args.gunicorn_config == "none" else Path(args.gunicorn_config)
    memory: list[dict[str, Any]] = []
    print("  machine load before (1/5/15 min): " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with serving_gunicorn(args.workers, config) as (base, proc):
        print(f"gunicorn --workers {args.workers} --preload (config {config}), on {base}")
        memory.append(memory_report(proc.pid, "workers up"))
        first_ms = first_coverage_ms(base, plan)
        for users, seconds in zip(args.users, durations, strict=False):
            results.append(run_load(base, plan, users, seconds))
            memory.append(memory_report(proc.pid, f"after {users} users"))
        if args.kill_worker:
            print("one worker killed under load:")
            results.append(run_load(base, plan, args.users[0], durations[0], kill=proc.pid))
    if args.json:
        doc = {"loads": results, "memory": memory, "first_coverage_ms": first_ms}
        doc["uptime"] = Path("/proc/loadavg").read_text().strip()
        args.json.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    last = results[len(args.users) - 1]
    ok = last["p95_ms"] < TARGET_P95_MS and all(
        r["errors"] == 0 for r in results[: len(args.users)]
    )
    print(
        f"\ntarget (p95 < {TARGET_P95_MS} ms at {last['users']} users, 0 errors): "
        + ("met" if ok else "MISSED")
    )
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())
