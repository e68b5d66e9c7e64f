"""Latency statistics (pure functions, unit-tested in tests/bench/test_harness.py)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending sequence.

    Nearest rank (the smallest value with at least ``pct`` % of the samples at or below it)
    always returns a latency that was really observed and never smooths a tail away, which is
    what a p95/p99 goal should be checked against.
    """
    if not sorted_values:
        raise ValueError("percentile of no samples")
    if not 0 < pct <= 100:
        raise ValueError("pct must be in (0, 100]")
    rank = math.ceil(pct / 100 * len(sorted_values))
    return sorted_values[max(rank, 1) - 1]


@dataclass(frozen=True)
class Summary:
    requests: int
    errors: int
    elapsed_s: float
    rps: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None


def summarize(latencies_ms: Sequence[float], errors: int, elapsed_s: float) -> Summary:
    """Successful requests/s over the window and latency percentiles of every request.

    ``latencies_ms`` holds every completed request, failed ones too: a timeout left out of
    the percentiles would make a struggling server look fast.
    """
    ordered = sorted(latencies_ms)
    done = len(ordered)
    rps = (done - errors) / elapsed_s if elapsed_s > 0 else 0.0

    def pick(pct: float) -> float | None:
        return percentile(ordered, pct) if ordered else None

    return Summary(
        requests=done,
        errors=errors,
        elapsed_s=elapsed_s,
        rps=rps,
        p50_ms=pick(50),
        p95_ms=pick(95),
        p99_ms=pick(99),
        max_ms=ordered[-1] if ordered else None,
    )
