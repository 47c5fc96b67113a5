"""The benchmark's pure parts: wrk output, statistics, generated documents."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest

from benchmarks.catalog import SEARCH_TERMS, bench_versions
from benchmarks.load import LoadResult, combine, parse_wrk
from benchmarks.probe import LatencySummary, percentile
from mcp_registry.shared.clock import format_rfc3339
from mcp_registry.shared.serverjson.validate import validate_server

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:40000/v0/servers?limit=100&version=latest
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   650.12us  310.40us   9.12ms   91.20%
    Req/Sec     6.10k   300.00     6.50k    70.00%
  Latency Distribution
     50%  572.00us
     75%  700.00us
     90%    0.91ms
     99%    1.51ms
  12345 requests in 2.00s, 1.17GB read
  Socket errors: connect 1, read 12345, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:   6172.50
Transfer/sec:    585.00MB
"""


def test_parse_wrk_reads_throughput_percentiles_and_errors() -> None:
    result = parse_wrk(WRK_OUTPUT)
    assert result.generator == "wrk"
    assert result.requests == 12345
    assert result.rps == pytest.approx(6172.5)
    assert result.p50_ms == pytest.approx(0.572)
    assert result.p99_ms == pytest.approx(1.51)
    # Read errors are the server closing connections after each reply, not failures.
    assert result.errors == 3 + 1 + 2


def test_parse_wrk_refuses_output_without_figures() -> None:
    with pytest.raises(ValueError, match="unexpected wrk output"):
        parse_wrk("connection refused\n")


def test_combine_averages_throughput_and_takes_median_percentiles() -> None:
    slices = [
        LoadResult("wrk", 100, 100.0, 1.0, 5.0, 0),
        LoadResult("wrk", 300, 300.0, 3.0, 9.0, 1),
        LoadResult("wrk", 200, 200.0, 2.0, 7.0, 0),
    ]
    combined = combine(slices)
    assert combined.requests == 600
    assert combined.rps == pytest.approx(200.0)
    assert (combined.p50_ms, combined.p99_ms, combined.errors) == (2.0, 7.0, 1)


def test_percentiles_are_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 0.5) == 50.0
    assert percentile(samples, 0.99) == 99.0
    assert LatencySummary.of([2.0]).p99_ms == 2.0
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 0.5)


def test_generated_versions_are_valid_and_in_publish_order() -> None:
    versions = list(bench_versions(30))
    assert len(versions) == 90
    assert all(a.published_at < b.published_at for a, b in itertools.pairwise(versions))
    assert len({(v.name, v.version) for v in versions}) == 90
    for entry in versions[::7]:
        report = validate_server(entry.server)
        assert report.valid, (entry.name, report.issues)
        assert not report.issues


def test_search_terms_include_a_miss_and_broad_terms() -> None:
    assert "no-such-server-anywhere" in SEARCH_TERMS
    assert "github" in SEARCH_TERMS  # matches every generated name: the broadest search


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2025, 1, 6, 9, 0, tzinfo=UTC),
        datetime(2025, 1, 6, 9, 0, 0, 5, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=-5))),
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2026, 3, 4, 5, 6, 7, 8, tzinfo=timezone(timedelta(0))),  # UTC, not the singleton
        datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ],
)
def test_rfc3339_formatting_matches_the_strftime_form(moment: datetime) -> None:
    assert format_rfc3339(moment) == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
