"""The goals of issue #9, checked against one run's own figures (pure, unit-tested).

A goal whose scenarios did not run (module not present yet) is "n/a" and not counted, so
``goals: N met of M`` only ever speaks about what was really measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bench.stats import Summary

MET, NOT_MET, NA = "met", "NOT met", "n/a"

LIST_DETAIL_PAGES = ("product search", "order list", "order page")
REPORTS = ("dashboard", "ABC curve", "rankings (sellers and VIP)")


@dataclass
class Measurement:
    scenario: str
    mode: str  # "rate" (open loop), "max" (closed loop), "half max" (open loop)
    rate: float | None
    summary: Summary
    ratio: float | None = None
    ratio_to: str | None = None


@dataclass
class DrainFigures:
    jobs: int
    seconds: float
    lost: int | None  # None: the ledger check is not written yet
    doubled: int | None


@dataclass
class RunFigures:
    measurements: list[Measurement] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)  # scenario -> why n/a
    oversells: int | None = None  # None: no checkout ran
    drain: DrainFigures | None = None
    customers: int | None = None  # customers present at the last CPF-lookup measurement

    def get(self, scenario: str, mode: str) -> Measurement | None:
        """The last such measurement (the CPF lookup runs again at a larger scale)."""
        for m in reversed(self.measurements):
            if m.scenario == scenario and m.mode == mode:
                return m
        return None


@dataclass(frozen=True)
class Verdict:
    goal: str
    status: str
    detail: str


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def _p95_under(figures: RunFigures, names: tuple[str, ...], mode: str, limit: float):
    """(status, detail) for "p95 under ``limit`` ms" over the scenarios that ran."""
    found = [(n, figures.get(n, mode)) for n in names]
    ran = [(n, m) for n, m in found if m is not None]
    if not ran:
        return NA, "scenario not present"
    parts = [f"{n} {_ms(m.summary.p95_ms)}" for n, m in ran]
    missing = [n for n, m in found if m is None]
    if missing:
        parts.append("n/a: " + ", ".join(missing))
    ok = all(m.summary.p95_ms is not None and m.summary.p95_ms < limit for _, m in ran)
    return (MET if ok else NOT_MET), "p95 " + "; ".join(parts)


def checkout_latency(f: RunFigures) -> tuple[str, str]:
    m = f.get("checkout", "rate")
    if m is None:
        return NA, "checkout not present"
    status, detail = _p95_under(f, ("checkout",), "rate", 150)
    return status, f"{detail} at {m.rate:g}/s"


def checkout_vs_sql(f: RunFigures) -> tuple[str, str]:
    m = f.get("checkout", "max")
    if m is None or m.ratio is None:
        return NA, "checkout or its plain-SQL ceiling not present"
    status = MET if m.ratio >= 0.40 else NOT_MET
    return status, f"{m.summary.rps:.0f} req/s = {m.ratio:.0%} of plain SQL"


def cpf_lookup(f: RunFigures) -> tuple[str, str]:
    status, detail = _p95_under(f, ("customer lookup by CPF",), "rate", 20)
    if status != NA and f.customers is not None:
        detail += f" at {f.customers:,} customers"
    return status, detail


def pages_throughput(f: RunFigures) -> tuple[str, str]:
    ran = [m for n in LIST_DETAIL_PAGES if (m := f.get(n, "max")) and m.ratio is not None]
    if not ran:
        return NA, "no list/detail page present"
    ok = all(m.ratio >= 0.40 for m in ran)
    return (MET if ok else NOT_MET), "; ".join(f"{m.scenario} {m.ratio:.0%}" for m in ran)


def pages_half_load(f: RunFigures) -> tuple[str, str]:
    return _p95_under(f, LIST_DETAIL_PAGES, "half max", 50)


def reports_latency(f: RunFigures) -> tuple[str, str]:
    """Judged at the fixed rate; the cold figures (first view after a change) are shown."""
    status, detail = _p95_under(f, REPORTS, "rate", 300)
    cold = [(n, m) for n in REPORTS if (m := f.get(n, "cold")) is not None]
    if cold:
        detail += "; cold (first view after a change): " + "; ".join(
            f"{n} {_ms(m.summary.p95_ms)}" for n, m in cold
        )
    return status, detail


def drain_time(f: RunFigures) -> tuple[str, str]:
    d = f.drain
    if d is None:
        return NA, "cashback jobs not present"
    ok = d.jobs >= 10_000 and d.seconds < 300
    return (MET if ok else NOT_MET), f"{d.jobs:,} jobs in {d.seconds:.1f} s"


def drain_exactly_once(f: RunFigures) -> tuple[str, str]:
    d = f.drain
    if d is None or d.lost is None or d.doubled is None:
        return NA, "cashback jobs or their ledger check not present"
    ok = d.lost == 0 and d.doubled == 0
    return (MET if ok else NOT_MET), f"lost {d.lost}, doubled {d.doubled}"


def zero_errors(f: RunFigures) -> tuple[str, str]:
    if not f.measurements:
        return NA, "nothing ran"
    errors = sum(m.summary.errors for m in f.measurements)
    oversells = "n/a (no checkout)" if f.oversells is None else str(f.oversells)
    ok = errors == 0 and not f.oversells
    return (MET if ok else NOT_MET), f"errors {errors}, oversells {oversells}"


GOALS: list[tuple[str, Callable[[RunFigures], tuple[str, str]]]] = [
    ("Checkout p95 < 150 ms at 20 checkouts/s", checkout_latency),
    ("Checkout throughput >= 40% of the plain-SQL ceiling", checkout_vs_sql),
    ("Customer lookup by CPF p95 < 20 ms", cpf_lookup),
    ("List/detail pages >= 40% of the baseline page's throughput", pages_throughput),
    ("List/detail pages p95 < 50 ms at half of max load", pages_half_load),
    ("Dashboard, rankings and ABC p95 < 300 ms", reports_latency),
    ("10,000 cashback jobs drained by one worker in < 5 min", drain_time),
    ("Cashback jobs: none lost or doubled", drain_exactly_once),
    ("Zero errors and zero oversells", zero_errors),
]


def evaluate(figures: RunFigures) -> list[Verdict]:
    return [Verdict(goal, *check(figures)) for goal, check in GOALS]


def goals_line(verdicts: list[Verdict]) -> str:
    """The run's last line: goals met out of the goals that could be checked."""
    counted = [v for v in verdicts if v.status != NA]
    met = sum(v.status == MET for v in counted)
    return f"goals: {met} met of {len(counted)}"
