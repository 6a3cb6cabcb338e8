"""Shared timing helpers for the benchmarks: medians of repeated runs, ratio lines."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def per_call(func: Callable[[], object], number: int, repeat: int = 7) -> float:
    """:returns: the median, over ``repeat`` runs, of the seconds one call of ``func`` takes."""
    func()  # warm caches before measuring
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        runs.append((time.perf_counter() - start) / number)
    return statistics.median(runs)


def line(label: str, value: float, baseline: float, target: str) -> str:
    """Format one result: absolute microseconds, the ratio to the baseline, and the target."""
    return f"{label:<52} {value * 1e6:9.2f} us  {value / baseline:6.2f}x baseline  ({target})"
