"""The run's report: a markdown table per scenario measurement, n/a list, goals."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.goals import NA, RunFigures, Verdict, goals_line


@dataclass
class RunInfo:
    date: str
    commit: str
    cores: int
    workers: int
    scale: str
    duration_s: float
    rate: float
    seeded: str  # real row counts after seeding


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def table(figures: RunFigures) -> list[str]:
    lines = [
        "| scenario | mode | req/s | p50 ms | p95 ms | p99 ms | errors | ratio to baseline |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for m in figures.measurements:
        s = m.summary
        mode = m.mode if m.rate is None else f"{m.mode} {m.rate:g}/s"
        ratio = "" if m.ratio is None else f"{m.ratio:.2f} x {m.ratio_to}"
        lines.append(
            f"| {m.scenario} | {mode} | {s.rps:.1f} | {_ms(s.p50_ms)} | {_ms(s.p95_ms)} "
            f"| {_ms(s.p99_ms)} | {s.errors} | {ratio} |"
        )
    if figures.drain:
        d = figures.drain
        lines.append(
            f"| cashback drain | {d.jobs:,} jobs, 1 worker | {d.jobs / d.seconds:.1f} | | | "
            f"| | {d.seconds:.1f} s total |"
        )
    for name, why in figures.absent.items():
        lines.append(f"| {name} | {why} | | | | | | |")
    return lines


def goals_section(verdicts: list[Verdict]) -> list[str]:
    lines = ["| goal | result | figures |", "|---|---|---|"]
    lines += [f"| {v.goal} | {v.status} | {v.detail} |" for v in verdicts]
    counted = sum(v.status != NA for v in verdicts)
    lines += ["", f"{len(verdicts) - counted} goal(s) n/a (module not present), not counted."]
    return lines


FIXES_HEADING = "## Fixes made along the way"


def kept_fixes(previous: str | None) -> list[str]:
    """The hand-written fixes section of an earlier results file of the same day, if any."""
    if not previous or FIXES_HEADING not in previous:
        return [FIXES_HEADING, "", "(none noted yet: describe each fix and its effect here)", ""]
    section = previous.split(FIXES_HEADING, 1)[1].split("\ngoals: ", 1)[0]
    return [FIXES_HEADING + section.rstrip("\n"), ""]


def render(
    info: RunInfo, figures: RunFigures, verdicts: list[Verdict], previous: str | None = None
) -> str:
    header = [
        f"# Benchmark {info.date}",
        "",
        f"- machine: {info.cores} cores; gunicorn workers: {info.workers}; one RQ worker",
        f"- git commit: {info.commit}",
        f"- scale asked: {info.scale}; seeded: {info.seeded}",
        f"- per scenario: {info.duration_s:g} s; default arrival rate {info.rate:g}/s "
        "(open loop, latency from the scheduled time)",
        "- modes: `rate` = fixed arrival rate; `max` = closed loop, maximum req/s; "
        "`half max` = fixed rate at half the measured max; `cold` = one request at a time, "
        "each right after the data changed (the report cache recomputes). Baseline rows are "
        "interleaved; each ratio uses the mean of the baselines measured just before and just "
        "after it.",
        "",
        "## Results",
        "",
    ]
    body = [*table(figures), "", "## Goals", "", *goals_section(verdicts), ""]
    fixes = kept_fixes(previous)
    return "\n".join([*header, *body, *fixes, goals_line(verdicts), ""])


def results_path(results_dir: Path, info: RunInfo) -> Path:
    return results_dir / f"{info.date}.md"
