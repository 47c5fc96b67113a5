"""The benchmark run (`./run bench`): measure the read and publish paths on a stack of its own.

The run: seed a fresh store (temporary directory, or a throw-away MongoDB database) with
``servers * 3`` versions; start two registries on it under gunicorn on free loopback ports,
one with the response cache and one without; drive them from a separate load-generator process
(``wrk``, else Python) and from this process; stop everything; print a table and optionally
write JSON. Each figure that has a target is a ratio or a latency taken within this one run,
so a busy machine slows both sides of a ratio alike.
"""

from __future__ import annotations

import math
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit, urlunsplit

from benchmarks.catalog import VERSIONS_PER_SERVER
from benchmarks.load import Generator, LoadResult, ensure_wrk
from benchmarks.memory import MemoryPoint, growth_exponent, measure_memory
from benchmarks.peer import Peer, peer_from_options, peer_rows, probe_peer
from benchmarks.publish import (
    open_publisher,
    publish_throughput,
    publish_visibility,
)
from benchmarks.push import push_figures
from benchmarks.reads import (
    LIST_PATH,
    ceiling_body,
    deep_paging,
    interleaved_loads,
    search_by_term,
    search_latency,
    sync,
)
from benchmarks.seed import seed
from benchmarks.serving import measure_serving, serving_rows
from benchmarks.stack import Served, start_ceiling, start_registry
from mcp_registry.shared.auth.signing_keys import KeyDirectory
from mcp_registry.shared.clock import format_rfc3339

Backend = Literal["sqlite", "mongodb"]
CACHE_ENTRIES = 2048
VISIBILITY_PUBLISHES = 100
PUSH_PUBLISHES = 50
TARGETS = {
    "cached_ratio": ">= 0.8",
    "deep_page_ratio": "<= 1.2",
    "search_p99_ms": "< 25",
    "publish_visible_p99_ms": "< 100",
    "rss_growth_exponent": "< 1 (sub-linear)",
}


@dataclass(frozen=True)
class BenchOptions:
    """What ``./run bench`` was asked for."""

    servers: int = 10_000
    backend: Backend = "sqlite"
    mongodb_url: str | None = None
    duration: float = 10.0
    workers: int = 2
    rss_versions: int = 100_000
    load_generator: Literal["auto", "wrk", "python"] = "auto"
    command: str = "python -m benchmarks"
    only: Literal["search"] | None = None
    """``search``: seed, start the uncached registry and measure (d) alone."""
    peer_url: str | None = None
    """A peer registry's listing, started by the operator, loaded beside ours (j)."""
    peer_headers: tuple[str, ...] = ()
    """``Name: value`` headers for every request to ``peer_url``."""


@dataclass
class _Run:
    """State of one run: where data lives, what to clean up, notes for the report."""

    options: BenchOptions
    work_dir: Path
    peer: Peer | None = None
    notes: list[str] = field(default_factory=list)
    mongo_databases: list[str] = field(default_factory=list)

    def database_url(self, label: str) -> str:
        if self.options.backend == "sqlite":
            return "sqlite:///" + str(self.work_dir / f"{label}.db")
        assert self.options.mongodb_url is not None
        name = f"mcp_registry_bench_{label}_{secrets.token_hex(4)}"
        self.mongo_databases.append(name)
        parts = urlsplit(self.options.mongodb_url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))

    def drop_mongo_databases(self) -> None:
        if not self.mongo_databases or self.options.mongodb_url is None:
            return
        import pymongo

        client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
            self.options.mongodb_url, serverSelectionTimeoutMS=5000
        )
        try:
            for name in self.mongo_databases:
                client.drop_database(name)
        finally:
            client.close()


def _choose_generator(run: _Run) -> Generator:
    wanted = run.options.load_generator
    if wanted == "python":
        return "python"
    if ensure_wrk(run.notes):
        return "wrk"
    if wanted == "wrk":
        raise RuntimeError("wrk was requested but is not available: " + "; ".join(run.notes))
    return "python"


def _machine() -> dict[str, Any]:
    memory_kib = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory_kib = int(line.split()[1])
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def _load(result: LoadResult) -> dict[str, Any]:
    return asdict(result)


PUBLISH_ENV = {
    "MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH": "true",
    "MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION": "false",
}
"""The registry that takes publishes hands out anonymous tokens and checks no package
registry (loopback only: none is reachable from a benchmark)."""


