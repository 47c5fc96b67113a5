"""Serving-layer measurements: the registry against nginx, behind its ingress, under a mix.

- nginx *static*: the same bytes as the cached list page, served from a file by nginx with as
  many workers as the registry has: what the machine can do for this response at all;
- the *ingress*: nginx with the configuration generated from the route table (read cache
  included) in front of the warm registry, its upstreams all pointing at it;
- the *mixed* load: reads of the list page while sequential publishers run next to them.

nginx is optional: without it (not installed, not installable) the report says so and leaves
the nginx figures out. Every process here is a child of the benchmark, on loopback.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from benchmarks.catalog import server_name
from benchmarks.load import Generator, LoadResult, run_load
from benchmarks.peer import Peer, peer_report, probe_peer
from benchmarks.probe import LatencySummary, get
from benchmarks.publish import ANONYMOUS_NAMESPACE, HttpPublisher
from benchmarks.stack import Served, free_port, start_registry

SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


def nginx_binary() -> str | None:
    """The nginx on PATH or in an sbin directory, or None."""
    path = os.pathsep.join([os.environ.get("PATH", ""), *SBIN_DIRS])
    return shutil.which("nginx", path=path)


def _main_conf(work_dir: Path, label: str, workers: int, include: Path) -> Path:
    lines = [f"worker_processes {workers};", f"pid {work_dir / (label + '.pid')};"]
    lines.append(f"error_log {work_dir / (label + '-error.log')} warn;")
    if os.geteuid() == 0:
        # Workers would switch to `nobody`, which cannot enter the private work directory.
        lines.append("user root;")
    lines += ["events { worker_connections 1024; }", "http {", "    access_log off;"]
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        lines.append(f"    {name}_temp_path {work_dir / (label + '-temp-' + name)};")
    lines += [f"    include {include};", "}"]
    conf = work_dir / f"{label}-nginx.conf"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return conf


def start_nginx(
    binary: str, label: str, work_dir: Path, http_conf: str, workers: int, port: int
) -> Served:
    """nginx in the foreground with ``http_conf`` included at http level, answering on
    ``port`` (``/-/router-health`` or any path for the static server)."""
    include = work_dir / f"{label}-http.conf"
    include.write_text(http_conf, encoding="utf-8")
    conf = _main_conf(work_dir, label, workers, include)
    log = (work_dir / f"{label}-stdout.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            "-p",
            f"{work_dir}/",
            "-c",
            str(conf),
            "-e",
            str(work_dir / f"{label}-e.log"),
            "-g",
            "daemon off;",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    served = Served(label, f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx ({label}) exited: see {work_dir}")
        try:
            if get(served.url, "/-/router-health").status == 200:
                return served
        except OSError:
            pass
        time.sleep(0.1)
    served.stop()
    raise RuntimeError(f"nginx ({label}) did not answer within {START_TIMEOUT}s")


def static_conf(body_file: Path, port: int) -> str:
    """Every path answers the bytes of ``body_file`` (query strings ignored)."""
    return (
        "server {\n"
        f"    listen 127.0.0.1:{port};\n"
        f"    root {body_file.parent};\n"
        "    default_type application/json;\n"
        "    location = /-/router-health { return 200 'ok'; }\n"
        f"    location / {{ try_files /{body_file.name} =404; }}\n"
        "}\n"
    )


def ingress_conf(registry_bind: str, port: int, cache_dir: Path) -> str:
    """The generated router and upstreams, every service pointing at one ``serve all``."""
    from mcp_registry.services.ingress.nginx import render_routes, render_upstreams
    from mcp_registry.services.route_table import SERVICES

    routes = render_routes(listen=f"127.0.0.1:{port}", cache_path=str(cache_dir))
    upstreams = render_upstreams("{service}", addresses=dict.fromkeys(SERVICES, registry_bind))
    return routes + upstreams


def start_static(binary: str, work_dir: Path, body_file: Path, workers: int) -> Served:
    """nginx serving ``body_file`` for every path."""
    port = free_port()
    return start_nginx(binary, "static", work_dir, static_conf(body_file, port), workers, port)


def start_ingress(binary: str, work_dir: Path, registry: Served, workers: int) -> Served:
    """The generated ingress in front of ``registry``."""
    port = free_port()
    bind = registry.url.removeprefix("http://")
    conf = ingress_conf(bind, port, work_dir / "ingress-cache")
    return start_nginx(binary, "ingress", work_dir, conf, workers, port)


def _publish_until(
    client: HttpPublisher,
    stop: threading.Event,
    counts: list[int],
    slot: int,
    next_publish: Callable[[], tuple[int, str]],
) -> None:
    while not stop.is_set() and counts[slot] < 100_000:
        client.publish(*next_publish())
        counts[slot] += 1


@dataclass(frozen=True)
class MixedLoad:
    """(i) Reads with publishes beside them, against reads alone, in alternating slices."""

    read_only: LoadResult
    mixed: LoadResult
    publishes: int
    publish_share: float

    @property
    def p99_ratio(self) -> float:
        return self.mixed.p99_ms / self.read_only.p99_ms


def mixed_load(
    served: Served,
    path: str,
    *,
    duration: float,
    connections: int,
    publishers: int,
    generator: Generator,
    n_servers: int,
    rounds: int = 2,
) -> MixedLoad:
    """``connections - publishers`` read connections plus ``publishers`` sequential HTTP
    publishers (versions ``0.5.<round>`` of the anonymous copies of the seeded names,
    below every version the other measurements publish and wait for),
    against ``connections`` readers alone.
    """
    counter = iter(range(10**9))
    counter_lock = threading.Lock()

    def next_publish() -> tuple[int, str]:
        with counter_lock:
            k = next(counter)
        return k % n_servers, f"0.5.{k // n_servers}"

    alone: list[LoadResult] = []
    mixed: list[LoadResult] = []
    published = 0
    clients = [HttpPublisher(served) for _ in range(publishers)]
    for _ in range(rounds):
        alone.append(
            run_load(
                served.url + path,
                duration=duration / rounds / 2,
                connections=connections,
                generator=generator,
            )
        )
        stop = threading.Event()
        counts = [0] * publishers
        threads = [
            threading.Thread(
                target=_publish_until,
                args=(clients[slot], stop, counts, slot, next_publish),
                daemon=True,
            )
            for slot in range(publishers)
        ]
        for thread in threads:
            thread.start()
        try:
            mixed.append(
                run_load(
                    served.url + path,
                    duration=duration / rounds / 2,
                    connections=connections - publishers,
                    generator=generator,
                )
            )
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        published += sum(counts)
    from benchmarks.load import combine

    read_only, with_publishes = combine(alone), combine(mixed)
    reads = with_publishes.requests
    return MixedLoad(
        read_only=read_only,
        mixed=with_publishes,
        publishes=published,
        publish_share=published / (published + reads) if published + reads else 0.0,
    )


CACHE_ENTRIES = 2048
SERVING_CONNECTIONS = 16
MIXED_CONNECTIONS = 32
MIXED_PUBLISHERS = 3
INGRESS_VISIBILITY_PUBLISHES = 50
INGRESS_HOT_PUBLISHES = 20
HOT_VISIBLE_TIMEOUT = 10.0

SERVING_TARGETS = {
    "asgi_over_gthread": "",
    "nginx_ratio": ">= 0.3",
    "ingress_ratio": ">= 0.8",
    "gzip_hit_ratio": ">= 1 (no dearer)",
    "gzip_size_ratio": "<= 0.25",
    "list_surrogate_key_bytes": "< 256",
    "slow_clients_answered": "10 of 10",
    "mixed_p99_ratio": "<= 3",
    "ingress_publish_visible_p99_ms": "< 1000",
    "ingress_new_entry_visible_p99_ms": "",
    "uncached_page_cpu_ms": "<= 1",
    "peer_ratio": ">= 20 (at 200 servers)",
}


def _anonymous(index: int) -> str:
    """The name :class:`HttpPublisher` publishes for ``index``."""
    return f"{ANONYMOUS_NAMESPACE}/{server_name(index).split('/')[1]}"


def hot_visibility(ingress: Served, publisher: HttpPublisher, *, count: int) -> LatencySummary:
    """Publish → visible through the ingress for a route the ingress has cached.

    For each of ``count`` names published before (version ``0.6.0``), its ``latest`` route is
    read through the ingress until nginx serves it from its cache; then ``0.7.0`` is published
    and the route polled until it names the new version.
    """
    samples: list[float] = []
    for index in range(count):
        path = f"/v0/servers/{quote(_anonymous(index), safe='')}/versions/latest"
        deadline = time.monotonic() + HOT_VISIBLE_TIMEOUT
        while _fetch(ingress.url + path, {})[1].get("x-cache-status") != "HIT":
            if time.monotonic() > deadline:
                raise RuntimeError(f"{path} never came from the ingress cache")
        publisher.publish(index, "0.7.0")
        returned = time.perf_counter()
        while b'"version":"0.7.0"' not in _fetch(ingress.url + path, {})[0]:
            if time.perf_counter() - returned > HOT_VISIBLE_TIMEOUT:
                raise RuntimeError(f"{path} 0.7.0 not visible through the ingress")
            time.sleep(0.005)
        samples.append((time.perf_counter() - returned) * 1000)
    return LatencySummary.of(samples)


def _fetch(url: str, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request("GET", parts.path + "?" + parts.query, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {url} answered {response.status}")
        return body, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def page_cpu_ms(database_url: str, path_params: dict[str, str], samples: int = 200) -> float:
    """CPU milliseconds to build and serialize one uncached list page, in this process
    (store query, records, items, JSON): the least of five batches."""
    from mcp_registry.services.discovery.http_cache import render
    from mcp_registry.services.discovery.reads import Reads
    from mcp_registry.shared.storage.factory import open_store

    store = open_store(database_url)
    try:
        reads = Reads(store)
        render(reads.list_servers(path_params), seq=0, is_list=True)  # warm the page cache
        # The least CPU of several batches: other processes on the machine only add to it.
        batches: list[float] = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(samples // 5):
                render(reads.list_servers(path_params), seq=0, is_list=True)
            batches.append((time.process_time() - started) * 1000 / (samples // 5))
        return min(batches)
    finally:
        store.close()


def measure_serving(
    *,
    warm: Served,
    work_dir: Path,
    database_url: str,
    list_path: str,
    duration: float,
    workers: int,
    n_servers: int,
    generator: Generator,
    notes: list[str],
    echo: Callable[[str], None],
    peer: Peer | None = None,
) -> dict[str, object]:
    """(h-k): nginx comparisons, compression, slow clients, the mixed load, miss cost.

    With ``peer``, the peer's listing joins the serving loads (j) and the report gains
    ``peer_ratio`` and ``peer`` (see :mod:`benchmarks.peer`).
    """
    from benchmarks.publish import publish_visibility
    from benchmarks.reads import ceiling_body, interleaved_loads
    from benchmarks.slow_clients import check_slow_clients

    report: dict[str, object] = {}
    # The Python generator runs a process per connection: keep its loads small.
    serving_connections = SERVING_CONNECTIONS if generator == "wrk" else 2 * workers
    mixed_connections = MIXED_CONNECTIONS if generator == "wrk" else 4 * workers
    if generator != "wrk":
        notes.append(
            f"Python load generator: serving loads at {serving_connections} connections and the "
            f"mixed load at {mixed_connections}, not {SERVING_CONNECTIONS} and {MIXED_CONNECTIONS}"
        )
    # Short runs (smoke tests) publish fewer entries through the ingress.
    hot_count = max(2, min(INGRESS_HOT_PUBLISHES, int(duration * 2)))
    new_count = max(5, min(INGRESS_VISIBILITY_PUBLISHES, int(duration * 5)))
    identity_body, identity_headers = _fetch(warm.url + list_path, {})
    gzip_body, _ = _fetch(warm.url + list_path, {"Accept-Encoding": "gzip"})
    report["gzip_size_ratio"] = len(gzip_body) / len(identity_body)
    report["list_surrogate_key_bytes"] = len(identity_headers.get("surrogate-key", ""))
    echo("h) slow clients: 16 idle + 16 unfinished heads, 10 reads within 3 s")
    slow = check_slow_clients(warm.url)
    report["slow_clients_answered"] = f"{slow.answered} of {slow.reads}"
    report["slow_clients"] = slow.as_dict()
    params = dict(part.split("=", 1) for part in list_path.partition("?")[2].split("&"))
    report["uncached_page_cpu_ms"] = page_cpu_ms(database_url, params)

    binary = nginx_binary()
    # The other worker model on the same store, for the choice between them.
    other = start_registry(
        "warm-gthread",
        data_dir=work_dir,
        database_url=database_url,
        workers=workers,
        cache_entries=CACHE_ENTRIES,
        extra_env={"MCP_REGISTRY_WORKER_MODEL": "gthread"},
    )
    urls = {"warm": warm.url + list_path, "warm_gthread": other.url + list_path}
    headers: dict[str, dict[str, str]] = {}
    if generator == "wrk":
        urls["warm_gzip"] = warm.url + list_path
        headers["warm_gzip"] = {"Accept-Encoding": "gzip"}
    else:
        notes.append("compressed-hit load needs wrk: gzip_hit_ratio left out")
    static = ingress = None
    if binary is None:
        notes.append(
            "nginx not installed: nginx_ratio, ingress_ratio and ingress visibility left out"
        )
    else:
        body_file = ceiling_body(warm, work_dir)
        static = start_static(binary, work_dir, body_file, workers)
        ingress = start_ingress(binary, work_dir, warm, workers)
        urls["nginx_static"] = static.url + list_path
        urls["ingress"] = ingress.url + list_path
    try:
        # Probed again here (the run probed it before seeding): its size as loaded.
        peer_probe = probe_peer(peer) if peer is not None else None
        if peer is not None:
            urls["peer"] = peer.url
            headers["peer"] = peer.headers
        rounds = max(1, min(5, int(duration // 2)))
        echo(f"i) {', '.join(urls)} at {serving_connections} connections, {rounds} rounds")
        loads = interleaved_loads(
            urls,
            duration=duration,
            rounds=rounds,
            connections=serving_connections,
            generator=generator,
            headers=headers,
        )
        report["serving_loads"] = {label: vars(load) for label, load in loads.items()}
        report["asgi_over_gthread"] = loads["warm"].rps / loads["warm_gthread"].rps
        if "warm_gzip" in loads:
            report["gzip_hit_ratio"] = loads["warm_gzip"].rps / loads["warm"].rps
        if peer is not None and peer_probe is not None:
            compared = peer_report(
                peer,
                peer_probe,
                ours=loads["warm"],
                theirs=loads["peer"],
                list_body_bytes=len(identity_body),
            )
            report["peer"] = compared
            if compared["ratio"] is None:
                notes.append(f"the peer at {peer.url} completed no request: peer_ratio left out")
            else:
                report["peer_ratio"] = compared["ratio"]
            if loads["peer"].errors:
                notes.append(
                    f"the peer answered {loads['peer'].errors} requests with an error "
                    "(non-2xx or failed connections) during its slices"
                )
        if static is not None and ingress is not None:
            report["nginx_ratio"] = loads["warm"].rps / loads["nginx_static"].rps
            report["gthread_nginx_ratio"] = loads["warm_gthread"].rps / loads["nginx_static"].rps
            report["ingress_ratio"] = loads["ingress"].rps / loads["nginx_static"].rps
            echo("j) publish -> visible through the ingress")
            publisher = HttpPublisher(ingress)
            visible = publish_visibility(
                ingress,
                publisher,
                n_servers=n_servers,
                count=new_count,
                version="0.6.0",
            )
            hot = hot_visibility(ingress, publisher, count=hot_count)
            report["ingress_publish_visible_p99_ms"] = hot.p99_ms
            report["ingress_publish_visible_p50_ms"] = hot.p50_ms
            report["ingress_new_entry_visible_p99_ms"] = visible.visible.p99_ms
    finally:
        for served in (static, ingress, other):
            if served is not None:
                served.stop()
    echo(f"k) reads with {MIXED_PUBLISHERS} publishers beside them, {mixed_connections} in all")
    mixed = mixed_load(
        warm,
        list_path,
        duration=duration,
        connections=mixed_connections,
        publishers=MIXED_PUBLISHERS,
        generator=generator,
        n_servers=n_servers,
    )
    report["mixed_p99_ratio"] = mixed.p99_ratio
    report["mixed"] = {
        "read_only": vars(mixed.read_only),
        "mixed": vars(mixed.mixed),
        "publishes": mixed.publishes,
        "publish_share": mixed.publish_share,
    }
    return report


def serving_rows(report: dict[str, object]) -> list[tuple[str, object, str]]:
    """Table rows of :func:`measure_serving`'s figures that were measured."""
    return [(key, report[key], target) for key, target in SERVING_TARGETS.items() if key in report]
