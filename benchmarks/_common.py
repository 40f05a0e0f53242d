"""Shared helpers for the benchmark scripts: fixtures on disk and a timing loop that reports figures."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

WORK = Path(tempfile.gettempdir()) / "consortium-planner-bench"


def demo_file() -> Path:
    """A fresh demo workspace (benchmarks edit it; the demo source may have changed)."""
    from consortium_planner.services.demo import write_demo

    WORK.mkdir(parents=True, exist_ok=True)
    return write_demo(WORK / "demo.cplan", overwrite=True)


def large_file() -> Path:
    """The generated large workspace, written once per schema and generator version (``generate.VERSION``)."""
    from consortium_planner.services.generate import VERSION, write_large
    from consortium_planner.store.workspace_file import SCHEMA_HEAD

    path = WORK / f"large-{SCHEMA_HEAD}-g{VERSION}.cplan"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        write_large(path)
    return path


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    """Median and best wall time in milliseconds over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times)


def report(name: str, median_ms: float, best_ms: float, target_ms: float | None = None) -> None:
    verdict = ""
    if target_ms is not None:
        verdict = f"  target < {target_ms:,.0f} ms: {'met' if median_ms < target_ms else 'MISSED'}"
    print(f"{name:<58} median {median_ms:9.1f} ms   best {best_ms:9.1f} ms{verdict}")