def _registry(
    stack: ExitStack,
    run: _Run,
    label: str,
    database_url: str,
    cache_entries: int,
    extra_env: dict[str, str] | None = None,
) -> Served:
    """A registry on ``database_url`` that ``stack`` stops (stopping twice is harmless)."""
    served = start_registry(
        label,
        data_dir=run.work_dir,
        database_url=database_url,
        workers=run.options.workers,
        cache_entries=cache_entries,
        extra_env=extra_env,
    )
    stack.callback(served.stop)
    return served


def _memory_at(
    stack: ExitStack, run: _Run, versions: int, generator: Generator, echo: Callable[[str], None]
) -> MemoryPoint:
    servers = math.ceil(versions / VERSIONS_PER_SERVER)
    url = run.database_url(f"rss{servers}")
    echo(f"seeding {servers} servers for the memory point at {versions} versions")
    stored = seed(url, servers)
    served = _registry(stack, run, f"rss{servers}", url, CACHE_ENTRIES)
    start = served.worker_rss_mb()
    point = measure_memory(
        served,
        versions=stored,
        rss_start=start,
        duration=min(run.options.duration, 3.0),
        generator=generator,
    )
    served.stop()
    return point


def _measure(run: _Run, stack: ExitStack, echo: Callable[[str], None]) -> dict[str, Any]:
    options = run.options
    generator = _choose_generator(run)
    connections = 2 * options.workers
    KeyDirectory(run.work_dir / "keys").generate()
    url = run.database_url("main")
    echo(f"seeding {options.servers} servers x {VERSIONS_PER_SERVER} versions ({options.backend})")
    versions = seed(url, options.servers)
    warm = _registry(stack, run, "warm", url, CACHE_ENTRIES, PUBLISH_ENV)
    cold = _registry(stack, run, "cold", url, 0)
    rss_start = warm.worker_rss_mb()
    ceiling = start_ceiling(
        body_file=ceiling_body(warm, run.work_dir), workers=options.workers, log_dir=run.work_dir
    )
    stack.callback(ceiling.stop)
    rounds = max(1, min(5, int(options.duration // 2)))
    echo(f"a, b) list warm, ceiling, list cold: {rounds} alternating rounds ({generator})")
    loads = interleaved_loads(
        {
            "warm": warm.url + LIST_PATH,
            "ceiling": ceiling.url + LIST_PATH,
            "cold": cold.url + LIST_PATH,
        },
        duration=options.duration,
        rounds=rounds,
        connections=connections,
        generator=generator,
    )
    ceiling.stop()
    serving = measure_serving(
        warm=warm,
        work_dir=run.work_dir,
        database_url=url,
        list_path=LIST_PATH,
        duration=options.duration,
        workers=options.workers,
        n_servers=options.servers,
        generator=generator,
        notes=run.notes,
        echo=echo,
        peer=run.peer,
    )
    warm_load, cold_load, ceiling_load = loads["warm"], loads["cold"], loads["ceiling"]
    body_bytes = (run.work_dir / "ceiling-body.json").stat().st_size
    echo("c) deep paging; d) search (response cache off)")
    deep = deep_paging(cold, duration=options.duration)
    search = search_latency(cold, duration=options.duration)
    echo("e) full sync; f) publishes and visibility; e) incremental sync")
    full = sync(warm, "")
    publisher = open_publisher(warm, url, run.notes)
    stack.callback(publisher.close)
    visibility = publish_visibility(
        warm, publisher, n_servers=options.servers, count=VISIBILITY_PUBLISHES, version="2.0.0"
    )
    incremental = sync(warm, "updated_since=" + quote(format_rfc3339(visibility.since)))
    throughput = publish_throughput(publisher, n_servers=options.servers, duration=options.duration)
    cold.stop()
    echo("g) memory per worker")
    main_point = measure_memory(
        warm,
        versions=versions + visibility.publishes + throughput.publishes,
        rss_start=rss_start,
        duration=min(options.duration, 3.0),
        generator=generator,
    )
    warm.stop()
    points = [main_point]
    if options.rss_versions > main_point.versions:
        points.append(_memory_at(stack, run, options.rss_versions, generator, echo))
    small, large = points[0], points[-1]
    echo("h) publish -> webhook delivered, publish -> visible in a mirror")
    push_count = max(10, min(PUSH_PUBLISHES, int(options.duration * 5)))
    push = push_figures(run.work_dir, workers=options.workers, count=push_count)
    report: dict[str, Any] = {
        "cached_ratio": warm_load.rps / ceiling_load.rps,
        "cold_ratio": cold_load.rps / ceiling_load.rps,
        "deep_page_ratio": deep.ratio,
        "search_p50_ms": search.p50_ms,
        "search_p99_ms": search.p99_ms,
        "publish_visible_p50_ms": visibility.visible.p50_ms,
        "publish_visible_p99_ms": visibility.visible.p99_ms,
        "publish_per_second": throughput.per_second,
        "webhook_delivered_p50_ms": push.webhook.p50_ms,
        "webhook_delivered_p99_ms": push.webhook.p99_ms,
        "mirror_visible_p50_ms": push.mirror.p50_ms,
        "mirror_visible_p99_ms": push.mirror.p99_ms,
        "rss_mb_per_worker": large.rss_mb,
        "rss_versions": large.versions,
        "rss_growth_exponent": growth_exponent(small, large) if large is not small else None,
        "full_sync_seconds": full.seconds,
        "incremental_sync_seconds": incremental.seconds,
        "publish_path": publisher.path,
        "load_generator": generator,
        "details": {
            "list_warm": _load(warm_load),
            "list_cold": _load(cold_load),
            "ceiling": _load(ceiling_load),
            "list_body_bytes": body_bytes,
            "deep_paging": asdict(deep),
            "search": asdict(search),
            "full_sync": asdict(full),
            "incremental_sync": {**asdict(incremental), "publishes_before": visibility.publishes},
            "publish_visibility": {
                "publishes": visibility.publishes,
                "publish": asdict(visibility.publish),
                "visible": asdict(visibility.visible),
            },
            "publish_throughput": asdict(throughput),
            "push": asdict(push),
            "memory": [{**asdict(p), "growth_mb": p.growth_mb} for p in points],
        },
        **serving,
    }
    return report


def _measure_search(run: _Run, stack: ExitStack, echo: Callable[[str], None]) -> dict[str, Any]:
    """(d) alone: seed, one registry with the response cache off, the search mix."""
    options = run.options
    KeyDirectory(run.work_dir / "keys").generate()
    url = run.database_url("main")
    echo(f"seeding {options.servers} servers x {VERSIONS_PER_SERVER} versions ({options.backend})")
    started = time.monotonic()
    seed(url, options.servers)
    seeded = time.monotonic() - started
    cold = _registry(stack, run, "cold", url, 0)
    echo("d) search (response cache off)")
    search = search_latency(cold, duration=options.duration)
    return {
        "search_p50_ms": search.p50_ms,
        "search_p99_ms": search.p99_ms,
        "seed_seconds": seeded,
        "details": {"search": asdict(search), "search_by_term": search_by_term(cold)},
    }


def run_bench(options: BenchOptions, echo: Callable[[str], None]) -> dict[str, Any]:
    """Run every measurement and return the report (see ``docs/performance.md``)."""
    if options.backend == "mongodb" and not options.mongodb_url:
        raise ValueError("--backend mongodb needs a MongoDB URL (--mongodb-url)")
    if options.servers < 1 or options.workers < 1 or options.duration <= 0:
        raise ValueError("--servers, --workers and --duration must be positive")
    peer = peer_from_options(options.peer_url, options.peer_headers)
    if peer is not None:
        probe_peer(peer)  # before seeding: a peer that is down stops the run at once
    run = _Run(options, Path(tempfile.mkdtemp(prefix="mcp-registry-bench-")), peer)
    started = datetime.now(UTC)
    try:
        with ExitStack() as stack:
            measure = _measure_search if options.only == "search" else _measure
            report = measure(run, stack, echo)
    finally:
        run.drop_mongo_databases()
        shutil.rmtree(run.work_dir, ignore_errors=True)
    return {
        **report,
        "backend": options.backend,
        "servers": options.servers,
        "versions": options.servers * VERSIONS_PER_SERVER,
        "workers": options.workers,
        "duration": options.duration,
        "only": options.only,
        "date": format_rfc3339(started),
        "command": options.command,
        "machine": _machine(),
        "notes": run.notes,
    }


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def search_table(report: dict[str, Any]) -> str:
    """The human summary of ``--only search``: the mix, then each term's median."""
    lines = [
        f"search_p50_ms  {_fmt(report['search_p50_ms']):>8}",
        f"search_p99_ms  {_fmt(report['search_p99_ms']):>8}  target {TARGETS['search_p99_ms']}",
    ]
    for term, median in report["details"]["search_by_term"].items():
        lines.append(f"  {term!r:<28} p50 {_fmt(median):>8} ms")
    lines.append(
        f"{report['backend']}, {report['servers']} servers (seeded in "
        f"{report['seed_seconds']:.0f} s), {report['date']}"
    )
    return "\n".join(lines)


def table(report: dict[str, Any]) -> str:
    """The human summary: one line per figure, with its target where it has one."""
    if report.get("only") == "search":
        return search_table(report)
    details = report["details"]
    rows: list[tuple[str, object, str]] = [
        ("list warm req/s", details["list_warm"]["rps"], ""),
        (
            "list warm p50/p99 ms",
            f"{details['list_warm']['p50_ms']:.2f} / {details['list_warm']['p99_ms']:.2f}",
            "",
        ),
        ("list cold req/s", details["list_cold"]["rps"], ""),
        (
            "list cold p50/p99 ms",
            f"{details['list_cold']['p50_ms']:.2f} / {details['list_cold']['p99_ms']:.2f}",
            "",
        ),
        ("ceiling req/s", details["ceiling"]["rps"], ""),
        ("cached_ratio", report["cached_ratio"], TARGETS["cached_ratio"]),
        ("cold_ratio", report["cold_ratio"], ""),
        (
            f"deep_page_ratio (page {details['deep_paging']['page']})",
            report["deep_page_ratio"],
            TARGETS["deep_page_ratio"],
        ),
        ("search_p50_ms", report["search_p50_ms"], ""),
        ("search_p99_ms", report["search_p99_ms"], TARGETS["search_p99_ms"]),
        (f"full sync s ({details['full_sync']['pages']} pages)", report["full_sync_seconds"], ""),
        (
            f"incremental sync s ({details['incremental_sync']['items']} items)",
            report["incremental_sync_seconds"],
            "",
        ),
        (f"publish/s ({report['publish_path']})", report["publish_per_second"], ""),
        (
            "publish_visible_p99_ms",
            report["publish_visible_p99_ms"],
            TARGETS["publish_visible_p99_ms"],
        ),
        ("webhook_delivered_p99_ms", report["webhook_delivered_p99_ms"], ""),
        ("mirror_visible_p99_ms", report["mirror_visible_p99_ms"], ""),
    ]
    rows += serving_rows(report)
    rows += peer_rows(report)
    for point in details["memory"]:
        rows.append((f"rss MiB/worker at {point['versions']} versions", point["rss_mb"], ""))
    if report["rss_growth_exponent"] is not None:
        rows.append(
            ("rss_growth_exponent", report["rss_growth_exponent"], TARGETS["rss_growth_exponent"])
        )
    width = max(len(label) for label, _, _ in rows)
    lines = [f"{'measurement':<{width}}  {'value':>12}  target", "-" * (width + 24)]
    lines += [f"{label:<{width}}  {_fmt(value):>12}  {target}" for label, value, target in rows]
    lines.append(
        f"{report['backend']}, {report['servers']} servers, {report['workers']} workers, "
        f"load by {report['load_generator']}, publishes via {report['publish_path']}, "
        f"{report['date']}"
    )
    return "\n".join(lines)


def main_argv(argv: list[str] | None = None) -> str:
    """The command line as run, for the report (program name without its directory).

    ``--peer-header`` values are credentials: the report shows their names only.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    shown: list[str] = []
    hide_next = False
    for arg in args:
        if hide_next:
            shown.append(_header_name(arg))
            hide_next = False
        elif arg == "--peer-header":
            shown.append(arg)
            hide_next = True
        elif arg.startswith("--peer-header="):
            shown.append("--peer-header=" + _header_name(arg.partition("=")[2]))
        else:
            shown.append(arg)
    return " ".join(["python -m benchmarks", *shown])


def _header_name(header: str) -> str:
    return header.partition(":")[0].strip() + ": <hidden>"
